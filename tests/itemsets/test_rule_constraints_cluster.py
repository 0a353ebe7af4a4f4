"""--lhs / --rhs / --prune-redundant on a Dask cluster (`apriori --scheduler`): the cluster mines
the itemsets, the rules are formed here from them, so the options give the local output."""

from __future__ import annotations

import random
import subprocess
import sys

import pytest

pytest.importorskip("distributed", reason="dask[distributed] is not installed (pip install \"minent[distributed]\")")

import minent  # noqa: E402
from minent.itemsets import cluster as itemsets_cluster  # noqa: E402


def run_minent(*args):
    return subprocess.run([sys.executable, "-m", "minent", *map(str, args)], capture_output=True, text=True,
                          timeout=300)


def baskets(seed: int = 5, n: int = 800) -> list[list[str]]:
    rng = random.Random(seed)
    weights = {f"i{k}": w for k, w in enumerate([0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0.005])}
    return [[x for x, w in weights.items() if rng.random() < w] or ["i0"] for _ in range(n)]


def test_the_cluster_knows_every_item_like_a_local_run(address):
    data = baskets()
    remote = itemsets_cluster.apriori(address, data, min_support=0.05, n_partitions=3)
    local = minent.apriori(data, min_support=0.05)
    assert remote.all_items == local.all_items and (remote.all_item_counts == local.all_item_counts).all()
    assert "i7" in remote.all_items and "i7" not in remote.labels
    kw = dict(antecedents=["i0", "i1", "i2", "i3"], consequents=["i4", "i5"], prune_redundant=True)
    assert minent.association_rules(remote, 0.1, **kw) == minent.association_rules(local, 0.1, **kw)


def test_cli_constraints_on_a_cluster_match_a_local_run(address, tmp_path):
    path = tmp_path / "b.dat"
    path.write_text("\n".join(" ".join(b) for b in baskets(9)) + "\n", encoding="utf-8")
    args = ("apriori", "-q", path, "-s", "0.03", "-c", "0.2", "--rhs", "i3", "--rhs", "i4", "--lhs", "i0",
            "--lhs", "i1", "--lhs", "i2", "--lhs", "i5", "--prune-redundant")
    local = run_minent(*args)
    remote = run_minent(*args, "--scheduler", address)
    assert local.returncode == remote.returncode == 0, remote.stderr
    assert remote.stdout == local.stdout and local.stdout.count("\n") > 5
    bad = run_minent("apriori", path, "-s", "0.03", "--rhs", "nope", "--scheduler", address)
    assert bad.returncode == 0 and "minent: warning: --rhs 'nope' is in none of the baskets" in bad.stderr
    rare = run_minent("apriori", path, "-s", "0.03", "--rhs", "i7", "--scheduler", address)
    assert rare.returncode == 0 and "minent: --rhs 'i7' is in " in rare.stderr


def test_a_dataframe_on_the_cluster(address):
    pd = pytest.importorskip("pandas")
    data = baskets(3, 300)
    frame = pd.DataFrame({f"i{k}": [f"i{k}" in b for b in data] for k in range(8)})
    remote = itemsets_cluster.apriori(address, frame, min_count=5, n_partitions=2)
    assert remote.to_dict() == minent.apriori(data, min_count=5).to_dict()
