"""Codes for string items without a Python dictionary lookup per item.

Baskets of strings are the common input (a CSV, a FIMI file read with ``split``, words of
documents). Looking each item up in a dict costs ~40 ns an item, more than the whole search
on some data sets. Here the items are joined into one UTF-8 buffer (one C-level pass) and a
kernel gives each distinct byte string the next code as it is first seen, in an
open-addressing table: the same codes, in the same order of first sight, as the dict.
"""

from __future__ import annotations

from itertools import chain
from typing import Iterable, Optional, Sequence

import numpy as np
from numba import njit

from ...common.kernels.counts import code_table, first_slot, same_span
from .support import _grown

#: joins the items; a data set whose items hold it takes the dict instead
SEPARATOR = "\x00"


def encode_strings(baskets: Sequence[Iterable[str]], total: int,
                   lengths: Optional[np.ndarray] = None) -> Optional[tuple[np.ndarray, list]]:
    """(codes int32 per item in basket order, labels by code) when every item is a ``str``
    and none holds :data:`SEPARATOR`; None otherwise (the caller uses a dict). ``total``:
    the number of items, ``sum(map(len, baskets))``; ``lengths``, each basket's, if known
    (no empty basket: none to leave out). Items are compared by their text (a ``str``
    subclass such as ``numpy.str_`` too), labels are plain ``str``."""
    if total == 0 or not isinstance(next(chain.from_iterable(baskets), None), str):
        return None
    full = baskets if lengths is not None and lengths.all() else filter(len, baskets)
    try:  # basket by basket: faster than over one chain of items (no list of all items)
        text = SEPARATOR.join(map(SEPARATOR.join, full))
    except TypeError:  # an item that is not a string
        return None
    raw = text.encode("utf-8", "surrogatepass")  # lone surrogates stay distinct items
    codes, first, length = string_codes(np.frombuffer(raw, dtype=np.uint8), total)
    if len(codes) < total:  # an item holds the separator
        return None
    labels = [raw[f:f + n].decode("utf-8", "surrogatepass") for f, n in zip(first.tolist(), length.tolist())]
    return codes, labels


@njit(cache=True, nogil=True)
def string_codes(data: np.ndarray, n_tokens: int):
    """Codes of the ``n_tokens`` byte strings of ``data`` separated by zero bytes, in order of
    first sight; returns (codes int32[n_tokens], start, length): where each code's first
    occurrence lies in ``data``. When ``data`` holds more than ``n_tokens`` strings (a string
    held a zero byte), ``codes`` is empty."""
    codes = np.empty(n_tokens, dtype=np.int32)
    shift = 10
    capacity = 1 << shift  # table slots, at most half full; a key's first slot: its top bits
    table = np.full(capacity, -1, dtype=np.int64)
    first = np.empty(256, dtype=np.int64)
    length = np.empty(256, dtype=np.int64)
    hashes = np.empty(256, dtype=np.uint64)
    m = 0
    start = 0
    for t in range(n_tokens):
        # a string of up to 8 bytes is its own key (its bytes packed: none is zero, so the
        # packing tells strings apart); a longer one is hashed (FNV-1a) and compared in full
        h = np.uint64(0)
        end = start
        while end < data.shape[0] and data[end] != 0 and end - start < 8:
            h |= np.uint64(data[end]) << np.uint64(8 * (end - start))
            end += 1
        exact = end == data.shape[0] or data[end] == 0
        if not exact:
            h = np.uint64(14695981039346656037)
            end = start
            while end < data.shape[0] and data[end] != 0:
                h = (h ^ np.uint64(data[end])) * np.uint64(1099511628211)
                end += 1
        n = end - start
        slot = first_slot(h, shift)
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
                    shift += 2
                    table = code_table(hashes[:m], shift)
                break
            if hashes[c] == h and length[c] == n and (exact or same_span(data, first[c], start, n)):
                break
            slot = (slot + 1) & (capacity - 1)
        codes[t] = c
        start = end + 1
    if start != data.shape[0] + 1:  # more separators than n_tokens - 1
        return codes[:0], first[:0].copy(), length[:0].copy()
    return codes, first[:m].copy(), length[:m].copy()
