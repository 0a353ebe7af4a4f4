"""Command-line interface: a thin shell over the library. Each command lives in its own module."""

from ._app import app
from . import build_lexicon as _build_lexicon  # noqa: F401  (registers `build-lexicon`)
from . import apriori as _apriori  # noqa: F401
from . import baskets as _baskets  # noqa: F401
from . import segment as _segment  # noqa: F401
from . import score as _score  # noqa: F401


def main() -> None:
    """Entry point of the `minent` console script."""
    app(prog_name="minent")


__all__ = ["app", "main"]
