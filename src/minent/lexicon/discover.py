"""Lexicon discovery by the minimum-entropy principle (mutual-information criterion).

A corpus is cheapest to remember as a sequence of words when words are the strings
whose parts stick together. The first pass:

1. count every n-gram of 1..order ideographs inside runs (N = number of ideographs);
2. keep an n-gram w (n >= 2) when c(w) >= min_count and its weakest split has
   PMI = ln(N c(w) / (c(w[:k]) c(w[k:]))) >= theta_n;
3. cut each run between two neighbours unless a kept n-gram spans both;
4. count the pieces and drop those seen fewer than min_count times;
5. backtrack: drop pieces of 3..order characters that are not kept n-grams, and longer
   pieces unless every window of ``order`` characters is a kept n-gram.

The corpus is read twice, in chunks (counting, then cutting), so memory is bounded by
the count tables, not by the input size; ``min_count`` applies only after all chunks
are merged, so the counts are exact.
"""

from __future__ import annotations

import math
import os
import time
from collections import Counter
from itertools import compress
from concurrent.futures import ThreadPoolExecutor
from typing import IO, Iterable, Iterator, Mapping, Optional, Sequence, Union

import numba
import numpy as np

from ..common import chars
from ..common.errors import MinentError
from ..common.kernels import numba_threads
from ..common.lexicon import BuildStats, Lexicon
from ..common.progress import ProgressCallback, no_progress
from ..common.textio import CHUNK_BYTES, Corpus, PathLike
from . import boundary
from .counts import CountTable, count_ngrams, entropy_bits, finish_tables, ideograph_ids, rare_below, words_ids
from .defaults import (CANDIDATE_MIN_COUNT, DEFAULT_ITERATIONS, DEFAULT_MIN_COUNT, DEFAULT_ORDER, DEFAULT_REFINE, MAX_ORDER,
                       default_thresholds, min_count_for)
from .kernels import ngrams as k
from .known import Adapted, adapt, known_counts, own_savings
from .peaks import PeakModel, peak_counts, peak_model, peak_pairs, with_peak_pairs
from .refine import refine

assert MAX_ORDER <= chars.MAX_PACKED

#: ids of a corpus up to this many bytes (2 an ideograph: a ~390 MB UTF-8 corpus) are kept between the
#: passes; a larger one is read again, so peak memory stops growing with the input at this size
MEMORY_BUDGET = 256 << 20
# bytes of n-gram count tables held in memory while counting, a share for each length; a table
# that would pass its share spills to a temporary file (exact: merged back a key range at a
# time at the end; a merge briefly needs about twice a share)
TABLE_BUDGET = 1 << 30


def as_corpus(corpus: Union[Corpus, PathLike, Iterable], encoding: str = "utf-8") -> Corpus:
    """Accept a Corpus, a path (``pathlib.Path``), a list of paths, or strings of text."""
    if isinstance(corpus, Corpus):
        return corpus
    if isinstance(corpus, os.PathLike):
        return Corpus.from_files([corpus], encoding)
    if isinstance(corpus, str):
        return Corpus.from_texts([corpus])
    items = list(corpus)
    if items and all(isinstance(x, os.PathLike) for x in items):
        return Corpus.from_files(items, encoding)
    return Corpus.from_texts(items)


