"""Kernels of lexicon discovery: count n-grams, test their cohesion, cut runs into pieces.

Text arrives as an array of ideograph ids (uint16, 0 = separator; see ``minent.common.chars``).
An n-gram of n <= 4 ideographs is one uint64 key, 15 bits a character, first character
in the highest bits. Because ids are never 0, a key's length is implied by its size, so
the keys of all orders live in one sorted array: every 1-gram key sorts before every
2-gram key, and so on. Counts are tables of two aligned arrays (sorted unique keys, counts).
"""

from __future__ import annotations

import math
from typing import Optional

import numpy as np
from numba import njit

from ...common.kernels import readonly, run_blocks, thread_count
from ...common.kernels.counts import count_keys, merged_tables

BITS = np.uint64(15)
CHAR_MASK = np.uint64((1 << 15) - 1)
EMPTY = np.uint64(0)  # never a key: keys hold at least one non-zero id
HASH_MULT = np.uint64(0x9E3779B97F4A7C15)
MAX_KEY_LENGTH = 4  # 15 bits a character in a 64-bit key


@njit(cache=True, nogil=True, inline="always")
def key_length(key: np.uint64) -> int:
    """Number of characters packed in ``key``."""
    n = 0
    while key != EMPTY:
        key >>= BITS
        n += 1
    return n


@njit(cache=True, nogil=True)
def ideograph_ids(codepoints: np.ndarray, id_of_codepoint: np.ndarray, number_marks: np.ndarray,
                  num_id: int) -> np.ndarray:
    """Map code points to symbol ids: an ideograph's id, ``num_id`` for a whole number (its
    first character, ``number_marks`` 1; the others, 2, are left out), 0 for everything else."""
    limit = id_of_codepoint.shape[0]
    ids = np.empty(codepoints.shape[0], dtype=np.uint16)
    o = 0
    for i in range(codepoints.shape[0]):
        mark = number_marks[i]
        if mark == 1:
            ids[o] = num_id
        elif mark == 2:
            continue
        else:
            cp = codepoints[i]
            ids[o] = id_of_codepoint[cp] if cp < limit else 0
        o += 1
    return ids[:o]


def count_ideographs(ids: np.ndarray, n_ids: int) -> np.ndarray:
    """counts[i] = occurrences of id i (counts[0], the separators, stays 0)."""
    counts = np.bincount(ids, minlength=n_ids + 1).astype(np.int64, copy=False)
    counts[0] = 0
    return counts


@njit(cache=True, nogil=True)
def window_keys(ids: np.ndarray, n: int) -> np.ndarray:
    """Keys of every window of ``n`` consecutive ideographs (no separator inside), in text order."""
    m = ids.shape[0]
    out = np.empty(max(m - n + 1, 0), dtype=np.uint64)
    mask = (np.uint64(1) << (BITS * np.uint64(n))) - np.uint64(1)
    filled = 0
    run = 0
    key = EMPTY
    for i in range(m):
        c = ids[i]
        if c == 0:
            run = 0
            key = EMPTY
            continue
        key = ((key << BITS) | np.uint64(c)) & mask
        run += 1
        if run >= n:
            out[filled] = key
            filled += 1
    return out[:filled]


@njit(cache=True, nogil=True, inline="always")
def lookup_count(keys: np.ndarray, counts: np.ndarray, key: np.uint64) -> int:
    """Count of ``key`` in a table (0 when absent), by binary search."""
    return _count_at(keys, counts, _lower_bound(keys, key, 0, keys.shape[0]), key)


@njit(cache=True, nogil=True, inline="always")
def _count_at(keys: np.ndarray, counts: np.ndarray, at: int, key: np.uint64) -> int:
    """The count at ``at`` if the table holds ``key`` there, else 0."""
    if at < keys.shape[0] and keys[at] == key:
        return counts[at]
    return 0


