"""The Segmenter API: lexicon sources and formats, the ways to call it, and the invariants
(every non-blank character kept in order, one output line per input line) on hostile text."""

from __future__ import annotations

import io
import math
import random

import numpy as np
import pytest

import minent.segment.segmenter
import reference_segment as ref
from minent import Lexicon, MinentError, Segmenter
from minent.common.kernels import lexfile, utf8
from minent.common.charclass import _build_class_table, class_table

COUNTS = {"研究": 10, "研究生": 5, "生命": 10, "命": 2, "起源": 8, "中国": 20, "人民": 9, "中": 3, "国": 2,
          "人": 7, "民": 1, "的": 30, "大学": 4, "大学生": 3, "生": 2, "学": 1}
HAN = "研究生命起源中国人民的大学"
HOSTILE = [
    "", "\n", "\n\n\n", "中国\r\n人民\r\n", "研究生命起源", "no final newline 中国", "\r", " \t\u3000 ",
    "𠀀𠀁中国𪚥", "e\u0301te\u0301 中\u0301国", "👨\u200d👩\u200d👧 😀🏻 ❤\ufe0f", "3.5% －12.5％ 1,000,000 ١٢٣",
    "COVID-19 e-mail it's", "——……。。，、（中国）", "\x00\x01\x7f", "\ud800中\udfff", "\u2028中\u0085国\x1c",
    "○○一年〇", "ａｂｃ１２３", "\ufeff中国",
]


def random_text(rng: random.Random, n: int) -> str:
    pool = HAN * 3 + "".join(HOSTILE) + "abc123 \n"
    return "".join(rng.choice(pool) for _ in range(n))


def nonblank_lines(text: str) -> list[str]:
    """Each line (split at line feeds only) with its whitespace removed."""
    return ["".join(line.split()) for line in text.split("\n")]


@pytest.fixture(scope="module")
def seg() -> Segmenter:
    return Segmenter(COUNTS)


# -- lexicon sources and formats ---------------------------------------------------------

def test_every_lexicon_source_gives_the_same_segmenter(tmp_path):
    text = "研究生命起源。中国人民的大学生\n" * 3
    tsv = tmp_path / "lex.tsv"
    Lexicon(COUNTS).save(tsv)
    jieba = tmp_path / "dict.txt"  # jieba's own layout: word freq pos
    jieba.write_text("".join(f"{w} {c} n\n" for w, c in COUNTS.items()), encoding="utf-8")
    plain = tmp_path / "user.txt"  # and without the tag
    plain.write_text("".join(f"{w} {c}\n" for w, c in COUNTS.items()), encoding="utf-8")
    want = Segmenter(COUNTS).segment(text)
    assert want.splitlines()[0] == "研究 生命 起源 。 中国 人民 的 大学生"
    for source in (Lexicon(COUNTS), tsv, str(tsv), jieba, plain):
        assert Segmenter(source).segment(text) == want, source
    assert Segmenter(tsv, lexicon_format="tsv").segment(text) == want
    assert Segmenter(jieba, lexicon_format="jieba").segment(text) == want
    s = Segmenter(jieba)
    assert (s.n_words, s.total) == (len(COUNTS), sum(COUNTS.values()))


def test_the_fast_reader_agrees_with_lexicon_parse_or_gives_way(tmp_path):
    """Odd but valid files (BOM, CRLF, blank lines, duplicates, counts like ' 7' or '+7', other
    blanks) must give what Lexicon.load gives: the Numba reader or the fallback."""
    table = class_table()
    rng = random.Random(5)
    pieces = ["中国", "人民", "的", "中\u3000国", "a b", "𠀀"]
    for trial in range(60):
        fmt = rng.choice(["tsv", "jieba"])
        lines = []
        for _ in range(rng.randint(1, 12)):
            word, count = rng.choice(pieces), rng.choice(["7", "0", "12", " 7", "+7", "007"])
            if fmt == "tsv":
                lines.append(f"{word}\t{count}")
            else:
                lines.append(rng.choice([f"{word} {count}", f"{word}\t{count} n", f"  {word}  {count}  ns "]))
            if rng.random() < 0.2:
                lines.append(rng.choice(["", "  ", "\t"]))
        text = ("\ufeff" if rng.random() < 0.2 else "") + rng.choice(["\n", "\r\n"]).join(lines)
        try:
            want = Lexicon.parse(text, format=fmt)
        except MinentError:
            want = None
        cps = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
        ok, _, words, offsets, counts = lexfile.parse_entries(cps, table, lexfile.TSV if fmt == "tsv" else lexfile.JIEBA)
        if ok:  # whatever the kernel reads, Lexicon.parse reads the same way
            assert want is not None, text
            got: dict[str, int] = {}
            joined = words.tobytes().decode("utf-32-le")
            for i in range(len(counts)):
                w = joined[offsets[i] : offsets[i + 1]]
                got[w] = got.get(w, 0) + int(counts[i])
            assert got == want.to_dict(), text
        path = tmp_path / f"lex{trial}.txt"
        path.write_bytes(text.encode("utf-8"))
        if want is None:
            with pytest.raises(MinentError):
                Segmenter(path, lexicon_format=fmt)
        elif sum(want.to_dict().values()) > 0:
            s, r = Segmenter(path, lexicon_format=fmt), Segmenter(want)
            assert (s.n_words, s.total) == (r.n_words, r.total)
            assert np.array_equal(np.sort(s.node_cost[np.isfinite(s.node_cost)]),
                                  np.sort(r.node_cost[np.isfinite(r.node_cost)]))


