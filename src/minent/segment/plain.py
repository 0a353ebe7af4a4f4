"""The unigram cut in plain Python, for small work: no Numba in the process.

Starting Numba and loading the cached Viterbi kernels costs about 0.4 s, fixed, which is
most of a run that segments one line (issue 17). Below the sizes set here, a
:class:`~minent.segment.segmenter.Segmenter` reads its lexicon and cuts with
:class:`PlainModel` instead, and builds the kernels' trie only when bigger work comes
(the first cut past :data:`TEXT_CHARS`, a changed lexicon, search mode, JSON lines,
filters). The two paths give the same words, byte for byte: this module follows
``minent.segment.kernels.viterbi.mark_block`` step by step (the same character classes,
token rules, costs computed by the same numpy expression, the same order of relaxation and
the same tie-breaking), and the tests compare them.

Not handled here (the kernels take them): lexicon entries that mix scripts (T恤, 卡拉OK, C++),
whose search over the text is a kernel of its own.

Thresholds, from measurements on a 2-core machine (Python 3.11, warm cache). The kernels'
fixed cost, whole ``minent segment`` process: 0.73 s for one line against 0.26-0.29 s on
this path, so about 0.45 s; the break-even is where the plain path's own work reaches that.

* lexicon files: reading (:meth:`Lexicon.parse <minent.common.lexicon.Lexicon.parse>`, whose
  plain-TSV fast path reads ~20 MB/s) and :class:`PlainModel` together take 70-90 ms a MB
  (15 ms for the 167 KB lexicon of xiyouji.txt): :data:`LEXICON_BYTES` = 2 MiB costs at most
  ~0.18 s, under half the kernels' start (jieba's 5 MB dictionary, which also holds mixed
  entries, takes the kernels). Measured whole process, plain path against the kernels: the
  default lexicon of a 57.6 MB corpus (1.28 MB, 122k words) with one line, 0.30-0.34 against
  0.61-0.62 s; a 2.09 MB lexicon (173k words) with 128 KiB of text, the worst case,
  0.45-0.47 against 0.60-0.61 s, the same bytes out. Past 1 MiB, a file with an entry that
  holds a Latin letter or a digit goes straight to the kernels (:func:`plain_lexicon_files`):
  it likely mixes scripts, and then the kernels would be loaded anyway;
* text: the plain cut runs at ~1 M characters a second (~2.8 MB/s of UTF-8 Chinese; a 64 KB
  file, 22,000 characters, in 23 ms), so it would match the kernels' start at ~400 K
  characters: :data:`TEXT_CHARS` = 128 Ki characters (bytes, for a file) stays below a third
  of that, and past it the kernels load and cut everything after.

``MINENT_KERNELS=1`` in the environment turns the plain path off (tests compare the two).
"""

from __future__ import annotations

import math
import os
import re
import unicodedata
from typing import Iterable, Mapping, Optional, Sequence, Union

import numpy as np

from ..common.errors import MinentError
from ..common.lexicon import FORMATS, Lexicon, combine
from ..common.textio import PathLike, _describe, is_regular_file, read_input

#: lexicon files (bytes, all together) read in plain Python; larger ones by the Numba reader
LEXICON_BYTES = 2 << 20
#: past this many bytes (up to LEXICON_BYTES), only files with no entry holding a Latin letter
#: or a digit: a dictionary that mixes scripts takes the kernels anyway, and reading 2 MiB of it
#: in Python first cost 0.2-0.3 s (a scan of the bytes for such an entry takes milliseconds)
LEXICON_BYTES_ANY = 1 << 20
#: entries of an in-memory lexicon (a mapping) taken by the plain path (~ LEXICON_BYTES of lines)
LEXICON_WORDS = 200_000
#: characters (bytes, for files) that a Segmenter cuts in plain Python before it loads the kernels
TEXT_CHARS = 128 << 10

# character kinds and flags: the values of minent.common.kernels.tokens (a test checks them)
HAN, DIGIT, LETTER, SPACE, NEWLINE_KIND, OTHER, MARK = 1, 2, 3, 4, 5, 6, 7
KIND_MASK = 15
DECIMAL, THOUSANDS, WORD_JOIN, PERCENT, SIGN, REPEAT = 16, 32, 64, 128, 256, 512

