"""apriori on a real Dask cluster finds exactly the local itemsets, in the same order."""

from __future__ import annotations

import random

import pytest

pytest.importorskip("distributed", reason="dask[distributed] is not installed (pip install \"minent[distributed]\")")

import minent  # noqa: E402
from cluster_fixtures import invoke, spy  # noqa: E402
from minent.common import cluster  # noqa: E402
from minent.itemsets import cluster as itemsets_cluster  # noqa: E402
from minent.itemsets.baskets import read_baskets  # noqa: E402


def dense_baskets(seed: int = 7, n: int = 1500) -> list[list[str]]:
    rng = random.Random(seed)
    names = [f"item{i}" for i in range(14)]
    weights = [0.7, 0.6, 0.55, 0.5, 0.45, 0.4, 0.35, 0.3, 0.25, 0.2, 0.15, 0.1, 0.05, 0.02]
    baskets = [[x for x, w in zip(names, weights) if rng.random() < w] for _ in range(n)]
    for b in baskets:
        rng.shuffle(b)
    return baskets


def assert_same_itemsets(remote, local):
    assert remote.labels == local.labels
    assert remote.n_baskets == local.n_baskets and remote.min_count == local.min_count
    assert len(remote.levels) == len(local.levels)
    for (ra, rc), (la, lc) in zip(remote.levels, local.levels):
        assert (ra == la).all() and (rc == lc).all()
    assert [(s.size, s.candidates, s.frequent) for s in remote.stats] == [
        (s.size, s.candidates, s.frequent) for s in local.stats]
    assert remote.to_list() == local.to_list()
    assert minent.association_rules(remote, 0.6) == minent.association_rules(local, 0.6)


def test_apriori_in_memory_is_identical(address):
    baskets = dense_baskets() + [[]]  # an empty basket still counts
    local = minent.apriori(baskets, min_support=0.04)
    assert len(local.levels) >= 4
    remote = itemsets_cluster.apriori(address, baskets, min_support=0.04, n_partitions=5)
    assert_same_itemsets(remote, local)
    remote = itemsets_cluster.apriori(address, baskets, min_count=60, max_len=3, n_partitions=3)
    assert_same_itemsets(remote, minent.apriori(baskets, min_count=60, max_len=3))


@pytest.mark.parametrize("fmt", ["fimi", "csv", "long"])
def test_apriori_files_are_identical(address, tmp_path, fmt):
    baskets = dense_baskets(seed=3)
    if fmt == "fimi":
        path, text = tmp_path / "b.dat", "\n".join(" ".join(b) for b in baskets) + "\n\n"
    elif fmt == "csv":
        path, text = tmp_path / "b.csv", "\n".join(",".join(f'"{x}"' for x in b) for b in baskets if b)
    else:
        path = tmp_path / "b.long"
        text = "basket_id,item\n" + "".join(f"{i},{x}\n" for i, b in enumerate(baskets) for x in b)
    path.write_text(text, encoding="utf-8")
    local = minent.apriori(read_baskets(path, fmt), min_support=0.05)
    remote = itemsets_cluster.apriori(address, path, min_support=0.05, fmt=fmt if fmt == "long" else None, partition_bytes=3000)
    assert_same_itemsets(remote, local)


def test_apriori_refuses_csv_fields_spanning_lines(address, tmp_path):
    path = tmp_path / "multi.csv"
    path.write_text('a,b\n"two\nlines",c\n' * 200, encoding="utf-8")
    with pytest.raises(minent.MinentError, match="spanning lines"):
        itemsets_cluster.apriori(address, path, min_count=2, partition_bytes=500)


def test_cli_apriori(address, tmp_path, small_partitions, monkeypatch):
    monkeypatch.setattr(cluster, "PARTITION_BYTES", 4000)
    path = tmp_path / "baskets.dat"
    path.write_text("\n".join(" ".join(b) for b in dense_baskets(seed=11)) + "\n", encoding="utf-8")
    calls = spy(monkeypatch, itemsets_cluster, "apriori")
    outputs = []
    for extra in ([], ["--scheduler", address]):
        rules, sets = tmp_path / f"rules{len(extra)}.tsv", tmp_path / f"sets{len(extra)}.tsv"
        result = invoke("apriori", "-q", path, "-s", "0.05", "-c", "0.5", "-o", rules, "--itemsets", sets, *extra)
        assert result.exit_code == 0, result.output
        outputs.append((rules.read_bytes(), sets.read_bytes()))
    assert calls == [address]
    assert outputs[0] == outputs[1]
    assert outputs[0][0].count(b"\n") > 20


@pytest.mark.parametrize("header", [None, True, False])
def test_a_header_line_is_judged_as_locally(address, tmp_path, header):
    baskets = dense_baskets(seed=5)
    path = tmp_path / "b.csv"
    blank = "\n" * (1500 if header is None else 2)  # with 1500, the first record is in the third partition
    path.write_text(blank + "fruit,dairy,bakery\n" + "\n".join(",".join(b) for b in baskets if b), encoding="utf-8")
    local = minent.apriori(read_baskets(path, "csv", header), min_support=0.05)
    remote = itemsets_cluster.apriori(address, path, min_support=0.05, partition_bytes=700, header=header)
    assert_same_itemsets(remote, local)
    assert (remote.n_baskets == len([b for b in baskets if b])) == (header is not False)
    # a first line that is data (its labels are items elsewhere) stays a basket
    path.write_text("item1,item2\n" + "\n".join(",".join(b) for b in baskets if b), encoding="utf-8")
    local = minent.apriori(read_baskets(path, "csv", header), min_support=0.05)
    remote = itemsets_cluster.apriori(address, path, min_support=0.05, partition_bytes=700, header=header)
    assert_same_itemsets(remote, local)


def test_header_on_a_fimi_file_skips_its_first_line(address, tmp_path):
    baskets = dense_baskets(seed=6)
    path = tmp_path / "b.dat"
    path.write_text("\n".join(" ".join(b) for b in baskets) + "\n", encoding="utf-8")
    local = minent.apriori(read_baskets(path, "fimi", True), min_support=0.05)
    remote = itemsets_cluster.apriori(address, path, min_support=0.05, partition_bytes=500, header=True)
    assert_same_itemsets(remote, local)
    assert remote.n_baskets == minent.apriori(read_baskets(path, "fimi"), min_support=0.05).n_baskets - 1
