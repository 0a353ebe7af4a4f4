"""UTF-8 to code points and back, in Numba, so segmentation never round-trips through ``str``.

Decoding Python's way costs three copies (bytes -> str -> UTF-32 -> ... -> str -> bytes);
on a 15 MB input that is a quarter of a second, more than the segmentation itself. The
decoder is strict (it accepts exactly what ``bytes.decode("utf-8")`` accepts) and also
refuses NUL bytes, which mark binary files; on any refusal the caller decodes with Python
to produce the usual error message.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from . import readonly


def decode_utf8(data: np.ndarray):
    """``(code points, -1)`` of UTF-8 bytes, or ``(empty, offset)`` of the first bad or NUL byte."""
    cps, bad = _decode_utf8(readonly(data, np.uint8))
    return cps, int(bad)


@njit(cache=True, nogil=True)
def _decode_utf8(data: np.ndarray):
    n = data.shape[0]
    out = np.empty(n, dtype=np.uint32)
    i = 0
    o = 0
    while i < n:
        b = np.int64(data[i])
        if b < 0x80:
            if b == 0:
                return out[:0], np.int64(i)
            out[o] = b
            o += 1
            i += 1
            continue
        lo = 0x80
        hi = 0xBF
        if 0xC2 <= b <= 0xDF:
            need = 1
            cp = b & 0x1F
        elif 0xE0 <= b <= 0xEF:
            need = 2
            cp = b & 0x0F
            if b == 0xE0:
                lo = 0xA0  # no overlong forms
            elif b == 0xED:
                hi = 0x9F  # no surrogates
        elif 0xF0 <= b <= 0xF4:
            need = 3
            cp = b & 0x07
            if b == 0xF0:
                lo = 0x90
            elif b == 0xF4:
                hi = 0x8F  # nothing above U+10FFFF
        else:
            return out[:0], np.int64(i)
        if i + need >= n:  # truncated sequence
            return out[:0], np.int64(i)
        for k in range(1, need + 1):
            c = np.int64(data[i + k])
            if k == 1:
                if c < lo or c > hi:
                    return out[:0], np.int64(i)
            elif c < 0x80 or c > 0xBF:
                return out[:0], np.int64(i)
            cp = (cp << 6) | (c & 0x3F)
        out[o] = cp
        o += 1
        i += need + 1
    return out[:o], np.int64(-1)


@njit(cache=True, nogil=True, inline="always")
def utf8_size(cp) -> np.int64:
    if cp < 0x80:
        return np.int64(1)
    if cp < 0x800:
        return np.int64(2)
    if cp < 0x10000:
        return np.int64(3)
    return np.int64(4)


@njit(cache=True, nogil=True, inline="always")
def put_utf8(out: np.ndarray, o, cp) -> np.int64:
    """Write code point ``cp`` at ``out[o:]``; return the offset after it."""
    if cp < 0x80:
        out[o] = cp
        return o + 1
    if cp < 0x800:
        out[o] = 0xC0 | (cp >> 6)
        out[o + 1] = 0x80 | (cp & 0x3F)
        return o + 2
    if cp < 0x10000:  # lone surrogates (from Python strings) are written as 'surrogatepass' does
        out[o] = 0xE0 | (cp >> 12)
        out[o + 1] = 0x80 | ((cp >> 6) & 0x3F)
        out[o + 2] = 0x80 | (cp & 0x3F)
        return o + 3
    out[o] = 0xF0 | (cp >> 18)
    out[o + 1] = 0x80 | ((cp >> 12) & 0x3F)
    out[o + 2] = 0x80 | ((cp >> 6) & 0x3F)
    out[o + 3] = 0x80 | (cp & 0x3F)
    return o + 4
