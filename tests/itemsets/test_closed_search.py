"""The direct closed / maximal search of dense data (:mod:`minent.itemsets.kernels.closed`):
the kernel against brute force on random and edge-case baskets, the API's choice of it and
its rules, the CLI's --top 0."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time

import numpy as np
import pytest

import minent
from minent.itemsets import mining
from minent.itemsets.kernels import closed as C
from minent.itemsets.kernels import support as K
from reference_apriori import brute_force_itemsets
from test_apriori_targets import brute_force_target, random_baskets


def encoded(baskets: list, min_count: int, clustered: bool = True):
    """The baskets as the kernels see them: frequent items as dense ids (ascending count),
    baskets in their own order or (``clustered``, as the API has them) by their items."""
    codes, starts, labels = mining._encode_transactions(baskets)
    codes, starts = K.unique_per_basket(codes, starts)
    code_counts = K.item_frequencies(codes, len(labels))
    found, id_of_code = mining._frequent_items(labels, code_counts, len(starts) - 1, min_count)
    bits = K.code_bitsets(codes, starts, id_of_code, len(found.labels), clustered)
    return found.labels, bits, len(starts) - 1, found.levels[0][1]


def search(baskets: list, min_count: int, maximal: bool, threads: int = 1,
           clustered: bool = True) -> tuple[dict, dict]:
    """{itemset: count} found by the kernel, and {itemset: is_maximal}."""
    labels, bits, n_baskets, item_counts = encoded(baskets, min_count, clustered)
    levels = C.closed_itemsets(bits, n_baskets, item_counts, min_count, maximal, threads)
    counts, flags = {}, {}
    for k, (rows, level_counts, level_flags) in enumerate(levels, start=1):
        assert rows.shape[1] == k
        assert (np.diff(rows, axis=1) > 0).all()  # ids ascend in a row
        assert rows.tolist() == sorted(rows.tolist())  # rows in lexicographic order
        for row, c, f in zip(rows.tolist(), level_counts.tolist(), level_flags.tolist()):
            s = frozenset(labels[i] for i in row)
            assert s not in counts
            counts[s], flags[s] = c, f
    return counts, flags


def expected(baskets: list, min_count: int, target: str) -> dict:
    """The closed itemsets are the non-empty intersections of baskets (every closed itemset is
    the intersection of the baskets holding it): gather them basket by basket, keep the
    frequent ones; maximal are those with no frequent closed proper superset."""
    sets = [frozenset(b) for b in baskets]
    meets: set = set()
    for b in sets:
        meets |= {b} | {m & b for m in meets}
    closed = {}
    for m in meets:
        c = sum(1 for b in sets if m <= b)
        if m and c >= min_count:
            closed[m] = c
    if target == "closed":
        return closed
    return {s: c for s, c in closed.items() if not any(s < t for t in closed)}


def brute_force(baskets: list, min_count: int, target: str) -> dict:
    every = {frozenset(s): c for s, c in brute_force_itemsets(baskets, min_count).items()}
    return brute_force_target(every, target)


@pytest.mark.parametrize("seed", range(12))
def test_kernel_matches_brute_force_on_random_dense_baskets(seed):
    rng = random.Random(seed)
    n = rng.choice([1, 2, 7, 63, 64, 65, 130, 200])
    baskets = random_baskets(rng, n, rng.randint(1, 11), rng.choice([0.3, 0.5, 0.7]))
    if seed % 3 == 0:  # an item in every basket: the closure of the empty set
        baskets = [b + ["all"] for b in baskets]
    min_count = rng.randint(1, max(1, n // 3))
    closed, flags = search(baskets, min_count, maximal=False, threads=1 + seed % 2)
    assert closed == expected(baskets, min_count, "closed") == brute_force(baskets, min_count, "closed")
    assert search(baskets, min_count, maximal=False, clustered=False) == (closed, flags)
    maximal = expected(baskets, min_count, "maximal")
    assert maximal == brute_force(baskets, min_count, "maximal")
    assert {s for s, f in flags.items() if f} == set(maximal)
    assert search(baskets, min_count, maximal=True, threads=1 + seed % 2)[0] == maximal


def test_kernel_edge_cases():
    cases = [
        ([["a"]], 1),  # one basket, one item
        ([["a", "b"]] * 5, 5),  # every basket the same: one closed itemset
        ([[], ["a"], []], 1),  # empty baskets count
        ([["a", "a", "b"], ["b"]], 1),  # repeats inside a basket count once
        ([[f"i{j}" for j in range(70)] for _ in range(3)] + [["i0"]], 2),  # over 64 items
        ([["x", "y"], ["x"], ["y"], ["x", "y", "z"]], 5),  # nothing frequent
    ]
    for baskets, min_count in cases:
        for target in ("closed", "maximal"):
            got = search(baskets, min_count, maximal=target == "maximal")[0]
            assert got == expected(baskets, min_count, target), (baskets, min_count, target)


def test_kernel_over_many_items_and_baskets():
    # item masks of several words, baskets over several words, threads
    rng = random.Random(5)
    baskets = [[f"i{j}" for j in range(140) if rng.random() < (0.9 if j < 12 else 0.02)] for _ in range(300)]
    for target in ("closed", "maximal"):
        got = search(baskets, 120, maximal=target == "maximal", threads=2)[0]
        assert got == expected(baskets, 120, target)
        assert len(got) > 20


def test_stop_flag_ends_a_subtree_at_once():
    rng = random.Random(1)
    baskets = random_baskets(rng, 100, 10, 0.7)
    labels, bits, n, item_counts = encoded(baskets, 10)
    root_f = np.arange(len(item_counts), dtype=np.int32)
    args = (root_f[:1], bits, n, root_f[:0], root_f, item_counts.astype(np.int64), 10, False)
    assert len(C.subtrees(*args, np.zeros(1, dtype=np.uint8))[0]) > 1
    assert len(C.subtrees(*args, np.ones(1, dtype=np.uint8))[0]) == 0


def cluster_order_reference(baskets: list[list[int]], n_items: int) -> list[list[int]]:
    """The baskets' sets of their (up to 64) most frequent items (highest ids), in the order
    the kernel puts them: by the set as a number, the highest id the most significant bit."""
    lowest = max(0, n_items - 64)
    return sorted(sorted({a for a in b if a >= lowest}, reverse=True) for b in baskets)


@pytest.mark.parametrize("seed", range(8))
def test_cluster_order_sorts_baskets_by_their_most_frequent_items(seed):
    rng = random.Random(seed)
    n_items = rng.choice([1, 5, 64, 65, 130])
    n_baskets = rng.choice([0, 1, 2, 50, 300])
    id_of_code = np.array([rng.choice([-1, *range(n_items)]) for _ in range(n_items + 10)], dtype=np.int32)
    baskets = [[rng.randrange(len(id_of_code)) for _ in range(rng.randint(0, 12))] for _ in range(n_baskets)]
    codes = np.array([c for b in baskets for c in b], dtype=np.int32)
    starts = np.cumsum([0] + [len(b) for b in baskets]).astype(np.int64)
    slot = K.cluster_order(codes, starts, id_of_code, n_items)
    assert sorted(slot.tolist()) == list(range(n_baskets))  # a permutation
    ids = [[int(id_of_code[c]) for c in b] for b in baskets]
    placed = [None] * n_baskets
    for t, s in enumerate(slot.tolist()):
        placed[s] = sorted({a for a in ids[t] if a >= max(0, n_items - 64)}, reverse=True)
    assert placed == cluster_order_reference(ids, n_items)
    # the bitsets hold the same baskets, moved: each item's count is the same
    plain = K.code_bitsets(codes, starts, id_of_code, n_items, False)  # as the API calls it: one signature
    moved = K.code_bitsets(codes, starts, id_of_code, n_items, True)
    assert (np.unpackbits(plain.view(np.uint8), axis=1).sum(axis=1)
            == np.unpackbits(moved.view(np.uint8), axis=1).sum(axis=1)).all()


@pytest.mark.parametrize("n", [0, 1, 2, 255, 1000])
def test_radix_order_is_a_stable_sort(n):
    rng = np.random.default_rng(n)
    for keys in (rng.integers(0, 2**63, size=n, dtype=np.int64).astype(np.uint64) << np.uint64(1),
                 rng.integers(0, 4, size=n).astype(np.uint64) << np.uint64(40),  # one byte differs
                 np.full(n, 2**64 - 1, dtype=np.uint64),  # all equal: no pass moves anything
                 rng.integers(0, 3, size=n).astype(np.uint64) * np.uint64(0x0101010101010101)):
        assert K._radix_order(keys).tolist() == np.argsort(keys, kind="stable").tolist()


@pytest.fixture
def on_kernels(monkeypatch):
    monkeypatch.setattr(mining, "COUNTING", "kernels")  # small data would take the plain path by itself


@pytest.mark.parametrize("target", ["closed", "maximal"])
def test_api_searches_dense_data_directly_with_the_same_result(on_kernels, target):
    rng = random.Random(7)
    baskets = random_baskets(rng, 300, 12, 0.6)
    direct = minent.apriori(baskets, min_count=40, target=target)
    kept = minent.apriori(baskets, min_count=40, target=target, keep_all=True)
    assert direct.remine is not None and kept.remine is None
    assert direct.to_list() == kept.to_list()
    assert direct.to_dict() == expected(baskets, 40, target)
    assert direct.counts_per_size == kept.counts_per_size
    assert direct.stats[-1].frequent == direct.counts_per_size[-1]
    # rules are formed from all frequent itemsets either way: the direct result mines them
    want = minent.association_rules(kept, min_confidence=0.5)
    got = minent.association_rules(direct, min_confidence=0.5)
    assert len(want) > 10 and list(got) == list(want)
    assert len(direct.all_levels()) == len(kept.levels)


def test_api_keeps_the_levels_where_the_search_does_not_apply(on_kernels):
    rng = random.Random(8)
    dense = random_baskets(rng, 300, 12, 0.6)
    assert minent.apriori(dense, min_count=40, target="closed", max_len=3).remine is None
    assert minent.apriori(dense, min_count=40, target="closed", algorithm="apriori").remine is None
    assert minent.apriori(dense, min_count=40, target="all").remine is None
    sparse = [[f"i{rng.randrange(400)}" for _ in range(3)] for _ in range(3000)]
    assert minent.apriori(sparse, min_count=3, target="closed").remine is None  # depth-first, then marked


def test_api_plain_path_is_untouched(monkeypatch):
    monkeypatch.setattr(mining, "COUNTING", "plain")
    found = minent.apriori([["a", "b"], ["a", "b"], ["a"]], min_count=1, target="closed")
    assert found.remine is None and found.to_dict() == {frozenset("a"): 3, frozenset("ab"): 2}


def run_minent(*args):
    # Numba already running: the kernels, as on data too big for the plain path
    return subprocess.run([sys.executable, "-c", "import numba, sys; from minent.cli import main; "
                           "sys.argv[0] = 'minent'; main()", *args], capture_output=True, text=True)


def test_cli_top_zero_writes_the_same_itemsets_from_the_direct_search(tmp_path):
    rng = random.Random(9)
    baskets = tmp_path / "dense.dat"
    baskets.write_text("".join(" ".join(b) + "\n" for b in random_baskets(rng, 400, 14, 0.6)))
    for target in ("closed", "maximal"):
        with_rules, without = tmp_path / f"{target}_rules.tsv", tmp_path / f"{target}_none.tsv"
        for out, top in ((with_rules, []), (without, ["--top", "0"])):
            done = run_minent("apriori", str(baskets), "--min-count", "60", "--target", target, "--itemsets", str(out),
                              "-o", str(tmp_path / "rules.tsv"), *top)
            assert done.returncode == 0, done.stderr
        assert without.read_text() == with_rules.read_text()
        assert len(without.read_text().splitlines()) > 10


@pytest.mark.parametrize("top_item", [0, 1, 2, 5, 126, 127, 128, 70000, 2**31 - 2])
def test_sorted_itemsets_orders_rows_as_python(top_item):
    # the kernel sorts rows by keys packing several items each (as many as fit the largest
    # item's width): the same order as Python's, whatever the width and the number of keys
    rng = np.random.default_rng(top_item)
    sizes = rng.integers(1, 20, size=400).astype(np.int32)
    rows = [np.sort(rng.choice(np.arange(max(0, top_item - 40), top_item + 1), size=min(k, top_item + 1),
                               replace=False)) if rng.random() < 0.5 else
            np.sort(rng.integers(0, top_item + 1, size=k)) for k in sizes]
    rows[1] = rows[0]  # equal rows keep their input order
    sizes = np.array([len(r) for r in rows], dtype=np.int32)
    counts = np.arange(400, dtype=np.int64)
    flags = rng.random(400) < 0.5
    got = C.sorted_itemsets(sizes, np.concatenate(rows).astype(np.int32), counts, flags, False)
    want = sorted(range(400), key=lambda i: (len(rows[i]), rows[i].tolist(), i))
    assert got[0].tolist() == [len(rows[i]) for i in want]
    assert got[1].tolist() == [x for i in want for x in rows[i].tolist()]
    assert got[2].tolist() == want
    assert got[3].tolist() == flags[want].tolist()


def test_sorted_itemsets_of_nothing():
    empty = C.sorted_itemsets(np.zeros(0, np.int32), np.zeros(0, np.int32), np.zeros(0, np.int64),
                              np.zeros(0, bool), True)
    assert [len(a) for a in empty] == [0, 0, 0, 0]
    assert C._levels([], True) == []


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork")
def test_a_forked_child_gets_worker_threads_of_its_own():
    # the worker pools are kept between runs; a child forked after a run has none of their
    # threads, so it must start its own instead of waiting on the parent's queue for ever
    assert K.in_workers([lambda: 1, lambda: 2], 2) == [1, 2]  # the parent's pool exists now
    pid = os.fork()
    if pid == 0:  # the child
        try:
            os._exit(0 if K.in_workers([lambda: 3, lambda: 4], 2) == [3, 4] else 1)
        finally:
            os._exit(2)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            assert os.waitstatus_to_exitcode(status) == 0
            return
        time.sleep(0.05)
    os.kill(pid, 9)
    os.waitpid(pid, 0)
    pytest.fail("the forked child waited for the parent's worker threads")


def test_levels_sorts_and_drops_repeats_like_python():
    # rows of mixed lengths, one of them long, and a repeated row (the look-ahead of the
    # maximal search reports one maximal itemset once per node reaching it)
    rng = np.random.default_rng(3)
    sizes = rng.integers(1, 6, size=300).astype(np.int32)
    sizes[0] = 40
    rows = [np.sort(rng.choice(60, size=k, replace=False)).astype(np.int32) for k in sizes]
    rows[5] = rows[7]
    sizes[5] = sizes[7]
    counts = np.array([sum(r.tolist()) % 9 + 1 for r in rows], dtype=np.int64)  # an itemset has one count
    part = (sizes, np.concatenate(rows), counts, np.zeros(300, dtype=bool))
    for maximal in (False, True):
        want = sorted((len(r), r.tolist(), int(c)) for r, c in zip(rows, counts))
        if maximal:
            want = [w for i, w in enumerate(want) if i == 0 or w[:2] != want[i - 1][:2]]
        levels = C._levels([part], maximal)
        assert len(levels) == 40
        got = [(k, row, c) for k, (level_rows, level_counts, _) in enumerate(levels, start=1)
               for row, c in zip(level_rows.tolist(), level_counts.tolist())]
        assert got == want
