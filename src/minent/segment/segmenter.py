"""Unigram (minimum-information) segmentation with a lexicon.

Among all ways to cut a run of ideographs into lexicon words, the :class:`Segmenter` takes
one of least total information, sum of -ln p(w) with p(w) = count(w) / total (the most
probable path, found by a Viterbi pass over the word lattice in a Numba kernel).

Conventions (the same for the library and ``minent segment``):

* A character that is not a one-character lexicon entry (and a word whose count is 0)
  counts as if seen ``unknown_count`` = 0.5 times: p = 0.5 / total. So every input can be
  cut, and an unknown character is always a word of its own.
* Ideographs are those of :mod:`minent.common.chars` plus the compatibility ideographs
  (U+F900-U+FAFF), the extensions beyond the BMP (U+20000-U+323AF) and U+25CB (○, often
  typed for 〇 in years such as 二○○一年).
* Other text is grouped by rules, never by the lexicon: a run of letters and digits (any
  script's decimal digits, full-width ones included; a decimal point or a thousands
  comma between digits, a hyphen or apostrophe inside a word, a leading sign such as
  -5 or ＋3, a trailing % ％ ‰), a run of one repeated dash or ellipsis character
  (——, ……), and every other character alone. Combining marks stay with the character
  before them.
* Whitespace is a word boundary and is not written: the words of a line are joined by the
  delimiter (one space by default), so the output with delimiters removed equals the input
  with whitespace removed. Line feeds are kept exactly (CRLF becomes LF; ``\\r`` is
  whitespace), so the output has as many lines as the input.
"""

from __future__ import annotations

import codecs
import io
import math
import os
import time
from dataclasses import dataclass
from typing import IO, Iterable, Iterator, Mapping, Optional, Union

import numpy as np

from ..common.charclass import class_table
from ..common.errors import MinentError
from ..common.kernels import numba_threads
from ..common.lexicon import Lexicon
from ..common.progress import ProgressCallback, no_progress
from ..common.textio import PathLike, check_encoding, check_readable, _describe, is_regular_file, iter_byte_chunks, iter_file_chunks, open_input, read_input

UNKNOWN_COUNT = 0.5
DELIMITER = " "
CHUNK_BYTES = 4 << 20  # text is segmented 4 MiB at a time: memory stays flat
_PARALLEL_CHARS = 1 << 16  # shorter texts run on one thread
_BLOCKS_PER_THREAD = 4


def _codepoints(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def _text(cps: np.ndarray) -> str:
    return cps.tobytes().decode("utf-32-le", "surrogatepass")


def _lexicon_arrays(lexicon: Union[Lexicon, Mapping[str, int]]) -> tuple:
    """Code points, word offsets and counts of a Lexicon or a mapping word -> count."""
    counts = lexicon.to_dict() if isinstance(lexicon, Lexicon) else dict(lexicon)
    if not counts:
        raise MinentError("the lexicon has no entries")
    words = list(counts)
    if any(not isinstance(w, str) or not w for w in words):
        raise MinentError("lexicon words must be non-empty strings")
    try:
        freq = np.fromiter(counts.values(), dtype=np.float64, count=len(words))
    except (TypeError, ValueError):
        raise MinentError("lexicon counts must be numbers") from None
    if not np.all(freq >= 0) or not np.all(np.isfinite(freq)):
        raise MinentError("lexicon counts must be finite numbers >= 0")
    offsets = np.zeros(len(words) + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, words), dtype=np.int64, count=len(words)), out=offsets[1:])
    return _codepoints("".join(words)), offsets, freq


def _read_lexicon(path: PathLike, lexicon_format: Optional[str], encoding: str, table: np.ndarray) -> tuple:
    """Arrays of a lexicon file: a Numba reader for plain UTF-8 files (jieba's 350,000 words
    in tens of milliseconds), :meth:`Lexicon.load` for everything else and for the errors."""
    from ..common.kernels import lexfile, utf8
    from ..common.lexicon import FORMATS

    if lexicon_format is not None and lexicon_format not in FORMATS:
        raise MinentError(f"unknown lexicon format '{lexicon_format}' (choose from {', '.join(FORMATS)})")
    raw = read_input(path, encoding)  # read once: the path may be a pipe (-l <(...))
    if check_encoding(encoding) == "utf-8":
        cps, bad = utf8.decode_utf8(np.frombuffer(raw, dtype=np.uint8))
        if bad < 0:
            fmt = {None: lexfile.AUTO, "tsv": lexfile.TSV, "jieba": lexfile.JIEBA}[lexicon_format]
            ok, _, words, offsets, counts = lexfile.parse_entries(cps, table, fmt)
            if ok:
                return words, offsets, counts
    return _lexicon_arrays(Lexicon.from_bytes(raw, format=lexicon_format, encoding=encoding, name=_describe(path)))


