"""Kernels of unigram segmentation: group characters, run Viterbi over ideograph runs, render.

Text arrives as a uint32 array of code points. Each character gets a one-byte mark:

``DROP``     whitespace other than a newline (a word boundary that is not written)
``CONT``     continues the current word
``START``    starts a word
``NEWLINE``  a line feed (ends the line; written as it is)

Runs of ideographs are cut into the words of least total cost (sum of -ln p(w)) by a
Viterbi pass over the lattice of lexicon words found with the trie. Everything else is
grouped by fixed rules: a run of letters and digits (with a decimal point or a thousands
separator between digits, a hyphen or apostrophe inside a word, a sign before a number, a
percent sign after it), a run of the same dash or ellipsis character, and one token per
other character. Combining marks stay with the character before them.

The character classes and the grouping rules are those of :mod:`minent.common.kernels.tokens`,
which discovery shares.
"""

from __future__ import annotations

from typing import Optional

import numpy as np
from numba import njit

from ...common.kernels import first_index, readonly, run_blocks, thread_count
from ...common.kernels.tokens import (DIGIT, HAN, KIND_MASK, MARK, NEWLINE_KIND, OTHER, SIGN, SPACE, char_class,
                                      end_of_alnum, is_number, kind_at, rule_token_end)
from ...common.kernels.trie import CP_BITS, EMPTY_SLOT, ROOT_DIRECT, child
from ...common.kernels.utf8 import decode_utf8, put_utf8, utf8_size


#: the code point that stands for a whole number in lexicon words ("#年": a number, then 年)
NUMBER_CP = 0x23

# per-character marks
DROP = 0
CONT = 1
START = 2
NEWLINE = 3


@njit(cache=True, nogil=True, inline="always")
def _can_split(cps, table, p) -> bool:
    """Whether a token starts at ``p`` whatever came before (so blocks can start there)."""
    here = kind_at(cps, p, table)
    if here == MARK:
        return False
    before = char_class(cps[p - 1], table)
    kind = before & KIND_MASK
    return kind == SPACE or kind == NEWLINE_KIND or (kind == OTHER and before == OTHER)


#: the mixed trie's arrays that :func:`block_bounds` reads, when there is no mixed trie (empty: nothing to scan)
_NO_MIXED = (np.empty(0, dtype=np.int32), np.empty(0, dtype=np.uint64), 0, np.empty(0, dtype=np.uint8))


def block_bounds(cps: np.ndarray, table: np.ndarray, n_blocks: int, mixed: Optional[tuple] = None) -> np.ndarray:
    """Cut ``cps`` into about ``n_blocks`` equal blocks at places where a token must start;
    with ``mixed`` (the trie of mixed-script entries, see :func:`find_mixed`), only where no
    entry can straddle the cut either, so the blocks find the entries one block would."""
    m = _NO_MIXED if mixed is None else mixed[:4]
    return _block_bounds(readonly(cps, np.uint32), readonly(table), int(n_blocks), *m)


@njit(cache=True, nogil=True)
def _trie_depth(root_edges, edges, n_nodes) -> np.int64:
    """Length of a trie's longest word. A node is numbered when it is inserted, so after its
    parent: one pass in order of number gives every depth."""
    parent = np.zeros(n_nodes, dtype=np.int64)  # 0 (the root) for the root's direct edges
    for i in range(0, edges.shape[0], 2):
        if edges[i] != EMPTY_SLOT:
            parent[np.int64(edges[i + 1])] = np.int64(edges[i] >> CP_BITS)
    depth = np.zeros(n_nodes, dtype=np.int64)
    most = np.int64(0)
    for node in range(1, n_nodes):
        depth[node] = depth[parent[node]] + 1
        most = max(most, depth[node])
    return most


@njit(cache=True, nogil=True, inline="always")
def _path_end(cps, s, n, m_root, m_edges, m_shift, m_has_child) -> np.int64:
    """End of the longest path of the mixed trie that ``cps[s:]`` follows (``s`` when none):
    no entry starting at ``s`` can end after it."""
    node = np.int64(0)
    e = s
    while e < n:
        node = child(m_root, m_edges, m_shift, node, cps[e])
        if node < 0:
            break
        e += 1
        if not m_has_child[node]:
            break
    return e


