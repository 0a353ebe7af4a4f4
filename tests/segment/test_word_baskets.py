"""Word baskets (minent.segment.wordbaskets): the rules on hand-made text and a hand-made
lexicon, checked against baskets written out by hand, and against a plain-Python reference
on random text."""

from __future__ import annotations

import random

import pytest

import minent
from minent import MinentError, Segmenter
from minent.common.textio import iter_file_chunks
from minent.segment.wordbaskets import BasketStats, is_real_word, read_documents, word_baskets

COUNTS = {"孙悟空": 50, "唐僧": 40, "猪八戒": 30, "师父": 20, "妖精": 10, "取经": 8, "西天": 6, "的": 100, "了": 80,
          "我": 60, "T恤": 3, "卡拉OK": 2, "A,B公司": 2, '说"好"': 2}


@pytest.fixture(scope="module")
def seg() -> Segmenter:
    return Segmenter(COUNTS)


def baskets(seg, lines, **options):
    return list(word_baskets(seg, lines, **options))


def test_distinct_words_in_first_occurrence_order(seg):
    assert seg.cut("唐僧的师父，孙悟空说唐僧。") == ["唐僧", "的", "师父", "，", "孙悟空", "说", "唐僧", "。"]
    assert baskets(seg, ["唐僧的师父，孙悟空说唐僧。"]) == [["唐僧", "师父", "孙悟空"]]


def test_punctuation_symbols_and_numbers_are_left_out(seg):
    line = "孙悟空：2018 3.5% -1,000 ○○ 〇 《西天》—— ++ @ COVID-19 e-mail T恤 卡拉OK"
    assert baskets(seg, [line]) == [["孙悟空", "西天", "COVID-19", "e-mail", "T恤", "卡拉OK"]]
    assert baskets(seg, [line], min_length=1) == [["孙悟空", "西天", "COVID-19", "e-mail", "T恤", "卡拉OK"]]
    assert baskets(seg, ["a 1 B 2 中"], min_length=1) == [["a", "B", "中"]]  # letters of one character stay
    for word, real in [("孙悟空", True), ("iPhone", True), ("β", True), ("ゲーム", True), ("한국", True),
                       ("2018", False), ("3.5%", False), ("，", False), ("——", False), ("〇", False), ("", False)]:
        assert is_real_word(word) is real, word


def test_min_length_counts_characters(seg):
    text = "我的师父孙悟空 OK ab abc 𠀀𠀀"
    assert baskets(seg, [text]) == [["师父", "孙悟空", "OK", "ab", "abc"]]  # 𠀀 (beyond the BMP) is one character
    assert baskets(seg, [text], min_length=1) == [["我", "的", "师父", "孙悟空", "OK", "ab", "abc", "𠀀"]]
    assert baskets(seg, [text], min_length=3) == [["孙悟空", "abc"]]


def test_stop_words(seg):
    text = "孙悟空的师父是唐僧，唐僧的徒弟"
    assert baskets(seg, [text], stop_words={"唐僧", "的", "徒弟"}) == [["孙悟空", "师父"]]
    assert baskets(seg, [text], stop_words=["唐僧"], min_length=1) == [["孙悟空", "的", "师父", "是", "徒", "弟"]]
    with pytest.raises(MinentError, match="not one string"):
        word_baskets(seg, [text], stop_words="唐僧")


def test_min_count_keeps_frequent_lexicon_words_only(seg):
    text = "孙悟空和猪八戒找到妖精 COVID 取经 西天 师父"
    assert baskets(seg, [text]) == [["孙悟空", "猪八戒", "妖精", "COVID", "取经", "西天", "师父"]]  # 和 找 到: 1 char
    assert baskets(seg, [text], min_count=10) == [["孙悟空", "猪八戒", "妖精", "师父"]]
    assert baskets(seg, [text], min_count=30) == [["孙悟空", "猪八戒"]]
    assert baskets(seg, [text], min_count=0) == baskets(seg, [text])  # a word the lexicon lacks has count 0
    assert baskets(seg, [text], min_count=50.5) == [[]]


def test_min_count_reads_added_words_and_combined_lexicons():
    seg = Segmenter(dict(COUNTS))
    seg.add_word("筋斗云", 12)
    assert baskets(seg, ["孙悟空的筋斗云"], min_count=12) == [["孙悟空", "筋斗云"]]
    assert baskets(seg, ["孙悟空的筋斗云"], min_count=13) == [["孙悟空"]]
    # a second lexicon is rescaled to the first one's total (here / 2), a word takes its largest count
    total = sum(COUNTS.values())
    combined = Segmenter([COUNTS, {"筋斗云": total, "孙悟空": total}])
    assert baskets(combined, ["孙悟空的筋斗云唐僧"], min_count=total / 2) == [["孙悟空", "筋斗云"]]
    assert baskets(combined, ["孙悟空的筋斗云唐僧"], min_count=total / 2 + 1) == [[]]


