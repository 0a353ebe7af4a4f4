"""Word-span precision, recall and F1 of a segmentation against a gold standard.

A predicted word is right when both its start and its end match a gold word (SIGHAN
bakeoff scoring). Words are separated by any whitespace; the two segmentations must cut
the same text, line for line and character for character, or scoring refuses them and
says where they part.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Iterable, Optional, Sequence

from ..common.errors import MinentError
from ..common.textio import STDIN, PathLike, _describe, read_input


@dataclass
class SegmentationScore:
    """Counts and rates of one scoring run (rates are 0.0 when their denominator is 0)."""

    n_lines: int
    n_gold: int  #: words in the gold standard
    n_pred: int  #: words in the prediction
    n_correct: int  #: predicted words whose start and end match a gold word
    precision: float
    recall: float
    f1: float
    n_oov: Optional[int] = None  #: gold words not in the training word list
    n_oov_correct: Optional[int] = None
    oov_recall: Optional[float] = None

    def as_dict(self) -> dict:
        return asdict(self)


def _spans(words: Sequence[str]) -> list[tuple[int, int]]:
    spans = []
    at = 0
    for w in words:
        spans.append((at, at + len(w)))
        at += len(w)
    return spans


def _first_difference(a: str, b: str) -> int:
    n = min(len(a), len(b))
    for i in range(n):
        if a[i] != b[i]:
            return i
    return n


def _check_same_text(lineno: int, g_line: str, p_line: str, gold_name: str, pred_name: str) -> None:
    g_text, p_text = "".join(g_line.split()), "".join(p_line.split())
    if g_text != p_text:
        at = _first_difference(g_text, p_text)
        g_ch = repr(g_text[at]) if at < len(g_text) else "end of line"
        p_ch = repr(p_text[at]) if at < len(p_text) else "end of line"
        raise MinentError(
            f"line {lineno}: {gold_name} and {pred_name} differ at character {at + 1} "
            f"(not counting whitespace): {gold_name} has {g_ch}, {pred_name} has {p_ch}"
        )


def score_segmentation(
    gold: Iterable[str],
    pred: Iterable[str],
    training_words: Optional[Iterable[str]] = None,
    gold_name: str = "gold",
    pred_name: str = "prediction",
) -> SegmentationScore:
    """Score ``pred`` against ``gold``, two sequences of lines of whitespace-separated words.

    With ``training_words`` (the word types a segmenter could have learned), also the recall
    of the gold words outside that list (OOV recall).
    """
    gold_lines = list(gold)
    pred_lines = list(pred)
    for lineno, (g_line, p_line) in enumerate(zip(gold_lines, pred_lines), 1):
        _check_same_text(lineno, g_line, p_line, gold_name, pred_name)
    if len(gold_lines) != len(pred_lines):
        shorter = gold_name if len(gold_lines) < len(pred_lines) else pred_name
        raise MinentError(
            f"{gold_name} has {len(gold_lines):,} lines but {pred_name} has {len(pred_lines):,} "
            f"({shorter} ends after line {min(len(gold_lines), len(pred_lines)):,}); "
            "they must correspond line for line"
        )
    vocabulary = None if training_words is None else set(training_words)
    n_gold = n_pred = n_correct = n_oov = n_oov_correct = 0
    for lineno, (g_line, p_line) in enumerate(zip(gold_lines, pred_lines), 1):
        g_words, p_words = g_line.split(), p_line.split()
        g_spans = _spans(g_words)
        p_spans = set(_spans(p_words))
        n_gold += len(g_spans)
        n_pred += len(p_spans)
        for word, span in zip(g_words, g_spans):
            hit = span in p_spans
            n_correct += hit
            if vocabulary is not None and word not in vocabulary:
                n_oov += 1
                n_oov_correct += hit
    precision = n_correct / n_pred if n_pred else 0.0
    recall = n_correct / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    result = SegmentationScore(len(gold_lines), n_gold, n_pred, n_correct, precision, recall, f1)
    if vocabulary is not None:
        result.n_oov = n_oov
        result.n_oov_correct = n_oov_correct
        result.oov_recall = n_oov_correct / n_oov if n_oov else 0.0
    return result


def read_lines(path: PathLike, encoding: str = "utf-8") -> list[str]:
    """The lines of a text file (a final line feed does not start another line)."""
    name = _describe(path)
    raw = read_input(path, encoding)
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as e:
        hint = " (try --encoding gb18030 or --encoding big5)" if encoding.lower().startswith("utf") else ""
        raise MinentError(f"{name} is not valid {encoding}: bad byte at offset {e.start}{hint}") from None
    except LookupError:
        raise MinentError(f"unknown encoding '{encoding}'") from None
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def score_files(
    gold: PathLike,
    pred: PathLike,
    training_words: Optional[PathLike] = None,
    encoding: str = "utf-8",
) -> SegmentationScore:
    """:func:`score_segmentation` of two files (and a word list, one word a line)."""
    named = [str(p) for p in (gold, pred, training_words) if p is not None]
    if named.count(STDIN) > 1:
        raise MinentError("standard input ('-') can be named only once")
    gold_lines = read_lines(gold, encoding)
    pred_lines = read_lines(pred, encoding)
    words = None
    if training_words is not None:
        words = [w for line in read_lines(training_words, encoding) for w in line.split()]
    return score_segmentation(gold_lines, pred_lines, words, gold_name=f"'{gold}'", pred_name=f"'{pred}'")
