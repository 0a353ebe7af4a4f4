"""Word-span scoring: a hand-computed example, a boundary-based reference on random cuts,
OOV recall, refusals that say where, and `minent score` itself."""

from __future__ import annotations

import random

import pytest
from typer.testing import CliRunner

from conftest import shared_file
from minent import MinentError, score_segmentation
from minent.cli import app
from minent.segment.score import score_files

runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, list(map(str, args)))


def test_hand_computed_example():
    gold = ["我们 在 北京", "今天 天气 好"]
    pred = ["我们在 北京", "今 天 天气 好"]
    # gold words: 6; predicted: 6; right: 北京, 天气, 好 -> P = R = 3/6
    s = score_segmentation(gold, pred, training_words=["我们", "天气", "好", "今天"])
    assert (s.n_gold, s.n_pred, s.n_correct) == (6, 6, 3)
    assert (s.precision, s.recall, s.f1) == (0.5, 0.5, 0.5)
    # out of vocabulary: 在 (missed), 北京 (found)
    assert (s.n_oov, s.n_oov_correct, s.oov_recall) == (2, 1, 0.5)
    s = score_segmentation(["我们 在 北京"], ["我们在 北京"])
    assert (s.precision, s.recall) == (0.5, 1 / 3)
    assert s.f1 == pytest.approx(2 * 0.5 * (1 / 3) / (0.5 + 1 / 3))
    assert s.oov_recall is None


def reference_counts(gold: list[list[str]], pred: list[list[str]]) -> tuple[int, int, int]:
    """Correct words by boundaries: a predicted word is right when gold has a boundary at its
    start and at its end and none strictly inside."""
    n_gold = n_pred = n_correct = 0
    for g, p in zip(gold, pred):
        cuts = {0}
        at = 0
        for w in g:
            at += len(w)
            cuts.add(at)
        at = 0
        for w in p:
            start, at = at, at + len(w)
            if start in cuts and at in cuts and not any(start < c < at for c in cuts):
                n_correct += 1
        n_gold += len(g)
        n_pred += len(p)
    return n_gold, n_pred, n_correct


def random_cut(rng: random.Random, text: str) -> list[str]:
    words, start = [], 0
    for i in range(1, len(text)):
        if rng.random() < 0.5:
            words.append(text[start:i])
            start = i
    if text:
        words.append(text[start:])
    return words


def test_random_segmentations_match_the_reference():
    rng = random.Random(2)
    for _ in range(200):
        texts = ["".join(rng.choice("中国人民的大学生abc1") for _ in range(rng.randint(0, 15))) for _ in range(5)]
        gold = [random_cut(rng, t) for t in texts]
        pred = [random_cut(rng, t) for t in texts]
        s = score_segmentation([" ".join(g) for g in gold], ["\t".join(p) + " " for p in pred])
        assert (s.n_gold, s.n_pred, s.n_correct) == reference_counts(gold, pred)
        if s.n_pred and s.n_gold:
            assert s.precision == s.n_correct / s.n_pred and s.recall == s.n_correct / s.n_gold
    perfect = score_segmentation(["中国 人民"], ["中国  人民"])
    assert perfect.f1 == 1.0


def test_refusals_say_where():
    with pytest.raises(MinentError, match=r"line 2: gold and prediction differ at character 3 .*'的'.*'地'"):
        score_segmentation(["中国", "人民 的 大学"], ["中国", "人民 地 大学"])
    with pytest.raises(MinentError, match=r"line 1: .*character 3 .*'国'.*end of line"):
        score_segmentation(["中国 国"], ["中国"])
    with pytest.raises(MinentError, match=r"gold has 3 lines but prediction has 2 \(prediction ends after line 2\)"):
        score_segmentation(["中", "国", "人"], ["中", "国"])
    # a dropped line shows as the first line whose characters differ
    with pytest.raises(MinentError, match="line 2"):
        score_segmentation(["中", "国", "人"], ["中", "人"])


@pytest.fixture
def files(tmp_path):
    gold = tmp_path / "gold.txt"
    gold.write_text("我们  在  北京\r\n今天  天气  好\r\n", encoding="utf-8")
    pred = tmp_path / "pred.txt"
    pred.write_text("我们在 北京\n今 天 天气 好\n", encoding="utf-8")
    words = tmp_path / "words.txt"
    words.write_text("我们\n天气\n好\n今天\n", encoding="utf-8")
    return gold, pred, words


def test_score_files_and_cli(files):
    gold, pred, words = files
    s = score_files(gold, pred, words)
    assert (s.f1, s.oov_recall) == (0.5, 0.5)
    result = invoke("score", gold, pred, "--words", words)
    assert result.exit_code == 0, result.output
    rows = dict(line.split("\t") for line in result.stdout.splitlines())
    assert rows["precision"] == rows["recall"] == rows["f1"] == "0.5000"
    assert rows["oov_recall"] == "0.5000" and rows["gold_oov_words"] == "2"
    assert rows["gold_words"] == rows["predicted_words"] == "6" and rows["lines"] == "2"
    result = invoke("score", gold, pred)
    assert "oov_recall" not in result.stdout and "f1\t0.5000" in result.stdout


def test_cli_bad_inputs(files, tmp_path):
    gold, pred, words = files
    short = tmp_path / "short.txt"
    short.write_text("我们在 北京\n", encoding="utf-8")
    other = tmp_path / "other.txt"
    other.write_text("我们在 北京\n今天 天 气 坏\n", encoding="utf-8")
    gb = tmp_path / "gb.txt"
    gb.write_bytes("我们在 北京\n".encode("gb18030"))
    cases = [
        ([gold, short], ["has 2 lines", "has 1", "ends after line 1"]),
        ([gold, other], ["line 2", "character 5", "'好'", "'坏'"]),
        ([gold, tmp_path / "missing.txt"], ["missing.txt", "no such file"]),
        ([gold, tmp_path], ["is a directory"]),
        ([gold, gb], ["gb.txt", "not valid utf-8", "offset 0", "--encoding"]),
        ([gold, pred, "--words", tmp_path / "nowords.txt"], ["nowords.txt", "no such file"]),
    ]
    for args, words_in_message in cases:
        result = invoke("score", *args)
        assert result.exit_code == 2, (args, result.output)
        lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
        assert len(lines) == 1 and lines[0].startswith("minent: "), result.stderr
        for w in words_in_message:
            assert w in lines[0], (w, lines[0])
        assert result.stdout == ""


def test_pku_gold_scores_itself_perfectly():
    gold = shared_file("data", "cws", "pku_test_gold.utf8")
    s = score_files(gold, gold, shared_file("data", "cws", "pku_training_words.utf8"))
    assert (s.f1, s.oov_recall, s.n_lines) == (1.0, 1.0, 1945) and s.n_oov > 0