#: ideographs as the kernels read them (minent.common.chars, U+F900-U+FAFF, U+25CB, CJK extensions B-H)
_HAN_CLASS = "\u3007\u25cb\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U000323af"
#: a word the lattice can give: ideographs and '#' (a number)
_LATTICE_WORD = re.compile(f"[{_HAN_CLASS}#]+")
_FLAGS = {}
for _chars, _flag in ((".．", DECIMAL), (",", THOUSANDS), ("-'’‐", WORD_JOIN), ("%％‰", PERCENT),
                      ("+-−－＋", SIGN), ("-_=~*.!?·•—―–‒‐…⋯‥─━－＿＝～．！？。", REPEAT)):
    for _ch in _chars:
        _FLAGS[_ch] = _FLAGS.get(_ch, 0) | _flag
NUMBER = "#"  # how a lexicon word spells a whole number


def _classify(ch: str) -> int:
    """``kind | flags`` of one character, as ``minent.common.charclass`` builds its table and
    ``tokens.char_class`` reads it (beyond the BMP by range)."""
    cp = ord(ch)
    if cp >= 0x10000:
        if 0x20000 <= cp <= 0x323AF:
            return HAN
        if 0xE0100 <= cp <= 0xE01EF or 0x1F3FB <= cp <= 0x1F3FF:
            return MARK
        return OTHER
    if 0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0xF900 <= cp <= 0xFAFF or cp in (0x3007, 0x25CB):
        kind = HAN
    elif 0xD800 <= cp <= 0xDFFF:
        kind = OTHER
    elif cp in (0x200C, 0x200D) or 0xFE00 <= cp <= 0xFE0F:
        kind = MARK
    elif ch == "\n":
        kind = NEWLINE_KIND
    elif ch.isdecimal():
        kind = DIGIT
    elif ch.isspace():
        kind = SPACE
    elif ch.isalpha():
        kind = LETTER
    elif unicodedata.category(ch)[0] == "M":
        kind = MARK
    else:
        kind = OTHER
    return kind | _FLAGS.get(ch, 0)


class _Classes(dict):
    """character -> class, each worked out once, when first seen."""

    def __missing__(self, ch: str) -> int:
        value = self[ch] = _classify(ch)
        return value


_CLASS = _Classes()


def _end_of_alnum(s: str, i: int, end: int) -> int:
    """``tokens.end_of_alnum``: end of the letters-and-digits token starting at ``i``."""
    cls = _CLASS
    j = i + 1
    while j < end:
        c = cls[s[j]]
        kind = c & KIND_MASK
        if kind == DIGIT or kind == LETTER or kind == MARK:
            j += 1
            continue
        if j + 1 < end:
            before = cls[s[j - 1]] & KIND_MASK
            after = cls[s[j + 1]] & KIND_MASK
            if (c & DECIMAL) and before == DIGIT and after == DIGIT:
                j += 2
                continue
            if (c & THOUSANDS) and before == DIGIT and j + 3 < end:
                if (after == DIGIT and cls[s[j + 2]] & KIND_MASK == DIGIT and cls[s[j + 3]] & KIND_MASK == DIGIT
                        and (j + 4 >= end or cls[s[j + 4]] & KIND_MASK != DIGIT)):
                    j += 4
                    continue
            if (c & WORD_JOIN) and before == LETTER and (after == LETTER or after == DIGIT):
                j += 2
                continue
        break
    if j < end and (cls[s[j]] & PERCENT) and cls[s[j - 1]] & KIND_MASK == DIGIT:
        j += 1
    return j


def _is_number(s: str, i: int, j: int) -> bool:
    """``tokens.is_number``: digits, with decimal points between them."""
    cls = _CLASS
    return all(cls[ch] & KIND_MASK == DIGIT or cls[ch] & DECIMAL for ch in s[i:j])


