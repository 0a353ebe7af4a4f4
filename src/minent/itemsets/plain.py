"""Apriori's counting without the kernels, for small data.

Loading Numba and the compiled kernels costs a process about a third of a second; on a file
of a few thousand baskets that is nearly the whole run. :func:`minent.apriori` therefore
counts small data here, with numpy and Python's big integers (a basket set per item, ANDed
and popcounted), and moves to the kernels for the rest of a run when its next step would take it past
:data:`RUN_BUDGET_SECONDS` (dense data: a small file can hold millions of itemsets). Every
function returns exactly what its kernel counterpart in :mod:`~minent.itemsets.kernels.support`
returns (the tests compare them), so the two paths can hand over between levels.
"""

from __future__ import annotations

import math

import numpy as np

#: data this module starts on: at most this many items over all baskets (numpy sorts them in
#: a few milliseconds) and baskets x frequent items of the bit matrix (4 million bits; 16 MB
#: as the float32 matrix whose product counts the pairs)
MAX_CODES = 1 << 18
MAX_CELLS = 1 << 22
#: a run stays here while its time so far plus the next step's estimated cost is below this;
#: the kernels' fixed cost in a fresh process (starting Numba, loading them) is about 0.35 s
RUN_BUDGET_SECONDS = 0.2


def is_small(n_codes: int, n_baskets: int) -> bool:
    """Whether data of ``n_codes`` items in ``n_baskets`` baskets starts on this path."""
    return n_codes <= MAX_CODES and n_baskets <= MAX_CELLS


# What each step costs here, in seconds: estimates measured on this machine's Python, kept on
# the high side (a step that goes over only wastes time; the results do not depend on them)

def pairs_cost(m: int, n_baskets: int) -> float:
    """Counting the pairs of ``m`` frequent items: the matrix product, about 0.1 ns a
    multiply-add (float32); infinite past :data:`MAX_CELLS`."""
    return m * m * n_baskets * 1e-10 if m * n_baskets <= MAX_CELLS else math.inf


