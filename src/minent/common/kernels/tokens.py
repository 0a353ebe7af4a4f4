"""Kernels of the token rules that segmentation and discovery share: character classes, and
where a run of letters and digits, a number, or a run of one dash ends.

Each code point has a class, ``kind | flags``: the kind in the low 4 bits, flags above.
For the Basic Multilingual Plane it comes from a table (built in :mod:`minent.common.charclass`
from Python's Unicode data, so the kernels stay small); beyond it, by range.

Discovery treats a whole plain number as one symbol (``#`` in lexicon words), and the
segmenter joins the same numbers to the lattice: both find them with :func:`number_marks`
and :func:`rule_token_end`, so the two can never disagree on what a number is.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from . import readonly

# character kinds (low 4 bits of the class table)
HAN = 1  # joins the lattice
DIGIT = 2
LETTER = 3
SPACE = 4
NEWLINE_KIND = 5
OTHER = 6
MARK = 7  # combining marks, joiners, variation selectors
KIND_MASK = 15
# flags (higher bits)
DECIMAL = 16  # '.' between digits
THOUSANDS = 32  # ',' followed by exactly three digits
WORD_JOIN = 64  # '-' or apostrophe inside a word of letters
PERCENT = 128  # after a number
SIGN = 256  # before a number
REPEAT = 512  # a run of the same character is one token (dashes, ellipses)


#: beyond the BMP, the ideographs of CJK extensions B-H (a range, not the table)
HAN_BEYOND_BMP = (0x20000, 0x323AF)


@njit(cache=True, nogil=True)
def char_class(cp, table) -> np.int64:
    """``kind | flags`` of a code point (planes beyond the BMP by range)."""
    if cp < table.shape[0]:
        return np.int64(table[cp])
    if HAN_BEYOND_BMP[0] <= cp <= HAN_BEYOND_BMP[1]:  # CJK extensions B-H
        return np.int64(HAN)
    if 0xE0100 <= cp <= 0xE01EF or 0x1F3FB <= cp <= 0x1F3FF:  # variation selectors, skin tones
        return np.int64(MARK)
    return np.int64(OTHER)


@njit(cache=True, nogil=True)
def kind_at(cps, i, table) -> np.int64:
    return char_class(cps[i], table) & KIND_MASK


@njit(cache=True, nogil=True)
def end_of_alnum(cps, table, i, end) -> np.int64:
    """End of the letters-and-digits token that starts at ``i`` (exclusive)."""
    j = i + 1
    while j < end:
        cls = char_class(cps[j], table)
        kind = cls & KIND_MASK
        if kind == DIGIT or kind == LETTER or kind == MARK:
            j += 1
            continue
        if j + 1 < end:
            before = kind_at(cps, j - 1, table)
            after = kind_at(cps, j + 1, table)
            if (cls & DECIMAL) and before == DIGIT and after == DIGIT:
                j += 2
                continue
            if (cls & THOUSANDS) and before == DIGIT and j + 3 < end:
                if (after == DIGIT and kind_at(cps, j + 2, table) == DIGIT
                        and kind_at(cps, j + 3, table) == DIGIT
                        and (j + 4 >= end or kind_at(cps, j + 4, table) != DIGIT)):
                    j += 4
                    continue
            if (cls & WORD_JOIN) and before == LETTER and (after == LETTER or after == DIGIT):
                j += 2
                continue
        break
    if j < end and (char_class(cps[j], table) & PERCENT) and kind_at(cps, j - 1, table) == DIGIT:
        j += 1
    return j


@njit(cache=True, nogil=True)
def is_number(cps, table, i, j) -> bool:
    """True when the letters-and-digits token cps[i:j] is a plain number: digits, with
    decimal points between them (no letters, sign, thousands comma or percent)."""
    for t in range(i, j):
        cls = char_class(cps[t], table)
        if (cls & KIND_MASK) != DIGIT and not (cls & DECIMAL):
            return False
    return True


@njit(cache=True, nogil=True)
def rule_token_end(cps, table, i, hi, cls) -> np.int64:
    """End of the token that the grouping rules make at ``i`` (not an ideograph, space, line
    feed or mark): letters and digits, a signed number, a run of one dash, or one character."""
    kind = cls & KIND_MASK
    if kind == DIGIT or kind == LETTER:
        return end_of_alnum(cps, table, i, hi)
    if ((cls & SIGN) and i + 1 < hi and kind_at(cps, i + 1, table) == DIGIT
            and (i == 0 or (kind_at(cps, i - 1, table) != DIGIT and kind_at(cps, i - 1, table) != LETTER))):
        return end_of_alnum(cps, table, i + 1, hi)
    j = i + 1
    if cls & REPEAT:
        while j < hi and cps[j] == cps[i]:
            j += 1
    return j


def number_marks(cps, table) -> np.ndarray:
    """1 on the first character of every whole plain number that joins the lattice (the units
    :func:`mark_block` reads as ``#``), 2 on its other characters, 0 elsewhere. Tokens are
    cut by the same rules (:func:`_rule_token_end`) as :func:`mark_block` cuts them."""
    cps = readonly(cps, np.uint32)
    out = np.zeros(cps.shape[0], dtype=np.uint8)
    _number_marks(cps, readonly(table), out)
    return out


@njit(cache=True, nogil=True)
def _number_marks(cps, table, out) -> None:
    n = cps.shape[0]
    i = np.int64(0)  # not the literal 0: the callees would be compiled for Literal[int](0) too
    while i < n:
        cls = char_class(cps[i], table)
        kind = cls & KIND_MASK
        if kind != DIGIT and kind != LETTER and not (cls & (SIGN | REPEAT)):
            i += 1  # one character alone (most text): no rule token starts here
            continue
        j = rule_token_end(cps, table, i, n, cls)
        if kind == DIGIT and is_number(cps, table, i, j):
            out[i] = 1
            for t in range(i + 1, j):
                out[t] = 2
        i = j
