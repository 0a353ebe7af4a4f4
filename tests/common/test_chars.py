import numpy as np
import pytest

from minent.common import chars
from minent.lexicon.counts import ideograph_ids


def reference_is_ideograph(ch: str) -> bool:
    cp = ord(ch)
    return 0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or cp == 0x3007


@pytest.mark.parametrize("text", ["", "中", "中国人民。ABC〇㐀𠀀😀", "a" * 1000, "鿿一䶿㐀", "#"])
def test_ids_mark_exactly_the_ideographs(text):
    for ids in (chars.char_ids(text), ideograph_ids(text)):
        assert len(ids) == len(text)
        assert [bool(i) for i in ids] == [reference_is_ideograph(c) for c in text]


@pytest.mark.parametrize("text,symbols", [
    ("在2000年", "在#年"),
    ("１２月３１日", "#月#日"),
    ("3.5亿", "#亿"),  # a decimal point inside a number
    ("3.5%的", "    的"),  # with a percent sign, a sign, letters or a thousands comma it is no plain number
    ("-5度", "  度"),
    ("3G网", "  网"),
    ("1,000人", "     人"),
    ("第٣名", "第#名"),  # any script's decimal digits
    ("年#1", "年 #"),  # a literal '#' separates
])
def test_plain_numbers_are_one_symbol(text, symbols):
    import reference_lexicon as ref

    ids = ideograph_ids(text)
    assert "".join(chr(chars.CODEPOINT_OF_ID[i]) if i else " " for i in ids.tolist()) == symbols
    assert ref.runs(text) == symbols.split()


def test_ids_are_dense_and_invertible():
    every = "".join(chr(int(cp)) for cp in chars.CODEPOINT_OF_ID[1 : chars.N_IDS + 1])
    ids = chars.char_ids(every)
    assert sorted(ids.tolist()) == list(range(1, chars.N_IDS + 1))
    assert chars.ids_to_text(ids) == every


@pytest.mark.parametrize("word", ["中", "中国", "人民大学", "〇㐀鿿"])
def test_pack_roundtrip(word):
    key = chars.pack(word)
    assert chars.unpack(key) == word
    assert chars.unpack_many(np.array([key], dtype=np.uint64)) == [word]


def test_keys_sort_by_length_first():
    keys = [chars.pack(w) for w in ["鿿", "一一", "鿿鿿", "一一一", "一一一一"]]
    assert keys == sorted(keys)


# -- a lone surrogate (U+D800-U+DFFF) can sit in a Python string, never in a decoded file ---------
# Every entry point treats it as a separator, like any other non-ideograph; only writing it to a
# UTF-8 file, which cannot hold it, is an error (see test_lexicon.py).

SURROGATE_TEXTS = ["孙悟\ud800空", "孙悟空\udfff孙悟空", "\udc80孙悟空\ud83d"]


@pytest.mark.parametrize("text", SURROGATE_TEXTS)
def test_a_lone_surrogate_gets_id_zero(text):
    for ids in (chars.char_ids(text), ideograph_ids(text)):
        assert len(ids) == len(text)
        assert [bool(i) for i in ids] == [reference_is_ideograph(c) for c in text]
    assert chars.codepoints(text).tolist() == [ord(c) for c in text]


@pytest.mark.parametrize("text", SURROGATE_TEXTS)
def test_a_lone_surrogate_separates_like_punctuation_in_discovery(text):
    import minent

    as_comma = text.replace("\ud800", "，").replace("\udfff", "，").replace("\udc80", "，").replace("\ud83d", "，")
    for refine in (False, True):
        expected = minent.build_lexicon([as_comma] * 3, min_count=1, refine=refine)
        assert minent.build_lexicon([text] * 3, min_count=1, refine=refine) == expected
        builder = minent.LexiconBuilder(min_count=1, refine=refine).fit(minent.Corpus.from_texts([text] * 3))
        assert builder.lexicon_ == expected


def test_a_lone_surrogate_is_a_word_of_its_own_in_segmentation():
    import minent

    seg = minent.Segmenter({"孙悟空": 5, "孙": 1})
    assert seg.cut("孙悟\ud800空孙悟空") == ["孙", "悟", "\ud800", "空", "孙悟空"]
    assert seg.cut_many(["孙悟\ud800空", "\udfff孙悟空"]) == [["孙", "悟", "\ud800", "空"], ["\udfff", "孙悟空"]]
    assert seg.segment("孙悟\ud800空\n孙悟空") == "孙 悟 \ud800 空\n孙悟空"
    # a lexicon word holding one is accepted, and taken whole where it occurs, as any entry that
    # mixes ideographs with other characters
    with_surrogate = minent.Segmenter(minent.Lexicon({"孙\ud800悟": 3, "孙悟空": 5}))
    assert with_surrogate.cut("孙\ud800悟孙悟空") == ["孙\ud800悟", "孙悟空"]
    assert with_surrogate.cut("孙\ud800空") == ["孙", "\ud800", "空"]


def test_a_lone_surrogate_is_scored_like_any_character():
    import minent

    score = minent.score_segmentation(["孙悟 \ud800 空"], ["孙悟\ud800 空"])
    assert (score.n_gold, score.n_pred, score.n_correct) == (3, 2, 1)
    with pytest.raises(minent.MinentError, match="differ at character 3"):
        minent.score_segmentation(["孙悟\ud800空"], ["孙悟\udfff空"])
