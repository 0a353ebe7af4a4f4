from __future__ import annotations

import pytest

from minent import Lexicon, MinentError


def test_roundtrip_both_formats(tmp_path):
    lexicon = Lexicon({"中国": 5, "人民": 5, "的": 9, "AB C": 1})
    path = tmp_path / "lex.tsv"
    lexicon.save(path)
    assert path.read_text(encoding="utf-8").splitlines() == ["的\t9", "中国\t5", "人民\t5", "AB C\t1"]
    assert Lexicon.load(path) == lexicon
    no_space = Lexicon({w: c for w, c in lexicon.items() if " " not in w})
    no_space.save(tmp_path / "lex.txt", format="jieba")
    assert (tmp_path / "lex.txt").read_text(encoding="utf-8").splitlines()[0] == "的 9"
    assert Lexicon.load(tmp_path / "lex.txt") == no_space
    assert Lexicon.load(tmp_path / "lex.txt", format="jieba") == no_space
    with pytest.raises(MinentError, match="spaces"):
        lexicon.save(tmp_path / "bad.txt", format="jieba")


def test_jieba_dictionary_lines_with_tags(tmp_path):
    path = tmp_path / "dict.txt"
    path.write_text("\ufeff中国 100 ns\n人民 50 n\n\n的 300\n", encoding="utf-8")
    lexicon = Lexicon.load(path)
    assert lexicon.to_dict() == {"中国": 100, "人民": 50, "的": 300}
    assert lexicon.probability("的") == pytest.approx(300 / 450)


@pytest.mark.parametrize("content,message", [
    ("中国\t5\n人民\tx\n", "line 2"),
    ("中国\t5\n\t3\n", "line 2"),
    ("中国\t-1\n", "line 1"),
    ("中国 5 n extra\n", "line 1"),
    ("", "no entries"),
    ("\n\n", "no entries"),
])
def test_malformed_lexicons(tmp_path, content, message):
    path = tmp_path / "lex.tsv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(MinentError, match=message):
        Lexicon.load(path)


def test_missing_and_non_utf8(tmp_path):
    with pytest.raises(MinentError, match="no such file"):
        Lexicon.load(tmp_path / "nope.tsv")
    path = tmp_path / "gbk.tsv"
    path.write_bytes("中国\t5\n".encode("gb18030"))
    with pytest.raises(MinentError, match="offset 0"):
        Lexicon.load(path)
    assert Lexicon.load(path, encoding="gb18030").to_dict() == {"中国": 5}


@pytest.mark.parametrize("fmt", ["tsv", "jieba"])
def test_a_word_with_a_lone_surrogate_is_kept_but_cannot_be_written(tmp_path, fmt):
    # a Python string may hold a lone surrogate; UTF-8 cannot: an error names it, and no file is left
    lexicon = Lexicon({"孙\ud800悟": 3, "中国": 2})
    assert lexicon["孙\ud800悟"] == 3
    path = tmp_path / "lex.txt"
    with pytest.raises(MinentError, match=r"lone surrogate.*U\+D800"):
        lexicon.save(path, format=fmt)
    assert list(tmp_path.iterdir()) == []
