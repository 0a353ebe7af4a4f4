"""``minent segment`` on a Dask cluster: partitions of the input segmented on the workers by
the very :class:`~minent.segment.segmenter.Segmenter` of a local run, written in input order.
"""

from __future__ import annotations

import io
import time
from typing import IO, Any, Callable, Optional

from ..common.cluster import Part, cluster_errors, connect, decode_part, partitions, worker_threads
from ..common.progress import ProgressCallback, no_progress
from ..common.textio import check_encoding
from .segmenter import SegmentStats


def _segment_part(segmenter: Any, part: Part, delimiter: str, encoding: str, mode: str,
                  format: str) -> tuple[str, int, int, int]:
    text, n_bytes = decode_part(part, encoding)
    with worker_threads() as n:
        segmenter.jobs = n  # the worker's copy: as many kernel threads as task threads
        if mode == "default" and format == "text" and not segmenter._filtering:
            out = "".join(segmenter.segment_chunks([text], delimiter))  # a partition starts a line
        else:
            out = segmenter.render_lines(text, delimiter, mode, format)  # whole lines, as segment_file's
    return out, n_bytes, len(text), text.count("\n")

def segment_file(
    address: str,
    segmenter: Any,
    source: str,
    output: IO[str],
    delimiter: str = " ",
    encoding: str = "utf-8",
    progress: ProgressCallback = no_progress,
    partition_bytes: Optional[int] = None,
    *,
    mode: str = "default",
    format: str = "text",
) -> SegmentStats:
    """:meth:`Segmenter.segment_file` on a Dask cluster: same output, written in input order.

    The segmenter is sent to every worker once; partitions are segmented on the workers and
    written as they complete in order, with a bounded number in flight (memory stays flat).
    """
    encoding = check_encoding(encoding)
    parts = partitions([str(source)], partition_bytes)
    total = sum(p[2] - p[1] for p in parts)
    stats = SegmentStats()
    started = time.perf_counter()
    if isinstance(output, io.TextIOBase):
        write: Callable[[str], Any] = output.write
    else:  # a binary stream gets UTF-8
        def write(text: str) -> Any:
            return output.write(text.encode("utf-8", "surrogatepass"))
    with connect(address) as client, cluster_errors(address):
        n_workers = max(1, sum(client.nthreads().values()))
        shared = client.scatter(segmenter, broadcast=True, hash=False)
        window = 2 * n_workers
        pending: list = []
        next_part = 0
        while next_part < len(parts) or pending:
            while next_part < len(parts) and len(pending) < window:
                pending.append(client.submit(_segment_part, shared, parts[next_part], delimiter, encoding, mode, format,
                                             pure=False, retries=2))
                next_part += 1
            future = pending.pop(0)
            out, n_bytes, n_chars, n_lines = future.result()
            future.release()
            write(out)
            stats.n_bytes += n_bytes
            stats.n_chars += n_chars
            stats.n_lines += n_lines
            progress("segmenting", stats.n_bytes, total)
    stats.seconds = time.perf_counter() - started
    return stats
