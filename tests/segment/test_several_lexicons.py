"""Segmenting with several lexicons: Segmenter([a, b]) and `minent segment -l A -l B`, combined by
minent.common.lexicon.combine (later ones rescaled to the first one's total, the largest count wins)."""

from __future__ import annotations

import pickle
import subprocess
import sys

import pytest

from minent import Lexicon, Segmenter
from minent.common.errors import MinentError
from minent.common.lexicon import combine

DICT = {"张": 40, "小": 60, "凡": 20, "青": 30, "云": 30, "门": 50, "去": 40, "找": 30, "我": 80, "鬼": 10, "王": 40,
        "T恤": 5, "穿": 10}
FOUND = {"张小凡": 6, "青云门": 5, "鬼王": 4, "门": 1, "找": 9}
TEXT = "我去青云门找张小凡\n鬼王穿T恤\n"


@pytest.fixture
def files(tmp_path):
    jieba, tsv = tmp_path / "dict.txt", tmp_path / "found.tsv"
    Lexicon(DICT).save(jieba, format="jieba")
    Lexicon(FOUND).save(tsv)
    return jieba, tsv


def test_the_segmenter_uses_the_combined_model():
    seg = Segmenter([Lexicon(DICT), FOUND])
    combined = combine([DICT, FOUND])
    assert seg.total == pytest.approx(sum(combined.values()))
    assert seg.n_words == len(combined)
    assert seg.cut("我去青云门找张小凡") == ["我", "去", "青云门", "找", "张小凡"]  # words only in B come out whole
    assert Segmenter(DICT).cut("张小凡") == ["张", "小", "凡"]
    for text in TEXT.splitlines():
        assert seg.cut(text) == Segmenter(combined).cut(text) == Segmenter(Lexicon(DICT).merge(Lexicon(FOUND))).cut(text)


def test_a_list_of_one_is_that_lexicon_and_empties_add_nothing(files, tmp_path):
    jieba, _ = files
    empty = tmp_path / "empty.tsv"
    empty.write_text("", encoding="utf-8")
    one = Segmenter(jieba)
    for seg in (Segmenter([jieba]), Segmenter([jieba, empty]), Segmenter([{}, DICT])):
        assert seg.total == one.total and seg.cut(TEXT) == one.cut(TEXT)
    with pytest.raises(MinentError, match="have no entries"):
        Segmenter([empty, {}])
    with pytest.raises(MinentError, match="list of lexicons is empty"):
        Segmenter([])
    with pytest.raises(MinentError, match="a lexicon must be"):
        Segmenter([DICT, 3])


def test_files_and_objects_give_the_same_model(files):
    jieba, tsv = files
    assert Segmenter([jieba, tsv]).cut(TEXT) == Segmenter([DICT, Lexicon(FOUND)]).cut(TEXT)
    assert Segmenter([jieba, tsv]).total == pytest.approx(Segmenter([DICT, FOUND]).total)


def test_a_pickled_segmenter_of_several_lexicons(files):
    seg = Segmenter(list(files))
    copy = pickle.loads(pickle.dumps(seg))
    assert copy.cut(TEXT) == seg.cut(TEXT) and copy.total == seg.total
    assert "T恤" in copy.cut(TEXT)  # the mixed-script entries travel too


def _minent(*args, input: bytes = b"") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "minent", *map(str, args)], input=input, capture_output=True)


def test_cli_two_files_match_the_api(files, tmp_path):
    jieba, tsv = files
    done = _minent("segment", "-q", "-l", jieba, "-l", tsv, input=TEXT.encode())
    assert done.returncode == 0, done.stderr
    want = "\n".join(" ".join(Segmenter([jieba, tsv]).cut(line)) for line in TEXT.splitlines()) + "\n"
    assert done.stdout.decode() == want
    assert "青云门 找 张小凡" in want and "T恤" in want
    alone = _minent("segment", "-q", "-l", jieba, input=TEXT.encode())
    assert "张 小 凡" in alone.stdout.decode()


def test_cli_errors_name_the_file(files, tmp_path):
    jieba, tsv = files
    bad = tmp_path / "bad.tsv"
    bad.write_text("青云门\t5\n鬼王\tmany\n", encoding="utf-8")
    for second, message in ((tmp_path / "missing.tsv", "missing.tsv': no such file"),
                            (bad, "bad.tsv' line 2: expected 'word<TAB>count'"),
                            ("-", "the lexicon must be a file")):
        done = _minent("segment", "-q", "-l", jieba, "-l", second, input=b"x\n")
        err = done.stderr.decode()
        assert done.returncode == 2 and message in err and len(err.strip().splitlines()) == 1, err
        assert done.stdout == b"" and "Traceback" not in err


def test_cli_help_states_the_rule():
    done = _minent("segment", "--help")
    assert "rescaled" in done.stdout.decode() and "largest" in done.stdout.decode()
