"""The class of every code point of the Basic Multilingual Plane (``kind | flags``, see
:mod:`minent.common.kernels.tokens`), read by the kernels of segmentation and discovery.

Built from Python's Unicode data plus a few choices of ours (which characters are
ideographs, which join numbers or words, which repeat as one token), once per Unicode
version, and kept beside the bytecode.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Optional

import numpy as np

from . import chars
from .kernels import tokens as t

_DASHES_AND_DOTS = "-_=~*.!?·•—―–‒‐…⋯‥─━－＿＝～．！？。"


def _build_class_table() -> np.ndarray:
    """``kind | flags`` of every BMP code point."""
    import unicodedata

    table = np.full(0x10000, t.OTHER, dtype=np.uint16)
    for cp in range(0x10000):
        ch = chr(cp)
        if ch.isdecimal():
            table[cp] = t.DIGIT
        elif ch.isspace():
            table[cp] = t.SPACE
        elif ch.isalpha():
            table[cp] = t.LETTER
        elif unicodedata.category(ch)[0] == "M":
            table[cp] = t.MARK
    ideographs = chars.CODEPOINT_OF_ID[1 : chars.N_IDS + 1]
    table[ideographs] = t.HAN
    table[0xF900:0xFB00] = t.HAN
    table[0x25CB] = t.HAN
    table[0xD800:0xE000] = t.OTHER  # lone surrogates (only from Python strings)
    table[[0x200C, 0x200D]] = t.MARK
    table[0xFE00:0xFE10] = t.MARK
    table[ord("\n")] = t.NEWLINE_KIND
    for ch in ".．":
        table[ord(ch)] |= t.DECIMAL
    table[ord(",")] |= t.THOUSANDS
    for ch in "-'’‐":
        table[ord(ch)] |= t.WORD_JOIN
    for ch in "%％‰":
        table[ord(ch)] |= t.PERCENT
    for ch in "+-−－＋":
        table[ord(ch)] |= t.SIGN
    for ch in _DASHES_AND_DOTS:
        table[ord(ch)] |= t.REPEAT
    return table


_CLASS_TABLE: Optional[np.ndarray] = None
_TABLE_VERSION = 1  # bump when _build_class_table changes


def _table_cache_path() -> Path:
    import unicodedata

    return Path(__file__).parent / "__pycache__" / f"minent-char-classes-v{_TABLE_VERSION}-unicode{unicodedata.unidata_version}.npy"


def class_table() -> np.ndarray:
    """The class table, built once per Unicode version and kept beside the bytecode.

    Building it asks Python's Unicode database about 65,536 code points (tens of
    milliseconds, at every start of the command); loading the saved copy takes one.
    """
    global _CLASS_TABLE
    if _CLASS_TABLE is None:
        path = _table_cache_path()
        table = None
        try:
            table = np.load(path, allow_pickle=False)
            if table.shape != (0x10000,) or table.dtype != np.uint16:
                table = None
        except (OSError, ValueError):
            pass
        if table is None:
            table = _build_class_table()
            try:  # a read-only install just builds it every time
                path.parent.mkdir(exist_ok=True)
                fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".npy.part")
                with os.fdopen(fd, "wb") as f:
                    np.save(f, table, allow_pickle=False)
                os.replace(tmp, path)
            except OSError:
                pass
        _CLASS_TABLE = table
    return _CLASS_TABLE
