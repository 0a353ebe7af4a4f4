"""Progress reporting: the library never prints; it calls a callback the caller supplies.

A callback receives ``(stage, done, total)``: ``stage`` names the step, ``done`` and
``total`` are in the stage's own unit (bytes, iterations...); ``total`` may be None.
:class:`TqdmProgress` turns those calls into tqdm bars on stderr (used by the CLI).
"""

from __future__ import annotations

import sys
from typing import Callable, Optional

ProgressCallback = Callable[[str, int, Optional[int]], None]


def no_progress(stage: str, done: int, total: Optional[int]) -> None:
    """The default callback: report nothing."""


class TqdmProgress:
    """One tqdm bar per stage, written to stderr; close() when done."""

    def __init__(self, disable: bool = False, unit_of: Optional[dict] = None) -> None:
        self.disable = disable
        self.unit_of = unit_of or {}
        self._bars: dict = {}

    def __call__(self, stage: str, done: int, total: Optional[int]) -> None:
        if self.disable:
            return
        from tqdm import tqdm

        bar = self._bars.get(stage)
        if bar is None:
            unit = self.unit_of.get(stage, "B")
            bar = tqdm(
                total=total, desc=stage, unit=unit, unit_scale=True, leave=False,
                file=sys.stderr, dynamic_ncols=True,
            )
            self._bars[stage] = bar
        if total is not None and bar.total != total:
            bar.total = total
        bar.update(done - bar.n)

    def close(self) -> None:
        for bar in self._bars.values():
            bar.close()
        self._bars.clear()
