"""The pairs at the peaks of cohesion (minent.lexicon.peaks) against plain Python."""

from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

import reference_boundary as ref
from conftest import SMALL, random_text, word_texts
from minent.common import chars
from minent.common.kernels import readonly
from minent.common.kernels.counts import merge_tables
from minent.lexicon import discover
from minent.lexicon.counts import CountTable, finish_tables, ideograph_ids
from minent.lexicon.discover import LexiconBuilder
from minent.lexicon.kernels import ngrams as k
from minent.lexicon.peaks import peak_counts, peak_model, peak_pairs, with_peak_pairs



def finished_tables(ids: list[np.ndarray], keep: int) -> list[CountTable]:
    """The 1- and 2-gram tables of chunks of ids, counted chunk by chunk (spilled after every
    other one) and finished with ``keep`` (2: the pairs seen once dropped)."""
    tables = [CountTable()]
    for n in (1, 2):
        table = CountTable()
        for i, a in enumerate(ids):
            table.add_occurrences(k.window_keys(a, n))
            if i % 2:
                table.spill()
        tables.append(table)
    finish_tables(tables, keep)
    return tables


def peaks_of(texts: list[str], keep: int, min_count: int, pool=None) -> dict:
    """peak_pairs of ``texts``, their tables finished with ``keep`` (see :func:`finished_tables`)."""
    ids = [ideograph_ids(t) for t in texts]
    tables = finished_tables(ids, keep)
    pair_table = (tables[2].keys, tables[2].counts)
    model = peak_model((tables[1].keys, tables[1].counts), pair_table)
    keys, counts = np.empty(0, np.uint64), np.empty(0, np.int64)
    for a in ids:
        keys, counts = merge_tables(keys, counts, *peak_counts(a, model, pool))
    return peak_pairs((keys, counts), pair_table, min_count)


def corpora():
    rng = random.Random(5)
    yield [""]
    yield ["中"]
    yield ["中国", "中国"]
    yield ["1日电，1日电。1日电"]  # 日电 sticks hardest, but the number holds 日
    yield ["第3届，第3届。中3国中3国"]  # a number inside a run, and before its unit
    yield ["中国人民，中国。人民中国𠀀中国abc中国１２中国"]  # outside the BMP, Latin, full-width digits
    yield [random_text(rng, 400, 0.05) for _ in range(10)]
    for seed in range(4):
        yield word_texts(seed, 60)


CASES = list(corpora())


@pytest.mark.parametrize("case", range(len(CASES)))
@pytest.mark.parametrize("keep,min_count", [(1, 1), (1, 2), (2, 2), (2, 3)])
def test_peaks_match_plain_python(case, keep, min_count):
    texts = CASES[case]
    assert peaks_of(texts, keep, min_count) == dict(ref.cohesion_peaks(texts, min_count))


@pytest.mark.parametrize("case", range(len(CASES)))
def test_a_slice_reads_the_seams_beyond_its_bounds(case):
    """The kernel over [0, s) then [s, m) finds what it finds over [0, m), for every s."""
    ids = [ideograph_ids(t) for t in CASES[case]][:3]
    model = peak_model(*((t.keys, t.counts) for t in finished_tables(ids, 1)[1:]))
    for a in ids:
        a = readonly(a[:300])  # as the driver hands it over: one compiled signature
        whole = k.cohesion_peaks(a, chars.NUM_ID, *model, 0, len(a)).tolist()
        for cut in range(len(a) + 1):
            left = k.cohesion_peaks(a, chars.NUM_ID, *model, 0, cut).tolist()
            assert left + k.cohesion_peaks(a, chars.NUM_ID, *model, cut, len(a)).tolist() == whole, cut


def test_slices_on_threads_find_the_same_peaks():
    rng = random.Random(9)
    words = ["".join(rng.choice(SMALL) for _ in range(rng.randint(1, 3))) for _ in range(40)]
    text = "".join(rng.choice(words) + ("，" if rng.random() < 0.02 else "") for _ in range(150_000))
    with ThreadPoolExecutor(2) as pool:
        sliced = peaks_of([text], 2, 2, pool)
    assert sliced == peaks_of([text], 2, 2)
    assert sliced == dict(ref.cohesion_peaks([text], 2))


def test_a_pair_beside_a_number_is_never_a_peak():
    found = peaks_of(["1日电，" * 5 + "电视，日本，" * 3], 1, 2)
    assert "日电" not in found
    assert found == {"电视": 3, "日本": 3}


def test_a_frequent_pair_inside_longer_runs_is_a_peak():
    """The case the peaks are for: a word that never stands alone, between characters that are
    frequent everywhere (their pairs with it are weak)."""
    texts = PEAK_TEXTS
    found = peaks_of(texts, 1, 2)
    assert found["各国"] == 4
    assert found == dict(ref.cohesion_peaks(texts, 2))


def test_peaks_join_the_candidates_last():
    assert with_peak_pairs({"中国": 5, "人民": 3}, {"人民": 1, "国人": 4}) == {"中国": 5, "人民": 3, "国人": 4}
    assert with_peak_pairs({"人": 1}, None) == {"人": 1}


PEAK_TEXTS = ["的各国的", "是各国是", "在各国在", "了各国了", "的是在了" * 5]


@pytest.mark.parametrize("known,found", [(None, True), ({}, True), ({"中国": 3}, False)],
                         ids=["no-dictionary", "empty-dictionary", "dictionary"])
def test_a_build_hands_the_peaks_to_the_refinement(monkeypatch, known, found):
    """Refinement's candidates get the peaks, except beside a dictionary that is not empty."""
    seen = []
    monkeypatch.setattr(discover, "with_peak_pairs", lambda c, peaks: seen.append(peaks) or with_peak_pairs(c, peaks))
    LexiconBuilder(known=known).fit(PEAK_TEXTS * 3)
    assert len(seen) == 1
    assert (seen[0] is not None and seen[0]["各国"] == 12) == found


def test_a_build_without_refinement_counts_no_peaks(monkeypatch):
    monkeypatch.setattr(discover, "peak_counts", lambda *a: pytest.fail("peaks counted"))
    LexiconBuilder(refine=False).fit(PEAK_TEXTS)
    LexiconBuilder(order=1).fit(PEAK_TEXTS)