def test_duplicate_entries_add_up(tmp_path):
    path = tmp_path / "dup.txt"
    path.write_text("中国 3\n中 1\n中国 4\n国 1\n", encoding="utf-8")
    s = Segmenter(path)
    assert (s.n_words, s.total) == (3, 9.0)
    assert s.cut("中国") == ["中国"]


@pytest.mark.parametrize("content, message", [
    ("", "no entries"),
    ("\n \n\t\n", "no entries"),
    ("中国\t3\n人民\tmany\n", "line 2"),
    ("中国\t3\n\n\n人民 3\n", "line 4"),
    ("中国 3\n人民 3 n extra\n", "line 2"),
    ("中国\t-3\n", "line 1"),
])
def test_bad_lexicon_files(tmp_path, content, message):
    path = tmp_path / "lex.txt"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(MinentError, match=message):
        Segmenter(path)


def test_bad_lexicons_and_options(tmp_path):
    with pytest.raises(MinentError, match="no entries"):
        Segmenter({})
    with pytest.raises(MinentError, match="all zero"):
        Segmenter({"中": 0})
    with pytest.raises(MinentError, match=">= 0"):
        Segmenter({"中": -1})
    with pytest.raises(MinentError, match="non-empty"):
        Segmenter({"": 3})
    with pytest.raises(MinentError, match="no such file"):
        Segmenter(tmp_path / "missing.tsv")
    with pytest.raises(MinentError, match="directory"):
        Segmenter(tmp_path)
    with pytest.raises(MinentError, match="unknown lexicon format"):
        Segmenter(tmp_path / "x", lexicon_format="csv")
    bad = tmp_path / "latin1.tsv"
    bad.write_bytes("中国\t3\n".encode("gb18030"))
    with pytest.raises(MinentError, match="not valid utf-8"):
        Segmenter(bad)
    with pytest.raises(MinentError, match="jobs"):
        Segmenter(COUNTS, jobs=-1)
    with pytest.raises(MinentError, match="unknown_count"):
        Segmenter(COUNTS, unknown_count=0)
    with pytest.raises(MinentError, match="string"):
        Segmenter(COUNTS).cut(b"bytes")


def test_unknown_characters_are_smoothed():
    s = Segmenter({"中国": 3, "人": 1}, unknown_count=0.5)
    assert s.cut("中国龘人") == ["中国", "龘", "人"]
    assert math.isclose(s.unknown_cost, math.log(4 / 0.5))
    # a word never seen (count 0) is as unlikely as an unknown character, not impossible
    s = Segmenter({"中国": 0, "中": 100, "国": 100})
    assert s.cut("中国") == ["中", "国"]


# -- the ways to call it agree -------------------------------------------------------------

def test_cut_cut_many_and_segment_agree(seg):
    rng = random.Random(11)
    texts = HOSTILE + [random_text(rng, rng.randint(0, 200)) for _ in range(150)]
    many = seg.cut_many(texts)
    assert len(many) == len(texts)
    for text, words in zip(texts, many):
        assert words == seg.cut(text), text
        if "\n" not in text:
            assert seg.segment(text) == " ".join(words)
        assert seg.segment(text, delimiter="/").split("\n") == [
            "/".join(seg.cut(line)) for line in text.split("\n")]
    assert seg.cut_many([]) == []


