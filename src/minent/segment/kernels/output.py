"""Kernels that write a cut given as word spans: the text format (words joined by a delimiter,
line feeds kept) and JSON lines (``{"words": [...], "spans": [[start, end], ...]}`` a line),
byte for byte what Python's ``json.dumps(..., ensure_ascii=False)`` writes; and the filter
that leaves out stop words and short words.

Spans come in text order, a word's inner words right after it (search mode); no span holds a
line feed. Offsets in JSON count characters (code points) from the start of the line.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from ...common.kernels import readonly
from ...common.kernels.trie import child
from ...common.kernels.utf8 import put_utf8, utf8_size

_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)


def keep_mask(cps, starts, ends, min_length, root_edges, edges, shift, word_of_node) -> np.ndarray:
    """True for the spans at least ``min_length`` characters long that are not in the trie
    (the stop words; ``word_of_node`` >= 0 where one ends)."""
    return _keep_mask(readonly(cps, np.uint32), readonly(starts, np.int64), readonly(ends, np.int64),
                      np.int64(min_length), root_edges, edges, shift, word_of_node)


@njit(cache=True, nogil=True)
def _keep_mask(cps, starts, ends, min_length, root_edges, edges, shift, word_of_node):
    keep = np.empty(starts.shape[0], dtype=np.bool_)
    for w in range(starts.shape[0]):
        if ends[w] - starts[w] < min_length:
            keep[w] = False
            continue
        node = np.int64(0)
        for j in range(starts[w], ends[w]):
            node = child(root_edges, edges, shift, node, cps[j])
            if node < 0:
                break
        keep[w] = node < 0 or word_of_node[node] < 0
    return keep


def render_text(cps, starts, ends, delimiter, line_open) -> tuple:
    """The words at the spans as UTF-8, joined by ``delimiter`` within a line, every line feed
    of ``cps`` kept; ``line_open``: the line already has a word. Returns ``(bytes, line_open)``."""
    return _render_text(readonly(cps, np.uint32), readonly(starts, np.int64), readonly(ends, np.int64),
                        readonly(delimiter, np.uint8), bool(line_open))


@njit(cache=True, nogil=True)
def _render_text(cps, starts, ends, delimiter, line_open):
    size = 0
    for i in range(cps.shape[0]):
        if cps[i] == 0x0A:
            size += 1
    for w in range(starts.shape[0]):
        size += delimiter.shape[0]
        for j in range(starts[w], ends[w]):
            size += utf8_size(cps[j])
    out = np.empty(size, dtype=np.uint8)
    o = 0
    i = 0  # the next character to look at for line feeds
    for w in range(starts.shape[0]):
        while i < starts[w]:
            if cps[i] == 0x0A:
                out[o] = 0x0A
                o += 1
                line_open = False
            i += 1
        if line_open:
            for k in range(delimiter.shape[0]):
                out[o + k] = delimiter[k]
            o += delimiter.shape[0]
        for j in range(starts[w], ends[w]):
            o = put_utf8(out, o, cps[j])
        line_open = True
    while i < cps.shape[0]:
        if cps[i] == 0x0A:
            out[o] = 0x0A
            o += 1
            line_open = False
        i += 1
    return out[:o], line_open


def render_jsonl(cps, starts, ends) -> np.ndarray:
    """One JSON object a line of ``cps`` (the last line, when it lacks its line feed, too)."""
    return _render_jsonl(readonly(cps, np.uint32), readonly(starts, np.int64), readonly(ends, np.int64))


@njit(cache=True, nogil=True, inline="always")
def _put_ascii(out, o, text):
    for k in range(text.shape[0]):
        out[o + k] = text[k]
    return o + text.shape[0]


@njit(cache=True, nogil=True, inline="always")
def _put_int(out, o, value):
    """``value`` (>= 0) in decimal."""
    digits = 1
    v = value
    while v >= 10:
        v //= 10
        digits += 1
    for k in range(digits - 1, -1, -1):
        out[o + k] = 48 + value % 10
        value //= 10
    return o + digits


@njit(cache=True, nogil=True, inline="always")
def _put_json_char(out, o, cp):
    """A character inside a JSON string, escaped as Python's json module escapes it."""
    if cp == 0x22 or cp == 0x5C:  # " and backslash
        out[o] = 0x5C
        out[o + 1] = cp
        return o + 2
    if cp < 0x20:
        out[o] = 0x5C
        if cp == 0x08:
            out[o + 1] = 0x62  # \b
        elif cp == 0x0C:
            out[o + 1] = 0x66  # \f
        elif cp == 0x0A:
            out[o + 1] = 0x6E  # \n
        elif cp == 0x0D:
            out[o + 1] = 0x72  # \r
        elif cp == 0x09:
            out[o + 1] = 0x74  # \t
        else:
            out[o + 1] = 0x75  # \u00XX
            out[o + 2] = 0x30
            out[o + 3] = 0x30
            out[o + 4] = _HEX[cp >> 4]
            out[o + 5] = _HEX[cp & 15]
            return o + 6
        return o + 2
    return put_utf8(out, o, cp)


_OPEN = np.frombuffer(b'{"words": [', dtype=np.uint8)
_MIDDLE = np.frombuffer(b'], "spans": [', dtype=np.uint8)
_CLOSE = np.frombuffer(b"]}\n", dtype=np.uint8)
_COMMA = np.frombuffer(b", ", dtype=np.uint8)


@njit(cache=True, nogil=True)
def _render_jsonl(cps, starts, ends):
    n = cps.shape[0]
    n_lines = 0
    for i in range(n):
        if cps[i] == 0x0A:
            n_lines += 1
    if n > 0 and cps[n - 1] != 0x0A:
        n_lines += 1
    size = n_lines * 30
    for w in range(starts.shape[0]):
        size += 2 * 2 + 2 * 20 + 8  # quotes and comma; "[start, end]" and commas
        for j in range(starts[w], ends[w]):
            size += max(6, utf8_size(cps[j]))
    out = np.empty(size, dtype=np.uint8)
    o = 0
    w = 0
    line_start = 0
    while line_start < n:
        line_end = line_start
        while line_end < n and cps[line_end] != 0x0A:
            line_end += 1
        first = w
        while w < starts.shape[0] and starts[w] < line_end:
            w += 1
        o = _put_ascii(out, o, _OPEN)
        for t in range(first, w):
            if t > first:
                o = _put_ascii(out, o, _COMMA)
            out[o] = 0x22
            o += 1
            for j in range(starts[t], ends[t]):
                o = _put_json_char(out, o, cps[j])
            out[o] = 0x22
            o += 1
        o = _put_ascii(out, o, _MIDDLE)
        for t in range(first, w):
            if t > first:
                o = _put_ascii(out, o, _COMMA)
            out[o] = 0x5B  # [
            o = _put_int(out, o + 1, starts[t] - line_start)
            o = _put_ascii(out, o, _COMMA)
            o = _put_int(out, o, ends[t] - line_start)
            out[o] = 0x5D  # ]
            o += 1
        o = _put_ascii(out, o, _CLOSE)
        line_start = line_end + 1
    return out[:o]
