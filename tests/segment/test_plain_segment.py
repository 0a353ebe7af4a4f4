"""The plain-Python cut (minent.segment.plain) gives the kernels' words byte for byte: a
Segmenter made in a process without the kernels cuts small work there (issue 17)."""

from __future__ import annotations

import io
import random

import numpy as np
import pytest

from minent import Lexicon
from minent.common.charclass import class_table
from minent.common.errors import MinentError
from minent.common.kernels import tokens
from minent.common.lexicon import _plain_tsv
from minent.segment import plain, segmenter
from minent.segment.segmenter import Segmenter

import reference_segment as ref

LEXICON = {"中": 30, "国": 25, "中国": 40, "人": 50, "民": 10, "人民": 30, "中国人": 5, "大": 40, "学": 20, "大学": 25,
           "学生": 30, "大学生": 8, "生": 15, "在": 60, "的": 90, "#年": 12, "#": 3, "第#": 4, "〇": 2, "𠀀𠀁": 3,
           "研究": 10, "研究生": 5, "生命": 10, "命": 2, "起源": 8, "iPhone": 4, "零": 0, "零件": 0}
# every kind of character the rules tell apart: ideographs (BMP, ext-A, compatibility, beyond the
# BMP, ○), digits (ASCII, full-width, Arabic-Indic), Latin with joiners, signs, percent, dashes
# and ellipses, marks (combining, variation selector, skin tone), whitespace, CR, emoji, surrogates
ALPHABET = (list("中国人民大学生在的研究命起源零件") + ["中国", "大学生", "研究生命", "人民"] * 3
            + list("㐀〇○豈𠀀𠀁") + list("0123456789１２٣") + ["3.5", "1,000", "1,00", "2024年", "-5", "＋3", "50%", "７％"]
            + list("abcXYZéß") + ["e-mail", "don't", "iPhone", "xiPhone", "B2B"]
            + list(".,-'’‐%％‰+−－＋") + ["——", "……", "—", "…", "..."] + list("。，、！？：；“”《》()#")
            + ["\u0301", "\ufe0f", "\U0001f3fb", "\u200d"] + [" ", "  ", "\t", "\u3000", "\r", "\n", "\r\n", "\n\n"]
            + ["😀", "🇨🇳", "\U0001d400", "\U0001d7ce", "\ufeff"])


def random_text(rng: random.Random, pieces: int) -> str:
    return "".join(rng.choice(ALPHABET) for _ in range(pieces))


@pytest.fixture
def pair(monkeypatch):
    """``make(lexicon, **options)`` -> (a Segmenter cutting in plain Python, one on the kernels)."""
    made = []

    def make(lexicon, **options):
        monkeypatch.setattr(plain, "TEXT_CHARS", 1 << 30)
        monkeypatch.setattr(segmenter, "_kernels_loaded", lambda: False)
        monkeypatch.delenv("MINENT_KERNELS", raising=False)
        fast = Segmenter(lexicon, **options)
        assert fast._plain is not None, "the plain path was not taken"
        monkeypatch.setenv("MINENT_KERNELS", "1")
        slow = Segmenter(lexicon, **options)
        assert slow._plain is None
        monkeypatch.delenv("MINENT_KERNELS")
        made.append(fast)
        return fast, slow

    yield make
    for fast in made:  # every cut of the test went through the plain path
        assert fast._plain is not None, "the plain path gave way to the kernels"


def both_ways(fast: Segmenter, slow: Segmenter, text: str) -> None:
    assert fast.segment(text) == slow.segment(text), repr(text)
    assert fast.tokenize(text) == slow.tokenize(text), repr(text)
    assert fast.cut(text) == slow.cut(text)
    assert fast.segment(text, delimiter="|") == slow.segment(text, delimiter="|")


