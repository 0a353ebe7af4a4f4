"""Dictionary entries that mix scripts (T恤, B超, 卡拉OK, iPhone手机, 3D打印, C++): taken whole where
they occur, never cutting a Latin word or a number in two; leftmost, then longest."""

from __future__ import annotations

import io
import json
import random
import subprocess
import sys
import time

import numpy as np
import pytest

from minent import Segmenter
from minent.common.chars import codepoints
from minent.segment.kernels import viterbi as v

COUNTS = {"T恤": 4, "T恤衫": 3, "B超": 5, "卡拉OK": 6, "iPhone手机": 2, "3D打印": 3, "C++": 2, "C#": 2, "AT&T": 1,
          "手机": 50, "打印": 40, "打印机": 20, "卡拉": 30, "衫": 5, "穿": 10, "买": 10, "一件": 8, "检查": 9, "做": 9,
          "iPhone": 3, "110": 2}
MIXED = {"T恤", "T恤衫", "B超", "卡拉OK", "iPhone手机", "3D打印", "C++", "C#", "AT&T"}


@pytest.fixture(scope="module")
def seg():
    return Segmenter(COUNTS)


@pytest.mark.parametrize("text, words", [
    ("穿T恤", ["穿", "T恤"]),
    ("买一件T恤衫", ["买", "一件", "T恤衫"]),
    ("做B超检查", ["做", "B超", "检查"]),
    ("卡拉OK", ["卡拉OK"]),
    ("卡拉OKAY", ["卡拉", "OKAY"]),  # the entry would cut OKAY in two
    ("买iPhone手机", ["买", "iPhone手机"]),
    ("xiPhone手机", ["xiPhone", "手机"]),  # nor inside a longer Latin word
    ("3D打印机", ["3D打印", "机"]),  # taken whole, before the lattice (which would prefer 打印机)
    ("13D打印", ["13D", "打印"]),  # nor inside a longer number-and-letters token
    ("C++ 和 C#", ["C++", "和", "C#"]),
    ("AT&T手机", ["AT&T", "手机"]),
    ("iPhone 手机", ["iPhone", "手机"]),  # whitespace is a boundary: no entry spans it
])
def test_mixed_entries_come_out_whole(seg, text, words):
    assert seg.cut(text) == words
    tokens = seg.tokenize(text)
    assert [w for w, _, _ in tokens] == words
    assert all(text[s:e] == w for w, s, e in tokens)


def test_only_entries_the_rules_would_cut_get_a_trie():
    from minent.common.charclass import class_table
    from minent.segment.segmenter import word_arrays

    words = list(COUNTS)
    assert Segmenter(COUNTS)._current[1] is not None
    mask = v.mixed_word_mask(*word_arrays(words), class_table())
    assert {w for w, m in zip(words, mask.tolist()) if m} == MIXED  # not iPhone, 110 (one token) or the ideograph words


def test_a_word_is_mixed_or_not_wherever_it_stands_in_the_lexicon():
    """-3D needs the trie (1-3D is 1, -, 3D by the rules) whatever word comes before it in the
    lexicon's arrays (it used to depend on that word's last character, so on the order)."""
    from minent.common.charclass import class_table
    from minent.segment.segmenter import word_arrays

    for before in ([], ["a"], ["1"], ["中"], ["+"]):
        assert v.mixed_word_mask(*word_arrays([*before, "-3D", "+5", "-3", "3D"]), class_table()).tolist()[-4:] == [
            True, True, True, False]
    for counts in ({"3D": 1, "-3D": 2, "中": 1}, {"-3D": 2, "3D": 1, "中": 1}, {"a": 1, "-3D": 2, "中": 1}):
        assert Segmenter(counts).cut("1-3D中-3D") == ["1", "-3D", "中", "-3D"], counts


def test_no_mixed_entries_no_scan(monkeypatch, tmp_path):
    seg = Segmenter({"手机": 3, "打印": 2, "#年": 4, "iPhone": 2})
    assert seg._current[1] is None

    def fail(*args):
        raise AssertionError("scanned for mixed entries")

    monkeypatch.setattr(v, "mark_block_mixed", fail)
    monkeypatch.setattr(v, "find_mixed", fail)
    text = "买iPhone手机，1998年打印。\n" * 5000  # also the parallel path
    assert seg.cut("买iPhone手机")[-1] == "手机"
    assert len(seg.cut(text)) > 0
    source = tmp_path / "in.txt"
    source.write_text(text, encoding="utf-8")
    for fmt in ("text", "jsonl"):
        out = io.BytesIO()
        seg.segment_file(source, out, format=fmt)
        assert out.getvalue()


