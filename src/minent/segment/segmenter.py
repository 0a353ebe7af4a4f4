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
* A lexicon entry that mixes scripts (T恤, B超, 卡拉OK, iPhone手机, 3D打印, C++) cannot come out
  of the lattice: where one occurs it is taken whole, unless an end of it would cut a Latin
  word or a number in two (no iPhone手机 inside xiPhone手机); when found entries overlap, the
  leftmost wins, then the longest. The text between them is cut as usual. With no such entry
  in the lexicon, nothing is scanned for them.
* Whitespace is a word boundary and is not written: the words of a line are joined by the
  delimiter (one space by default), so the output with delimiters removed equals the input
  with whitespace removed. Line feeds are kept exactly (CRLF becomes LF; ``\\r`` is
  whitespace), so the output has as many lines as the input.

Small work does not wait for Numba: in a process that has not loaded the kernels, a
Segmenter of a small lexicon (without entries of mixed scripts) cuts its first
:data:`minent.segment.plain.TEXT_CHARS` characters in plain Python, with the same words
(:mod:`minent.segment.plain`), and builds the kernels' trie only when more work comes.
"""

from __future__ import annotations

import codecs
import io
import math
import os
import re
import sys
import threading
import time
from dataclasses import dataclass
from typing import IO, Callable, Iterable, Iterator, Mapping, Optional, Sequence, Union

import numpy as np

from ..common.chars import codepoints as _codepoints
from ..common.errors import MinentError
from ..common.gcpause import gc_paused
from ..common.lexicon import Lexicon
from ..common.progress import ProgressCallback, no_progress
from ..common.textio import PathLike, check_encoding, check_readable, _describe, is_regular_file, iter_byte_chunks, iter_file_chunks, open_input, read_ahead, read_input
from . import plain

UNKNOWN_COUNT = 0.5
DELIMITER = " "
FORMATS = ("text", "jsonl")  # what segment_file and render_lines write
BATCH_CHARS = 1 << 20  # characters a lazy cut_many or tokenize_many takes at a time
MODES = ("default", "search")
CHUNK_BYTES = 4 << 20  # text is segmented 4 MiB at a time: memory stays flat
_PARALLEL_CHARS = 1 << 16  # shorter texts run on one thread
_BLOCKS_PER_THREAD = 4


_LATTICE_WORD: Optional[re.Pattern] = None


def class_table() -> np.ndarray:
    """The kernels' character classes (:func:`minent.common.charclass.class_table`, which loads
    Numba: imported when a kernel is about to run, not with this module)."""
    from ..common.charclass import class_table as table

    return table()


def numba_threads(jobs: int):
    from ..common.kernels import numba_threads as threads

    return threads(jobs)


def _kernels_loaded() -> bool:
    """Whether this process has loaded the Viterbi kernels already: then they cut everything
    (the plain path is for a process that would otherwise pay their start for small work)."""
    return "minent.segment.kernels.viterbi" in sys.modules


def _plain_wanted() -> bool:
    return not _kernels_loaded() and not plain.kernels_forced()


def _small_sources(sources: Sequence) -> bool:
    """Whether a list of lexicons is small enough to read in plain Python (see :mod:`.plain`)."""
    paths = [s for s in sources if isinstance(s, (str, os.PathLike))]
    others = [s for s in sources if not isinstance(s, (str, os.PathLike))]
    return (plain.plain_lexicon_files(paths)
            and all(isinstance(m, (Lexicon, Mapping)) for m in others)
            and sum(len(m) for m in others) <= plain.LEXICON_WORDS)


#: attributes of the kernels' trie, made when first asked for (a Segmenter that cuts small
#: work in plain Python never builds it)
_TRIE_ATTRIBUTES = frozenset({"_current", "_trie_tuple", "root_edges", "edges", "shift", "has_child", "node_cost",
                              "unknown_cost"})


def _lattice_word() -> re.Pattern:
    """A pattern matching the strings the Viterbi lattice reads as one word: ideographs (as the
    class table has them) and ``#`` (a number), made once from the table's runs."""
    global _LATTICE_WORD
    if _LATTICE_WORD is None:
        from ..common.kernels import tokens

        han = np.flatnonzero((class_table() & tokens.KIND_MASK) == tokens.HAN)
        run_starts = han[np.flatnonzero(np.diff(han, prepend=-2) != 1)]
        run_ends = han[np.flatnonzero(np.diff(han, append=han[-1] + 2) != 1)]
        ranges = "".join(f"\\U{a:08x}-\\U{b:08x}" for a, b in zip(run_starts.tolist(), run_ends.tolist()))
        # beyond the BMP the kernels read CJK extensions B-H as ideographs, by range
        ranges += f"\\U{tokens.HAN_BEYOND_BMP[0]:08x}-\\U{tokens.HAN_BEYOND_BMP[1]:08x}"
        _LATTICE_WORD = re.compile(f"[{ranges}#]+")
    return _LATTICE_WORD


def word_arrays(words: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """The words' code points one after another, and where each starts (``offsets[w]:offsets[w+1]``)."""
    offsets = np.zeros(len(words) + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, words), dtype=np.int64, count=len(words)), out=offsets[1:])
    return _codepoints("".join(words)), offsets


def _offset_lists(starts: np.ndarray, ends: np.ndarray) -> tuple[list[int], list[int]]:
    """Word offsets as lists of ints, each end the very int object of the next start where the
    two are equal (the words touch): tokens then hold half as many int objects, which is both
    faster to make and half the memory of a second list."""
    first = starts.tolist()
    if not first:
        return first, []
    last = first[1:]
    last.append(int(ends[-1]))
    for i in np.flatnonzero(ends[:-1] != starts[1:]).tolist():
        last[i] = int(ends[i])
    return first, last