def _delimiter_bytes(delimiter: str) -> np.ndarray:
    if not isinstance(delimiter, str):
        raise MinentError(f"the delimiter must be a string, got {type(delimiter).__name__}")
    return np.frombuffer(delimiter.encode("utf-8", "surrogatepass"), dtype=np.uint8)


def _byte_writer(output: IO):
    """A function writing UTF-8 bytes (a uint8 array) to a binary or text stream."""
    if isinstance(output, io.TextIOBase):
        buffer = getattr(output, "buffer", None)
        encoding = getattr(output, "encoding", None) or "utf-8"
        if buffer is None or codecs.lookup(encoding).name != "utf-8":  # let the stream encode
            return lambda data: output.write(data.tobytes().decode("utf-8", "surrogatepass"))
        output.flush()  # what was written as text goes first
        return lambda data: buffer.write(memoryview(data))
    return lambda data: output.write(memoryview(data))


def _reading(chunks: Iterator, name: str) -> Iterator:
    """The chunks of an input, its read errors made one-line MinentErrors (write errors of
    the consumer are not caught here: they are raised in the consumer, not in this generator)."""
    try:
        yield from chunks
    except OSError as e:
        raise MinentError(f"cannot read {name}: {e.strerror or e}") from None


@dataclass
class SegmentStats:
    """Figures of one ``segment_file`` run."""

    n_bytes: int = 0  #: bytes read
    n_chars: int = 0  #: characters read
    n_lines: int = 0  #: line feeds read
    seconds: float = 0.0


