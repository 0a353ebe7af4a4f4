"""Kernels of the closed and maximal search on dense data (LCM over bitsets): the closed or
maximal itemsets without the frequent itemsets that are neither.

Items are the dense ids of :mod:`.support` (ascending frequency); ``bits[a]`` is the bitset
of the baskets holding item a. A node of the search is a closed itemset Q (no item can be
added without losing a basket) with its baskets T(Q), kept as the list of T's non-zero
words, and F(Q): the items outside Q still frequent with Q, each with the count of Q + j.

A child of Q is found for each item e of F(Q) after Q's *core* (the item Q was reached by):
its baskets T' = T(Q) & bits[e], its closure Q' = Q + e + every item of F(Q) held by all of
T'. LCM's prefix-preserving rule makes each closed itemset the child of exactly one node:
the child is dropped when its closure takes in an item of F(Q) before e (that closed itemset
is reached from the node where that item is added). One pass over F(Q) on the child's words
both checks that (the items before e come first, so a dropped child costs little) and
counts F(Q'); so the work of a node is |F(Q)| x its words, and the itemsets that are neither
closed nor maximal are never visited, which on dense data are most of them (mushroom at 0.1:
4,885 closed of 600,000 frequent).

Maximal itemsets are the closed ones with an empty F. For them the search also looks ahead:
when Q + F(Q) is frequent, it is the only maximal itemset holding Q (every frequent superset
of Q lies in it), so it is reported and Q's subtree is skipped. The same maximal itemset can
be reported from several nodes then; the driver removes the repeats.

A call explores the subtrees of some children of the root, so the root's children go to a few
threads (``nogil``); ``stop[0]`` set by the driver ends the calls at the next node (Ctrl-C).
"""

from __future__ import annotations

from functools import partial
from typing import Callable

import numpy as np
from numba import njit

from .support import _grown, _radix_order, in_workers, popcount64


@njit(cache=True, nogil=True)
def _sorted_copy(row):
    """``row`` in ascending order (insertion sort: a row is an itemset, short)."""
    out = row.copy()
    for i in range(1, out.shape[0]):
        v = out[i]
        j = i - 1
        while j >= 0 and out[j] > v:
            out[j + 1] = out[j]
            j -= 1
        out[j + 1] = v
    return out


@njit(cache=True, nogil=True, inline="always")
def _set_bit(mask, j):
    mask[j >> 6] |= np.uint64(1) << np.uint64(j & 63)


