"""Discovery that knows a dictionary (minent.lexicon.known, build-lexicon --known/--new-only/--scores)."""

from __future__ import annotations

import math
import random
import subprocess
import sys
from pathlib import Path

import pytest

import minent
import reference_boundary as ref_b
from minent import Lexicon
from minent.lexicon import known as kn
from minent.lexicon.discover import LexiconBuilder

DATA = Path(__file__).resolve().parents[2] / "data"
MINENT = [sys.executable, "-m", "minent"]


def run(*args, **kwargs):
    return subprocess.run([*MINENT, *map(str, args)], capture_output=True, text=True, encoding="utf-8", **kwargs)


# -- the dictionary's habits ---------------------------------------------------------------
def reference_habits(known: dict) -> tuple[dict, dict]:
    """The counts of the longer entries that begin / end with each word, by their definition:
    every entry, every split into a head and a tail."""
    begin, end = {}, {}
    for entry, count in known.items():
        if count <= 0:
            continue
        for k in range(1, len(entry)):
            if entry[:k] in known:
                begin[entry[:k]] = begin.get(entry[:k], 0) + count
            if entry[k:] in known:
                end[entry[k:]] = end.get(entry[k:], 0) + count
    return ({w: begin.get(w, 0) for w, c in known.items() if c > 0},
            {w: end.get(w, 0) for w, c in known.items() if c > 0})


@pytest.mark.parametrize("seed", range(6))
def test_habits_match_their_definition(seed):
    rng = random.Random(seed)
    alphabet = "中国人民大学生" + ("𠀀" if seed % 2 else "")  # one outside the BMP
    known = {"".join(rng.choice(alphabet) for _ in range(rng.randint(1, 5))): rng.randint(0, 50) for _ in range(80)}
    begins, ends = kn.dictionary_habits(known, known)
    ref_begins, ref_ends = reference_habits(known)
    assert begins == pytest.approx(ref_begins)
    assert ends == pytest.approx(ref_ends)


def test_habits_of_an_empty_dictionary():
    assert kn.dictionary_habits({}, ["中"]) == ({}, {})


def test_written_alone_needs_the_counts_to_show_it():
    assert not kn.written_alone(2, 0)  # two observations show nothing
    assert kn.written_alone(10, 0)
    assert kn.written_alone(900, 100) and not kn.written_alone(520, 480) and not kn.written_alone(100, 900)
    assert not kn.written_alone(0, 0)


# -- which words earn their place -----------------------------------------------------------
# a dictionary where 这, 一, 也, 是 are mostly written alone, and 青, 云 mostly inside longer words
DICTIONARY = {"这": 900, "一": 800, "也": 700, "是": 900, "这个": 100, "一样": 50, "门": 300, "大门": 200,
              "门口": 150, "青年": 400, "青": 50, "云": 40, "白云": 300, "云南": 200, "年": 500, "#": 10}


def test_a_phrase_of_words_written_alone_stays_out_and_a_name_comes_in():
    corpus = {"这一": 60, "也是": 50, "青云门": 40, "这": 100, "一": 100, "也": 80, "是": 90, "青": 3, "云": 2,
              "门": 20, "#年": 30, "#": 5, "年": 10}
    adapted = kn.adapt(corpus, DICTIONARY)
    assert adapted.new == ["青云门"]
    assert "这一" not in adapted.counts and "也是" not in adapted.counts and "#年" not in adapted.counts
    # their counts went to their parts, so the lexicon still counts every symbol of the corpus
    assert sum(len(w) * c for w, c in adapted.counts.items()) == sum(len(w) * c for w, c in corpus.items())
    assert adapted.counts["这"] == 160 and adapted.counts["#"] == 35
    assert adapted.saving["青云门"] > 1.0
    new = adapted.new_words()
    assert new.to_dict() == {"青云门": 40} and new.total == adapted.total == sum(adapted.counts.values())


def test_a_word_that_saves_too_little_stays_out():
    # 青云门 seen once where 青云 and 门 are common: coding it whole saves less than 1 nat
    corpus = {"青云门": 1, "青云": 5000, "门": 5000}
    adapted = kn.adapt(corpus, {**DICTIONARY, "青云": 100000})
    assert adapted.new == []
    assert adapted.saving["青云门"] <= 1.0


def test_with_an_empty_dictionary_every_word_without_a_number_is_new():
    corpus = {"这一": 6, "青云门": 4, "这": 3, "#年": 2, "#": 1, "年": 1}
    adapted = kn.adapt(corpus, {})
    assert adapted.new == ["这一", "青云门"]
    assert adapted.counts == {"这一": 6, "青云门": 4, "这": 3, "#": 3, "年": 3}


