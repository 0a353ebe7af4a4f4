"""Several lexicons in one model: minent.common.lexicon.combine, Lexicon.merge and Lexicon.difference."""

from __future__ import annotations

import math

import pytest

from minent import Lexicon
from minent.common.errors import MinentError
from minent.common.lexicon import combine


def test_later_lexicons_are_rescaled_to_the_first_and_a_shared_word_takes_the_largest():
    first = Lexicon({"中国": 60, "中": 30, "国": 10})  # M1 = 100
    second = Lexicon({"中": 1, "国": 4, "青云门": 5})  # M2 = 10: scale 10
    merged = first.merge(second)
    # 中: max(30, 10) = 30 (the dictionary's); 国: max(10, 40) = 40 (the domain's); 青云门 only in B: 50
    assert merged.to_dict() == {"中国": 60, "中": 30, "国": 40, "青云门": 50}
    assert all(isinstance(c, int) for c in merged.to_dict().values())  # whole rescaled counts stay ints
    assert merged.total == 180


def test_three_lexicons_each_on_the_first_ones_scale():
    merged = combine([{"甲": 3, "乙": 1}, {"乙": 2, "丙": 2}, {"丙": 1, "丁": 7}])  # M = 4, 4, 8
    assert merged == {"甲": 3, "乙": 2, "丙": 2, "丁": 3.5}
    assert isinstance(merged["丁"], float)


def test_rescaled_counts_below_one_are_kept_as_floats():
    merged = Lexicon({"中": 2}).merge(Lexicon({"中": 1000, "青": 1}))  # scale 2/1001
    assert merged["青"] == pytest.approx(2 / 1001) and merged["中"] == 2
    assert math.isclose(merged.probability("青"), (2 / 1001) / (2 + 2 / 1001))


def test_merge_of_one_is_itself_and_empties_add_nothing():
    lex = Lexicon({"中国": 6, "中": 4})
    assert lex.merge() == lex
    assert lex.merge(Lexicon()) == lex
    assert Lexicon().merge(lex) == lex  # an empty first lexicon: the first non-empty one sets the scale
    assert Lexicon().merge(Lexicon()) == Lexicon()
    assert combine([]) == {}


def test_a_lexicon_of_zero_counts_adds_its_words_with_zero():
    assert combine([{"中": 2}, {"国": 0, "中": 0}]) == {"中": 2, "国": 0}
    assert combine([{"国": 0}, {"中": 4}]) == {"国": 0, "中": 4}


def test_order_matters_only_through_the_scale():
    a, b = {"中": 6, "国": 4}, {"中": 1, "国": 1}
    assert combine([a, b]) == {"中": 6, "国": 5}  # b on a's scale: 5, 5
    assert combine([b, a]) == {"中": 1.2, "国": 1}  # a on b's scale: 1.2, 0.8


def test_difference_keeps_the_words_the_other_lacks():
    lex = Lexicon({"中国": 6, "青云门": 2, "张小凡": 3})
    assert lex.difference(Lexicon({"中国": 1})).to_dict() == {"青云门": 2, "张小凡": 3}
    assert lex.difference({"青云门", "中国"}).to_dict() == {"张小凡": 3}
    assert lex.difference(Lexicon()) == lex
    assert lex.difference(lex) == Lexicon()


def test_a_merged_lexicon_saves_whole_counts(tmp_path):
    merged = Lexicon({"中": 2, "国": 2}).merge(Lexicon({"青": 1, "云": 3, "门": 1000}))  # scale 4/1004
    path = tmp_path / "merged.tsv"
    merged.save(path)
    back = Lexicon.load(path)
    assert back["门"] == round(1000 * 4 / 1004) == 4
    assert back["青"] == 1 and back["云"] == 1  # a positive count is never written as 0 (unseen)


def test_empty_files_only_when_allowed(tmp_path):
    path = tmp_path / "empty.tsv"
    path.write_text("\n \n", encoding="utf-8")
    with pytest.raises(MinentError, match="has no entries"):
        Lexicon.load(path)
    assert len(Lexicon.load(path, allow_empty=True)) == 0
    assert len(Lexicon.parse("", allow_empty=True)) == 0


def test_counts_are_kept_as_given():
    lex = Lexicon({"中": 2.0, "国": 0.25, "人": 3})
    assert lex.to_dict() == {"中": 2, "国": 0.25, "人": 3}
    assert isinstance(lex["中"], int) and isinstance(lex["国"], float)
