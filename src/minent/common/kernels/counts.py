"""Kernels of count tables, the form every job sums its counts in: sorted unique uint64 keys
with their int64 counts; and the open-addressing code tables of the kernels that count
distinct strings or spans. Lexicon discovery counts n-grams and pieces in them, and the
cluster code of discovery and of Apriori merges the workers' partial tables with :func:`merge_tables`.
"""

from __future__ import annotations

import numpy as np
from numba import njit


#: bits of a digit of :func:`count_keys`'s radix sort: 2048 buckets (a histogram that stays in
#: the first-level cache), six passes for a 64-bit key, three for a 30-bit one
DIGIT_BITS = 11


@njit(cache=True, nogil=True)
def count_keys(keys: np.ndarray) -> tuple:
    """(sorted unique keys, their counts) of an unsorted key array; overwrites ``keys``.

    Sorted by least-significant-digit radix sort (one pass gathers every digit's histogram,
    then a stable scatter per digit that is not the same for all keys: a 2-gram key of
    30 bits takes three), 3.5-4.5x numpy's sort on n-gram keys; then counted run by run."""
    n = keys.shape[0]
    n_digits = (64 + DIGIT_BITS - 1) // DIGIT_BITS
    radix = 1 << DIGIT_BITS
    digit_mask = np.uint64(radix - 1)
    histogram = np.zeros((n_digits, radix), dtype=np.int64)
    for i in range(n):
        v = keys[i]
        for p in range(n_digits):
            histogram[p, np.int64((v >> np.uint64(p * DIGIT_BITS)) & digit_mask)] += 1
    source = keys
    target = np.empty(n, dtype=np.uint64)
    for p in range(n_digits):
        counts = histogram[p]
        moves = True
        for d in range(radix):
            if counts[d] == n:  # every key has this digit: the pass would change nothing
                moves = False
                break
        if not moves:
            continue
        at = 0
        for d in range(radix):
            c = counts[d]
            counts[d] = at
            at += c
        shift = np.uint64(p * DIGIT_BITS)
        for i in range(n):
            v = source[i]
            d = np.int64((v >> shift) & digit_mask)
            target[counts[d]] = v
            counts[d] += 1
        source, target = target, source
    unique = target  # the spare buffer takes the unique keys
    counts_out = np.empty(n, dtype=np.int64)
    u = -1
    for i in range(n):
        if u < 0 or source[i] != unique[u]:
            u += 1
            unique[u] = source[i]
            counts_out[u] = 0
        counts_out[u] += 1
    return unique[: u + 1].copy(), counts_out[: u + 1].copy()


def merged_tables(tables: list) -> tuple:
    """One (sorted keys, counts) table of several, merged pairwise (each key is merged about
    log2(len(tables)) times); an empty table for none."""
    if not tables:
        return np.empty(0, dtype=np.uint64), np.empty(0, dtype=np.int64)
    while len(tables) > 1:
        tables = [merge_tables(*a, *b) for a, b in zip(tables[::2], tables[1::2])] + tables[len(tables) & ~1:]
    return tables[0]


@njit(cache=True, nogil=True)
def merge_tables(keys_a: np.ndarray, counts_a: np.ndarray, keys_b: np.ndarray, counts_b: np.ndarray) -> tuple:
    """Union of two count tables (sorted unique keys), summing the counts of shared keys."""
    na, nb = keys_a.shape[0], keys_b.shape[0]
    keys = np.empty(na + nb, dtype=np.uint64)
    counts = np.empty(na + nb, dtype=np.int64)
    i = j = u = 0
    while i < na and j < nb:
        if keys_a[i] < keys_b[j]:
            keys[u] = keys_a[i]
            counts[u] = counts_a[i]
            i += 1
        elif keys_b[j] < keys_a[i]:
            keys[u] = keys_b[j]
            counts[u] = counts_b[j]
            j += 1
        else:
            keys[u] = keys_a[i]
            counts[u] = counts_a[i] + counts_b[j]
            i += 1
            j += 1
        u += 1
    while i < na:
        keys[u] = keys_a[i]
        counts[u] = counts_a[i]
        i += 1
        u += 1
    while j < nb:
        keys[u] = keys_b[j]
        counts[u] = counts_b[j]
        j += 1
        u += 1
    return keys[:u].copy(), counts[:u].copy()


@njit(cache=True, nogil=True)
def count_spans(ids: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> tuple:
    """The distinct id sequences among the spans ``ids[starts[t]:starts[t] + lengths[t]]``, in
    order of first sight: (the index t of each one's first span, its number of spans).

    For the pieces and words too long for one key: counting them here and turning only the
    distinct ones into strings costs a fraction of a string per span and a Counter. An
    open-addressing table over a 64-bit hash of the ids (FNV-1a), each match checked id by id.
    """
    n = starts.shape[0]
    shift = 10
    capacity = 1 << shift  # at most half full
    table = np.full(capacity, -1, dtype=np.int64)
    first = np.empty(n, dtype=np.int64)
    counts = np.zeros(n, dtype=np.int64)
    hashes = np.empty(n, dtype=np.uint64)
    m = 0
    for t in range(n):
        start, length = starts[t], lengths[t]
        h = np.uint64(14695981039346656037)
        for q in range(start, start + length):
            h = (h ^ np.uint64(ids[q])) * np.uint64(1099511628211)
        slot = first_slot(h, shift)
        while True:
            d = table[slot]
            if d < 0:  # a new sequence
                first[m], counts[m], hashes[m] = t, 1, h
                table[slot] = m
                m += 1
                if 2 * m > capacity:
                    shift += 2
                    capacity <<= 2
                    table = code_table(hashes[:m], shift)
                break
            if hashes[d] == h and lengths[first[d]] == length and same_span(ids, starts[first[d]], start, length):
                counts[d] += 1
                break
            slot = (slot + 1) & (capacity - 1)
    return first[:m].copy(), counts[:m].copy()


@njit(cache=True, nogil=True, inline="always")
def same_span(values: np.ndarray, a: int, b: int, length: int) -> bool:
    """Whether ``values[a:a + length]`` and ``values[b:b + length]`` are equal."""
    for q in range(length):
        if values[a + q] != values[b + q]:
            return False
    return True


# -- open-addressing tables of codes, for the kernels that give each distinct item a code ----


@njit(cache=True, nogil=True, inline="always")
def first_slot(h: np.uint64, shift: int) -> int:
    """The first slot of a 64-bit hash in a table of ``2**shift`` slots: its top bits after a
    multiplication by the golden ratio (the probing goes on to the next slots)."""
    return np.int64((h * np.uint64(0x9E3779B97F4A7C15)) >> np.uint64(64 - shift))


@njit(cache=True, nogil=True)
def code_table(hashes: np.ndarray, shift: int) -> np.ndarray:
    """A fresh table of ``2**shift`` slots (-1: empty) holding codes 0 .. len(hashes) - 1, each
    at :func:`first_slot` of its hash or the next free slot after it."""
    capacity = 1 << shift
    table = np.full(capacity, -1, dtype=np.int64)
    for c in range(hashes.shape[0]):
        slot = first_slot(hashes[c], shift)
        while table[slot] >= 0:
            slot = (slot + 1) & (capacity - 1)
        table[slot] = c
    return table

