"""``minent build-lexicon`` on a Dask cluster: the same lexicon as a local run.

Each pass of :class:`~minent.lexicon.discover.LexiconBuilder` runs per partition on the
workers with the local functions (counting, the cut, the boundary signal, the refinement's
re-segmentation), and the partial count tables are merged exactly in a tree; the global
steps between the passes (the kept n-grams, the selection, the autonomy scores, the
refinement loop itself) are the local ones, run once on the merged tables.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from typing import Any, Optional, Sequence, Union

import numpy as np

from ..common import chars
from ..common.cluster import (Part, cluster_errors, connect, decode_part, merge_count_tables, partitions, track,
                              tree_reduce, worker_threads)
from ..common.errors import MinentError
from ..common.lexicon import BuildStats, Lexicon
from ..common.progress import ProgressCallback, no_progress
from ..common.textio import check_encoding
from ..segment.segmenter import Segmenter
from . import boundary
from .counts import CountTable, count_ngrams, entropy_bits, finish_tables, ideograph_ids, rare_below
from .defaults import DEFAULT_ITERATIONS, DEFAULT_REFINE, min_count_for
from .discover import CANDIDATE_MIN_COUNT, LexiconBuilder, cut_chunk
from .kernels import ngrams as k
from .peaks import PeakModel, peak_counts, peak_model, peak_pairs, with_peak_pairs
from .refine import chunk_word_counts, refine as refine_loop


def _count_part(part: Part, order: int, encoding: str) -> dict:
    """Pass 1 on one partition: exact count tables of n-grams, n = 1..order (as a local chunk)."""
    text, n_bytes = decode_part(part, encoding)
    has_text = text != "" and not text.isspace()
    ids = ideograph_ids(text)
    del text
    tables = [CountTable() for _ in range(order + 1)]
    with worker_threads():
        count_ngrams(ids, order, tables)
    return {"tables": [(t.keys, t.counts) for t in tables[1:]], "n_bytes": n_bytes, "has_text": has_text}


def _merge_counts(*partials: dict) -> dict:
    return {"tables": [merge_count_tables(*tables) for tables in zip(*(p["tables"] for p in partials))],
            "n_bytes": sum(p["n_bytes"] for p in partials), "has_text": any(p["has_text"] for p in partials)}


def _builder(params: dict):
    return LexiconBuilder(order=params["order"], min_count=params["min_count"], min_pmi=params["min_pmi"])


def _count_tables(rows: list) -> list:
    """:class:`~minent.lexicon.counts.CountTable` objects, index 1..order (0 unused), of merged
    (keys, counts) rows, or of the (keys, counts, distinct, dropped_right, dropped_left) rows
    of the tables :func:`_kept` finished."""
    tables = [CountTable()]
    for row in rows:
        t = CountTable()
        t.keys, t.counts = row[:2]
        if len(row) > 2:
            t.distinct, t.dropped_right, t.dropped_left = row[2:]
        tables.append(t)
    return tables


def _kept(counts: dict, params: dict, with_tables: bool) -> dict:
    """The global step between the passes: the kept n-grams, the figures of the stats and, when
    ``with_tables`` (for the refinement), the tables finished as a local build finishes them."""
    tables = _count_tables(counts["tables"])
    finish_tables(tables, rare_below(params["min_count"]), tally=with_tables)
    char_counts = tables[1].counts
    n_chars = int(char_counts.sum())
    n_ideographs = n_chars - int(char_counts[tables[1].keys == chars.NUM_ID].sum())  # numbers aside
    summary = {"has_text": counts["has_text"], "n_chars": n_chars, "n_ideographs": n_ideographs,
               "n_bytes": counts["n_bytes"], "n_ngrams": sum(t.distinct for t in tables),
               "bits_chars": entropy_bits(char_counts) / n_chars if n_chars else 0.0}
    finished = [(t.keys, t.counts, t.distinct, t.dropped_right, t.dropped_left)
                for t in tables[1:]] if with_tables else None
    if n_ideographs == 0:
        return {"summary": summary, "kept_set": None, "n_kept": 0, "tables": finished}
    with worker_threads():
        kept_keys = _builder(params)._kept_ngrams(tables, n_chars)
    return {"summary": summary, "kept_set": k.build_key_set(kept_keys), "n_kept": len(kept_keys),
            "tables": finished}


def _kept_summary(kept: dict) -> dict:
    return {"n_kept": kept["n_kept"], **kept["summary"]}


def _kept_set(kept: dict) -> np.ndarray:
    return kept["kept_set"]


def _cut_part(part: Part, kept_set: np.ndarray, order: int, encoding: str, peaks: Optional[PeakModel]) -> tuple:
    """Pass 2 on one partition: the pieces of the cut, short ones as a count table, long ones as
    strings, and with a ``peaks`` model the pairs at the peaks of cohesion as a count table (else None)."""
    text, _ = decode_part(part, encoding)
    ids = ideograph_ids(text)
    del text
    short = CountTable()
    long_pieces: Counter = Counter()
    with worker_threads():
        cut_chunk(ids, kept_set, order, short, long_pieces)
        peak_table = peak_counts(ids, peaks) if peaks is not None else None
    return short.keys, short.counts, long_pieces, peak_table


def _merge_cuts(*partials: tuple) -> tuple:
    """The merged (keys, counts, long pieces) of cuts, and the merged peaks table when the
    partials carry one (:func:`_cut_part`; the refinement's word counts do not)."""
    keys, counts = merge_count_tables(*(p[:2] for p in partials))
    long_pieces: Counter = Counter()
    for p in partials:
        long_pieces.update(p[2])  # in partition order: first occurrences stay in text order
    if len(partials[0]) == 3:
        return keys, counts, long_pieces
    peak_tables = [p[3] for p in partials]
    return keys, counts, long_pieces, merge_count_tables(*peak_tables) if peak_tables[0] is not None else None


def _select(cuts: tuple, kept_set: np.ndarray, params: dict) -> tuple[dict, int, float]:
    """Steps 4-5 (min_count, backtrack) on the merged pieces; returns (word -> count, pieces, bits)."""
    keys, counts, long_pieces, _ = cuts
    short = CountTable()
    short.keys, short.counts = keys, counts
    words = _builder(params)._select_pieces(short, long_pieces, kept_set)
    bits = entropy_bits(np.concatenate([counts, np.fromiter(long_pieces.values(), np.int64)]))
    return words, len(keys) + len(long_pieces), bits


def _peak_model(kept: dict, with_peaks: bool) -> Optional[PeakModel]:
    """The model of the pairs at the peaks of cohesion, as :meth:`LexiconBuilder._peak_model
    <minent.lexicon.discover.LexiconBuilder._peak_model>` makes it (None without them)."""
    tables = kept["tables"]
    if not with_peaks or tables is None or len(tables) < 2:
        return None
    return peak_model(tables[0][:2], tables[1][:2])


def _peak_candidates(cuts: tuple, kept: dict) -> Optional[dict]:
    """The pairs at the peaks of cohesion of the merged cut that join the candidates (None without them)."""
    peaks = cuts[3]
    return None if peaks is None else peak_pairs(peaks, kept["tables"][1][:2], CANDIDATE_MIN_COUNT)


def _ids_of_part(part: Part, encoding: str) -> np.ndarray:
    text, _ = decode_part(part, encoding)
    return ideograph_ids(text)


def _top_index(kept: dict) -> tuple:
    """Key index of the finished ``order``-gram table: where the neighbour pairs are counted."""
    return k.build_key_index(kept["tables"][-1][0])


def _pair_part(part: Part, index: tuple, order: int, encoding: str) -> tuple:
    """Neighbour pairs of the ``order``-grams of one partition: ((right keys, counts), (left keys, counts))."""
    ids = _ids_of_part(part, encoding)
    with worker_threads():
        return boundary.neighbour_pair_counts(ids, order, index)


def _merge_pair_tables(*partials: tuple) -> tuple:
    right, left = partials[0]
    rest = partials[1:]
    return merge_count_tables(right, *(r for r, _ in rest)), merge_count_tables(left, *(l for _, l in rest))


def _autonomy(kept: dict, pairs: tuple) -> tuple:
    """The autonomy of every usable n-gram, computed once (on one worker) and indexed for the cut:
    every partition cuts with the very same floats, those of a local run."""

    right, left = pairs
    with worker_threads():
        return boundary.score_index(*boundary.autonomy_from_pairs(_count_tables(kept["tables"]), right, left))


def _autonomy_cut_part(part: Part, scores: tuple, order: int, encoding: str) -> tuple:
    """The words of the autonomy cut of one partition, as a (sorted keys, counts) table."""
    ids = _ids_of_part(part, encoding)
    with worker_threads() as n:
        return boundary.autonomy_cut_counts(ids, scores, order, 4 * n)


def _candidates(words: tuple, min_count: int) -> dict:
    return boundary.candidate_lexicon(boundary.word_counts(*words), min_count)


def _boundary_candidates(client: Any, parts: list, kept: Any, order: int, encoding: str, total: int,
                         progress: ProgressCallback) -> dict:
    """:func:`minent.lexicon.boundary.autonomy`, the autonomy cut and :func:`~minent.lexicon.boundary.candidate_lexicon`
    on the cluster (the start of refinement): the same candidates, in the same order, as a local run."""

    index = client.submit(_top_index, kept, retries=2)
    paired = [client.submit(_pair_part, p, index, order, encoding, retries=2) for p in parts]
    track(paired, parts, "branching entropy", total, progress)
    pairs = tree_reduce(client, paired, _merge_pair_tables)
    scores = client.submit(_autonomy, kept, pairs, retries=2)
    del index, paired, pairs
    cut = [client.submit(_autonomy_cut_part, p, scores, order, encoding, retries=2) for p in parts]
    track(cut, parts, "autonomy cut", total, progress)
    words = tree_reduce(client, cut, merge_count_tables)
    return client.submit(_candidates, words, CANDIDATE_MIN_COUNT, retries=2).result()


def _make_segmenter(counts: dict) -> Any:
    return Segmenter(counts)


def _segment_count_part(part: Part, segmenter: Any, encoding: str) -> tuple:
    """One partition cut by the unigram model (as refinement cuts it), its words counted like the pieces."""
    text, _ = decode_part(part, encoding)
    ids = ideograph_ids(text)
    del text
    with worker_threads() as n:
        segmenter.jobs = n
        return chunk_word_counts(segmenter, ids)


def _as_word_counts(merged: tuple) -> dict:
    keys, counts, long_words = merged
    result = dict(zip(chars.unpack_many(keys), counts.tolist()))
    result.update(long_words)
    return result


def _segment_counts(client: Any, parts: list, counts: dict, encoding: str) -> dict:
    """``minent.lexicon.refine.segment_counts`` on the cluster: the same dict, in the same order."""
    segmenter = client.submit(_make_segmenter, counts, retries=2)
    partial = [client.submit(_segment_count_part, p, segmenter, encoding, retries=2) for p in parts]
    return client.submit(_as_word_counts, tree_reduce(client, partial, _merge_cuts), retries=2).result()


def _refine(client: Any, parts: list, counts: dict, n_chars: int, min_count: int, iterations: int,
            encoding: str, progress: ProgressCallback) -> tuple[dict, list]:
    """:func:`minent.lexicon.refine.refine` with its corpus passes on the cluster."""
    return refine_loop(counts, None, n_chars, min_count, iterations, progress=progress,
                       count_words=lambda lexicon: _segment_counts(client, parts, lexicon, encoding))


def build_lexicon(
    address: str,
    paths: Sequence[Union[str, os.PathLike]],
    order: int = 4,
    min_count: Optional[int] = None,
    min_pmi: Optional[Sequence[float]] = None,
    encoding: str = "utf-8",
    progress: ProgressCallback = no_progress,
    partition_bytes: Optional[int] = None,
    refine: bool = DEFAULT_REFINE,
    iterations: Optional[int] = None,
    *,
    with_peaks: bool = True,
) -> Lexicon:
    """:func:`minent.build_lexicon` on a Dask cluster; the same lexicon and stats (but seconds).

    Pass 1 counts n-grams per partition and merges the tables in a tree on the workers; the
    kept set is computed on one worker and sent from there to the cut tasks; pass 2 cuts each
    partition and merges the piece counts in a tree; the selection runs on a worker too.

    With ``refine``, as :meth:`LexiconBuilder.fit`: the neighbours of the longest n-grams are
    counted per partition and merged exactly; the autonomy of every n-gram is computed once, on
    one worker, from the merged tables, and those same arrays go to every partition's autonomy
    cut; the merged word counts give the candidates, with the pairs at the peaks of cohesion
    counted in each partition's cut (``with_peaks``; off beside a dictionary, as in a local
    build), which :func:`_refine` re-estimates and prunes with corpus passes on the workers.
    """

    started = time.perf_counter()
    min_count = min_count_for(bool(refine), min_count)
    builder = _builder({"order": order, "min_count": min_count, "min_pmi": min_pmi})  # checks the options
    if iterations is None:
        iterations = DEFAULT_ITERATIONS
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
    with connect(address) as client, cluster_errors(address):
        counted = [client.submit(_count_part, p, builder.order, encoding, retries=2) for p in parts]
        track(counted, parts, "counting", total, progress)
        merged = tree_reduce(client, counted, _merge_counts)
        kept = client.submit(_kept, merged, params, bool(refine), retries=2)
        summary = client.submit(_kept_summary, kept).result()
        if not summary["has_text"]:
            raise MinentError(f"the corpus {names} is empty")
        if summary["n_ideographs"] == 0:
            raise MinentError(f"the corpus {names} has no Chinese characters (CJK ideographs)")
        kept_set = client.submit(_kept_set, kept)
        model = client.submit(_peak_model, kept, bool(refine) and with_peaks, retries=2)
        del counted, merged  # ``kept`` holds the finished tables
        cut = [client.submit(_cut_part, p, kept_set, builder.order, encoding, model, retries=2) for p in parts]
        track(cut, parts, "cutting", total, progress)
        pieces = tree_reduce(client, cut, _merge_cuts)
        words, n_pieces, cut_bits = client.submit(_select, pieces, kept_set, params, retries=2).result()
        peaks = client.submit(_peak_candidates, pieces, kept, retries=2).result()
        del cut, pieces, kept_set, model
        history: list = []
        # as LexiconBuilder.fit: candidates from the boundary signal, then the refinement loop
        candidates = _boundary_candidates(client, parts, kept, builder.order, encoding, total,
                                          progress) if refine else None
        del kept  # the finished tables are not needed again
        if refine:
            candidates = with_peak_pairs(boundary.with_cohesive_pairs(candidates, words), peaks)
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


def fit(builder: LexiconBuilder, address: str, paths: Sequence[Union[str, os.PathLike]],
        encoding: str = "utf-8") -> LexiconBuilder:
    """:meth:`LexiconBuilder.fit <minent.lexicon.discover.LexiconBuilder.fit>` on the Dask
    cluster at ``address``, whose workers read ``paths``: the same ``lexicon_``, ``stats_``
    and ``new_words_``. With the builder's ``known``, the words are judged against the
    dictionary here, from the cluster's lexicon, as ``fit`` judges them. ``scores`` needs the
    n-gram tables on one machine and is not available here."""
    if builder.scores:
        raise MinentError("scores are not available on a cluster yet (they need the n-gram tables on one machine)")
    known = builder._dictionary()
    lexicon = build_lexicon(address, paths, builder.order, builder.min_count, builder.min_pmi, encoding,
                            builder.progress, refine=builder.refine, iterations=builder.iterations,
                            with_peaks=not known)
    counts = lexicon.to_dict()
    adapted = builder._judge(counts, known)
    builder._keep_result(counts if adapted is None else adapted.counts, adapted, lexicon.stats)
    return builder
