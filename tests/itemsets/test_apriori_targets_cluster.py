"""apriori's ``target`` on a Dask cluster: the levels come back, the selection is local."""

from __future__ import annotations

import random

import pytest

pytest.importorskip("distributed", reason="dask[distributed] is not installed (pip install \"minent[distributed]\")")

import minent  # noqa: E402
from minent.common.errors import MinentError  # noqa: E402
from minent.itemsets import cluster as itemsets_cluster  # noqa: E402


def test_cluster_targets_are_the_local_ones(address):
    rng = random.Random(3)
    weights = [0.7, 0.6, 0.5, 0.45, 0.4, 0.3, 0.2, 0.1]
    baskets = [[f"i{j}" for j, w in enumerate(weights) if rng.random() < w] for _ in range(600)]
    baskets = [b + ["shadow"] * ("i1" in b) for b in baskets]  # {i1} is not closed
    for target in ("closed", "maximal"):
        local = minent.apriori(baskets, min_count=20, target=target)
        remote = itemsets_cluster.apriori(address, baskets, min_count=20, n_partitions=3, target=target)
        assert remote.target == target and len(remote) < sum(len(c) for _, c in remote.levels)
        assert remote.to_list() == local.to_list()
    with pytest.raises(MinentError, match="target must be one of"):
        itemsets_cluster.apriori(address, baskets, min_count=20, target="closd")
