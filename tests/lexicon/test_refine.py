"""Minimum-entropy refinement: its counting against plain Python, and L never rising."""

from __future__ import annotations

import itertools
import math
import random
from collections import Counter
from pathlib import Path

import pytest

import minent
import reference_segment as ref_seg
from conftest import SMALL, random_text
from minent.common import chars
from minent.common.kernels import numba_threads
from minent.lexicon import refine
from minent.lexicon.counts import ideograph_ids
from minent.lexicon.discover import LexiconBuilder

DATA = Path(__file__).resolve().parents[2] / "data"


def as_chunks(text: str, pieces: int = 1):
    """The corpus as ideograph-id chunks cut at line feeds, the way LexiconBuilder reads it."""
    lines = text.split("\n")
    size = max(1, math.ceil(len(lines) / pieces))
    groups = ["\n".join(lines[i : i + size]) for i in range(0, len(lines), size)]
    arrays = [ideograph_ids(g) for g in groups]
    return lambda: iter(arrays)


def reference_counts(counts: dict, text: str) -> Counter:
    """Words of the unigram cut of every ideograph run, by the plain-Python segmenter."""
    ids = ideograph_ids(text)
    # as the kernel does: a number becomes the digit 0, which the segmenter reads as a number (#)
    runs = "".join(chr(chars.PLAIN_CODEPOINT_OF_ID[i]) if i else "\n" for i in ids.tolist()).split("\n")
    words = Counter()
    for run in runs:
        if run:
            words.update(w.replace("0", "#") for w in ref_seg.cut(run, counts))
    return words


def random_lexicon(rng: random.Random, alphabet: str, n: int) -> dict:
    lexicon = {ch: rng.randint(1, 10_000) for ch in alphabet}
    for _ in range(n):
        lexicon["".join(rng.choice(alphabet) for _ in range(rng.randint(2, 6)))] = rng.randint(1, 10_000)
    return lexicon


@pytest.mark.parametrize("seed", range(8))
def test_segment_counts_match_plain_python(seed):
    rng = random.Random(seed)
    text = "\n".join(random_text(rng, rng.randint(0, 400), 0.05) for _ in range(20))
    text += "\n" + "".join(rng.choice(SMALL) for _ in range(3000))  # a very long run
    text += "\n𠀀中a1１中。\n\n"  # characters outside the BMP, Latin and digits separate runs
    lexicon = random_lexicon(rng, SMALL + "中#", 60)  # words with numbers too
    got = refine.segment_counts(lexicon, as_chunks(text, pieces=3))
    assert got == dict(reference_counts(lexicon, text))
    n_chars = int((ideograph_ids(text) > 0).sum())
    assert sum(len(w) * c for w, c in got.items()) == n_chars  # every ideograph in one word


@pytest.mark.parametrize("threads", [1, 2, 3])
def test_a_long_chunk_counted_in_slices_matches_plain_python(threads):
    """A chunk of over 2^16 ids is counted a slice a thread, the slices cut at separators:
    the same counts, long words in the same order (their first sight), as plain Python."""
    rng = random.Random(threads)
    lexicon = random_lexicon(rng, SMALL + "中#", 80)
    long_words = ["的一是在不了有", "和人这中大为上", "上为大中这人和"]  # counted as strings
    lexicon.update({w: 50_000 for w in long_words})
    pieces = [rng.choice(SMALL) * rng.randint(1, 7) + rng.choice(["，", "", "1", "中中"])
              + (rng.choice(long_words) + "，" if rng.random() < 0.01 else "") for _ in range(30_000)]
    text = "".join(pieces)
    with numba_threads(threads):
        got = refine.segment_counts(lexicon, as_chunks(text))
    assert len(ideograph_ids(text)) > refine.MIN_SLICED_IDS
    expected = reference_counts(lexicon, text)
    assert got == dict(expected)
    assert [w for w in got if len(w) > 4] == [w for w in expected if len(w) > 4]


