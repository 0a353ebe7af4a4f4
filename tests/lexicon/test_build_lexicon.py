"""build_lexicon (the library API) against the plain-Python reference, end to end."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

import reference_lexicon as ref
from conftest import random_text, shared_file
import minent
from minent import Corpus, Lexicon, LexiconBuilder, MinentError

DATA = Path(__file__).resolve().parents[2] / "data"


def random_corpus(seed: int) -> list[str]:
    rng = random.Random(seed)
    return [random_text(rng, rng.randint(0, 300), rng.choice([0.02, 0.1])) for _ in range(rng.randint(1, 40))]


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("order,min_count,min_pmi", [(4, 2, None), (4, 1, [0.0, 0.5, 1.0]), (3, 3, [0.2, 0.8]),
                                                     (2, 1, [0.1]), (1, 1, [])])
def test_matches_reference_on_random_corpora(seed, order, min_count, min_pmi):
    texts = random_corpus(seed)
    if not any(ref.runs(t) for t in texts):
        texts.append("中国")
    lexicon = minent.build_lexicon(texts, order=order, min_count=min_count, min_pmi=min_pmi, refine=False)
    assert lexicon.to_dict() == ref.build_lexicon(texts, order=order, min_count=min_count, min_pmi=min_pmi)


@pytest.mark.parametrize("chunk_bytes,memory_budget", [(1 << 25, 1 << 30), (64, 1 << 30), (64, 0), (1000, 300)])
def test_chunking_and_rereading_do_not_change_the_result(tmp_path, chunk_bytes, memory_budget):
    texts = random_corpus(99) * 3
    path = tmp_path / "corpus.txt"
    path.write_text("\n".join(texts), encoding="utf-8")
    builder = LexiconBuilder(min_count=2, min_pmi=[0.0, 0.5, 1.0], chunk_bytes=chunk_bytes, memory_budget=memory_budget,
                             refine=False)
    got = builder.fit(path).lexicon_
    assert got.to_dict() == ref.build_lexicon(texts, min_count=2, min_pmi=[0.0, 0.5, 1.0])


@pytest.mark.parametrize("min_count", [1, 2, 5])
def test_spilled_count_tables_give_the_same_lexicon(tmp_path, min_count):
    """A table budget of a few KB spills every table after every chunk: the lexicon (refined or
    not), its stats and the scores are those of counting in memory."""
    text = (DATA / "xiyouji.txt").read_text(encoding="utf-8")[:60_000]
    path = tmp_path / "corpus.txt"
    path.write_text(text, encoding="utf-8")
    for refine in (False, True):
        options = dict(min_count=min_count, chunk_bytes=8 << 10, refine=refine, scores=True)
        spilled = LexiconBuilder(table_budget=4 << 10, **options).fit(path)
        in_memory = LexiconBuilder(**options).fit(path)
        assert spilled.lexicon_.to_dict() == in_memory.lexicon_.to_dict()
        assert spilled.scores_ == in_memory.scores_
        a, b = spilled.stats_.__dict__.copy(), in_memory.stats_.__dict__.copy()
        a.pop("seconds"), b.pop("seconds")
        assert a == b


def test_real_text_matches_reference_and_finds_names():
    text = (DATA / "xiyouji.txt").read_text(encoding="utf-8")[:300_000]
    lexicon = minent.build_lexicon(text, min_count=5, refine=False)
    assert lexicon.to_dict() == ref.build_lexicon([text], min_count=5)
    for name in ("行者", "八戒", "师父"):
        assert name in lexicon
    stats = lexicon.stats
    assert stats.n_chars == sum(len(r) for r in ref.runs(text))
    assert 0 < stats.bits_per_char_words < stats.bits_per_char_chars  # words code the text more cheaply


def test_accepts_paths_corpus_and_strings(tmp_path):
    text = "中国人民站起来了。中国人民万岁！" * 20
    path = tmp_path / "a.txt"
    path.write_text(text, encoding="utf-8")
    by_string = minent.build_lexicon(text, min_count=2)
    assert minent.build_lexicon(path, min_count=2) == by_string
    assert minent.build_lexicon([path], min_count=2) == by_string
    assert minent.build_lexicon(Corpus.from_files([path]), min_count=2) == by_string
    assert minent.build_lexicon(iter([text]), min_count=2) == by_string


def stage_runs(calls: list) -> list[str]:
    """The stages in the order they ran; a stage named again after another one shows twice."""
    runs: list[str] = []
    for stage, _, _ in calls:
        if not runs or runs[-1] != stage:
            runs.append(stage)
    return runs


def test_stats_and_progress_are_reported():
    calls = []
    lexicon = minent.build_lexicon(["中国人民，" * 50], min_count=2, progress=lambda *a: calls.append(a),
                                   refine=False)
    assert stage_runs(calls) == ["counting", "cohesion", "cutting"]
    refined = []
    minent.build_lexicon(["中国人民，中国，人民，" * 50], min_count=2, progress=lambda *a: refined.append(a))
    runs = stage_runs(refined)
    assert runs[:6] == ["counting", "cohesion", "cutting", "branching entropy", "autonomy cut", "refining: round 0"]
    assert runs[6:] == [f"refining: round {i}" for i in range(1, len(runs) - 5)]
    for stage, done, total in refined:
        assert total is None or 0 <= done <= total, (stage, done, total)
    # the stages over the ideographs in memory count them all, whatever the chunks (the last round
    # may end at its start: it prunes first, and stops there when nothing is pruned)
    history = minent.build_lexicon(["中国人民，中国，人民，" * 50], min_count=2).stats.history
    for stage in runs[3:]:
        last = [c[1:] for c in refined if c[0] == stage][-1]
        ran = not stage.startswith("refining") or int(stage.split()[-1]) < len(history)
        assert last == ((400, 400) if ran else (0, 400)), stage
    assert lexicon.stats.n_chars == 200
    assert lexicon.stats.bits_per_char_chars == pytest.approx(2.0)  # four equally frequent characters


def test_progress_stages_are_the_same_when_the_corpus_is_read_again(tmp_path):
    # a corpus too large to hold is read again by each refinement stage, which reports as itself
    path = tmp_path / "corpus.txt"
    path.write_text("中国人民，中国，人民，大学生\n" * 200, encoding="utf-8")
    runs = {}
    for budget in (1 << 30, 0):
        calls = []
        LexiconBuilder(min_count=2, chunk_bytes=2000, memory_budget=budget, progress=lambda *a: calls.append(a)).fit(path)
        runs[budget] = stage_runs(calls)
        assert runs[budget][:6] == ["counting", "cohesion", "cutting", "branching entropy", "autonomy cut",
                                    "refining: round 0"]
    assert runs[0] == runs[1 << 30]


@pytest.mark.parametrize("corpus,message", [
    ([""], "is empty"),
    (["   \n\t"], "is empty"),
    (["hello world 123 ..."], "no Chinese characters"),
])
def test_bad_corpora(corpus, message):
    with pytest.raises(MinentError, match=message):
        minent.build_lexicon(corpus)


@pytest.mark.parametrize("kwargs,message", [
    ({"order": 0}, "order must be"), ({"order": 5}, "order must be"), ({"min_count": 0}, "min_count"),
    ({"min_count": -3}, "min_count"), ({"min_pmi": [1, 2]}, "needs 3 value"), ({"jobs": -1}, "jobs"),
])
def test_bad_options(kwargs, message):
    with pytest.raises(MinentError, match=message):
        minent.build_lexicon(["中国人民"], **kwargs)


def test_one_character_and_non_bmp():
    assert minent.build_lexicon("中", min_count=1).to_dict() == {"中": 1}
    assert minent.build_lexicon("中", min_count=1, refine=True).to_dict() == {"中": 1}
    lexicon = minent.build_lexicon("𠀀中𠀀中😀中", min_count=1)  # non-BMP characters separate runs
    assert lexicon.to_dict() == {"中": 3}


def test_pku_top_words_are_real_words(tmp_path):
    """Issue 2's quality bar: the top 1000 multi-character words are >= 90% PKU words."""
    pd = shared_file("data", "cws", "peoples_daily_199801_seg.utf8")
    test = shared_file("data", "cws", "pku_test.utf8")
    words = set(shared_file("data", "cws", "pku_training_words.utf8").read_text(encoding="utf-8").split())
    raw = tmp_path / "pd_raw.txt"
    raw.write_text(pd.read_text(encoding="utf-8").replace(" ", ""), encoding="utf-8")
    lexicon = minent.build_lexicon([raw, test])
    top = [w for w in lexicon.words() if len(w) > 1][:1000]
    assert len(top) == 1000
    precision = sum(w in words for w in top) / len(top)
    assert precision >= 0.90, precision


