"""Discovery that knows a dictionary: which discovered words earn their place next to it.

A user who brings a dictionary (jieba's, their own) wants the words of their texts that it
lacks: names, terms, product and disease names. Adding every discovered word does harm: a
discovered lexicon holds frequent phrases that a dictionary splits (这一, 进行了), and they break
its conventions. A discovered word w that the dictionary lacks is added when both hold:

1. **It pays, by the minimum-entropy principle.** Coding w as a unit saves more than 1 nat an
   occurrence (the merge rule theta_2 = 1 of the first pass and the pruning bound of the
   refinement) compared with its cheapest cut into the dictionary's words, under the unigram
   model of the dictionary and the corpus together (:func:`minent.common.lexicon.combine`: the
   corpus counts rescaled to the dictionary's total, a word in both taking the larger count).
2. **It is not a phrase by the dictionary's own habits.** Cohesion and saving cannot tell a
   word from a frequent phrase (its parts stick together too); the dictionary can, because it
   shows how its words combine. For a dictionary word a, compare its own count with the
   counts of the longer entries that begin with a (*begins*), and of those that end with it
   (*ends*). A seam a|b of w's cheapest cut separates when the dictionary writes a alone
   significantly more often than at the start of a longer entry, or b alone significantly more
   often than at the end of one (one-sided binomial test of a share of 1/2 at the 5 % level,
   the counts taken as observations); otherwise the dictionary habitually joins it, or does
   not say. w is kept when at least one seam of its cut is not a separating one: a cut whose
   every seam separates words the dictionary writes alone (这|一, 进行|了, 也|是) is a phrase.
   A part the dictionary lacks, or holds with too few counts to show a habit, separates
   nothing: such characters are what names and terms are made of, and a small dictionary
   (a lexicon discovered from a few hundred thousand characters) says little about habits.

Words with a number (``#年``) are never added: whether a number joins its unit is a convention
that standards disagree on (the PKU standard writes ``1998年`` as one word, the SXU standard as
two), and a dictionary written in characters does not say; the segmenter's number rules handle
numbers. The words not kept have their corpus counts moved to the parts of their cut, so the
adapted lexicon still counts every token of the corpus.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from typing import Iterable, Mapping, Optional, Sequence, Union

from ..common import chars
from ..common.lexicon import Lexicon, combine
from ..common.textio import PathLike
from .refine import MIN_GAIN, cheapest_split, log_probabilities, move_count, unit_savings

#: one-sided 5 % point of the standard normal: a word is written alone significantly more
#: often than inside longer entries when its count passes half the mass by this many deviations
ALONE_Z = 1.6449


def load_known(paths: Iterable[PathLike], encoding: str = "utf-8") -> Lexicon:
    """The dictionaries (TSV or jieba format, detected file by file) combined into one, later
    ones adding to earlier ones (:func:`minent.common.lexicon.combine`), out of the first one's
    total (a declared total when it holds only part of its corpus's words). An empty file is
    allowed."""
    lexicons = [Lexicon.load(p, encoding=encoding, allow_empty=True) for p in paths]
    first = next((lex for lex in lexicons if lex.total > 0), None)
    counts = combine(lexicons)
    if first is None or first.declared_total is None or len(lexicons) > 1:
        return Lexicon(counts)
    return Lexicon(counts, total=first.declared_total)


def known_counts(known: Union[Lexicon, Mapping[str, float], Sequence[PathLike], PathLike]) -> Lexicon:
    """A dictionary given as a Lexicon, a mapping, or file paths (combined), as a Lexicon."""
    if isinstance(known, Lexicon):
        return known
    if isinstance(known, Mapping):
        return Lexicon(dict(known))
    if isinstance(known, (str, os.PathLike)):
        return load_known([known])
    return load_known(list(known))


def dictionary_habits(known: Mapping[str, float], words: Iterable[str]) -> tuple[dict[str, float], dict[str, float]]:
    """(begins, ends) of each of ``words`` that the dictionary holds: the counts of the longer
    entries that begin (end) with it, as defined in the module's docstring.

    The entries that begin with a word are a run of the entries in sorted order, so one sort
    and a running sum answer every word (the same with the entries spelled backwards for ends)."""
    from bisect import bisect_left
    from itertools import accumulate

    words = list(words)

    def longer(ordered: list, backwards: bool) -> dict[str, float]:
        ordered.sort()
        keys = [w for w, _ in ordered]
        running = [0.0, *accumulate(c for _, c in ordered)]
        result = {}
        for word in words:
            own = known.get(word, 0)
            if own <= 0:
                continue
            k = word[::-1] if backwards else word
            lo = bisect_left(keys, k)
            hi = bisect_left(keys, k + "\U0010ffff", lo)
            result[word] = running[hi] - running[lo] - own  # the entries that begin with it, but itself
        return result

    positive = [(w, c) for w, c in known.items() if c > 0]
    return longer(positive, False), longer([(w[::-1], c) for w, c in positive], True)


def written_alone(own: float, longer: float) -> bool:
    """Whether a word seen ``own`` times alone and ``longer`` times inside longer entries (at
    one end) is alone significantly more often than not: the one-sided binomial test of a
    share of 1/2, by the normal approximation with a continuity correction."""
    n = own + longer
    return n > 0 and (own - 0.5 - n / 2) / math.sqrt(n / 4) > ALONE_Z


@dataclass
class Adapted:
    """What :func:`adapt` finds: the adapted lexicon, the new words and their savings."""

    counts: dict[str, float]  #: the corpus's words: the dictionary's, the new ones, every character
    new: list[str]  #: the words the dictionary lacks that earn their place, most frequent first
    saving: dict[str, float]  #: nats an occurrence that coding each judged word as a unit saves
    total: float  #: the tokens of the corpus (the sum of ``counts``)

    def new_words(self) -> Lexicon:
        """The new words with their corpus counts, out of the corpus's tokens (a partial lexicon)."""
        return Lexicon({w: self.counts[w] for w in self.new}, total=self.total)


def adapt(counts: Mapping[str, int], dictionary: Union[Lexicon, Mapping[str, float]]) -> Adapted:
    """Judge every discovered word (``counts``: word -> corpus count) that ``dictionary`` lacks.

    With an empty dictionary every discovered word without a number is new. Words of the
    dictionary and single characters stay as they are."""
    counts = dict(counts)
    known = dictionary.to_dict() if isinstance(dictionary, Lexicon) else dict(dictionary)
    candidates = [w for w in counts if len(w) > 1 and w not in known]
    if not any(c > 0 for c in known.values()):  # a dictionary that knows no word: its cut is by symbols
        result = dict(counts)
        for word in candidates:
            if chars.NUMBER_SIGN in word:
                move_count(result, word, word)  # symbol by symbol
        new = sorted((w for w in candidates if chars.NUMBER_SIGN not in w), key=lambda w: (-counts[w], w))
        return Adapted(result, new, {}, float(sum(result.values())))
    model = combine([dictionary, counts])  # a Lexicon brings its declared total
    total = float(sum(model.values()))
    pieces = {w[i:j] for w in candidates for i in range(len(w)) for j in range(i + 1, len(w) + 1)}
    cut_words = {w: math.log(model[w] / total) for w in pieces
                 if model.get(w, 0) > 0 and (w in known or len(w) == 1)}  # what a cut into the dictionary's words may use
    unknown = math.log(0.5 / total)
    begins, ends = dictionary_habits(known, cut_words)
    free_right = {w: written_alone(known[w], m) for w, m in begins.items()}  # a seam after it separates
    free_left = {w: written_alone(known[w], m) for w, m in ends.items()}  # a seam before it separates
    kept: list[str] = []
    saving: dict[str, float] = {}
    result = dict(counts)
    for word in candidates:
        split_cost, parts = cheapest_split(word, cut_words, unknown)
        gain = split_cost + math.log(model[word] / total) if model[word] > 0 else -math.inf
        saving[word] = gain
        joined = any(not free_right.get(a, False) and not free_left.get(b, False) for a, b in zip(parts, parts[1:]))
        if gain > MIN_GAIN and joined and chars.NUMBER_SIGN not in word:
            kept.append(word)
            continue
        move_count(result, word, parts)
    kept.sort(key=lambda w: (-counts[w], w))
    return Adapted(result, kept, saving, float(sum(result.values())))


def own_savings(counts: Mapping[str, float], words: Optional[Iterable[str]] = None) -> dict[str, float]:
    """Nats an occurrence that coding each word (two or more symbols) as a unit saves against
    its cheapest cut into the lexicon's other words, under the lexicon's own unigram model
    (what the refinement's pruning weighs)."""
    if not sum(counts.values()) > 0:
        return {}
    log_p, unknown = log_probabilities(counts)
    chosen = [w for w in (counts if words is None else words) if len(w) > 1 and w in log_p]
    return dict(zip(chosen, unit_savings(log_p, unknown, chosen).tolist()))