def _text(cps: np.ndarray) -> str:
    return cps.tobytes().decode("utf-32-le", "surrogatepass")


def _lexicon_arrays(lexicon: Union[Lexicon, Mapping[str, int]], words_checked: bool = False,
                    owned: bool = False) -> tuple:
    """Code points, word offsets and counts of a Lexicon or a mapping word -> count
    (``words_checked``: the words are known to be non-empty strings, as after add_word;
    ``owned``: the mapping is a dict of the Segmenter's own, read without a copy)."""
    words, freq = _lexicon_counts(lexicon, words_checked, owned)
    return (*word_arrays(words), freq)


def _lexicon_counts(lexicon: Union[Lexicon, Mapping[str, int]], words_checked: bool = False,
                    owned: bool = False) -> tuple[list, np.ndarray]:
    """The words and their counts (float64) of :func:`_lexicon_arrays`, checked the same way."""
    counts = lexicon if owned else lexicon.to_dict() if isinstance(lexicon, Lexicon) else dict(lexicon)
    if not counts:
        raise MinentError("the lexicon has no entries")
    words = list(counts)
    if not words_checked and any(not isinstance(w, str) or not w for w in words):
        raise MinentError("lexicon words must be non-empty strings")
    try:
        freq = np.fromiter(counts.values(), dtype=np.float64, count=len(words))
    except (TypeError, ValueError):
        raise MinentError("lexicon counts must be numbers") from None
    if not np.all(freq >= 0) or not np.all(np.isfinite(freq)):
        raise MinentError("lexicon counts must be finite numbers >= 0")
    return words, freq


def _read_lexicon(path: PathLike, lexicon_format: Optional[str], encoding: str, table: np.ndarray,
                  allow_empty: bool = False) -> tuple:
    """Arrays of a lexicon file: a Numba reader for plain UTF-8 files (jieba's 350,000 words
    in tens of milliseconds), :meth:`Lexicon.load` for everything else and for the errors
    (``allow_empty``: a file without entries gives empty arrays instead of an error)."""
    from ..common.lexicon import FORMATS

    if lexicon_format is not None and lexicon_format not in FORMATS:
        raise MinentError(f"unknown lexicon format '{lexicon_format}' (choose from {', '.join(FORMATS)})")
    arrays, lexicon = _read_lexicon_file(path, lexicon_format, encoding, table, allow_empty)
    if arrays is not None:
        return arrays
    if not len(lexicon):
        return np.empty(0, dtype=np.uint32), np.zeros(1, dtype=np.int64), np.empty(0, dtype=np.float64)
    return _lexicon_arrays(lexicon)


def _read_lexicon_file(path: PathLike, lexicon_format: Optional[str], encoding: str, table: np.ndarray,
                       allow_empty: bool) -> tuple:
    """``(arrays, None)`` from the Numba reader when it can read the file (plain entries in
    UTF-8), else ``(None, Lexicon)`` from :meth:`Lexicon.from_bytes` (other encodings, a
    declared total or a header line, and every error)."""
    from ..common.kernels import lexfile, utf8

    raw = read_input(path, encoding)  # read once: the path may be a pipe (-l <(...))
    if check_encoding(encoding) == "utf-8":
        cps, bad = utf8.decode_utf8(np.frombuffer(raw, dtype=np.uint8))
        if bad < 0:
            fmt = {None: lexfile.AUTO, "tsv": lexfile.TSV, "jieba": lexfile.JIEBA}[lexicon_format]
            ok, _, words, offsets, counts = lexfile.parse_entries(cps, table, fmt)
            if ok:
                return (words, offsets, counts), None
    return None, Lexicon.from_bytes(raw, format=lexicon_format, encoding=encoding, name=_describe(path),
                                    allow_empty=allow_empty)


def _arrays_counts(cps: np.ndarray, offsets: np.ndarray, freq: np.ndarray) -> dict[str, float]:
    """word -> count of a lexicon's arrays (a word given twice counts twice, as in the trie)."""
    text = _text(cps)
    bounds = offsets.tolist()
    words = [text[a:b] for a, b in zip(bounds, bounds[1:])]
    counts = dict(zip(words, freq.tolist()))
    if len(counts) < len(words):
        counts = {}
        for word, c in zip(words, freq.tolist()):
            counts[word] = counts.get(word, 0.0) + c
    return counts


def _combined_arrays(sources: list, lexicon_format: Optional[str], encoding: str, table: np.ndarray) -> tuple:
    """Arrays of several lexicons combined by :func:`minent.common.lexicon.combine` (files are
    read as for one lexicon, each with its own format detection; a file may be empty)."""
    from ..common.lexicon import FORMATS, combine

    maps = []
    for source in sources:
        if isinstance(source, (str, os.PathLike)):
            if lexicon_format is not None and lexicon_format not in FORMATS:
                raise MinentError(f"unknown lexicon format '{lexicon_format}' (choose from {', '.join(FORMATS)})")
            arrays, lexicon = _read_lexicon_file(source, lexicon_format, encoding, table, allow_empty=True)
            maps.append(_arrays_counts(*arrays) if arrays is not None else lexicon)  # a Lexicon keeps its total
        elif isinstance(source, (Lexicon, Mapping)):
            maps.append(source)
        else:
            raise MinentError(f"a lexicon must be a Lexicon, a mapping word -> count or a file path, "
                              f"got {type(source).__name__}")
    counts = combine(maps)
    if not counts:
        raise MinentError("the lexicons have no entries")
    return _lexicon_arrays(counts)


def _is_word(word: str) -> bool:
    """Whether ``word`` can be a lexicon word that comes out of a cut: ideographs and ``#`` (the
    lattice), or any other characters but whitespace (taken whole where found, see mark_block_mixed)."""
    return bool(word) and (_lattice_word().fullmatch(word) is not None or not any(c.isspace() for c in word))


