"""Reading a lexicon file's entries straight into trie input arrays.

jieba's dictionary has 350,000 lines; splitting them in Python and building a dict takes
most of a second. This kernel reads the common, well-formed case (``word<TAB>count`` or
``word count [tag]``, counts in ASCII digits, only space and tab as blanks) in one pass.
Anything else (an odd blank, an odd count, a malformed line, no entries) makes it give up,
and the caller falls back to :meth:`minent.common.lexicon.Lexicon.parse`, whose rules and
line-numbered error messages stay the only definition of the formats.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from . import readonly
from .tokens import KIND_MASK, SPACE

AUTO = 0
TSV = 1
JIEBA = 2
_MAX_DIGITS = 18  # a count that fits an int64 for sure


@njit(cache=True, nogil=True)
def _is_blank(cp) -> bool:
    return cp == 0x20 or cp == 0x09 or cp == 0x0D


@njit(cache=True, nogil=True)
def _count(cps, a, b) -> np.int64:
    """The ASCII decimal number cps[a:b], or -1."""
    if b <= a or b - a > _MAX_DIGITS:
        return np.int64(-1)
    value = np.int64(0)
    for i in range(a, b):
        d = np.int64(cps[i]) - 48
        if d < 0 or d > 9:
            return np.int64(-1)
        value = value * 10 + d
    return value


def parse_entries(cps: np.ndarray, table: np.ndarray, fmt: int):
    """``(ok, format, word code points, offsets, counts)`` of a lexicon text.

    ``ok`` is False when the text is not in the plain form this kernel reads (see the
    module docstring); ``format`` is the one used (``fmt`` AUTO detects: a tab on the first
    non-blank line means TSV).
    """
    cps = readonly(cps, np.uint32)
    n = cps.shape[0]
    start = 1 if n > 0 and cps[0] == 0xFEFF else 0
    # only space, tab, CR before LF and LF may be blanks (str.splitlines breaks at more)
    body = cps[start:]
    bmp = body[body < table.shape[0]]
    odd_blank = ((table[bmp] & KIND_MASK) == SPACE) & (bmp != 0x0A) & (bmp != 0x20) & (bmp != 0x09) & (bmp != 0x0D)
    lone_cr = (body[:-1] == 0x0D) & (body[1:] != 0x0A)  # a CR at the very end is let through
    words = np.empty(n, dtype=np.uint32)
    offsets = np.zeros(n // 2 + 2, dtype=np.int64)
    counts = np.empty(n // 2 + 1, dtype=np.float64)
    if not odd_blank.any() and not lone_cr.any():
        n_words, n_chars, fmt = _parse_entries(cps, start, int(fmt), words, offsets, counts)
        if n_words > 0:  # else a line is not plain, or there are none
            return True, fmt, words[:n_chars].copy(), offsets[: n_words + 1].copy(), counts[:n_words].copy()
    return False, fmt, np.empty(0, dtype=np.uint32), np.zeros(1, dtype=np.int64), np.empty(0, dtype=np.float64)


@njit(cache=True, nogil=True)
def _parse_entries(cps, start, fmt, words, offsets, counts) -> tuple:
    """Fill ``words``, ``offsets`` (offsets[0] = 0) and ``counts`` from the lines of cps[start:];
    returns ``(words read, code points in them, format)``, no words when a line is not plain."""
    n = cps.shape[0]
    n_words = 0
    w_at = 0
    a = start
    while a < n:
        b = a
        while b < n and cps[b] != 0x0A:
            b += 1
        nxt = b + 1
        if b > a and cps[b - 1] == 0x0D:
            b -= 1
        # blank line?
        first = a
        while first < b and _is_blank(cps[first]):
            first += 1
        if first == b:
            a = nxt
            continue
        if fmt == AUTO:
            fmt = JIEBA
            for i in range(a, b):
                if cps[i] == 0x09:
                    fmt = TSV
                    break
        if fmt == TSV:
            tab = -1
            for i in range(a, b):
                if cps[i] == 0x09:
                    if tab >= 0:
                        return 0, 0, fmt
                    tab = i
            if tab <= a:
                return 0, 0, fmt
            w0, w1 = a, tab
            count = _count(cps, tab + 1, b)
        else:
            # word count [tag], separated by runs of spaces and tabs
            w0 = first
            w1 = w0
            while w1 < b and not _is_blank(cps[w1]):
                w1 += 1
            c0 = w1
            while c0 < b and _is_blank(cps[c0]):
                c0 += 1
            c1 = c0
            while c1 < b and not _is_blank(cps[c1]):
                c1 += 1
            t0 = c1
            while t0 < b and _is_blank(cps[t0]):
                t0 += 1
            t1 = t0
            while t1 < b and not _is_blank(cps[t1]):
                t1 += 1
            rest = t1
            while rest < b and _is_blank(cps[rest]):
                rest += 1
            if rest < b:  # a fourth field
                return 0, 0, fmt
            count = _count(cps, c0, c1)
        if count < 0:
            return 0, 0, fmt
        for i in range(w0, w1):
            words[w_at] = cps[i]
            w_at += 1
        counts[n_words] = count
        n_words += 1
        offsets[n_words] = w_at
        a = nxt
    return n_words, w_at, fmt
