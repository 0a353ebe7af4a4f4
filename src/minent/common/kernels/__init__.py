"""Numba kernels: plain functions over numpy arrays, compiled once and cached on disk.

This package holds the kernels more than one job uses: ``utf8`` (decoding and encoding),
``tokens`` (character classes and the grouping rules), ``trie`` (the lexicon's trie),
``counts`` (sorted count tables), ``lexfile`` (reading lexicon files); and the plumbing
every kernel module shares (:func:`readonly`, :func:`run_blocks`, :func:`numba_threads`).
Each job keeps its own kernels beside its code: ``minent.lexicon.kernels`` (n-gram
counting, cohesion, cutting, branching entropy), ``minent.segment.kernels`` (Viterbi),
``minent.itemsets.kernels`` (support counting). ``minent.cli.warmup`` tells whether a
command's kernels are compiled yet.

Compiling is what a first run waits for (the cache then makes later runs start in
milliseconds), so the kernels are kept cheap to compile: no ``parallel=True`` (a parfor
costs seconds to compile; the kernels release the GIL instead and :func:`run_blocks` runs
their blocks on threads), and one signature each: a public function that Python calls
puts its arguments in one form (dtype, layout, read-only flag) before calling its
``@njit`` kernel, so a kernel is never compiled twice for two forms of the same data.
"""

from __future__ import annotations

import hashlib
import os
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator, Sequence

import numpy as np

from ..errors import MinentError

_PACKAGE = Path(__file__).resolve().parents[2]  # src/minent
_MARKER_PREFIX = "minent-kernel-sources-"


def kernel_sources() -> list[Path]:
    """The files that define kernels: this folder and each job's ``kernels`` folder."""
    return sorted(_PACKAGE.glob("*/kernels/*.py"))


def drop_stale_caches() -> bool:
    """Remove every kernel's compiled code from the package's cache when any kernel source
    changed since it was written; True when it did.

    Numba keys a kernel's disk cache on the file that defines it, not on the files of the
    kernels it calls: after an edit of the token rules (``tokens.py``), ``viterbi.mark_block``
    would still load its old machine code, with the old rules inlined. A marker file named by
    the sources' sizes and times stands for the cache; when it is missing, the cache goes.
    Costs a few stat calls; does nothing where the package cannot be written (Numba then
    caches in the user's directory, and only an upgrade, which rewrites every file, changes
    the sources there).
    """
    try:
        sources = kernel_sources()
        stamps = [(p.name, st.st_mtime_ns, st.st_size) for p, st in ((p, p.stat()) for p in sources)]
        cache = _PACKAGE / "common" / "kernels" / "__pycache__"
        marker = cache / (_MARKER_PREFIX + hashlib.sha1(repr(stamps).encode()).hexdigest()[:16])
        if marker.exists() or not os.access(_PACKAGE, os.W_OK):
            return False
        for folder in {p.parent / "__pycache__" for p in sources}:
            for entry in folder.glob("*.nb[ic]"):
                entry.unlink(missing_ok=True)
        cache.mkdir(exist_ok=True)
        for old in cache.glob(_MARKER_PREFIX + "*"):
            old.unlink(missing_ok=True)
        marker.touch()
        return True
    except OSError:  # a cache we cannot tidy is Numba's to refresh
        return False


drop_stale_caches()


def readonly(a: np.ndarray, dtype=None) -> np.ndarray:
    """A read-only, C-contiguous view of ``a`` (a copy only when its dtype or layout differs).

    Arrays made from ``bytes`` are read-only and the others are not; Numba compiles a
    kernel once for each, so input arrays are always handed over read-only.
    """
    a = np.ascontiguousarray(a, dtype=dtype)
    if a.flags.writeable:
        a = a.view()
        a.flags.writeable = False
    return a


def first_index(values: np.ndarray, value: int, start: int) -> int:
    """The first position at or after ``start`` where ``values`` holds ``value``, or
    ``len(values)``: looked for in growing windows, so a hit near ``start`` costs a few
    thousand comparisons, not a scan of the rest."""
    n = values.shape[0]
    at, window = max(start, 0), 1 << 12
    while at < n:
        hits = np.flatnonzero(values[at : at + window] == value)
        if hits.shape[0]:
            return at + int(hits[0])
        at += window
        window *= 2
    return n


def thread_slices(n: int, parallel: bool) -> list[tuple[int, int]]:
    """``(lo, hi)`` bounds of equal slices of ``range(n)``: one a thread (Numba's thread count)
    when ``parallel``, none under 65,536 items each; one slice otherwise."""
    n_slices = max(1, min(thread_count(0), n // 65536)) if parallel else 1
    bounds = [s * n // n_slices for s in range(n_slices + 1)]
    return list(zip(bounds[:-1], bounds[1:]))


def thread_count(threads: int = 0) -> int:
    """``threads``, or Numba's thread count when it is 0 (what ``--jobs``/``jobs`` set)."""
    if threads > 0:
        return threads
    import numba

    return numba.get_num_threads()


@contextmanager
def numba_threads(jobs: int) -> Iterator[int]:
    """Let the kernels use ``jobs`` threads (0 = all cores) inside the block; yields the number
    set, and restores the previous setting after (a library call must not change it for good)."""
    import numba

    if jobs < 0:
        raise MinentError(f"jobs must be 0 (all cores) or a positive number, got {jobs}")
    before = numba.get_num_threads()
    limit = numba.config.NUMBA_NUM_THREADS
    numba.set_num_threads(limit if jobs == 0 else min(jobs, limit))
    try:
        yield numba.get_num_threads()
    finally:
        numba.set_num_threads(before)


def run_blocks(kernel: Callable, jobs: Sequence[tuple], threads: int) -> list:
    """``kernel(*args)`` for each ``args`` of ``jobs``, on up to ``threads`` threads; results in order.

    The kernel must be ``nogil``. The calling thread only waits, so a signal handler (Ctrl-C)
    runs at once; then the blocks not started are cancelled and the running ones (short)
    finish before the exception goes on.
    """
    if threads <= 1 or len(jobs) <= 1:
        return [kernel(*args) for args in jobs]
    with ThreadPoolExecutor(min(threads, len(jobs))) as pool:
        futures = [pool.submit(kernel, *args) for args in jobs]
        try:
            return [f.result() for f in futures]
        except BaseException:
            for f in futures:
                f.cancel()
            raise
