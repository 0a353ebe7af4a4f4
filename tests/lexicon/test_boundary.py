"""The boundary signal (branching entropy, autonomy, autonomy cut) against plain Python."""

from __future__ import annotations

import math
from collections import Counter
import random
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

import reference_boundary as ref
import reference_lexicon as ref_lex
from conftest import random_text, word_texts
from minent.common import chars
from minent.lexicon import boundary
from minent.lexicon.boundary import autonomy, boundary_counts, candidate_lexicon
from minent.lexicon.counts import CountTable, finish_tables, ideograph_ids, word_ids
from minent.lexicon.kernels import entropy as ke
from minent.lexicon.kernels import ngrams as k



def tables_of(texts: list[str], order: int, finished: bool = False) -> list:
    """The count tables of ``texts`` (index 1..order) and their chunks of ids; ``finished``:
    spilled after every other text and finished as a build finishes them (seen once dropped)."""
    ids = [ideograph_ids(t) for t in texts]
    tables = [CountTable()]
    for n in range(1, order + 1):
        table = CountTable()
        for i, a in enumerate(ids):
            table.add_occurrences(k.window_keys(a, n))
            if finished and i % 2:
                table.spill()
        tables.append(table)
    if finished:
        finish_tables(tables, 2)
    return tables, (lambda: iter(ids))


def corpora():
    rng = random.Random(11)
    yield ["中国人民，中国。人民中国"]
    yield ["中", "中中中中", "中国"]  # one character; a run of one repeated character
    yield [random_text(rng, 400, 0.05) for _ in range(10)]
    for seed in range(5):
        yield word_texts(seed, 80)


@pytest.mark.parametrize("case", range(8))
@pytest.mark.parametrize("order", [1, 2, 4])
@pytest.mark.parametrize("finished", [False, True], ids=["all", "seen-once-dropped"])
def test_autonomy_matches_plain_python(case, order, finished):
    texts = list(corpora())[case]
    tables, chunks = tables_of(texts, order, finished)
    with ThreadPoolExecutor(2) as pool:
        keys, scores = autonomy(tables, chunks, pool)
    expected, counts = ref.autonomy(texts, order)
    got = dict(zip(chars.unpack_many(keys), scores.tolist()))
    usable = {g for g, c in counts.items() if c >= 2 or len(g) == 1}  # strings seen once are left out
    assert set(got) == usable
    for gram in usable:
        assert got[gram] == pytest.approx(expected[gram], abs=1e-9), gram


@pytest.mark.parametrize("case", range(8))
def test_autonomy_cut_is_a_best_cut(case):
    texts = list(corpora())[case]
    order = 4
    tables, chunks = tables_of(texts, order)
    with ThreadPoolExecutor(2) as pool:
        keys, scores = autonomy(tables, chunks, pool)
    score = dict(zip(chars.unpack_many(keys), scores.tolist()))
    counts = boundary_counts(keys, scores, order, chunks, n_blocks=3)
    runs = [run for t in texts for run in ref_lex.runs(t)]
    assert sum(len(w) * c for w, c in counts.items()) == sum(map(len, runs))  # every character, once
    # the cut of each run (found again run by run) reaches the best score plain Python finds
    for run in runs[:200]:
        slots, positions = ke.build_key_index(keys)
        got = ke.autonomy_cut(word_ids(run), slots, positions, scores, order, 1)
        words = chars.unpack_many(got)
        assert "".join(words) == run
        assert ref.cut_score(words, score) == pytest.approx(ref.best_cut_score(run, score, order), abs=1e-6)