def _boundaries(text: str) -> set[int]:
    """Where a token of the rules may start or end with no lexicon (each ideograph alone)."""
    atoms = Segmenter({"龘龘": 1}).tokenize(text)
    bounds = {0, len(text)} | {s for _, s, _ in atoms} | {e for _, _, e in atoms}
    bounds |= {p for p in range(len(text) + 1) if (p < len(text) and text[p].isspace())
               or (p > 0 and text[p - 1].isspace())}
    return bounds


def _reference_spans(text: str, entries: set[str]) -> list[tuple[int, int]]:
    """The entries taken whole, in plain Python: leftmost, then the longest with both ends on a boundary."""
    bounds = _boundaries(text)
    spans, s = [], 0
    while s < len(text):
        found = [len(w) for w in entries if s in bounds and text.startswith(w, s) and s + len(w) in bounds]
        if found:
            spans.append((s, s + max(found)))
            s += max(found)
        else:
            s += 1
    return spans


def _needing_the_trie(words: set[str]) -> set[str]:
    """The words only the mixed trie finds: not ideographs alone (the lattice finds 恤衫), and cut in
    two by the rules, or starting with a sign before a digit (-3D is one token where it starts the
    text, but 1-3D is 1, -, 3D)."""
    atoms = Segmenter({"龘龘": 1})
    return {w for w in words if not all("\u4e00" <= c <= "\u9fff" for c in w)
            and (len(atoms.cut(w)) > 1 or (w[0] in "+-−－＋" and w[1:2].isdigit()))}


def _kernel_spans(seg: Segmenter, text: str) -> list[tuple[int, int]]:
    cps = codepoints(text)
    starts, ends = v.find_mixed(cps, seg._table, 0, len(cps), *seg._current[1])
    return list(zip(starts.tolist(), ends.tolist()))


def test_matching_is_the_plain_python_reference_on_random_text():
    rng = random.Random(13)
    pieces = ["T", "恤", "衫", "卡拉", "OK", "AY", "i", "Phone", "手机", "x", "3", "D", "打印", "1", ".", "5", "-",
              "+", "C", "#", "&", "A", " ", "\n", "中", "\u0301", "%", "，", "e",
              "T恤", "卡拉OK", "iPhone手机", "3D打印", "C++", "C#", "AT&T", "OK手机"]  # whole ones, often
    entries = {"T恤", "T恤衫", "卡拉OK", "iPhone手机", "3D打印", "C++", "C#", "AT&T", "恤衫", "OK手机", "D打印", "5%C",
               "-3D", "中\u0301T", "e-mail"}
    seg = Segmenter({**{w: 1 for w in entries}, "中": 1})
    entries = _needing_the_trie(entries)
    assert "恤衫" not in entries and "-3D" in entries and "T恤" in entries
    checked = 0
    for _ in range(1500):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 25)))
        want = _reference_spans(text, entries)
        assert _kernel_spans(seg, text) == want, text
        checked += len(want)
    assert checked > 500  # the texts do hold entries


LONG_ENTRIES = {"T恤", "卡拉OK", "C++", "C#", "AT&T", "a-", "x+", "1.", ".5", "-3.", "++", "OK手机", "大S", "e-mail"}
LONG_PIECES = ["T", "恤", "卡拉", "OK", "C", "+", "#", "&", "A", "a", "-", "x", "1", ".", "5", "3", "e", "mail", "大",
               "S", "手机", "，", "——", "%", " ", "\u0301"]
LONG_RUNS = ["C++", "a-", "x", "1.5", "x+", "AT&T", "+", "大S", "e-mail", "-3.", "OK", "5"]


def _long_text(rng: random.Random, size: int) -> str:
    """Long runs of one piece of Latin, digits or signs (C++C++..., a-a-a-..., 1.51.5...) among entries and other pieces."""
    parts = []
    while sum(map(len, parts)) < size:
        if rng.random() < 0.3:
            parts.append(rng.choice(LONG_RUNS) * rng.randint(20, 300))
        else:
            parts.append(rng.choice(LONG_PIECES))
    return "".join(parts)