def test_slices_never_cut_a_word(monkeypatch):
    """More slices than threads, their raw midpoints inside four-character words: each slice
    ends at a separator, so no word is counted in pieces."""
    monkeypatch.setattr(refine, "thread_count", lambda jobs=0: 5)
    monkeypatch.setattr(refine, "MIN_SLICED_IDS", 1)
    text = ("中" + "中国人民" * 300 + "，") * 41  # a fifth of it ends inside a word
    ids = ideograph_ids(text)
    assert all(ids[len(ids) * s // 5] != 0 for s in range(1, 5))
    bounds = refine.separator_bounds(ids, 5)
    assert len(set(bounds)) == 6
    lexicon = {"中国人民": 5, "中": 1, "国": 1, "人": 1, "民": 1}
    assert refine.segment_counts(lexicon, as_chunks(text)) == {"中": 41, "中国人民": 12300}


def test_separator_bounds_fall_on_separators():
    ids = ideograph_ids("中国" * 5000 + "，" + "人民" * 40000 + "。" + "中" * 10)
    for n in range(1, 6):
        bounds = refine.separator_bounds(ids, n)
        assert bounds[0] == 0 and bounds[-1] == len(ids) and bounds == sorted(bounds)
        assert all(b == len(ids) or ids[b] == 0 for b in bounds[1:-1])
    assert refine.separator_bounds(ideograph_ids("中" * 100), 3) == [0, 100, 100, 100]


def test_segment_counts_of_nothing():
    assert refine.segment_counts({"中": 1}, lambda: iter([ideograph_ids("")])) == {}
    assert refine.segment_counts({"中": 1}, lambda: iter([ideograph_ids("abc def")])) == {}
    assert refine.segment_counts({"中": 1}, lambda: iter([ideograph_ids("abc 123")])) == {"#": 1}  # a number
    assert refine.segment_counts({"#年": 5, "年": 1, "#": 1}, lambda: iter([ideograph_ids("１９９８年")])) == {"#年": 1}
    assert refine.segment_counts({"中国": 3}, lambda: iter([ideograph_ids("中")])) == {"中": 1}


def test_total_bits_is_the_self_information_of_the_counts():
    assert refine.total_bits([4]) == 0.0
    assert refine.total_bits([1, 1, 1, 1]) == pytest.approx(8.0)
    assert refine.total_bits([2, 1, 1]) == pytest.approx(-(2 * math.log2(0.5) + 2 * math.log2(0.25)))
    assert refine.total_bits([]) == 0.0


@pytest.mark.parametrize("seed", range(6))
def test_cheapest_split_is_the_cheapest_of_all_splits(seed):
    rng = random.Random(seed)
    lexicon = random_lexicon(rng, SMALL[:5], 30)
    total = sum(lexicon.values())
    log_p = {w: math.log(c / total) for w, c in lexicon.items()}
    unknown = math.log(0.5 / total)
    for word in [w for w in lexicon if len(w) > 1] + ["的的的", "中的"]:
        best = math.inf
        for cuts in itertools.product((False, True), repeat=len(word) - 1):
            if not any(cuts):
                continue
            pieces, start = [], 0
            for i, cut in enumerate(cuts, 1):
                if cut:
                    pieces.append(word[start:i])
                    start = i
            pieces.append(word[start:])
            cost = sum(-log_p[p] if p in log_p else (-unknown if len(p) == 1 else math.inf) for p in pieces)
            best = min(best, cost)
        cost, parts = refine.cheapest_split(word, log_p, unknown)
        assert cost == pytest.approx(best)
        assert "".join(parts) == word and len(parts) >= 2


@pytest.mark.parametrize("seed", range(8))
def test_unit_savings_are_the_plain_python_savings_to_the_bit(seed):
    """The kernel's savings equal cheapest_split's cost plus ln p(w), float for float: the
    pruning's decisions, and so the lexicons, cannot change."""
    rng = random.Random(seed)
    lexicon = random_lexicon(rng, SMALL[: 3 + seed % 4] + "#", 40)
    lexicon.update({w: 0 for w in ("的的", "国")[: seed % 3]})  # words of count 0 are no pieces
    log_p, unknown = refine.log_probabilities(lexicon)
    words = [w for w in lexicon if len(w) > 1] + ["的的的", "中的", "𠀀的", "的国的国的国的"]
    got = refine.unit_savings(log_p, unknown, words).tolist()
    expected = [refine.cheapest_split(w, log_p, unknown)[0] + log_p.get(w, unknown) for w in words]
    assert got == expected
    assert refine.unit_savings(log_p, unknown, []).shape == (0,)
    rare = dict(lexicon, 的=0.3)  # a count under 0.5: rarer than an unknown character
    log_p, unknown = refine.log_probabilities(rare)
    assert refine.unit_savings(log_p, unknown, words).tolist() == [
        refine.cheapest_split(w, log_p, unknown)[0] + log_p.get(w, unknown) for w in words]


def reference_prune(counts: dict, min_count: int) -> tuple[dict, int]:
    """The pruning word by word, as it was written before the kernel pass."""
    log_p, unknown = refine.log_probabilities(counts)
    result, dropped = dict(counts), 0
    for word, count in counts.items():
        if len(word) < 2:
            continue
        cost, parts = refine.cheapest_split(word, log_p, unknown)
        if count >= min_count and cost + log_p.get(word, unknown) > refine.MIN_GAIN:
            continue
        refine.move_count(result, word, parts)
        dropped += 1
    return result, dropped


@pytest.mark.parametrize("seed", range(8))
def test_prune_matches_the_word_by_word_pruning(seed):
    rng = random.Random(seed)
    lexicon = {w: rng.choice([1, 2, 3, 5, 40, 900]) for w in random_lexicon(rng, SMALL[:6], 60)}
    for min_count in (1, 2, 3, 5):
        got = refine.prune(lexicon, min_count)
        expected = reference_prune(lexicon, min_count)
        assert got == expected and list(got[0]) == list(expected[0])  # the same counts, in the same order
    assert any(c == 2 for c in lexicon.values())  # a count equal to min_count 2 is kept when it pays


def test_prune_drops_words_that_do_not_pay_and_moves_their_counts():
    counts = {"中": 100, "国": 100, "中国": 500, "人": 10, "民": 10, "人民": 1, "国人": 3}
    new, dropped = refine.prune(counts, min_count=2)
    total = sum(counts.values())
    gain_zhongguo = math.log(500 / total) - math.log(100 / total) * 2
    assert gain_zhongguo > 1 and "中国" in new
    assert "人民" not in new  # seen once: rarer than min_count
    # 国人 saves ln(3 T / (100 * 10)) nats: it stays only when that exceeds 1 (here it does not)
    stays = math.log(3 * total / 1000) > 1
    assert not stays and "国人" not in new
    assert new["人"] == 10 + 1 + 3 and new["民"] == 11 and new["国"] == 103
    assert dropped == 1 + (not stays)
    # counts move to the parts: the text length is kept
    assert sum(len(w) * c for w, c in new.items()) == sum(len(w) * c for w, c in counts.items())


@pytest.mark.parametrize("seed", range(6))
def test_re_estimation_never_raises_the_information(seed):
    rng = random.Random(seed)
    text = "\n".join("".join(rng.choice(SMALL[:8]) for _ in range(rng.randint(1, 200))) for _ in range(60))
    chunks = as_chunks(text)
    counts = refine.segment_counts(random_lexicon(rng, SMALL[:8], 40), chunks)
    bits = refine.total_bits(counts.values())
    for _ in range(3):
        counts = refine.segment_counts(counts, chunks)
        new_bits = refine.total_bits(counts.values())
        assert new_bits <= bits + 1e-6
        bits = new_bits


def check_rounds(lexicon: minent.Lexicon) -> None:
    history = lexicon.stats.history
    assert history and history[0]["round"] == 0
    kept = [r["bits_per_char"] for r in history if r["accepted"]]
    assert all(b <= a + 1e-9 for a, b in zip(kept, kept[1:])), history
    assert all(not r["accepted"] for r in history[len(kept):])
    n_chars = lexicon.stats.n_chars
    assert sum(len(w) * c for w, c in lexicon.items()) == n_chars  # the counts are a cut of the corpus
    counts = lexicon.to_dict()
    assert kept[-1] == pytest.approx(refine.total_bits(counts.values()) / n_chars)


@pytest.mark.parametrize("seed", range(4))
def test_refinement_never_raises_l_on_random_text(seed):
    rng = random.Random(seed)
    words = ["".join(rng.choice(SMALL) for _ in range(rng.randint(1, 4))) for _ in range(40)]
    texts = ["".join(rng.choice(words) for _ in range(rng.randint(1, 30))) for _ in range(300)]
    check_rounds(minent.build_lexicon(texts, min_count=3, refine=True))


def test_refinement_on_real_text_lowers_l():
    text = (DATA / "xiyouji.txt").read_text(encoding="utf-8")[:400_000]
    lexicon = minent.build_lexicon(text, refine=True, iterations=3)
    check_rounds(lexicon)
    for name in ("行者", "八戒", "师父"):
        assert name in lexicon
    default = minent.build_lexicon(text)  # refines by default
    check_rounds(default)
    first = minent.build_lexicon(text, refine=False)
    assert first.stats.history == []


def test_refinement_reads_the_corpus_again_when_it_was_not_kept(tmp_path):
    rng = random.Random(5)
    words = ["".join(rng.choice(SMALL) for _ in range(rng.randint(1, 3))) for _ in range(30)]
    path = tmp_path / "corpus.txt"
    path.write_text("\n".join("".join(rng.choice(words) for _ in range(20)) for _ in range(400)), encoding="utf-8")
    kept = LexiconBuilder(min_count=3, refine=True, chunk_bytes=500).fit(path).lexicon_
    reread = LexiconBuilder(min_count=3, refine=True, chunk_bytes=500, memory_budget=0).fit(path).lexicon_
    assert kept.to_dict() == reread.to_dict()
    assert kept.stats.history == reread.stats.history


@pytest.mark.parametrize("iterations", [-1, 1.5])
def test_bad_iterations(iterations):
    with pytest.raises(minent.MinentError, match="iterations"):
        minent.build_lexicon(["中国人民"], refine=True, iterations=iterations)


def test_the_length_prior_makes_lengths_geometric_with_the_same_mean():
    counts = {"中": 50, "国": 30, "中国": 40, "人民": 10, "中国人": 6, "共和国": 3, "中华民族": 1, "#年": 4}
    model = refine.with_length_prior(counts)
    total = sum(counts.values())
    mean = sum(len(w) * c for w, c in counts.items()) / total
    q = 1 - 1 / mean
    for length in range(1, 5):  # each length holds total * P(length), P geometric with that mean
        mass = sum(c for w, c in model.items() if len(w) == length)
        assert mass / total == pytest.approx((1 - q) * q ** (length - 1))
    # within a length the proportions are the counts'
    assert model["中国"] / model["人民"] == pytest.approx(4.0)
    assert model["#年"] / model["中国"] == pytest.approx(0.1)


def test_the_length_prior_of_characters_alone_changes_nothing():
    assert refine.with_length_prior({"中": 3, "国": 1}) == {"中": 3, "国": 1}
    assert refine.with_length_prior({}) == {}
    assert refine.with_length_prior({"中": 2, "中国": 0}) == {"中": 2, "中国": 0}
