"""Cutting text into words with a lexicon by the unigram model (``minent segment``), and
scoring a segmentation against a gold one (``minent score``).

``segmenter`` holds the :class:`Segmenter` (lexicon to trie, Viterbi, streaming files);
``score`` word-span precision, recall and F1; ``cluster`` segmenting on Dask; ``kernels``
the Viterbi kernel.
"""

from __future__ import annotations

from ..common.lazy import lazy_exports

__all__ = ["SegmentStats", "Segmenter", "score_files", "score_segmentation"]

__getattr__, __dir__ = lazy_exports(__name__, {
    "Segmenter": ".segmenter",
    "SegmentStats": ".segmenter",
    "score_segmentation": ".score",
    "score_files": ".score",
})