def _delimiter_bytes(delimiter: str) -> np.ndarray:
    if not isinstance(delimiter, str):
        raise MinentError(f"the delimiter must be a string, got {type(delimiter).__name__}")
    return np.frombuffer(delimiter.encode("utf-8", "surrogatepass"), dtype=np.uint8)


class _Writer:
    """Writes lists of byte parts with ``write`` on a thread of its own, one list at a time:
    :meth:`write` waits for the previous list (so the output keeps its order and at most one
    chunk's output waits in memory), then hands this one over and returns. An error of a
    write comes out of the next :meth:`write` or the end of the ``with`` block.

    Leaving the block on an error (Ctrl-C, a bad byte) gives the pending write at most
    :data:`LEAVE_SECONDS` to end: a write blocked on a full pipe (``| less``) must not hold the
    process, so the thread is a daemon and is left behind after that."""

    #: seconds the pending write gets when the block is left on an error
    LEAVE_SECONDS = 1.0

    def __init__(self, write: Callable) -> None:
        self._write = write
        self._thread: Optional[threading.Thread] = None
        self._error: Optional[BaseException] = None

    def _write_parts(self, parts: list) -> None:
        try:
            for part in parts:
                self._write(part)
        except BaseException as e:  # noqa: BLE001 (handed to the caller's thread)
            self._error = e

    def write(self, parts: list) -> None:
        self.wait()
        self._thread = threading.Thread(target=self._write_parts, args=(parts,), name="minent-writer", daemon=True)
        self._thread.start()

    def wait(self, timeout: Optional[float] = None) -> bool:
        """Wait for the pending write (raising its error); False if it is still running after
        ``timeout`` seconds."""
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                return False
            self._thread = None
        if self._error is not None:
            error, self._error = self._error, None
            raise error
        return True

    def __enter__(self) -> "_Writer":
        return self

    def __exit__(self, kind, error, trace) -> None:
        if kind is None:
            self.wait()
            return
        try:  # leaving on an error: the error that is leaving wins
            self.wait(self.LEAVE_SECONDS)
        except BaseException:  # noqa: BLE001
            pass


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


def _batches(texts: Iterable[str], batch_chars: int) -> Iterator[list[str]]:
    """Lists of consecutive texts of about ``batch_chars`` characters (at least one text each;
    a text counts one more, its separator, so empty texts are batched too). The arguments are
    checked now, not when the first batch is asked for."""
    if isinstance(texts, str):
        raise MinentError("texts must be an iterable of strings, not one string")
    if isinstance(batch_chars, bool) or not isinstance(batch_chars, (int, np.integer)) or batch_chars < 1:
        raise MinentError(f"batch_chars must be a whole number >= 1, got {batch_chars!r}")
    try:
        iterator = iter(texts)
    except TypeError:
        raise MinentError(f"texts must be an iterable of strings, got {type(texts).__name__}") from None

    def batches() -> Iterator[list[str]]:
        batch: list[str] = []
        size = 0
        for text in iterator:
            batch.append(text)
            size += (len(text) if isinstance(text, str) else 0) + 1
            if size >= batch_chars:
                yield batch
                batch, size = [], 0
        if batch:
            yield batch

    return batches()


def _check_mode(mode: str) -> None:
    if mode not in MODES:
        raise MinentError(f"mode must be 'default' or 'search', got {mode!r}")


