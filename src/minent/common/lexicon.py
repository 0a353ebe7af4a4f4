"""The Lexicon: words with their counts, and its two file formats.

``tsv``   one entry a line, ``word<TAB>count``, most frequent first (what build-lexicon writes)
``jieba`` one entry a line, ``word count [tag]``: loads into jieba as a user dictionary,
          and jieba's own dictionary loads here
"""

from __future__ import annotations

import math
import numbers
import re
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
    multiplied by M_1 / M_i (M: the sum of a lexicon's counts, or its declared total when it
    holds only part of its corpus's words, as a list of new words does; lexicon 1 is the first
    whose M is positive), so every lexicon keeps its relative frequencies and the first keeps its
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
        total = float(lexicon.total if isinstance(lexicon, Lexicon) else sum(counts.values()))
        rescale = reference > 0 and total > 0 and total != reference
        if reference <= 0 < total:
            reference = total
        if not combined and not rescale:
            combined = counts  # the first lexicon as it is (a copy already): no loop over a big dictionary
            continue
        for word, count in counts.items():
            if rescale:
                count = _number(count * reference / total)  # count * M_1 / M_i: exact when it is whole
            old = combined.get(word)
            if old is None or count > old:
                combined[word] = count
    return combined


#: the first line of a TSV lexicon that holds only part of its corpus's words: ``# total N``
#: (no tab: no entry line looks like it)
TOTAL_LINE = "# total"

#: a TSV lexicon in its plain form, as build-lexicon writes it: ``word<TAB>digits`` lines, each
#: ended by a line feed, nothing else (no character that str.splitlines breaks at, no header)
_PLAIN_TSV = re.compile("(?:[^\t\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]+\t[0-9]+\n)+")
_TSV_ENTRY = re.compile("([^\t\n]+)\t([0-9]+)\n")


def _plain_tsv(text: str) -> Optional[dict[str, int]]:
    """word -> count of a TSV lexicon in its plain form, read by two regular expressions (a
    few times faster than the line loop of :meth:`Lexicon.parse`, which reads every other form
    and gives the errors); None when it is not in that form or repeats a word."""
    body = text if text.endswith("\n") else text + "\n"
    if _PLAIN_TSV.fullmatch(body) is None:
        return None
    entries = _TSV_ENTRY.findall(body)
    counts = dict(zip([w for w, _ in entries], map(int, [c for _, c in entries])))
    return counts if len(counts) == len(entries) else None


