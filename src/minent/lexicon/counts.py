"""What discovery counts with: exact count tables of packed n-gram keys, and the corpus as
symbol ids (an ideograph's id, one id for a whole number, 0 for a separator).
"""

from __future__ import annotations

import math
import os
import tempfile
from typing import IO, Callable, Iterator, Optional

import numpy as np

from ..common import chars
from ..common.charclass import class_table
from ..common.errors import MinentError
from ..common.kernels.counts import count_keys, merge_tables, merged_tables
from ..common.kernels.tokens import number_marks
from .kernels import ngrams as k

# keys merged at a time when a spilled table is finished (16 bytes each, a few copies in flight)
FINISH_RANGE_KEYS = 1 << 24


class _Run:
    """One sorted run of a count table: in the temporary file (keys, then counts, from
    ``offset``) or in memory, with a sample of its keys kept in memory to find positions."""

    SAMPLE = 4096  # most keys between two sampled ones (read from the file to find a position)

    def __init__(self, keys: np.ndarray, offset: int = 0, spool: Optional[IO[bytes]] = None,
                 counts: Optional[np.ndarray] = None) -> None:
        self.length = len(keys)
        self.step = max(1, min(self.SAMPLE, self.length // 1024))
        self.sample = keys[::self.step].copy()  # keys at positions 0, step, 2 step, ...
        self.offset, self.spool = offset, spool
        self.keys, self.counts = (keys, counts) if spool is None else (None, None)

    def _read(self, what: int, start: int, end: int) -> np.ndarray:
        """Keys (``what`` 0) or counts (1) at [start, end) of a spilled run."""
        out = np.empty(end - start, dtype=np.uint64 if what == 0 else np.int64)
        self.spool.seek(self.offset + 8 * (what * self.length + start))
        if self.spool.readinto(memoryview(out).cast("B")) != out.nbytes:
            raise MinentError("the temporary file of the n-gram counts was cut short")
        return out

    def position(self, key: int) -> int:
        """The first position holding a key >= ``key``."""
        if self.keys is not None:
            return int(np.searchsorted(self.keys, np.uint64(key)))
        block = int(np.searchsorted(self.sample, np.uint64(key)))  # sample[block - 1] < key <= sample[block]
        if block == 0:
            return 0
        lo = (block - 1) * self.step + 1
        hi = min(block * self.step, self.length)
        return lo + int(np.searchsorted(self._read(0, lo, hi), np.uint64(key)))

    def read(self, start: int, end: int) -> tuple[np.ndarray, np.ndarray]:
        """(keys, counts) at [start, end)."""
        if self.keys is not None:
            return self.keys[start:end], self.counts[start:end]
        return self._read(0, start, end), self._read(1, start, end)


class CountTable:
    """Exact counts of uint64 keys (sorted unique keys + counts), merged chunk by chunk.

    A table that outgrows memory is :meth:`spill`-ed: its keys and counts go, as one sorted
    run, to an unnamed temporary file (it disappears when closed, even if the process is
    killed) and counting goes on in memory. :meth:`finish` then merges the runs one key range
    at a time, so that only the keys that are kept are ever in memory all together.
    """

    def __init__(self, budget: int = 0) -> None:
        self.budget = budget  # bytes in memory before a merge that would pass them spills first (0: never)
        self.keys = np.empty(0, dtype=np.uint64)
        self.counts = np.empty(0, dtype=np.int64)
        self.distinct = 0  # set by finish: the keys counted, before it dropped the rare ones
        self.dropped_right: Optional[np.ndarray] = None  # set by finish when it drops (None: nothing dropped)
        self.dropped_left: Optional[np.ndarray] = None
        self._spool: Optional[IO[bytes]] = None
        self._runs: list[_Run] = []  # the spilled runs

    def add(self, keys: np.ndarray, counts: np.ndarray) -> None:
        """Merge a table of sorted unique keys with their counts."""
        if self.budget and len(self.keys) and self.nbytes + keys.nbytes + counts.nbytes > self.budget:
            self.spill()
        if len(self.keys) == 0:
            self.keys, self.counts = keys, counts
        else:
            self.keys, self.counts = merge_tables(self.keys, self.counts, keys, counts)

    def add_occurrences(self, keys: np.ndarray) -> None:
        """Count an (unsorted) array of key occurrences; ``keys`` is overwritten."""
        self.add(*count_keys(keys))  # nogil: threads count side by side

    def __len__(self) -> int:
        return len(self.keys)

    @property
    def nbytes(self) -> int:
        """Bytes the table holds in memory."""
        return self.keys.nbytes + self.counts.nbytes

    def spill(self) -> None:
        """Move the table in memory to the temporary file, as one sorted run."""
        if len(self.keys) == 0:
            return
        try:
            if self._spool is None:
                self._spool = tempfile.TemporaryFile(prefix="minent-counts-")
            offset = self._spool.seek(0, os.SEEK_END)
            self._spool.write(memoryview(np.ascontiguousarray(self.keys)).cast("B"))
            self._spool.write(memoryview(np.ascontiguousarray(self.counts, dtype=np.int64)).cast("B"))
        except OSError as e:
            raise MinentError(f"cannot write the n-gram counts to a temporary file (TMPDIR): "
                              f"{e.strerror or e}") from None
        self._runs.append(_Run(self.keys, offset, self._spool))
        self.keys = np.empty(0, dtype=np.uint64)
        self.counts = np.empty(0, dtype=np.int64)

    def finish(self, keep: int = 1, lower: Optional["CountTable"] = None, n: int = 0,
               range_keys: int = FINISH_RANGE_KEYS, tally: bool = True) -> None:
        """Merge the spilled runs and keep the keys seen at least ``keep`` times (1, or 2: the
        later steps are exact only for these); ``distinct`` becomes the number of keys counted.
        With ``keep`` 2 and ``lower``, the finished table of the (n-1)-grams,
        ``dropped_right[i]`` (``dropped_left[i]``) is the number of dropped n-grams that begin
        (end) with ``lower.keys[i]``: all that the branching entropies and their
        standardisation need of the dropped singletons (:mod:`minent.lexicon.boundary`);
        ``tally`` False skips them (a build without the boundary signal needs none).
        Call once, at the end of counting."""
        n_lower = len(lower.keys) if lower is not None else 0
        # at most one a distinct symbol, per shorter n-gram: int32 holds them
        right = np.zeros(n_lower, dtype=np.int32) if keep > 1 and tally else None
        left = np.zeros(n_lower, dtype=np.int32) if keep > 1 and tally else None
        self.distinct = 0
        kept_keys, kept_counts = [], []
        lower_keys = lower.keys if lower is not None else np.empty(0, dtype=np.uint64)
        for keys, counts in self._merged_ranges(range_keys):
            self.distinct += len(keys)
            if keep <= 1:
                kept_keys.append(keys)
                kept_counts.append(counts)
                continue
            kept = k.drop_rare(keys, counts, keep, n, lower_keys, right, left)
            kept_keys.append(keys[kept])
            kept_counts.append(counts[kept])
            del keys, counts, kept
        self.close()
        self.dropped_right, self.dropped_left = right, left
        if len(kept_keys) == 1:
            self.keys, self.counts = kept_keys[0], kept_counts[0]
        elif kept_keys:
            self.keys, self.counts = np.concatenate(kept_keys), np.concatenate(kept_counts)
        else:
            self.keys, self.counts = np.empty(0, dtype=np.uint64), np.empty(0, dtype=np.int64)

    def _merged_ranges(self, range_keys: int) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """The whole table, runs and memory merged, as consecutive (keys, counts) pieces (the
        runs are read a range at a time, never mapped whole: memory stays one range's)."""
        if not self._runs:
            yield self.keys, self.counts
            return
        self._spool.flush()
        runs = self._runs + ([_Run(self.keys, counts=self.counts)] if len(self.keys) else [])
        self.keys = self.counts = None  # the memory run is in ``runs`` now
        total = sum(run.length for run in runs)
        n_ranges = max(1, -(-total // range_keys))
        # range bounds at quantiles of the runs' samples, each sampled key standing for the
        # ``step`` keys from it on in its run
        sample = np.concatenate([run.sample for run in runs])
        weight = np.concatenate([np.full(len(run.sample), run.step, dtype=np.int64) for run in runs])
        order = np.argsort(sample, kind="stable")
        sample, covered = sample[order], np.cumsum(weight[order])
        at = np.searchsorted(covered, (np.arange(1, n_ranges) * covered[-1]) // n_ranges)
        bounds = np.unique(sample[np.minimum(at, len(sample) - 1)]).tolist()
        starts = [0] * len(runs)
        for r in range(len(bounds) + 1):
            parts = []
            for i, run in enumerate(runs):
                end = run.length if r == len(bounds) else run.position(bounds[r])
                if end > starts[i]:
                    parts.append(run.read(starts[i], end))
                starts[i] = end
            if parts:
                merged = merged_tables(parts)
                del parts
                yield merged
                del merged

    def close(self) -> None:
        """Remove the temporary file, if any (its runs are lost: call after :meth:`finish`)."""
        if self._spool is not None:
            self._spool.close()
            self._spool = None
        self._runs = []


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


def rare_below(min_count: int) -> int:
    """The count below which an n-gram need not be kept after counting: 2 (a string seen once is
    dropped, keeping what :meth:`CountTable.finish` records of it), or 1 when ``min_count`` 1
    asks for the strings seen once too."""
    return 2 if min_count >= 2 else 1


def finish_tables(tables: list[CountTable], keep: int, tally: bool = True) -> None:
    """:meth:`CountTable.finish` each table (index 1..order) in order, each with the one below;
    every character stays (the character counts are the corpus's). ``tally``: keep what the
    boundary signal needs of the dropped n-grams (False: a build that will not compute it)."""
    for n in range(1, len(tables)):
        tables[n].finish(1 if n == 1 else keep, tables[n - 1] if n > 1 else None, n, tally=tally)


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