def test_cut_matches_the_plain_python_reference(seg):
    rng = random.Random(12)
    for text in HOSTILE + [random_text(rng, 120) for _ in range(100)]:
        got, want = seg.cut(text), ref.cut(text, COUNTS)
        assert ref.total_cost(got, COUNTS) == pytest.approx(ref.total_cost(want, COUNTS), rel=1e-12)
        assert [w for w in got if not all(ref.is_han(c) for c in w)] == [
            w for w in want if not all(ref.is_han(c) for c in w)]


@pytest.mark.parametrize("text", HOSTILE)
def test_invariants_on_hostile_text(seg, text):
    out = seg.segment(text)
    assert out.count("\n") == text.count("\n")
    assert nonblank_lines(out) == nonblank_lines(text)
    assert "\r" not in out and "  " not in out
    assert all(line == line.strip(" ") for line in out.split("\n"))


def test_invariants_on_random_and_very_long_lines(seg):
    rng = random.Random(13)
    for n in (1, 10, 1000, 50_000):
        text = random_text(rng, n)
        out = seg.segment(text)
        assert out.count("\n") == text.count("\n")
        assert nonblank_lines(out) == nonblank_lines(text)
    line = "".join(rng.choice(HAN) for _ in range(60_000))  # one line, one run of ideographs
    out = seg.segment(line)
    assert "\n" not in out and out.replace(" ", "") == line
    assert ref.total_cost(out.split(), COUNTS) == pytest.approx(
        ref.total_cost(ref.cut(line, COUNTS), COUNTS), rel=1e-12)


def test_grouping_of_digits_latin_and_punctuation(seg):
    assert seg.cut("GDP增长3.5%，达到１２３．４５％和1,000,000元") == [
        "GDP", "增", "长", "3.5%", "，", "达", "到", "１２３．４５％", "和", "1,000,000", "元"]
    assert seg.cut("COVID-19与e-mail；it's——好……") == [
        "COVID-19", "与", "e-mail", "；", "it's", "——", "好", "……"]
    assert seg.cut("中国  人民\t的") == ["中国", "人民", "的"]


# -- files and streams ---------------------------------------------------------------------

def write(path, text: str, encoding: str = "utf-8"):
    path.write_bytes(text.encode(encoding, "surrogatepass"))
    return path


@pytest.mark.parametrize("chunk_bytes", [16, 61, 1000, 1 << 20])
def test_segment_file_streams_to_the_same_output(seg, tmp_path, chunk_bytes):
    """Chunks end at line feeds (a line is cut only past 16 chunks: 256 bytes here)."""
    rng = random.Random(chunk_bytes)
    text = "\n".join(random_text(rng, rng.randint(0, 40)).replace("\n", "") for _ in range(300))
    text = text.replace("\x00", "").replace("\ud800", "").replace("\udfff", "")  # a file has no NUL or surrogates
    src = write(tmp_path / "in.txt", text + rng.choice(["", "\n", "\r\n"]))
    want = seg.segment(src.read_bytes().decode("utf-8"))  # (read_text would turn a lone CR into LF)
    out = io.BytesIO()
    stats = seg.segment_file(src, out, chunk_bytes=chunk_bytes)
    assert out.getvalue().decode("utf-8") == want
    assert stats.n_bytes == src.stat().st_size and stats.n_lines == want.count("\n")
    text_out = io.StringIO()  # a text stream without a buffer works too
    seg.segment_file(src, text_out, chunk_bytes=chunk_bytes)
    assert text_out.getvalue() == want


def test_a_giant_line_is_cut_between_chunks_but_keeps_every_character(seg, tmp_path, monkeypatch):
    rng = random.Random(3)
    line = "".join(rng.choice(HAN + "ab1。𠀀é") for _ in range(5000))
    src = write(tmp_path / "giant.txt", line + "\n" + line)
    out = io.BytesIO()
    seg.segment_file(src, out, chunk_bytes=16)  # the line is far longer than 16 chunks
    got = out.getvalue().decode("utf-8")
    assert got.count("\n") == 1
    assert nonblank_lines(got) == [line, line]
    # a chunk that starts inside a cut line and holds many more lines, in parallel blocks
    monkeypatch.setattr(minent.segment.segmenter, "_PARALLEL_CHARS", 100)
    giant = "".join(rng.choice(HAN + "ab1。") for _ in range(6000))  # > 16 chunks: cut once
    rest = ["".join(rng.choice(HAN + " 1a。") for _ in range(rng.randint(0, 30))) for _ in range(300)]
    src = write(tmp_path / "giant2.txt", "\n".join([giant, *rest]))
    out = io.BytesIO()
    Segmenter(COUNTS, jobs=2).segment_file(src, out, chunk_bytes=500)
    got = out.getvalue().decode("utf-8").split("\n")
    assert "".join(got[0].split()) == giant and "  " not in got[0]
    assert got[1:] == seg.segment("\n".join(rest)).split("\n")