@njit(cache=True, nogil=True)
def subtrees(firsts, bits, n_baskets, root_items, root_f, root_counts, min_count, maximal, stop):
    """The closed (``maximal`` false) or maximal (true) itemsets of the subtrees of the root's
    children through the items ``firsts`` (one call serves several, so that small searches
    do not pay a call per child).

    ``root_items``: the closure of the empty set (items in every basket); ``root_f``: the
    other frequent items, ascending, with their counts ``root_counts``. Returns (sizes,
    flat rows, counts, is_maximal): the itemsets found in the order found, each row
    ascending; ``is_maximal`` marks, among closed itemsets, those with no frequent superset
    (all true when ``maximal``).
    """
    n_f = root_f.shape[0]
    words = bits.shape[1]
    depth_cap = n_f + 2
    # per depth d: the node's words (index, value), its F (item, count of Q + item; ascending
    # items, as the root's), the cursor into F and its core; Q is the stack q_items[:q_len[d]]
    w_index = np.empty((depth_cap, words), dtype=np.int32)
    w_value = np.empty((depth_cap, words), dtype=np.uint64)
    n_words = np.zeros(depth_cap, dtype=np.int64)
    f_items = np.empty((depth_cap, n_f), dtype=np.int32)
    f_counts = np.empty((depth_cap, n_f), dtype=np.int64)
    n_fs = np.zeros(depth_cap, dtype=np.int64)
    cursor = np.zeros(depth_cap, dtype=np.int64)
    core = np.zeros(depth_cap, dtype=np.int64)
    q_items = np.empty(root_items.shape[0] + n_f + 1, dtype=np.int32)
    q_len = np.zeros(depth_cap, dtype=np.int64)
    scratch = np.empty(words, dtype=np.uint64)
    # the maximal itemsets found, as item masks (row r at r * mask_words): a node whose Q + F
    # lies in one has nothing new
    mask_words = (bits.shape[0] + 63) // 64
    found_masks = np.empty(64 * mask_words if maximal else 0, dtype=np.uint64)
    n_found = 0
    mask = np.empty(mask_words, dtype=np.uint64)

    out_k = np.empty(256, dtype=np.int32)
    out_counts = np.empty(256, dtype=np.int64)
    out_max = np.empty(256, dtype=np.bool_)
    out_rows = np.empty(1024, dtype=np.int32)
    n_out = 0
    n_flat = 0

    # depth 0: the root, all baskets
    for w in range(words):
        w_index[0, w] = w
        w_value[0, w] = ~np.uint64(0)
    if n_baskets & 63:
        w_value[0, words - 1] = (np.uint64(1) << np.uint64(n_baskets & 63)) - np.uint64(1)
    n_words[0] = words
    for i in range(n_f):
        f_items[0, i] = root_f[i]
        f_counts[0, i] = root_counts[i]
    n_fs[0] = n_f
    for i in range(root_items.shape[0]):
        q_items[i] = root_items[i]
    q_len[0] = root_items.shape[0]
    core[0] = -1

    for first in firsts:
        cursor[0] = 0
        while cursor[0] < n_f and f_items[0, cursor[0]] != first:
            cursor[0] += 1
        d = 0 if cursor[0] < n_f else -1
        while d >= 0:
            if stop[0]:
                break
            if cursor[d] >= n_fs[d] or (d == 0 and f_items[0, cursor[0]] != first):
                d -= 1
                continue
            i = cursor[d]
            cursor[d] += 1
            e = f_items[d, i]
            if e <= core[d]:
                continue
            c = f_counts[d, i]
            # the child's baskets: T & bits[e], non-zero words only
            k = d + 1
            n_w = 0
            for t in range(n_words[d]):
                w = w_index[d, t]
                v = w_value[d, t] & bits[e, w]
                if v != 0:
                    w_index[k, n_w] = w
                    w_value[k, n_w] = v
                    n_w += 1
            n_words[k] = n_w
            # its closure and F, in one pass over F(Q); an item before e in the closure drops it
            q0 = q_len[d]
            q_items[q0] = e
            q1 = q0 + 1
            n_f1 = 0
            tail_at = -1  # where F(Q')'s items after e (its tail) start
            dropped = False
            for i2 in range(n_fs[d]):
                j = f_items[d, i2]
                if j == e:
                    continue
                cj = 0
                for t in range(n_w):
                    cj += popcount64(w_value[k, t] & bits[j, w_index[k, t]])
                if cj == c:
                    if j < e:
                        dropped = True
                        break
                    q_items[q1] = j
                    q1 += 1
                elif cj >= min_count:
                    if j > e and tail_at < 0:
                        tail_at = n_f1
                    f_items[k, n_f1] = j
                    f_counts[k, n_f1] = cj
                    n_f1 += 1
            if dropped:
                continue
            q_len[k] = q1
            n_fs[k] = n_f1
            has_child = tail_at >= 0
            if tail_at < 0:
                tail_at = n_f1
            report = not maximal or n_f1 == 0
            report_len = q1
            report_count = c
            if maximal and has_child:
                # the subtree adds only items of the tail: every maximal itemset in it lies in
                # Q' + tail. Inside a maximal itemset found already: nothing new there
                mask[:] = 0
                for i2 in range(q1):
                    _set_bit(mask, q_items[i2])
                for i2 in range(tail_at, n_f1):
                    _set_bit(mask, f_items[k, i2])
                for r in range(n_found - 1, -1, -1):
                    inside = True
                    for t in range(mask_words):
                        if mask[t] & ~found_masks[r * mask_words + t]:
                            inside = False
                            break
                    if inside:
                        has_child = False
                        break
            if maximal and has_child:
                # look ahead: Q' + tail frequent is the subtree's one candidate; maximal unless
                # an item of F(Q') before e still extends it
                for t in range(n_w):
                    scratch[t] = w_value[k, t]
                for i2 in range(tail_at, n_f1):
                    j = f_items[k, i2]
                    q_items[q1 + i2 - tail_at] = j
                    for t in range(n_w):
                        scratch[t] &= bits[j, w_index[k, t]]
                total = 0
                for t in range(n_w):
                    total += popcount64(scratch[t])
                if total >= min_count:
                    has_child = False
                    report = True
                    for i2 in range(tail_at):
                        j = f_items[k, i2]
                        cj = 0
                        for t in range(n_w):
                            cj += popcount64(scratch[t] & bits[j, w_index[k, t]])
                        if cj >= min_count:
                            report = False
                            break
                    report_len = q1 + n_f1 - tail_at
                    report_count = total
            if report:
                if out_k.shape[0] <= n_out:
                    out_k = _grown(out_k, n_out, n_out + 1)
                    out_counts = _grown(out_counts, n_out, n_out + 1)
                    out_max = _grown(out_max, n_out, n_out + 1)
                if out_rows.shape[0] < n_flat + report_len:
                    out_rows = _grown(out_rows, n_flat, n_flat + report_len)
                out_rows[n_flat:n_flat + report_len] = _sorted_copy(q_items[:report_len])
                n_flat += report_len
                out_k[n_out] = report_len
                out_counts[n_out] = report_count
                out_max[n_out] = maximal or n_f1 == 0
                n_out += 1
                if maximal:
                    at = n_found * mask_words
                    if found_masks.shape[0] < at + mask_words:
                        found_masks = _grown(found_masks, at, at + mask_words)
                    found_masks[at:at + mask_words] = 0
                    for i2 in range(report_len):
                        _set_bit(found_masks[at:at + mask_words], q_items[i2])
                    n_found += 1
            if has_child:
                core[k] = e
                cursor[k] = 0
                d = k
    return out_k[:n_out].copy(), out_rows[:n_flat].copy(), out_counts[:n_out].copy(), out_max[:n_out].copy()