def _utf8(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-8", "surrogatepass"), dtype=np.uint8)


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
    of a lexicon file (``lexicon_format`` None detects tsv or jieba, file by file), or a list of
    these: later lexicons add to earlier ones by :func:`minent.common.lexicon.combine` (each
    rescaled to the first one's total; a word in several takes its largest rescaled count).
    Dictionary entries that mix scripts (T恤, 卡拉OK, iPhone手机) are taken whole where they
    occur, unless an end would cut a Latin word or a number in two. ``jobs`` is the number
    of threads for long texts (0 = all cores). ``stop_words`` and words shorter than
    ``min_length`` characters are left out of every output (they still take part in the cut,
    so the other words are the same).
    """

    def __init__(
        self,
        lexicon: Union[Lexicon, Mapping[str, float], PathLike, Sequence[Union[Lexicon, Mapping[str, float], PathLike]]],
        *,
        lexicon_format: Optional[str] = None,
        encoding: str = "utf-8",
        unknown_count: float = UNKNOWN_COUNT,
        jobs: int = 0,
        stop_words: Optional[Iterable[str]] = None,
        min_length: int = 1,
    ) -> None:
        if not unknown_count > 0:
            raise MinentError(f"unknown_count must be > 0, got {unknown_count}")
        if isinstance(stop_words, str):
            raise MinentError("stop_words must be a collection of words, not one string")
        self._stop_words = frozenset(stop_words or ())
        if any(not isinstance(w, str) for w in self._stop_words):
            raise MinentError("stop words must be strings")
        if isinstance(min_length, bool) or not isinstance(min_length, (int, np.integer)) or min_length < 1:
            raise MinentError(f"min_length must be a whole number >= 1, got {min_length!r}")
        self._min_length = int(min_length)
        if jobs < 0:
            raise MinentError(f"jobs must be 0 (all cores) or a positive number, got {jobs}")
        if isinstance(lexicon, (list, tuple)):
            if not lexicon:
                raise MinentError("the list of lexicons is empty")
            if len(lexicon) == 1:  # one lexicon is itself
                lexicon = lexicon[0]
        # small lexicons in a process without the kernels are read in plain Python, and cut
        # there while the work stays small (see .plain); the trie waits for bigger work
        wanted = _plain_wanted()
        own_counts = None  # a Segmenter made from a mapping keeps the copy its build makes anyway
        read_plain = False
        if isinstance(lexicon, (list, tuple)):
            if wanted and _small_sources(lexicon):
                own_counts, read_plain = plain.read_counts(list(lexicon), lexicon_format, encoding), True
            else:
                cps, offsets, freq = _combined_arrays(list(lexicon), lexicon_format, encoding, self._table)
        elif isinstance(lexicon, (str, os.PathLike)):
            if wanted and plain.plain_lexicon_files([lexicon]):
                own_counts, read_plain = plain.read_counts([lexicon], lexicon_format, encoding), True
            else:
                cps, offsets, freq = _read_lexicon(lexicon, lexicon_format, encoding, self._table)
        else:  # add_word then starts from that copy, instead of rebuilding it from the arrays
            own_counts = lexicon.to_dict() if isinstance(lexicon, Lexicon) else dict(lexicon)
        if own_counts is not None:  # words read from files are non-empty strings already
            checked = read_plain and all(isinstance(s, (str, os.PathLike)) for s in
                                         (lexicon if isinstance(lexicon, (list, tuple)) else [lexicon]))
            words, freq = _lexicon_counts(own_counts, words_checked=checked, owned=True)
            cps = offsets = None  # made when the trie is built
            if not all(type(c) in (int, float) for c in own_counts.values()):  # '5', numpy numbers: as read
                own_counts = dict(zip(own_counts, freq.tolist()))
        self.unknown_count = float(unknown_count)
        self.jobs = jobs
        self._lock = threading.Lock()
        model = None
        if wanted and (read_plain or (own_counts is not None and len(own_counts) <= plain.LEXICON_WORDS)):
            model = plain.PlainModel.of(words, freq, self.unknown_count)  # None: entries of mixed scripts
        self._plain: Optional[plain.PlainModel] = None
        self._plain_left = plain.TEXT_CHARS  # characters the plain path may still cut
        self._stale = model is not None  # words changed since the trie was built (or no trie yet)
        if model is None:
            if cps is None:
                cps, offsets = word_arrays(words)
            self._install(self._build(cps, offsets, freq))
        else:
            self._n_words, self._total = model.n_words, model.total
            self._plain = model
        self._stop_trie_built: Optional[tuple] = None  # the stop words for the output kernels, when first needed
        self._arrays: Optional[tuple] = None if own_counts is not None else (cps, offsets, freq)  # until a change
        self._counts: Optional[dict[str, float]] = own_counts  # word -> count: that copy, or made on the first change
        self._must_win: dict[str, None] = {}  # words added with count=None (ordered set)

    def _build(self, cps: np.ndarray, offsets: np.ndarray, freq: np.ndarray) -> tuple:
        """``(trie, n_words, total, mixed)`` of a lexicon's arrays; ``trie`` is what the kernels take
        (root_edges, edges, shift, has_child, node_cost, unknown_cost);
        ``mixed`` the trie of the entries that mix scripts (None when there are none: then no
        text is scanned for them)."""
        from ..common.kernels import trie
        from .kernels import viterbi as v

        total = float(freq.sum())
        if total <= 0:
            raise MinentError("the lexicon's counts are all zero")
        root_edges, edges, shift, has_child, weight = trie.build_weighted_trie(cps, offsets, freq)
        # a word seen 0 times counts as seen unknown_count times
        with np.errstate(divide="ignore"):
            node_cost = np.where(weight >= 0, math.log(total) - np.log(np.maximum(weight, self.unknown_count)), np.inf)
        unknown_cost = math.log(total) - math.log(self.unknown_count)
        mixed = None
        which = np.flatnonzero(v.mixed_word_mask(cps, offsets, self._table))
        if which.shape[0]:  # their counts stay in the total: they are words of the model like the others
            m_cps = np.concatenate([cps[offsets[w] : offsets[w + 1]] for w in which.tolist()])
            m_offsets = np.zeros(which.shape[0] + 1, dtype=np.int64)
            np.cumsum(offsets[which + 1] - offsets[which], out=m_offsets[1:])
            mixed = trie.build_weighted_trie(m_cps, m_offsets, np.ones(which.shape[0]))
        return ((root_edges, edges, shift, has_child, node_cost, unknown_cost),
                int(np.count_nonzero(weight >= 0)), total, mixed)

    def _install(self, built: tuple) -> None:
        """Make a built trie the one every cut reads (one assignment: a thread sees the old
        trie or the new one, never half of each); from now on the kernels cut everything."""
        self._plain = None
        trie, n_words, total, mixed = built
        self.root_edges, self.edges, self.shift, self.has_child, self.node_cost, self.unknown_cost = trie
        self._n_words, self._total = n_words, total
        self._current = (trie, mixed)  # the two tries of one lexicon, read together
        self._trie_tuple = trie

    @property
    def _table(self) -> np.ndarray:
        return class_table()

    @property
    def _stop_trie(self) -> Optional[tuple]:
        """The trie of the stop words, for the output kernels (None without filters)."""
        if self._stop_trie_built is None and self._filtering:
            from ..common.kernels import trie

            self._stop_trie_built = trie.build_trie(*word_arrays(sorted(self._stop_words)))
        return self._stop_trie_built

    def __getattr__(self, name: str):
        """The trie's attributes, building it first when the plain path has put it off."""
        if name in _TRIE_ATTRIBUTES and "_stale" in self.__dict__:
            self._tries()
            return self.__dict__[name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def _plain_for(self, n_chars: int) -> Optional[plain.PlainModel]:
        """The plain model, when it may cut ``n_chars`` more characters (None: the kernels)."""
        model = self._plain
        if model is None or n_chars > self._plain_left:
            return None
        self._plain_left -= n_chars
        return model

    # -- the kernels ------------------------------------------------------------------
    def _trie(self) -> tuple:
        return self._tries()[0]

    def _tries(self) -> tuple:
        """``(trie, mixed)``: the lattice's trie and that of the mixed-script entries (or None)."""
        if self._stale:
            with self._lock:  # one thread rebuilds; the others wait for its trie
                if self._stale:
                    self._rebuild()
        return self._current

    def __getstate__(self) -> dict:
        self._trie()  # a copy sent elsewhere (a Dask worker) carries the changes built in
        state = dict(self.__dict__)
        del state["_lock"]
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()

    @property
    def stop_words(self) -> frozenset:
        """The words left out of every output (set when the Segmenter is made)."""
        return self._stop_words

    @property
    def min_length(self) -> int:
        """Words shorter than this many characters are left out of every output."""
        return self._min_length

    @property
    def n_words(self) -> int:
        """Distinct words in the lexicon (after the words added or removed so far)."""
        if self._plain is None:
            self._trie()
        return self._n_words

    @property
    def total(self) -> float:
        """The sum of the counts: p(w) = count(w) / total."""
        if self._plain is None:
            self._trie()
        return self._total

    # -- words at run time ------------------------------------------------------------
    def add_word(self, word: str, count: Optional[float] = None) -> None:
        """Add ``word`` to the lexicon, or set its count.

        With ``count=None`` the word gets a count just large enough that, cut alone, it comes
        out whole rather than as its best split (as jieba's ``suggest_freq``); in a longer text
        its neighbours still count. Changes are gathered and the trie is rebuilt once, at the
        next cut, so adding many words one by one costs about one build. A word is made of
        ideographs (``#`` stands for a number): other characters are cut by fixed rules, never
        by the lexicon; a word holding them (T恤, 卡拉OK) is taken whole where it occurs, unless
        an end would cut a Latin word or a number in two, whatever its count. Any length is
        allowed; whitespace is not.
        """
        lattice = isinstance(word, str) and _lattice_word().fullmatch(word) is not None  # the common case first
        if not lattice and (not isinstance(word, str) or not _is_word(word)):
            self._refuse(word)
        if count is not None:
            try:
                count = float(count)
            except (TypeError, ValueError):
                raise MinentError(f"the count of {word!r} must be a number, got {count!r}") from None
            if not 0.0 <= count < math.inf:
                raise MinentError(f"the count of {word!r} must be a finite number >= 0, got {count!r}")
        counts = self._counts if self._counts is not None else self._word_counts()
        self._plain = None  # the plain model holds the lexicon as it was
        if count is None and not lattice:  # taken whole where found: no count to raise
            counts.setdefault(word, 0.0)
        elif count is None:
            self._must_win[word] = None
            if word not in counts:
                counts[word] = 0.0
        else:
            if self._must_win:
                self._must_win.pop(word, None)
            counts[word] = count
        self._stale = True

    def del_word(self, word: str) -> None:
        """Remove ``word`` from the lexicon (nothing happens when it is not there); a single
        character that is removed counts as unknown."""
        if not isinstance(word, str):
            raise MinentError(f"a word must be a string, got {type(word).__name__}")
        counts = self._word_counts()
        self._must_win.pop(word, None)
        if counts.pop(word, None) is not None:
            self._plain = None
            self._stale = True

    @staticmethod
    def _refuse(word: object) -> None:
        """Raise the reason ``word`` cannot be added."""
        if not isinstance(word, str):
            raise MinentError(f"a word must be a string, got {type(word).__name__}")
        if not word or word.isspace():
            raise MinentError(f"a word cannot be empty or white space, got {word!r}")
        raise MinentError(f"{word!r} cannot be a lexicon word: it holds whitespace, which is always a word boundary")

    def _word_counts(self) -> dict[str, float]:
        """The lexicon as a dict (made once, on the first change: the arrays it was built from
        are then let go)."""
        if self._counts is None:
            self._counts = _arrays_counts(*self._arrays)
            self._arrays = None
        return self._counts

    def _rebuild(self) -> None:
        """Build the trie from the changed lexicon, raising the words added with count=None
        until each, cut alone, comes out whole (every such word is checked again each round:
        raising one can make a longer one lose), then install it. On an error the old trie
        stays and the changes stay pending."""
        counts = self._counts
        if not counts:
            raise MinentError("the lexicon has no entries left")
        built = self._build(*_lexicon_arrays(counts, words_checked=True, owned=True))
        if self._must_win:
            built = self._raise_must_win(built, counts)
        self._install(built)
        self._stale = False

    def _raise_must_win(self, built: tuple, counts: dict[str, float]) -> tuple:
        """Raise each word added with count=None just above its best split, patching the built
        trie's costs in place (its shape does not change), until every such word wins: raising
        one raises the total, and can make a longer one that contains it lose again."""
        from .kernels import viterbi as v

        trie, n_words, total, mixed = built
        words = list(self._must_win)
        cps, offsets = word_arrays(words)
        node_cost = trie[4]
        unknown_cost = trie[5]
        values = np.fromiter((counts[w] for w in words), dtype=np.float64, count=len(words))
        for _ in range(64):
            split, nodes = v.split_costs(cps, offsets, *trie[:4], node_cost, unknown_cost)
            losing = np.flatnonzero(node_cost[nodes] >= split)  # a tie goes to the whole word, but keep a margin
            if len(losing) == 0:
                break
            old = values[losing]
            needed = total * np.exp(-split[losing])  # the count at which the whole word ties
            new = np.maximum(old, np.maximum(np.floor(needed) + 1.0, needed * (1 + 1e-9)))
            values[losing] = new
            new_total = total + float((new - old).sum())
            shift = math.log(new_total) - math.log(total)
            finite = np.isfinite(node_cost)
            node_cost[finite] += shift  # every word's share of the total shrinks alike
            node_cost[nodes[losing]] = math.log(new_total) - np.log(np.maximum(new, self.unknown_count))
            unknown_cost += shift
            total = new_total
        else:
            raise MinentError("could not make every added word come out whole: "
                              + ", ".join(words[i] for i in losing[:5].tolist()))
        counts.update(zip(words, values.tolist()))  # the raised counts, once
        return (*trie[:4], node_cost, unknown_cost), n_words, total, mixed

    def _marks(self, cps: np.ndarray) -> np.ndarray:
        from .kernels import viterbi as v

        trie, mixed = self._tries()
        if cps.shape[0] < _PARALLEL_CHARS:
            return v.mark_words_serial(cps, self._table, *trie, mixed=mixed)
        with numba_threads(self.jobs) as n_threads:
            if n_threads == 1:
                return v.mark_words_serial(cps, self._table, *trie, mixed=mixed)
            bounds = v.block_bounds(cps, self._table, n_threads * _BLOCKS_PER_THREAD, mixed=mixed)
            return v.mark_words(cps, self._table, bounds, *trie, mixed=mixed)

    # -- public API -------------------------------------------------------------------
    def cut(self, text: str) -> list[str]:
        """The words of ``text``, in order (whitespace is a boundary and is left out)."""
        starts, ends = self._spans(text, "default")
        if not isinstance(starts, list):
            starts, ends = starts.tolist(), ends.tolist()
        words = [text[s:e] for s, e in zip(starts, ends)]
        return [w for w in words if self._kept(w)] if self._filtering else words

    def cut_many(self, texts: Iterable[str], *, lazy: bool = False,
                 batch_chars: int = BATCH_CHARS) -> Union[list[list[str]], Iterator[list[str]]]:
        """:meth:`cut` for many texts at once (one kernel call for the whole batch). With
        ``lazy``, a generator that takes ``texts`` (any iterable, a file's lines too) a batch of
        about ``batch_chars`` characters at a time and yields each text's words: memory stays
        flat however many texts there are."""
        if lazy:
            batches = _batches(texts, batch_chars)
            return (words for batch in batches for words in self.cut_many(batch))
        return [[word for word, _, _ in tokens] for tokens in self.tokenize_many(texts)]

    def cut_for_search(self, text: str) -> list[str]:
        """Each word of the cut, followed by the lexicon words of two or more characters inside
        it (for search indexes: 研究生命 -> 研究生, 研究, 生命 ... as the lexicon has them)."""
        return [word for word, _, _ in self.tokenize(text, mode="search")]

    def tokenize(self, text: str, mode: str = "default") -> list[tuple[str, int, int]]:
        """``(word, start, end)`` of each word of ``text``, with ``text[start:end] == word``:
        offsets count the characters of ``text``, whitespace included (a character beyond the
        BMP is one character, as in a Python string). ``mode="search"`` adds after each word
        the lexicon words inside it (:meth:`cut_for_search`)."""
        starts, ends = self._spans(text, mode)
        if not isinstance(starts, list):
            starts, ends = _offset_lists(starts, ends)
        with gc_paused():
            tokens = list(zip([text[s:e] for s, e in zip(starts, ends)], starts, ends))
        return [t for t in tokens if self._kept(t[0])] if self._filtering else tokens

    def _spans(self, text: str, mode: str) -> tuple:
        """Character offsets of the words of one text (starts, ends): lists from the plain
        path, arrays from the kernels."""
        if not isinstance(text, str):
            raise MinentError(f"text must be a string, got {type(text).__name__}")
        _check_mode(mode)
        model = self._plain_for(len(text)) if mode == "default" else None
        if model is not None:
            return model.spans(text)
        return self._word_spans(_codepoints(text), mode)

    def _word_spans(self, cps: np.ndarray, mode: str, trie: Optional[tuple] = None) -> tuple[np.ndarray, np.ndarray]:
        """``(starts, ends)`` of the words of ``cps``; in search mode each word's inner words
        follow it. ``trie``: mark on this thread only, with these tries (:meth:`_tries`; a block of a
        larger text)."""
        from .kernels import viterbi as v

        marks = self._marks(cps) if trie is None else v.mark_words_serial(cps, self._table, *trie[0], mixed=trie[1])
        starts, ends = v.word_spans(marks)
        if mode == "search":
            starts, ends = self._with_inner_words(cps, starts, ends)
        return starts, ends

    def tokenize_many(self, texts: Iterable[str], mode: str = "default", *, lazy: bool = False,
                      batch_chars: int = BATCH_CHARS) -> Union[list, Iterator[list[tuple[str, int, int]]]]:
        """:meth:`tokenize` for many texts at once (one kernel call for the whole batch);
        offsets are into each text. ``lazy``: a generator, as :meth:`cut_many`'s."""
        _check_mode(mode)
        if lazy:
            batches = _batches(texts, batch_chars)
            return (tokens for batch in batches for tokens in self.tokenize_many(batch, mode))
        texts = list(texts)
        for t in texts:
            if not isinstance(t, str):
                raise MinentError(f"texts must be strings, got {type(t).__name__}")
        if not texts:
            return []
        model = self._plain_for(sum(map(len, texts))) if mode == "default" else None
        if model is not None:
            out = []
            for text in texts:
                starts, ends = model.spans(text)
                tokens = list(zip([text[s:e] for s, e in zip(starts, ends)], starts, ends))
                out.append([t for t in tokens if self._kept(t[0])] if self._filtering else tokens)
            return out
        joined = "\n".join(texts)  # a line feed is a boundary, so texts never run together
        starts, ends = self._word_spans(_codepoints(joined), mode)
        text_starts = np.zeros(len(texts), dtype=np.int64)
        np.cumsum([len(t) + 1 for t in texts[:-1]], out=text_starts[1:])
        owner = np.searchsorted(text_starts, starts, side="right") - 1
        local_starts = (starts - text_starts[owner]).tolist()
        local_ends = (ends - text_starts[owner]).tolist()
        with gc_paused():
            tokens = list(zip([joined[s:e] for s, e in zip(starts.tolist(), ends.tolist())], local_starts, local_ends))
        split_at = np.searchsorted(owner, np.arange(1, len(texts))).tolist()
        bounds = [0, *split_at, len(tokens)]
        if self._filtering:
            return [[t for t in tokens[bounds[i] : bounds[i + 1]] if self._kept(t[0])] for i in range(len(texts))]
        return [tokens[bounds[i] : bounds[i + 1]] for i in range(len(texts))]

    @property
    def _filtering(self) -> bool:
        return bool(self.stop_words) or self.min_length > 1

    def _kept(self, word: str) -> bool:
        return len(word) >= self.min_length and word not in self.stop_words

    def _with_inner_words(self, cps: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> tuple:
        """The spans of the words and, after each, of the lexicon words inside it."""
        from .kernels import viterbi as v

        from ..common.kernels import tokens

        trie = self._trie()
        numbers = tokens.number_marks(cps, self._table)
        owner, inner_starts, inner_ends = v.inner_words(cps, starts, ends, numbers, *trie[:3], trie[4])
        rank = np.concatenate([np.arange(len(starts)) * 2, owner * 2 + 1])  # a word, then its inner words
        order = np.argsort(rank, kind="stable")
        return np.concatenate([starts, inner_starts])[order], np.concatenate([ends, inner_ends])[order]

    def segment(self, text: str, delimiter: str = DELIMITER) -> str:
        """``text`` with its words joined by ``delimiter``; line feeds are kept as they are."""
        if self._filtering:
            return self.render_lines(text, delimiter)
        out, _ = self._render(text, delimiter, False)
        return out

    def render_lines(self, text: str, delimiter: str = DELIMITER, mode: str = "default", format: str = "text") -> str:
        """The output of whole lines of ``text`` (the last may lack its line feed), one output
        line per input line: with ``format="text"`` the words joined by ``delimiter``; with
        ``format="jsonl"`` one JSON object a line, ``{"words": [...], "spans": [[start, end], ...]}``
        (offsets in characters of the input line). ``mode="search"`` adds the words inside each
        word (:meth:`cut_for_search`)."""
        if not isinstance(text, str):
            raise MinentError(f"text must be a string, got {type(text).__name__}")
        self._check_output(mode, format)
        out, _ = self._render_spans(_codepoints(text), _delimiter_bytes(delimiter), mode, format, False)
        return out.tobytes().decode("utf-8", "surrogatepass")

    @staticmethod
    def _check_output(mode: str, format: str) -> None:
        _check_mode(mode)
        if format not in FORMATS:
            raise MinentError(f"format must be one of {', '.join(FORMATS)}, got {format!r}")

    def _render_spans(self, cps: np.ndarray, delimiter: np.ndarray, mode: str, format: str,
                      line_open: bool, serial: Optional[tuple] = None) -> tuple[np.ndarray, bool]:
        """The cut of ``cps`` written from its word spans (search words added, stop words and
        short words left out): ``(UTF-8 bytes, line_open)``; JSON lines need whole lines.
        ``serial``: the tries (:meth:`_tries`), to mark on this thread only (a block of a larger text)."""
        from .kernels import output

        starts, ends = self._word_spans(cps, mode, serial)
        if self._filtering:
            keep = output.keep_mask(cps, starts, ends, self.min_length, *self._stop_trie)
            starts, ends = starts[keep], ends[keep]
        if format == "jsonl":
            return output.render_jsonl(cps, starts, ends), False
        return output.render_text(cps, starts, ends, delimiter, line_open)

    def _render_utf8(self, data: bytes, offset: int, name: str, delimiter: np.ndarray, mode: str,
                     format: str) -> tuple[np.ndarray, int]:
        """:meth:`_render_spans` of whole lines of UTF-8 bytes (``offset``: where they start in the
        input), in blocks of whole lines on threads, each decoded, cut and written apart;
        returns the output and the number of characters read."""
        from ..common.kernels import run_blocks
        from ..common.textio import _decode
        from .kernels import viterbi as v

        array = np.frombuffer(data, dtype=np.uint8)
        trie = self._tries()
        with numba_threads(self.jobs) as n_threads:
            n_blocks = 1 if len(data) < _PARALLEL_CHARS else n_threads * _BLOCKS_PER_THREAD
            bounds = v.line_bounds(array, n_blocks).tolist()
            jobs = [(array[bounds[b] : bounds[b + 1]], delimiter, mode, format, trie) for b in range(len(bounds) - 1)]
            results = run_blocks(self._render_block, jobs, n_threads)
        for b, (_, _, bad) in enumerate(results):
            if bad >= 0:
                _decode(data, name, offset, "utf-8")  # raises the usual message
                raise MinentError(f"{name} is not valid utf-8: bad byte at offset {offset + bounds[b] + bad}")
        outs = [out for out, _, _ in results]
        return (outs[0] if len(outs) == 1 else np.concatenate(outs)), sum(n for _, n, _ in results)

    def _render_block(self, data: np.ndarray, delimiter: np.ndarray, mode: str, format: str, trie: tuple) -> tuple:
        """``(output bytes, characters, bad byte offset or -1)`` of a block of whole lines."""
        from ..common.kernels import utf8

        cps, bad = utf8.decode_utf8(data)
        if bad >= 0:
            return None, 0, int(bad)
        out, _ = self._render_spans(cps, delimiter, mode, format, False, serial=trie)
        return out, cps.shape[0], -1

    def _render(self, text: str, delimiter: str, line_open: bool) -> tuple[str, bool]:
        if not isinstance(text, str):
            raise MinentError(f"text must be a string, got {type(text).__name__}")
        sep = _delimiter_bytes(delimiter)
        model = self._plain_for(len(text))
        if model is not None:
            return model.render(text, delimiter, bool(line_open))
        from .kernels import viterbi as v

        cps = _codepoints(text)
        out, line_open = v.render(cps, self._marks(cps), sep, line_open)
        return out.tobytes().decode("utf-8", "surrogatepass"), line_open

    def segment_chunks(self, chunks: Iterable[str], delimiter: str = DELIMITER) -> Iterator[str]:
        """Segment a stream of text pieces (best cut after line feeds), yielding output pieces."""
        line_open = False
        for chunk in chunks:
            if self._filtering:  # the filters work on word spans
                if not isinstance(chunk, str):
                    raise MinentError(f"text must be a string, got {type(chunk).__name__}")
                out_bytes, line_open = self._render_spans(_codepoints(chunk), _delimiter_bytes(delimiter), "default",
                                                          "text", line_open)
                yield out_bytes.tobytes().decode("utf-8", "surrogatepass")
            else:
                out, line_open = self._render(chunk, delimiter, line_open)
                yield out

    def _segment_utf8(self, data: bytes, delimiter: np.ndarray, line_open: bool) -> tuple:
        """``(output parts, line_open, characters, bad byte offset)`` of UTF-8 bytes (the parts:
        the blocks' output bytes, in order), in one kernel call per block."""
        from .kernels import viterbi as v

        with numba_threads(self.jobs) as n_threads:
            n_blocks = 1 if len(data) < _PARALLEL_CHARS else n_threads * _BLOCKS_PER_THREAD
            trie, mixed = self._tries()
            return v.segment_utf8(np.frombuffer(data, dtype=np.uint8), self._table, n_blocks, *trie,
                                  delimiter, line_open, mixed=mixed)

    def segment_file(
        self,
        source: PathLike,
        output: IO,
        delimiter: str = DELIMITER,
        encoding: str = "utf-8",
        progress: ProgressCallback = no_progress,
        chunk_bytes: int = CHUNK_BYTES,
        *,
        mode: str = "default",
        format: str = "text",
    ) -> SegmentStats:
        """Segment a file ('-' = standard input) into ``output``, chunk by chunk (flat memory).

        ``output`` is a binary stream or a text stream (UTF-8 bytes go to its buffer when it
        has one). UTF-8 input goes from bytes to bytes in one Numba kernel per chunk; other
        encodings are decoded by Python first. With ``mode="search"``, ``format="jsonl"``,
        stop words or a minimum length, lines go through :meth:`render_lines` (each line is
        then held whole, however long). A small regular file, while the kernels have not
        been needed yet, is cut in plain Python (see :mod:`minent.segment.plain`).
        """
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
        self._check_output(mode, format)
        by_lines = mode != "default" or format != "text" or self._filtering
        model = self._plain_for(total) if not by_lines and total is not None else None
        with open_input(source, encoding) as stream:
            line_open = False
            if model is not None:
                for text, size in _reading(iter_file_chunks(stream, name, encoding, chunk_bytes), name):
                    out_text, line_open = model.render(text, delimiter, line_open)
                    write(memoryview(out_text.encode("utf-8")))
                    stats.n_bytes += size
                    stats.n_chars += len(text)
                    stats.n_lines += text.count("\n")
                    progress("segmenting", stats.n_bytes, total)
            elif by_lines:  # JSON lines need whole lines: a line's start waits for its end
                pending: list[bytes] = []  # the start of a line not ended yet (joined once it ends)
                done_bytes = 0  # where the bytes not written yet start in the input

                def flush(data: bytes) -> None:
                    if encoding == "utf-8":
                        out, n_chars = self._render_utf8(data, done_bytes, name, sep, mode, format)
                    else:
                        text = _decode(data, name, done_bytes, encoding)
                        out, n_chars = self._render_spans(_codepoints(text), sep, mode, format, False)[0], len(text)
                    write(out)
                    stats.n_chars += n_chars

                for chunk, _ in _reading(iter_byte_chunks(stream, chunk_bytes, encoding == "utf-8"), name):
                    stats.n_bytes += len(chunk)
                    whole = chunk.rfind(b"\n") + 1
                    if whole:
                        data = b"".join([*pending, chunk[:whole]]) if pending else chunk[:whole]
                        flush(data)
                        stats.n_lines += data.count(b"\n")
                        done_bytes += len(data)
                        pending = [chunk[whole:]] if whole < len(chunk) else []
                    else:
                        pending.append(chunk)
                    progress("segmenting", stats.n_bytes, total)
                if pending:
                    flush(b"".join(pending))
            elif encoding == "utf-8":
                chunks = iter_byte_chunks(stream, chunk_bytes)
                if total is not None and total > chunk_bytes:  # a regular file of several chunks
                    chunks = read_ahead(chunks)
                # a chunk's output is written on a thread of its own while the next chunk is
                # cut (one write pending at most: the order stays, the memory stays flat)
                with _Writer(write) as writer:
                    for data, offset in _reading(chunks, name):
                        parts, line_open, n_chars, bad = self._segment_utf8(data, sep, line_open)
                        if bad >= 0:
                            _decode(data, name, offset, encoding)  # raises the usual message
                            raise MinentError(f"{name} is not valid utf-8: bad byte at offset {offset + bad}")
                        writer.write(parts)
                        stats.n_bytes += len(data)
                        stats.n_chars += int(n_chars)
                        stats.n_lines += data.count(b"\n")
                        progress("segmenting", stats.n_bytes, total)
            else:
                from .kernels import viterbi as v

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
