"""Kernels of the boundary signal: branching entropy of n-grams and the autonomy cut.

A string is likely a word when what follows it (and what precedes it) is hard to predict:
its right (left) branching entropy is the entropy of the next (previous) ideograph. The
autonomy of an n-gram x adds how much that uncertainty grows when x is extended by its
last (first) character, standardised among the n-grams of the same length:

    a(x) = z_n(h_r(x) - h_r(x[:-1])) + z_n(h_l(x) - h_l(x[1:]))

and the autonomy cut of a run is the cut into n-grams that maximises sum a(w) * len(w).
Each edge of a run counts as a neighbour of its own (a run edge is not predictable text).

Entropies are estimated with the Miller-Madow correction, H = H_ML + (m - 1) / (2 t) for an
n-gram seen t times with m distinct neighbours: the plug-in estimate H_ML falls short of the
true entropy by about that much, and most for the rare n-grams (a string seen twice has
H_ML <= ln 2 whatever follows it), so without it the rare words of a small corpus look
less autonomous than they are.

Keys and ids are those of :mod:`minent.lexicon.kernels.ngrams`; all counts are exact.
"""

from __future__ import annotations

import math
from typing import Optional

import numpy as np
from numba import njit

from ...common.kernels import readonly, run_blocks, thread_count
from ...common.kernels.counts import count_keys, merged_tables
from .ngrams import BITS, EMPTY, _gallop, build_key_index, key_at, key_position, key_slots  # noqa: F401  (build_key_index: the index these kernels read)

NEIGHBOUR_BITS = np.uint64(16)
NEIGHBOUR_MASK = np.uint64((1 << 16) - 1)


@njit(cache=True, nogil=True)
def neighbour_pairs(ids: np.ndarray, n: int, slots: np.ndarray, positions: np.ndarray, lo: int, hi: int) -> tuple:
    """For every window of ``n`` ideographs starting in ids[lo:hi]: (position of its key in the
    n-gram table) << 16 | the id of its right neighbour, and the same with its left
    neighbour, 0 at the edge of a run; returns (right pairs, left pairs). The index is
    :func:`build_key_index` of the table's keys; a window not in it (an n-gram dropped after
    counting, seen once) has no pairs. Each window is looked up once for both sides."""
    m = ids.shape[0]
    end = min(hi + n - 1, m)  # the last window starting before hi ends before this
    right = np.empty(max(end - lo - n + 1, 0), dtype=np.uint64)
    left = np.empty(right.shape[0], dtype=np.uint64)
    mask = (np.uint64(1) << (BITS * np.uint64(n))) - np.uint64(1)
    filled = 0
    run = 0
    key = EMPTY
    for i in range(lo, end):
        c = ids[i]
        if c == 0:
            run = 0
            key = EMPTY
            continue
        key = ((key << BITS) | np.uint64(c)) & mask
        run += 1
        if run >= n:
            start = i - n + 1
            found = key_position(slots, positions, key)
            if found < 0:
                continue
            at = np.uint64(found) << NEIGHBOUR_BITS
            right[filled] = at | np.uint64(ids[i + 1] if i + 1 < m else 0)
            left[filled] = at | np.uint64(ids[start - 1] if start > 0 else 0)
            filled += 1
    return right[:filled], left[:filled]


@njit(cache=True, nogil=True, inline="always")
def _entropy_from_sums(totals: np.ndarray, sums: np.ndarray, seen: np.ndarray, distinct: np.ndarray) -> np.ndarray:
    """H = ln t - sum(c ln c) / t + (m - 1) / (2 t) (Miller-Madow): the neighbours seen c times
    each (``seen`` = sum c, ``distinct`` of them), plus t - sum(c) run edges, each edge a
    distinct neighbour, so m = distinct + t - seen."""
    h = np.empty(totals.shape[0], dtype=np.float64)
    for i in range(totals.shape[0]):
        t = totals[i]
        if t > 0:
            m = distinct[i] + t - seen[i]
            h[i] = math.log(t) - sums[i] / t + (m - 1) / (2.0 * t)
        else:
            h[i] = 0.0
    return h