def test_empty_documents_give_empty_baskets(seg):
    assert baskets(seg, ["", "  \t", "。，！", "2018", "的了", "唐僧"]) == [[], [], [], [], [], ["唐僧"]]
    assert baskets(seg, []) == []


def test_crlf_and_line_feeds_inside_a_text(seg):
    assert baskets(seg, ["唐僧\r", "孙悟空\r\n"]) == [["唐僧"], ["孙悟空"]]
    assert baskets(seg, ["唐僧\n孙悟空\n唐僧"]) == [["唐僧", "孙悟空"]]  # one text is one document


def test_the_segmenters_own_filters_apply_too():
    seg = Segmenter(COUNTS, stop_words=["师父"], min_length=3)
    assert baskets(seg, ["唐僧的师父孙悟空"], min_length=1) == [["孙悟空"]]


def test_lazy_and_flat(seg):
    def lines():
        for i in range(30_000):
            yield "孙悟空" if i % 2 else "唐僧的师父。"

    produced = word_baskets(seg, lines())
    assert next(produced) == ["唐僧", "师父"] and next(produced) == ["孙悟空"]
    assert sum(1 for _ in produced) == 29_998


def test_bad_arguments_are_checked_at_once(seg):
    for options, message in [({"min_length": 0}, "min_length"), ({"min_length": 1.5}, "min_length"),
                             ({"min_length": True}, "min_length"), ({"min_count": -1}, "min_count"),
                             ({"min_count": float("nan")}, "min_count"), ({"min_count": "3"}, "min_count"),
                             ({"stop_words": [1]}, "strings")]:
        with pytest.raises(MinentError, match=message):
            word_baskets(seg, ["唐僧"], **options)
    with pytest.raises(MinentError, match="not one string"):
        word_baskets(seg, "唐僧")


def reference_basket(seg: Segmenter, line: str, min_length: int, stop: set, counts: dict, min_count) -> list:
    """The rules written plainly, on the segmenter's cut."""
    out = []
    for word in seg.cut(line):
        if word in out or len(word) < min_length or word in stop:
            continue
        if not any(c.isalpha() for c in word):
            continue
        if min_count is not None and counts.get(word, 0) < min_count:
            continue
        out.append(word)
    return out


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_text_matches_the_plain_rules(seg, seed):
    rng = random.Random(seed)
    pieces = list(COUNTS) + list("天地人。，！？ 12.5%-") + ["abc", "X", "\r", "\u3000", "😀", "𠀀"]
    lines = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 30))) for _ in range(300)]
    stop = set(rng.sample(list(COUNTS), 3))
    for min_length, min_count in [(1, None), (2, None), (3, 20), (2, 0.5)]:
        got = baskets(seg, lines, min_length=min_length, stop_words=stop, min_count=min_count)
        assert got == [reference_basket(seg, line, min_length, stop, COUNTS, min_count) for line in lines]


def test_read_documents_lines_crlf_and_the_last_line(tmp_path):
    path = tmp_path / "docs.txt"
    path.write_bytes("\ufeff唐僧\r\n\n孙悟空\n最后".encode("utf-8"))
    stats = BasketStats()
    assert list(read_documents(path, stats=stats)) == ["唐僧\r", "", "孙悟空", "最后"]
    assert stats.n_documents == 4 and stats.n_bytes == path.stat().st_size - 3  # the BOM is skipped
    path.write_bytes(b"a\n\n")
    assert list(read_documents(path)) == ["a", ""]
    path.write_bytes(b"")
    assert list(read_documents(path)) == []
    path.write_bytes("唐僧\n孙悟空\n".encode("gb18030"))
    assert list(read_documents(path, "gb18030")) == ["唐僧", "孙悟空"]
    with pytest.raises(MinentError, match="not valid utf-8"):
        list(read_documents(path))


def test_read_documents_across_chunks(tmp_path, monkeypatch):
    # chunks of 7 bytes, cut after a line feed; a line over 16 chunks is cut inside (its rest carried over)
    lines = ["唐僧" * (i % 23) + "孙悟空" * (i % 3) for i in range(500)]
    path = tmp_path / "docs.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    real = iter_file_chunks
    monkeypatch.setattr("minent.segment.wordbaskets.iter_file_chunks",
                        lambda stream, name, encoding: real(stream, name, encoding, chunk_bytes=7))
    assert list(read_documents(path)) == lines
    assert len(list(real(open(path, "rb"), "x", "utf-8", chunk_bytes=7))) > 500  # some lines did come in pieces


def test_exported_lazily():
    assert minent.word_baskets is word_baskets
    assert "word_baskets" in dir(minent)


def test_counts_given_as_strings_are_read_as_numbers():
    """A Segmenter takes counts as numpy reads them ('5'); min_count compares those numbers."""
    seg = Segmenter({"孙悟空": "5", "唐僧": "3"})
    assert list(word_baskets(seg, ["孙悟空唐僧"], min_count=4)) == [["孙悟空"]]
