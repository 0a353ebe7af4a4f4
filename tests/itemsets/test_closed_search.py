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


def encoded(baskets: list, min_count: int):
    """The baskets as the kernels see them: frequent items as dense ids (ascending count)."""
    codes, starts, labels = mining._encode_transactions(baskets)
    codes, starts = K.unique_per_basket(codes, starts)
    code_counts = K.item_frequencies(codes, len(labels))
    found, id_of_code = mining._frequent_items(labels, code_counts, len(starts) - 1, min_count)
    bits = K.code_bitsets(codes, starts, id_of_code, len(found.labels))
    return found.labels, bits, len(starts) - 1, found.levels[0][1]


def search(baskets: list, min_count: int, maximal: bool, threads: int = 1) -> tuple[dict, dict]:
    """{itemset: count} found by the kernel, and {itemset: is_maximal}."""
    labels, bits, n_baskets, item_counts = encoded(baskets, min_count)
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


@pytest.mark.parametrize("top_item", [0, 1, 5, 126, 127, 70000, 2**31 - 2])
def test_packed_keys_sort_as_the_columns(top_item):
    # _levels sorts rows padded with -1 by keys that pack several columns: the same order
    rng = np.random.default_rng(top_item)
    for n_columns in (0, 1, 3, 9, 17):
        padded = rng.integers(-1, top_item + 1, size=(200, n_columns), dtype=np.int64).astype(np.int32)
        if n_columns:
            padded[0, 0] = top_item
        keys = C._packed_columns(padded)
        by_keys = np.lexsort(tuple(keys[::-1])) if keys else np.arange(len(padded))
        assert padded[by_keys].tolist() == sorted(padded.tolist())


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