def test_classes_are_the_kernels_classes():
    assert (plain.HAN, plain.DIGIT, plain.LETTER, plain.SPACE, plain.NEWLINE_KIND, plain.OTHER, plain.MARK,
            plain.KIND_MASK) == (tokens.HAN, tokens.DIGIT, tokens.LETTER, tokens.SPACE, tokens.NEWLINE_KIND,
                                 tokens.OTHER, tokens.MARK, tokens.KIND_MASK)
    assert (plain.DECIMAL, plain.THOUSANDS, plain.WORD_JOIN, plain.PERCENT, plain.SIGN, plain.REPEAT) == (
        tokens.DECIMAL, tokens.THOUSANDS, tokens.WORD_JOIN, tokens.PERCENT, tokens.SIGN, tokens.REPEAT)
    table = class_table()
    mine = np.array([plain._classify(chr(cp)) for cp in range(0x10000)], dtype=np.uint16)
    differ = np.flatnonzero(mine != table)
    assert differ.size == 0, [hex(cp) for cp in differ[:10]]
    for cp in (0x10000, 0x1D400, 0x1D7CE, 0x1F600, 0x1F3FA, 0x1F3FB, 0x1F3FF, 0x1F400, 0x1FFFF, 0x20000, 0x2A6DF,
               0x323AF, 0x323B0, 0xE0100, 0xE01EF, 0xE01F0, 0x10FFFF):
        assert plain._classify(chr(cp)) == tokens.char_class(cp, table), hex(cp)


#: every count the same: cuts of equal cost everywhere (AB|C against A|BC), so the order of
#: relaxation and the tie-breaking must be the kernels' too
TIES = {w: 1 for w in ["中", "国", "中国", "国人", "人", "中国人", "人民", "国人民", "民", "大", "大学", "学生", "大学生",
                        "学生在", "生", "学", "在", "的"]}


@pytest.mark.parametrize("lexicon", [LEXICON, TIES], ids=["counts", "ties"])
def test_random_texts_cut_as_the_kernels_cut(pair, lexicon):
    fast, slow = pair(lexicon)
    rng = random.Random(17)
    for _ in range(400):
        both_ways(fast, slow, random_text(rng, rng.randrange(0, 40)))
    text = random_text(rng, 5000)
    both_ways(fast, slow, text)
    assert fast.cut_many(text.split("\n")) == slow.cut_many(text.split("\n"))
    assert fast.tokenize_many(text.split("\n")) == slow.tokenize_many(text.split("\n"))


def test_the_reference_agrees():
    """The tests' reference of the cut, on ideographs and numbers alone, gives the same words."""
    model = plain.PlainModel.of(list(LEXICON), np.array(list(LEXICON.values()), dtype=np.float64), 0.5)
    rng = random.Random(3)
    for _ in range(200):
        text = "".join(rng.choice(["中", "国", "人", "民", "大", "学", "生", "在", "的", "12", "第", "年", "研究生命"])
                       for _ in range(rng.randrange(1, 25)))
        starts, ends = model.spans(text)
        assert [text[a:b] for a, b in zip(starts, ends)] == ref.cut(text, LEXICON), text


@pytest.mark.parametrize("text", ["", "中", "\n", "\r\n", " ", "a", "1", "-", "\u0301", "😀", "𠀀", "中\n", "\n\n中",
                                  "中国人民\r\n大学生\r\n", "没有换行结尾", "  中国  \t人民 ", "\u0301中\u0301 \u0301",
                                  "1,000,000 3.14 -2 ＋3 50% e-mail don't ——……", "第3年2024年〇○", "中" * 3000,
                                  ("中国人民大学生" * 3000 + "\n") * 3, "a" * 5000, "1" * 5000 + "年"])
def test_edge_texts(pair, text):
    fast, slow = pair(LEXICON)
    both_ways(fast, slow, text)


def test_chunks_keep_the_line_open(pair):
    fast, slow = pair(LEXICON)
    rng = random.Random(5)
    for _ in range(50):
        text = random_text(rng, 60)
        cuts = sorted(rng.sample(range(len(text) + 1), min(4, len(text) + 1)))
        chunks = [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)])]
        assert "".join(fast.segment_chunks(chunks)) == "".join(slow.segment_chunks(chunks))


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_files_cut_as_the_kernels_cut(pair, tmp_path, encoding):
    fast, slow = pair(LEXICON)
    rng = random.Random(11)
    text = random_text(rng, 3000)
    for body in (text, text + "\n", "\ufeff" + text, text.replace("\n", "\r\n")):  # a leading BOM is skipped
        path = tmp_path / "in.txt"
        path.write_bytes(body.encode(encoding))
        outs = []
        for seg in (fast, slow):
            out = io.BytesIO()
            stats = seg.segment_file(path, out, " ", encoding)
            outs.append((out.getvalue(), stats.n_bytes, stats.n_chars, stats.n_lines))
        assert outs[0] == outs[1]