def test_parallel_blocks_and_one_thread_write_the_same(tmp_path):
    rng = random.Random(4)
    text = "\n".join(random_text(rng, rng.randint(0, 300)).replace("\x00", "").replace("\ud800", "")
                     .replace("\udfff", "") for _ in range(3000))
    src = write(tmp_path / "big.txt", text)
    assert src.stat().st_size > 1 << 16  # large enough for the parallel path
    outputs = []
    for jobs in (1, 2, 3):
        out = io.BytesIO()
        Segmenter(COUNTS, jobs=jobs).segment_file(src, out, chunk_bytes=50_000)
        outputs.append(out.getvalue())
    assert outputs[0] == outputs[1] == outputs[2]
    assert outputs[0].decode("utf-8") == Segmenter(COUNTS).segment(text)


def test_other_encodings_and_bad_bytes(seg, tmp_path):
    text = "研究生命起源。\n中国人民的大学生\n"
    src = write(tmp_path / "gb.txt", text, "gb18030")
    out = io.BytesIO()
    seg.segment_file(src, out, encoding="gb18030")
    assert out.getvalue().decode("utf-8") == seg.segment(text)
    target = tmp_path / "out_gb.txt"  # a text stream in another encoding encodes the words itself
    with open(target, "w", encoding="gb18030") as stream:
        stream.write("头\n")
        seg.segment_file(src, stream, encoding="gb18030")
        stream.write("尾")
    assert target.read_bytes().decode("gb18030") == "头\n" + seg.segment(text) + "尾"
    with pytest.raises(MinentError, match=r"'.*gb.txt' is not valid utf-8: bad byte at offset 0 .*--encoding"):
        seg.segment_file(src, io.BytesIO())
    bad = tmp_path / "bad.txt"
    bad.write_bytes("中国\n".encode() * 5 + b"ab\xffc\n")
    with pytest.raises(MinentError, match="offset 37"):
        seg.segment_file(bad, io.BytesIO(), chunk_bytes=8)
    nul = tmp_path / "nul.bin"
    nul.write_bytes(b"abc\x00def")
    with pytest.raises(MinentError, match="binary"):
        seg.segment_file(nul, io.BytesIO())
    with pytest.raises(MinentError, match="unknown encoding"):
        seg.segment_file(src, io.BytesIO(), encoding="klingon")


# -- the UTF-8 kernel and the class table ----------------------------------------------------

def test_utf8_decoder_accepts_exactly_what_python_accepts():
    rng = random.Random(6)
    samples = [b"", b"abc", "中国😀é".encode(), b"\xed\xa0\x80", b"\xc0\xaf", b"\xe0\x80\xaf", b"\xf4\x90\x80\x80",
               b"\xf0\x9f\x98", b"\xc3", b"a\x00b", b"\xef\xbb\xbf\xe4\xb8\xad"]
    alphabet = [b"a", b"\x00", "é".encode(), "中".encode(), "😀".encode(), b"\x80", b"\xbf", b"\xc2", b"\xe0", b"\xed",
                b"\xf0", b"\xf4", b"\xff", b"\xa0", b"\x90"]
    samples += [b"".join(rng.choice(alphabet) for _ in range(rng.randint(1, 8))) for _ in range(3000)]
    for data in samples:
        cps, bad = utf8.decode_utf8(np.frombuffer(data, dtype=np.uint8))
        try:
            text = data.decode("utf-8")
            valid = "\x00" not in text
        except UnicodeDecodeError as e:
            valid, text = False, None
            nul = data.find(b"\x00")
            assert bad == (e.start if nul < 0 else min(nul, e.start)), data  # the offset Python reports
        assert (bad < 0) == valid, data
        if valid:
            assert cps.tobytes().decode("utf-32-le") == text


def test_cached_class_table_is_the_built_one():
    assert np.array_equal(class_table(), _build_class_table())
