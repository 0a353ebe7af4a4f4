"""Apriori's plain-Python counting (small data, no Numba) against the kernels and the
references: the same levels, byte for byte, so the two paths can hand over between levels."""

from __future__ import annotations

import random
import subprocess
import sys
from itertools import combinations

import numpy as np
import pytest

import minent
import reference_apriori as ref
from minent.itemsets import mining, plain
from minent.itemsets.kernels import support as K
from test_apriori import encoded, random_baskets, random_ids, random_level


def same_arrays(a: np.ndarray, b: np.ndarray) -> bool:
    return a.dtype == b.dtype and a.shape == b.shape and bool(np.array_equal(a, b))


@pytest.mark.parametrize("seed,n,m,density", [(0, 50, 12, 0.3), (1, 1, 3, 1.0), (2, 130, 5, 0.0), (3, 64, 9, 0.5),
                                              (4, 0, 4, 0.5)])
def test_unique_per_basket_and_frequencies_match_the_kernels(seed, n, m, density):
    rng = random.Random(seed)
    ids = random_ids(rng, n, m, density)
    for b in ids:
        rng.shuffle(b)
    codes, starts = encoded(ids, m)
    got, want = plain.unique_per_basket(codes, starts), K.unique_per_basket(codes, starts)
    assert same_arrays(got[0], want[0]) and same_arrays(got[1], want[1])
    assert same_arrays(plain.item_frequencies(got[0], m), K.item_frequencies(want[0], m))


def bitsets_both_ways(ids, m, id_of_code):
    codes, starts = encoded(ids, m)
    kept = int((id_of_code >= 0).sum())
    items, item_starts = K.encode_baskets(codes, starts, id_of_code)
    offsets, tids, positions = K.vertical_lists(items, item_starts, kept)
    return (plain.item_bitsets(codes, starts, id_of_code, kept), K.item_bitsets(offsets, tids, len(ids)),
            (items, item_starts, offsets, tids, positions))


@pytest.mark.parametrize("seed,n,density,min_count", [(0, 70, 0.3, 2), (1, 64, 0.6, 5), (2, 200, 0.05, 1),
                                                      (3, 129, 0.9, 30), (4, 1, 1.0, 1), (5, 10, 0.0, 1)])
def test_bitsets_and_pairs_match_the_kernels(seed, n, density, min_count):
    rng = random.Random(seed)
    m = 15
    ids = [sorted(set(b)) for b in random_ids(rng, n, m, density)]
    id_of_code = np.arange(m, dtype=np.int32)
    id_of_code[rng.sample(range(m), 4)] = -1  # infrequent items are left out of the bitsets
    id_of_code[id_of_code >= 0] = np.arange(m - 4, dtype=np.int32)
    got_bits, want_bits, vertical = bitsets_both_ways(ids, m, id_of_code)
    assert same_arrays(got_bits, want_bits)
    got = plain.frequent_pairs(got_bits, min_count)
    want = K.frequent_pairs(*vertical, m - 4, min_count, 1)
    assert same_arrays(got[0], want[0]) and same_arrays(got[1], want[1])


@pytest.mark.parametrize("seed,k,keep", [(0, 2, 0.7), (1, 3, 0.8), (2, 4, 0.9), (3, 1, 1.0), (4, 3, 0.3), (5, 2, 0.0)])
def test_candidate_extensions_match_the_kernel_and_the_reference(seed, k, keep):
    level = random_level(random.Random(seed), 9, k, keep)
    got, want = plain.candidate_extensions(level), K.candidate_extensions(level, 1)
    assert same_arrays(got[0], want[0]) and same_arrays(got[1], want[1])
    joined = sorted(tuple(level[i].tolist()) + (int(got[1][e]),)
                    for i in range(len(level)) for e in range(got[0][i], got[0][i + 1]))
    assert joined == ref.apriori_gen(level.tolist())