def test_matching_is_the_reference_on_long_runs():
    """Runs of hundreds of characters where entries match at every step, or inside one long token."""
    rng = random.Random(21)
    seg = Segmenter({**{w: 1 for w in LONG_ENTRIES}, "中": 1})
    entries = _needing_the_trie(LONG_ENTRIES)
    assert entries == LONG_ENTRIES - {"e-mail"}  # one token of the rules
    checked = 0
    for _ in range(40):
        text = _long_text(rng, rng.randint(500, 3000))
        want = _reference_spans(text, entries)
        assert _kernel_spans(seg, text) == want, text
        checked += len(want)
    assert checked > 2000


def test_a_long_run_takes_linear_time():
    """Every place of C++C++... (or of one long token a-a-a-...) starts an entry: each must be
    answered without walking the run again (quadratic before: minutes for 100,000 characters)."""
    seg = Segmenter({"C++": 3, "中国": 5, "a-": 2})
    assert seg.cut("C++中国a-") == ["C++", "中国", "a-"]  # compiled before the clock starts
    text = "C++" * 33_334
    start = time.perf_counter()
    words = seg.cut(text)
    assert time.perf_counter() - start < 5.0
    assert words == ["C++"] * 33_334
    start = time.perf_counter()
    words = seg.cut("a-" * 50_000)
    assert time.perf_counter() - start < 5.0
    assert words == ["a-a" + "-a" * 49_998, "-"]  # one word of the rules: the entry would cut it


def _no_entry_straddles(text: str, p: int, entries: set[str]) -> bool:
    return not any(text.startswith(w, p - k) for w in entries for k in range(1, min(len(w), p + 1)))


def test_block_bounds_never_cut_an_entry():
    """With mixed entries, a block bound is a place where a token must start and no entry found
    in one block could straddle; the blocks then mark the text as one block does."""
    rng = random.Random(5)
    entries = LONG_ENTRIES | {"C++C++C++"}
    seg = Segmenter({**{w: 1 for w in entries}, "中": 1, "大": 3})
    mixed = seg._current[1]
    cut = moved = 0
    for _ in range(30):
        text = _long_text(rng, rng.randint(2000, 6000)).replace(" ", "，")
        cps = codepoints(text)
        serial = v.mark_words_serial(cps, seg._table, *seg._current[0], mixed=mixed)
        for n_blocks in (2, 7, 50):
            bounds = v.block_bounds(cps, seg._table, n_blocks, mixed)
            plain = v.block_bounds(cps, seg._table, n_blocks)
            assert bounds[0] == 0 and bounds[-1] == len(cps) and np.all(np.diff(bounds) >= 0)
            assert np.all(bounds >= plain)  # a bound of the rules, and where no entry can straddle it
            inner = [p for p in bounds[1:-1].tolist() if 0 < p < len(text)]
            assert all(_no_entry_straddles(text, p, entries) for p in inner)
            cut += len(set(inner))
            moved += int(np.count_nonzero(bounds != plain))
            marks = v.mark_words(cps, seg._table, bounds, *seg._current[0], threads=1, mixed=mixed)
            assert np.array_equal(marks, serial), (n_blocks, bounds)
    assert cut > 100 and moved > 100  # the texts were cut, often further on than the rules alone would


def _tokens_around(text: str, spans: list, without: Segmenter) -> list:
    """The tokens of ``text``: each span (an entry taken whole) as one token, the text between
    spans as ``without`` (the lexicon without the mixed entries) cuts it."""
    want, at = [], 0
    for s, e in spans + [(len(text), len(text))]:
        want += [(w, a + at, b + at) for w, a, b in without.tokenize(text[at:s])]
        if e > s:
            want.append((text[s:e], s, e))
        at = e
    return want


