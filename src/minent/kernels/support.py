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
"""

from __future__ import annotations

import os

# Numba's OpenMP workers spin after each parallel loop; on a busy machine the spinning
# steals the cores from the serial steps between kernels (3x slower on 2 shared cores).
# Only effective before OpenMP starts, and only if the user did not choose a policy.
os.environ.setdefault("OMP_WAIT_POLICY", "passive")

import numpy as np  # noqa: E402
from numba import njit, prange, types  # noqa: E402
from numba.extending import intrinsic  # noqa: E402


@intrinsic
def popcount64(typingctx, x):
    """Number of set bits of a uint64, compiled to the CPU's popcount instruction."""
    if x != types.uint64:
        return None
    sig = types.uint64(types.uint64)

    def codegen(context, builder, signature, args):
        return builder.ctpop(args[0])

    return sig, codegen


# ---------------------------------------------------------------------------------------
# Encoding baskets


@njit(cache=True, parallel=True)
def unique_per_basket(codes: np.ndarray, starts: np.ndarray):
    """Sort the codes of each basket and drop repeats; returns the new CSR (codes, starts)."""
    n = starts.shape[0] - 1
    work = codes.copy()
    sizes = np.zeros(n + 1, dtype=np.int64)
    for t in prange(n):
        seg = work[starts[t]:starts[t + 1]]
        seg.sort()
        c = 0
        for j in range(seg.shape[0]):
            if j == 0 or seg[j] != seg[j - 1]:
                seg[c] = seg[j]
                c += 1
        sizes[t + 1] = c
    out_starts = np.cumsum(sizes)
    out = np.empty(out_starts[n], dtype=codes.dtype)
    for t in prange(n):
        b = starts[t]
        for j in range(sizes[t + 1]):
            out[out_starts[t] + j] = work[b + j]
    return out, out_starts


@njit(cache=True)
def item_frequencies(codes: np.ndarray, n_labels: int) -> np.ndarray:
    """counts[c] = number of baskets holding label code c (codes are unique per basket)."""
    counts = np.zeros(n_labels, dtype=np.int64)
    for c in codes:
        counts[c] += 1
    return counts


@njit(cache=True, parallel=True)
def encode_baskets(codes: np.ndarray, starts: np.ndarray, id_of_code: np.ndarray):
    """Keep the frequent items (id_of_code >= 0) of each basket, as sorted dense ids.

    Returns the CSR pair (items int32, starts int64) of the encoded baskets; a basket
    may become empty and still counts as a basket.
    """
    n = starts.shape[0] - 1
    kept = np.zeros(n + 1, dtype=np.int64)
    for t in prange(n):
        c = 0
        for j in range(starts[t], starts[t + 1]):
            if id_of_code[codes[j]] >= 0:
                c += 1
        kept[t + 1] = c
    out_starts = np.cumsum(kept)
    items = np.empty(out_starts[n], dtype=np.int32)
    for t in prange(n):
        p = out_starts[t]
        for j in range(starts[t], starts[t + 1]):
            i = id_of_code[codes[j]]
            if i >= 0:
                items[p] = i
                p += 1
        items[out_starts[t]:p].sort()
    return items, out_starts


@njit(cache=True)
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


@njit(cache=True, parallel=True)
def item_bitsets(offsets: np.ndarray, tids: np.ndarray, n_baskets: int) -> np.ndarray:
    """bits[a, w]: bit (t % 64) of word w = t // 64 is set when basket t holds item a."""
    n_items = offsets.shape[0] - 1
    words = (n_baskets + 63) // 64
    bits = np.zeros((n_items, words), dtype=np.uint64)
    for a in prange(n_items):
        for j in range(offsets[a], offsets[a + 1]):
            t = tids[j]
            bits[a, t >> 6] |= np.uint64(1) << np.uint64(t & 63)
    return bits


# ---------------------------------------------------------------------------------------
# Level 2: every pair of frequent items is a candidate; count them by scanning the tail of
# each basket after the first item (no candidate array: there may be tens of millions).


@njit(cache=True)
def _count_tails(a, items, starts, offsets, tids, positions, counts):
    for j in range(offsets[a], offsets[a + 1]):
        t = tids[j]
        for p in range(starts[t] + positions[j] + 1, starts[t + 1]):
            counts[items[p]] += 1


@njit(cache=True, parallel=True)
def frequent_pairs(items, starts, offsets, tids, positions, n_items: int, min_count: int, n_blocks: int):
    """All frequent 2-itemsets as (L2 int32[n, 2] in lexicographic order, counts int64)."""
    n_freq = np.zeros(n_items + 1, dtype=np.int64)
    for blk in prange(n_blocks):
        counts = np.zeros(n_items, dtype=np.int32)
        for a in range(blk, n_items, n_blocks):
            _count_tails(a, items, starts, offsets, tids, positions, counts)
            c = 0
            for b in range(a + 1, n_items):
                if counts[b] >= min_count:
                    c += 1
                counts[b] = 0
            n_freq[a + 1] = c
    row_starts = np.cumsum(n_freq)
    level = np.empty((row_starts[n_items], 2), dtype=np.int32)
    level_counts = np.empty(row_starts[n_items], dtype=np.int64)
    for blk in prange(n_blocks):
        counts = np.zeros(n_items, dtype=np.int32)
        for a in range(blk, n_items, n_blocks):
            if n_freq[a + 1] == 0:
                continue
            _count_tails(a, items, starts, offsets, tids, positions, counts)
            r = row_starts[a]
            for b in range(a + 1, n_items):
                if counts[b] >= min_count:
                    level[r, 0] = a
                    level[r, 1] = b
                    level_counts[r] = counts[b]
                    r += 1
                counts[b] = 0
    return level, level_counts


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