def test_lexicon_files_read_as_the_kernels_read_them(pair, tmp_path):
    """TSV with a total line, with a header and extra columns, jieba's format, auto-detection,
    several files combined (rescaled counts are floats: the same sums and costs)."""
    tsv, scored, jieba, small = (tmp_path / n for n in ("a.tsv", "b.tsv", "c.txt", "d.tsv"))
    Lexicon(LEXICON, total=sum(LEXICON.values()) * 3).save(tsv)
    Lexicon(LEXICON).save(scored, columns={"score": {w: 1.5 for w in LEXICON}})
    Lexicon({w: c * 7 + 1 for w, c in LEXICON.items()}).save(jieba, format="jieba")
    small.write_text("研究生\t3\n生命起源\t1\n国人\t2\n中国\t1\n", encoding="utf-8")
    assert tsv.read_text(encoding="utf-8").startswith("# total")
    assert scored.read_text(encoding="utf-8").startswith("word\tcount\tscore")
    rng = random.Random(2)
    texts = [random_text(rng, 300) for _ in range(5)]
    for lexicon in (tsv, scored, jieba, small, [jieba, small], [small, tsv, jieba], [scored, LEXICON]):
        fast, slow = pair(lexicon)
        assert (fast.n_words, fast.total) == (slow.n_words, slow.total)
        for text in texts:
            both_ways(fast, slow, text)
    fast, slow = pair(jieba, lexicon_format="jieba")
    both_ways(fast, slow, texts[0])


def test_errors_are_the_kernels_errors(tmp_path, monkeypatch):
    bad, empty, zero, latin1 = (tmp_path / n for n in ("bad.tsv", "empty.tsv", "zero.tsv", "latin1.tsv"))
    bad.write_text("中国\t3\n人民\tmany\n", encoding="utf-8")
    empty.write_text("\n", encoding="utf-8")
    zero.write_text("中国\t0\n", encoding="utf-8")
    latin1.write_bytes("中国\t3\n".encode("utf-8") + b"caf\xe9\t2\n")
    cases = [(tmp_path / "missing.tsv", {}), (bad, {}), (empty, {}), ([empty, empty], {}), (zero, {}), (latin1, {}),
             (bad, {"lexicon_format": "xml"})]
    monkeypatch.setattr(segmenter, "_kernels_loaded", lambda: False)
    for lexicon, options in cases:
        messages = []
        for forced in ("0", "1"):
            monkeypatch.setenv("MINENT_KERNELS", forced)
            with pytest.raises(MinentError) as error:
                Segmenter(lexicon, **options)
            messages.append(str(error.value))
        assert messages[0] == messages[1], lexicon


def test_bad_input_bytes_give_the_kernels_message(pair, tmp_path):
    fast, slow = pair(LEXICON)
    for data in (b"\xe4\xb8\xad\xff\n", b"ok\n\x00\n", b"\xe4\xb8"):
        path = tmp_path / "bad.txt"
        path.write_bytes(data)
        messages = []
        for seg in (fast, slow):
            with pytest.raises(MinentError) as error:
                seg.segment_file(path, io.BytesIO())
            messages.append(str(error.value))
        assert messages[0] == messages[1]


def test_mixed_entries_and_changes_take_the_kernels(monkeypatch):
    monkeypatch.setattr(segmenter, "_kernels_loaded", lambda: False)
    monkeypatch.delenv("MINENT_KERNELS", raising=False)
    for word in ("T恤", "卡拉OK", "C++", "3D打印", "-3中"):
        assert Segmenter({**LEXICON, word: 5})._plain is None, word
    for word in ("iPhone", "3.5%", "中 国"):  # kept whole by the rules, or never found: no mixed search
        assert Segmenter({**LEXICON, word: 5})._plain is not None, word
    seg = Segmenter(LEXICON)
    assert seg.cut("研究生命") == ["研究", "生命"] and seg._plain is not None
    seg.add_word("研究生命")
    assert seg._plain is None
    assert seg.cut("研究生命起源") == ["研究生命", "起源"]


