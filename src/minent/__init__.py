"""minent: unsupervised Chinese text mining.

    >>> import minent
    >>> lexicon = minent.build_lexicon(["...texts..."])       # or paths: [Path("corpus.txt")]
    >>> lexicon.save("lexicon.tsv")

One subpackage a job: :mod:`minent.lexicon` (discover words), :mod:`minent.segment` (cut
text into words, score a segmentation), :mod:`minent.itemsets` (frequent itemsets and
association rules); :mod:`minent.common` holds what they share and :mod:`minent.cli` the
command line. Heavy modules (Numba kernels) load on first use, so ``import minent`` and
``minent --help`` stay fast.
"""

from __future__ import annotations

from .common.lazy import lazy_exports

__version__ = "0.1.0"

# public name -> module that defines it
_EXPORTS = {
    "MinentError": ".common.errors",
    "Lexicon": ".common.lexicon",
    "BuildStats": ".common.lexicon",
    "Corpus": ".common.textio",
    "build_lexicon": ".lexicon.discover",
    "LexiconBuilder": ".lexicon.discover",
    "Segmenter": ".segment.segmenter",
    "score_segmentation": ".segment.score",
    "word_baskets": ".segment.wordbaskets",
    "apriori": ".itemsets.mining",
    "association_rules": ".itemsets.rules",
}

__all__ = sorted(_EXPORTS) + ["__version__"]

__getattr__ = lazy_exports(__name__, _EXPORTS)[0]


def __dir__() -> list[str]:
    return __all__
