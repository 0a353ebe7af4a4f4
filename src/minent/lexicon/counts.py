"""What discovery counts with: exact count tables of packed n-gram keys, and the corpus as
symbol ids (an ideograph's id, one id for a whole number, 0 for a separator).
"""

from __future__ import annotations

import math
from typing import Callable

import numpy as np

from ..common import chars
from ..common.charclass import class_table
from ..common.kernels.counts import merge_tables, run_lengths
from ..common.kernels.tokens import number_marks
from .kernels import ngrams as k


class CountTable:
    """Exact counts of uint64 keys (sorted unique keys + counts), merged chunk by chunk."""

    def __init__(self) -> None:
        self.keys = np.empty(0, dtype=np.uint64)
        self.counts = np.empty(0, dtype=np.int64)

    def add(self, keys: np.ndarray, counts: np.ndarray) -> None:
        """Merge a table of sorted unique keys with their counts."""
        if len(self.keys) == 0:
            self.keys, self.counts = keys, counts
        else:
            self.keys, self.counts = merge_tables(self.keys, self.counts, keys, counts)

    def add_occurrences(self, keys: np.ndarray) -> None:
        """Count an (unsorted) array of key occurrences; ``keys`` is overwritten."""
        keys.sort()  # numpy's sort releases the GIL, so threads sort concurrently
        self.add(*run_lengths(keys))

    def __len__(self) -> int:
        return len(self.keys)


def count_ngrams(ids: np.ndarray, order: int, tables: list[CountTable], mapper: Callable = map) -> None:
    """Add the n-grams (n = 1..order) of one chunk of ids to ``tables`` (index 1..order);
    ``mapper`` runs the orders 2..order (a thread pool's ``map`` counts them side by side)."""
    unigrams = k.count_ideographs(ids, chars.N_SYMBOLS)
    present = np.flatnonzero(unigrams)
    tables[1].add(present.astype(np.uint64), unigrams[present].astype(np.int64))

    def count_order(n: int) -> None:
        tables[n].add_occurrences(k.window_keys(ids, n))

    list(mapper(count_order, range(2, order + 1)))


def ideograph_ids(text: str) -> np.ndarray:
    """Symbol ids of ``text`` (uint16): an ideograph's id, chars.NUM_ID for each whole plain
    number (one id for all its characters), 0 for every other character (a separator)."""
    codepoints = chars.codepoints(text)
    return k.ideograph_ids(codepoints, chars.ID_OF_CODEPOINT, number_marks(codepoints, class_table()), chars.NUM_ID)


def word_ids(word: str) -> np.ndarray:
    """Symbol ids of a lexicon word (ideographs, and ``#`` for a number)."""
    return np.array([chars.NUM_ID if ch == chars.NUMBER_SIGN else chars.ID_OF_CODEPOINT[ord(ch)] for ch in word],
                    dtype=np.uint16)


def entropy_bits(counts: np.ndarray) -> float:
    """Total information, in bits, of a sequence with these symbol counts under their own unigram model."""
    counts = counts[counts > 0].astype(np.float64)
    total = counts.sum()
    return float(total * math.log2(total) - (counts * np.log2(counts)).sum()) if total else 0.0
