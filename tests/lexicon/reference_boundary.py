"""Plain-Python reference of the boundary signal (minent.lexicon.boundary), written for clarity."""

from __future__ import annotations

import math
from collections import Counter, defaultdict

import reference_lexicon as ref


def neighbours(texts: list[str], order: int) -> tuple[Counter, dict, dict]:
    """n-gram counts and, for each n-gram, the counts of its right and left neighbours
    (None at the edge of a run)."""
    counts: Counter = Counter()
    right: dict = defaultdict(Counter)
    left: dict = defaultdict(Counter)
    for text in texts:
        for run in ref.runs(text):
            for n in range(1, order + 1):
                for i in range(len(run) - n + 1):
                    gram = run[i : i + n]
                    counts[gram] += 1
                    right[gram][run[i + n] if i + n < len(run) else None] += 1
                    left[gram][run[i - 1] if i > 0 else None] += 1
    return counts, right, left


def entropy(neighbour_counts: Counter) -> float:
    """Entropy (nats) of the neighbours, Miller-Madow corrected: the plug-in estimate plus
    (m - 1) / (2 t), m distinct neighbours in t; every run edge is a distinct neighbour."""
    total = sum(neighbour_counts.values())
    h = 0.0
    distinct = 0
    for neighbour, c in neighbour_counts.items():
        if neighbour is None:
            h += c / total * math.log(total)  # c distinct neighbours, each seen once
            distinct += c
        else:
            h -= c / total * math.log(c / total)
            distinct += 1
    return h + (distinct - 1) / (2 * total)


def standardised(values: list[float]) -> list[float]:
    mean = sum(values) / len(values)
    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / len(values))
    return [(v - mean) / sd if sd > 0 else v - mean for v in values]


def autonomy(texts: list[str], order: int) -> tuple[dict, Counter]:
    """a(x) = z(h_r(x) - h_r(x[:-1])) + z(h_l(x) - h_l(x[1:])), z over the n-grams of x's length."""
    counts, right, left = neighbours(texts, order)
    chars = {g: c for g, c in counts.items() if len(g) == 1}
    total = sum(chars.values())
    h_empty = -sum(c / total * math.log(c / total) for c in chars.values()) + (len(chars) - 1) / (2 * total)
    result = {}
    for n in range(1, order + 1):
        grams = sorted(g for g in counts if len(g) == n)
        grow_r = [entropy(right[g]) - (entropy(right[g[:-1]]) if n > 1 else h_empty) for g in grams]
        grow_l = [entropy(left[g]) - (entropy(left[g[1:]]) if n > 1 else h_empty) for g in grams]
        for g, a, b in zip(grams, standardised(grow_r), standardised(grow_l)):
            result[g] = a + b
    return result, counts


def best_cut_score(run: str, score: dict, order: int) -> float:
    """Greatest sum of score(w) * len(w) over cuts of ``run`` into words of ``score``."""
    best = [0.0] + [-math.inf] * len(run)
    for end in range(1, len(run) + 1):
        for start in range(max(0, end - order), end):
            word = run[start:end]
            if word in score:
                best[end] = max(best[end], best[start] + score[word] * len(word))
    return best[len(run)]


def cut_score(words: list[str], score: dict) -> float:
    return sum(score[w] * len(w) for w in words)


def cohesion_peaks(texts: list[str], min_count: int = 2) -> Counter:
    """The pairs at the peaks of cohesion (minent.lexicon.peaks): pair -> times it sticks
    together more than the pairs on either side of it in its run, for the pairs seen at least
    ``min_count`` times. A seam's cohesion is c(ab) / (c(a) c(b)); off the run it is -inf,
    beside a number (#) +inf."""
    all_runs = [run for text in texts for run in ref.runs(text)]
    singles = Counter(ch for run in all_runs for ch in run)
    pairs = Counter(run[i : i + 2] for run in all_runs for i in range(len(run) - 1))

    def seam(run: str, j: int) -> float:
        if j < 0 or j + 1 >= len(run):
            return -math.inf
        pair = run[j : j + 2]
        if "#" in pair:
            return math.inf
        return pairs[pair] / (singles[pair[0]] * singles[pair[1]])

    peaks: Counter = Counter()
    for run in all_runs:
        for j in range(len(run) - 1):
            here = seam(run, j)
            if seam(run, j - 1) < here < math.inf and here > seam(run, j + 1):
                peaks[run[j : j + 2]] += 1
    return Counter({pair: c for pair, c in peaks.items() if pairs[pair] >= min_count})