def test_a_partial_dictionary_keeps_its_total(tmp_path):
    """A --known file that declares its total (a new-word list) is weighed out of that total."""
    path = tmp_path / "partial.tsv"
    Lexicon({"青云": 50, "门": 50}, total=10_000).save(path)
    assert kn.load_known([path]).total == 10_000
    corpus = {"青云门": 40, "青云": 2, "门": 3, "青": 1, "云": 1}
    with_total = kn.adapt(corpus, kn.load_known([path]))
    without = kn.adapt(corpus, {"青云": 50, "门": 50})
    assert with_total.saving["青云门"] != pytest.approx(without.saving["青云门"])


def test_words_of_the_dictionary_stay_with_their_corpus_counts():
    adapted = kn.adapt({"白云": 7, "云": 3, "白": 2}, DICTIONARY)
    assert adapted.counts == {"白云": 7, "云": 3, "白": 2} and adapted.new == []


# -- the builder and build_lexicon -----------------------------------------------------------
@pytest.fixture(scope="module")
def novel():
    return (DATA / "xiyouji.txt").read_text(encoding="utf-8")[:300_000]


@pytest.fixture(scope="module")
def news_dictionary():
    """A dictionary from other text (the shipped news contexts): it lacks the novel's names."""
    return minent.build_lexicon([DATA / "cmrc2018_trial_contexts.txt"])


def test_new_words_of_a_novel_against_a_news_dictionary(novel, news_dictionary):
    builder = LexiconBuilder(known=news_dictionary).fit(novel)
    new = builder.new_words_
    assert {"八戒", "悟空", "玄奘", "观音"} <= set(new)  # the novel's names
    assert not set(new) & set(news_dictionary)
    assert new.total == builder.lexicon_.total
    assert all(builder.lexicon_[w] == c for w, c in new.items())  # corpus counts
    assert build_new_only(novel, news_dictionary).to_dict() == new.to_dict()


def build_new_only(text, dictionary):
    return minent.build_lexicon(text, known=dictionary, new_only=True)


def test_new_only_needs_a_dictionary(novel):
    with pytest.raises(minent.MinentError, match="needs a dictionary"):
        minent.build_lexicon(novel[:1000], new_only=True)


def test_the_new_words_segment_with_the_dictionary(novel, news_dictionary):
    new = build_new_only(novel, news_dictionary)
    line = "八戒与沙僧挑着行李"
    assert "八戒" not in minent.Segmenter(news_dictionary).cut(line)
    assert "八戒" in minent.Segmenter([news_dictionary, new]).cut(line)


# -- scores ----------------------------------------------------------------------------------
def test_scores_match_plain_python(novel):
    text = novel[:60_000]
    builder = LexiconBuilder(scores=True).fit(text)
    scores = builder.scores_
    assert set(scores) == {"cohesion", "left_entropy", "right_entropy", "saving"}
    counts, right, left = ref_b.neighbours([text], 4)
    n_chars = sum(c for g, c in counts.items() if len(g) == 1)
    checked = 0
    for word in builder.lexicon_.words()[:200]:
        if len(word) > 4 or "#" in word:
            continue
        assert scores["right_entropy"][word] == pytest.approx(ref_b.entropy(right[word]))
        assert scores["left_entropy"][word] == pytest.approx(ref_b.entropy(left[word]))
        if len(word) > 1:
            pmi = min(math.log(n_chars * counts[word] / (counts[word[:k]] * counts[word[k:]]))
                      for k in range(1, len(word)))
            assert scores["cohesion"][word] == pytest.approx(pmi)
            assert word in scores["saving"]
        else:
            assert word not in scores["cohesion"] and word not in scores["saving"]
        checked += 1
    assert checked > 100


def test_scores_without_refinement(novel):
    builder = LexiconBuilder(scores=True, refine=False).fit(novel[:60_000])
    word = next(w for w in builder.lexicon_.words() if len(w) == 2)
    assert all(word in builder.scores_[c] for c in builder.scores_)


# -- the command line --------------------------------------------------------------------------
@pytest.fixture(scope="module")
def files(tmp_path_factory, novel, news_dictionary):
    folder = tmp_path_factory.mktemp("known")
    corpus = folder / "novel.txt"
    corpus.write_text(novel, encoding="utf-8")
    tsv = folder / "news.tsv"
    news_dictionary.save(tsv)
    jieba = folder / "news.txt"
    news_dictionary.save(jieba, format="jieba")
    return corpus, tsv, jieba


