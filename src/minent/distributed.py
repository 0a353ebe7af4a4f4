"""Running build-lexicon, segment and apriori on a Dask cluster (``dask.distributed``).

Everything that touches Dask lives here, so the rest of minent never imports it. The
input files are split into byte ranges aligned to line starts; each range is read by a
worker (a path on a shared file system, or any fsspec URL), decoded, and fed to the same
Numba kernels as a local run. Partial results (count tables, candidate supports) are
merged on the workers in a tree, and only the merged result comes back, so every result
is exactly the local one: counts are summed, never sampled or pruned, and thresholds apply
only after the global merge.

Faults: a task on a worker that dies is re-run by Dask on another worker (its inputs are
tasks too, so they are recomputed); a task that keeps killing workers, a lost scheduler or
an unreachable one ends the run with a :class:`~minent.errors.MinentError`, never with a
partial result.
"""

from __future__ import annotations

import io
import math
import os
import time
from collections import Counter
from contextlib import contextmanager
from typing import IO, Any, Callable, Iterator, Optional, Sequence, Union

import numpy as np

from .defaults import DEFAULT_REFINE
from .errors import MinentError
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


def _dask():
    try:
        import distributed
    except ImportError:
        raise MinentError(INSTALL_HINT) from None
    return distributed


@contextmanager
def connect(address: str, timeout: Optional[float] = None) -> Iterator[Any]:
    """A ``distributed.Client`` on ``address``, closed on exit; unreachable -> MinentError after
    ``timeout`` s (default :data:`CONNECT_TIMEOUT`)."""
    distributed = _dask()
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
def _cluster_errors(address: str) -> Iterator[None]:
    """Turn Dask's failures into one-line MinentErrors (a MinentError from a worker passes through)."""
    distributed = _dask()
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


def _decode_part(part: Part, encoding: str) -> tuple[str, int]:
    from .textio import _decode

    data, offset = read_part(part)
    return _decode(data, f"'{part[0]}'", offset, encoding), len(data)


@contextmanager
def _worker_threads() -> Iterator[int]:
    """Numba threads on a worker: as many as the worker has task threads (no oversubscription)."""
    import numba

    try:
        from distributed import get_worker

        worker = get_worker()
        n = getattr(getattr(worker, "state", worker), "nthreads", None) or numba.config.NUMBA_NUM_THREADS
    except (ImportError, ValueError):
        n = numba.config.NUMBA_NUM_THREADS
    before = numba.get_num_threads()
    numba.set_num_threads(max(1, min(int(n), numba.config.NUMBA_NUM_THREADS)))
    try:
        yield numba.get_num_threads()
    finally:
        numba.set_num_threads(before)


def _tree_reduce(client: Any, futures: list, merge: Callable, *args: Any) -> Any:
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


# ---------------------------------------------------------------------------------------
# segment


