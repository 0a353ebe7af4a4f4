"""Minimum-entropy refinement of a lexicon: re-segment, re-count, prune, repeat.

The principle: the best lexicon is the one under which the corpus costs the least
information per character, L = (total information of the corpus coded as words) / N.
For a segmentation with word counts c (M tokens in all), coded by its own unigram model,
the total is T = M log M - sum c log c; N, the number of ideographs, does not change.

Two steps lower T, and refinement alternates them until L stops falling:

* Re-estimation (Viterbi training): cut the corpus by the unigram model of the current
  counts and count the words of that cut. Under the plain unigram model the new cut costs
  no more than the old one (it is the cheapest), and its own counts code it no worse
  (Gibbs), so L never rises; the cut below uses the model with a length prior, which can,
  so every round is checked.
* Pruning: a word w whose occurrences, coded as one unit, save less than the exact cost of
  keeping it goes, and its count moves to the words of its cheapest split. To first order
  removing w (c occurrences, split into k words a_i) changes T by c * (1 - g(w)), where
  g(w) = ln p(w) - sum ln p(a_i) is what coding w as a unit saves per occurrence (nats):
  w stays when g(w) > 1, the same bound as the merge rule theta_2 = 1 of the first pass.
  Words seen fewer than ``min_count`` times also go. Pruning is followed by re-estimation,
  and a round that would raise L is not taken: refinement stops there instead.

The cut uses the unigram model with a length prior: a word's probability is the probability
of its length times its frequency among the words of that length, p(w) = P(len w) c(w) / M_len,
where P is the geometric distribution with the mean word length of the counts, the
maximum-entropy distribution of lengths given their mean (the least committal one), instead
of the lengths' own distribution (which would give back c(w) / M). The counts of one cut
favour its own lengths (a phrase kept whole in the cut is counted whole and so is kept
whole again); the prior lets the cut weigh a word's length by what the mean length says
alone. On the three development sets it raises F1 by 0.4 to 0.7 points on the two large
ones and leaves the small one as it was (README, Accuracy). The lexicon written out holds
the corpus counts of the cut, not the prior's.

The corpus is cut by :class:`minent.segment.segmenter.Segmenter` (its Numba Viterbi kernel) and the
words are counted as packed keys (:mod:`minent.lexicon.kernels.ngrams`), never as Python strings,
except the rare words longer than four characters.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import Callable, Iterable, Mapping, Optional

import numpy as np

from ..common import chars
from ..common.kernels import first_index, run_blocks, thread_count, trie
from ..common.kernels.counts import count_keys, merge_tables, merged_tables
from ..common.progress import ProgressCallback, no_progress, reporting_chunks
from ..segment.kernels import viterbi
from ..segment.segmenter import Segmenter, word_arrays
from .kernels import ngrams as k

#: refinement stops when a round lowers L by less than this (bits per character)
TOLERANCE = 1e-3
#: coding a word as a unit must save more than this (nats an occurrence) for it to stay
MIN_GAIN = 1.0
#: a chunk of fewer ids has its words read and counted in one piece (threads cost more than they save)
MIN_SLICED_IDS = 1 << 16


@dataclass
class Round:
    """Figures of one refinement round (round 0: the first-pass lexicon, re-segmented)."""

    round: int
    bits_per_char: float  #: L after the round
    n_words: int  #: lexicon entries (single characters included)
    n_pruned: int  #: words pruned in the round
    accepted: bool  #: False for a round that would have raised L (its lexicon is not kept)

    def as_dict(self) -> dict:
        return dict(round=self.round, bits_per_char=self.bits_per_char, n_words=self.n_words,
                    n_pruned=self.n_pruned, accepted=self.accepted)


def total_bits(counts: Iterable[int]) -> float:
    """Information, in bits, of a token sequence with these counts under its own unigram model."""
    c = np.fromiter(counts, dtype=np.float64)
    c = c[c > 0]
    m = c.sum()
    return float(m * math.log2(m) - (c * np.log2(c)).sum()) if m else 0.0


def chunk_word_counts(segmenter, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray, Counter]:
    """Words of one chunk of ids cut by ``segmenter``: (sorted keys and counts of the words of
    up to four symbols, a Counter of the longer ones). The marks are read and the words
    counted a slice of the chunk a thread, the slices cut at separators."""
    codepoints = chars.PLAIN_CODEPOINT_OF_ID[ids]  # separators: U+0000, which no word crosses
    marks = segmenter._marks(codepoints)

    def slice_words(lo: int, hi: int) -> tuple:
        keys, starts, lengths = k.marked_word_keys(ids[lo:hi], marks[lo:hi], viterbi.START, viterbi.CONT)
        return (*count_keys(keys), starts + lo, lengths)

    threads = thread_count(segmenter.jobs)
    bounds = separator_bounds(ids, threads if len(ids) >= MIN_SLICED_IDS else 1)
    parts = run_blocks(slice_words, list(zip(bounds[:-1], bounds[1:])), threads)
    keys, counts = merged_tables([p[:2] for p in parts])
    long_starts = np.concatenate([p[2] for p in parts])
    long_lengths = np.concatenate([p[3] for p in parts])
    return keys, counts, Counter(chars.span_counts(ids, long_starts, long_lengths))


def separator_bounds(ids: np.ndarray, n_slices: int) -> list[int]:
    """Bounds of about ``n_slices`` equal slices of ``ids``, each inner bound at a separator
    (id 0, which no word crosses) or at the end."""
    m = len(ids)
    bounds = [0]
    for s in range(1, max(1, n_slices)):
        bounds.append(first_index(ids, 0, max(m * s // n_slices, bounds[-1])))
    bounds.append(m)
    return bounds


def with_length_prior(counts: dict[str, int]) -> dict[str, float]:
    """The counts of the unigram model with the geometric length prior (see the module's
    docstring): each word's count times P(len) / (M_len / M), P geometric with the mean length
    of the tokens. The lengths that occur then hold M P(len) each: normalised by their sum (as
    the Segmenter does), the prior is the geometric distribution restricted to those lengths.
    A length no token has keeps its counts (zero)."""
    mass: dict[int, float] = {}
    for word, count in counts.items():
        mass[len(word)] = mass.get(len(word), 0) + count
    total = sum(mass.values())
    if total <= 0:
        return dict(counts)
    mean = sum(length * m for length, m in mass.items()) / total
    q = 1.0 - 1.0 / mean  # P(len) = (1 - q) q^(len - 1) has this mean
    factor = {length: (1.0 - q) * q ** (length - 1) * total / m for length, m in mass.items() if m > 0}
    return {w: c * factor[len(w)] if c > 0 else c for w, c in counts.items()}


def segment_counts(counts: dict[str, int], chunks: Callable[[], Iterable[np.ndarray]], jobs: int = 0,
                   progress: ProgressCallback = no_progress, stage: str = "refining",
                   total: Optional[int] = None) -> dict[str, int]:
    """Word counts of the corpus cut by the unigram model of ``counts``.

    ``chunks()`` yields the corpus as arrays of ideograph ids (0 = separator). Every
    ideograph of the corpus ends up in exactly one counted word, so the counts cover it.
    Progress goes to ``progress`` as ``stage`` (ideographs done, of ``total``).
    """
    segmenter = Segmenter(counts, jobs=jobs)
    keys_total = np.empty(0, dtype=np.uint64)
    counts_total = np.empty(0, dtype=np.int64)
    long_words: Counter = Counter()
    for ids in reporting_chunks(chunks(), stage, total, progress):
        keys, key_counts, long_chunk = chunk_word_counts(segmenter, ids)
        keys_total, counts_total = merge_tables(keys_total, counts_total, keys, key_counts)
        long_words.update(long_chunk)
    result = dict(zip(chars.unpack_many(keys_total), counts_total.tolist()))
    result.update(long_words)
    return result


def cheapest_split(word: str, log_p: dict[str, float], unknown: float) -> tuple[float, list[str]]:
    """Least information (nats) of ``word`` coded as two or more lexicon words, and those words."""
    n = len(word)
    best = [0.0] + [math.inf] * n
    back = [0] * (n + 1)
    for end in range(1, n + 1):
        for start in range(end):
            if start == 0 and end == n:
                continue  # not the word itself
            piece = word[start:end]
            cost = -log_p[piece] if piece in log_p else (-unknown if len(piece) == 1 else math.inf)
            if best[start] + cost < best[end]:
                best[end], back[end] = best[start] + cost, start
    parts, end = [], n
    while end > 0:
        parts.append(word[back[end] : end])
        end = back[end]
    return best[n], parts[::-1]


def log_probabilities(counts: Mapping[str, float]) -> tuple[dict[str, float], float]:
    """(word -> ln p(w) of the unigram model of ``counts``, ln p of an unknown character: a
    count of 0.5)."""
    total = sum(counts.values())
    return {w: math.log(c / total) for w, c in counts.items() if c > 0}, math.log(0.5 / total)


def unit_savings(log_p: Mapping[str, float], unknown: float, words: list[str]) -> np.ndarray:
    """Nats an occurrence that coding each of ``words`` (two or more symbols each) as one unit
    saves against its cheapest cut into two or more words of ``log_p`` (:func:`cheapest_split`):
    one Viterbi kernel pass (``viterbi.split_costs``) over a trie of ``log_p``'s words, with
    the very floats of :func:`cheapest_split` (each piece costs -ln p, an unknown character
    -``unknown``, and each cost is the least of the same sums, ties and all)."""
    if not words:
        return np.empty(0, dtype=np.float64)
    if any(len(w) == 1 and p < unknown for w, p in log_p.items()):
        # a character rarer than an unknown one (a count under 0.5): the kernel would cost it as
        # unknown, cheapest_split as itself; integer counts never get here
        return np.array([cheapest_split(w, log_p, unknown)[0] + log_p.get(w, unknown) for w in words])
    known = list(log_p)
    root_edges, edges, shift, has_child, weight = trie.build_weighted_trie(
        *word_arrays(known), np.fromiter((-log_p[w] for w in known), dtype=np.float64, count=len(known)))
    node_cost = np.where(weight >= 0, weight, np.inf)  # a node where no word ends is no piece
    split, _ = viterbi.split_costs(*word_arrays(words), root_edges, edges, shift, has_child, node_cost, -unknown)
    return split + np.fromiter((log_p.get(w, unknown) for w in words), dtype=np.float64, count=len(words))


def move_count(counts: dict, word: str, parts: Iterable[str]) -> None:
    """Take ``word`` out of ``counts``, its count going to each of ``parts`` (its cut)."""
    count = counts.pop(word)
    for part in parts:
        counts[part] = counts.get(part, 0) + count


def prune(counts: dict[str, int], min_count: int, min_gain: float = MIN_GAIN) -> tuple[dict[str, int], int]:
    """Drop words that save at most ``min_gain`` nats an occurrence, or are rarer than ``min_count``;
    their counts move to the words of their cheapest split. Returns (new counts, words dropped)."""
    log_p, unknown = log_probabilities(counts)
    words = [w for w in counts if len(w) >= 2]
    gains = unit_savings(log_p, unknown, words)
    seen = np.fromiter((counts[w] for w in words), dtype=np.float64, count=len(words))
    result = dict(counts)
    dropped = np.flatnonzero(~((seen >= min_count) & (gains > min_gain)))
    for i in dropped.tolist():  # in the counts' order, as they are few: their cuts
        move_count(result, words[i], cheapest_split(words[i], log_p, unknown)[1])
    return result, len(dropped)


def refine(
    counts: dict[str, int],
    chunks: Optional[Callable[[], Iterable[np.ndarray]]],
    n_chars: int,
    min_count: int,
    iterations: int = 5,
    jobs: int = 0,
    progress: Optional[ProgressCallback] = None,
    count_words: Optional[Callable[[dict[str, int]], dict[str, int]]] = None,
) -> tuple[dict[str, int], list[Round]]:
    """Refine a lexicon (word -> count) on its corpus; returns the new counts and the rounds.

    Round 0 re-segments the corpus with the given lexicon (its L is the starting point);
    each further round prunes and re-segments, and is kept only if L does not rise.
    ``count_words(counts)`` re-segments the corpus and counts its words; by default it is
    :func:`segment_counts` over ``chunks()`` (a cluster passes its own, see :mod:`minent.lexicon.cluster`).
    Each round is a progress stage of its own, "refining: round N" (ideographs re-segmented,
    of ``n_chars``; a custom ``count_words`` reports only the start and the end of a round).
    """
    report = progress or no_progress
    stage = "refining: round 0"
    if count_words is None:
        def count_words(lexicon: dict[str, int]) -> dict[str, int]:
            return segment_counts(lexicon, chunks, jobs, report, stage, n_chars)  # the round running now

    report(stage, 0, n_chars)
    current = count_words(with_length_prior(counts))
    report(stage, n_chars, n_chars)
    bits = total_bits(current.values()) / n_chars
    rounds = [Round(0, bits, len(current), 0, True)]
    for i in range(1, iterations + 1):
        stage = f"refining: round {i}"
        report(stage, 0, n_chars)
        pruned, n_dropped = prune(current, min_count)
        if n_dropped == 0:
            break
        candidate = count_words(with_length_prior(pruned))
        report(stage, n_chars, n_chars)
        new_bits = total_bits(candidate.values()) / n_chars
        accepted = new_bits <= bits
        rounds.append(Round(i, new_bits, len(candidate), n_dropped, accepted))
        if not accepted:
            break
        gain = bits - new_bits
        current, bits = candidate, new_bits
        if gain < TOLERANCE:
            break
    return current, rounds