def _cell(value: Optional[float]) -> str:
    """A score as a TSV cell: 4 decimals, ``nan`` when there is none."""
    return "nan" if value is None or value != value else f"{value:.4f}"


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
        total: Optional[float] = None,
    ) -> None:
        self._counts: dict[str, Union[int, float]] = {}
        if type(counts) is dict and "" not in counts and all(type(c) is int for c in counts.values()):
            self._counts = dict(counts)  # the common case, fast for a dictionary of 350,000 words
        else:
            items = counts.items() if isinstance(counts, Mapping) else counts
            for word, count in items:
                if not word:
                    raise MinentError("a lexicon word cannot be empty")
                self._counts[word] = self._counts.get(word, 0) + _number(count)
        self.stats = stats
        if total is not None and not total >= sum(self._counts.values()):
            raise MinentError(f"a lexicon's total ({total}) cannot be less than the sum of its counts")
        #: the count the entries' probabilities are out of when the lexicon holds only part of its
        #: corpus's words (``build-lexicon --new-only``: the new words, out of all the corpus's tokens)
        self.declared_total = _number(total) if total is not None else None

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
    def total(self) -> Union[int, float]:
        """What the counts are out of: the declared total of a partial lexicon, else their sum."""
        return self.declared_total if self.declared_total is not None else sum(self._counts.values())

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
        largest rescaled count). ``lex.merge()`` equals ``lex``. The result declares no total:
        it is a whole lexicon (its counts sum to what they are out of).

        >>> Lexicon({"中国": 6, "中": 4}).merge(Lexicon({"中": 1, "国": 4})).to_dict()
        {'中国': 6, '中': 4, '国': 8}
        """
        return Lexicon(combine([self, *others]))

    def difference(self, other: Container[str]) -> "Lexicon":
        """The entries of this lexicon whose word ``other`` (a Lexicon, mapping or set of words)
        lacks, with their counts here, out of this lexicon's total (a partial lexicon, as
        ``build-lexicon --new-only`` writes).

        >>> Lexicon({"中国": 6, "青云门": 2}).difference(Lexicon({"中国": 1})).to_dict()
        {'青云门': 2}
        """
        return Lexicon({word: count for word, count in self._counts.items() if word not in other}, total=self.total)

    def __repr__(self) -> str:
        top = ", ".join(f"{w}:{c}" for w, c in self.items()[:3])
        return f"Lexicon({len(self)} words; {top}{', ...' if len(self) > 3 else ''})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Lexicon) and self._counts == other._counts

    # -- files ------------------------------------------------------------------------
    def save(self, path: Optional[PathLike], format: str = "tsv",
             columns: Optional[Mapping[str, Mapping[str, float]]] = None) -> None:
        """Write the lexicon (stdout for None or '-'), atomically. Files hold whole counts: a
        count that is not (a rescaled count of :meth:`merge`) is rounded, to at least 1 when
        it is positive.

        TSV only: a declared total is written first, as the line ``# total<SPACE>N``; ``columns``
        (name -> word -> value) adds columns after the count, under a header line
        ``word<TAB>count<TAB>name...`` (a value missing for a word is written ``nan``).
        :meth:`load` reads both back (the extra columns are not kept)."""
        if format not in FORMATS:
            raise MinentError(f"unknown lexicon format '{format}' (choose from {', '.join(FORMATS)})")
        if format != "tsv" and columns:
            raise MinentError("extra columns (scores) need the tsv format")
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
            if format == "tsv" and self.declared_total is not None:
                f.write(f"{TOTAL_LINE} {_whole(self.declared_total)}\n")
            if columns:
                names = list(columns)
                f.write("\t".join(["word", "count", *names]) + "\n")
                f.writelines(f"{w}\t{c if isinstance(c, int) else _whole(c)}\t"
                             + "\t".join(_cell(columns[n].get(w)) for n in names) + "\n"
                             for w, c in self.items())
            else:
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
        nul = raw.find(b"\x00")
        if nul >= 0 and encoding.replace("-", "").replace("_", "").lower() in ("utf8", "gb18030", "gbk", "big5"):
            line = raw.count(b"\n", 0, nul) + 1
            raise MinentError(f"{name} line {line} looks like a binary file (NUL byte at byte offset {nul}); "
                              f"expected a lexicon, one 'word<TAB>count' or 'word count [tag]' a line")
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
        if format in (None, "tsv"):
            plain = _plain_tsv(text)
            if plain is not None:
                return cls(plain)
        lines = text.splitlines()
        if format is None:
            first = next((ln for ln in lines if ln.strip()), "")
            if first.startswith(TOTAL_LINE + " ") and "\t" not in first:
                format = "tsv"  # only a TSV lexicon declares its total (it may have no entries after it)
            else:
                format = "tsv" if "\t" in first else "jieba"
        counts: dict[str, int] = {}
        total: Optional[int] = None
        skip = set()  # line numbers of a leading '# total N' line and a header line (tsv)
        if format == "tsv":
            leading = [(i, ln) for i, ln in enumerate(lines[:50], 1) if ln.strip()][:2]
            if leading and leading[0][1].startswith(TOTAL_LINE + " ") and "\t" not in leading[0][1]:
                lineno, line = leading.pop(0)
                try:
                    total = int(line[len(TOTAL_LINE) + 1:].strip())
                except ValueError:
                    raise MinentError(f"{name} line {lineno}: expected '{TOTAL_LINE} N' with a whole N, "
                                      f"got {line[:60]!r}") from None
                skip.add(lineno)
            if leading and leading[0][1].rstrip("\r").split("\t")[:2] == ["word", "count"]:
                skip.add(leading[0][0])  # the header of a lexicon with scores
        tsv = format == "tsv"
        for lineno, line in enumerate(lines, 1):
            parts = line.split("\t") if tsv else line.split()
            n = len(parts)
            if n < 2 or (not tsv and n > 3) or lineno in skip:
                if lineno in skip or not line.strip():
                    continue
                count = -1
            else:
                try:
                    count = int(parts[1])
                except ValueError:
                    count = -1
            word = parts[0] if parts else ""
            if count < 0 or not word:
                shape = "word<TAB>count" if tsv else "word count [tag]"
                raise MinentError(
                    f"{name} line {lineno}: expected '{shape}' with a whole count >= 0, got {line[:60]!r}"
                )
            counts[word] = counts.get(word, 0) + count
        if not counts and not allow_empty:
            raise MinentError(f"{name} has no entries")
        if total is not None and total < sum(counts.values()):
            raise MinentError(f"{name}: its total ({total}) is less than the sum of its counts")
        return cls(counts, total=total)