@njit(cache=True, nogil=True, inline="always")
def _lower_bound(table: np.ndarray, key: np.uint64, lo: int, hi: int) -> int:
    """The first position in [lo, hi) of ``table`` (ascending) holding a value >= ``key``, or
    ``hi`` (written out: Numba's ``np.searchsorted`` compiles comparisons for every dtype,
    complex numbers included)."""
    while lo < hi:
        mid = (lo + hi) >> 1
        if table[mid] < key:
            lo = mid + 1
        else:
            hi = mid
    return lo


def weakest_split_pmi(
    keys: np.ndarray, counts: np.ndarray, n: int, tables_keys: tuple, tables_counts: tuple, n_chars: int,
    min_count: int, threads: int = 0,
) -> np.ndarray:
    """Cohesion of each n-gram in (keys, counts) with count >= min_count; -inf for the rest.

    cohesion(w) = min over k of ln(N c(w) / (c(w[:k]) c(w[k:]))), N = number of ideographs;
    ``tables_keys[j]``/``tables_counts[j]`` is the count table of the (j+1)-grams. Blocks of
    keys run on ``threads`` threads (0: Numba's thread count).
    """
    keys, counts = readonly(keys, np.uint64), readonly(counts, np.int64)
    # always MAX_KEY_LENGTH tables (empty ones for the orders not counted): one tuple type, one compile
    empty_keys, empty_counts = readonly(np.empty(0, np.uint64)), readonly(np.empty(0, np.int64))
    pad = MAX_KEY_LENGTH - len(tables_keys)
    all_keys = tuple(readonly(t, np.uint64) for t in tables_keys) + (empty_keys,) * pad
    all_counts = tuple(readonly(t, np.int64) for t in tables_counts) + (empty_counts,) * pad
    m = keys.shape[0]
    out = np.full(m, -np.inf)
    n_blocks = max(1, min(thread_count(threads), m // 65536))
    run_blocks(_weakest_split_block, [(keys, counts, int(n), all_keys, all_counts, int(n_chars), int(min_count),
                                       b * m // n_blocks, (b + 1) * m // n_blocks, out) for b in range(n_blocks)],
               n_blocks)
    return out


@njit(cache=True, nogil=True)
def _weakest_split_block(keys, counts, n, tables_keys, tables_counts, n_chars, min_count, lo, hi, out) -> None:
    """:func:`weakest_split_pmi` of keys[lo:hi], into out[lo:hi].

    Where the keys ascend (a count table), the left parts of a split (their first k
    characters) ascend too: each is found from where the previous one was (a galloping
    search), in cache; only the right parts need a binary search over the whole table."""
    total = float(n_chars)
    cursor = np.zeros(n, dtype=np.int64)  # cursor[k]: where the last left part of k characters was
    previous = np.uint64(0)
    for i in range(lo, hi):
        c = counts[i]
        if c < min_count:
            continue
        key = keys[i]
        if key < previous:  # keys not in order (a caller's selection): search from the start
            cursor[:] = 0
        previous = key
        weakest = np.inf
        for k in range(1, n):
            right_bits = BITS * np.uint64(n - k)
            left = key >> right_bits
            right = key & ((np.uint64(1) << right_bits) - np.uint64(1))
            table = tables_keys[k - 1]
            cursor[k] = _gallop(table, left, cursor[k])
            a = _count_at(table, tables_counts[k - 1], cursor[k], left)
            b = _count_in(tables_keys, tables_counts, n - k, right)
            pmi = math.log(total * float(c) / (float(a) * float(b)))
            if pmi < weakest:
                weakest = pmi
        out[i] = weakest


@njit(cache=True, nogil=True, inline="always")
def _gallop(table: np.ndarray, key: np.uint64, start: int) -> int:
    """The first position >= ``start`` of ``table`` (ascending) holding a value >= ``key``:
    steps of 1, 2, 4, ... from ``start``, then a binary search in the last step."""
    m = table.shape[0]
    lo = start
    step = 1
    hi = lo
    while hi < m and table[hi] < key:
        lo = hi + 1
        hi = lo + step
        step *= 2
    return _lower_bound(table, key, lo, min(hi, m))


@njit(cache=True, nogil=True, inline="always")
def _count_in(tables_keys: tuple, tables_counts: tuple, length: int, key: np.uint64) -> int:
    # literal_unroll is not needed: the tables are a homogeneous tuple, indexed at run time
    return lookup_count(tables_keys[length - 1], tables_counts[length - 1], key)


def positions_in(table: np.ndarray, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where each of ``keys`` is in ``table`` (sorted, not empty): (positions, found), a
    position meaningful only where found."""
    at = np.minimum(np.searchsorted(table, keys), len(table) - 1)
    return at, table[at] == keys


def drop_rare(keys: np.ndarray, counts: np.ndarray, keep: int, n: int, lower_keys: np.ndarray,
              right: Optional[np.ndarray] = None, left: Optional[np.ndarray] = None) -> np.ndarray:
    """Which n-grams of a sorted table are seen at least ``keep`` times (a boolean mask). With
    ``right`` and ``left`` (int32 arrays the size of ``lower_keys``, the kept (n-1)-grams,
    sorted), add 1 to ``right[i]`` and to ``left[j]`` for each n-gram that is not kept, where
    i and j are the positions of its prefix and suffix in ``lower_keys``, when they are there."""
    if right is None:
        return counts >= keep
    kept, suffixes = _drop_rare(readonly(keys, np.uint64), readonly(counts, np.int64), int(keep), int(n),
                                readonly(lower_keys, np.uint64), right)
    # the suffixes come in no order: counted (a radix sort), they meet the sorted table in one pass
    distinct, times = count_keys(suffixes)
    if len(lower_keys):
        at, found = positions_in(lower_keys, distinct)
        left[at[found]] += times[found].astype(np.int32)
    return kept


@njit(cache=True, nogil=True)
def _drop_rare(keys, counts, keep, n, lower_keys, right) -> tuple:
    """The kept mask; the prefixes of the dropped n-grams tallied in ``right`` (they ascend with
    the keys: a walk finds them); their suffixes returned, for the caller to tally."""
    m = keys.shape[0]
    kept = np.empty(m, dtype=np.bool_)
    suffixes = np.empty(m, dtype=np.uint64)
    n_dropped = 0
    n_lower = lower_keys.shape[0]
    mask = (np.uint64(1) << (BITS * np.uint64(max(n - 1, 0)))) - np.uint64(1)
    cursor = 0
    for j in range(m):
        kept[j] = counts[j] >= keep
        if kept[j]:
            continue
        suffixes[n_dropped] = keys[j] & mask
        n_dropped += 1
        if n_lower == 0:
            continue
        prefix = keys[j] >> BITS
        cursor = _gallop(lower_keys, prefix, cursor)
        if cursor < n_lower and lower_keys[cursor] == prefix:
            right[cursor] += 1
    return kept, suffixes[:n_dropped]


def build_key_set(keys: np.ndarray) -> np.ndarray:
    """An open-addressing hash set of non-zero keys (a power-of-two table, 0 = empty slot):
    the slots of :func:`build_key_index`."""
    return build_key_index(keys)[0]


def build_key_index(keys: np.ndarray) -> tuple:
    """An open-addressing hash map key -> position in ``keys`` (non-zero, distinct keys):
    ``(slots, positions)``, power-of-two tables, slot 0 = empty."""
    return _build_key_index(readonly(keys, np.uint64))


@njit(cache=True, nogil=True)
def _build_key_index(keys: np.ndarray) -> tuple:
    capacity = 16
    while capacity < 2 * keys.shape[0]:
        capacity *= 2
    slots = np.empty(capacity, dtype=np.uint64)
    positions = np.empty(capacity, dtype=np.int64)
    for s in range(capacity):
        slots[s] = EMPTY
        positions[s] = -1
    slot_mask = np.uint64(capacity - 1)
    for i in range(keys.shape[0]):
        key = keys[i]
        slot = ((key * HASH_MULT) >> np.uint64(29)) & slot_mask
        while slots[slot] != EMPTY and slots[slot] != key:
            slot = (slot + np.uint64(1)) & slot_mask
        slots[slot] = key
        positions[slot] = i
    return slots, positions


@njit(cache=True, nogil=True, inline="always")
def key_position(slots: np.ndarray, positions: np.ndarray, key: np.uint64) -> int:
    """Position of ``key`` in the keys the index (:func:`build_key_index`) was built from, or -1."""
    slot_mask = np.uint64(slots.shape[0] - 1)
    slot = ((key * HASH_MULT) >> np.uint64(29)) & slot_mask
    while slots[slot] != EMPTY:
        if slots[slot] == key:
            return positions[slot]
        slot = (slot + np.uint64(1)) & slot_mask
    return -1


@njit(cache=True, nogil=True, inline="always")
def set_contains(table: np.ndarray, key: np.uint64) -> bool:
    slot_mask = np.uint64(table.shape[0] - 1)
    slot = ((key * HASH_MULT) >> np.uint64(29)) & slot_mask
    while table[slot] != EMPTY:
        if table[slot] == key:
            return True
        slot = (slot + np.uint64(1)) & slot_mask
    return False


@njit(cache=True, nogil=True, inline="always")
def key_at(ids: np.ndarray, start: int, n: int) -> np.uint64:
    """Key of ids[start:start+n], or EMPTY if a separator lies inside or the text ends."""
    if start + n > ids.shape[0]:
        return EMPTY
    key = EMPTY
    for j in range(start, start + n):
        c = ids[j]
        if c == 0:
            return EMPTY
        key = (key << BITS) | np.uint64(c)
    return key


@njit(cache=True, nogil=True)
def _mark_joins(ids: np.ndarray, kept: np.ndarray, order: int, first: int, last: int, joined: np.ndarray) -> None:
    """Mark joins for the windows starting in ids[first:last], with rolling keys per length."""
    masks = np.empty(order + 1, dtype=np.uint64)
    for n in range(order + 1):
        masks[n] = (np.uint64(1) << (BITS * np.uint64(n))) - np.uint64(1)
    key = EMPTY
    run = 0
    # warm the rolling key with up to order-1 ideographs before ``first``
    i = max(first - (order - 1), 0)
    stop = min(last + order - 1, ids.shape[0])
    while i < stop:
        c = ids[i]
        if c == 0:
            run = 0
            key = EMPTY
        else:
            key = (key << BITS) | np.uint64(c)
            run += 1
            # windows ending at i, of length n, start at i-n+1; the longest kept one marks all
            # that the shorter ones would (the joins from its start to i), so it ends the search
            for n in range(min(run, order), 1, -1):
                start = i - n + 1
                if first <= start < last and set_contains(kept, key & masks[n]):
                    for j in range(start, i):
                        joined[j] = 1
                    break
        i += 1


def join_marks(ids: np.ndarray, kept: np.ndarray, order: int, n_blocks: int, threads: int = 0) -> np.ndarray:
    """``joined[i]`` = 1 where a kept n-gram (2 <= n <= order, in the hash set ``kept``) covers
    both ids[i] and ids[i+1]. Computed in ``n_blocks`` blocks (a few per thread) on
    ``threads`` threads (0: Numba's thread count)."""
    m = ids.shape[0]
    joined = np.zeros(m, dtype=np.uint8)  # joined[i]: ids[i] and ids[i+1] stay together
    n_blocks = max(1, min(int(n_blocks), m // 4096))
    # neighbouring blocks may both write 1 into the same byte: harmless
    run_blocks(_mark_joins, [(ids, kept, int(order), b * m // n_blocks, (b + 1) * m // n_blocks, joined)
                             for b in range(n_blocks)], thread_count(threads))
    return joined


def cut(ids: np.ndarray, kept: np.ndarray, order: int, n_blocks: int, threads: int = 0) -> tuple:
    """Cut runs between neighbours unless a kept n-gram (2 <= n <= order, in the hash set
    ``kept``) covers both; returns the pieces in text order as (short_keys, long_starts,
    long_lengths): pieces of at most 4 characters as packed keys, longer ones as spans."""
    ids, kept = readonly(ids, np.uint16), readonly(kept, np.uint64)
    return _pieces(ids, join_marks(ids, kept, order, n_blocks, threads), 0, ids.shape[0])


def counted_cut(ids: np.ndarray, kept: np.ndarray, order: int, n_blocks: int, threads: int = 0) -> tuple:
    """The pieces of :func:`cut`, counted: (sorted unique keys of the short pieces, their
    counts, long_starts, long_lengths). The pieces are gathered and counted in one slice of
    the text a thread, side by side; the slices' tables are then merged."""
    ids, kept = readonly(ids, np.uint16), readonly(kept, np.uint64)
    joined = join_marks(ids, kept, order, n_blocks, threads)
    m = ids.shape[0]
    n_slices = max(1, min(thread_count(threads), m // 4096))

    def counted_pieces(lo: int, hi: int) -> tuple:
        short_keys, long_starts, long_lengths = _pieces(ids, joined, lo, hi)
        return (*count_keys(short_keys), long_starts, long_lengths)

    parts = run_blocks(counted_pieces, [(s * m // n_slices, (s + 1) * m // n_slices) for s in range(n_slices)],
                       thread_count(threads))
    keys, counts = merged_tables([p[:2] for p in parts])
    return (keys, counts, np.concatenate([p[2] for p in parts]), np.concatenate([p[3] for p in parts]))


@njit(cache=True, nogil=True)
def _pieces(ids: np.ndarray, joined: np.ndarray, lo: int, hi: int) -> tuple:
    """The pieces of the cut that ``joined`` marks that end in ids[lo:hi] (a piece may start
    before lo): (short_keys, long_starts, long_lengths), in text order."""
    n_pieces = 0
    for i in range(lo, hi):  # a piece ends at i when ids[i] is an ideograph not joined to the next
        if ids[i] != 0 and joined[i] == 0:
            n_pieces += 1
    short_keys = np.empty(n_pieces, dtype=np.uint64)
    long_starts = np.empty(16, dtype=np.int64)
    long_lengths = np.empty(16, dtype=np.int64)
    n_short = 0
    n_long = 0
    # the piece running into lo starts after the last end (a separator or an unjoined id) before it
    start = lo
    while start > 0 and ids[start - 1] != 0 and joined[start - 1] != 0:
        start -= 1
    if start == lo:
        start = -1
    for i in range(lo, hi):
        if ids[i] == 0:
            continue
        if start < 0:
            start = i
        if joined[i] == 0:
            length = i - start + 1
            if length <= 4:
                short_keys[n_short] = key_at(ids, start, length)
                n_short += 1
            else:
                if n_long == long_starts.shape[0]:
                    long_starts = _grown(long_starts)
                    long_lengths = _grown(long_lengths)
                long_starts[n_long] = start
                long_lengths[n_long] = length
                n_long += 1
            start = -1
    return short_keys[:n_short], long_starts[:n_long].copy(), long_lengths[:n_long].copy()


@njit(cache=True, nogil=True, inline="always")
def _grown(a: np.ndarray) -> np.ndarray:
    """A copy of ``a`` with twice the room."""
    bigger = np.empty(2 * a.shape[0], dtype=np.int64)
    for i in range(a.shape[0]):
        bigger[i] = a[i]
    return bigger


def key_slots(keys: np.ndarray, slots: np.ndarray, positions: Optional[np.ndarray] = None) -> np.ndarray:
    """Slot of each key in a hash table of :func:`build_key_index` (or :func:`build_key_set`),
    -1 for the keys it does not hold; with the index's ``positions``, the key's position instead."""
    with_positions = positions is not None
    positions = readonly(positions if with_positions else np.empty(0, dtype=np.int64), np.int64)
    return _key_slots(readonly(keys, np.uint64), readonly(slots, np.uint64), positions, with_positions)


@njit(cache=True, nogil=True)
def _key_slots(keys: np.ndarray, slots: np.ndarray, positions: np.ndarray, with_positions: bool) -> np.ndarray:
    out = np.empty(keys.shape[0], dtype=np.int64)
    slot_mask = np.uint64(slots.shape[0] - 1)
    for i in range(keys.shape[0]):
        key = keys[i]
        out[i] = -1
        slot = ((key * HASH_MULT) >> np.uint64(29)) & slot_mask
        while slots[slot] != EMPTY:
            if slots[slot] == key:
                out[i] = positions[slot] if with_positions else np.int64(slot)
                break
            slot = (slot + np.uint64(1)) & slot_mask
    return out


def keys_in_set(keys: np.ndarray, kept: np.ndarray) -> np.ndarray:
    """Whether each key is in the hash set ``kept`` (:func:`build_key_set`); the empty key never is."""
    return key_slots(keys, kept) >= 0


def key_lengths(keys: np.ndarray) -> np.ndarray:
    """Number of characters packed in each key (the highest character is never 0)."""
    keys = np.asarray(keys, dtype=np.uint64)
    n = np.zeros(keys.shape[0], dtype=np.int64)
    for length in range(MAX_KEY_LENGTH):
        n += keys >= (np.uint64(1) << (BITS * np.uint64(length)))
    return n


def _window_keys_of_keys(keys: np.ndarray, n: int, order: int, start: int) -> np.ndarray:
    """Keys of the windows of ``order`` characters starting at character ``start`` of keys of ``n``."""
    mask = (np.uint64(1) << (BITS * np.uint64(order))) - np.uint64(1)
    return (keys >> (BITS * np.uint64(n - start - order))) & mask


def words_all_kept(words: np.ndarray, lengths: np.ndarray, kept: np.ndarray, order: int) -> np.ndarray:
    """For each word (symbol ids of all words one after another in ``words``, each word's
    length in ``lengths``): whether every window of ``order`` symbols inside it is a kept
    n-gram (the backtrack rule of the pieces too long for one key). A window over a separator
    (id 0) never is; a word with no window passes. One membership test for all words' windows."""
    lengths = np.asarray(lengths, dtype=np.int64)
    n_windows = np.maximum(lengths - order + 1, 0)
    word_start = np.cumsum(lengths) - lengths
    first_window = np.cumsum(n_windows) - n_windows
    total = int(n_windows.sum())
    at = np.repeat(word_start - first_window, n_windows) + np.arange(total, dtype=np.int64)
    keys = np.zeros(total, dtype=np.uint64)
    separator = np.zeros(total, dtype=bool)
    for j in range(order):
        column = words[at + j].astype(np.uint64)
        keys = (keys << BITS) | column
        separator |= column == 0
    keys[separator] = EMPTY  # never a member, as key_at gives for a window over a separator
    inside = keys_in_set(keys, kept)
    ok = np.ones(len(lengths), dtype=bool)
    some = n_windows > 0
    if total:
        ok[some] = np.logical_and.reduceat(inside, first_window[some])
    return ok


def backtrack_mask(piece_keys: np.ndarray, kept: np.ndarray, order: int) -> np.ndarray:
    """Which packed pieces survive the backtrack rule.

    Length 1-2: always; 3..order: only kept n-grams; longer: every window of length
    ``order`` must be a kept n-gram.
    """
    keys = np.asarray(piece_keys, dtype=np.uint64)
    n = key_lengths(keys)
    ok = n <= 2
    mid = (n > 2) & (n <= order)
    ok[mid] = keys_in_set(keys[mid], kept)
    for length in range(max(3, order + 1), MAX_KEY_LENGTH + 1):
        group = np.flatnonzero(n == length)
        all_kept = np.ones(group.shape[0], dtype=bool)
        for s in range(length - order + 1):
            all_kept &= keys_in_set(_window_keys_of_keys(keys[group], length, order, s), kept)
        ok[group] = all_kept
    return ok


@njit(cache=True, nogil=True)
def marked_word_keys(ids: np.ndarray, marks: np.ndarray, start_mark: int, cont_mark: int) -> tuple:
    """Keys of the words that segmentation marks (``start_mark`` at a word's first character,
    ``cont_mark`` on the others) and hold only ideographs: returns (keys of the words of 1..4
    ideographs, starts and lengths of the longer ones)."""
    m = ids.shape[0]
    n_short = 0
    n_long = 0
    i = 0
    while i < m:
        if marks[i] == start_mark:
            j = i + 1
            while j < m and marks[j] == cont_mark:
                j += 1
            if ids[i] != 0:
                if j - i <= 4:
                    n_short += 1
                else:
                    n_long += 1
            i = j
        else:
            i += 1
    keys = np.empty(n_short, dtype=np.uint64)
    long_starts = np.empty(n_long, dtype=np.int64)
    long_lengths = np.empty(n_long, dtype=np.int64)
    a = 0
    b = 0
    i = 0
    while i < m:
        if marks[i] == start_mark:
            j = i + 1
            while j < m and marks[j] == cont_mark:
                j += 1
            if ids[i] != 0:
                if j - i <= 4:
                    keys[a] = key_at(ids, i, j - i)
                    a += 1
                else:
                    long_starts[b] = i
                    long_lengths[b] = j - i
                    b += 1
            i = j
        else:
            i += 1
    return keys, long_starts, long_lengths


@njit(cache=True, nogil=True, inline="always")
def _seam_cohesion(ids: np.ndarray, j: int, num_id: int, slots: np.ndarray, positions: np.ndarray,
                   pair_ratios: np.ndarray, char_counts: np.ndarray) -> float:
    """How ids[j] and ids[j + 1] stick together, c(ab) / (c(a) c(b)) (the PMI's ratio, the
    text's length left out): -inf at a separator or off the text, +inf beside a number. A
    pair not in the index was seen once (its count was dropped after counting)."""
    if j < 0 or j + 1 >= ids.shape[0]:
        return -np.inf
    a = ids[j]
    b = ids[j + 1]
    if a == 0 or b == 0:
        return -np.inf
    if a == num_id or b == num_id:
        return np.inf
    at = key_position(slots, positions, (np.uint64(a) << BITS) | np.uint64(b))
    if at >= 0:
        return pair_ratios[at]
    return 1.0 / (char_counts[a] * char_counts[b])


@njit(cache=True, nogil=True)
def cohesion_peaks(ids: np.ndarray, num_id: int, slots: np.ndarray, positions: np.ndarray, pair_ratios: np.ndarray,
                   char_counts: np.ndarray, lo: int, hi: int) -> np.ndarray:
    """Keys of the pairs ids[j], ids[j + 1] (j in lo..hi-1) that stick together more than the
    pairs on either side of them (:func:`_seam_cohesion`, strictly) and are in the index, in
    text order. The index (:func:`build_key_index`) maps the 2-gram keys (those a build keeps:
    seen twice, or all) to ``pair_ratios``; ``char_counts`` is indexed by id (float64). Pairs
    out of the index still weigh as neighbours, but are not reported: memory follows the
    pairs kept."""
    out = np.empty(max(hi - lo, 0), dtype=np.uint64)
    n = 0
    before = _seam_cohesion(ids, lo - 1, num_id, slots, positions, pair_ratios, char_counts)
    here = _seam_cohesion(ids, lo, num_id, slots, positions, pair_ratios, char_counts)
    for j in range(lo, hi):
        after = _seam_cohesion(ids, j + 1, num_id, slots, positions, pair_ratios, char_counts)
        if before < here < np.inf and here > after:
            key = (np.uint64(ids[j]) << BITS) | np.uint64(ids[j + 1])
            if key_position(slots, positions, key) >= 0:
                out[n] = key
                n += 1
        before = here
        here = after
    return out[:n]
