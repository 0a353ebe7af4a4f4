"""``minent apriori`` on a Dask cluster: the same itemsets (same ids, same order) as a local run.

The baskets are read and encoded per partition on the workers; item counts, the pairs of
level 2 and, level by level, the supports of the candidates are counted per partition with
the local functions and summed in a tree. The levels themselves are those of the local
run (:func:`minent.itemsets.mining.levelwise`), fed with the merged counts.
"""

from __future__ import annotations

import math
import os
import time
from typing import Any, Optional, Sequence, Union

import numpy as np

from ..common.cluster import (Part, cluster_errors, connect, merge_count_tables, partitions, read_part, tree_reduce,
                              worker_threads)
from ..common.errors import MinentError
from ..common.progress import ProgressCallback, no_progress
from .baskets import FORMATS, _records, detect_format, header_rule, read_baskets
from .kernels import support as K
from .mining import (FrequentItemsets, _check_options, _encode_transactions, _min_count, _n_blocks, count_extensions,
                     item_bitsets, levelwise, select_target)


def _parse_baskets_part(part: Part, fmt: str) -> list:
    """Baskets of one partition of a csv or fimi file (blank lines skipped, like read_baskets)."""
    data, offset = read_part(part)
    name = f"'{part[0]}'"
    nul = data.find(b"\x00")
    if nul >= 0:
        raise MinentError(f"{name} looks like a binary file (NUL byte at byte offset {offset + nul}); expected text")
    try:
        text = data.decode("utf-8-sig" if offset == 0 else "utf-8")
    except UnicodeDecodeError as e:
        raise MinentError(f"{name} is not valid UTF-8: bad byte at byte offset {offset + e.start}") from None
    if fmt == "csv" and '"' in text and any(line.count('"') % 2 for line in text.split("\n")):
        raise MinentError(
            f"{name} has a quoted CSV field spanning lines (near byte offset {offset}); a cluster run splits "
            "files at line ends: run it without --scheduler"
        )
    return [items for _, items in _records(text, fmt, f"{name} (the part from byte offset {offset})")]


def _load_baskets(source: Any, fmt: Optional[str]) -> dict:
    """A partition's baskets as CSR codes (unique per basket) with its labels in first-seen order."""
    baskets = _parse_baskets_part(source, fmt) if fmt is not None else source
    if not baskets:
        return {"codes": np.empty(0, np.int32), "starts": np.zeros(1, np.int64), "labels": []}
    codes, starts, labels = _encode_transactions(baskets)
    with worker_threads():
        codes, starts = K.unique_per_basket(codes, starts)
    return {"codes": codes, "starts": starts, "labels": labels}


def _item_counts(loaded: dict) -> tuple[list, np.ndarray, int]:
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
    id_of_code = np.fromiter((id_of_label.get(x, -1) for x in loaded["labels"]), dtype=np.int32,
                             count=len(loaded["labels"]))
    with worker_threads():
        items, item_starts = K.encode_baskets(loaded["codes"], loaded["starts"], id_of_code)
        offsets, tids, positions = K.vertical_lists(items, item_starts, m)
    return {"items": items, "starts": item_starts, "offsets": offsets, "tids": tids, "positions": positions,
            "m": m, "n": len(item_starts) - 1}


def _pair_counts(enc: dict) -> tuple[np.ndarray, np.ndarray]:
    """Every pair of frequent items present in the partition, as (sorted keys a*m+b, counts)."""
    m = enc["m"]
    with worker_threads():
        pairs, counts = K.frequent_pairs(enc["items"], enc["starts"], enc["offsets"], enc["tids"],
                                         enc["positions"], m, 1, _n_blocks())
    keys = pairs[:, 0].astype(np.uint64) * np.uint64(m) + pairs[:, 1].astype(np.uint64)
    return keys, counts  # lexicographic pairs: keys already sorted


def _first_record(head_text: str, fmt: str, name: str) -> Optional[list[str]]:
    """The items of the file's first record, from its first lines (None when they hold none)."""
    whole = head_text[: head_text.rfind("\n") + 1] or head_text
    try:
        records = _records(whole, fmt, name)
    except MinentError:
        return None  # the workers will say what is wrong
    return records[0][1] if records else None


def _counts_after_first(first: list[str], labels: list, code_counts: np.ndarray) -> np.ndarray:
    """The item counts of the baskets after the first record (each basket holds an item once:
    repeats were removed)."""
    counts = code_counts.copy()
    index = {label: i for i, label in enumerate(labels)}
    for x in set(first):
        if x in index:  # always, unless the first line outgrew the head that was read
            counts[index[x]] -= 1
    return counts


def _without_first(first: list[str], labels: list, rest: np.ndarray, n: int) -> tuple:
    """Labels, counts and basket count without the first record (``rest``: its counts, from
    :func:`_counts_after_first`); its labels seen nowhere else go, as locally, where a header
    is skipped before any item gets a code."""
    in_first = set(first)
    keep = [i for i, label in enumerate(labels) if rest[i] > 0 or label not in in_first]
    return [labels[i] for i in keep], rest[keep], n - 1


def _n_baskets(loaded: dict) -> int:
    return len(loaded["starts"]) - 1


def _drop_first_basket(loaded: dict) -> dict:
    """A partition's baskets without its first one (the file's header record)."""
    starts = loaded["starts"]
    if len(starts) < 2:
        return loaded
    return {"codes": loaded["codes"][starts[1]:], "starts": starts[1:] - starts[1], "labels": loaded["labels"]}