class HeldIds:
    """The corpus as ids, kept between the passes so that it is read (and decoded) once.

    Up to ``budget`` bytes the chunks stay in memory. Beyond it, a corpus that can be read
    again (regular files) is read again by the later passes, so memory stops growing with
    the input; a stream that cannot (standard input, a FIFO, ``<(cmd)``) has its ids spilled
    to an unnamed temporary file (2 bytes an ideograph, about 2/3 of the UTF-8 text; it
    disappears when closed, even if the process is killed), so every source gives the same
    lexicon as the same bytes in a regular file.
    """

    def __init__(self, budget: int, spill: bool) -> None:
        self.budget = budget
        self.spill = spill
        self._chunks: list[np.ndarray] = []
        self._nbytes = 0
        self._dropped = False
        self._spool: Optional[IO[bytes]] = None
        self._lengths: list[int] = []

    @property
    def complete(self) -> bool:
        """Whether every chunk is held (in memory or in the spill file)."""
        return not self._dropped

    def add(self, ids: np.ndarray) -> None:
        if self._dropped:
            return
        if self._spool is not None:
            self._write(ids)
            return
        self._nbytes += ids.nbytes
        if self._nbytes <= self.budget:
            self._chunks.append(ids)
        elif not self.spill:
            self._chunks.clear()
            self._dropped = True
        else:
            import tempfile

            self._spool = tempfile.TemporaryFile(prefix="minent-ids-")
            for chunk in self._chunks:
                self._write(chunk)
            self._chunks.clear()
            self._write(ids)

    def _write(self, ids: np.ndarray) -> None:
        assert self._spool is not None
        try:
            self._spool.write(memoryview(np.ascontiguousarray(ids)).cast("B"))
        except OSError as e:
            raise MinentError(f"cannot hold the corpus read from a stream in a temporary file "
                              f"(TMPDIR): {e.strerror or e}") from None
        self._lengths.append(len(ids))

    def replay(self, release: bool = False) -> Iterator[np.ndarray]:
        """The held chunks in order (``release``: drop in-memory chunks as they are handed out)."""
        if self._spool is None:
            if release:
                while self._chunks:
                    yield self._chunks.pop(0)
            else:
                yield from list(self._chunks)
            return
        self._spool.seek(0)
        for n in self._lengths:
            ids = np.empty(n, dtype=np.uint16)
            if self._spool.readinto(memoryview(ids).cast("B")) != ids.nbytes:
                raise MinentError("the temporary file holding the corpus was cut short")
            yield ids

    def close(self) -> None:
        self._chunks.clear()
        if self._spool is not None:
            self._spool.close()
            self._spool = None


def cut_chunk(ids: np.ndarray, kept_set: np.ndarray, order: int, short: CountTable, long_pieces: Counter) -> None:
    """Cut one chunk of ids where no kept n-gram covers two neighbours; count its pieces of up
    to four symbols in ``short`` and the longer ones, as strings, in ``long_pieces``."""
    short_keys, short_counts, long_starts, long_lengths = k.counted_cut(ids, kept_set, order,
                                                                      4 * numba.get_num_threads())
    short.add(short_keys, short_counts)
    long_pieces.update(chars.span_counts(ids, long_starts, long_lengths))


