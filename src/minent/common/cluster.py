"""The Dask plumbing every job's cluster code shares: connecting to a scheduler, splitting
files into partitions, reading them on the workers, and merging partial results in a tree.

Everything that touches Dask lives in the ``cluster`` modules (this one and one per job:
:mod:`minent.lexicon.cluster`, :mod:`minent.segment.cluster`, :mod:`minent.itemsets.cluster`),
so the rest of minent never imports it. The input files are split into byte ranges aligned
to line starts; each range is read by a worker (a path on a shared file system, or any
fsspec URL), decoded, and fed to the same functions and kernels as a local run. Partial
results (count tables, candidate supports) are merged on the workers in a tree, and only the
merged result comes back, so every result is exactly the local one: counts are summed, never
sampled or pruned, and thresholds apply only after the global merge.

Faults: a task on a worker that dies is re-run by Dask on another worker (its inputs are
tasks too, so they are recomputed); a task that keeps killing workers, a lost scheduler or
an unreachable one ends the run with a :class:`~minent.common.errors.MinentError`, never with a
partial result.
"""

from __future__ import annotations

import math
import os
import time
from contextlib import contextmanager
from typing import Any, Callable, ContextManager, Iterator, Optional, Sequence

import numpy as np

from .errors import MinentError
from .kernels import numba_threads
from .progress import ProgressCallback, no_progress

ENV_SCHEDULER = "DASK_SCHEDULER_ADDRESS"
CONNECT_TIMEOUT = 10.0  # seconds to reach the scheduler before giving up
PARTITION_BYTES = 32 << 20  # each worker task reads this much of a file
FAN_IN = 4  # partial results merged per reduction task
INSTALL_HINT = 'the Dask cluster support is not installed; run: pip install "minent[distributed]"'

Part = tuple  # (url, start, end, index): lines whose first byte is in [start, end)


# ---------------------------------------------------------------------------------------
# Connecting


def scheduler_address(option: Optional[str]) -> Optional[str]:
    """The scheduler to use: the option, else $DASK_SCHEDULER_ADDRESS, else None (run locally)."""
    address = option if option else os.environ.get(ENV_SCHEDULER, "")
    return address.strip() or None


def dask_module():
    try:
        import distributed
    except ImportError:
        raise MinentError(INSTALL_HINT) from None
    return distributed


@contextmanager
def connect(address: str, timeout: Optional[float] = None) -> Iterator[Any]:
    """A ``distributed.Client`` on ``address``, closed on exit; unreachable -> MinentError after
    ``timeout`` s (default :data:`CONNECT_TIMEOUT`)."""
    distributed = dask_module()
    timeout = CONNECT_TIMEOUT if timeout is None else timeout
    started = time.monotonic()
    try:
        client = distributed.Client(address, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError, distributed.TimeoutError, ValueError) as e:
        waited = time.monotonic() - started
        reason = str(e).splitlines()[0] if str(e) else type(e).__name__
        raise MinentError(
            f"cannot reach the Dask scheduler at {address} (gave up after {waited:.0f} s: {reason})"
        ) from None
    try:
        yield client
    finally:
        client.close()


@contextmanager
def cluster_errors(address: str) -> Iterator[None]:
    """Turn Dask's failures into one-line MinentErrors (a MinentError from a worker passes through)."""
    distributed = dask_module()
    try:
        yield
    except MinentError:
        raise
    except distributed.KilledWorker as e:
        raise MinentError(
            f"the Dask cluster at {address} lost the workers running a task too many times ({e}); "
            "nothing was written"
        ) from None
    except (distributed.CancelledError, OSError, TimeoutError, distributed.TimeoutError) as e:
        raise MinentError(
            f"lost the Dask cluster at {address} during the run ({type(e).__name__}: {e}); nothing was written"
        ) from None


# ---------------------------------------------------------------------------------------
# Partitions: line-aligned byte ranges, read by the workers


def _open(url: str):
    import fsspec

    return fsspec.open(url, "rb")