def _rule_token_end(s: str, i: int, hi: int, c: int) -> int:
    """``tokens.rule_token_end``: the token the grouping rules make at ``i``."""
    kind = c & KIND_MASK
    if kind == DIGIT or kind == LETTER:
        return _end_of_alnum(s, i, hi)
    cls = _CLASS
    if ((c & SIGN) and i + 1 < hi and cls[s[i + 1]] & KIND_MASK == DIGIT
            and (i == 0 or cls[s[i - 1]] & KIND_MASK not in (DIGIT, LETTER))):
        return _end_of_alnum(s, i + 1, hi)
    j = i + 1
    if c & REPEAT:
        ch = s[i]
        while j < hi and s[j] == ch:
            j += 1
    return j


def _atom_end(s: str, q: int, hi: int) -> int:
    """``viterbi._atom_end``: the smallest piece any cut makes at ``q``."""
    c = _CLASS[s[q]]
    kind = c & KIND_MASK
    if kind == SPACE or kind == NEWLINE_KIND:
        return q + 1
    j = q + 1 if kind == HAN or kind == MARK else _rule_token_end(s, q, hi, c)
    while j < hi and _CLASS[s[j]] & KIND_MASK == MARK:
        j += 1
    return j


def is_mixed(word: str) -> bool:
    """``viterbi.mixed_word_mask`` for one word: True when only the kernels' search for mixed
    entries can find it (not a lattice word, no whitespace, two or more pieces by the rules)."""
    if _LATTICE_WORD.fullmatch(word):
        return False
    if any(_CLASS[ch] & KIND_MASK in (SPACE, NEWLINE_KIND) for ch in word):
        return False
    if (_CLASS[word[0]] & SIGN) and len(word) > 1 and _CLASS[word[1]] & KIND_MASK == DIGIT:
        return True
    return _atom_end(word, 0, len(word)) < len(word)


