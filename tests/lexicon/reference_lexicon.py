"""Plain-Python reference of minent's first-pass lexicon discovery.

Written for clarity, not speed, and sharing no code with the package (numbers are found by
the plain-Python segmenter reference's token rules): the tests check the
Numba kernels against it, and ``benchmarks/bench_build_lexicon.py`` runs it as the
plain-Python peer (``python tests/lexicon/reference_lexicon.py CORPUS... -o OUT``).
"""

from __future__ import annotations

import math
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "segment"))
import reference_segment as seg  # noqa: E402


def is_ideograph(ch: str) -> bool:
    cp = ord(ch)
    return 0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or cp == 0x3007


def runs(text: str) -> list[str]:
    """Maximal runs of ideographs and whole plain numbers, each number written as one "#"
    (numbers are found by the segmenter's token rules, see reference_segment)."""
    out, cur = [], []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if is_ideograph(ch):
            cur.append(ch)
            i += 1
            continue
        j = seg.token_end(text, i)
        if seg.is_number(text[i:j]) and seg.kind(ch) == "digit":
            cur.append("#")
        elif cur:
            out.append("".join(cur))
            cur = []
        i = j
    if cur:
        out.append("".join(cur))
    return out


def count_ngrams(all_runs: list[str], order: int) -> Counter:
    counts: Counter = Counter()
    for run in all_runs:
        for n in range(1, order + 1):
            for i in range(len(run) - n + 1):
                counts[run[i : i + n]] += 1
    return counts


def weakest_split_pmi(word: str, counts: Counter, n_chars: int) -> float:
    c = counts[word]
    return min(
        math.log(float(n_chars) * float(c) / (float(counts[word[:k]]) * float(counts[word[k:]])))
        for k in range(1, len(word))
    )


def kept_ngrams(counts: Counter, n_chars: int, min_count: int, thresholds: dict[int, float]) -> set:
    return {
        w for w, c in counts.items()
        if len(w) >= 2 and c >= min_count and weakest_split_pmi(w, counts, n_chars) >= thresholds[len(w)]
    }


def cut(run: str, kept: set, order: int) -> list[str]:
    joined = [False] * max(len(run) - 1, 0)
    for i in range(len(run)):
        for n in range(2, order + 1):
            if i + n <= len(run) and run[i : i + n] in kept:
                for j in range(i, i + n - 1):
                    joined[j] = True
    pieces, start = [], 0
    for i in range(1, len(run) + 1):
        if i == len(run) or not joined[i - 1]:
            pieces.append(run[start:i])
            start = i
    return pieces


def survives_backtrack(piece: str, kept: set, order: int) -> bool:
    if len(piece) <= 2:
        return True
    if len(piece) <= order:
        return piece in kept
    return all(piece[i : i + order] in kept for i in range(len(piece) - order + 1))


def build_lexicon(texts: list[str], order: int = 4, min_count: int = 5, min_pmi=None) -> dict[str, int]:
    """word -> count, the same result as ``minent.build_lexicon`` (first pass)."""
    thresholds = dict(zip(range(2, order + 1), min_pmi or [2.0 * n - 3 for n in range(2, order + 1)]))
    all_runs = [r for t in texts for r in runs(t)]
    counts = count_ngrams(all_runs, order)
    n_chars = sum(len(r) for r in all_runs)
    kept = kept_ngrams(counts, n_chars, min_count, thresholds)
    pieces: Counter = Counter()
    for run in all_runs:
        pieces.update(cut(run, kept, order))
    return {
        p: c for p, c in pieces.items() if c >= min_count and survives_backtrack(p, kept, order)
    }


def main(argv: list[str]) -> None:
    """python reference_lexicon.py CORPUS... -o OUT [--min-count N]: write word<TAB>count."""
    args, out, min_count = [], None, 5
    it = iter(argv)
    for a in it:
        if a == "-o":
            out = next(it)
        elif a == "--min-count":
            min_count = int(next(it))
        else:
            args.append(a)
    texts = []
    for path in args:
        with open(path, encoding="utf-8") as f:
            texts.extend(f)
    lexicon = build_lexicon(texts, min_count=min_count)
    lines = [f"{w}\t{c}\n" for w, c in sorted(lexicon.items(), key=lambda wc: (-wc[1], wc[0]))]
    with open(out, "w", encoding="utf-8") if out else sys.stdout as f:
        f.writelines(lines)


if __name__ == "__main__":
    main(sys.argv[1:])