def _size(url: str) -> int:
    if "://" not in url:
        return os.path.getsize(url)
    import fsspec

    fs, path = fsspec.core.url_to_fs(url)
    return int(fs.size(path))


def partitions(urls: Sequence[str], partition_bytes: Optional[int] = None) -> list[Part]:
    """Split files into ranges of about ``partition_bytes``; a range owns the lines starting in it."""
    partition_bytes = PARTITION_BYTES if partition_bytes is None else partition_bytes
    if partition_bytes < 1:
        raise MinentError(f"partition size must be at least 1 byte, got {partition_bytes}")
    parts: list[Part] = []
    for url in urls:
        if url == "-":
            raise MinentError("standard input cannot be read by Dask workers; give a file path or URL")
        if "://" not in url:
            from .textio import check_readable

            check_readable(url)
        try:
            size = _size(url)
        except (OSError, ValueError) as e:
            raise MinentError(f"cannot read '{url}': {e}") from None
        n = max(1, math.ceil(size / partition_bytes))
        step = math.ceil(size / n) if size else 0
        for i in range(n):
            parts.append((url, min(i * step, size), min((i + 1) * step, size), len(parts)))
    return parts


def read_part(part: Part) -> tuple[bytes, int]:
    """The bytes of the lines starting in ``[start, end)`` and the offset of the first one."""
    url, start, end, _ = part
    try:
        with _open(url) as f:
            if start > 0:
                f.seek(start - 1)
                start = start - 1 + len(f.readline())  # the first line starting at or after start
            if start >= end:
                return b"", start
            f.seek(start)
            data = f.read(end - start)
            if data and not data.endswith(b"\n"):
                data += f.readline()  # finish the last line
    except OSError as e:
        raise MinentError(f"cannot read '{url}': {e.strerror or e}") from None
    return data, start


def decode_part(part: Part, encoding: str) -> tuple[str, int]:
    from .textio import _decode

    data, offset = read_part(part)
    return _decode(data, f"'{part[0]}'", offset, encoding), len(data)


def worker_threads() -> ContextManager[int]:
    """Numba threads on a worker: as many as the worker has task threads (no oversubscription)."""
    try:
        from distributed import get_worker

        worker = get_worker()
        n = getattr(getattr(worker, "state", worker), "nthreads", None) or 0
    except (ImportError, ValueError):
        n = 0  # not on a worker: all cores
    return numba_threads(max(0, int(n)))


def tree_reduce(client: Any, futures: list, merge: Callable, *args: Any) -> Any:
    """Merge ``futures`` in order, FAN_IN at a time, on the workers; returns the last future."""
    if not futures:
        raise MinentError("nothing to merge")
    while len(futures) > 1:
        futures = [
            client.submit(merge, *args, *futures[i : i + FAN_IN], retries=2) if len(futures[i : i + FAN_IN]) > 1
            else futures[i]
            for i in range(0, len(futures), FAN_IN)
        ]
    return futures[0]


def track(futures: list, parts: list, stage: str, total: int, progress: ProgressCallback) -> None:
    """Report progress as partition tasks finish (bytes of finished partitions); raises the first failure."""
    if progress is no_progress:
        return
    pending = {f.key: (f, p[2] - p[1]) for f, p in zip(futures, parts)}
    done = 0
    while pending:
        finished = [key for key, (f, _) in pending.items() if f.done()]
        for key in finished:
            future, size = pending.pop(key)
            if future.status != "finished":
                future.result()  # raises the worker's exception
            done += size
        if finished:
            progress(stage, done, total)
        else:
            time.sleep(0.05)


def merge_count_tables(*partials: tuple) -> tuple[np.ndarray, np.ndarray]:
    """Sorted count tables ``(keys, counts)`` merged into one, summing the counts of shared keys."""
    from .kernels.counts import merge_tables

    keys, counts = partials[0]
    for kb, cb in partials[1:]:
        keys, counts = merge_tables(keys, counts, kb, cb) if len(keys) else (kb, cb)
    return keys, counts
