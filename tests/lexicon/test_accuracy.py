"""Issue 12's three development regimes as regression guards (need ../shared; skipped without it).

The figures (``python benchmarks/cws_f1.py``): PKU 0.8159, SXU 0.8036, PKU test alone 0.7721.
Each guard sits a little below its figure, so that a change that costs accuracy on any one
regime fails here, while a change in the last digit (threads, platform) does not.
"""

from __future__ import annotations

import pytest

import minent
from conftest import shared_file


def f1_of(sources: list, test: str, gold: str) -> float:
    test_path = shared_file("data", "cws", test)
    gold_lines = shared_file("data", "cws", gold).read_text(encoding="utf-8").splitlines()
    lexicon = minent.build_lexicon(sources)
    lines = test_path.read_text(encoding="utf-8").splitlines()
    predicted = [" ".join(words) for words in minent.Segmenter(lexicon).cut_many(lines)]
    return minent.score_segmentation(gold_lines, predicted).f1


def test_pku(tmp_path):
    pd = shared_file("data", "cws", "peoples_daily_199801_seg.utf8")
    raw = tmp_path / "pd_raw.txt"
    raw.write_text(pd.read_text(encoding="utf-8").replace(" ", ""), encoding="utf-8")
    f1 = f1_of([raw, shared_file("data", "cws", "pku_test.utf8")], "pku_test.utf8", "pku_test_gold.utf8")
    assert f1 >= 0.814, f1


def test_sxu():
    sources = [shared_file("data", "cws", "sxu_train_raw.utf8"), shared_file("data", "cws", "sxu_test.utf8")]
    f1 = f1_of(sources, "sxu_test.utf8", "sxu_test_gold.utf8")
    assert f1 >= 0.802, f1


def test_pku_test_text_alone():
    """The small regime: 0.5 MB, the only text the lexicon is learned from."""
    f1 = f1_of([shared_file("data", "cws", "pku_test.utf8")], "pku_test.utf8", "pku_test_gold.utf8")
    assert f1 >= 0.770, f1


@pytest.mark.parametrize("refine", [True, False])
def test_a_larger_min_count_is_only_an_override(refine):
    """The default is the pipeline's own (2 refined, 5 first pass alone); a given one is used."""
    from minent.lexicon.discover import LexiconBuilder

    assert LexiconBuilder(refine=refine).min_count == (2 if refine else 5)
    assert LexiconBuilder(refine=refine, min_count=7).min_count == 7