def test_autonomy_cut_blocks_do_not_change_the_words():
    texts = list(corpora())[-1]
    tables, chunks = tables_of(["\n".join(texts)], 4)
    with ThreadPoolExecutor(2) as pool:
        keys, scores = autonomy(tables, chunks, pool)
    ids = ideograph_ids("\n".join(texts))
    slots, positions = ke.build_key_index(keys)
    one = np.sort(ke.autonomy_cut(ids, slots, positions, scores, 4, 1))
    for n_blocks in (2, 7, 64):
        assert np.array_equal(np.sort(ke.autonomy_cut(ids, slots, positions, scores, 4, n_blocks)), one)
    # counted block by block, the tables merged: the same counts as counting the whole cut
    want = Counter(one.tolist())
    for n_blocks, threads in ((1, 1), (2, 2), (7, 2), (64, 3)):
        keys, counts = ke.counted_autonomy_cut(ids, slots, positions, scores, 4, n_blocks, threads)
        assert keys.tolist() == sorted(want) and counts.tolist() == [want[k] for k in sorted(want)]
    empty = ke.counted_autonomy_cut(ids[:0], slots, positions, scores, 4, 3)
    assert len(empty[0]) == len(empty[1]) == 0


def test_branching_entropy_counts_run_edges_as_distinct():
    # "中" is followed by 国 twice and ends a run twice: H_ML = -(1/2) ln(1/2) + 2 * (1/4) ln 4,
    # and 3 distinct neighbours (国 and two edges) in 4 add the Miller-Madow term (3 - 1) / (2 * 4)
    texts = ["中国，中国，中，中"]
    expected = 0.5 * math.log(2) + 0.5 * math.log(4) + 2 / 8
    tables, chunks = tables_of(texts, 2)
    _, right, _ = ref.neighbours(texts, 2)
    assert ref.entropy(right["中"]) == pytest.approx(expected)
    slots, positions = ke.build_key_index(tables[1].keys)
    h = ke.extension_entropy(tables[2].keys, tables[2].counts, 1, slots, positions, tables[1].counts, True)
    zhong = int(np.searchsorted(tables[1].keys, chars.pack("中")))
    assert h[zhong] == pytest.approx(expected)


def test_extension_entropy_walks_the_table_to_the_same_values():
    texts = list(corpora())[-1]
    tables, _ = tables_of(texts, 4)
    rng = np.random.default_rng(2)
    for n in (1, 2, 3):
        slots, positions = ke.build_key_index(tables[n].keys)
        longer = tables[n + 1]
        for right in (True, False):
            by_index = ke.extension_entropy(longer.keys, longer.counts, n, slots, positions, tables[n].counts, right)
            walked = ke.extension_entropy(longer.keys, longer.counts, n, slots, positions, tables[n].counts, right,
                                          tables[n].keys)
            assert np.array_equal(walked, by_index)
            order = rng.permutation(len(longer.keys))  # out of order: the walk falls back on the index
            shuffled = ke.extension_entropy(longer.keys[order], longer.counts[order], n, slots, positions,
                                            tables[n].counts, right, tables[n].keys)
            assert np.allclose(shuffled, by_index, rtol=1e-12, atol=1e-12)


def test_branching_entropy_of_one_neighbour_is_zero():
    """The correction vanishes when every occurrence has the same neighbour (m = 1)."""
    texts = ["中国，中国，中国"]
    tables, _ = tables_of(texts, 2)
    slots, positions = ke.build_key_index(tables[1].keys)
    h = ke.extension_entropy(tables[2].keys, tables[2].counts, 1, slots, positions, tables[1].counts, True)
    zhong = int(np.searchsorted(tables[1].keys, chars.pack("中")))
    assert h[zhong] == pytest.approx(0.0)


def test_candidate_lexicon_keeps_every_character():
    assert candidate_lexicon({"中": 1, "中国": 1, "人民": 2, "国": 7}, 2) == {"中": 1, "人民": 2, "国": 7}


def test_candidate_lexicon_keeps_a_number_only_at_a_word_edge():
    counts = {"#": 9, "#年": 5, "第#": 3, "第#条": 4, "月#日": 6, "#月#": 7, "#至#": 2, "年#": 2}
    assert candidate_lexicon(counts, 2) == {"#": 9, "#年": 5, "第#": 3, "年#": 2}


