import numpy as np
import pytest

from minent import chars
from minent.discover import ideograph_ids


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
