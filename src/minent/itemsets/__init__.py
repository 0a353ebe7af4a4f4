"""Frequent itemsets and association rules (``minent apriori``).

``baskets`` reads basket files (csv, fimi, long); ``mining`` finds the frequent itemsets
level by level; ``rules`` derives association rules and their measures; ``cluster`` mines
on Dask; ``frames`` takes and gives pandas DataFrames; ``kernels`` the Numba kernels of
support counting.
"""

from __future__ import annotations

from ..common.lazy import lazy_exports

__all__ = ["FrequentItemsets", "LevelStats", "Rule", "RuleList", "RuleTable", "apriori", "association_rules",
           "max_confidence", "min_count_for", "read_baskets", "rule_table"]

__getattr__, __dir__ = lazy_exports(__name__, {
    "apriori": ".mining",
    "FrequentItemsets": ".mining",
    "LevelStats": ".mining",
    "min_count_for": ".mining",
    "association_rules": ".rules",
    "Rule": ".rules",
    "RuleList": ".rules",
    "RuleTable": ".rules",
    "rule_table": ".rules",
    "max_confidence": ".rules",
    "read_baskets": ".baskets",
})