def closed_itemsets(bits: np.ndarray, n_baskets: int, item_counts: np.ndarray, min_count: int,
                    maximal: bool, threads: int = 1,
                    done: Callable[[int], None] = lambda a: None) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """The closed (or, with ``maximal``, the maximal) itemsets of the baskets, given as the
    bitsets of the frequent items (``bits[a]``: the baskets holding item a, dense ids in
    ascending count ``item_counts``), as levels ``[(int32 [n_k, k] rows, int64 counts, bool
    is_maximal), ...]`` for k = 1, 2, ... (empty levels included up to the largest), each
    level's rows in lexicographic order.

    The root's children run on ``threads`` threads (nogil) in :data:`TASKS_PER_THREAD` tasks
    each, dealt round-robin from the largest subtrees (rarest first items) on, so that each
    task gets some of the large ones; ``done(a)`` is called as tasks end, with the number of
    children done.
    """
    n = n_baskets
    m = item_counts.shape[0]
    everywhere = item_counts == n
    root_items = np.flatnonzero(everywhere).astype(np.int32)
    root_f = np.flatnonzero(~everywhere).astype(np.int32)
    root_counts = item_counts[root_f].astype(np.int64)
    parts = []
    if len(root_items) and not (maximal and len(root_f)):  # the closure of the empty set: in every basket
        parts.append((np.array([len(root_items)], dtype=np.int32), root_items, np.array([n], dtype=np.int64),
                      np.array([len(root_f) == 0])))
    if maximal and len(root_f):
        together = np.bitwise_and.reduce(bits[root_f], axis=0)
        total = int(np.unpackbits(together.view(np.uint8)).sum())
        if total >= min_count:  # every frequent item together: the one maximal itemset
            row = np.arange(m, dtype=np.int32)
            parts = [(np.array([m], dtype=np.int32), row, np.array([total], dtype=np.int64), np.array([True]))]
            root_f = root_f[:0]
    stop = np.zeros(1, dtype=np.uint8)
    n_tasks = min(len(root_f), max(1, threads) * TASKS_PER_THREAD)
    tasks = [root_f[t::n_tasks] for t in range(n_tasks)]

    # in worker threads even when there is one: the calling thread waits, so Ctrl-C is seen at
    # once and ``stop`` ends the running subtrees at their next node
    finished = np.cumsum([len(firsts) for firsts in tasks]).tolist()
    parts += in_workers([partial(subtrees, firsts, bits, n, root_items, root_f, root_counts, min_count, maximal,
                                 stop) for firsts in tasks], max(1, threads), stop, lambda i: done(finished[i]))
    return _levels(parts, maximal)