def _segment_part(segmenter: Any, part: Part, delimiter: str, encoding: str) -> tuple[str, int, int, int]:
    text, n_bytes = _decode_part(part, encoding)
    with _worker_threads() as n:
        segmenter.jobs = n  # the worker's copy: as many kernel threads as task threads
        out = "".join(segmenter.segment_chunks([text], delimiter))  # a partition starts a line
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
) -> Any:
    """:meth:`Segmenter.segment_file` on a Dask cluster: same output, written in input order.

    The segmenter is sent to every worker once; partitions are segmented on the workers and
    written as they complete in order, with a bounded number in flight (memory stays flat).
    """
    from .segment import SegmentStats
    from .textio import check_encoding

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
    with connect(address) as client, _cluster_errors(address):
        n_workers = max(1, sum(client.nthreads().values()))
        shared = client.scatter(segmenter, broadcast=True, hash=False)
        window = 2 * n_workers
        pending: list = []
        next_part = 0
        while next_part < len(parts) or pending:
            while next_part < len(parts) and len(pending) < window:
                pending.append(client.submit(_segment_part, shared, parts[next_part], delimiter, encoding,
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


# ---------------------------------------------------------------------------------------
# build-lexicon


def _count_part(part: Part, order: int, encoding: str) -> dict:
    """Pass 1 on one partition: exact count tables of n-grams, n = 1..order."""
    from . import chars
    from .discover import CountTable, ideograph_ids
    from .kernels import ngrams as k

    text, n_bytes = _decode_part(part, encoding)
    has_text = text != "" and not text.isspace()
    ids = ideograph_ids(text)
    del text
    tables = []
    with _worker_threads():
        unigrams = k.count_ideographs(ids, chars.N_SYMBOLS)
        present = np.flatnonzero(unigrams)
        tables.append((present.astype(np.uint64), unigrams[present].astype(np.int64)))
        for n in range(2, order + 1):
            t = CountTable()
            t.add_occurrences(k.window_keys(ids, n))
            tables.append((t.keys, t.counts))
    return {"tables": tables, "n_bytes": n_bytes, "has_text": has_text}


def _merge_counts(*partials: dict) -> dict:
    from .kernels import ngrams as k

    merged = partials[0]
    for other in partials[1:]:
        tables = []
        for (ka, ca), (kb, cb) in zip(merged["tables"], other["tables"]):
            tables.append(k.merge_tables(ka, ca, kb, cb) if len(ka) else (kb, cb))
        merged = {"tables": tables, "n_bytes": merged["n_bytes"] + other["n_bytes"],
                  "has_text": merged["has_text"] or other["has_text"]}
    return merged


def _builder(params: dict):
    from .discover import LexiconBuilder

    return LexiconBuilder(order=params["order"], min_count=params["min_count"], min_pmi=params["min_pmi"])


def _count_tables(counts: dict) -> list:
    """The merged tables as :class:`~minent.discover.CountTable` objects, index 1..order (0 unused)."""
    from .discover import CountTable

    tables = [CountTable()]
    for keys, values in counts["tables"]:
        t = CountTable()
        t.keys, t.counts = keys, values
        tables.append(t)
    return tables


def _kept(counts: dict, params: dict) -> dict:
    """The global step between the passes: kept n-grams and the figures of the stats."""
    from .discover import entropy_bits
    from .kernels import ngrams as k

    tables = _count_tables(counts)
    char_counts = tables[1].counts
    n_chars = int(char_counts.sum())
    from . import chars

    n_ideographs = n_chars - int(char_counts[tables[1].keys == chars.NUM_ID].sum())  # numbers aside
    summary = {"has_text": counts["has_text"], "n_chars": n_chars, "n_ideographs": n_ideographs,
               "n_bytes": counts["n_bytes"], "n_ngrams": sum(len(t) for t in tables),
               "bits_chars": entropy_bits(char_counts) / n_chars if n_chars else 0.0}
    if n_ideographs == 0:
        return {"summary": summary, "kept_set": None, "n_kept": 0}
    with _worker_threads():
        kept_keys = _builder(params)._kept_ngrams(tables, n_chars)
    return {"summary": summary, "kept_set": k.build_key_set(kept_keys), "n_kept": len(kept_keys)}


def _kept_summary(kept: dict) -> dict:
    return {"n_kept": kept["n_kept"], **kept["summary"]}


def _kept_set(kept: dict) -> np.ndarray:
    return kept["kept_set"]


def _cut_part(part: Part, kept_set: np.ndarray, order: int, encoding: str) -> tuple:
    """Pass 2 on one partition: the pieces of the cut, short ones as a count table, long ones as strings."""
    import numba

    from . import chars
    from .discover import CountTable, ideograph_ids
    from .kernels import ngrams as k

    text, _ = _decode_part(part, encoding)
    ids = ideograph_ids(text)
    del text
    short = CountTable()
    long_pieces: Counter = Counter()
    with _worker_threads():
        short_keys, long_starts, long_lengths = k.cut(ids, kept_set, order, 4 * numba.get_num_threads())
        short.add_occurrences(short_keys)
    long_pieces.update(chars.span_words(ids, long_starts, long_lengths))
    return short.keys, short.counts, long_pieces


def _merge_cuts(*partials: tuple) -> tuple:
    from .kernels import ngrams as k

    keys, counts, long_pieces = partials[0]
    long_pieces = Counter(long_pieces)
    for kb, cb, lb in partials[1:]:
        keys, counts = k.merge_tables(keys, counts, kb, cb) if len(keys) else (kb, cb)
        long_pieces.update(lb)  # in partition order: first occurrences stay in text order
    return keys, counts, long_pieces


def _select(cuts: tuple, kept_set: np.ndarray, params: dict) -> tuple[dict, int, float]:
    """Steps 4-5 (min_count, backtrack) on the merged pieces; returns (word -> count, pieces, bits)."""
    from .discover import CountTable, entropy_bits

    keys, counts, long_pieces = cuts
    short = CountTable()
    short.keys, short.counts = keys, counts
    words = _builder(params)._select_pieces(short, long_pieces, kept_set)
    bits = entropy_bits(np.concatenate([counts, np.fromiter(long_pieces.values(), np.int64)]))
    return words, len(keys) + len(long_pieces), bits


def _ids_of_part(part: Part, encoding: str) -> np.ndarray:
    from .discover import ideograph_ids

    text, _ = _decode_part(part, encoding)
    return ideograph_ids(text)


def _top_index(counts: dict) -> tuple:
    """Key index of the merged ``order``-gram table: where the neighbour pairs are counted."""
    from .kernels import entropy as ke

    return ke.build_key_index(counts["tables"][-1][0])


def _pair_part(part: Part, index: tuple, order: int, encoding: str) -> tuple:
    """Neighbour pairs of the ``order``-grams of one partition: ((right keys, counts), (left keys, counts))."""
    from . import boundary

    ids = _ids_of_part(part, encoding)
    with _worker_threads():
        return boundary.neighbour_pair_counts(ids, order, index)


def _merge_pair_tables(*partials: tuple) -> tuple:
    right, left = partials[0]
    rest = partials[1:]
    return _merge_pairs(right, *(r for r, _ in rest)), _merge_pairs(left, *(l for _, l in rest))


def _autonomy(counts: dict, pairs: tuple) -> tuple:
    """The autonomy of every usable n-gram, computed once (on one worker) and indexed for the cut:
    every partition cuts with the very same floats, those of a local run."""
    from . import boundary

    right, left = pairs
    with _worker_threads():
        return boundary.score_index(*boundary.autonomy_from_pairs(_count_tables(counts), right, left))


def _autonomy_cut_part(part: Part, scores: tuple, order: int, encoding: str) -> tuple:
    """The words of the autonomy cut of one partition, as a (sorted keys, counts) table."""
    from . import boundary

    ids = _ids_of_part(part, encoding)
    with _worker_threads() as n:
        return boundary.autonomy_cut_counts(ids, scores, order, 4 * n)


def _candidates(words: tuple, min_count: int) -> dict:
    from . import boundary

    return boundary.candidate_lexicon(boundary.word_counts(*words), min_count)


def _boundary_candidates(client: Any, parts: list, counts: Any, order: int, encoding: str, total: int,
                         progress: ProgressCallback) -> dict:
    """:func:`minent.boundary.autonomy`, the autonomy cut and :func:`~minent.boundary.candidate_lexicon`
    on the cluster (the start of refinement): the same candidates, in the same order, as a local run."""
    from .discover import CANDIDATE_MIN_COUNT

    index = client.submit(_top_index, counts, retries=2)
    paired = [client.submit(_pair_part, p, index, order, encoding, retries=2) for p in parts]
    _track(paired, parts, "branching entropy", total, progress)
    pairs = _tree_reduce(client, paired, _merge_pair_tables)
    scores = client.submit(_autonomy, counts, pairs, retries=2)
    del index, paired, pairs
    cut = [client.submit(_autonomy_cut_part, p, scores, order, encoding, retries=2) for p in parts]
    _track(cut, parts, "autonomy cut", total, progress)
    words = _tree_reduce(client, cut, _merge_pairs)
    return client.submit(_candidates, words, CANDIDATE_MIN_COUNT, retries=2).result()


def _make_segmenter(counts: dict) -> Any:
    from .segment import Segmenter

    return Segmenter(counts)


def _segment_count_part(part: Part, segmenter: Any, encoding: str) -> tuple:
    """One partition cut by the unigram model (as refinement cuts it), its words counted like the pieces."""
    from .discover import ideograph_ids
    from .refine import chunk_word_counts

    text, _ = _decode_part(part, encoding)
    ids = ideograph_ids(text)
    del text
    with _worker_threads() as n:
        segmenter.jobs = n
        return chunk_word_counts(segmenter, ids)


def _as_word_counts(merged: tuple) -> dict:
    from . import chars

    keys, counts, long_words = merged
    result = dict(zip(chars.unpack_many(keys), counts.tolist()))
    result.update(long_words)
    return result


def _segment_counts(client: Any, parts: list, counts: dict, encoding: str) -> dict:
    """``minent.refine.segment_counts`` on the cluster: the same dict, in the same order."""
    segmenter = client.submit(_make_segmenter, counts, retries=2)
    partial = [client.submit(_segment_count_part, p, segmenter, encoding, retries=2) for p in parts]
    return client.submit(_as_word_counts, _tree_reduce(client, partial, _merge_cuts), retries=2).result()


def _refine(client: Any, parts: list, counts: dict, n_chars: int, min_count: int, iterations: int,
            encoding: str, progress: ProgressCallback) -> tuple[dict, list]:
    """:func:`minent.refine.refine` with its corpus passes on the cluster."""
    from .refine import refine

    return refine(counts, None, n_chars, min_count, iterations, progress=progress,
                  count_words=lambda lexicon: _segment_counts(client, parts, lexicon, encoding))


def build_lexicon(
    address: str,
    paths: Sequence[Union[str, os.PathLike]],
    order: int = 4,
    min_count: int = 5,
    min_pmi: Optional[Sequence[float]] = None,
    encoding: str = "utf-8",
    progress: ProgressCallback = no_progress,
    partition_bytes: Optional[int] = None,
    refine: bool = DEFAULT_REFINE,
    iterations: Optional[int] = None,
) -> Any:
    """:func:`minent.build_lexicon` on a Dask cluster; the same lexicon and stats (but seconds).

    Pass 1 counts n-grams per partition and merges the tables in a tree on the workers; the
    kept set is computed on one worker and sent from there to the cut tasks; pass 2 cuts each
    partition and merges the piece counts in a tree; the selection runs on a worker too.

    With ``refine``, as :meth:`LexiconBuilder.fit`: the neighbours of the longest n-grams are
    counted per partition and merged exactly; the autonomy of every n-gram is computed once, on
    one worker, from the merged tables, and those same arrays go to every partition's autonomy
    cut; the merged word counts give the candidates, which :func:`_refine` re-estimates and prunes
    with corpus passes on the workers.
    """
    from .lexicon import BuildStats, Lexicon
    from .textio import check_encoding

    started = time.perf_counter()
    builder = _builder({"order": order, "min_count": min_count, "min_pmi": min_pmi})  # checks the options
    if iterations is None:
        from .defaults import DEFAULT_ITERATIONS as iterations
    if not isinstance(iterations, (int, np.integer)) or iterations < 0:
        raise MinentError(f"iterations must be a whole number >= 0, got {iterations}")
    params = {"order": builder.order, "min_count": builder.min_count, "min_pmi": builder.min_pmi}
    encoding = check_encoding(encoding)
    urls = [str(p) for p in paths]
    if not urls:
        raise MinentError("no input files given")
    parts = partitions(urls, partition_bytes)
    total = sum(p[2] - p[1] for p in parts)
    names = ", ".join(urls)
    with connect(address) as client, _cluster_errors(address):
        counted = [client.submit(_count_part, p, builder.order, encoding, retries=2) for p in parts]
        _track(counted, parts, "counting", total, progress)
        merged = _tree_reduce(client, counted, _merge_counts)
        kept = client.submit(_kept, merged, params, retries=2)
        summary = client.submit(_kept_summary, kept).result()
        if not summary["has_text"]:
            raise MinentError(f"the corpus {names} is empty")
        if summary["n_ideographs"] == 0:
            raise MinentError(f"the corpus {names} has no Chinese characters (CJK ideographs)")
        kept_set = client.submit(_kept_set, kept)
        del counted
        if not refine:
            del merged  # the n-gram tables are needed again only by the boundary signal
        cut = [client.submit(_cut_part, p, kept_set, builder.order, encoding, retries=2) for p in parts]
        _track(cut, parts, "cutting", total, progress)
        pieces = _tree_reduce(client, cut, _merge_cuts)
        words, n_pieces, cut_bits = client.submit(_select, pieces, kept_set, params, retries=2).result()
        del cut, pieces, kept_set, kept
        history: list = []
        if refine:  # as LexiconBuilder.fit: candidates from the boundary signal, then the refinement loop
            from .discover import CANDIDATE_MIN_COUNT

            candidates = _boundary_candidates(client, parts, merged, builder.order, encoding, total, progress)
            del merged
            from .boundary import with_cohesive_pairs

            candidates = with_cohesive_pairs(candidates, words)
            words, rounds = _refine(client, parts, candidates, summary["n_chars"], CANDIDATE_MIN_COUNT,
                                    int(iterations), encoding, progress)
            history = [r.as_dict() for r in rounds]
    n_chars = summary["n_chars"]
    stats = BuildStats(
        n_chars=n_chars,
        n_bytes=summary["n_bytes"],
        n_ngrams=summary["n_ngrams"],
        n_kept=summary["n_kept"],
        n_pieces=n_pieces,
        bits_per_char_chars=summary["bits_chars"],
        bits_per_char_words=cut_bits / n_chars,
        seconds=time.perf_counter() - started,
        history=history,
    )
    return Lexicon(words, stats=stats)


def _track(futures: list, parts: list, stage: str, total: int, progress: ProgressCallback) -> None:
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


# ---------------------------------------------------------------------------------------
# apriori


def _parse_baskets_part(part: Part, fmt: str) -> list:
    """Baskets of one partition of a csv or fimi file (blank lines skipped, like read_baskets)."""
    from .baskets import _csv_rows

    data, offset = read_part(part)
    name = f"'{part[0]}'"
    nul = data.find(b"\x00")
    if nul >= 0:
        raise MinentError(f"{name} looks like a binary file (NUL byte at byte offset {offset + nul}); expected text")
    try:
        text = data.decode("utf-8-sig" if offset == 0 else "utf-8")
    except UnicodeDecodeError as e:
        raise MinentError(f"{name} is not valid UTF-8: bad byte at byte offset {offset + e.start}") from None
    baskets = []
    if fmt == "fimi":
        for line in text.splitlines():
            items = line.split()
            if items:
                baskets.append(items)
        return baskets
    if '"' in text and any(line.count('"') % 2 for line in text.split("\n")):
        raise MinentError(
            f"{name} has a quoted CSV field spanning lines (near byte offset {offset}); a cluster run splits "
            "files at line ends: run it without --scheduler"
        )
    for _, row in _csv_rows(text, f"{name} (the part from byte offset {offset})"):
        items = [x for x in (field.strip() for field in row) if x]
        if items:
            baskets.append(items)
    return baskets


def _load_baskets(source: Any, fmt: Optional[str]) -> dict:
    """A partition's baskets as CSR codes (unique per basket) with its labels in first-seen order."""
    from .itemsets import _encode_transactions
    from .kernels import support as K

    baskets = _parse_baskets_part(source, fmt) if fmt is not None else source
    if not baskets:
        return {"codes": np.empty(0, np.int32), "starts": np.zeros(1, np.int64), "labels": []}
    codes, starts, labels = _encode_transactions(baskets)
    with _worker_threads():
        codes, starts = K.unique_per_basket(codes, starts)
    return {"codes": codes, "starts": starts, "labels": labels}


def _item_counts(loaded: dict) -> tuple[list, np.ndarray, int]:
    from .kernels import support as K

    labels = loaded["labels"]
    return labels, K.item_frequencies(loaded["codes"], len(labels)), len(loaded["starts"]) - 1


def _merge_item_counts(*partials: tuple) -> tuple[list, np.ndarray, int]:
    """Labels in global first-seen order (partitions are merged in order), counts summed."""
    labels, counts, n = partials[0]
    labels = list(labels)
    index = {label: i for i, label in enumerate(labels)}
    total = list(counts.tolist())
    for other_labels, other_counts, other_n in partials[1:]:
        n += other_n
        for label, c in zip(other_labels, other_counts.tolist()):
            i = index.get(label)
            if i is None:
                index[label] = len(labels)
                labels.append(label)
                total.append(c)
            else:
                total[i] += c
    return labels, np.asarray(total, dtype=np.int64), n


def _encode_part(loaded: dict, id_of_label: dict, m: int) -> dict:
    """A partition's baskets as sorted dense ids of the frequent items, with their tid-lists."""
    from .kernels import support as K

    id_of_code = np.fromiter((id_of_label.get(x, -1) for x in loaded["labels"]), dtype=np.int32,
                             count=len(loaded["labels"]))
    with _worker_threads():
        items, item_starts = K.encode_baskets(loaded["codes"], loaded["starts"], id_of_code)
        offsets, tids, positions = K.vertical_lists(items, item_starts, m)
    return {"items": items, "starts": item_starts, "offsets": offsets, "tids": tids, "positions": positions,
            "m": m, "n": len(item_starts) - 1}


def _pair_counts(enc: dict) -> tuple[np.ndarray, np.ndarray]:
    """Every pair of frequent items present in the partition, as (sorted keys a*m+b, counts)."""
    from .itemsets import _n_blocks
    from .kernels import support as K

    m = enc["m"]
    with _worker_threads():
        pairs, counts = K.frequent_pairs(enc["items"], enc["starts"], enc["offsets"], enc["tids"],
                                         enc["positions"], m, 1, _n_blocks())
    keys = pairs[:, 0].astype(np.uint64) * np.uint64(m) + pairs[:, 1].astype(np.uint64)
    return keys, counts  # lexicographic pairs: keys already sorted


def _merge_pairs(*partials: tuple) -> tuple[np.ndarray, np.ndarray]:
    from .kernels import ngrams as k

    keys, counts = partials[0]
    for kb, cb in partials[1:]:
        keys, counts = k.merge_tables(keys, counts, kb, cb) if len(keys) else (kb, cb)
    return keys, counts


def _bitsets(enc: dict) -> tuple:
    """The item bitsets of a partition and their non-zero words (made once, for levels >= 3)."""
    from .kernels import support as K

    with _worker_threads():
        bits = K.item_bitsets(enc["offsets"], enc["tids"], enc["n"])
        return (bits, *K.nonzero_words(bits))


def _candidate_counts(bitsets: tuple, level: np.ndarray, ext_starts: np.ndarray, ext_items: np.ndarray) -> np.ndarray:
    """Support of every candidate extension in the partition (aligned with ``ext_items``)."""
    from . import itemsets
    from .kernels import support as K

    bits, word_starts, word_index = bitsets
    if bits.shape[1] == 0:
        return np.zeros(len(ext_items), dtype=np.int64)
    with _worker_threads():
        group_starts, group_ends = itemsets._group_order(level, ext_starts, word_starts, bits.shape[1])
        return K.count_groups(level, ext_starts, ext_items, bits, word_starts, word_index, group_starts,
                              group_ends, itemsets._n_blocks(), itemsets.COUNT_METHOD)


def _sum_arrays(*arrays: np.ndarray) -> np.ndarray:
    total = arrays[0].copy()
    for a in arrays[1:]:
        total += a
    return total


def apriori(
    address: str,
    baskets: Union[str, os.PathLike, Sequence[Sequence[Any]]],
    min_support: Optional[float] = None,
    max_len: Optional[int] = None,
    *,
    min_count: Optional[int] = None,
    fmt: Optional[str] = None,
    progress: ProgressCallback = no_progress,
    partition_bytes: Optional[int] = None,
    n_partitions: Optional[int] = None,
) -> Any:
    """:func:`minent.apriori` on a Dask cluster: the same itemsets (same ids, same order).

    ``baskets`` is a csv or fimi file (path or fsspec URL) read by the workers in byte
    ranges, a long-format file (read here, then sent), or a list of baskets (sent in
    ``n_partitions`` pieces). Item counts and then, level by level, candidate supports are
    counted per partition on the workers and summed in a tree; candidates are generated here.
    """
    from .itemsets import FrequentItemsets, LevelStats, _check_support, _n_blocks, min_count_for
    from .kernels import support as K

    _check_support(min_support, min_count)
    if max_len is not None and (isinstance(max_len, bool) or not isinstance(max_len, (int, np.integer))
                                or max_len < 1):
        raise MinentError(f"maximum itemset length must be a whole number of at least 1, got {max_len!r}")
    started = time.perf_counter()
    sources: list
    if isinstance(baskets, (str, os.PathLike)):
        from .baskets import FORMATS, detect_format, read_baskets

        path = str(baskets)
        if fmt is not None and fmt not in FORMATS:
            raise MinentError(f"--format must be one of {', '.join(FORMATS)}, got '{fmt}'")
        parts = partitions([path], partition_bytes)
        if fmt is None:
            head, _ = read_part((path, 0, min(parts[-1][2], 1 << 16), 0))
            fmt = detect_format(path, head.decode("utf-8-sig", errors="replace"))
        if parts[-1][2] == 0:
            raise MinentError(f"'{path}' is empty")
        if fmt == "long":  # baskets span lines: read here, then split
            baskets = read_baskets(path, fmt)
        else:
            sources, source_fmt = parts, fmt
    if not isinstance(baskets, (str, os.PathLike)):
        if isinstance(baskets, (bytes,)):
            raise MinentError("transactions must be an iterable of baskets, not a string")
        baskets = list(baskets)
        k = max(1, n_partitions or 1)
        step = max(1, math.ceil(len(baskets) / k))
        sources, source_fmt = [baskets[i : i + step] for i in range(0, len(baskets), step)] or [[]], None

    with connect(address) as client, _cluster_errors(address):
        if source_fmt is None:
            sources = client.scatter(sources, hash=False)
        loaded = [client.submit(_load_baskets, s, source_fmt, retries=2) for s in sources]
        counted = [client.submit(_item_counts, f, retries=2) for f in loaded]
        labels, code_counts, n = _tree_reduce(client, counted, _merge_item_counts).result()
        if n == 0:
            raise MinentError("no baskets to mine" if source_fmt is None else f"'{sources[0][0]}' holds no items")
        if len(labels) == 0:
            raise MinentError("the baskets hold no items")
        if min_count is None:
            min_count = min_count_for(0.01 if min_support is None else min_support, n)
        min_count = int(min_count)

        t0 = time.perf_counter()
        frequent_codes = np.flatnonzero(code_counts >= min_count)
        frequent_codes = frequent_codes[np.argsort(code_counts[frequent_codes], kind="stable")]
        m = len(frequent_codes)
        id_labels = [labels[c] for c in frequent_codes.tolist()]
        found = FrequentItemsets(labels=id_labels, levels=[], n_baskets=n, min_count=min_count)
        found.levels.append((np.arange(m, dtype=np.int32).reshape(m, 1), code_counts[frequent_codes].astype(np.int64)))
        found.stats.append(LevelStats(1, len(labels), m, time.perf_counter() - t0))
        progress("apriori levels", 1, max_len)
        if m < 2 or max_len == 1:
            found.seconds = time.perf_counter() - started
            return found

        t0 = time.perf_counter()
        id_of_label = client.scatter({label: i for i, label in enumerate(id_labels)}, broadcast=True, hash=False)
        encoded = [client.submit(_encode_part, f, id_of_label, m, retries=2) for f in loaded]
        del loaded, counted
        pairs = [client.submit(_pair_counts, e, retries=2) for e in encoded]
        keys, counts = _tree_reduce(client, pairs, _merge_pairs).result()
        del pairs
        frequent = counts >= min_count
        keys = keys[frequent]
        level = np.empty((len(keys), 2), dtype=np.int32)
        level[:, 0] = keys // np.uint64(m)
        level[:, 1] = keys % np.uint64(m)
        level_counts = counts[frequent]
        found.levels.append((level, level_counts))
        found.stats.append(LevelStats(2, m * (m - 1) // 2, len(level_counts), time.perf_counter() - t0))
        progress("apriori levels", 2, max_len)

        k, bitsets = 2, None
        while len(level_counts) > 0 and (max_len is None or k < max_len):
            t0 = time.perf_counter()
            ext_starts, ext_items = K.candidate_extensions(level, _n_blocks())
            n_candidates = len(ext_items)
            if n_candidates == 0:
                found.stats.append(LevelStats(k + 1, 0, 0, time.perf_counter() - t0))
                break
            if bitsets is None:
                bitsets = [client.submit(_bitsets, e, retries=2) for e in encoded]
                del encoded
            shared = client.scatter((level, ext_starts, ext_items), broadcast=True, hash=False)
            partial = [client.submit(_candidate_counts_shared, b, shared, retries=2) for b in bitsets]
            ext_counts = _tree_reduce(client, partial, _sum_arrays).result()
            del partial, shared
            level, level_counts = K.next_level(level, ext_starts, ext_items, ext_counts, min_count)
            k += 1
            if len(level_counts) > 0:
                found.levels.append((level, level_counts))
            found.stats.append(LevelStats(k, n_candidates, len(level_counts), time.perf_counter() - t0))
            progress("apriori levels", k, max_len)
    found.seconds = time.perf_counter() - started
    return found


def _candidate_counts_shared(bitsets: tuple, shared: tuple) -> np.ndarray:
    return _candidate_counts(bitsets, *shared)
