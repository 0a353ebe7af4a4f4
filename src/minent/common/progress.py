"""Progress reporting: the library never prints; it calls a callback the caller supplies.

A callback receives ``(stage, done, total)``: ``stage`` names the step, ``done`` and
``total`` are in the stage's own unit; ``total`` is None when the extent is unknown. A
stage starts with its first call and ends when a call names another stage (or the run
ends): stages never overlap, so one line on a terminal shows them all in turn.

The stages, in the order they run:

``counting``
    pass 1 of :class:`~minent.lexicon.discover.LexiconBuilder`: read the corpus and count its
    n-grams; bytes read (total None for standard input, whose size is unknown).
``cohesion``
    the PMI filter of the counted n-grams; n-gram lengths done, of ``order - 1``.
``cutting``
    pass 2: cut the corpus where no kept n-gram holds two neighbours together; starts as
    ``(0, None)`` and counts bytes when the corpus is read again.
``branching entropy``
    (refinement) count the neighbours of the longest n-grams: the boundary signal;
    ideographs done, of all the corpus's ideographs (a corpus too large to hold in memory
    is read again by this stage and the next ones, which still count ideographs).
``autonomy cut``
    (refinement) cut the corpus where the boundary signal is strongest: the candidate
    words; ideographs done.
``refining: round N``
    (refinement) round N of the minimum-entropy refinement (round 0 re-segments the corpus
    with the candidates; later rounds prune, then re-segment); ideographs done.
``segmenting``
    :meth:`~minent.segment.segmenter.Segmenter.segment_file`; bytes read.
``apriori levels``
    :func:`~minent.itemsets.mining.apriori`; itemset sizes done, of ``max_len``.
``depth-first search``
    :func:`~minent.itemsets.mining.apriori` on sparse data (``algorithm`` "eclat", or "auto"):
    first items whose itemsets are all found, of the frequent items.
``loading kernels``
    :func:`~minent.itemsets.mining.apriori` is about to use its compiled kernels for the first
    time in the run (small data is mined without them); ``(0, None)``, once.

On a Dask cluster (:mod:`minent.common.cluster`) the same stages count bytes of finished
partitions. :class:`TqdmProgress` turns the calls into one tqdm bar on stderr (the CLI).
"""

from __future__ import annotations

import sys
from typing import IO, Callable, Iterable, Iterator, Optional

ProgressCallback = Callable[[str, int, Optional[int]], None]

#: the unit shown for a stage's counts; stages not named here show a percentage only
#: (their unit differs between a local run and a cluster run)
BYTE_STAGES = ("counting", "segmenting")


_BAR_CLASS = None


def _bar_class():
    """tqdm without its monitor thread, which may redraw a bar while the CLI prints (imported late:
    ``import minent`` and ``--help`` stay fast)."""
    global _BAR_CLASS
    if _BAR_CLASS is None:
        from tqdm import tqdm

        class Bar(tqdm):
            monitor_interval = 0

        _BAR_CLASS = Bar
    return _BAR_CLASS


def no_progress(stage: str, done: int, total: Optional[int]) -> None:
    """The default callback: report nothing."""


def reporting_chunks(chunks: Iterable, stage: str, total: Optional[int], progress: ProgressCallback) -> Iterator:
    """The chunks of ideograph ids (0 = separator), reporting ``(stage, ideographs done, total)``
    after each one is used: the unit of the stages that pass over the corpus held in memory."""
    import numpy as np

    done = 0
    for ids in chunks:
        yield ids
        done += int(np.count_nonzero(ids))
        progress(stage, done, total)


class TqdmProgress:
    """Renders progress calls as one tqdm bar at a time (on stderr unless ``file`` is given).

    When a call names a new stage, the bar of the previous one is cleared and the new one
    takes its line, so the terminal always shows what runs now. Call :meth:`close` before
    printing anything else: it clears the bar and leaves the cursor at the start of the
    line (several bars at once would leave it at the end of a cleared line, where the next
    message would start).
    """

    def __init__(self, disable: bool = False, unit_of: Optional[dict] = None, file: Optional[IO[str]] = None) -> None:
        self.disable = disable
        self.unit_of = unit_of or {}
        self.file = file
        self._stage: Optional[str] = None
        self._bar = None

    def _open(self, stage: str, done: int, total: Optional[int]):
        unit = self.unit_of.get(stage, "B" if stage in BYTE_STAGES else "")
        if unit == "B":  # 12.3MB/63.2MB and a rate, or 12.3MB read so far
            bar_format = None
        elif total is None:  # levels done so far, or just the name of a stage with no measure
            bar_format = "{desc}: {n_fmt} [{elapsed}]" if unit else "{desc} ..."
        elif unit:  # 2/4 |bar|
            bar_format = "{desc}: {n_fmt}/{total_fmt} |{bar}| [{elapsed}<{remaining}]"
        else:  # the unit differs between runs (ideographs, bytes of partitions): a percentage
            bar_format = "{desc}: {percentage:3.0f}%|{bar}| [{elapsed}<{remaining}]"
        return _bar_class()(
            total=total, initial=done, desc=stage, unit=unit or "it", unit_scale=unit == "B", leave=False, position=0,
            file=self.file or sys.stderr, dynamic_ncols=True, bar_format=bar_format,
        )

    def __call__(self, stage: str, done: int, total: Optional[int]) -> None:
        if self.disable:
            return
        if stage != self._stage or self._bar is None or (self._bar.total is None) != (total is None):
            self._clear()
            self._bar = self._open(stage, done, total)
            self._stage = stage
        bar = self._bar
        if total is not None and bar.total != total:
            bar.total = total
        if done != bar.n:
            bar.update(done - bar.n)  # drawn at most every 0.1 s
            if done == total:
                bar.refresh()  # the end of a stage is always shown

    def _clear(self) -> None:
        if self._bar is not None:
            self._bar.close()  # leave=False at position 0: the line is blanked, the cursor back at column 0
            self._bar = None
            self._stage = None

    def close(self) -> None:
        """Clear the bar; what is printed next starts at the beginning of a blank line."""
        self._clear()
