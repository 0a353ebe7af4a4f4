"""What discovery counts with: exact count tables of packed n-gram keys, and the corpus as
symbol ids (an ideograph's id, one id for a whole number, 0 for a separator).
"""

from __future__ import annotations

import math
from typing import Callable

import numpy as np

from ..common import chars
from ..common.charclass import class_table
from ..common.kernels.counts import count_keys, merge_tables
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
        self.add(*count_keys(keys))  # nogil: threads count side by side

    def __len__(self) -> int:
        return len(self.keys)


def count_ngrams(ids: np.ndarray, order: int, tables: list[CountTable], mapper: Callable = map, parts: int = 1) -> None:
    """Add the n-grams (n = 1..order) of one chunk of ids to ``tables`` (index 1..order);
    ``mapper`` runs the counting of orders 2..order, each in ``parts`` slices of the chunk (a
    thread pool's ``map`` counts them side by side: with as many slices as threads, every
    thread gets an equal share whatever the number of orders)."""
    unigrams = k.count_ideographs(ids, chars.N_SYMBOLS)
    present = np.flatnonzero(unigrams)
    tables[1].add(present.astype(np.uint64), unigrams[present].astype(np.int64))
    bounds = np.linspace(0, len(ids), max(1, parts) + 1).astype(np.int64).tolist()
    tasks = [(n, lo, hi) for n in range(2, order + 1) for lo, hi in zip(bounds[:-1], bounds[1:])]

    def count_slice(task: tuple[int, int, int]) -> tuple:
        n, lo, hi = task  # the windows that start in [lo, hi)
        return count_keys(k.window_keys(ids[lo:hi + n - 1], n))

    for (n, _, _), counted in zip(tasks, mapper(count_slice, tasks)):
        tables[n].add(*counted)


def ideograph_ids(text: str) -> np.ndarray:
    """Symbol ids of ``text`` (uint16): an ideograph's id, chars.NUM_ID for each whole plain
    number (one id for all its characters), 0 for every other character (a separator)."""
    codepoints = chars.codepoints(text)
    return k.ideograph_ids(codepoints, chars.ID_OF_CODEPOINT, number_marks(codepoints, class_table()), chars.NUM_ID)


def word_ids(word: str) -> np.ndarray:
    """Symbol ids of a lexicon word (ideographs, and ``#`` for a number)."""
    return words_ids([word])


def words_ids(words: list[str]) -> np.ndarray:
    """Symbol ids of lexicon words, one after another (ideographs, ``#`` for a number; any
    other character is a separator, 0)."""
    codepoints = np.frombuffer("".join(words).encode("utf-32-le"), dtype=np.uint32)
    ids = np.zeros(len(codepoints), dtype=np.uint16)
    table = chars.ID_OF_CODEPOINT
    known = codepoints < len(table)
    ids[known] = table[codepoints[known]]
    ids[codepoints == ord(chars.NUMBER_SIGN)] = chars.NUM_ID
    return ids


def entropy_bits(counts: np.ndarray) -> float:
    """Total information, in bits, of a sequence with these symbol counts under their own unigram model."""
    counts = counts[counts > 0].astype(np.float64)
    total = counts.sum()
    return float(total * math.log2(total) - (counts * np.log2(counts)).sum()) if total else 0.0