class PlainModel:
    """The costs of a lexicon's lattice words, and the cut, in plain Python.

    Built from the very dict and float64 counts the kernels' trie is built from, with the
    same numpy expression for the costs, so every sum the Viterbi pass compares is the same
    float. ``None`` from :meth:`of` when the lexicon holds entries that mix scripts."""

    def __init__(self, words: list, freq: np.ndarray, total: float, unknown_count: float,
                 all_lattice: bool = False) -> None:
        with np.errstate(divide="ignore"):  # as Segmenter._build computes node_cost
            cost = (math.log(total) - np.log(np.maximum(freq, unknown_count))).tolist()
        if all_lattice:
            self.costs = dict(zip(words, cost))
        else:
            lattice = _LATTICE_WORD.fullmatch
            self.costs = {w: c for w, c in zip(words, cost) if lattice(w)}
        #: first unit -> the most units of a word starting with it (the longest written last)
        self.longest = {w[0]: len(w) for w in sorted(self.costs, key=len) if len(w) > 1}
        self.unknown_cost = math.log(total) - math.log(unknown_count)
        self.n_words = len(words)
        self.total = total

    @classmethod
    def of(cls, words: list, freq: np.ndarray, unknown_count: float) -> Optional["PlainModel"]:
        """The model of a lexicon (``freq``: the counts of ``words`` as float64, in the order
        the kernels' trie is built from), or None when an entry mixes scripts. Raises the
        kernels' error when every count is 0."""
        total = float(freq.sum())
        if total <= 0:
            raise MinentError("the lexicon's counts are all zero")
        all_lattice = _LATTICE_WORD.fullmatch("".join(words)) is not None  # one scan for the usual case
        if not all_lattice and has_mixed(words):
            return None
        return cls(words, freq, total, unknown_count, all_lattice)

    # -- the cut ------------------------------------------------------------------------
    def _viterbi(self, codes: list, ends: list, a: int, starts_out: list, ends_out: list) -> None:
        """``viterbi._viterbi_run``: cut the units (``codes[u]`` as the lexicon spells unit u,
        which ends at ``ends[u]``; the run starts at ``a``) into the words of least cost."""
        costs, longest, unknown = self.costs, self.longest, self.unknown_cost
        n = len(codes)
        inf = math.inf
        best = [0.0] + [inf] * n
        back = [0] * (n + 1)
        for u in range(n):
            base = best[u]
            code = codes[u]
            cost = unknown
            known = costs.get(code)
            if known is not None and known < cost:
                cost = known
            if base + cost < best[u + 1]:
                best[u + 1] = base + cost
                back[u + 1] = u
            most = longest.get(code, 1)
            if most > 1:
                key = code
                for e in range(u + 2, min(n, u + most) + 1):
                    key += codes[e - 1]
                    known = costs.get(key)
                    if known is not None and base + known < best[e]:
                        best[e] = base + known
                        back[e] = u
        words = []
        e = n
        while e > 0:
            u = back[e]
            words.append((a if u == 0 else ends[u - 1], ends[e - 1]))
            e = u
        for s, t in reversed(words):
            starts_out.append(s)
            ends_out.append(t)

    def line_spans(self, s: str, offset: int, starts: list, ends: list) -> None:
        """Append the word spans of ``s`` (no line feed in it), shifted by ``offset``:
        ``viterbi.mark_block`` over one line."""
        cls = _CLASS
        hi = len(s)
        i = 0
        local_starts: list[int] = []
        local_ends: list[int] = []
        while i < hi:
            c = cls[s[i]]
            kind = c & KIND_MASK
            if kind == HAN or kind == DIGIT:
                codes: list[str] = []
                unit_ends: list[int] = []
                j = i
                while j < hi:
                    k = j
                    while k < hi and cls[s[k]] & KIND_MASK == HAN:
                        k += 1
                    if k > j:
                        codes.extend(s[j:k])
                        unit_ends.extend(range(j + 1, k + 1))
                    if k >= hi:
                        j = k
                        break
                    end = -1
                    if cls[s[k]] & KIND_MASK == DIGIT:
                        end = _end_of_alnum(s, k, hi)
                        if not _is_number(s, k, end):
                            end = -1
                    j = k
                    if end < 0:
                        break
                    codes.append(NUMBER)
                    unit_ends.append(end)
                    j = end
                if codes:
                    self._viterbi(codes, unit_ends, i, local_starts, local_ends)
                    i = j
                    continue
            if kind == SPACE:
                i += 1
                continue
            if kind == MARK:  # stays with the word before it, when it touches one
                if local_ends and local_ends[-1] == i:
                    local_ends[-1] = i + 1
                else:
                    local_starts.append(i)
                    local_ends.append(i + 1)
                i += 1
                continue
            j = _rule_token_end(s, i, hi, c)
            local_starts.append(i)
            local_ends.append(j)
            i = j
        if offset:
            starts.extend(x + offset for x in local_starts)
            ends.extend(x + offset for x in local_ends)
        else:
            starts.extend(local_starts)
            ends.extend(local_ends)

    def spans(self, text: str) -> tuple[list, list]:
        """``(starts, ends)`` of the words of ``text``, character offsets."""
        starts: list[int] = []
        ends: list[int] = []
        offset = 0
        for line in text.split("\n"):
            self.line_spans(line, offset, starts, ends)
            offset += len(line) + 1
        return starts, ends

    def render(self, text: str, delimiter: str, line_open: bool) -> tuple[str, bool]:
        """``viterbi.render`` of the cut: the words of each line joined by ``delimiter``, line
        feeds kept; ``line_open``: the current line already has a word (a chunk that ended
        inside a line). Returns the text and whether the last line is open."""
        out = []
        lines = text.split("\n")
        last = len(lines) - 1
        for n, line in enumerate(lines):
            starts: list[int] = []
            ends: list[int] = []
            self.line_spans(line, 0, starts, ends)
            if starts:
                if line_open:
                    out.append(delimiter)
                out.append(delimiter.join([line[a:b] for a, b in zip(starts, ends)]))
                line_open = True
            if n < last:
                out.append("\n")
                line_open = False
        return "".join(out), line_open


# -- reading lexicon files ------------------------------------------------------------------

_LAST_READ: Optional[tuple] = None  # (key, counts): the CLI's look ahead and the Segmenter read a file once