@njit(cache=True, nogil=True)
def _block_bounds(cps, table, n_blocks, m_root, m_edges, m_shift, m_has_child):
    n = cps.shape[0]
    n_blocks = max(1, n_blocks)
    bounds = np.empty(n_blocks + 1, dtype=np.int64)
    bounds[0] = 0
    depth = np.int64(0)
    if m_has_child.shape[0] > 0:
        depth = _trie_depth(m_root, m_edges, m_has_child.shape[0])
    for b in range(1, n_blocks):
        p = max(n * b // n_blocks, bounds[b - 1])
        if depth == 0:
            while 0 < p < n and not _can_split(cps, table, p):
                p += 1
        elif 0 < p < n:
            # reach: the furthest end of a trie path starting before p (only the last depth
            # places can start one that gets to p); p may be a bound once reach <= p
            reach = np.int64(0)
            for s in range(max(0, p - depth), p):
                reach = max(reach, _path_end(cps, s, n, m_root, m_edges, m_shift, m_has_child))
            while p < n and not (reach <= p and _can_split(cps, table, p)):
                reach = max(reach, _path_end(cps, p, n, m_root, m_edges, m_shift, m_has_child))
                p += 1
        bounds[b] = min(max(p, bounds[b - 1]), n)
    bounds[n_blocks] = n
    return bounds


@njit(cache=True, nogil=True)
def _unit_end(cps, table, i, hi) -> np.int64:
    """End of the lattice unit starting at ``i`` (an ideograph, or a whole plain number), or -1."""
    kind = kind_at(cps, i, table)
    if kind == HAN:
        return i + 1
    if kind == DIGIT:
        j = end_of_alnum(cps, table, i, hi)
        if is_number(cps, table, i, j):
            return j
    return -1


@njit(cache=True, nogil=True)
def _viterbi_run(cps, table, unit_ends, unit_codes, n_units, a, root_edges, edges, shift,
                 has_child, node_cost, unknown_cost, best, back, marks) -> None:
    """Cut the run of units starting at ``a`` (unit u ends at ``unit_ends[u]``, and the trie reads
    it as ``unit_codes[u]``) into the words of least total cost; mark their starts."""
    best[0] = 0.0
    for k in range(1, n_units + 1):
        best[k] = np.inf
    for u in range(n_units):
        base = best[u]
        cp = unit_codes[u]
        node = np.int64(root_edges[cp]) if cp < ROOT_DIRECT else child(
            root_edges, edges, shift, np.int64(0), cp)
        cost = unknown_cost
        if node >= 0 and node_cost[node] < cost:
            cost = node_cost[node]
        if base + cost < best[u + 1]:
            best[u + 1] = base + cost
            back[u + 1] = u
        e = u + 1
        while node >= 0 and e < n_units and has_child[node]:
            node = child(root_edges, edges, shift, node, unit_codes[e])
            if node < 0:
                break
            e += 1
            cost = node_cost[node]
            if base + cost < best[e]:
                best[e] = base + cost
                back[e] = u
    e = n_units
    while e > 0:
        u = back[e]
        start = a if u == 0 else unit_ends[u - 1]
        marks[start] = START
        for t in range(start + 1, unit_ends[e - 1]):
            marks[t] = CONT
        e = u


@njit(cache=True, nogil=True, inline="always")
def _grown_ints(a, size):
    """A copy of ``a`` with room for ``size`` elements (a loop: a slice assignment would
    compile Numba's shape-mismatch error message, seconds of string formatting code)."""
    b = np.empty(size, dtype=np.int64)
    for i in range(a.shape[0]):
        b[i] = a[i]
    return b


@njit(cache=True, nogil=True)
def mark_block(cps, table, lo, hi, root_edges, edges, shift, has_child, node_cost,
               unknown_cost, marks) -> None:
    """Marks of the characters cps[lo:hi] (a block that starts a token, see :func:`block_bounds`)."""
    best = np.empty(256, dtype=np.float64)  # scratch of the longest run so far
    back = np.empty(256, dtype=np.int64)
    unit_ends = np.empty(256, dtype=np.int64)
    unit_codes = np.empty(256, dtype=np.int64)
    i = lo
    while i < hi:
        cls = char_class(cps[i], table)
        kind = cls & KIND_MASK
        if kind == HAN or kind == DIGIT:
            # a run of units: ideographs, and whole numbers (read by the trie as #)
            n_units = 0
            j = i
            while j < hi:
                k = j
                while k < hi and kind_at(cps, k, table) == HAN:
                    k += 1
                if n_units + (k - j) + 2 > unit_ends.shape[0]:
                    size = 2 * (n_units + (k - j) + 2)
                    unit_ends = _grown_ints(unit_ends, size)
                    unit_codes = _grown_ints(unit_codes, size)
                    best = np.empty(size, dtype=np.float64)
                    back = np.empty(size, dtype=np.int64)
                for t in range(j, k):
                    unit_ends[n_units] = t + 1
                    unit_codes[n_units] = cps[t]
                    n_units += 1
                if k >= hi:
                    j = k
                    break
                end = _unit_end(cps, table, k, hi) if kind_at(cps, k, table) == DIGIT else -1
                j = k
                if end < 0:
                    break
                unit_ends[n_units] = end
                unit_codes[n_units] = NUMBER_CP
                n_units += 1
                j = end
            if n_units > 0:
                _viterbi_run(cps, table, unit_ends, unit_codes, n_units, i, root_edges, edges,
                             shift, has_child, node_cost, unknown_cost, best, back, marks)
                i = j
                continue
        if kind == SPACE:
            marks[i] = DROP
            i += 1
            continue
        if kind == NEWLINE_KIND:
            marks[i] = NEWLINE
            i += 1
            continue
        if kind == MARK:
            marks[i] = CONT if i > lo and (marks[i - 1] == START or marks[i - 1] == CONT) else START
            i += 1
            continue
        j = rule_token_end(cps, table, i, hi, cls)
        marks[i] = START
        for t in range(i + 1, j):
            marks[t] = CONT
        i = j


# -- dictionary entries of mixed scripts (T恤, 卡拉OK, iPhone手机, 3D打印, C++) --------------------------
#
# The lattice holds ideographs and numbers only, so an entry holding a letter, a digit that is not a
# whole number, or a sign can never come out of it. Such entries have a trie of their own (the
# "mixed trie"): where one occurs and neither of its ends cuts a token of the rules in two (no
# iPhone手机 inside xiPhone手机, no 3D打印 inside 13D打印), it is taken whole, the leftmost first and
# the longest of those starting there, and the lattice cuts what lies between the entries found.


@njit(cache=True, nogil=True, inline="always")
def _atom_end(cps, table, q, hi) -> np.int64:
    """End of the token at ``q`` when the lexicon is empty (each ideograph alone, a number one
    unit): the smallest pieces any cut makes. Marks stay with the character before them."""
    cls = char_class(cps[q], table)
    kind = cls & KIND_MASK
    if kind == SPACE or kind == NEWLINE_KIND:
        return q + 1
    if kind == HAN or kind == MARK:
        j = q + 1
    else:
        j = rule_token_end(cps, table, q, hi, cls)
    while j < hi and kind_at(cps, j, table) == MARK:
        j += 1
    return j


@njit(cache=True, nogil=True, inline="always")
def _piece_must_start(cps, table, q) -> bool:
    """Whether every cut has a smallest piece (:func:`_atom_end`) starting at ``q`` > 0 (an
    ideograph, or after an ideograph, whitespace or a lone punctuation mark; never a mark)."""
    here = kind_at(cps, q, table)
    if here == MARK:
        return False
    before = char_class(cps[q - 1], table)
    kind_before = before & KIND_MASK
    return (here == HAN or kind_before == HAN or kind_before == SPACE or kind_before == NEWLINE_KIND
            or before == OTHER)


@njit(cache=True, nogil=True)
def _longest_entry(cps, s, limit, m_root, m_edges, m_shift, m_has_child, m_weight) -> np.int64:
    """End of the longest mixed-trie entry that starts at ``s`` and ends at or before ``limit``, or -1."""
    best = np.int64(-1)
    node = np.int64(0)
    e = s
    while e < limit:
        node = child(m_root, m_edges, m_shift, node, cps[e])
        if node < 0:
            break
        e += 1
        if m_weight[node] >= 0.0:
            best = e
        if not m_has_child[node]:
            break
    return best


@njit(cache=True, nogil=True)
def _next_start(cps, s, hi, m_root) -> np.int64:
    """The first place at or after ``s`` whose character starts an entry (a tight loop of its
    own: most characters start none, and this is all the cost on text without entries)."""
    while s < hi:
        cp = cps[s]
        if cp >= ROOT_DIRECT or m_root[cp] >= 0:
            return s
        s += 1
    return hi


@njit(cache=True, nogil=True)
def find_mixed(cps, table, lo, hi, m_root, m_edges, m_shift, m_has_child, m_weight) -> tuple:
    """``(starts, ends)`` of the mixed-script entries taken whole in the block ``cps[lo:hi]``:
    scanning left to right, at each place the longest entry whose two ends are token
    boundaries (places where every cut of the block has one), the scan going on after it.

    The boundaries are the starts of the smallest pieces (:func:`_atom_end`), walked forward
    once (a walk back from each place would be quadratic in a long run such as C++C++...):
    ``pieces[q - lo]`` is True where one starts, right from where the walk last jumped to
    ``walked``. The scan only moves on, so when an entry starts beyond ``walked`` the walk
    may jump to the nearest place before it where a piece must start: what it skips is
    never asked again, and text without entries is not walked at all.
    """
    starts = np.empty(16, dtype=np.int64)
    ends = np.empty(16, dtype=np.int64)
    n = 0
    pieces = np.zeros(0, dtype=np.bool_)  # made at the first entry found
    walked = lo  # a piece starts here; pieces is right up to here
    s = lo
    while s < hi:
        s = _next_start(cps, s, hi, m_root)
        if s >= hi:
            break
        e = _longest_entry(cps, s, hi, m_root, m_edges, m_shift, m_has_child, m_weight)
        taken = False
        if e > 0:
            if pieces.shape[0] == 0:
                pieces = np.zeros(hi - lo + 1, dtype=np.bool_)
                pieces[0] = True
            if s > walked:
                q = s
                while q > walked and not _piece_must_start(cps, table, q):
                    q -= 1
                if q > walked:
                    walked = q
                    pieces[q - lo] = True
            while walked < e:
                walked = _atom_end(cps, table, walked, hi)
                pieces[walked - lo] = True
            if pieces[s - lo]:
                while e > 0:
                    if pieces[e - lo]:
                        taken = True
                        break
                    e = _longest_entry(cps, s, e - 1, m_root, m_edges, m_shift, m_has_child, m_weight)
        if not taken:
            s += 1
            continue
        if n == starts.shape[0]:
            starts = _grown_ints(starts, 2 * n)
            ends = _grown_ints(ends, 2 * n)
        starts[n] = s
        ends[n] = e
        n += 1
        s = e
    return starts[:n].copy(), ends[:n].copy()


@njit(cache=True, nogil=True)
def mark_block_mixed(cps, table, lo, hi, root_edges, edges, shift, has_child, node_cost,
                     unknown_cost, m_root, m_edges, m_shift, m_has_child, m_weight, marks) -> None:
    """:func:`mark_block` with the mixed-script entries found in the block (:func:`find_mixed`)
    taken whole and the text between them cut as usual."""
    starts, ends = find_mixed(cps, table, lo, hi, m_root, m_edges, m_shift, m_has_child, m_weight)
    i = lo
    for k in range(starts.shape[0]):
        s, e = starts[k], ends[k]
        if s > i:
            mark_block(cps, table, i, s, root_edges, edges, shift, has_child, node_cost,
                       unknown_cost, marks)
        marks[s] = START
        for t in range(s + 1, e):
            marks[t] = CONT
        i = e
    if i < hi:
        mark_block(cps, table, i, hi, root_edges, edges, shift, has_child, node_cost,
                   unknown_cost, marks)


@njit(cache=True, nogil=True)
def _mixed_word_mask(cps, offsets, table) -> np.ndarray:
    n_words = offsets.shape[0] - 1
    out = np.zeros(n_words, dtype=np.bool_)
    for w in range(n_words):
        a, b = offsets[w], offsets[w + 1]
        lattice = True
        blank = False
        for t in range(a, b):
            kind = kind_at(cps, t, table)
            if kind == SPACE or kind == NEWLINE_KIND:
                blank = True
            if kind != HAN and cps[t] != NUMBER_CP:
                lattice = False
        if lattice or blank:
            continue
        # two pieces or more? A sign before a digit starts a number only where no letter or digit
        # comes before it (1-3D is 1, -, 3D): such a word is mixed wherever it stands in the
        # array, not only after a word that ends with a letter or a digit
        signed = (char_class(cps[a], table) & SIGN) != 0 and b - a > 1 and kind_at(cps, a + 1, table) == DIGIT
        out[w] = signed or _atom_end(cps, table, a, b) < b
    return out


def mixed_word_mask(codepoints: np.ndarray, offsets: np.ndarray, table: np.ndarray) -> np.ndarray:
    """For each lexicon word (``codepoints[offsets[w]:offsets[w+1]]``): True when only the mixed
    trie can find it: not a lattice word (ideographs and ``#``), no whitespace in it, and cut by
    the rules into two or more pieces (an entry the rules keep whole, such as iPhone or 3.5%,
    comes out whole without help)."""
    return _mixed_word_mask(readonly(codepoints, np.uint32), readonly(offsets, np.int64), readonly(table))


def _mark_call(cps, table, lo, hi, trie, mixed, marks) -> None:
    if mixed is None:
        mark_block(cps, table, lo, hi, *trie, marks)
    else:
        mark_block_mixed(cps, table, lo, hi, *trie, *mixed, marks)


def mark_words_serial(cps, table, root_edges, edges, shift, has_child, node_cost,
                      unknown_cost, mixed: Optional[tuple] = None) -> np.ndarray:
    """:func:`mark_words` on one thread, for short texts (no thread to start)."""
    cps = readonly(cps, np.uint32)
    marks = np.zeros(cps.shape[0], dtype=np.uint8)
    trie = (root_edges, edges, shift, has_child, node_cost, float(unknown_cost))
    _mark_call(cps, readonly(table), 0, cps.shape[0], trie, mixed, marks)
    return marks


def mark_words(cps, table, bounds, root_edges, edges, shift, has_child, node_cost,
               unknown_cost, threads: int = 0, mixed: Optional[tuple] = None) -> np.ndarray:
    """One mark per character (DROP, CONT, START, NEWLINE); the blocks between ``bounds``
    (:func:`block_bounds`) run on ``threads`` threads (0: Numba's thread count). ``mixed``: the
    mixed trie (:func:`find_mixed`), whose entries no block bound may cut (``block_bounds(..., mixed)``)."""
    cps = readonly(cps, np.uint32)
    table = readonly(table)
    marks = np.zeros(cps.shape[0], dtype=np.uint8)
    trie = (root_edges, edges, shift, has_child, node_cost, float(unknown_cost))
    if mixed is None:
        run_blocks(mark_block, [(cps, table, int(bounds[b]), int(bounds[b + 1]), *trie, marks)
                                for b in range(len(bounds) - 1) if bounds[b] < bounds[b + 1]], thread_count(threads))
    else:
        run_blocks(mark_block_mixed, [(cps, table, int(bounds[b]), int(bounds[b + 1]), *trie, *mixed, marks)
                                      for b in range(len(bounds) - 1) if bounds[b] < bounds[b + 1]],
                   thread_count(threads))
    return marks


@njit(cache=True, nogil=True, inline="always")
def _render_into(cps, marks, delimiter, line_open, out, o):
    """Write the words of ``cps`` as UTF-8 at ``out[o:]``; return ``(end offset, line_open)``."""
    d = delimiter.shape[0]
    is_open = line_open
    for i in range(cps.shape[0]):
        m = marks[i]
        if m == START:
            if is_open:
                for k in range(d):
                    out[o + k] = delimiter[k]
                o += d
            o = put_utf8(out, o, cps[i])
            is_open = True
        elif m == CONT:
            o = put_utf8(out, o, cps[i])
        elif m == NEWLINE:
            out[o] = 0x0A
            o += 1
            is_open = False
    return o, is_open


def render(cps, marks, delimiter, line_open):
    """The segmented text as UTF-8 bytes: words joined by ``delimiter`` (UTF-8), line feeds kept.

    ``line_open`` says whether the current line already has a word (when a giant line was
    cut between chunks); returns ``(bytes as uint8, line_open)``.
    """
    return _render(readonly(cps, np.uint32), readonly(marks, np.uint8), readonly(delimiter, np.uint8),
                   bool(line_open))


@njit(cache=True, nogil=True)
def _render(cps, marks, delimiter, line_open):
    size = 0
    for i in range(cps.shape[0]):
        if marks[i] != DROP:
            size += utf8_size(cps[i]) + delimiter.shape[0]
    out = np.empty(size, dtype=np.uint8)
    o, is_open = _render_into(cps, marks, delimiter, line_open, out, 0)
    return out[:o], is_open


def line_bounds(data: np.ndarray, n_blocks: int) -> np.ndarray:
    """Cut bytes into about ``n_blocks`` equal blocks, each but the first starting a line.

    Each cut looks for the next line feed from its place on, in windows that double, so
    the serial work before the blocks run is a few lines per block, not a scan of all the
    bytes (7 ms a 4 MiB chunk, a seventh of the time the blocks then take on two threads)."""
    n = data.shape[0]
    n_blocks = max(1, n_blocks)
    bounds = np.empty(n_blocks + 1, dtype=np.int64)
    bounds[0] = 0
    for b in range(1, n_blocks):
        p = max(n * b // n_blocks, bounds[b - 1])
        if p > 0:  # the first line start at or after p (or the end)
            p = _next_line_start(data, p)
        bounds[b] = p
    bounds[n_blocks] = n
    return bounds


def _next_line_start(data: np.ndarray, p: int) -> int:
    """The first position at or after ``p`` > 0 that follows a line feed; the end when none."""
    # p starts a line when the byte before it is a line feed
    return min(first_index(data, 0x0A, p - 1) + 1, data.shape[0])


def _segment_block(data, table, trie, delimiter, line_open, mixed=None) -> tuple:
    """Decode, mark and render one block of whole lines (three kernels, each releasing the GIL)."""
    cps, bad = decode_utf8(data)
    if bad >= 0:
        return None, line_open, 0, int(bad)
    cps = readonly(cps)
    marks = np.empty(cps.shape[0], dtype=np.uint8)
    _mark_call(cps, table, 0, cps.shape[0], trie, mixed, marks)
    out, is_open = _render(cps, readonly(marks), delimiter, line_open)
    return out, is_open, cps.shape[0], -1


def segment_utf8(data, table, n_blocks, root_edges, edges, shift, has_child, node_cost,
                 unknown_cost, delimiter, line_open, threads: int = 0, mixed: Optional[tuple] = None):
    """Segment UTF-8 bytes to UTF-8 bytes: blocks of whole lines are decoded, marked and
    rendered on ``threads`` threads (0: Numba's thread count), then joined in order.
    ``mixed``: the trie of mixed-script entries (:func:`find_mixed`), or None.

    Returns ``(output, line_open, characters read, bad byte offset)``; on a bad or NUL
    byte the offset is >= 0 (the first one) and the output is empty. The output is a list of
    the blocks' bytes, in order (written one after another: no copy to join them).
    """
    data = readonly(data, np.uint8)
    table = readonly(table)
    delimiter = readonly(delimiter, np.uint8)
    trie = (root_edges, edges, shift, has_child, node_cost, float(unknown_cost))
    bounds = line_bounds(data, n_blocks).tolist()
    jobs = [(data[bounds[b] : bounds[b + 1]], table, trie, delimiter, bool(line_open) if b == 0 else False, mixed)
            for b in range(len(bounds) - 1)]
    results = run_blocks(_segment_block, jobs, thread_count(threads))
    for b, (_, _, _, bad) in enumerate(results):
        if bad >= 0:
            return [], line_open, 0, bounds[b] + bad
    is_open = results[0][1]
    for b in range(1, len(results)):  # an empty block leaves the line as it was
        if bounds[b + 1] > bounds[b]:
            is_open = results[b][1]
    return [r[0] for r in results], is_open, sum(r[2] for r in results), -1


def word_spans(marks: np.ndarray) -> tuple:
    """``(starts, ends)`` of the words, as character offsets (ends exclusive): a word is a
    START and the CONT marks that follow it."""
    marks = np.asarray(marks)
    starts = np.flatnonzero(marks == START)
    not_cont = np.flatnonzero(marks != CONT)  # a word ends at the first of these after its start
    at = np.searchsorted(not_cont, starts, side="right")
    ends = np.append(not_cont, marks.shape[0])[at]
    return starts, ends


@njit(cache=True, nogil=True)
def path_cost(cps, starts, ends, root_edges, edges, shift, has_child, node_cost, unknown_cost):
    """Total cost of a given cut (for tests): unknown single characters cost ``unknown_cost``,
    an unknown longer word costs infinity."""
    total = 0.0
    for w in range(starts.shape[0]):
        node = np.int64(0)
        for j in range(starts[w], ends[w]):
            node = child(root_edges, edges, shift, node, cps[j])
            if node < 0:
                break
        cost = np.inf if node < 0 else node_cost[node]
        if ends[w] - starts[w] == 1 and cost > unknown_cost:
            cost = unknown_cost
        total += cost
    return total


def inner_words(cps, starts, ends, number_marks, root_edges, edges, shift, node_cost) -> tuple:
    """The lexicon words of two or more units inside each word ``cps[starts[w]:ends[w]]`` and
    shorter than it (search mode), in order of start, then end: ``(owner, sub_starts, sub_ends)``.
    A unit is an ideograph or a whole number (``number_marks``: 1 on a number's first
    character, 2 on the others), which the trie reads as ``#``, as the lattice does."""
    return _inner_words(readonly(cps, np.uint32), readonly(starts, np.int64), readonly(ends, np.int64),
                        readonly(number_marks, np.uint8), root_edges, edges, shift, node_cost)


@njit(cache=True, nogil=True)
def _inner_words(cps, starts, ends, number_marks, root_edges, edges, shift, node_cost) -> tuple:
    owner = np.empty(16, dtype=np.int64)
    sub_starts = np.empty(16, dtype=np.int64)
    sub_ends = np.empty(16, dtype=np.int64)
    n = 0
    for w in range(starts.shape[0]):
        s, e = starts[w], ends[w]
        n_units = 0
        for t in range(s, e):
            if number_marks[t] != 2:
                n_units += 1
        for i in range(s, e):
            if number_marks[i] == 2:  # inside a number: not a unit's start
                continue
            node = np.int64(0)
            units = 0
            j = i
            while j < e:
                if number_marks[j] == 1:
                    node = child(root_edges, edges, shift, node, NUMBER_CP)
                    j += 1
                    while j < e and number_marks[j] == 2:
                        j += 1
                else:
                    node = child(root_edges, edges, shift, node, cps[j])
                    j += 1
                if node < 0:
                    break
                units += 1
                if units >= 2 and units < n_units and node_cost[node] < np.inf:
                    if n == owner.shape[0]:
                        owner = _grown_ints(owner, 2 * n)
                        sub_starts = _grown_ints(sub_starts, 2 * n)
                        sub_ends = _grown_ints(sub_ends, 2 * n)
                    owner[n] = w
                    sub_starts[n] = i
                    sub_ends[n] = j
                    n += 1
    return owner[:n].copy(), sub_starts[:n].copy(), sub_ends[:n].copy()


def split_costs(codepoints, offsets, root_edges, edges, shift, has_child, node_cost,
                unknown_cost) -> tuple:
    """For each lexicon word ``codepoints[offsets[w]:offsets[w+1]]`` (a number as ``#``): the least
    cost of cutting it into two or more pieces, as the Viterbi pass scores them (inf for one
    character), and the trie node of the whole word (-1 when it is not in the trie)."""
    return _split_costs(readonly(codepoints, np.uint32), readonly(offsets, np.int64), root_edges, edges,
                        shift, has_child, node_cost, float(unknown_cost))


@njit(cache=True, nogil=True)
def _split_costs(codepoints, offsets, root_edges, edges, shift, has_child, node_cost,
                 unknown_cost) -> tuple:
    n_words = offsets.shape[0] - 1
    split = np.empty(n_words, dtype=np.float64)
    whole = np.empty(n_words, dtype=np.int64)
    best = np.empty(16, dtype=np.float64)
    for w in range(n_words):
        a, b = offsets[w], offsets[w + 1]
        n = b - a
        if best.shape[0] < n + 1:
            best = np.empty(2 * (n + 1), dtype=np.float64)
        best[0] = 0.0
        for k in range(1, n + 1):
            best[k] = np.inf
        whole[w] = -1
        for u in range(n):
            base = best[u]
            node = np.int64(0)
            e = u
            while e < n:
                node = child(root_edges, edges, shift, node, codepoints[a + e])
                e += 1
                if node < 0:
                    break
                if u == 0 and e == n:
                    whole[w] = node  # the whole word: the edge the split leaves out
                    break
                cost = node_cost[node]
                if e - u == 1 and cost > unknown_cost:
                    cost = unknown_cost
                if base + cost < best[e]:
                    best[e] = base + cost
                if not has_child[node]:
                    break
            if node < 0 and e - u == 1 and base + unknown_cost < best[u + 1]:
                best[u + 1] = base + unknown_cost  # an unknown character
        split[w] = best[n] if n > 1 else np.inf
    return split, whole
