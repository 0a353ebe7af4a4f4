"""Codes for string items without a Python dictionary lookup per item.

Baskets of strings are the common input (a CSV, a FIMI file read with ``split``, words of
documents). Looking each item up in a dict costs ~40 ns an item, more than the whole search
on some data sets. Here the items are joined into one UTF-8 buffer (one C-level pass) and a
kernel gives each distinct byte string the next code as it is first seen, in an
open-addressing table: the same codes, in the same order of first sight, as the dict.
"""

from __future__ import annotations

from itertools import chain
from typing import Iterable, Optional

import numpy as np
from numba import njit

from .support import _grown

#: joins the items; a data set whose items hold it takes the dict instead
SEPARATOR = "\x00"


def encode_strings(baskets: Iterable[Iterable[str]], total: int) -> Optional[tuple[np.ndarray, list]]:
    """(codes int32 per item in basket order, labels by code) when every item is a ``str``
    and none holds :data:`SEPARATOR`; None otherwise (the caller uses a dict). ``total``:
    the number of items, ``sum(map(len, baskets))``. Items are compared by their text (a
    ``str`` subclass such as ``numpy.str_`` too), labels are plain ``str``."""
    if total == 0 or not isinstance(next(chain.from_iterable(baskets), None), str):
        return None
    try:  # basket by basket: faster than over one chain of items (no list of all items)
        text = SEPARATOR.join(map(SEPARATOR.join, filter(len, baskets)))
    except TypeError:  # an item that is not a string
        return None
    if text.count(SEPARATOR) != total - 1:  # an item holds the separator
        return None
    raw = text.encode("utf-8", "surrogatepass")  # lone surrogates stay distinct items
    codes, first, length = string_codes(np.frombuffer(raw, dtype=np.uint8), total)
    labels = [raw[f:f + n].decode("utf-8", "surrogatepass") for f, n in zip(first.tolist(), length.tolist())]
    return codes, labels


@njit(cache=True, nogil=True)
def string_codes(data: np.ndarray, n_tokens: int):
    """Codes of the ``n_tokens`` byte strings of ``data`` separated by zero bytes, in order of
    first sight; returns (codes int32[n_tokens], start, length): where each code's first
    occurrence lies in ``data``."""
    codes = np.empty(n_tokens, dtype=np.int32)
    capacity = 1024  # table slots, a power of two, at most half full
    table = np.full(capacity, -1, dtype=np.int32)
    first = np.empty(256, dtype=np.int64)
    length = np.empty(256, dtype=np.int64)
    hashes = np.empty(256, dtype=np.uint64)
    m = 0
    start = 0
    for t in range(n_tokens):
        h = np.uint64(14695981039346656037)  # FNV-1a
        end = start
        while end < data.shape[0] and data[end] != 0:
            h = (h ^ np.uint64(data[end])) * np.uint64(1099511628211)
            end += 1
        n = end - start
        slot = np.int64(h & np.uint64(capacity - 1))
        while True:
            c = table[slot]
            if c < 0:  # a new string
                if m == first.shape[0]:
                    first = _grown(first, m, m + 1)
                    length = _grown(length, m, m + 1)
                    hashes = _grown(hashes, m, m + 1)
                first[m], length[m], hashes[m] = start, n, h
                table[slot] = c = m
                m += 1
                if 2 * m > capacity:
                    capacity *= 4
                    table = _table(hashes[:m], capacity)
                break
            if hashes[c] == h and length[c] == n and _same(data, first[c], start, n):
                break
            slot = (slot + 1) & (capacity - 1)
        codes[t] = c
        start = end + 1
    return codes, first[:m].copy(), length[:m].copy()


@njit(cache=True, nogil=True)
def _same(data, a, b, n) -> bool:
    for q in range(n):
        if data[a + q] != data[b + q]:
            return False
    return True


@njit(cache=True, nogil=True)
def _table(hashes, capacity):
    """A fresh table of ``capacity`` slots holding codes 0 .. len(hashes) - 1."""
    table = np.full(capacity, -1, dtype=np.int32)
    for c in range(hashes.shape[0]):
        slot = np.int64(hashes[c] & np.uint64(capacity - 1))
        while table[slot] >= 0:
            slot = (slot + 1) & (capacity - 1)
        table[slot] = c
    return table
