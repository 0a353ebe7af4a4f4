"""Word baskets: each document (a line of text) as the set of its words, the input of
frequent itemsets and association rules over words (``minent baskets``, ``minent apriori --text``).

A basket holds the distinct words of the document's cut, in the order they first occur,
keeping only the words that pass every filter:

* a **real word**: at least one of its characters is a letter in Unicode's sense (general
  category L*, Python's ``str.isalpha``): every CJK ideograph, kana, hangul, Latin, Greek,
  Cyrillic... letter. So punctuation and symbols (，。《》%), and numbers (2018, 3.5%,
  -1,000, 〇) are left out, while COVID-19, T恤 and iPhone stay. Whitespace is never a word
  (it is a boundary of the cut);
* at least ``min_length`` characters long (code points, as ``len`` counts them; default 2:
  single characters are mostly function words, 的, 了, 是);
* not one of ``stop_words`` (exact match, case included);
* with ``min_count``: a lexicon count of at least ``min_count`` in the segmenter's lexicon
  (several lexicons: their combined, rescaled counts), a word the lexicon lacks counting 0,
  so only lexicon words stay.

The Segmenter's own ``stop_words`` and ``min_length`` apply as well (its cut leaves those
words out). A document with no word left gives an empty basket: line numbers of documents
and baskets stay aligned. Words are kept as written (Latin case is not folded).
"""

from __future__ import annotations

import math
import numbers
import os
import time
from dataclasses import dataclass
from typing import Collection, Iterable, Iterator, Optional

from ..common.errors import MinentError
from ..common.progress import ProgressCallback, no_progress
from ..common.textio import PathLike, _describe, check_encoding, is_regular_file, iter_file_chunks, open_input

__all__ = ["word_baskets", "read_documents", "is_real_word", "BasketStats"]

#: distinct words whose verdict is remembered (then the memory is cleared): the vocabulary
#: of a corpus is far smaller, but unknown Latin words could grow without bound
_CACHE_WORDS = 1 << 20


def is_real_word(word: str) -> bool:
    """Whether ``word`` holds a letter (any ideograph counts): the test that leaves out
    punctuation, symbols and numbers."""
    return any(c.isalpha() for c in word)


def word_baskets(
    segmenter,
    lines: Iterable[str],
    *,
    min_length: int = 2,
    stop_words: Optional[Collection[str]] = None,
    min_count: Optional[float] = None,
) -> Iterator[list[str]]:
    """The basket of each text of ``lines`` (one document each; any iterable, a file's lines
    too): the distinct real words of its cut by ``segmenter`` (a
    :class:`~minent.segment.segmenter.Segmenter`), in order of first occurrence, filtered as
    the module docstring says. Lazy: texts are cut a batch at a time, so memory stays flat.
    A text with no word left gives an empty basket, which :func:`minent.apriori` counts as a
    basket; ``minent apriori`` skips empty lines, so keep ``[b for b in baskets if b]`` to get
    the command's supports.

    >>> seg = Segmenter({"孙悟空": 9, "唐僧": 7, "T恤": 3})
    >>> list(word_baskets(seg, ["孙悟空和唐僧，孙悟空。", "2018年 3.5% COVID-19 T恤", "", "的"]))
    [['孙悟空', '唐僧'], ['COVID-19', 'T恤'], [], []]

    The arguments are checked at once (a MinentError), not when the first basket is asked for.
    """
    if isinstance(min_length, bool) or not isinstance(min_length, numbers.Integral) or min_length < 1:
        raise MinentError(f"min_length must be a whole number >= 1, got {min_length!r}")
    if isinstance(stop_words, str):
        raise MinentError("stop_words must be a collection of words, not one string")
    stop = frozenset(stop_words or ())
    if any(not isinstance(w, str) for w in stop):
        raise MinentError("stop words must be strings")
    counts = None
    if min_count is not None:
        if isinstance(min_count, bool) or not isinstance(min_count, numbers.Real) or not 0 <= min_count < math.inf:
            raise MinentError(f"min_count must be a finite number >= 0, got {min_count!r}")
        segmenter._trie()  # words added since the last cut are built in (their counts raised)
        counts = segmenter._word_counts()  # the combined lexicon, word -> count
    words_of = segmenter.cut_many(lines, lazy=True)  # checks ``lines`` now
    return _baskets(words_of, int(min_length), stop, counts, None if min_count is None else float(min_count))


def _baskets(words_of: Iterator[list[str]], min_length: int, stop: frozenset, counts: Optional[dict],
             min_count: Optional[float]) -> Iterator[list[str]]:
    verdict: dict[str, bool] = {}  # word -> kept, worked out once per distinct word

    def kept(word: str) -> bool:
        keep = (len(word) >= min_length and word not in stop and is_real_word(word)
                and (counts is None or counts.get(word, 0.0) >= min_count))
        if len(verdict) >= _CACHE_WORDS:
            verdict.clear()
        verdict[word] = keep
        return keep

    for words in words_of:
        yield [w for w in dict.fromkeys(words) if (verdict[w] if w in verdict else kept(w))]


@dataclass
class BasketStats:
    """Figures of reading documents with :func:`read_documents`."""

    n_bytes: int = 0  #: bytes read
    n_documents: int = 0  #: documents (lines) read
    seconds: float = 0.0  #: from the first read to the last line handed out


def read_documents(source: PathLike, encoding: str = "utf-8", progress: ProgressCallback = no_progress,
                   stats: Optional[BasketStats] = None) -> Iterator[str]:
    """The documents of a file ('-': standard input), one a line, without their line feed,
    read in chunks (memory holds a chunk, and a line however long). Documents are separated
    by line feeds only: a CRLF file's CR stays at the end of its line, where the cut takes it
    for whitespace. A last line without a line feed is a document; an empty file has none.
    ``progress("segmenting", bytes read, file size or None)`` after each chunk; ``stats``,
    when given, is filled in as the lines are read. Errors are one-line MinentErrors."""
    encoding = check_encoding(encoding)
    name = _describe(source)
    total = _size(source)
    stats = stats if stats is not None else BasketStats()
    return _documents(source, name, encoding, total, progress, stats)


def _size(source: PathLike) -> Optional[int]:
    return os.path.getsize(source) if is_regular_file(source) else None


def _documents(source: PathLike, name: str, encoding: str, total: Optional[int], progress: ProgressCallback,
               stats: BasketStats) -> Iterator[str]:
    started = time.perf_counter()
    with open_input(source, encoding) as stream:
        carry = ""  # the start of a line whose end is in a later chunk
        chunks = iter_file_chunks(stream, name, encoding)
        while True:
            try:
                chunk, size = next(chunks)
            except StopIteration:
                break
            except OSError as e:
                raise MinentError(f"cannot read {name}: {e.strerror or e}") from None
            stats.n_bytes += size
            progress("segmenting", stats.n_bytes, total)
            lines = chunk.split("\n")
            if carry:
                lines[0] = carry + lines[0]
            carry = lines.pop()  # "" after a final line feed
            stats.n_documents += len(lines)
            yield from lines
            stats.seconds = time.perf_counter() - started
        if carry:
            stats.n_documents += 1
            yield carry
    stats.seconds = time.perf_counter() - started
