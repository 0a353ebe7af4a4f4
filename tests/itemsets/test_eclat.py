"""The depth-first search (kernels/eclat.py): the same levels as Apriori, byte for byte, against
brute force and a plain-Python reference of the search; algorithm choice and --algorithm."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import minent
import reference_apriori as ref
from minent import MinentError
from minent.itemsets import mining
from minent.itemsets.kernels import eclat as E
from test_apriori import FIM, random_baskets


def reference_depth_first(baskets: list[list[int]], n_items: int, min_count: int, max_len=None) -> list:
    """Plain Python: the frequent itemsets of 2+ items of sorted-id baskets, found depth-first
    from each frequent item by counting the items after the itemset's last one in its baskets
    (tails), ascending; returned as [[(itemset, count), ...] for k = 2, 3, ...] in the order found."""
    found: dict[int, list] = {}

    def grow(itemset: tuple, tails: list[list[int]]) -> None:
        if max_len is not None and len(itemset) >= max_len:
            return
        counts: dict[int, int] = {}
        for tail in tails:
            for c in tail:
                counts[c] = counts.get(c, 0) + 1
        for c in sorted(c for c, n in counts.items() if n >= min_count):
            found.setdefault(len(itemset) + 1, []).append((itemset + (c,), counts[c]))
            grow(itemset + (c,), [t[t.index(c) + 1:] for t in tails if c in t])

    for a in range(n_items):
        grow((a,), [b[b.index(a) + 1:] for b in baskets if a in b])
    return [found[k] for k in sorted(found)]


def as_pairs(levels) -> list:
    return [[(tuple(r), c) for r, c in zip(rows.tolist(), counts.tolist())] for rows, counts in levels]


def csr(baskets: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
    items = np.array([i for b in baskets for i in b], dtype=np.int32)
    starts = np.zeros(len(baskets) + 1, dtype=np.int64)
    np.cumsum([len(b) for b in baskets], out=starts[1:])
    return items, starts


@pytest.mark.parametrize("seed,n,m,density,min_count,max_len", [
    (0, 60, 10, 0.4, 3, None), (1, 40, 12, 0.7, 10, None), (2, 200, 30, 0.08, 2, None), (3, 1, 6, 1.0, 1, None),
    (4, 50, 8, 0.5, 1, 3), (5, 80, 9, 0.6, 5, 2), (6, 30, 7, 0.0, 1, None), (7, 100, 14, 0.3, 1, None),
])
@pytest.mark.parametrize("budget", [1, 7, 1 << 23])
def test_kernel_matches_the_plain_reference(monkeypatch, seed, n, m, density, min_count, max_len, budget):
    """Every budget: 1 returns after each pair's subtree and resumes (on several threads' blocks)."""
    rng = random.Random(seed)
    baskets = [[a for a in range(m) if rng.random() < density] for _ in range(n)]
    monkeypatch.setattr(E, "BUDGET", budget)
    want = reference_depth_first(baskets, m, min_count, max_len)
    calls = []
    for n_blocks in (1, 3):
        levels, candidates = E.frequent_itemsets(*csr(baskets), m, min_count, max_len, n_blocks, calls.append)
        got = [level for level in as_pairs(levels)]
        assert got[:len(want)] == want and all(not level for level in got[len(want):])
        assert all(rows.dtype == np.int32 and rows.shape[1] == k and counts.dtype == np.int64
                   for k, (rows, counts) in enumerate(levels, start=2))
        assert len(candidates) == len(levels) + 2
        assert all(candidates[k] >= len(counts) for k, (_, counts) in enumerate(levels, start=2))
    assert calls and max(calls) == m  # every first item done


def ids_of(found) -> list:
    return [(rows.tobytes(), rows.dtype.str, rows.shape, counts.tobytes(), counts.dtype.str) for rows, counts in found.levels]


@pytest.fixture
def on_kernels(monkeypatch):
    monkeypatch.setattr(mining, "COUNTING", "kernels")


@pytest.mark.parametrize("seed,n,m,density,min_count,max_len", [
    (0, 80, 10, 0.4, 4, None), (1, 60, 12, 0.75, 20, None), (2, 300, 40, 0.05, 2, None), (3, 120, 8, 0.5, 1, 2),
    (4, 90, 9, 0.6, 1, None), (5, 70, 15, 0.3, 3, 4), (6, 50, 6, 0.9, 5, 1),
])
def test_eclat_equals_apriori_and_brute_force(on_kernels, monkeypatch, seed, n, m, density, min_count, max_len):
    rng = random.Random(seed)
    baskets = random_baskets(rng, n, m, density)
    apriori = minent.apriori(baskets, min_count=min_count, max_len=max_len, algorithm="apriori")
    monkeypatch.setattr(E, "BUDGET", 5)  # resumed after every pair
    eclat = minent.apriori(baskets, min_count=min_count, max_len=max_len, algorithm="eclat")
    assert ids_of(eclat) == ids_of(apriori)
    assert eclat.labels == apriori.labels and eclat.min_count == apriori.min_count
    assert eclat.to_dict() == ref.brute_force_itemsets(baskets, min_count, max_len)
    assert [s.frequent for s in eclat.stats] == [len(c) for _, c in eclat.levels]


@pytest.mark.parametrize("baskets,min_count,max_len", [
    ([["a", "b", "c"]], 1, None),  # one basket
    ([["x", "y", "z", "w"]] * 7, 7, None),  # all identical
    ([["e", "a"], ["e", "b", "a"], ["e", "c"], ["e", "b", "c", "a"], ["e"]], 2, None),  # e in every basket
    ([[], ["a", "b"], [], ["a", "b", "c"], []], 2, None),  # empty baskets count
    ([["a", "b", "c", "d"], ["a", "b", "c"], ["b", "c", "d"]], 1, 2),  # max_len
    ([["a", "b"], ["c", "d"], ["e"]], 2, None),  # nothing of 2 items
    ([["a"], ["a"], ["b"]], 1, None),  # no pair at all
    ([["a", "b"], ["a"], ["b"]], 3, None),  # one item frequent, or none
])
def test_edge_cases(on_kernels, baskets, min_count, max_len):
    apriori = minent.apriori(baskets, min_count=min_count, max_len=max_len, algorithm="apriori")
    eclat = minent.apriori(baskets, min_count=min_count, max_len=max_len, algorithm="eclat")
    assert ids_of(eclat) == ids_of(apriori)
    assert eclat.to_dict() == ref.brute_force_itemsets(baskets, min_count, max_len)


@pytest.mark.parametrize("target", ["closed", "maximal"])
def test_targets_on_the_depth_first_levels(on_kernels, target):
    baskets = random_baskets(random.Random(9), 150, 10, 0.5)
    want = minent.apriori(baskets, min_count=8, target=target, algorithm="apriori")
    got = minent.apriori(baskets, min_count=8, target=target, algorithm="eclat")
    assert got.to_dict() == want.to_dict() and got.target == target
    assert 0 < len(got) < sum(len(c) for _, c in got.levels)
    assert [m.tolist() for m in got.selected] == [m.tolist() for m in want.selected]


@pytest.mark.parametrize("name,n,min_count", [("chess", 150, 120), ("mushroom", 400, 60), ("retail", 3000, 4),
                                              ("T10I4D100K", 3000, 5)])
def test_fimi_subsets(on_kernels, name, n, min_count):
    path = FIM / f"{name}.dat"
    if not path.exists():
        pytest.skip(f"{path} is not available")
    with open(path, encoding="ascii") as f:
        baskets = [line.split() for _, line in zip(range(n), f)]
    apriori = minent.apriori(baskets, min_count=min_count, algorithm="apriori")
    eclat = minent.apriori(baskets, min_count=min_count, algorithm="eclat")
    assert len(eclat.levels) >= 3 and ids_of(eclat) == ids_of(apriori)


def test_auto_chooses_by_the_fill_of_the_frequent_items(on_kernels, monkeypatch):
    """Sparse data (retail-like: short baskets, many items) goes depth-first, dense level by level."""
    rng = random.Random(3)
    sparse = [rng.sample(range(400), 4) for _ in range(2000)]
    dense = [[a for a in range(12) if rng.random() < 0.6] for _ in range(300)]
    chosen = []
    real = mining.depth_first

    def spy(*args, **kwargs):
        chosen.append("eclat")
        return real(*args, **kwargs)

    monkeypatch.setattr(mining, "depth_first", spy)
    minent.apriori(sparse, min_count=3)
    assert chosen == ["eclat"]
    minent.apriori(dense, min_count=30)
    assert chosen == ["eclat"]
    counts = np.array([10, 10, 0], dtype=np.int64)
    assert mining._choose_algorithm("auto", counts, 100, 5) == "apriori"  # fill 0.1
    assert mining._choose_algorithm("auto", counts, 1000, 5) == "eclat"  # fill 0.01
    assert mining._choose_algorithm("apriori", counts, 1000, 5) == "apriori"


def test_small_data_stays_plain_unless_eclat_is_asked(monkeypatch):
    """In a process without Numba, "auto" mines small data in plain Python; "eclat" loads the kernels."""
    code = ("import sys, minent; f = minent.apriori([['a', 'b'], ['a', 'b', 'c'], ['b', 'c']], min_count=2, "
            "algorithm=sys.argv[1]); print(sorted(map(sorted, f.to_dict())), 'numba' in sys.modules)")
    outputs = [subprocess.run([sys.executable, "-c", code, alg], capture_output=True, text=True, check=True).stdout
               for alg in ("auto", "eclat")]
    listing = "[['a'], ['a', 'b'], ['b'], ['b', 'c'], ['c']]"
    assert outputs == [f"{listing} False\n", f"{listing} True\n"]


@pytest.mark.parametrize("bad", ["fpgrowth", "", None, 3])
def test_unknown_algorithm_is_an_error(bad):
    with pytest.raises(MinentError, match="algorithm must be one of auto, apriori, eclat"):
        minent.apriori([["a", "b"]], min_count=1, algorithm=bad)


def _cli(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "minent", "apriori", *map(str, args)], capture_output=True,
                          text=True, timeout=300)


def test_cli_algorithm_gives_the_same_output(tmp_path: Path):
    rng = random.Random(5)
    source = tmp_path / "baskets.csv"
    source.write_text("".join(",".join(f"i{a}" for a in rng.sample(range(30), rng.randint(1, 6))) + "\n"
                              for _ in range(400)), encoding="utf-8")
    outputs = []
    for algorithm in ("apriori", "eclat", "auto"):
        rules, listing = tmp_path / f"{algorithm}.tsv", tmp_path / f"{algorithm}.items.tsv"
        done = _cli(source, "--min-count", 3, "-c", 0.2, "--algorithm", algorithm, "-o", rules, "--itemsets", listing)
        assert done.returncode == 0, done.stderr
        outputs.append((rules.read_text(encoding="utf-8"), listing.read_text(encoding="utf-8")))
    assert outputs[0] == outputs[1] == outputs[2] and len(outputs[0][1].splitlines()) > 40


def test_cli_unknown_algorithm_is_one_line(tmp_path: Path):
    source = tmp_path / "b.csv"
    source.write_text("a,b\na,c\n", encoding="utf-8")
    out = tmp_path / "rules.tsv"
    done = _cli(source, "--algorithm", "fp", "-o", out)
    assert done.returncode != 0 and not out.exists()
    assert done.stderr.strip() == "minent: --algorithm must be one of auto, apriori, eclat, got 'fp'"