class Segmenter:
    """Cuts text into the words of a lexicon by the unigram model.

    >>> seg = Segmenter({"研究": 10, "研究生": 5, "生命": 10, "命": 2, "起源": 8})
    >>> seg.cut("研究生命起源")
    ['研究', '生命', '起源']

    ``lexicon`` is a :class:`~minent.common.lexicon.Lexicon`, a mapping word -> count, or the path
    of a lexicon file (``lexicon_format`` None detects tsv or jieba). ``jobs`` is the number
    of threads for long texts (0 = all cores).
    """

    def __init__(
        self,
        lexicon: Union[Lexicon, Mapping[str, int], PathLike],
        *,
        lexicon_format: Optional[str] = None,
        encoding: str = "utf-8",
        unknown_count: float = UNKNOWN_COUNT,
        jobs: int = 0,
    ) -> None:
        from ..common.kernels import trie

        if not unknown_count > 0:
            raise MinentError(f"unknown_count must be > 0, got {unknown_count}")
        if jobs < 0:
            raise MinentError(f"jobs must be 0 (all cores) or a positive number, got {jobs}")
        self._table = class_table()
        if isinstance(lexicon, (str, os.PathLike)):
            cps, offsets, freq = _read_lexicon(lexicon, lexicon_format, encoding, self._table)
        else:
            cps, offsets, freq = _lexicon_arrays(lexicon)
        total = float(freq.sum())
        if total <= 0:
            raise MinentError("the lexicon's counts are all zero")
        (self.root_edges, self.edge_keys, self.edge_children, self.shift, self.has_child,
         weight) = trie.build_weighted_trie(cps, offsets, freq)
        # a word seen 0 times counts as seen unknown_count times
        with np.errstate(divide="ignore"):
            self.node_cost = np.where(weight >= 0, math.log(total) - np.log(np.maximum(weight, unknown_count)),
                                      np.inf)
        self.unknown_cost = math.log(total) - math.log(unknown_count)
        self.n_words = int(np.count_nonzero(weight >= 0))  # distinct words
        self.total = total
        self.jobs = jobs

    # -- the kernels ------------------------------------------------------------------
    def _trie(self) -> tuple:
        return (self.root_edges, self.edge_keys, self.edge_children, self.shift, self.has_child,
                self.node_cost, self.unknown_cost)

    def _marks(self, cps: np.ndarray) -> np.ndarray:
        from .kernels import viterbi as v

        if cps.shape[0] < _PARALLEL_CHARS:
            return v.mark_words_serial(cps, self._table, *self._trie())
        with numba_threads(self.jobs) as n_threads:
            if n_threads == 1:
                return v.mark_words_serial(cps, self._table, *self._trie())
            bounds = v.block_bounds(cps, self._table, n_threads * _BLOCKS_PER_THREAD)
            return v.mark_words(cps, self._table, bounds, *self._trie())

    # -- public API -------------------------------------------------------------------
    def cut(self, text: str) -> list[str]:
        """The words of ``text``, in order (whitespace is a boundary and is left out)."""
        from .kernels import viterbi as v

        if not isinstance(text, str):
            raise MinentError(f"text must be a string, got {type(text).__name__}")
        starts, ends = v.word_spans(self._marks(_codepoints(text)))
        return [text[s:e] for s, e in zip(starts.tolist(), ends.tolist())]

    def cut_many(self, texts: Iterable[str]) -> list[list[str]]:
        """:meth:`cut` for many texts at once (one kernel call for the whole batch)."""
        from .kernels import viterbi as v

        texts = list(texts)
        for t in texts:
            if not isinstance(t, str):
                raise MinentError(f"texts must be strings, got {type(t).__name__}")
        if not texts:
            return []
        joined = "\n".join(texts)  # a line feed is a boundary, so texts never run together
        starts, ends = v.word_spans(self._marks(_codepoints(joined)))
        text_starts = np.zeros(len(texts), dtype=np.int64)
        np.cumsum([len(t) + 1 for t in texts[:-1]], out=text_starts[1:])
        owner = np.searchsorted(text_starts, starts, side="right") - 1
        split_at = np.searchsorted(owner, np.arange(1, len(texts)))
        words = [joined[s:e] for s, e in zip(starts.tolist(), ends.tolist())]
        bounds = [0, *split_at.tolist(), len(words)]
        return [words[bounds[i] : bounds[i + 1]] for i in range(len(texts))]

    def segment(self, text: str, delimiter: str = DELIMITER) -> str:
        """``text`` with its words joined by ``delimiter``; line feeds are kept as they are."""
        out, _ = self._render(text, delimiter, False)
        return out

    def _render(self, text: str, delimiter: str, line_open: bool) -> tuple[str, bool]:
        from .kernels import viterbi as v

        if not isinstance(text, str):
            raise MinentError(f"text must be a string, got {type(text).__name__}")
        cps = _codepoints(text)
        out, line_open = v.render(cps, self._marks(cps), _delimiter_bytes(delimiter), line_open)
        return out.tobytes().decode("utf-8", "surrogatepass"), line_open

    def segment_chunks(self, chunks: Iterable[str], delimiter: str = DELIMITER) -> Iterator[str]:
        """Segment a stream of text pieces (best cut after line feeds), yielding output pieces."""
        line_open = False
        for chunk in chunks:
            out, line_open = self._render(chunk, delimiter, line_open)
            yield out

    def _segment_utf8(self, data: bytes, delimiter: np.ndarray, line_open: bool) -> tuple:
        """``(output bytes, line_open, characters, bad byte offset)`` of UTF-8 bytes, in one kernel."""
        from .kernels import viterbi as v

        with numba_threads(self.jobs) as n_threads:
            n_blocks = 1 if len(data) < _PARALLEL_CHARS else n_threads * _BLOCKS_PER_THREAD
            return v.segment_utf8(np.frombuffer(data, dtype=np.uint8), self._table, n_blocks, *self._trie(),
                                  delimiter, line_open)

    def segment_file(
        self,
        source: PathLike,
        output: IO,
        delimiter: str = DELIMITER,
        encoding: str = "utf-8",
        progress: ProgressCallback = no_progress,
        chunk_bytes: int = CHUNK_BYTES,
    ) -> SegmentStats:
        """Segment a file ('-' = standard input) into ``output``, chunk by chunk (flat memory).

        ``output`` is a binary stream or a text stream (UTF-8 bytes go to its buffer when it
        has one). UTF-8 input goes from bytes to bytes in one Numba kernel per chunk; other
        encodings are decoded by Python first.
        """
        from .kernels import viterbi as v
        from ..common.textio import _decode

        encoding = check_encoding(encoding)
        check_readable(source)
        if chunk_bytes < 1:
            raise MinentError(f"chunk_bytes must be >= 1, got {chunk_bytes}")
        write = _byte_writer(output)
        sep = _delimiter_bytes(delimiter)
        try:  # the output is UTF-8, which cannot hold a lone surrogate (e.g. -d given as a non-UTF-8 byte)
            delimiter.encode("utf-8")
        except UnicodeEncodeError:
            raise MinentError(f"the delimiter {delimiter!r} cannot be written as UTF-8") from None
        stats = SegmentStats()
        start = time.perf_counter()
        name = _describe(source)
        total = os.path.getsize(source) if is_regular_file(source) else None
        with open_input(source, encoding) as stream:
            line_open = False
            if encoding == "utf-8":
                for data, offset in _reading(iter_byte_chunks(stream, chunk_bytes), name):
                    out, line_open, n_chars, bad = self._segment_utf8(data, sep, line_open)
                    if bad >= 0:
                        _decode(data, name, offset, encoding)  # raises the usual message
                        raise MinentError(f"{name} is not valid utf-8: bad byte at offset {offset + bad}")
                    write(out)
                    stats.n_bytes += len(data)
                    stats.n_chars += int(n_chars)
                    stats.n_lines += data.count(b"\n")
                    progress("segmenting", stats.n_bytes, total)
            else:
                for text, size in _reading(iter_file_chunks(stream, name, encoding, chunk_bytes), name):
                    cps = _codepoints(text)
                    out, line_open = v.render(cps, self._marks(cps), sep, line_open)
                    write(out)
                    stats.n_bytes += size
                    stats.n_chars += len(text)
                    stats.n_lines += text.count("\n")
                    progress("segmenting", stats.n_bytes, total)
        stats.seconds = time.perf_counter() - start
        return stats

    def __repr__(self) -> str:
        return f"Segmenter({self.n_words:,} words)"