def branching_entropy(pair_keys: np.ndarray, pair_counts: np.ndarray, totals: np.ndarray) -> np.ndarray:
    """Entropy (nats) of the neighbours of each n-gram of a table (``totals``: its counts),
    from the counted pairs of :func:`neighbour_pairs`."""
    no_keys = readonly(np.empty(0, dtype=np.uint64))
    no_index = no_keys, readonly(np.empty(0, dtype=np.int64))
    return _neighbour_entropy(readonly(pair_keys, np.uint64), readonly(pair_counts, np.int64), 0, *no_index,
                              readonly(totals, np.int64), _PAIRS, no_keys)


def extension_entropy(longer_keys: np.ndarray, longer_counts: np.ndarray, n: int, slots: np.ndarray,
                      positions: np.ndarray, totals: np.ndarray, right: bool,
                      keys: Optional[np.ndarray] = None) -> np.ndarray:
    """The same from the (n+1)-gram table: the n+1-grams that extend an n-gram to the right
    (or left) are its neighbours. ``slots, positions`` index the n-gram table; ``keys``, the
    n-gram table's sorted keys, if given, find the n-gram a right extension extends by a
    walk along the table (both tables ascend) instead of the index."""
    keys = readonly(np.empty(0, dtype=np.uint64) if keys is None or not right else keys, np.uint64)
    return _neighbour_entropy(readonly(longer_keys, np.uint64), readonly(longer_counts, np.int64), int(n),
                              readonly(slots, np.uint64), readonly(positions, np.int64), readonly(totals, np.int64),
                              _RIGHT if right else _LEFT, keys)


_PAIRS, _RIGHT, _LEFT = 0, 1, 2  # what the keys of _neighbour_entropy are


@njit(cache=True, nogil=True)
def _neighbour_entropy(keys, counts, n, slots, positions, totals, kind, owner_keys) -> np.ndarray:
    """Entropy of the neighbours of each n-gram, from neighbour pairs (``kind`` _PAIRS) or from
    the (n+1)-grams that extend the n-grams to the right or left (_RIGHT, _LEFT: an index of
    the n-gram table finds the n-gram each one extends; for _RIGHT, the table's own sorted
    ``owner_keys``, when given, are walked instead: the prefixes of ascending keys ascend)."""
    sums = np.zeros(totals.shape[0], dtype=np.float64)
    seen = np.zeros(totals.shape[0], dtype=np.int64)
    distinct = np.zeros(totals.shape[0], dtype=np.int64)
    mask = (np.uint64(1) << (BITS * np.uint64(n))) - np.uint64(1)
    walk = kind == _RIGHT and owner_keys.shape[0] > 0
    cursor = 0
    for j in range(keys.shape[0]):
        if kind == _PAIRS:
            if keys[j] & NEIGHBOUR_MASK == 0:
                continue  # a run edge: only in the totals
            owner = np.int64(keys[j] >> NEIGHBOUR_BITS)
        elif walk:
            prefix = keys[j] >> BITS
            cursor = _gallop(owner_keys, prefix, cursor)
            if cursor < owner_keys.shape[0] and owner_keys[cursor] == prefix:
                owner = cursor
            else:  # keys not in order: the index finds it
                cursor = 0
                owner = key_position(slots, positions, prefix)
        else:
            owner = key_position(slots, positions, keys[j] >> BITS if kind == _RIGHT else keys[j] & mask)
        c = counts[j]
        sums[owner] += c * math.log(c)
        seen[owner] += c
        distinct[owner] += 1
    return _entropy_from_sums(totals, sums, seen, distinct)


@njit(cache=True, nogil=True, inline="always")
def _score(slots: np.ndarray, positions: np.ndarray, scores: np.ndarray, key: np.uint64) -> float:
    i = key_position(slots, positions, key)
    return scores[i] if i >= 0 else -np.inf