#: tasks per thread of the closed search: enough for the threads to share the work evenly,
#: few enough that a small search does not pay for many calls
TASKS_PER_THREAD = 8


def _levels(parts: list, maximal: bool) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """The kernels' itemsets grouped by size, rows in lexicographic order, repeats removed
    (:func:`sorted_itemsets`, one call for all sizes: a level costs a few slices here)."""
    if not parts:
        return []
    sizes, flat, counts, flags = sorted_itemsets(*(np.concatenate([p[i] for p in parts]) for i in range(4)), maximal)
    top = int(sizes[-1]) if len(sizes) else 0
    bounds = np.searchsorted(sizes, np.arange(1, top + 2)).tolist()
    at = np.zeros(len(sizes) + 1, dtype=np.int64)
    np.cumsum(sizes, out=at[1:])
    at = at.tolist()
    return [(flat[at[lo]:at[hi]].reshape(-1, k), counts[lo:hi], flags[lo:hi])
            for k, (lo, hi) in enumerate(zip(bounds[:-1], bounds[1:]), start=1)]


@njit(cache=True, nogil=True)
def sorted_itemsets(sizes, flat, counts, flags, drop_repeats):
    """The itemsets (``sizes``, their ascending rows one after another in ``flat``, their
    ``counts`` and ``flags``) ordered by size, then rows in lexicographic order; with
    ``drop_repeats`` a row equal to the one before it is left out. Rows of a size are sorted
    by keys that pack several items each (a few stable radix sorts, last key first)."""
    n = sizes.shape[0]
    row_at = np.zeros(n + 1, dtype=np.int64)
    top = 0
    for r in range(n):
        row_at[r + 1] = row_at[r] + sizes[r]
        top = max(top, sizes[r])
    largest = 0
    for i in range(flat.shape[0]):
        largest = max(largest, flat[i])
    width = 1
    while (1 << width) <= largest:
        width += 1
    per_key = 64 // width
    by_size = _radix_order(sizes.astype(np.uint64))
    out_sizes = np.empty(n, dtype=np.int32)
    out_flat = np.empty(flat.shape[0], dtype=np.int32)
    out_counts = np.empty(n, dtype=np.int64)
    out_flags = np.empty(n, dtype=np.bool_)
    n_out = 0
    n_flat = 0
    lo = 0
    while lo < n:
        k = sizes[by_size[lo]]
        hi = lo
        while hi < n and sizes[by_size[hi]] == k:
            hi += 1
        rows = by_size[lo:hi]
        n_keys = (k + per_key - 1) // per_key
        keys = np.zeros((n_keys, hi - lo), dtype=np.uint64)
        for r in range(hi - lo):
            start = row_at[rows[r]]
            for c in range(k):
                g = c // per_key
                keys[g, r] = (keys[g, r] << np.uint64(width)) | np.uint64(flat[start + c])
        order = np.arange(hi - lo)
        for g in range(n_keys - 1, -1, -1):
            order = order[_radix_order(keys[g][order])]
        for q in range(hi - lo):
            r = rows[order[q]]
            if drop_repeats and q > 0:
                same = True
                for g in range(n_keys):
                    if keys[g, order[q]] != keys[g, order[q - 1]]:
                        same = False
                        break
                if same:
                    continue
            out_flat[n_flat:n_flat + k] = flat[row_at[r]:row_at[r] + k]
            n_flat += k
            out_sizes[n_out] = k
            out_counts[n_out] = counts[r]
            out_flags[n_out] = flags[r]
            n_out += 1
        lo = hi
    return out_sizes[:n_out], out_flat[:n_flat], out_counts[:n_out], out_flags[:n_out]
