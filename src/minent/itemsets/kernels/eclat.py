"""Kernels of the depth-first search (Eclat-style, over tid-lists): all frequent itemsets
without Apriori's levels of candidates.

Items are the dense ids of :mod:`.support` (ascending frequency) and baskets the CSR pair
(``items``, ``starts``) with sorted unique ids. An itemset P is represented by its
*occurrences*: for each basket holding P, the position (index into ``items``) of P's last
item in that basket; the count of P is the number of occurrences. The frequent extensions
P + (c,) with c after P's last item are found in one scan of the occurrences' tails
(``items[j + 1:end of basket]``; LCM's "occurrence deliver"): count every item seen, keep
those at ``min_count`` or more, then a second scan writes each kept item's occurrences
(the positions where it was seen), which are its child's. The work of a node is the size of
its projected baskets, not (candidates x tid-list length) as in Eclat's intersections or
Apriori's counting: on sparse data (retail, T10I4D100K) where most pairs of items never
meet, a candidate that is never seen costs nothing.

The search walks the prefix tree in ascending item order, so the k-itemsets come out in
lexicographic order for every k (the order of :mod:`.support`'s levels): each call collects
its itemsets and returns them grouped by size, and the Python driver joins the calls' parts
in order.

A call starts at a first item ``a`` (and, on resumption, at one of its frequent pairs) and
returns after the first whole pair subtree that takes its work past ``budget``, so Ctrl-C
is seen between calls; several runs of first items go to a few threads (``nogil``).

Memory: the occurrences of the current path's nodes and their children (a stack, at most
the baskets' size per depth, usually far less), plus the itemsets found by the call.
"""

from __future__ import annotations

from functools import partial
from typing import Callable, Optional

import numba
import numpy as np
from numba import njit

from .support import _batches, _grown, in_workers, sort_range

# items scanned by one kernel call before it returns (at the end of a pair's subtree):
# ~0.02-0.05 s, so Ctrl-C waits for one call per thread
BUDGET = 1 << 23


def frequent_itemsets(items: np.ndarray, starts: np.ndarray, n_items: int, min_count: int,
                      max_len: Optional[int], n_blocks: int = 1,
                      done: Callable[[int], None] = lambda a: None) -> tuple[list, list]:
    """All frequent itemsets of 2+ items of the baskets (CSR ``items``, ``starts``: sorted
    dense ids ``0..n_items-1``), as the levels of :mod:`.support`: ``[(int32 [n_k, k] rows,
    int64 counts), ...]`` for k = 2, 3, ... (empty levels left out at the end), and the
    number of extension items counted for each size (index k; a list as long as the levels
    plus 2). Level 2 is always there, maybe empty, as in Apriori's levels.

    The first items are cut into runs of about equal projected size (at least ``n_blocks``),
    run on Numba's number of threads; each run is a series of short kernel calls, and
    ``done(a)`` is called (in the calling thread) as the runs end, with the first items done.
    """
    from .support import vertical_lists

    offsets, tids, positions = vertical_lists(items, starts, n_items)
    # each basket followed by -1, and the position of each item in each of its baskets there
    n = starts.shape[0] - 1
    baskets = np.full(items.shape[0] + n + 1, -1, dtype=np.int32)
    sizes = np.diff(starts)
    baskets[np.arange(items.shape[0], dtype=np.int64) + np.repeat(np.arange(n, dtype=np.int64), sizes)] = items
    occ = starts[:-1][tids] + positions + tids
    del positions
    tails = np.repeat(starts[1:], sizes) - 1 - np.arange(items.shape[0], dtype=np.int64)
    cost = np.bincount(items, weights=tails, minlength=n_items).astype(np.int64) + 1
    del tails, tids
    limit = -1 if max_len is None else int(max_len)
    stop = [False]  # set on an interrupt: the threads return after their current call

    def run(lo: int, hi: int) -> list:
        parts, a, b = [], lo, 0
        while a < hi:
            if stop[0]:
                return parts
            a, b, *part = depth_first(a, hi, b, baskets, offsets, occ, n_items, min_count, limit, BUDGET)
            parts.append(part)
        return parts

    blocks = _batches(cost, n_blocks)
    threads = min(numba.get_num_threads(), len(blocks))
    results = []
    if threads <= 1:
        for lo, hi in blocks:
            results.append(run(lo, hi))
            done(hi)
    else:
        results = in_workers([partial(run, lo, hi) for lo, hi in blocks], numba.get_num_threads(), stop,
                             lambda i: done(blocks[i][1]))
    parts = [part for block in results for part in block]
    top = max((len(sizes) - 1 for sizes, _, _, _ in parts), default=1)
    levels = []
    candidates = np.zeros(top + 1, dtype=np.int64)
    for sizes, _, _, counted in parts:
        candidates[:len(counted)] += counted
    for k in range(2, top + 1):
        rows, counts = [], []
        for sizes, flat, part_counts, _ in parts:
            if k < len(sizes) and sizes[k]:
                row0 = int(sizes[:k].dot(np.arange(k)))
                set0 = int(sizes[:k].sum())
                rows.append(flat[row0:row0 + sizes[k] * k])
                counts.append(part_counts[set0:set0 + sizes[k]])
        if not counts:
            break
        levels.append((np.concatenate(rows).reshape(-1, k), np.concatenate(counts)))
    if not levels:  # as Apriori's: level 2 is there, maybe empty
        levels.append((np.empty((0, 2), dtype=np.int32), np.empty(0, dtype=np.int64)))
    counted = [0] * (len(levels) + 2)
    for k in range(2, len(counted)):
        counted[k] = int(candidates[k]) if k < len(candidates) else 0
    return levels, counted