def test_dropping_the_ngrams_seen_once_gives_the_lexicon_of_keeping_them(monkeypatch):
    """The refinement on tables without the n-grams seen once (the default) gives the lexicon
    and the scores of tables that keep them all."""
    import minent.lexicon.discover as discover

    text = (DATA / "xiyouji.txt").read_text(encoding="utf-8")[:80_000]
    dropped = LexiconBuilder(scores=True).fit(text)
    monkeypatch.setattr(discover, "rare_below", lambda min_count: 1)
    kept = LexiconBuilder(scores=True).fit(text)
    assert dropped.lexicon_.to_dict() == kept.lexicon_.to_dict()
    assert dropped.stats_.n_ngrams == kept.stats_.n_ngrams
    for column, values in kept.scores_.items():
        assert dropped.scores_[column].keys() == values.keys()
        for word, value in values.items():
            assert dropped.scores_[column][word] == pytest.approx(value, rel=1e-12, abs=1e-12, nan_ok=True)


def test_spilling_where_no_temporary_file_can_be_made_is_a_clear_error(tmp_path, monkeypatch):
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "missing"))
    text = (DATA / "xiyouji.txt").read_text(encoding="utf-8")[:20_000]
    with pytest.raises(MinentError, match=r"cannot write the n-gram counts to a temporary file \(TMPDIR\)"):
        LexiconBuilder(table_budget=1 << 10, chunk_bytes=4 << 10, refine=False).fit(text)
    assert LexiconBuilder(refine=False).fit(text).lexicon_  # in memory, no file is needed