@pytest.mark.parametrize("seed,n,density,k", [(0, 100, 0.5, 2), (1, 300, 0.7, 3), (2, 64, 0.9, 4), (3, 1, 1.0, 2),
                                              (4, 65, 0.2, 2)])
def test_extension_counts_and_next_level_match_the_kernels(seed, n, density, k):
    rng = random.Random(seed)
    m = 10
    ids = [sorted(set(b)) for b in random_ids(rng, n, m, density)]
    bits, _, _ = bitsets_both_ways(ids, m, np.arange(m, dtype=np.int32))
    level = random_level(rng, m, k, 0.8)
    ext_starts, ext_items = K.candidate_extensions(level, 1)
    got = plain.extension_counts(plain.as_ints(bits), level, ext_starts, ext_items)
    want = mining.count_extensions((bits, *K.nonzero_words(bits)), level, ext_starts, ext_items)
    assert same_arrays(got, want)
    baskets = [set(b) for b in ids]
    assert got.tolist() == [sum(1 for b in baskets if set(level[i].tolist()) | {int(ext_items[e])} <= b)
                            for i in range(len(level)) for e in range(ext_starts[i], ext_starts[i + 1])]
    for min_count in (1, max(1, n // 3), n + 1):
        a = plain.next_level(level, ext_starts, ext_items, got, min_count)
        b = K.next_level(level, ext_starts, ext_items, want, min_count)
        assert same_arrays(a[0], b[0]) and same_arrays(a[1], b[1])


@pytest.mark.parametrize("seed", range(3))
def test_mark_subsets_matches_the_kernel(seed):
    rng = random.Random(seed)
    baskets = random_baskets(rng, 60, 8, 0.6)
    found = minent.apriori(baskets, min_count=5)
    for k in range(1, len(found.levels)):
        (lower, lower_counts), (upper, upper_counts) = found.levels[k - 1], found.levels[k]
        marks = [np.zeros(len(lower), dtype=np.uint8) for _ in range(4)]
        plain.mark_subsets(lower, lower_counts, upper, upper_counts, marks[0], marks[1])
        K.mark_subsets(lower, lower_counts, upper, upper_counts, marks[2], marks[3], 1)
        assert same_arrays(marks[0], marks[2]) and same_arrays(marks[1], marks[3])


CASES = [(0, 40, 6, 0.5, 3, None), (1, 200, 12, 0.3, 4, None), (2, 100, 10, 0.8, 30, None), (3, 70, 9, 0.6, 10, 3),
         (4, 1, 5, 1.0, 1, None), (5, 500, 20, 0.15, 5, None), (6, 30, 4, 0.0, 1, None)]


def mined(counting: str, monkeypatch, baskets, **options):
    monkeypatch.setattr(mining, "COUNTING", counting)
    return minent.apriori(baskets, **options)


def assert_same(a, b) -> None:
    assert len(a.levels) == len(b.levels)
    for (rows_a, counts_a), (rows_b, counts_b) in zip(a.levels, b.levels):
        assert same_arrays(rows_a, rows_b) and same_arrays(counts_a, counts_b)
    assert a.labels == b.labels and a.to_list() == b.to_list()


@pytest.mark.parametrize("target", ["all", "closed", "maximal"])
@pytest.mark.parametrize("seed,n,m,density,min_count,max_len", CASES)
def test_apriori_the_same_both_ways(monkeypatch, seed, n, m, density, min_count, max_len, target):
    baskets = random_baskets(random.Random(seed), n, m, density)
    if not any(baskets):
        with pytest.raises(minent.MinentError):
            mined("plain", monkeypatch, baskets, min_count=min_count)
        return
    options = dict(min_count=min_count, max_len=max_len, target=target)
    a = mined("plain", monkeypatch, baskets, **options)
    b = mined("kernels", monkeypatch, baskets, **options, keep_all=True)
    assert_same(a, b)
    # without keep_all, the kernels search dense data for a closed / maximal target directly
    assert mined("kernels", monkeypatch, baskets, **options).to_list() == a.to_list()
    assert a.to_dict() == {frozenset(s): c for s, c in ref.brute_force_itemsets(baskets, min_count, max_len).items()
                           if frozenset(s) in a.to_dict()}
    assert [m.tolist() for m in a.selected or []] == [m.tolist() for m in b.selected or []]


def test_a_step_over_its_budget_hands_over_to_the_kernels_once(monkeypatch):
    """Dense data in a small file: the plain path counts what fits its budget, then the kernels
    take the rest of the run; the progress callback hears ``loading kernels`` once."""
    baskets = random_baskets(random.Random(7), 300, 14, 0.7)
    want = mined("kernels", monkeypatch, baskets, min_count=60)
    assert len(want.levels) >= 5
    monkeypatch.setattr(mining, "COUNTING", "auto")
    monkeypatch.setattr(mining, "_numba_started", lambda: False)  # as in a fresh process
    too_long = 1e9  # seconds: over any budget
    # over budget from the pairs on, from the join of level 2 or of level 3, never
    for step, plain_levels in (("pairs", 1), (2, 2), (3, 3), (None, 6)):
        monkeypatch.setattr(plain, "pairs_cost", lambda m, n: too_long if step == "pairs" else 0.0)
        monkeypatch.setattr(plain, "join_cost", lambda level: too_long if level.shape[1] == step else 0.0)
        stages = []
        got = minent.apriori(baskets, min_count=60, progress=lambda stage, done, total: stages.append(stage))
        assert_same(got, want)
        assert stages.count("loading kernels") == (plain_levels < 6)
        assert (stages + ["loading kernels"]).index("loading kernels") == plain_levels


def test_a_run_where_numba_has_started_uses_the_kernels(monkeypatch):
    baskets = random_baskets(random.Random(8), 50, 6, 0.5)
    monkeypatch.setattr(mining, "COUNTING", "auto")
    for started, calls in ((True, 1), (False, 0)):
        monkeypatch.setattr(mining, "_numba_started", lambda: started)
        stages = []
        minent.apriori(baskets, min_count=5, progress=lambda stage, done, total: stages.append(stage))
        assert stages.count("loading kernels") == calls


def test_auto_counts_small_data_without_numba():
    """In a fresh process, mining a small list never imports Numba, and gives the brute force's sets."""
    code = ("import sys, minent; found = minent.apriori([['a', 'b', 'c'], ['a', 'b'], ['a', 'c'], ['b']] * 5, "
            "min_count=5, target='closed'); print(sorted((sorted(s), c) for s, c in found)); "
            "print(any(name.split('.')[0] == 'numba' for name in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    itemsets, numba_loaded = done.stdout.splitlines()
    # closed: c (10) is in ac (10) and bc (5) in abc (5)
    assert itemsets == "[(['a'], 15), (['a', 'b'], 10), (['a', 'b', 'c'], 5), (['a', 'c'], 10), (['b'], 15)]"
    assert numba_loaded == "False"


def test_the_size_rule_and_the_cost_estimates():
    assert plain.is_small(plain.MAX_CODES, plain.MAX_CELLS) and not plain.is_small(plain.MAX_CODES + 1, 10)
    assert plain.pairs_cost(100, 10_000) < 0.05 and plain.pairs_cost(5_000, 10_000) == float("inf")
    assert plain.extensions_cost(10_000, 10_000) < 0.05 < plain.extensions_cost(1_000_000, 10_000)
    level = np.array(list(combinations(range(6), 2)), dtype=np.int32)
    assert plain.join_cost(level) < 0.001 and plain.join_cost(level[:1]) < 0.001
    dense = np.zeros((3000, 2), dtype=np.int32)  # one group of 3000 rows: 4.5 million pairs
    dense[:, 1] = np.arange(1, 3001)
    assert plain.join_cost(dense) > 1
    assert plain.marks_cost(1_000_000) > plain.RUN_BUDGET_SECONDS
