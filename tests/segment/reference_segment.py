"""Plain-Python reference of minent's unigram segmentation, written for clarity, not speed.

It shares no code with the package: the tests check the Numba kernels (grouping rules,
lattice, Viterbi) against it, and against brute force on short strings.
"""

from __future__ import annotations

import itertools
import math
import unicodedata
from typing import Mapping, Optional

DASHES_AND_DOTS = set("-_=~*.!?·•—―–‒‐…⋯‥─━－＿＝～．！？。")


def is_han(ch: str) -> bool:
    cp = ord(ch)
    return (
        0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or cp in (0x3007, 0x25CB)
        or 0xF900 <= cp <= 0xFAFF or 0x20000 <= cp <= 0x323AF
    )


def kind(ch: str) -> str:
    cp = ord(ch)
    if is_han(ch):
        return "han"
    if ch == "\n":
        return "newline"
    if 0xD800 <= cp <= 0xDFFF:
        return "other"
    if cp >= 0x10000:
        if 0xE0100 <= cp <= 0xE01EF or 0x1F3FB <= cp <= 0x1F3FF:
            return "mark"
        return "other"
    if ch.isdecimal():
        return "digit"
    if ch.isspace():
        return "space"
    if ch.isalpha():
        return "letter"
    if unicodedata.category(ch).startswith("M") or cp in (0x200C, 0x200D) or 0xFE00 <= cp <= 0xFE0F:
        return "mark"
    return "other"


def costs_of(counts: Mapping[str, int], unknown_count: float = 0.5) -> tuple[dict, float]:
    total = sum(counts.values())
    cost = {w: math.log(total) - math.log(max(c, unknown_count)) for w, c in counts.items()}
    return cost, math.log(total) - math.log(unknown_count)


def word_cost(word: str, cost: Mapping[str, float], unknown: float) -> float:
    if word in cost:
        return min(cost[word], unknown) if len(word) == 1 else cost[word]
    return unknown if len(word) == 1 else math.inf


def best_cut(run: str, cost: Mapping[str, float], unknown: float) -> list[str]:
    """Least-cost cut of a run of ideographs (dynamic programming over end positions)."""
    n = len(run)
    longest = max(map(len, cost), default=1)  # no word is longer, so no cut needs to be
    best = [0.0] + [math.inf] * n
    back = [0] * (n + 1)
    for s in range(n):
        for e in range(s + 1, min(n, s + max(longest, 1)) + 1):
            c = word_cost(run[s:e], cost, unknown)
            if best[s] + c < best[e]:
                best[e], back[e] = best[s] + c, s
    words, e = [], n
    while e > 0:
        words.append(run[back[e] : e])
        e = back[e]
    return words[::-1]


def brute_force_cost(run: str, cost: Mapping[str, float], unknown: float) -> float:
    """Least total cost over every one of the 2**(n-1) cuts."""
    n = len(run)
    if n == 0:
        return 0.0
    best = math.inf
    for cuts in itertools.product((False, True), repeat=n - 1):
        words, start = [], 0
        for i, cut in enumerate(cuts, 1):
            if cut:
                words.append(run[start:i])
                start = i
        words.append(run[start:])
        best = min(best, sum(word_cost(w, cost, unknown) for w in words))
    return best


def _end_of_alnum(text: str, i: int) -> int:
    n = len(text)
    j = i + 1
    while j < n:
        k = kind(text[j])
        if k in ("digit", "letter", "mark"):
            j += 1
            continue
        if j + 1 < n:
            before, after = kind(text[j - 1]), kind(text[j + 1])
            if text[j] in ".．" and before == "digit" and after == "digit":
                j += 2
                continue
            if (text[j] == "," and before == "digit" and j + 3 < n
                    and all(kind(c) == "digit" for c in text[j + 1 : j + 4])
                    and (j + 4 >= n or kind(text[j + 4]) != "digit")):
                j += 4
                continue
            if text[j] in "-'’‐" and before == "letter" and after in ("letter", "digit"):
                j += 2
                continue
        break
    if j < n and text[j] in "%％‰" and kind(text[j - 1]) == "digit":
        j += 1
    return j


SIGNS = "+-−－＋"


def is_number(token: str) -> bool:
    """A plain number: digits, with decimal points between them (what the lattice reads as #)."""
    return all(kind(c) == "digit" or c in ".．" for c in token)