@njit(cache=True, nogil=True)
def depth_first(a_lo, a_hi, b_from, baskets, occ_starts, occ, n_items, min_count, max_len, budget):
    """The frequent itemsets of 2+ items whose first item is in [a_lo, a_hi), in order,
    starting at the ``b_from``-th frequent pair of ``a_lo``.

    ``baskets``: the baskets' items, each basket followed by -1; ``occ[occ_starts[a]:
    occ_starts[a + 1]]``: the positions of item a in it (ascending). Stops after the first
    pair subtree that takes the work (items scanned) past ``budget``.

    Returns (next_a, next_b, sizes, rows, counts, candidates): where to resume (next_a ==
    a_hi when done), the number of itemsets of each size (index k; 0 and 1 unused), their
    items (rows of k ids, flat, grouped by size ascending, in order within a size), their
    counts (same order) and the number of distinct extension items counted for each size
    """
    depth_cap = n_items + 1 if max_len < 0 else min(max_len, n_items) + 1
    # the nodes' occurrences, a stack: a node's children's lists are pushed when it is expanded
    stack = np.empty(1024, dtype=np.int64)
    # the projected baskets of the expanded nodes, a stack: the tails of a node's baskets
    # reduced to its frequent extensions, each followed by -1 (its children's occurrences
    # point into it)
    db = np.empty(4096, dtype=np.int32)
    # children of the expanded nodes, a stack of (item, count, occurrence start, end)
    kid_item = np.empty(256, dtype=np.int32)
    kid_count = np.empty(256, dtype=np.int64)
    kid_o0 = np.empty(256, dtype=np.int64)
    kid_o1 = np.empty(256, dtype=np.int64)
    # per depth d (itemset size d): its children's range in the kid stack and the cursor
    frame_k0 = np.zeros(depth_cap + 1, dtype=np.int64)
    frame_k1 = np.zeros(depth_cap + 1, dtype=np.int64)
    frame_next = np.zeros(depth_cap + 1, dtype=np.int64)
    frame_top = np.zeros(depth_cap + 1, dtype=np.int64)  # occurrence stack top before its children
    frame_db = np.zeros(depth_cap + 1, dtype=np.int64)  # projected baskets' top before its children's
    prefix = np.empty(depth_cap + 1, dtype=np.int32)
    counts = np.zeros(n_items, dtype=np.int64)
    touched = np.empty(n_items, dtype=np.int32)
    fill = np.empty(n_items, dtype=np.int64)
    # the itemsets found: sizes, flat rows, counts, in the order found
    out_k = np.empty(1024, dtype=np.int32)
    out_counts = np.empty(1024, dtype=np.int64)
    out_rows = np.empty(4096, dtype=np.int32)
    n_out = 0
    n_flat = 0
    candidates = np.zeros(depth_cap + 2, dtype=np.int64)
    work = 0
    a = a_lo
    b_next = 0
    while a < a_hi:
        # the root: item a, its occurrences copied onto the stack
        o0 = occ_starts[a]
        o1 = occ_starts[a + 1]
        if stack.shape[0] < o1 - o0:
            stack = _grown(stack, 0, o1 - o0)
        for q in range(o1 - o0):
            stack[q] = occ[o0 + q]
        top = o1 - o0
        db_top = 0
        n_kids = 0
        d = 1
        prefix[1] = a
        o_lo = 0
        o_hi = top
        resumed = a == a_lo and b_from > 0
        stopped = False
        while True:
            # the node prefix[1..d], its occurrences stack[o_lo:o_hi] into src: push its children
            src = baskets if d == 1 else db
            frame_top[d] = top
            frame_db[d] = db_top
            frame_k0[d] = n_kids
            frame_next[d] = n_kids
            frame_k1[d] = n_kids
            if d + 1 < depth_cap:
                n_touched = 0
                scanned = 0
                for q in range(o_lo, o_hi):
                    p = stack[q] + 1
                    c = src[p]
                    while c >= 0:
                        if counts[c] == 0:
                            touched[n_touched] = c
                            n_touched += 1
                        counts[c] += 1
                        p += 1
                        c = src[p]
                    scanned += p - stack[q]
                work += scanned
                if not (d == 1 and resumed):
                    candidates[d + 1] += n_touched
                n_hits = 0
                size = 0
                for q in range(n_touched):
                    c = touched[q]
                    if counts[c] >= min_count:
                        touched[n_hits] = c
                        n_hits += 1
                        size += counts[c]
                    else:
                        counts[c] = 0
                sort_range(touched, 0, n_hits)
                if top + size > stack.shape[0]:
                    stack = _grown(stack, top, top + size)
                if n_kids + n_hits > kid_item.shape[0]:
                    need = n_kids + n_hits
                    kid_item = _grown(kid_item, n_kids, need)
                    kid_count = _grown(kid_count, n_kids, need)
                    kid_o0 = _grown(kid_o0, n_kids, need)
                    kid_o1 = _grown(kid_o1, n_kids, need)
                pos = top
                for q in range(n_hits):
                    c = touched[q]
                    kid_item[n_kids + q] = c
                    kid_count[n_kids + q] = counts[c]
                    kid_o0[n_kids + q] = pos
                    fill[c] = pos
                    pos += counts[c]
                    kid_o1[n_kids + q] = pos
                if n_hits and d + 2 < depth_cap:  # (children at max_len are not expanded)
                    # the children's projected baskets: each tail with only the frequent extensions
                    if db_top + size + (o_hi - o_lo) + 1 > db.shape[0]:
                        db = _grown(db, db_top, db_top + size + (o_hi - o_lo) + 1)
                    for q in range(o_lo, o_hi):
                        p = stack[q] + 1
                        c = src[p]
                        t0 = db_top
                        while c >= 0:
                            if counts[c] > 0:
                                db[db_top] = c
                                stack[fill[c]] = db_top
                                fill[c] += 1
                                db_top += 1
                            p += 1
                            c = src[p]
                        if db_top > t0:
                            db[db_top] = -1
                            db_top += 1
                for q in range(n_hits):
                    counts[touched[q]] = 0
                frame_next[d] = n_kids + (b_from if d == 1 and resumed else 0)
                n_kids += n_hits
                frame_k1[d] = n_kids
                top = pos
            # the next child to visit: go up while a frame has none left
            while d >= 1 and frame_next[d] >= frame_k1[d]:
                n_kids = frame_k0[d]
                top = frame_top[d]
                db_top = frame_db[d]
                d -= 1
                if d == 1 and work > budget and frame_next[1] < frame_k1[1]:
                    stopped = True  # a pair subtree just ended, and the budget is spent
                    break
            if stopped or d < 1:
                break
            kid = frame_next[d]
            frame_next[d] += 1
            d += 1
            prefix[d] = kid_item[kid]
            o_lo = kid_o0[kid]
            o_hi = kid_o1[kid]
            # the child is an itemset of size d, found in order (pre-order is lexicographic per size)
            if n_out == out_k.shape[0]:
                out_k = _grown(out_k, n_out, n_out + 1)
                out_counts = _grown(out_counts, n_out, n_out + 1)
            if n_flat + d > out_rows.shape[0]:
                out_rows = _grown(out_rows, n_flat, n_flat + d)
            out_k[n_out] = d
            out_counts[n_out] = kid_count[kid]
            n_out += 1
            for s in range(1, d + 1):
                out_rows[n_flat] = prefix[s]
                n_flat += 1
        if stopped:
            b_next = frame_next[1] - frame_k0[1]
            break
        a += 1
        if work > budget:
            break
    # group by size (stable): sizes ascending, the order found within a size
    max_k = 1
    for i in range(n_out):
        if out_k[i] > max_k:
            max_k = out_k[i]
    sizes = np.zeros(max_k + 1, dtype=np.int64)
    for i in range(n_out):
        sizes[out_k[i]] += 1
    row_at = np.zeros(max_k + 2, dtype=np.int64)  # flat start of each size's rows
    set_at = np.zeros(max_k + 2, dtype=np.int64)
    for k in range(1, max_k + 1):
        row_at[k + 1] = row_at[k] + sizes[k] * k
        set_at[k + 1] = set_at[k] + sizes[k]
    rows = np.empty(n_flat, dtype=np.int32)
    grouped_counts = np.empty(n_out, dtype=np.int64)
    f = 0
    for i in range(n_out):
        k = out_k[i]
        r = row_at[k]
        for s in range(k):
            rows[r + s] = out_rows[f + s]
        row_at[k] = r + k
        f += k
        grouped_counts[set_at[k]] = out_counts[i]
        set_at[k] += 1
    return a, b_next, sizes, rows, grouped_counts, candidates[:max_k + 1].copy()