@njit(cache=True)
def _group_table(level, group_starts) -> np.ndarray:
    """Open-addressing hash table of the groups: slot -> first row of a group (or -1),
    keyed by the group's first k-1 items."""
    k = level.shape[1]
    size = 1
    while size < 2 * group_starts.shape[0] + 1:
        size *= 2
    mask = np.uint64(size - 1)
    table = np.full(size, -1, dtype=np.int64)
    for r in group_starts:
        h = np.uint64(k)
        for d in range(k - 1):
            h = _mix(h, level[r, d])
        slot = (h ^ (h >> np.uint64(29))) & mask
        while table[slot] >= 0:
            slot = (slot + np.uint64(1)) & mask
        table[slot] = r
    return table


@njit(cache=True)
def _find_group(level, table, row, skip) -> int:
    """First row of the group whose first k-1 items are level[row] minus its item ``skip``; -1 if none."""
    k = level.shape[1]
    mask = np.uint64(table.shape[0] - 1)
    h = np.uint64(k)
    for s in range(k):
        if s != skip:
            h = _mix(h, level[row, s])
    slot = (h ^ (h >> np.uint64(29))) & mask
    while True:
        r = table[slot]
        if r < 0:
            return -1
        same = True
        s = 0
        for d in range(k - 1):
            if s == skip:
                s += 1
            if level[r, d] != level[row, s]:
                same = False
                break
            s += 1
        if same:
            return r
        slot = (slot + np.uint64(1)) & mask


@njit(cache=True, parallel=True)
def candidate_extensions(level: np.ndarray, n_blocks: int):
    """Candidates of level k+1 as extensions of the rows of ``level`` (k-itemsets).

    Row i = P + (x,) joins each later row j = P + (y,) of its group (same first k-1
    items P): the candidate is P + (x, y). It is kept when all its k-subsets are rows of
    ``level``. The subsets that drop an item of P are (P minus that item) + (x, y): rows of
    the group with prefix (P minus that item) + (x,), ending in y. Those groups are found
    once per row i (hash table of the groups), and walked in step with j since y increases.
    Returns (ext_starts int64[n+1], ext_items int32).
    """
    n, k = level.shape
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
    table = _group_table(level, group_starts)
    keep = np.zeros(pair_starts[n], dtype=np.uint8)
    n_ext = np.zeros(n + 1, dtype=np.int64)
    for blk in prange(n_blocks):
        pointers = np.empty(k, dtype=np.int64)
        group_ends = np.empty(k, dtype=np.int64)
        for g in range(blk, n_groups, n_blocks):
            g0 = group_starts[g]
            g1 = ends[g0]
            if g1 - g0 < 2:
                continue
            for i in range(g0, g1 - 1):
                found = True
                for skip in range(k - 1):
                    r = _find_group(level, table, i, skip)
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
    ext_starts = np.cumsum(n_ext)
    ext_items = np.empty(ext_starts[n], dtype=np.int32)
    for i in prange(n):
        p = ext_starts[i]
        for j in range(i + 1, ends[i]):
            if keep[pair_starts[i] + j - i - 1]:
                ext_items[p] = level[j, k - 1]
                p += 1
    return ext_starts, ext_items


@njit(cache=True)
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


@njit(cache=True, parallel=True)
def count_groups(level, ext_starts, ext_items, bits, word_starts, word_index, group_starts, group_ends,
                 n_blocks: int, method: int = 0) -> np.ndarray:
    """Support count of every candidate extension (aligned with ``ext_items``), group by group.

    ``group_starts``/``group_ends`` list the groups of rows (same first k-1 items) that
    have extensions, most expensive first; block b takes groups b, b + n_blocks, ... so the
    threads get similar work. ``method``: 0 chooses sparse or dense words per group by the
    density of the group's rarest item; 1 forces dense, 2 sparse (for tests).
    """
    out_counts = np.zeros(ext_items.shape[0], dtype=np.int64)
    words = bits.shape[1]
    for blk in prange(n_blocks):
        q_words = np.empty(words, dtype=np.int32)
        q_values = np.empty(words, dtype=np.uint64)
        p_words = np.empty(words, dtype=np.int32)
        p_values = np.empty(words, dtype=np.uint64)
        dense_q = np.empty(words, dtype=np.uint64)
        dense_p = np.empty(words, dtype=np.uint64)
        for g in range(blk, group_starts.shape[0], n_blocks):
            _count_group(group_starts[g], group_ends[g], level, ext_starts, ext_items, bits, word_starts,
                         word_index, q_words, q_values, p_words, p_values, dense_q, dense_p, out_counts, method)
    return out_counts


@njit(cache=True, parallel=True)
def next_level(level, ext_starts, ext_items, ext_counts, min_count: int):
    """The frequent candidates as the next level (rows in lexicographic order) and counts."""
    n, k = level.shape
    n_keep = np.zeros(n + 1, dtype=np.int64)
    for i in prange(n):
        c = 0
        for e in range(ext_starts[i], ext_starts[i + 1]):
            if ext_counts[e] >= min_count:
                c += 1
        n_keep[i + 1] = c
    row_starts = np.cumsum(n_keep)
    out = np.empty((row_starts[n], k + 1), dtype=np.int32)
    out_counts = np.empty(row_starts[n], dtype=np.int64)
    for i in prange(n):
        r = row_starts[i]
        for e in range(ext_starts[i], ext_starts[i + 1]):
            if ext_counts[e] >= min_count:
                for d in range(k):
                    out[r, d] = level[i, d]
                out[r, k] = ext_items[e]
                out_counts[r] = ext_counts[e]
                r += 1
    return out, out_counts