def _file_key(path: PathLike) -> Optional[tuple]:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (os.path.realpath(path), st.st_size, st.st_mtime_ns, st.st_ino, st.st_dev)


def small_files(paths: Iterable[PathLike], limit: int) -> bool:
    """Whether every path is a regular file (not '-', a pipe or a device: those are read
    once) and together they hold at most ``limit`` bytes."""
    size = 0
    for path in paths:
        if not isinstance(path, (str, os.PathLike)) or not is_regular_file(path):
            return False
        size += os.path.getsize(path)
    return size <= limit


_LAST_SCAN: Optional[tuple] = None  # (files' keys, answer): the CLI's look ahead and the Segmenter scan once
#: a line whose first field (the word, in TSV and jieba format) holds an ASCII letter or digit
_LATIN_ENTRY = re.compile(rb"(?m)^[^\t \r\n]*[A-Za-z0-9][^\t \r\n]*[\t ]")


def plain_lexicon_files(paths: Sequence[PathLike]) -> bool:
    """Whether lexicon files are read in plain Python: regular files of at most
    :data:`LEXICON_BYTES` together, and past :data:`LEXICON_BYTES_ANY` with no entry that
    holds a Latin letter or a digit (the likely mixed-script entries; others are still
    found after reading, as before)."""
    global _LAST_SCAN
    if not small_files(paths, LEXICON_BYTES):
        return False
    if small_files(paths, LEXICON_BYTES_ANY):
        return True
    key = tuple(_file_key(p) for p in paths)
    if _LAST_SCAN is not None and _LAST_SCAN[0] == key:  # the CLI's look ahead scanned them already
        return _LAST_SCAN[1]
    latin = False
    for path in paths:
        with open(path, "rb") as stream:
            if _LATIN_ENTRY.search(stream.read()):
                latin = True
                break
    _LAST_SCAN = (key, not latin)
    return not latin


def read_counts(sources: Sequence, lexicon_format: Optional[str], encoding: str) -> Union[dict, Mapping]:
    """word -> count of lexicon files (and Lexicons or mappings) in plain Python: one file as
    :meth:`Lexicon.from_bytes` reads it (the rules and messages the Numba reader falls back
    to), several combined as ``Segmenter([...])`` combines them. The last result is kept, so
    a second read of the same unchanged files costs nothing."""
    global _LAST_READ
    if lexicon_format is not None and lexicon_format not in FORMATS:
        raise MinentError(f"unknown lexicon format '{lexicon_format}' (choose from {', '.join(FORMATS)})")
    keys = [_file_key(s) if isinstance(s, (str, os.PathLike)) else None for s in sources]
    key = (tuple(keys), lexicon_format, encoding) if all(keys) else None
    if key is not None and _LAST_READ is not None and _LAST_READ[0] == key:
        return dict(_LAST_READ[1])
    one = len(sources) == 1
    maps = []
    for source in sources:
        if isinstance(source, (str, os.PathLike)):
            maps.append(Lexicon.from_bytes(read_input(source, encoding), format=lexicon_format, encoding=encoding,
                                           name=_describe(source), allow_empty=not one))
        elif isinstance(source, (Lexicon, Mapping)):
            maps.append(source)
        else:
            raise MinentError(f"a lexicon must be a Lexicon, a mapping word -> count or a file path, "
                              f"got {type(source).__name__}")
    counts = maps[0].to_dict() if one else combine(maps)
    if not counts:
        raise MinentError("the lexicons have no entries")
    if key is not None:
        _LAST_READ = (key, counts)
        return dict(counts)
    return counts


def has_mixed(words: Iterable[str]) -> bool:
    """Whether any of ``words`` is an entry that mixes scripts (the plain path then declines)."""
    lattice = _LATTICE_WORD.fullmatch
    return any(is_mixed(w) for w in words if not lattice(w))


def kernels_forced() -> bool:
    """``MINENT_KERNELS=1``: every cut on the kernels (the tests' reference run)."""
    return os.environ.get("MINENT_KERNELS", "") == "1"
