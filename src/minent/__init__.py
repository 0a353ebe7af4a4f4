"""minent: unsupervised Chinese text mining.

    >>> import minent
    >>> lexicon = minent.build_lexicon(["...texts..."])       # or paths: [Path("corpus.txt")]
    >>> lexicon.save("lexicon.tsv")

Heavy modules (Numba kernels) load on first use, so ``import minent`` and ``minent --help``
stay fast.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

# public name -> module that defines it
_EXPORTS = {
    "MinentError": "errors",
    "Lexicon": "lexicon",
    "BuildStats": "lexicon",
    "Corpus": "textio",
    "build_lexicon": "discover",
    "LexiconBuilder": "discover",
    "Segmenter": "segment",
    "score_segmentation": "score",
    "apriori": "itemsets",
    "association_rules": "itemsets",
}

__all__ = sorted(_EXPORTS) + ["__version__"]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'minent' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