def test_big_work_moves_to_the_kernels(monkeypatch):
    monkeypatch.setattr(segmenter, "_kernels_loaded", lambda: False)
    monkeypatch.delenv("MINENT_KERNELS", raising=False)
    monkeypatch.setattr(plain, "TEXT_CHARS", 100)
    seg = Segmenter(LEXICON)
    text = "中国人民大学生在研究生命起源"
    first = seg.cut(text)
    assert seg._plain is not None
    long_text = text * 20
    assert seg.cut(long_text) == first * 20
    assert seg._plain is None  # past the budget: the kernels, from now on
    assert seg.cut(text) == first


def test_the_plain_tsv_reader_is_the_line_loop():
    rng = random.Random(8)
    for _ in range(200):
        words = ["".join(rng.choice("中国人 a#\u3000") for _ in range(rng.randrange(1, 4))) for _ in range(5)]
        text = "".join(f"{w}\t{rng.randrange(0, 1000)}\n" for w in words)
        slow = Lexicon.parse(text.replace("\n", "\r\n"))  # the line loop: CR is not the plain form
        fast = _plain_tsv(text)
        assert (fast is None) == (len(set(words)) < len(words))  # a repeated word: the loop sums it
        if fast is not None:
            assert fast == slow.to_dict() and list(fast) == list(slow.to_dict())
        assert Lexicon.parse(text).to_dict() == slow.to_dict()
        assert Lexicon.parse(text.rstrip("\n")).to_dict() == slow.to_dict()
    for odd in ("中\x85国\t3\n", "中国\t3\n\n", "word\tcount\n中\t1\n", "# total 9\n中\t1\n", "中\t+3\n", "中\t3\tx\n"):
        assert _plain_tsv(odd) is None, odd


def test_which_lexicon_files_are_read_in_plain_python(tmp_path, monkeypatch):
    """Up to LEXICON_BYTES_ANY any file; past it, up to LEXICON_BYTES, only files with no entry
    holding a Latin letter or a digit (a count, a tag or a '# total' line does not count)."""
    monkeypatch.setattr(plain, "LEXICON_BYTES_ANY", 100)
    monkeypatch.setattr(plain, "LEXICON_BYTES", 1000)
    small = tmp_path / "small.tsv"
    small.write_text("T恤\t5\n中国\t3\n", encoding="utf-8")
    tsv = tmp_path / "big.tsv"
    tsv.write_text("# total 99\n" + "".join(f"中国{i % 10 * '人'}\t{i}\n" for i in range(20)), encoding="utf-8")
    jieba = tmp_path / "big.txt"
    jieba.write_text("".join(f"中国{i % 10 * '人'} {i} nz\n" for i in range(20)), encoding="utf-8")
    mixed = tmp_path / "mixed.tsv"
    mixed.write_text(tsv.read_text(encoding="utf-8") + "卡拉OK\t2\n", encoding="utf-8")
    too_big = tmp_path / "too_big.tsv"
    too_big.write_text("中国\t1\n" * 120, encoding="utf-8")
    assert all(100 < p.stat().st_size <= 1000 for p in (tsv, jieba, mixed)), [p.stat().st_size for p in (tsv, jieba, mixed)]
    assert plain.plain_lexicon_files([small])
    assert plain.plain_lexicon_files([tsv]) and plain.plain_lexicon_files([jieba])
    assert not plain.plain_lexicon_files([mixed])
    assert not plain.plain_lexicon_files([too_big])
    assert not plain.plain_lexicon_files([small, tsv, jieba])  # together past LEXICON_BYTES
    # the answer is kept for the same files (the CLI asks, then the Segmenter), not for a changed one
    assert plain.plain_lexicon_files([tsv]) and plain.plain_lexicon_files([tsv])
    with open(tsv, "a", encoding="utf-8") as out:
        out.write("T恤\t1\n")
    assert not plain.plain_lexicon_files([tsv])
