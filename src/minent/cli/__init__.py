"""Command-line interface: a thin shell over the library. Each command lives in its own module."""

import importlib.abc
import sys

from ._app import app
from . import build_lexicon as _build_lexicon  # noqa: F401  (registers `build-lexicon`)
from . import apriori as _apriori  # noqa: F401
from . import baskets as _baskets  # noqa: F401
from . import segment as _segment  # noqa: F401
from . import score as _score  # noqa: F401


class _NoScipyBlasProbe(importlib.abc.MetaPathFinder):
    """Numba imports scipy to see whether BLAS is there when its CPU target starts
    (a quarter of a second); minent's kernels use no BLAS, so the CLI process skips it."""

    def find_spec(self, name, path=None, target=None):
        if name == "scipy" or name.startswith("scipy."):
            raise ImportError("minent's CLI skips Numba's BLAS probe")
        return None


def _start_numba_without_blas_probe() -> None:
    if "scipy" in sys.modules or "numba.np.arraymath" in sys.modules:
        return
    blocker = _NoScipyBlasProbe()
    sys.meta_path.insert(0, blocker)
    try:
        from numba.core.registry import cpu_target

        cpu_target.target_context.refresh()  # loads numba.np.arraymath, which probes once
    finally:
        sys.meta_path.remove(blocker)


#: commands that run no kernel: Numba's start (a quarter of a second and more) is not theirs to pay
_NO_KERNELS = ("help", "score")


def main() -> None:
    """Entry point of the `minent` console script."""
    command = next((a for a in sys.argv[1:] if not a.startswith("-")), None)
    if command is not None and command not in _NO_KERNELS:
        _start_numba_without_blas_probe()
    app(prog_name="minent")


__all__ = ["app", "main"]