def autonomy_cut(ids: np.ndarray, slots: np.ndarray, positions: np.ndarray, scores: np.ndarray, order: int,
                 n_blocks: int, threads: int = 0) -> np.ndarray:
    """Keys of the words of the autonomy cut of every run (the cut maximising sum score * length),
    in text order; the index (:func:`build_key_index`) maps n-grams of ids up to ``order`` to
    their scores. The index must hold every character and every prefix of the n-grams it holds
    (as an index of all characters and of the n-grams seen at least twice does): a word is only
    extended while it is in the index. The runs are cut in ``n_blocks`` blocks on ``threads``
    threads (0: Numba's)."""
    words = run_blocks(_autonomy_cut_block, _cut_jobs(ids, slots, positions, scores, order, n_blocks),
                       thread_count(threads))
    if len(words) == 1:
        return words[0]
    return np.concatenate(words) if words else np.empty(0, dtype=np.uint64)


def counted_autonomy_cut(ids: np.ndarray, slots: np.ndarray, positions: np.ndarray, scores: np.ndarray,
                         order: int, n_blocks: int, threads: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The words of :func:`autonomy_cut` counted, as a (sorted keys, counts) table: each block
    counts its own words on its thread, the blocks' tables are then merged."""
    return merged_tables(run_blocks(lambda *job: count_keys(_autonomy_cut_block(*job)),
                                    _cut_jobs(ids, slots, positions, scores, order, n_blocks), thread_count(threads)))


def _cut_jobs(ids, slots, positions, scores, order: int, n_blocks: int) -> list[tuple]:
    """The blocks of the autonomy cut: about ``n_blocks`` slices of ids, each beginning at the
    start of a run."""
    ids = readonly(ids, np.uint16)
    index = (readonly(slots, np.uint64), readonly(positions, np.int64), readonly(scores, np.float64))
    m = ids.shape[0]
    n_blocks = max(1, min(int(n_blocks), m // 4096))
    bounds = [b * m // n_blocks for b in range(n_blocks + 1)]
    if n_blocks > 1:  # blocks begin at the start of a run: the first i >= bound with ids[i - 1] == 0
        run_starts = np.flatnonzero(ids == 0) + 1
        for b in range(1, n_blocks):
            at = np.searchsorted(run_starts, bounds[b])
            bounds[b] = int(run_starts[at]) if at < run_starts.shape[0] else m
    return [(ids, bounds[b], bounds[b + 1], *index, int(order)) for b in range(n_blocks) if bounds[b] < bounds[b + 1]]


@njit(cache=True, nogil=True)
def _autonomy_cut_block(ids, first, last, slots, positions, scores, order) -> np.ndarray:
    """Keys of the words of the autonomy cut of the runs in ids[first:last], in text order."""
    lengths = np.empty(last - first, dtype=np.int64)  # lengths[i - first]: the word starting at i
    for j in range(last - first):
        lengths[j] = 0
    best = np.empty(last - first + 1, dtype=np.float64)
    back = np.empty(last - first + 1, dtype=np.int64)
    i = first
    while i < last:
        if ids[i] == 0:
            i += 1
            continue
        run_end = i
        while run_end < last and ids[run_end] != 0:
            run_end += 1
        size = run_end - i
        best[0] = 0.0
        for e in range(1, size + 1):
            best[e] = -np.inf
            back[e] = e - 1
        # from each start s, the words s..s+n-1, n = 1, 2, ...: the index holds every n-gram
        # seen twice, so a word missing from it ends the extensions (they are rarer still).
        # The candidates of an end arrive in ascending start, as in a backward search: the
        # same ties go the same way (the longest word)
        for s in range(size):
            key = EMPTY
            for n in range(1, min(order, size - s) + 1):
                key = (key << BITS) | np.uint64(ids[i + s + n - 1])
                at = key_position(slots, positions, key)
                if at < 0:
                    break
                e = s + n
                value = best[s] + scores[at] * n
                if value > best[e]:
                    best[e] = value
                    back[e] = s
        e = run_end - i
        while e > 0:
            s = back[e]
            lengths[i - first + s] = e - s
            e = s
        i = run_end
    n_words = 0
    for j in range(last - first):
        if lengths[j] > 0:
            n_words += 1
    keys = np.empty(n_words, dtype=np.uint64)
    w = 0
    for j in range(last - first):
        if lengths[j] > 0:
            keys[w] = key_at(ids, first + j, lengths[j])
            w += 1
    return keys


def key_positions(keys: np.ndarray, slots: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """:func:`key_position` of every key (-1 for keys not indexed)."""
    return key_slots(keys, slots, positions)
