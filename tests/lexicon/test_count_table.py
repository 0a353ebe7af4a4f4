"""CountTable: spilling to a temporary file and finishing (merging the runs a key range at a
time, dropping the keys seen once) give the exact counts of counting in memory."""

from __future__ import annotations

import random
from collections import Counter

import numpy as np
import pytest

from minent.lexicon.counts import CountTable, count_ngrams, finish_tables, ideograph_ids
from minent.lexicon.kernels import ngrams as k

BITS = int(k.BITS)


def table_of(counter: Counter) -> tuple[np.ndarray, np.ndarray]:
    keys = sorted(counter)
    return np.array(keys, dtype=np.uint64), np.array([counter[x] for x in keys], dtype=np.int64)


def chunked_table(chunks: list[list[int]], spill_after: set[int]) -> CountTable:
    table = CountTable()
    for i, chunk in enumerate(chunks):
        if chunk:
            table.add(*table_of(Counter(chunk)))
        if i in spill_after:
            table.spill()
    return table


def random_chunks(rng: random.Random, n_chunks: int, n_keys: int, span: int) -> list[list[int]]:
    return [[rng.randrange(1, span) for _ in range(rng.randrange(0, n_keys))] for _ in range(n_chunks)]


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("range_keys", [1, 3, 50, 1 << 24])
def test_finish_with_spills_counts_as_in_memory(seed, range_keys):
    rng = random.Random(seed)
    chunks = random_chunks(rng, rng.randrange(1, 9), 60, rng.choice([5, 100, 1 << 40]))
    spills = {i for i in range(len(chunks)) if rng.random() < 0.5}
    table = chunked_table(chunks, spills)
    table.finish(1, range_keys=range_keys)
    expected = Counter(x for chunk in chunks for x in chunk)
    keys, counts = table_of(expected)
    assert np.array_equal(table.keys, keys) and np.array_equal(table.counts, counts)
    assert table.distinct == len(expected)
    assert table.dropped_right is None  # nothing dropped
    assert table._spool is None  # the temporary file is gone


def test_finish_of_an_empty_table_and_of_one_where_every_key_is_dropped():
    table = CountTable()
    table.spill()  # nothing to spill
    table.finish(2, CountTable(), 2)
    assert len(table) == 0 and table.distinct == 0 and table.keys.dtype == np.uint64
    lower = CountTable()
    lower.keys = np.array([1, 2], dtype=np.uint64)
    table = chunked_table([[(1 << BITS) | 2], [(2 << BITS) | 1]], {0, 1})  # two keys seen once, both spilled
    table.finish(2, lower, 2)
    assert len(table) == 0 and table.keys.dtype == np.uint64 and table.distinct == 2
    assert table.dropped_right.tolist() == [1, 1] and table.dropped_left.tolist() == [1, 1]


def reference_drop(counter: Counter, lower: list[int], n: int, keep: int) -> tuple[Counter, list[int], list[int]]:
    """The kept keys, and for each lower key the dropped keys beginning / ending with it."""
    mask = (1 << (BITS * (n - 1))) - 1
    kept = Counter({x: c for x, c in counter.items() if c >= keep})
    right = [sum(1 for x, c in counter.items() if c < keep and x >> BITS == p) for p in lower]
    left = [sum(1 for x, c in counter.items() if c < keep and x & mask == p) for p in lower]
    return kept, right, left


@pytest.mark.parametrize("seed", range(10))
@pytest.mark.parametrize("range_keys", [2, 1 << 24])
def test_finish_drops_the_keys_seen_once_and_tallies_their_parts(seed, range_keys):
    rng = random.Random(seed)
    n = rng.choice([2, 3, 4])
    alphabet = rng.choice([2, 5, 40])
    def gram():
        key = 0
        for _ in range(n):
            key = (key << BITS) | rng.randrange(1, alphabet + 1)
        return key
    chunks = [[gram() for _ in range(rng.randrange(0, 40))] for _ in range(rng.randrange(1, 6))]
    counter = Counter(x for chunk in chunks for x in chunk)
    mask = (1 << (BITS * (n - 1))) - 1
    parts = sorted({x >> BITS for x in counter} | {x & mask for x in counter} | {gram() >> BITS})
    lower = CountTable()
    lower.keys = np.array(rng.sample(parts, rng.randrange(0, len(parts) + 1)) if parts else [], dtype=np.uint64)
    lower.keys.sort()
    table = chunked_table(chunks, {i for i in range(len(chunks)) if rng.random() < 0.5})
    table.finish(2, lower, n, range_keys=range_keys)
    kept, right, left = reference_drop(counter, lower.keys.tolist(), n, 2)
    keys, counts = table_of(kept)
    assert np.array_equal(table.keys, keys) and np.array_equal(table.counts, counts)
    assert table.distinct == len(counter)
    assert table.dropped_right.tolist() == right and table.dropped_left.tolist() == left


def test_finish_tables_keeps_every_character_and_counts_distinct_ngrams():
    text = "中国人民，中国。人民中国𠀀中a1１中。山"  # characters seen once, outside the BMP, a number
    ids = ideograph_ids(text)
    tables = [CountTable() for _ in range(5)]
    count_ngrams(ids, 4, tables)
    full = [(t.keys.copy(), t.counts.copy()) for t in tables]
    finish_tables(tables, 2)
    assert np.array_equal(tables[1].keys, full[1][0]) and np.array_equal(tables[1].counts, full[1][1])
    for n in range(2, 5):
        keys, counts = full[n]
        assert tables[n].distinct == len(keys)
        assert np.array_equal(tables[n].keys, keys[counts >= 2])


@pytest.mark.parametrize("range_keys", [997, 50_000])
def test_finish_reads_long_runs_by_their_samples(range_keys):
    """Runs of tens of thousands of keys are sampled (one key in several): positions inside
    them are found by reading the keys between two samples from the file."""
    rng = np.random.default_rng(5)
    chunks = [rng.integers(1, 1 << rng.integers(12, 40), size=rng.integers(20_000, 60_000)).tolist()
              for _ in range(5)]
    table = chunked_table(chunks, {0, 2, 3})
    assert max(run.step for run in table._runs) > 1
    table.finish(2, CountTable(), 2, range_keys=range_keys)
    expected = Counter(x for chunk in chunks for x in chunk)
    keys, counts = table_of(Counter({x: c for x, c in expected.items() if c >= 2}))
    assert np.array_equal(table.keys, keys) and np.array_equal(table.counts, counts)
    assert table.distinct == len(expected)


def test_tables_finished_without_tallies_are_refused_by_the_autonomy():
    from minent.lexicon.boundary import autonomy_from_pairs

    ids = ideograph_ids("中国人民，中国。人民中国山水")
    tables = [CountTable() for _ in range(3)]
    count_ngrams(ids, 2, tables)
    finish_tables(tables, 2, tally=False)
    assert tables[2].dropped_right is None and tables[2].distinct > len(tables[2])
    empty = (np.empty(0, dtype=np.uint64), np.empty(0, dtype=np.int64))
    with pytest.raises(ValueError, match="without the tallies"):
        autonomy_from_pairs(tables, empty, empty)