def test_the_refined_lexicon_beats_the_first_pass_on_real_text():
    """The boundary start of refinement finds the names of the novel, as the first pass does."""
    import minent
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "data" / "xiyouji.txt").read_text(encoding="utf-8")[:300_000]
    lexicon = minent.build_lexicon(text, refine=True)
    for name in ("行者", "八戒", "师父", "菩萨"):
        assert name in lexicon


def test_with_cohesive_pairs_adds_only_missing_two_character_words():
    from minent.lexicon.boundary import with_cohesive_pairs

    candidates = {"中": 5, "中国": 3}
    first = {"中国": 9, "人民": 4, "中国人": 7, "中": 2}
    assert with_cohesive_pairs(candidates, first) == {"中": 5, "中国": 3, "人民": 4}
    assert candidates == {"中": 5, "中国": 3}  # not changed in place


def backward_cut(ids: list[int], score: dict, order: int) -> list[int]:
    """The autonomy cut of one run as the kernel made it before: for each end, the starts in
    ascending order, the first strictly better value kept. Returns the word lengths."""
    best, back = [0.0] + [-math.inf] * len(ids), [0] + [e - 1 for e in range(1, len(ids) + 1)]
    for e in range(1, len(ids) + 1):
        for s in range(max(0, e - order), e):
            value = best[s] + score.get(tuple(ids[s:e]), -math.inf) * (e - s)
            if value > best[e]:
                best[e], back[e] = value, s
    lengths, e = [], len(ids)
    while e > 0:
        lengths.append(e - back[e])
        e = back[e]
    return lengths[::-1]


@pytest.mark.parametrize("seed", range(6))
def test_autonomy_cut_breaks_ties_as_the_backward_search(seed):
    # scores from a few values, so that many cuts tie; every prefix of an indexed n-gram is
    # indexed (as the n-grams seen twice are)
    rng = random.Random(seed)
    alphabet = chars.char_ids("中国人民大学")
    run = [int(rng.choice(alphabet)) for _ in range(rng.randint(1, 40))]
    score = {}
    for n in range(1, 5):
        for s in range(len(run) - n + 1):
            gram = tuple(run[s:s + n])
            if n == 1 or (gram[:-1] in score and rng.random() < 0.6):
                score.setdefault(gram, rng.choice([-1.0, 0.0, 0.5, 1.0]))
    keys = np.array([chars.pack("".join(chr(chars.CODEPOINT_OF_ID[i]) for i in g)) for g in score], dtype=np.uint64)
    order = np.argsort(keys)
    slots, positions = ke.build_key_index(keys[order])
    values = np.array(list(score.values()))[order]
    ids = np.array([0] + run + [0], dtype=np.uint16)
    got = ke.autonomy_cut(ids, slots, positions, values, 4, 1)
    assert [len(w) for w in chars.unpack_many(got)] == backward_cut(run, score, 4)


def test_neighbour_pair_counts_in_slices_equal_one_slice():
    text = "".join(rng_text for rng_text in (list(corpora())[-1] * 40))
    ids = ideograph_ids(text)
    assert len(ids) >= 2 * 65536  # the pool cuts the chunk in slices from there on
    tables, _ = tables_of([text], 4)
    index = ke.build_key_index(tables[4].keys)
    whole = boundary.neighbour_pair_counts(ids, 4, index)
    with ThreadPoolExecutor(2) as pool:
        sliced = boundary.neighbour_pair_counts(ids, 4, index, pool)
    for side in (0, 1):
        assert np.array_equal(sliced[side][0], whole[side][0]) and np.array_equal(sliced[side][1], whole[side][1])
    right, left = ke.neighbour_pairs(ids, 4, *index, 0, len(ids))
    lo = len(ids) // 3
    a, b = ke.neighbour_pairs(ids, 4, *index, 0, lo), ke.neighbour_pairs(ids, 4, *index, lo, len(ids))
    assert np.array_equal(np.concatenate([a[0], b[0]]), right) and np.array_equal(np.concatenate([a[1], b[1]]), left)
