"""The three jobs on a Dask cluster, under the one name the README documents.

Each entry point lives in its job's ``cluster`` module and loads on first use (Dask only
then): ``build_lexicon`` (:mod:`minent.lexicon.cluster`), ``segment_file``
(:mod:`minent.segment.cluster`), ``apriori`` (:mod:`minent.itemsets.cluster`), and
``connect``, ``partitions``, ``scheduler_address`` (:mod:`minent.common.cluster`).
"""

from __future__ import annotations

from .common.lazy import lazy_exports

__all__ = ["apriori", "build_lexicon", "connect", "partitions", "scheduler_address", "segment_file"]

__getattr__, __dir__ = lazy_exports(__name__, {
    "build_lexicon": "minent.lexicon.cluster",
    "segment_file": "minent.segment.cluster",
    "apriori": "minent.itemsets.cluster",
    "connect": "minent.common.cluster",
    "partitions": "minent.common.cluster",
    "scheduler_address": "minent.common.cluster",
})
