"""Kernels of Apriori: encode baskets, generate candidates, count their support.

Items are dense ids ``0..m-1`` ordered by ascending frequency (id 0 is the rarest
frequent item), so the first item of an itemset is its rarest one. Baskets are a CSR
pair (``items``, ``starts``) with the items of each basket sorted and unique.

A level is a 2-D int32 array ``L`` (one k-itemset a row, items ascending, rows in
lexicographic order) with a parallel array of counts. Candidates of the next level are
stored as "extensions": for each row ``i`` of ``L``, the items ``b`` such that
``L[i] + (b,)`` is a candidate, in a CSR (``ext_starts``, ``ext_items``).

Level 2 counts every pair of frequent items by scanning, for each item, the tails of the
baskets that hold it (one counter array per thread; no candidate list). From level 3 on,
support is counted group by group, a group being the rows that share their first k-1
items Q (they are the rows whose extensions were joined): the bitset of Q's baskets is
computed once, narrowed by each row's last item, then ANDed with each extension item's
bitset and popcounted. A sparse Q (rare first item, as in retail data) is kept as the list
of its non-zero words, so the work follows the baskets that hold Q, as with tid-lists; a
dense Q (as in chess) as whole words, in vectorised loops.

Memory: one bitset per frequent item (n_baskets / 8 bytes each) plus CSR copies of the
baskets; never an item-by-basket table of all items.

Every kernel is serial and releases the GIL (``nogil``). The costly steps (pairs,
candidate joins, support counts) are Python drivers that cut the work into batches of
bounded cost and run them on a few Python threads: each kernel call returns within a
fraction of a second, so Ctrl-C is honoured between batches (a signal handler only runs
between bytecodes), and the kernels compile in a few seconds instead of the ~20 s that
``parallel=True`` cost on a first run.
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Callable, Optional, Sequence

import numba
import numpy as np
from numba import njit, types
from numba.extending import intrinsic

# Work units (roughly one memory access each) of one kernel call: ~0.01-0.1 s, so a
# Ctrl-C waits for at most one batch per thread.
BATCH_COST = 1 << 23
# below this much work, handing batches to threads costs more than it saves
MIN_BATCH_COST = 1 << 17
# baskets' items per call of the per-basket kernels (unique_per_basket, encode_baskets)
BATCH_ITEMS = 1 << 22


def _batches(cost: np.ndarray, min_batches: int = 1) -> list[tuple[int, int]]:
    """Contiguous ranges [lo, hi) of the units whose summed cost stays near a budget.

    The budget is BATCH_COST, smaller when needed to make at least ``min_batches``
    ranges (so the threads share the work) but not below MIN_BATCH_COST; one unit costlier
    than the budget is a range of its own.
    """
    n = cost.shape[0]
    if n == 0:
        return []
    cum = np.cumsum(cost, dtype=np.int64)
    total = int(cum[-1])
    budget = max(MIN_BATCH_COST, min(BATCH_COST, -(-total // max(1, int(min_batches)))))
    if total <= budget:
        return [(0, n)]
    ends = np.searchsorted(cum, np.arange(budget, total, budget, dtype=np.int64), side="left") + 1
    ends = np.unique(np.append(np.minimum(ends, n), n))
    starts = np.concatenate(([0], ends[:-1]))
    return list(zip(starts.tolist(), ends.tolist()))


def _run(calls: Sequence[Callable]) -> list:
    """Results of the calls (kernels that release the GIL), on Numba's number of threads
    (see :func:`in_workers`; one thread: in this one)."""
    threads = min(numba.get_num_threads(), len(calls))
    if threads <= 1:
        return [call() for call in calls]
    return in_workers(calls, numba.get_num_threads())


_POOLS: dict[int, ThreadPoolExecutor] = {}
_POOLS_LOCK = threading.Lock()


def _forget_pools() -> None:
    """In a forked child: the pools' threads did not come along (their queues would wait for
    ever), nor may the lock's holder; start afresh."""
    global _POOLS_LOCK
    _POOLS.clear()
    _POOLS_LOCK = threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_pools)