def _bitsets(enc: dict) -> tuple:
    with worker_threads():
        return item_bitsets(enc["offsets"], enc["tids"], enc["n"])


def _extension_counts(bitsets: tuple, shared: tuple) -> np.ndarray:
    with worker_threads():
        return count_extensions(bitsets, *shared)


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
    header: Optional[bool] = None,
    target: str = "all",
) -> FrequentItemsets:
    """:func:`minent.apriori` on a Dask cluster: the same itemsets (same ids, same order).

    ``baskets`` is a csv or fimi file (path or fsspec URL) read by the workers in byte
    ranges, a long-format file (read here, then sent), or a list of baskets or a DataFrame
    as :func:`minent.apriori` takes it (sent in ``n_partitions`` pieces). Item counts and then, level by level, candidate supports are
    counted per partition on the workers and summed in a tree; candidates are generated here.
    ``header`` is :func:`~minent.itemsets.baskets.read_baskets`'s: a csv file's first record is
    judged a header from the summed item counts, by the local rule, and then taken out.
    ``target`` is :func:`minent.apriori`'s: the levels come back here, and the closed or
    maximal ones are picked from them on this machine, as locally.
    """
    _check_options(min_support, min_count, max_len, target)
    started = time.perf_counter()
    sources: list
    if isinstance(baskets, (str, os.PathLike)):
        path = str(baskets)
        if fmt is not None and fmt not in FORMATS:
            raise MinentError(f"--format must be one of {', '.join(FORMATS)}, got '{fmt}'")
        parts = partitions([path], partition_bytes)
        head, _ = read_part((path, 0, min(parts[-1][2], 1 << 16), 0))
        head_text = head.decode("utf-8-sig", errors="replace")
        if fmt is None:
            fmt = detect_format(path, head_text)
        if parts[-1][2] == 0:
            raise MinentError(f"'{path}' is empty")
        if fmt == "long":  # baskets span lines: read here, then split
            baskets = read_baskets(path, fmt, header)
        else:
            sources, source_fmt = parts, fmt
            first = _first_record(head_text, fmt, f"'{path}'") if header is not False else None
    if not isinstance(baskets, (str, os.PathLike)):
        first = None
        if isinstance(baskets, (bytes,)):
            raise MinentError("transactions must be an iterable of baskets, not a string")
        from .frames import frame_baskets, is_frame

        baskets = frame_baskets(baskets) if is_frame(baskets) else list(baskets)
        k = max(1, n_partitions or 1)
        step = max(1, math.ceil(len(baskets) / k))
        sources, source_fmt = [baskets[i : i + step] for i in range(0, len(baskets), step)] or [[]], None

    with connect(address) as client, cluster_errors(address):
        if source_fmt is None:
            sources = client.scatter(sources, hash=False)
        loaded = [client.submit(_load_baskets, s, source_fmt, retries=2) for s in sources]
        counted = [client.submit(_item_counts, f, retries=2) for f in loaded]
        labels, code_counts, n = tree_reduce(client, counted, _merge_item_counts).result()
        rest = _counts_after_first(first, labels, code_counts) if first is not None else None
        if rest is not None and (header is True or (header is None and source_fmt == "csv" and header_rule(
                first, n - 1, dict(zip(labels, rest.tolist()))))):
            labels, code_counts, n = _without_first(first, labels, rest, n)
            sizes = client.gather([client.submit(_n_baskets, f) for f in loaded])
            at = next(i for i, size in enumerate(sizes) if size > 0)  # the partition holding the first record
            loaded[at] = client.submit(_drop_first_basket, loaded[at], retries=2)
        del counted
        if n == 0:
            raise MinentError("no baskets to mine" if source_fmt is None else f"'{sources[0][0]}' holds no items")
        if len(labels) == 0:
            raise MinentError("the baskets hold no items")
        on_workers: dict = {}

        def frequent_pairs(id_of_code: np.ndarray, m: int, min_count: int) -> tuple[np.ndarray, np.ndarray]:
            id_of_label = client.scatter({labels[c]: int(i) for c, i in enumerate(id_of_code.tolist()) if i >= 0},
                                         broadcast=True, hash=False)
            on_workers["encoded"] = [client.submit(_encode_part, f, id_of_label, m, retries=2) for f in loaded]
            loaded.clear()
            pairs = [client.submit(_pair_counts, e, retries=2) for e in on_workers["encoded"]]
            keys, counts = tree_reduce(client, pairs, merge_count_tables).result()
            frequent = counts >= min_count
            keys = keys[frequent]
            level = np.empty((len(keys), 2), dtype=np.int32)
            level[:, 0] = keys // np.uint64(m)
            level[:, 1] = keys % np.uint64(m)
            return level, counts[frequent]

        def extension_counts(level: np.ndarray, ext_starts: np.ndarray, ext_items: np.ndarray) -> np.ndarray:
            if "bitsets" not in on_workers:
                on_workers["bitsets"] = [client.submit(_bitsets, e, retries=2) for e in on_workers.pop("encoded")]
            shared = client.scatter((level, ext_starts, ext_items), broadcast=True, hash=False)
            partial = [client.submit(_extension_counts, b, shared, retries=2) for b in on_workers["bitsets"]]
            return tree_reduce(client, partial, _sum_arrays).result()

        found = levelwise(labels, code_counts, n, _min_count(min_support, min_count, n), max_len, frequent_pairs,
                          extension_counts, progress, started)
    return select_target(found, target, started)