def test_a_long_line_runs_in_several_blocks():
    """A long text without whitespace or line feed is cut into blocks (threads) all the same."""
    rng = random.Random(11)
    pieces = ["T恤", "衫", "卡拉", "OK", "卡拉OK", "iPhone", "手机", "3D", "打印", "机", "B超", "检查", "穿", "做", "x", "。",
              "，", "C++", "C#", "AT&T", "110"]
    text = "".join(rng.choice(pieces) for _ in range(40_000))
    assert len(text) > 1 << 16 and not any(c.isspace() for c in text)
    serial, parallel = Segmenter(COUNTS, jobs=1), Segmenter(COUNTS, jobs=2)
    bounds = v.block_bounds(codepoints(text), parallel._table, 8, parallel._current[1])
    assert len(set(bounds.tolist())) == 9  # eight blocks, not one
    without = Segmenter({w: c for w, c in COUNTS.items() if w not in MIXED})
    want = _tokens_around(text, _reference_spans(text, MIXED), without)
    assert serial.tokenize(text) == want
    assert parallel.tokenize(text) == want
    assert parallel.cut(text) == [w for w, _, _ in want]


def test_the_cut_between_entries_is_the_lattices():
    """Outside the entries taken whole, the cut is the one of the lexicon without them."""
    rng = random.Random(7)
    plain = {w: c for w, c in COUNTS.items() if w not in MIXED}
    seg, without = Segmenter(COUNTS), Segmenter(plain)
    pieces = ["T恤", "衫", "卡拉", "OK", "iPhone", "手机", "3D", "打印", "机", "B超", "检查", "穿", "做", " ", "x", "。"]
    for _ in range(300):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 12)))
        assert seg.tokenize(text) == _tokens_around(text, _kernel_spans(seg, text), without), text


def test_every_path_gives_the_same_cut(seg, tmp_path):
    rng = random.Random(3)
    pieces = ["T恤", "衫", "卡拉OK", "AY", "iPhone手机", "x", "3D打印", "1", "B超", "检查", " ", "做", "C++", "\n"]
    text = "".join(rng.choice(pieces) for _ in range(40_000))  # > 64 K characters: blocks on threads
    lines = text.split("\n")
    want = [seg.cut(line) for line in lines]
    assert seg.cut_many(lines) == want
    parallel = Segmenter(COUNTS, jobs=2)
    assert [w for w in parallel.cut(text)] == [w for line in want for w in line]
    source = tmp_path / "in.txt"
    source.write_text(text, encoding="utf-8")
    for chunk in (1 << 12, 1 << 22):
        out = io.BytesIO()
        parallel.segment_file(source, out, chunk_bytes=chunk)
        assert out.getvalue().decode("utf-8").split("\n") == [" ".join(w) for w in want]
    out = io.BytesIO()
    parallel.segment_file(source, out, format="jsonl")
    records = [json.loads(line) for line in out.getvalue().decode("utf-8").splitlines()]
    assert [r["words"] for r in records] == want
    assert all(line[s:e] == w for r, line in zip(records, lines) for w, (s, e) in zip(r["words"], r["spans"]))
    out = io.BytesIO()
    parallel.segment_file(source, out, encoding="utf-8", mode="search")
    assert out.getvalue().decode("utf-8").split("\n")[0].split() == seg.cut_for_search(lines[0])


def test_search_mode_adds_the_words_inside(seg):
    assert seg.cut_for_search("买iPhone手机") == ["买", "iPhone手机", "iPhone", "手机"]


def test_added_and_removed_mixed_words():
    seg = Segmenter({"手机": 5, "打印": 3})
    assert seg.cut("3D打印") == ["3D", "打印"]
    seg.add_word("3D打印")
    assert seg.cut("3D打印") == ["3D打印"] and seg.n_words == 3
    seg.del_word("3D打印")
    assert seg.cut("3D打印") == ["3D", "打印"]
    assert seg._current[1] is None


def test_a_pickled_segmenter_keeps_its_mixed_entries(seg):
    import pickle

    copy = pickle.loads(pickle.dumps(seg))
    assert copy.cut("买iPhone手机和T恤") == seg.cut("买iPhone手机和T恤") == ["买", "iPhone手机", "和", "T恤"]


def test_cli_keeps_mixed_entries_whole(tmp_path):
    lexicon = tmp_path / "dict.txt"
    lexicon.write_text("".join(f"{w} {c} n\n" for w, c in COUNTS.items()), encoding="utf-8")
    words = tmp_path / "words.txt"
    words.write_text("A股\n", encoding="utf-8")
    text = "买iPhone手机\nA股做B超\n"
    done = subprocess.run([sys.executable, "-m", "minent", "segment", "-q", "-l", lexicon, "--add-words", words],
                          input=text.encode(), capture_output=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.decode() == "买 iPhone手机\nA股 做 B超\n"
