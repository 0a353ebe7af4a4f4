"""Discovering words by the minimum-entropy principle (``minent build-lexicon``).

``discover`` runs the first pass (count n-grams, keep the cohesive ones, cut, select) and
drives the whole build; ``counts`` holds the count tables and the corpus as symbol ids;
``boundary`` the boundary signal (branching entropy, autonomy) that proposes candidates;
``refine`` the minimum-entropy refinement (re-segment, re-estimate, prune); ``cluster`` the
same build on Dask; ``kernels`` their Numba kernels; ``defaults`` the default settings.
The refinement segments with :class:`minent.segment.segmenter.Segmenter`.
"""

from __future__ import annotations

from ..common.lazy import lazy_exports

__all__ = ["BuildStats", "Lexicon", "LexiconBuilder", "build_lexicon"]

__getattr__, __dir__ = lazy_exports(__name__, {
    "build_lexicon": ".discover",
    "LexiconBuilder": ".discover",
    "Lexicon": "..common.lexicon",
    "BuildStats": "..common.lexicon",
})