def in_workers(calls: Sequence[Callable], threads: int, stop: Optional[np.ndarray | list] = None,
               done: Optional[Callable[[int], None]] = None) -> list:
    """Results of the calls (kernels that release the GIL), in order, run on ``threads``
    worker threads that are kept between runs (starting two threads costs ~1 ms, as much as
    a whole small search); ``done(i)`` is called as call i's result is taken.

    The calling thread only waits, so Ctrl-C is seen at once: the calls not started are
    cancelled, ``stop[0]`` is set for kernels that watch it, and the running ones end at
    the end of their batch.
    """
    with _POOLS_LOCK:
        pool = _POOLS.get(threads)
        if pool is None:
            pool = _POOLS[threads] = ThreadPoolExecutor(threads, thread_name_prefix="minent-itemsets")
    futures = []
    results = []
    try:
        futures.extend(pool.submit(call) for call in calls)
        for i, future in enumerate(futures):
            results.append(future.result())
            if done is not None:
                done(i)
    finally:
        for future in futures:
            future.cancel()
        if stop is not None:
            stop[0] = 1
    return results


def _by_baskets(kernel: Callable, codes: np.ndarray, starts: np.ndarray, *args) -> tuple[np.ndarray, np.ndarray]:
    """``kernel(codes, starts, *args) -> (codes, starts)`` run on ranges of whole baskets, joined."""
    n = starts.shape[0] - 1
    sizes = np.diff(starts)
    bounds = _batches(sizes + 1, -(-len(codes) // BATCH_ITEMS)) if n else [(0, 0)]
    parts = _run([partial(kernel, codes[starts[lo]:starts[hi]], starts[lo:hi + 1] - starts[lo], *args)
                  for lo, hi in bounds])
    if len(parts) == 1:
        return parts[0]
    out_starts = np.zeros(n + 1, dtype=np.int64)
    for (lo, hi), (_, part_starts) in zip(bounds, parts):
        out_starts[lo + 1:hi + 1] = part_starts[1:] + out_starts[lo]
    return np.concatenate([p[0] for p in parts]), out_starts


@intrinsic
def popcount64(typingctx, x):
    """Number of set bits of a uint64, compiled to the CPU's popcount instruction."""
    if x != types.uint64:
        return None
    sig = types.uint64(types.uint64)

    def codegen(context, builder, signature, args):
        return builder.ctpop(args[0])

    return sig, codegen


@njit(cache=True, nogil=True)
def _sift_down(a, lo, root, end):
    while True:
        child = 2 * root + 1
        if child >= end:
            return
        if child + 1 < end and a[lo + child] < a[lo + child + 1]:
            child += 1
        if a[lo + root] >= a[lo + child]:
            return
        a[lo + root], a[lo + child] = a[lo + child], a[lo + root]
        root = child


@njit(cache=True, nogil=True)
def sort_range(a, lo, hi):
    """Sort a[lo:hi] in place: insertion sort when short, else heapsort.

    Written out because ndarray.sort compiles Numba's generic quicksort (~1 s per
    kernel on a first run); baskets and partner lists are mostly short.
    """
    n = hi - lo
    if n <= 16:
        for i in range(lo + 1, hi):
            v = a[i]
            j = i - 1
            while j >= lo and a[j] > v:
                a[j + 1] = a[j]
                j -= 1
            a[j + 1] = v
        return
    for root in range(n // 2 - 1, -1, -1):
        _sift_down(a, lo, root, n)
    for end in range(n - 1, 0, -1):
        a[lo], a[lo + end] = a[lo + end], a[lo]
        _sift_down(a, lo, 0, end)


# ---------------------------------------------------------------------------------------
# Encoding baskets


def unique_per_basket(codes: np.ndarray, starts: np.ndarray):
    """Drop the repeats of a code within each basket, keeping its first occurrence (the order is
    otherwise unchanged: :func:`encode_baskets` sorts); returns the new CSR (codes, starts)."""
    return _by_baskets(_unique_per_basket, codes, starts)


@njit(cache=True, nogil=True)
def _unique_per_basket(codes: np.ndarray, starts: np.ndarray):
    # the basket that last held each code: a repeat is seen in one step, no sorting (4-7x
    # faster than sorting each basket on the FIMI sets)
    n = starts.shape[0] - 1
    top = -1
    for c in codes:
        top = max(top, c)
    last = np.full(top + 1, -1, dtype=np.int64)
    out = np.empty(codes.shape[0], dtype=codes.dtype)
    out_starts = np.zeros(n + 1, dtype=np.int64)
    p = 0
    for t in range(n):
        for j in range(starts[t], starts[t + 1]):
            c = codes[j]
            if last[c] != t:
                last[c] = t
                out[p] = c
                p += 1
        out_starts[t + 1] = p
    return out[:p].copy(), out_starts


@njit(cache=True, nogil=True)
def item_frequencies(codes: np.ndarray, n_labels: int) -> np.ndarray:
    """counts[c] = number of baskets holding label code c (codes are unique per basket)."""
    counts = np.zeros(n_labels, dtype=np.int64)
    for c in codes:
        counts[c] += 1
    return counts


def encode_baskets(codes: np.ndarray, starts: np.ndarray, id_of_code: np.ndarray):
    """Keep the frequent items (id_of_code >= 0) of each basket, as sorted dense ids.

    Returns the CSR pair (items int32, starts int64) of the encoded baskets; a basket
    may become empty and still counts as a basket.
    """
    return _by_baskets(_encode_baskets, codes, starts, id_of_code)


@njit(cache=True, nogil=True)
def _encode_baskets(codes: np.ndarray, starts: np.ndarray, id_of_code: np.ndarray):
    n = starts.shape[0] - 1
    kept = np.zeros(n + 1, dtype=np.int64)
    for t in range(n):
        c = 0
        for j in range(starts[t], starts[t + 1]):
            if id_of_code[codes[j]] >= 0:
                c += 1
        kept[t + 1] = c
    out_starts = np.cumsum(kept)
    items = np.empty(out_starts[n], dtype=np.int32)
    for t in range(n):
        p = out_starts[t]
        for j in range(starts[t], starts[t + 1]):
            i = id_of_code[codes[j]]
            if i >= 0:
                items[p] = i
                p += 1
        sort_range(items, out_starts[t], p)
    return items, out_starts


@njit(cache=True, nogil=True)
def vertical_lists(items: np.ndarray, starts: np.ndarray, n_items: int):
    """Tid-lists of every item with the position of the item inside each basket.

    Returns (offsets int64[m+1], tids int32, positions int32): the baskets holding item
    ``a`` are ``tids[offsets[a]:offsets[a+1]]``, in increasing order.
    """
    offsets = np.zeros(n_items + 1, dtype=np.int64)
    for a in items:
        offsets[a + 1] += 1
    for a in range(n_items):
        offsets[a + 1] += offsets[a]
    fill = offsets[:-1].copy()
    tids = np.empty(items.shape[0], dtype=np.int32)
    positions = np.empty(items.shape[0], dtype=np.int32)
    for t in range(starts.shape[0] - 1):
        for j in range(starts[t], starts[t + 1]):
            a = items[j]
            tids[fill[a]] = t
            positions[fill[a]] = j - starts[t]
            fill[a] += 1
    return offsets, tids, positions


@njit(cache=True, nogil=True)
def item_bitsets(offsets: np.ndarray, tids: np.ndarray, n_baskets: int) -> np.ndarray:
    """bits[a, w]: bit (t % 64) of word w = t // 64 is set when basket t holds item a."""
    n_items = offsets.shape[0] - 1
    words = (n_baskets + 63) // 64
    bits = np.zeros((n_items, words), dtype=np.uint64)
    for a in range(n_items):
        for j in range(offsets[a], offsets[a + 1]):
            t = tids[j]
            bits[a, t >> 6] |= np.uint64(1) << np.uint64(t & 63)
    return bits


@njit(cache=True, nogil=True)
def code_bitsets(codes: np.ndarray, starts: np.ndarray, id_of_code: np.ndarray, n_items: int,
                 clustered: bool = False) -> np.ndarray:
    """:func:`item_bitsets` of the frequent items (``id_of_code`` >= 0) straight from the
    baskets' label codes (CSR ``codes``, ``starts``), without sorted baskets or tid-lists:
    repeats and order within a basket do not matter to a bitset.

    ``clustered``: the baskets take the bit positions of their order by the most frequent
    items they hold (see :func:`cluster_order`) instead of their own: supports are the
    same, and the baskets of an itemset gather in fewer words (a search that skips zero
    words does less work: mushroom's closed search 1.5-2x faster)."""
    n_baskets = starts.shape[0] - 1
    bits = np.zeros((n_items, (n_baskets + 63) // 64), dtype=np.uint64)
    slot = cluster_order(codes, starts, id_of_code, n_items) if clustered else np.arange(n_baskets)
    for t in range(n_baskets):
        s = slot[t]
        bit = np.uint64(1) << np.uint64(s & 63)
        for j in range(starts[t], starts[t + 1]):
            a = id_of_code[codes[j]]
            if a >= 0:
                bits[a, s >> 6] |= bit
    return bits


@njit(cache=True, nogil=True)
def cluster_order(codes: np.ndarray, starts: np.ndarray, id_of_code: np.ndarray, n_items: int) -> np.ndarray:
    """Each basket's position when the baskets are sorted by the set of the (up to 64) most
    frequent items they hold, the most frequent item most significant (ids ascend with
    count): baskets sharing frequent items become neighbours, as rows of an FP-tree do."""
    n_baskets = starts.shape[0] - 1
    lowest = max(0, n_items - 64)
    keys = np.zeros(n_baskets, dtype=np.uint64)
    for t in range(n_baskets):
        key = np.uint64(0)
        for j in range(starts[t], starts[t + 1]):
            a = id_of_code[codes[j]]
            if a >= lowest:
                key |= np.uint64(1) << np.uint64(a - lowest)
        keys[t] = key
    order = _radix_order(keys)
    slot = np.empty(n_baskets, dtype=np.int64)
    for r in range(n_baskets):
        slot[order[r]] = r
    return slot


@njit(cache=True, nogil=True)
def _radix_order(keys: np.ndarray) -> np.ndarray:
    """The stable order of ``keys`` (uint64) by least-significant-digit radix sort, a byte a
    pass, skipping the bytes all keys share: a few linear passes instead of a comparison sort."""
    n = keys.shape[0]
    order = np.arange(n)
    spare = np.empty(n, dtype=np.int64)
    counts = np.empty(257, dtype=np.int64)
    for shift in range(0, 64, 8):
        counts[:] = 0
        for t in range(n):
            counts[np.int64((keys[t] >> np.uint64(shift)) & np.uint64(255)) + 1] += 1
        if counts.max() == n:  # one digit for all: this pass would not move anything
            continue
        for d in range(256):
            counts[d + 1] += counts[d]
        for t in range(n):
            i = order[t]
            d = np.int64((keys[i] >> np.uint64(shift)) & np.uint64(255))
            spare[counts[d]] = i
            counts[d] += 1
        order, spare = spare, order
    return order


# ---------------------------------------------------------------------------------------
# Level 2: every pair of frequent items is a candidate; count them by scanning the tail of
# each basket after the first item (no candidate array: there may be tens of millions).


def frequent_pairs(items, starts, offsets, tids, positions, n_items: int, min_count: int, n_blocks: int = 1):
    """All frequent 2-itemsets as (L2 int32[n, 2] in lexicographic order, counts int64).

    Items are cut into ranges of first items of bounded work (the tails they scan), at
    least ``n_blocks`` of them; each range gives its pairs in order, so the ranges are
    simply joined.
    """
    tails = np.repeat(starts[1:], np.diff(starts)) - 1 - np.arange(items.shape[0], dtype=np.int64)
    cost = np.bincount(items, weights=tails, minlength=n_items).astype(np.int64) + 1
    parts = _run([partial(_pairs_of_range, lo, hi, items, starts, offsets, tids, positions, n_items, min_count)
                  for lo, hi in _batches(cost, n_blocks)])
    keys = np.concatenate([p[0] for p in parts]) if parts else np.empty(0, dtype=np.int64)
    level = np.empty((len(keys), 2), dtype=np.int32)
    np.floor_divide(keys, n_items, out=level[:, 0], casting="unsafe")
    np.remainder(keys, n_items, out=level[:, 1], casting="unsafe")
    return level, (np.concatenate([p[1] for p in parts]) if parts else np.empty(0, dtype=np.int64))


@njit(cache=True, nogil=True)
def _pairs_of_range(lo, hi, items, starts, offsets, tids, positions, n_items, min_count):
    """Frequent pairs (a, b) with lo <= a < hi, in lexicographic order, as (keys a * n_items + b, counts).

    The partners of a are counted from the tails of its baskets; only the counters that
    were touched are read and reset, and the frequent ones sorted, so a million rare items
    cost no million-long scan per item (the old scan made level 2 quadratic in items).
    """
    counts = np.zeros(n_items, dtype=np.int32)
    touched = np.empty(n_items, dtype=np.int32)
    keys = np.empty(1024, dtype=np.int64)
    key_counts = np.empty(1024, dtype=np.int64)
    r = 0
    for a in range(lo, hi):
        n_touched = 0
        for j in range(offsets[a], offsets[a + 1]):
            t = tids[j]
            for p in range(starts[t] + positions[j] + 1, starts[t + 1]):
                b = items[p]
                if counts[b] == 0:
                    touched[n_touched] = b
                    n_touched += 1
                counts[b] += 1
        # keep the frequent partners (resetting the others' counters), then sort them
        n_hits = 0
        for q in range(n_touched):
            b = touched[q]
            if counts[b] >= min_count:
                touched[n_hits] = b
                n_hits += 1
            else:
                counts[b] = 0
        sort_range(touched, 0, n_hits)
        if r + n_hits > keys.shape[0]:
            keys = _grown(keys, r, r + n_hits)
            key_counts = _grown(key_counts, r, r + n_hits)
        for q in range(n_hits):
            b = touched[q]
            keys[r] = a * n_items + b
            key_counts[r] = counts[b]
            counts[b] = 0
            r += 1
    return keys[:r].copy(), key_counts[:r].copy()


@njit(cache=True, nogil=True)
def _grown(a, used, size):
    """A copy of ``a[:used]`` in an array of room for ``size`` items at least, and at least twice
    ``a``'s (so that growing one item at a time stays linear)."""
    out = np.empty(max(size, 2 * a.shape[0]), dtype=a.dtype)
    out[:used] = a[:used]
    return out


# ---------------------------------------------------------------------------------------
# Level k+1 >= 3: candidates joined from k-itemsets sharing their first k-1 items, kept
# only when every k-subset is frequent.


@njit(cache=True)
def _group_ends(level: np.ndarray) -> np.ndarray:
    """ends[i] = one past the last row sharing the first k-1 items of row i."""
    n, k = level.shape
    ends = np.empty(n, dtype=np.int64)
    i = 0
    while i < n:
        j = i + 1
        while j < n:
            same = True
            for d in range(k - 1):
                if level[j, d] != level[i, d]:
                    same = False
                    break
            if not same:
                break
            j += 1
        for r in range(i, j):
            ends[r] = j
        i = j
    return ends


HASH_MULT = np.uint64(0x9E3779B97F4A7C15)


@njit(cache=True, inline="always")
def _mix(h, item):
    return (h ^ np.uint64(item)) * HASH_MULT


@njit(cache=True, nogil=True)
def _prefix_table(level, rows, width) -> np.ndarray:
    """Open-addressing hash table of ``rows`` of ``level``: slot -> row (or -1), keyed by the
    row's first ``width`` items (:func:`_find_prefix` looks rows up in it)."""
    size = 1
    while size < 2 * rows.shape[0] + 1:
        size *= 2
    mask = np.uint64(size - 1)
    table = np.full(size, -1, dtype=np.int64)
    for r in rows:
        h = np.uint64(width)
        for d in range(width):
            h = _mix(h, level[r, d])
        slot = (h ^ (h >> np.uint64(29))) & mask
        while table[slot] >= 0:
            slot = (slot + np.uint64(1)) & mask
        table[slot] = r
    return table


@njit(cache=True, nogil=True)
def _find_prefix(level, table, width, query, q, skip) -> int:
    """The row of ``level`` in ``table`` (:func:`_prefix_table`) whose first ``width`` items are
    the ``width + 1`` items of query[q] minus its item ``skip``; -1 if none."""
    mask = np.uint64(table.shape[0] - 1)
    h = np.uint64(width)
    for s in range(width + 1):
        if s != skip:
            h = _mix(h, query[q, s])
    slot = (h ^ (h >> np.uint64(29))) & mask
    while True:
        r = table[slot]
        if r < 0:
            return -1
        same = True
        s = 0
        for d in range(width):
            if s == skip:
                s += 1
            if level[r, d] != query[q, s]:
                same = False
                break
            s += 1
        if same:
            return r
        slot = (slot + np.uint64(1)) & mask


def candidate_extensions(level: np.ndarray, n_blocks: int = 1):
    """Candidates of level k+1 as extensions of the rows of ``level`` (k-itemsets).

    Row i = P + (x,) joins each later row j = P + (y,) of its group (same first k-1
    items P): the candidate is P + (x, y). It is kept when all its k-subsets are rows of
    ``level``. The subsets that drop an item of P are (P minus that item) + (x, y): rows of
    the group with prefix (P minus that item) + (x,), ending in y. Those groups are found
    once per row i (hash table of the groups), and walked in step with j since y increases.
    Returns (ext_starts int64[n+1], ext_items int32).
    """
    n, k = level.shape
    ends, group_starts, pair_starts, table = _join_setup(level)
    keep = np.zeros(pair_starts[n], dtype=np.uint8)
    n_ext = np.zeros(n + 1, dtype=np.int64)
    sizes = ends[group_starts] - group_starts
    cost = sizes * sizes * k // 2 + 1
    _run([partial(_join_groups, lo, hi, level, ends, group_starts, table, pair_starts, keep, n_ext)
          for lo, hi in _batches(cost, n_blocks)])
    ext_starts = np.cumsum(n_ext)
    ext_items = np.empty(ext_starts[n], dtype=np.int32)
    row_cost = ends - np.arange(n) + 1
    _run([partial(_gather_extensions, lo, hi, level, ends, keep, pair_starts, ext_starts, ext_items)
          for lo, hi in _batches(row_cost, n_blocks)])
    return ext_starts, ext_items


@njit(cache=True, nogil=True)
def _join_setup(level: np.ndarray):
    """Group ends of the rows, first rows of the groups, where each row's joined pairs
    start, and the hash table of the groups."""
    n = level.shape[0]
    ends = _group_ends(level)
    pair_starts = np.zeros(n + 1, dtype=np.int64)
    n_groups = 0
    for i in range(n):
        pair_starts[i + 1] = pair_starts[i] + (ends[i] - 1 - i)
        if i == 0 or ends[i] != ends[i - 1]:
            n_groups += 1
    group_starts = np.empty(n_groups, dtype=np.int64)
    g = 0
    for i in range(n):
        if i == 0 or ends[i] != ends[i - 1]:
            group_starts[g] = i
            g += 1
    return ends, group_starts, pair_starts, _prefix_table(level, group_starts, level.shape[1] - 1)  # the groups


@njit(cache=True, nogil=True)
def _join_groups(lo, hi, level, ends, group_starts, table, pair_starts, keep, n_ext):
    """Mark the kept joins (keep[pair]) and count them per row (n_ext[i + 1]) for groups lo..hi-1."""
    k = level.shape[1]
    pointers = np.empty(k, dtype=np.int64)
    group_ends = np.empty(k, dtype=np.int64)
    for g in range(lo, hi):
        g0 = group_starts[g]
        g1 = ends[g0]
        if g1 - g0 < 2:
            continue
        for i in range(g0, g1 - 1):
            found = True
            for skip in range(k - 1):
                r = _find_prefix(level, table, k - 1, level, i, skip)  # the group of level[i] minus skip
                if r < 0:
                    found = False
                    break
                pointers[skip] = r
                group_ends[skip] = ends[r]
            if not found:
                continue
            c = 0
            for j in range(i + 1, g1):
                y = level[j, k - 1]
                ok = True
                for skip in range(k - 1):
                    r = pointers[skip]
                    e = group_ends[skip]
                    while r < e and level[r, k - 1] < y:
                        r += 1
                    pointers[skip] = r
                    if r == e or level[r, k - 1] != y:
                        ok = False
                        break
                if ok:
                    keep[pair_starts[i] + j - i - 1] = 1
                    c += 1
            n_ext[i + 1] = c


@njit(cache=True, nogil=True)
def _gather_extensions(lo, hi, level, ends, keep, pair_starts, ext_starts, ext_items):
    """Write the kept extension items of rows lo..hi-1."""
    k = level.shape[1]
    for i in range(lo, hi):
        p = ext_starts[i]
        for j in range(i + 1, ends[i]):
            if keep[pair_starts[i] + j - i - 1]:
                ext_items[p] = level[j, k - 1]
                p += 1


@njit(cache=True, nogil=True)
def nonzero_words(bits: np.ndarray):
    """CSR of the indices of the non-zero words of each item's bitset (sparse items have few)."""
    n_items, words = bits.shape
    starts = np.zeros(n_items + 1, dtype=np.int64)
    for a in range(n_items):
        c = 0
        for w in range(words):
            if bits[a, w] != 0:
                c += 1
        starts[a + 1] = starts[a] + c
    index = np.empty(starts[n_items], dtype=np.int32)
    for a in range(n_items):
        p = starts[a]
        for w in range(words):
            if bits[a, w] != 0:
                index[p] = w
                p += 1
    return starts, index


@njit(cache=True)
def _count_group(g0, g1, level, ext_starts, ext_items, bits, word_starts, word_index,
                 q_words, q_values, p_words, p_values, dense_q, dense_p, out_counts, method):
    """Count the candidates of the rows g0..g1-1, which share their first k-1 items Q.

    The bitset of Q is computed once for the group, then narrowed by each row's last item,
    then ANDed with each extension item and popcounted. When Q is sparse its bitset is
    kept as a list of its non-zero words (starting from those of Q's rarest item); when
    it is dense, as whole contiguous words (vectorised).
    """
    k = level.shape[1]
    words = bits.shape[1]
    first = level[g0, 0]
    j0 = word_starts[first]
    j1 = word_starts[first + 1]
    dense = (j1 - j0) * 4 > words if method == 0 else method == 1
    if dense:
        for w in range(words):
            dense_q[w] = bits[first, w]
        for d in range(1, k - 1):
            a = level[g0, d]
            for w in range(words):
                dense_q[w] &= bits[a, w]
        for i in range(g0, g1):
            e0 = ext_starts[i]
            e1 = ext_starts[i + 1]
            if e0 == e1:
                continue
            x = level[i, k - 1]
            for w in range(words):
                dense_p[w] = dense_q[w] & bits[x, w]
            for e in range(e0, e1):
                b = ext_items[e]
                c = np.uint64(0)
                for w in range(words):
                    c += popcount64(dense_p[w] & bits[b, w])
                out_counts[e] = c
        return
    n_q = 0
    for j in range(j0, j1):
        w = word_index[j]
        v = bits[first, w]
        for d in range(1, k - 1):
            v &= bits[level[g0, d], w]
        if v != 0:
            q_words[n_q] = w
            q_values[n_q] = v
            n_q += 1
    for i in range(g0, g1):
        e0 = ext_starts[i]
        e1 = ext_starts[i + 1]
        if e0 == e1:
            continue
        x = level[i, k - 1]
        n_p = 0
        for j in range(n_q):
            w = q_words[j]
            v = q_values[j] & bits[x, w]
            if v != 0:
                p_words[n_p] = w
                p_values[n_p] = v
                n_p += 1
        for e in range(e0, e1):
            b = ext_items[e]
            c = np.uint64(0)
            for j in range(n_p):
                c += popcount64(p_values[j] & bits[b, p_words[j]])
            out_counts[e] = c


def count_groups(level, ext_starts, ext_items, bits, word_starts, word_index, group_starts, group_ends,
                 n_blocks: int = 1, method: int = 0) -> np.ndarray:
    """Support count of every candidate extension (aligned with ``ext_items``), group by group.

    ``group_starts``/``group_ends`` list the groups of rows (same first k-1 items) that
    have extensions, most expensive first; they are cut into runs of bounded work (at
    least ``n_blocks``), counted on the threads. ``method``: 0 chooses sparse or dense
    words per group by the density of the group's rarest item; 1 forces dense, 2 sparse
    (for tests).
    """
    out_counts = np.zeros(ext_items.shape[0], dtype=np.int64)
    words = bits.shape[1]
    rows = group_ends - group_starts
    n_ext = ext_starts[group_ends] - ext_starts[group_starts]
    first_words = np.diff(word_starts)[level[group_starts, 0]] if len(group_starts) else rows
    cost = (n_ext + rows) * (np.minimum(first_words, words // 8 + 1) + 1)
    _run([partial(_count_groups, lo, hi, level, ext_starts, ext_items, bits, word_starts, word_index,
                  group_starts, group_ends, out_counts, int(method))
          for lo, hi in _batches(cost, n_blocks)])
    return out_counts


@njit(cache=True, nogil=True)
def _count_groups(lo, hi, level, ext_starts, ext_items, bits, word_starts, word_index, group_starts, group_ends,
                  out_counts, method):
    """Count the candidates of the groups lo..hi-1 of (group_starts, group_ends) into out_counts."""
    words = bits.shape[1]
    q_words = np.empty(words, dtype=np.int32)
    q_values = np.empty(words, dtype=np.uint64)
    p_words = np.empty(words, dtype=np.int32)
    p_values = np.empty(words, dtype=np.uint64)
    dense_q = np.empty(words, dtype=np.uint64)
    dense_p = np.empty(words, dtype=np.uint64)
    for g in range(lo, hi):
        _count_group(group_starts[g], group_ends[g], level, ext_starts, ext_items, bits, word_starts,
                     word_index, q_words, q_values, p_words, p_values, dense_q, dense_p, out_counts, method)


@njit(cache=True, nogil=True)
def next_level(level, ext_starts, ext_items, ext_counts, min_count: int):
    """The frequent candidates as the next level (rows in lexicographic order) and counts."""
    n, k = level.shape
    n_keep = np.zeros(n + 1, dtype=np.int64)
    for i in range(n):
        c = 0
        for e in range(ext_starts[i], ext_starts[i + 1]):
            if ext_counts[e] >= min_count:
                c += 1
        n_keep[i + 1] = c
    row_starts = np.cumsum(n_keep)
    out = np.empty((row_starts[n], k + 1), dtype=np.int32)
    out_counts = np.empty(row_starts[n], dtype=np.int64)
    for i in range(n):
        r = row_starts[i]
        for e in range(ext_starts[i], ext_starts[i + 1]):
            if ext_counts[e] >= min_count:
                for d in range(k):
                    out[r, d] = level[i, d]
                out[r, k] = ext_items[e]
                out_counts[r] = ext_counts[e]
                r += 1
    return out, out_counts


# ---------------------------------------------------------------------------------------
# Closed and maximal itemsets: each (k+1)-itemset marks its k-subsets (support is
# anti-monotone, so a k-itemset with a superset of the same count has one of size k+1).


def mark_subsets(lower: np.ndarray, lower_counts: np.ndarray, upper: np.ndarray, upper_counts: np.ndarray,
                 not_closed: np.ndarray, not_maximal: np.ndarray, n_blocks: int = 1) -> None:
    """Flag the rows of ``lower`` (k-itemsets) that are a k-subset of a row of ``upper``
    ((k+1)-itemsets): ``not_maximal[i] = 1``, and ``not_closed[i] = 1`` when that row has the
    same count. The flags are uint8 arrays as long as ``lower``, written in place."""
    table = _row_table(lower)
    cost = np.full(upper.shape[0], upper.shape[1] * upper.shape[1], dtype=np.int64)
    _run([partial(_mark_subsets, lo, hi, lower, lower_counts, table, upper, upper_counts, not_closed, not_maximal)
          for lo, hi in _batches(cost, n_blocks)])


@njit(cache=True, nogil=True)
def _row_table(level: np.ndarray) -> np.ndarray:
    """Open-addressing hash table of the rows of ``level``: slot -> row (or -1), keyed by all items."""
    return _prefix_table(level, np.arange(level.shape[0]), level.shape[1])


@njit(cache=True, nogil=True)
def _mark_subsets(lo, hi, lower, lower_counts, table, upper, upper_counts, not_closed, not_maximal):
    """mark_subsets for the rows lo..hi-1 of ``upper`` (every flag written is a 1, so
    batches running at once may share rows of ``lower``)."""
    k = lower.shape[1]
    for u in range(lo, hi):
        for skip in range(k + 1):
            r = _find_prefix(lower, table, k, upper, u, skip)
            if r >= 0:  # -1: not a frequent itemset, only when the levels are not closed under subsets
                not_maximal[r] = 1
                if lower_counts[r] == upper_counts[u]:
                    not_closed[r] = 1