class LexiconBuilder:
    """Learns a lexicon from raw text (scikit-learn style: ``fit`` then ``lexicon_``, ``stats_``).

    Parameters
    ----------
    order : longest n-gram counted (1..4).
    min_count : fewest occurrences for a kept n-gram and for a first-pass lexicon entry; None
        (the default): 2 with ``refine`` (a string seen twice; refinement prunes the rest by
        their saving), 5 for the first pass alone.
    min_pmi : cohesion thresholds theta_2..theta_order (natural log); default 1, 3, 5, ...
    jobs : threads for the parallel kernels; 0 means all cores.
    progress : callback ``(stage, done, total)``, called as each stage advances: "counting",
        "cohesion", "cutting", then with ``refine`` "branching entropy", "autonomy cut" and
        "refining: round N" (see :mod:`minent.common.progress` for their units).
    memory_budget : the ids of a corpus up to this size (2 bytes an ideograph) are kept for
        the later passes; a larger corpus is read again instead.
    table_budget : bytes of n-gram count tables kept in memory while counting (16 bytes a
        distinct n-gram), a share for each length; a table that would pass its share is
        written to a temporary file and merged back, exactly, at the end. After counting,
        the n-grams seen once are dropped (what the later steps need of them is kept as a few
        sums), so memory then follows the n-grams seen at least twice.
    refine : after the first pass, learn the lexicon again by the boundary signal and refine it
        by the minimum-entropy principle (:mod:`minent.lexicon.boundary`, :mod:`minent.lexicon.peaks`,
        :mod:`minent.lexicon.refine`). On PKU this raises segmentation F1 from 0.747 to 0.816
        (top-1000 real words: 91.3% -> 90.7%), for about 2.4 times the time. On by default.
    iterations : most pruning rounds of the refinement.
    known : a dictionary the corpus's words are judged against (a :class:`Lexicon`, a mapping
        word -> count, or file paths, combined): the lexicon then holds the discovered words,
        those the dictionary lacks only when they earn their place next to it
        (:mod:`minent.lexicon.known`); ``new_words_`` holds those alone.
    scores : also compute, for every word of the result, the columns of ``scores_`` (see
        :data:`SCORE_COLUMNS`); costs the branching-entropy pass when ``refine`` is off.
    """

    def __init__(
        self,
        order: int = DEFAULT_ORDER,
        min_count: Optional[int] = DEFAULT_MIN_COUNT,
        min_pmi: Optional[Sequence[float]] = None,
        jobs: int = 0,
        progress: Optional[ProgressCallback] = None,
        chunk_bytes: int = CHUNK_BYTES,
        memory_budget: int = MEMORY_BUDGET,
        table_budget: int = TABLE_BUDGET,
        refine: bool = DEFAULT_REFINE,
        iterations: int = DEFAULT_ITERATIONS,
        known: Union[Lexicon, Mapping[str, float], Sequence[PathLike], None] = None,
        scores: bool = False,
    ) -> None:
        if not isinstance(order, (int, np.integer)) or not 1 <= order <= MAX_ORDER:
            raise MinentError(f"order must be a whole number from 1 to {MAX_ORDER}, got {order}")
        min_count = min_count_for(bool(refine), min_count)
        if isinstance(min_count, bool) or not isinstance(min_count, (int, np.integer)) or min_count < 1:
            raise MinentError(f"min_count must be a whole number >= 1, got {min_count}")
        thresholds = default_thresholds(order) if min_pmi is None else [float(t) for t in min_pmi]
        if len(thresholds) != order - 1:
            raise MinentError(
                f"min_pmi needs {order - 1} value(s), one for each n-gram length 2..{order}, got {len(thresholds)}"
            )
        if any(math.isnan(t) for t in thresholds):
            raise MinentError("min_pmi values must be numbers")
        if not isinstance(iterations, (int, np.integer)) or iterations < 0:
            raise MinentError(f"iterations must be a whole number >= 0, got {iterations}")
        self.order = int(order)
        self.min_count = int(min_count)
        self.min_pmi = thresholds
        self.jobs = jobs
        self.progress = progress or no_progress
        self.chunk_bytes = chunk_bytes
        self.memory_budget = memory_budget  # bytes of ideograph ids kept between the passes
        self.table_budget = table_budget
        self.refine = bool(refine)
        self.iterations = int(iterations)
        self.known = known
        self.scores = bool(scores)

    # -- the two passes ---------------------------------------------------------------
    def _chunks_of_ids(self, corpus: Corpus, stage: Optional[str], kept: Optional["HeldIds"]) -> Iterable[np.ndarray]:
        """Ideograph ids of the corpus, chunk by chunk, reporting progress as ``stage``.

        When ``kept`` is given, the chunks are also handed to it for the later passes.
        """
        total, done = corpus.total_bytes(), 0
        for text, size in corpus.chunks(self.chunk_bytes):
            self._has_text = self._has_text or (text != "" and not text.isspace())
            ids = ideograph_ids(text)
            del text
            if kept is not None:
                kept.add(ids)
            done += size
            self._n_bytes = done
            yield ids
            if stage is not None:  # None: the pass that reads reports itself (in ideographs)
                self.progress(stage, done, total)

    def _count_ngrams(self, corpus: Corpus, pool: ThreadPoolExecutor, threads: int) -> list[CountTable]:
        """Pass 1: exact counts of the n-grams, one table per length (index 1..order), each
        chunk counted in ``threads`` slices an order on ``pool``; finished (those seen once
        dropped, see :func:`~minent.lexicon.counts.finish_tables`)."""
        # each table its share of the budget (it spills before a merge would pass it)
        tables = [CountTable(self.table_budget // self.order) for _ in range(self.order + 1)]
        self.progress("counting", 0, corpus.total_bytes())  # the first chunk takes a while: show the stage now
        self._held = HeldIds(self.memory_budget, spill=not corpus.rereadable)
        try:
            for ids in self._chunks_of_ids(corpus, "counting", self._held):
                count_ngrams(ids, self.order, tables, pool.map, threads)
            finish_tables(tables, rare_below(self.min_count), tally=self.refine or self.scores)
        finally:
            for t in tables:
                t.close()
        return tables

    def _cut(self, corpus: Corpus, kept_set: np.ndarray, peaks: Optional[PeakModel] = None,
             pool: Optional[ThreadPoolExecutor] = None) -> tuple[CountTable, Counter, Optional[CountTable]]:
        """Pass 2: cut the runs into pieces and count them (pieces over 4 characters as strings);
        with a ``peaks`` model, count the pairs at the peaks of cohesion too (else None)."""
        short = CountTable()
        long_pieces: Counter = Counter()
        peak_table = CountTable() if peaks is not None else None
        if self._held.complete:
            chunks: Iterable[np.ndarray] = self._held.replay(release=not self.refine)  # refinement needs them again
        else:
            chunks = self._chunks_of_ids(corpus, "cutting", None)
        for ids in chunks:
            cut_chunk(ids, kept_set, self.order, short, long_pieces)
            if peak_table is not None:
                peak_table.add(*peak_counts(ids, peaks, pool))
        return short, long_pieces, peak_table

    def _peak_model(self, tables: list[CountTable], known: Optional[Lexicon]) -> Optional[PeakModel]:
        """What the cut needs to count the refinement's pairs at the peaks of cohesion
        (:mod:`minent.lexicon.peaks`); None without refinement, below order 2, or beside a
        dictionary that is not empty: it holds the common words the peaks find, and beside it
        they add only pieces of its longer words (体化 of 一体化)."""
        if not self.refine or self.order < 2 or known:
            return None
        return peak_model((tables[1].keys, tables[1].counts), (tables[2].keys, tables[2].counts))

    # -- public -----------------------------------------------------------------------
    def fit(self, corpus: Union[Corpus, PathLike, Iterable], encoding: str = "utf-8") -> "LexiconBuilder":
        """Learn the lexicon of ``corpus`` (see :func:`build_lexicon` for what it accepts)."""
        started = time.perf_counter()
        corpus = as_corpus(corpus, encoding)
        known = self._dictionary()
        self._has_text, self._n_bytes = False, 0
        self._held: Optional[HeldIds] = None
        try:
            with numba_threads(self.jobs) as n_threads, ThreadPoolExecutor(max(1, n_threads)) as pool:
                tables = self._count_ngrams(corpus, pool, max(1, n_threads))
                if not self._has_text:
                    raise MinentError(f"the corpus {', '.join(corpus.names)} is empty")
                char_counts = tables[1].counts
                n_chars = int(char_counts.sum())
                if n_chars == int(char_counts[tables[1].keys == chars.NUM_ID].sum()):  # numbers alone
                    raise MinentError(
                        f"the corpus {', '.join(corpus.names)} has no Chinese characters (CJK ideographs)"
                    )
                n_bytes = self._n_bytes
                n_ngrams = sum(t.distinct for t in tables)
                kept_keys = self._kept_ngrams(tables, n_chars)
                n_kept = len(kept_keys)
                model = self._peak_model(tables, known)
                if not self.refine and not self.scores:
                    del tables
                kept_set = k.build_key_set(kept_keys)
                del kept_keys
                self.progress("cutting", 0, None)  # counted in bytes only when the corpus is read again
                short, long_pieces, peak_table = self._cut(corpus, kept_set, model, pool)
                del model
                peaks = None if peak_table is None else peak_pairs(
                    (peak_table.keys, peak_table.counts), (tables[2].keys, tables[2].counts), CANDIDATE_MIN_COUNT)
                del peak_table
                lexicon_counts = self._select_pieces(short, long_pieces, kept_set)
                del kept_set
                cut_bits = entropy_bits(np.concatenate([short.counts, np.fromiter(long_pieces.values(), np.int64)]))
                n_pieces = len(short) + len(long_pieces)
                del short, long_pieces
                if self.refine:  # all that refinement takes of the first pass (with_cohesive_pairs)
                    lexicon_counts = {w: c for w, c in lexicon_counts.items() if len(w) == 2}
                history = []
                entropies: dict = {}
                chunks = lambda: self._refinement_chunks(corpus)  # noqa: E731
                if self.scores and not self.refine:
                    boundary.autonomy(tables, chunks, pool, self.progress, entropies, self.table_budget)
                if self.refine:
                    all_keys, all_scores = boundary.autonomy(tables, chunks, pool, self.progress,
                                                             entropies if self.scores else None, self.table_budget)
                    if not self.scores:
                        del tables
                    candidates = boundary.candidate_lexicon(
                        boundary.boundary_counts(all_keys, all_scores, self.order, chunks, 4 * n_threads,
                                                 self.progress, n_chars),
                        CANDIDATE_MIN_COUNT,
                    )
                    candidates = with_peak_pairs(boundary.with_cohesive_pairs(candidates, lexicon_counts), peaks)
                    del peaks
                    del all_keys, all_scores
                    lexicon_counts, rounds = refine(
                        candidates, chunks, n_chars, CANDIDATE_MIN_COUNT, self.iterations, self.jobs, self.progress,
                    )
                    history = [r.as_dict() for r in rounds]
                adapted = self._judge(lexicon_counts, known)
                if adapted is not None:
                    lexicon_counts = adapted.counts
                if self.scores:
                    self.scores_ = word_scores(lexicon_counts, tables, n_chars, entropies, adapted)
                tables = entropies = None
        finally:
            if self._held is not None:
                self._held.close()
            self._held = None
            corpus.close()
        self._keep_result(lexicon_counts, adapted, BuildStats(
            n_chars=n_chars,
            n_bytes=n_bytes,
            n_ngrams=n_ngrams,
            n_kept=n_kept,
            n_pieces=n_pieces,
            bits_per_char_chars=entropy_bits(char_counts) / n_chars,
            bits_per_char_words=cut_bits / n_chars,
            seconds=time.perf_counter() - started,
            history=history,
        ))
        return self

    def _dictionary(self) -> Optional[Lexicon]:
        """The dictionary ``known`` as a Lexicon (None without one)."""
        return None if self.known is None else known_counts(self.known)

    def _judge(self, counts: dict, known: Optional[Lexicon]) -> Optional[Adapted]:
        """The discovered words judged against the dictionary ``known``, the builder's as
        :meth:`_dictionary` gives it (None without one)."""
        if known is None:
            return None
        self.progress("dictionary", 0, None)
        adapted = adapt(counts, known)
        self.progress("dictionary", 1, 1)
        return adapted

    def _keep_result(self, counts: dict, adapted: Optional[Adapted], stats: BuildStats) -> None:
        """``lexicon_`` (``counts``, judged when there is a dictionary), ``new_words_`` and ``stats_``
        of a fit, here or on a cluster."""
        self.stats_ = stats
        self.lexicon_ = Lexicon(counts, stats=stats)
        self.new_words_ = adapted.new_words() if adapted is not None else None
        if self.new_words_ is not None:
            self.new_words_.stats = stats

    def _refinement_chunks(self, corpus: Corpus) -> Iterable[np.ndarray]:
        """The corpus as ideograph ids once more: from memory when it was kept, else read again."""
        if self._held.complete:
            return self._held.replay()
        return self._chunks_of_ids(corpus, None, None)  # the refinement stages report their own progress

    def _kept_ngrams(self, tables: list[CountTable], n_chars: int) -> np.ndarray:
        """Sorted keys of the n-grams (n >= 2) that pass min_count and their cohesion threshold."""
        tables_keys = tuple(t.keys for t in tables[1:])
        tables_counts = tuple(t.counts for t in tables[1:])
        kept = []
        self.progress("cohesion", 0, self.order - 1)
        for n in range(2, self.order + 1):
            t = tables[n]
            pmi = k.weakest_split_pmi(t.keys, t.counts, n, tables_keys, tables_counts, n_chars, self.min_count)
            kept.append(t.keys[pmi >= self.min_pmi[n - 2]])
            self.progress("cohesion", n - 1, self.order - 1)
        return np.concatenate(kept) if kept else np.empty(0, dtype=np.uint64)

    def _select_pieces(self, short: CountTable, long_pieces: Counter, kept_set: np.ndarray) -> dict[str, int]:
        """Steps 4-5: min_count, then the backtrack rule; returns word -> count."""
        frequent = short.counts >= self.min_count
        keys, counts = short.keys[frequent], short.counts[frequent]
        ok = k.backtrack_mask(keys, kept_set, self.order)
        words = chars.unpack_many(keys[ok])
        result = dict(zip(words, counts[ok].tolist()))
        long_words = [word for word, count in long_pieces.items() if count >= self.min_count]
        lengths = np.fromiter(map(len, long_words), dtype=np.int64, count=len(long_words))
        ok = k.words_all_kept(words_ids(long_words), lengths, kept_set, self.order)
        result.update((word, long_pieces[word]) for word in compress(long_words, ok.tolist()))
        return result


def build_lexicon(
    corpus: Union[Corpus, PathLike, Iterable],
    order: int = DEFAULT_ORDER,
    min_count: Optional[int] = DEFAULT_MIN_COUNT,
    min_pmi: Optional[Sequence[float]] = None,
    jobs: int = 0,
    progress: Optional[ProgressCallback] = None,
    encoding: str = "utf-8",
    refine: bool = DEFAULT_REFINE,
    iterations: int = DEFAULT_ITERATIONS,
    known: Union[Lexicon, Mapping[str, float], Sequence[PathLike], None] = None,
    new_only: bool = False,
) -> Lexicon:
    """Discover the words of a corpus; returns a :class:`Lexicon` whose ``stats`` hold the figures.

    ``corpus`` is a ``pathlib.Path`` or a list of them (files, read in chunks), a
    :class:`Corpus`, or text: a string or an iterable of strings (documents or lines).
    Plain strings are always text, never file names. With ``known`` (a dictionary: see
    :class:`LexiconBuilder`), ``new_only`` returns only the words the dictionary lacks that
    earn their place next to it, with their corpus counts, out of all the corpus's tokens
    (``Lexicon.total``), ready to combine with the dictionary (``Segmenter([dictionary, new])``).
    """
    if new_only and known is None:
        raise MinentError("new_only needs a dictionary (known=...)")
    builder = LexiconBuilder(order=order, min_count=min_count, min_pmi=min_pmi, jobs=jobs, progress=progress,
                             refine=refine, iterations=iterations, known=known)
    builder.fit(corpus, encoding=encoding)
    return builder.new_words_ if new_only else builder.lexicon_


#: the columns of ``--scores`` / ``LexiconBuilder.scores_``, in order, with what they hold
SCORE_COLUMNS = {
    "cohesion": "the weakest split's PMI, min over k of ln(N c(w) / (c(w[:k]) c(w[k:]))) (nats; "
                "nan for one character, and, as both entropies, for a word longer than --order)",
    "left_entropy": "entropy of the character before the word (nats, Miller-Madow; each run edge a distinct "
                    "neighbour)",
    "right_entropy": "entropy of the character after the word (the same)",
    "saving": "nats an occurrence that coding the word as a unit saves against its cheapest cut (with a "
              "dictionary: into the dictionary's words, under the dictionary and the corpus together; else "
              "into the lexicon's other words; nan for one character)",
}


def word_scores(counts: Mapping[str, float], tables: list, n_chars: int, entropies: dict,
                adapted: Optional[Adapted]) -> dict[str, dict[str, float]]:
    """The :data:`SCORE_COLUMNS` of every word of ``counts`` (column -> word -> value); the
    n-gram figures need the word to be an n-gram that was counted (1..order symbols)."""
    order = len(tables) - 1
    tables_keys = tuple(t.keys for t in tables[1:])
    tables_counts = tuple(t.counts for t in tables[1:])
    columns: dict[str, dict[str, float]] = {name: {} for name in SCORE_COLUMNS}
    by_length: dict[int, list[str]] = {}
    for word in counts:
        if len(word) <= order:
            by_length.setdefault(len(word), []).append(word)
    for n, words in by_length.items():
        table = tables[n]
        if not len(table.keys):
            continue
        keys = np.array([chars.pack(w) for w in words], dtype=np.uint64)
        at, found = k.positions_in(table.keys, keys)
        pmi = (k.weakest_split_pmi(table.keys[at], table.counts[at], n, tables_keys, tables_counts, n_chars, 1)
               if n > 1 else None)
        for i, word in enumerate(words):
            if not found[i]:
                continue
            if pmi is not None:
                columns["cohesion"][word] = float(pmi[i])
            columns["left_entropy"][word] = float(entropies["left"][n][at[i]])
            columns["right_entropy"][word] = float(entropies["right"][n][at[i]])
    savings = own_savings(counts)
    if adapted is not None:
        savings.update(adapted.saving)
    columns["saving"] = {w: g for w, g in savings.items() if w in counts}
    return columns
