"""The count-table kernels every job sums with, and gathering spans of ids back into words,
against plain-Python references (a Counter) on random and edge-case inputs."""

from __future__ import annotations

import random
from collections import Counter

import numpy as np
import pytest

from minent.common import chars
from minent.common.kernels.counts import count_keys, count_spans, merge_tables
from minent.lexicon.counts import ideograph_ids


def table(c: Counter) -> tuple[np.ndarray, np.ndarray]:
    keys = np.array(sorted(c), dtype=np.uint64)
    return keys, np.array([c[int(x)] for x in keys], dtype=np.int64)


@pytest.mark.parametrize("size", [0, 1, 2, 50, 5000, 70000])
def test_count_keys_counts_like_a_counter(size):
    rng = random.Random(size)
    values = [rng.choice([0, 1, 2, 3, 2**11, 2**11 - 1, 2**63, 2**64 - 1, rng.randrange(1, 2**64),
                          rng.randrange(1, 2**30)]) for _ in range(size)]
    keys, counts = count_keys(np.array(values, dtype=np.uint64))
    assert dict(zip(keys.tolist(), counts.tolist())) == Counter(values)
    assert keys.tolist() == sorted(set(values))


@pytest.mark.parametrize("bits", [1, 11, 12, 30, 45, 60, 64])
def test_count_keys_on_keys_of_each_width(bits):
    # the radix sort skips the digits every key shares: keys of each width, some digits equal
    rng = np.random.default_rng(bits)
    for values in (rng.integers(0, 2**min(bits, 63), size=3000, dtype=np.int64).astype(np.uint64) << np.uint64(bits - min(bits, 63)),
                   np.full(10, 2**bits - 1, dtype=np.uint64),
                   (rng.integers(0, 4, size=500).astype(np.uint64) << np.uint64(bits - 1)) | np.uint64(5)):
        keys, counts = count_keys(values.copy())
        want = Counter(values.tolist())
        assert keys.tolist() == sorted(want)
        assert counts.tolist() == [want[x] for x in sorted(want)]


def test_merge_tables_adds_counts():
    rng = random.Random(3)
    for _ in range(50):
        a = Counter(rng.choices(range(1, 40), k=rng.randint(0, 30)))
        b = Counter(rng.choices(range(1, 40), k=rng.randint(0, 30)))
        keys, counts = merge_tables(*table(a), *table(b))
        assert dict(zip(keys.tolist(), counts.tolist())) == dict(a + b)
        assert keys.tolist() == sorted(keys.tolist())


def test_span_words_gathers_the_spans():
    text = "中国人民的大学生"
    ids = ideograph_ids(text)
    assert chars.span_words(ids, np.array([0, 3, 7]), np.array([2, 4, 1])) == ["中国", "民的大学", "生"]
    assert chars.span_words(ids, np.array([], dtype=np.int64), np.array([], dtype=np.int64)) == []
    ids = ideograph_ids("𠀀中〇1998年")  # beyond the BMP: a separator; a number: one symbol
    assert chars.span_words(ids, np.array([1, 3]), np.array([2, 2])) == ["中〇", "#年"]


@pytest.mark.parametrize("seed", range(6))
def test_span_counts_count_like_a_counter_of_the_words(seed):
    # spans of a text from a tiny alphabet: many repeats, spans that share prefixes, lengths 0..12
    rng = random.Random(seed)
    text = "".join(rng.choice("中国人〇1𠀀") for _ in range(rng.choice([0, 1, 50, 3000])))
    ids = ideograph_ids(text)
    n_spans = rng.choice([0, 1, 5, 4000]) if len(ids) else 0
    starts = np.array([rng.randrange(len(ids)) for _ in range(n_spans)], dtype=np.int64)
    lengths = np.array([rng.randint(0, min(12, len(ids) - s)) for s in starts.tolist()], dtype=np.int64)
    words = chars.span_words(ids, starts, lengths)
    got = chars.span_counts(ids, starts, lengths)
    assert got == Counter(words)
    assert list(got) == list(dict.fromkeys(words))  # in order of first sight


def test_count_spans_grows_its_table():
    from minent.common.kernels import readonly  # as span_counts passes them: one compiled signature

    ids = readonly(np.arange(1, 20001, dtype=np.uint16), np.uint16)
    starts = readonly(np.concatenate([np.arange(0, 19990, dtype=np.int64)] * 2), np.int64)
    first, counts = count_spans(ids, starts, readonly(np.full(len(starts), 5, dtype=np.int64), np.int64))
    assert first.tolist() == list(range(19990)) and counts.tolist() == [2] * 19990