def token_end(text: str, i: int) -> int:
    """End of the rule-made token (letters and digits, or a signed number) that starts at i."""
    n = len(text)
    ch = text[i]
    if kind(ch) in ("digit", "letter"):
        return _end_of_alnum(text, i)
    if (ch in SIGNS and i + 1 < n and kind(text[i + 1]) == "digit"
            and (i == 0 or kind(text[i - 1]) not in ("digit", "letter"))):
        return _end_of_alnum(text, i + 1)
    return i + 1


def number_end(text: str, i: int) -> int:
    """End of the whole plain number that starts at i, or -1."""
    if kind(text[i]) != "digit":
        return -1
    j = _end_of_alnum(text, i)
    return j if is_number(text[i:j]) else -1


def best_cut_units(units: list[str], cost: Mapping[str, float], unknown: float) -> list[str]:
    """:func:`best_cut` over units (ideographs, and whole numbers that the lexicon spells #)."""
    codes = [u if kind(u[0]) == "han" else "#" for u in units]
    n = len(units)
    longest = max(map(len, cost), default=1)
    best = [0.0] + [math.inf] * n
    back = [0] * (n + 1)
    for s in range(n):
        for e in range(s + 1, min(n, s + max(longest, 1)) + 1):
            c = word_cost("".join(codes[s:e]), cost, unknown)
            if best[s] + c < best[e]:
                best[e], back[e] = best[s] + c, s
    words, e = [], n
    while e > 0:
        words.append("".join(units[back[e] : e]))
        e = back[e]
    return words[::-1]


def tokens(text: str, counts: Mapping[str, int], unknown_count: float = 0.5) -> list[list]:
    """Tokens of ``text`` as ``[string, is_ideograph_word]``, lines separated by ``["\\n", False]``."""
    cost, unknown = costs_of(counts, unknown_count)
    out: list[list] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        k = kind(ch)
        if k == "han" or number_end(text, i) > 0:
            units, j = [], i
            while j < n:  # ideographs and whole numbers join one lattice
                end = j + 1 if kind(text[j]) == "han" else number_end(text, j)
                if end < 0:
                    break
                units.append(text[j:end])
                j = end
            for w in best_cut_units(units, cost, unknown):
                out.append([w, True])
            i = j
            continue
        if k == "space":
            i += 1
            # whitespace ends a word: a following mark must start a new one
            out.append(["", False])
            continue
        if k == "newline":
            out.append(["\n", False])
            i += 1
            continue
        if k == "mark":
            if out and out[-1][0] not in ("", "\n"):
                out[-1][0] += ch
            else:
                out.append([ch, False])
            i += 1
            continue
        if k in ("digit", "letter"):
            j = _end_of_alnum(text, i)
        elif (ch in "+-−－＋" and i + 1 < n and kind(text[i + 1]) == "digit"
              and (i == 0 or kind(text[i - 1]) not in ("digit", "letter"))):
            j = _end_of_alnum(text, i + 1)
        elif ch in DASHES_AND_DOTS:
            j = i + 1
            while j < n and text[j] == ch:
                j += 1
        else:
            j = i + 1
        out.append([text[i:j], False])
        i = j
    return [t for t in out if t[0] != ""]


def segment(text: str, counts: Mapping[str, int], delimiter: str = " ",
            unknown_count: float = 0.5) -> str:
    """The segmented text, as ``minent segment`` writes it."""
    lines: list[list[str]] = [[]]
    for word, _ in tokens(text, counts, unknown_count):
        if word == "\n":
            lines.append([])
        else:
            lines[-1].append(word)
    return "\n".join(delimiter.join(ws) for ws in lines)


def cut(text: str, counts: Mapping[str, int], unknown_count: float = 0.5) -> list[str]:
    return [w for w, _ in tokens(text, counts, unknown_count) if w != "\n"]


def total_cost(words: list[str], counts: Mapping[str, int], unknown_count: float = 0.5) -> float:
    """Cost of the ideograph words of a cut (other tokens cost nothing)."""
    cost, unknown = costs_of(counts, unknown_count)
    return sum(word_cost(w, cost, unknown) for w in words if w and all(is_han(c) for c in w))


def first_mismatch(a: list[str], b: list[str]) -> Optional[int]:
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return i
    return None if len(a) == len(b) else min(len(a), len(b))
