"""The Lexicon: words with their counts, and its two file formats.

``tsv``   one entry a line, ``word<TAB>count``, most frequent first (what build-lexicon writes)
``jieba`` one entry a line, ``word count [tag]``: loads into jieba as a user dictionary,
          and jieba's own dictionary loads here
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, field
from typing import Container, Iterable, Iterator, Mapping, Optional, Sequence, Union

from .errors import MinentError
from .textio import PathLike, _describe, open_output, read_input

FORMATS = ("tsv", "jieba")


@dataclass
class BuildStats:
    """Figures of one build_lexicon run, for reports and the CLI summary."""

    n_chars: int = 0  #: ideographs in the corpus
    n_bytes: int = 0  #: bytes (or characters, for in-memory texts) read
    n_ngrams: int = 0  #: distinct n-grams of length 1..order
    n_kept: int = 0  #: n-grams of length >= 2 that passed the cohesion filter
    n_pieces: int = 0  #: distinct pieces after cutting
    bits_per_char_chars: float = 0.0  #: information per ideograph, coded as characters
    bits_per_char_words: float = 0.0  #: information per ideograph, coded as the cut's pieces
    seconds: float = 0.0
    history: list = field(default_factory=list)  #: per-iteration figures of refinement


def _number(count: object) -> Union[int, float]:
    """A count as it is kept: a whole number as an int, any other number as a float (the
    rescaled counts of :func:`combine`)."""
    if isinstance(count, numbers.Integral):
        return int(count)
    value = float(count)  # type: ignore[arg-type]
    return int(value) if value.is_integer() else value


def combine(lexicons: Sequence[Mapping[str, float]]) -> dict[str, Union[int, float]]:
    """word -> count of several lexicons, later ones adding to earlier ones (the one rule that
    ``Lexicon.merge``, ``Segmenter([...])`` and ``minent segment -l A -l B`` use).

    Counts from corpora of very different sizes are put on one scale: each lexicon is
    multiplied by M_1 / M_i (M: the sum of a lexicon's counts; lexicon 1 is the first whose
    sum is positive), so every lexicon keeps its relative frequencies and the first keeps its
    counts. A word in several lexicons takes the largest of its rescaled counts (a word a
    later domain uses often gets that domain's frequency; one it rarely uses keeps the
    dictionary's); a word only in later lexicons comes in with its rescaled count. Single
    characters combine the same way. Rescaled counts are floats and may fall below 1 (the
    Segmenter takes any count >= 0); whole ones are ints. Empty lexicons add nothing; a
    lexicon whose counts are all 0 adds its words with count 0 (0 when alone, kept when
    elsewhere). The result is a unigram model like any lexicon: p(w) = count / sum of counts.

    >>> combine([{"中国": 6, "中": 4}, {"中": 1, "国": 4}])
    {'中国': 6, '中': 4, '国': 8}
    """
    combined: dict[str, Union[int, float]] = {}
    reference = 0.0  # M_1
    for lexicon in lexicons:
        counts = lexicon.to_dict() if isinstance(lexicon, Lexicon) else dict(lexicon)
        if not counts:
            continue
        total = float(sum(counts.values()))
        rescale = reference > 0 and total > 0 and total != reference
        if reference <= 0 < total:
            reference = total
        for word, count in counts.items():
            if rescale:
                count = _number(count * reference / total)  # count * M_1 / M_i: exact when it is whole
            old = combined.get(word)
            if old is None or count > old:
                combined[word] = count
    return combined


def _whole(count: float) -> int:
    """A count as a file holds it: rounded, at least 1 when positive (0 would mean unseen)."""
    return max(1, round(count)) if count > 0 else 0


class Lexicon:
    """Words and their counts; unigram probabilities are count / total.

    >>> lex = Lexicon({"中国": 3, "中": 1})
    >>> lex["中国"], len(lex), round(lex.probability("中"), 2)
    (3, 2, 0.25)
    """

    def __init__(
        self,
        counts: Union[Mapping[str, int], Iterable[tuple[str, int]]] = (),
        stats: Optional[BuildStats] = None,
    ) -> None:
        items = counts.items() if isinstance(counts, Mapping) else counts
        self._counts: dict[str, Union[int, float]] = {}
        for word, count in items:
            if not word:
                raise MinentError("a lexicon word cannot be empty")
            self._counts[word] = self._counts.get(word, 0) + _number(count)
        self.stats = stats

    # -- mapping protocol -------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._counts)

    def __contains__(self, word: object) -> bool:
        return word in self._counts

    def __getitem__(self, word: str) -> int:
        return self._counts[word]

    def __iter__(self) -> Iterator[str]:
        return iter(self._counts)

    def get(self, word: str, default: int = 0) -> int:
        return self._counts.get(word, default)

    def items(self) -> list[tuple[str, int]]:
        """Entries sorted by count descending, then by word (the file order)."""
        return sorted(self._counts.items(), key=lambda wc: (-wc[1], wc[0]))

    def words(self) -> list[str]:
        return [w for w, _ in self.items()]

    def to_dict(self) -> dict[str, int]:
        return dict(self._counts)

    @property
    def total(self) -> int:
        return sum(self._counts.values())

    def probability(self, word: str) -> float:
        """Unigram probability of ``word`` (0.0 when absent)."""
        total = self.total
        return self._counts.get(word, 0) / total if total else 0.0

    def information(self, word: str) -> float:
        """-log2 p(word) in bits (inf when absent)."""
        p = self.probability(word)
        return -math.log2(p) if p > 0 else math.inf

    # -- several lexicons -------------------------------------------------------------
    def merge(self, *others: Mapping[str, float]) -> "Lexicon":
        """This lexicon with ``others`` added, later ones adding to earlier ones, by the rule of
        :func:`combine` (counts rescaled to this lexicon's total; a word in several takes its
        largest rescaled count). ``lex.merge()`` equals ``lex``.

        >>> Lexicon({"中国": 6, "中": 4}).merge(Lexicon({"中": 1, "国": 4})).to_dict()
        {'中国': 6, '中': 4, '国': 8}
        """
        return Lexicon(combine([self, *others]))

    def difference(self, other: Container[str]) -> "Lexicon":
        """The entries of this lexicon whose word ``other`` (a Lexicon, mapping or set of words)
        lacks, with their counts here.

        >>> Lexicon({"中国": 6, "青云门": 2}).difference(Lexicon({"中国": 1})).to_dict()
        {'青云门': 2}
        """
        return Lexicon({word: count for word, count in self._counts.items() if word not in other})

    def __repr__(self) -> str:
        top = ", ".join(f"{w}:{c}" for w, c in self.items()[:3])
        return f"Lexicon({len(self)} words; {top}{', ...' if len(self) > 3 else ''})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Lexicon) and self._counts == other._counts

    # -- files ------------------------------------------------------------------------
    def save(self, path: Optional[PathLike], format: str = "tsv") -> None:
        """Write the lexicon (stdout for None or '-'), atomically. Files hold whole counts: a
        count that is not (a rescaled count of :meth:`merge`) is rounded, to at least 1 when
        it is positive."""
        if format not in FORMATS:
            raise MinentError(f"unknown lexicon format '{format}' (choose from {', '.join(FORMATS)})")
        sep = "\t" if format == "tsv" else " "
        if format == "jieba":
            bad = [w for w in self._counts if any(c.isspace() for c in w)]
            if bad:
                raise MinentError(f"the jieba format cannot hold words with spaces, such as {bad[0]!r}")
        try:  # a Python string may hold a lone surrogate (U+D800-U+DFFF); UTF-8 cannot (a few ms for 350,000 words)
            "".join(self._counts).encode("utf-8")
        except UnicodeEncodeError as e:
            word = next(w for w in self._counts if any("\ud800" <= c <= "\udfff" for c in w))
            raise MinentError(f"cannot write the lexicon as UTF-8: the word {word!r} holds a lone surrogate "
                              f"(U+{ord(e.object[e.start]):04X})") from None
        with open_output(path) as f:
            f.writelines(f"{w}{sep}{c if isinstance(c, int) else _whole(c)}\n" for w, c in self.items())

    @classmethod
    def load(cls, path: PathLike, format: Optional[str] = None, encoding: str = "utf-8",
             allow_empty: bool = False) -> "Lexicon":
        """Read a lexicon in ``tsv`` or ``jieba`` format (detected from the first line when None).
        A file without entries is an error, unless ``allow_empty`` (then an empty Lexicon)."""
        if format is not None and format not in FORMATS:
            raise MinentError(f"unknown lexicon format '{format}' (choose from {', '.join(FORMATS)})")
        return cls.from_bytes(read_input(path, encoding), format=format, encoding=encoding, name=_describe(path),
                              allow_empty=allow_empty)

    @classmethod
    def from_bytes(cls, raw: bytes, format: Optional[str] = None, encoding: str = "utf-8",
                   name: str = "lexicon", allow_empty: bool = False) -> "Lexicon":
        """Parse the bytes of a lexicon file (see :meth:`load`); ``name`` is used in errors."""
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError as e:
            raise MinentError(f"lexicon {name} is not valid {encoding}: bad byte at offset {e.start}") from None
        except LookupError:
            raise MinentError(f"unknown encoding '{encoding}'") from None
        return cls.parse(text, format=format, name=name, allow_empty=allow_empty)

    @classmethod
    def parse(cls, text: str, format: Optional[str] = None, name: str = "lexicon",
              allow_empty: bool = False) -> "Lexicon":
        """Parse lexicon text (see :meth:`load`)."""
        if text.startswith("\ufeff"):
            text = text[1:]
        lines = text.splitlines()
        if format is None:
            first = next((ln for ln in lines if ln.strip()), "")
            format = "tsv" if "\t" in first else "jieba"
        counts: dict[str, int] = {}
        for lineno, line in enumerate(lines, 1):
            if not line.strip():
                continue
            if format == "tsv":
                parts = line.rstrip("\r").split("\t")
                ok = len(parts) == 2
            else:
                parts = line.split()
                ok = len(parts) in (2, 3)
            try:
                word, count = parts[0], int(parts[1]) if ok else -1
            except ValueError:
                count = -1
            if not ok or count < 0 or not word:
                shape = "word<TAB>count" if format == "tsv" else "word count [tag]"
                raise MinentError(
                    f"{name} line {lineno}: expected '{shape}' with a whole count >= 0, got {line[:60]!r}"
                )
            counts[word] = counts.get(word, 0) + count
        if not counts and not allow_empty:
            raise MinentError(f"{name} has no entries")
        return cls(counts)