def extensions_cost(n_candidates: int, n_baskets: int) -> float:
    """Counting ``n_candidates`` extensions: about 0.3 us a candidate plus 5 ns a 64-bit word
    of its bitsets (AND and popcount of Python integers)."""
    return n_candidates * (300 + 5 * ((n_baskets + 63) // 64)) * 1e-9


def join_cost(level: np.ndarray) -> float:
    """Joining ``level``: each pair of rows in a group (same first k-1 items) is tried with
    k-1 set lookups of new tuples, about 0.4 us each, plus about 2 us a row."""
    n, k = level.shape
    if n < 2:
        return n * 2e-6
    new_group = np.ones(n, dtype=bool)
    new_group[1:] = np.any(level[1:, :-1] != level[:-1, :-1], axis=1)
    sizes = np.diff(np.append(np.flatnonzero(new_group), n))
    return int((sizes * (sizes - 1) // 2).sum()) * max(1, k - 1) * 4e-7 + n * 2e-6


def marks_cost(n_marks: int) -> float:
    """Marking ``n_marks`` subsets for closed or maximal itemsets: about 0.4 us each."""
    return n_marks * 4e-7


def unique_per_basket(codes: np.ndarray, starts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Drop the repeats of a code within each basket, keeping its first occurrence (the order is
    otherwise unchanged); returns the new CSR (codes, starts)."""
    n = len(starts) - 1
    basket = np.repeat(np.arange(n, dtype=np.int64), np.diff(starts))
    width = int(codes.max()) + 1 if len(codes) else 1
    _, first = np.unique(basket * width + codes, return_index=True)
    keep = np.zeros(len(codes), dtype=bool)
    keep[first] = True
    out_starts = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(basket[keep], minlength=n), out=out_starts[1:])
    return codes[keep], out_starts


def item_frequencies(codes: np.ndarray, n_labels: int) -> np.ndarray:
    """counts[c] = number of baskets holding label code c (codes are unique per basket)."""
    return np.bincount(codes, minlength=n_labels).astype(np.int64)


def item_bitsets(codes: np.ndarray, starts: np.ndarray, id_of_code: np.ndarray, m: int) -> np.ndarray:
    """bits[a, w]: bit (t % 64) of word w = t // 64 is set when basket t holds frequent item a
    (the layout of the kernels' ``item_bitsets``)."""
    n = len(starts) - 1
    ids = id_of_code[codes]
    basket = np.repeat(np.arange(n, dtype=np.int64), np.diff(starts))
    held = ids >= 0
    matrix = np.zeros((m, (n + 63) // 64 * 64), dtype=bool)
    matrix[ids[held], basket[held]] = True
    return np.packbits(matrix, axis=1, bitorder="little").view(np.uint64)


def as_ints(bits: np.ndarray) -> list[int]:
    """Each item's bitset as one Python integer (bit t = basket t)."""
    return [int.from_bytes(row.tobytes(), "little") for row in bits]


def frequent_pairs(bits: np.ndarray, min_count: int) -> tuple[np.ndarray, np.ndarray]:
    """All frequent 2-itemsets as (int32[n, 2] in lexicographic order, int64 counts): the pair
    counts of all items at once, as a product of the item-by-basket matrix with itself (exact:
    counts below 2**53)."""
    m = bits.shape[0]
    matrix = np.unpackbits(bits.view(np.uint8), axis=1, bitorder="little").astype(np.float32)
    together = matrix @ matrix.T  # exact: sums of 0/1 below 2**24 (MAX_CELLS baskets at most)
    a, b = np.nonzero(np.triu(together >= min_count, k=1))  # row-major: lexicographic
    level = np.empty((len(a), 2), dtype=np.int32)
    level[:, 0], level[:, 1] = a, b
    return level, together[a, b].astype(np.int64) if m else np.empty(0, dtype=np.int64)


def candidate_extensions(level: np.ndarray, n_blocks: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Candidates of level k+1 as extensions of the rows of ``level`` (k-itemsets, rows in
    lexicographic order): row P + (x,) extended by y when P + (y,) is a later row of the
    same group and every k-subset of P + (x, y) is a row. Returns (ext_starts, ext_items);
    ``n_blocks`` is the kernel's parameter, unused."""
    n, k = level.shape
    rows = list(map(tuple, level.tolist()))
    known = set(rows)
    n_ext = np.zeros(n + 1, dtype=np.int64)
    items: list[int] = []
    g0 = 0
    while g0 < n:
        prefix = rows[g0][:-1]
        g1 = g0 + 1
        while g1 < n and rows[g1][:-1] == prefix:
            g1 += 1
        for i in range(g0, g1 - 1):
            x = rows[i][-1]
            for j in range(i + 1, g1):
                y = rows[j][-1]
                if all(prefix[:d] + prefix[d + 1:] + (x, y) in known for d in range(k - 1)):
                    items.append(y)
                    n_ext[i + 1] += 1
        g0 = g1
    return np.cumsum(n_ext), np.asarray(items, dtype=np.int32)


def extension_counts(ints: list[int], level: np.ndarray, ext_starts: np.ndarray, ext_items: np.ndarray) -> np.ndarray:
    """Support of every candidate extension (aligned with ``ext_items``): the baskets of the
    row (its items' sets ANDed, each prefix once) ANDed with the extension item's."""
    counts = np.empty(len(ext_items), dtype=np.int64)
    starts = ext_starts.tolist()
    extensions = ext_items.tolist()
    prefix, prefix_bits = None, 0  # rows come grouped by prefix: the last one's baskets are kept
    for i, row in enumerate(level.tolist()):
        lo, hi = starts[i], starts[i + 1]
        if lo == hi:
            continue
        if row[:-1] != prefix:
            prefix, prefix_bits = row[:-1], ints[row[0]]
            for a in row[1:-1]:
                prefix_bits &= ints[a]
        held = prefix_bits & ints[row[-1]]
        counts[lo:hi] = [(held & ints[y]).bit_count() for y in extensions[lo:hi]]
    return counts


def next_level(level: np.ndarray, ext_starts: np.ndarray, ext_items: np.ndarray, ext_counts: np.ndarray,
               min_count: int) -> tuple[np.ndarray, np.ndarray]:
    """The frequent candidates as the next level (rows in lexicographic order) and counts."""
    keep = ext_counts >= min_count
    owner = np.repeat(np.arange(len(level)), np.diff(ext_starts))[keep]
    out = np.empty((len(owner), level.shape[1] + 1), dtype=np.int32)
    out[:, :-1] = level[owner]
    out[:, -1] = ext_items[keep]
    return out, ext_counts[keep].astype(np.int64)


def mark_subsets(lower: np.ndarray, lower_counts: np.ndarray, upper: np.ndarray, upper_counts: np.ndarray,
                 not_closed: np.ndarray, not_maximal: np.ndarray, n_blocks: int = 1) -> None:
    """Flag the rows of ``lower`` that are a subset of a row of ``upper`` (``not_maximal``), of the
    same count (``not_closed``): as the kernel ``mark_subsets``, in place (``n_blocks`` unused)."""
    row_of = {row: i for i, row in enumerate(map(tuple, lower.tolist()))}
    counts = lower_counts.tolist()
    for row, count in zip(map(tuple, upper.tolist()), upper_counts.tolist()):
        for d in range(len(row)):
            i = row_of[row[:d] + row[d + 1:]]
            not_maximal[i] = 1
            if counts[i] == count:
                not_closed[i] = 1