def test_cli_new_only_with_either_dictionary_format(files, tmp_path, novel, news_dictionary):
    corpus, tsv, jieba = files
    outputs = []
    for dictionary in (tsv, jieba):
        out = tmp_path / f"new_{dictionary.suffix[1:]}.tsv"
        result = run("build-lexicon", "-q", corpus, "--known", dictionary, "--new-only", "-o", out)
        assert result.returncode == 0, result.stderr
        outputs.append(out.read_text(encoding="utf-8"))
    assert outputs[0] == outputs[1]
    expected = build_new_only(novel, news_dictionary)
    lines = outputs[0].splitlines()
    assert lines[0] == f"# total {expected.total}"
    assert lines[1:] == [f"{w}\t{c}" for w, c in expected.items()]
    assert Lexicon.load(tmp_path / "new_tsv.tsv").total == expected.total


def test_cli_segment_with_the_dictionary_and_the_new_words(files, tmp_path):
    corpus, tsv, _ = files
    new = tmp_path / "new.tsv"
    assert run("build-lexicon", "-q", corpus, "--known", tsv, "--new-only", "-o", new).returncode == 0
    result = run("segment", "-q", "-l", tsv, "-l", new, input="八戒与沙僧挑着行李\n")
    assert result.returncode == 0, result.stderr
    assert "八戒" in result.stdout.split()


def test_cli_scores_columns(files, tmp_path):
    corpus, tsv, _ = files
    out = tmp_path / "scored.tsv"
    result = run("build-lexicon", "-q", corpus, "--known", tsv, "--scores", "-o", out)
    assert result.returncode == 0, result.stderr
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "word\tcount\tcohesion\tleft_entropy\tright_entropy\tsaving"
    rows = [line.split("\t") for line in lines[1:]]
    assert all(len(r) == 6 for r in rows)
    single = next(r for r in rows if len(r[0]) == 1)
    assert single[2] == "nan" and single[5] == "nan" and float(single[3]) > 0
    assert Lexicon.load(out).to_dict() == {r[0]: int(r[1]) for r in rows}  # still a lexicon


def test_cli_an_empty_dictionary_makes_every_word_new(files, tmp_path):
    corpus, _, _ = files
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    plain = run("build-lexicon", "-q", corpus)
    new = run("build-lexicon", "-q", corpus, "--known", empty, "--new-only")
    assert new.returncode == 0, new.stderr
    words = [line.split("\t")[0] for line in plain.stdout.splitlines()]
    words = [w for w in words if len(w) > 1 and "#" not in w]  # words with a number are never added
    assert [line.split("\t")[0] for line in new.stdout.splitlines()[1:]] == words


def test_cli_an_empty_new_word_list_reads_back(files, tmp_path):
    """A corpus the dictionary covers gives a new-word list of its total line alone; segment and
    --known read it back."""
    corpus, tsv, _ = files
    tiny = tmp_path / "tiny.txt"
    tiny.write_text("中国人民中国人民\n", encoding="utf-8")
    known = tmp_path / "known.tsv"
    known.write_text("中国\t5\n人民\t5\n中\t1\n国\t1\n人\t1\n民\t1\n", encoding="utf-8")
    new = tmp_path / "new.tsv"
    assert run("build-lexicon", "-q", tiny, "--known", known, "--new-only", "-o", new).returncode == 0
    lines = new.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1 and lines[0].startswith("# total ")
    assert Lexicon.load(new, allow_empty=True).total == int(lines[0].split()[-1]) > 0
    result = run("segment", "-q", "-l", known, "-l", new, input="中国人民\n")
    assert result.returncode == 0 and result.stdout == "中国 人民\n", result.stderr
    assert run("build-lexicon", "-q", tiny, "--known", known, "--known", new).returncode == 0


@pytest.mark.parametrize("content, message", [
    (None, "cannot read"),
    (b"\x00\x01abc\n", "line 1 looks like a binary file"),
    ("中国\t3\n坏行\n".encode(), "line 2: expected 'word<TAB>count'"),
    ("中国 三\n".encode(), "line 1: expected 'word count [tag]'"),
])
def test_cli_bad_dictionaries(files, tmp_path, content, message):
    corpus, _, _ = files
    path = tmp_path / "dict.txt"
    if content is not None:
        path.write_bytes(content)
    out = tmp_path / "out.tsv"
    result = run("build-lexicon", "-q", corpus, "--known", path, "-o", out)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and message in result.stderr and str(path) in result.stderr
    assert "Traceback" not in result.stderr and not out.exists()


@pytest.mark.parametrize("args, message", [
    (["--new-only"], "--new-only needs a dictionary"),
    (["--scores", "--format", "jieba"], "--scores adds TSV columns"),
    (["--known", "-"], "must be a file, not standard input"),
    (["--known", "{tsv}", "--new-only", "--format", "jieba"], "--new-only writes a TSV"),
])
def test_cli_bad_option_combinations(files, args, message):
    corpus, tsv, _ = files
    result = run("build-lexicon", "-q", corpus, *[a.format(tsv=tsv) for a in args])
    assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr
