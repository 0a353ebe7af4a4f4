"""Each lexicon-discovery kernel against the plain-Python reference (tests/lexicon/reference_lexicon.py)."""

from __future__ import annotations

import random
from collections import Counter

import numpy as np
import pytest

import reference_lexicon as ref
from conftest import random_text
from minent.common import chars
from minent.common.kernels import readonly
from minent.lexicon.counts import ideograph_ids, words_ids
from minent.common.kernels.counts import count_keys
from minent.lexicon.kernels import ngrams as k

EDGE_TEXTS = [
    "",
    "中",
    "。",
    "中国",
    "ABC 123 ４５６ é😀𠀀",
    "中国人民" * 5000,  # one very long run
    "中𠀀国😀人A民1的",  # ideographs separated by non-BMP, Latin, digits
    "〇〇〇㐀㐀㐀",
]


def kernel_counts(text: str, order: int) -> Counter:
    ids = ideograph_ids(text)
    got: Counter = Counter()
    for n in range(1, order + 1):
        keys, counts = count_keys(k.window_keys(ids, n))
        assert np.all(np.diff(keys.astype(np.float64)) > 0) or len(keys) < 2
        got.update(dict(zip(chars.unpack_many(keys), counts.tolist())))
    return got


def random_texts(count: int = 30):
    rng = random.Random(7)
    for i in range(count):
        yield random_text(rng, rng.randint(0, 400), separator_rate=rng.choice([0.0, 0.05, 0.3]))


@pytest.mark.parametrize("text", EDGE_TEXTS + list(random_texts()))
@pytest.mark.parametrize("order", [1, 2, 4])
def test_ngram_counts_match_reference(text, order):
    assert kernel_counts(text, order) == ref.count_ngrams(ref.runs(text), order)


def test_key_set_membership():
    rng = np.random.default_rng(5)
    for size in (0, 1, 7, 1000):
        members = np.unique(rng.integers(1, 1 << 60, size, dtype=np.uint64))
        table = k.build_key_set(members)
        assert all(k.set_contains(table, x) for x in members)
        others = rng.integers(1, 1 << 60, 200, dtype=np.uint64)
        member_set = set(members.tolist())
        assert [k.set_contains(table, x) for x in others] == [int(x) in member_set for x in others]


def kernel_pmi(text: str, order: int, min_count: int) -> dict:
    ids = ideograph_ids(text)
    tables = []
    for n in range(1, order + 1):
        tables.append(count_keys(k.window_keys(ids, n)))
    n_chars = int(tables[0][1].sum())
    result = {}
    for n in range(2, order + 1):
        keys, counts = tables[n - 1]
        pmi = k.weakest_split_pmi(keys, counts, n, tuple(t[0] for t in tables), tuple(t[1] for t in tables),
                                  n_chars, min_count)
        for word, value, count in zip(chars.unpack_many(keys), pmi.tolist(), counts.tolist()):
            if count >= min_count:
                result[word] = value
            else:
                assert value == -np.inf
    return result


@pytest.mark.parametrize("text", EDGE_TEXTS[:5] + list(random_texts(15)))
@pytest.mark.parametrize("min_count", [1, 3])
def test_cohesion_matches_reference(text, min_count):
    runs = ref.runs(text)
    counts = ref.count_ngrams(runs, 4)
    n_chars = sum(map(len, runs))
    expected = {w: ref.weakest_split_pmi(w, counts, n_chars) for w, c in counts.items() if len(w) >= 2 and c >= min_count}
    assert kernel_pmi(text, 4, min_count) == expected  # same float operations: exactly equal


def test_cohesion_of_keys_in_any_order():
    # callers may ask for a selection of keys in their own order (build-lexicon --scores)
    text = "".join(random_texts(30))
    ids = ideograph_ids(text)
    tables = [count_keys(k.window_keys(ids, n)) for n in range(1, 5)]
    n_chars = int(tables[0][1].sum())
    rng = np.random.default_rng(1)
    for n in (2, 3, 4):
        keys, counts = tables[n - 1]
        args = (n, tuple(t[0] for t in tables), tuple(t[1] for t in tables), n_chars, 1)
        whole = k.weakest_split_pmi(keys, counts, *args)
        order = rng.permutation(len(keys))
        assert np.array_equal(k.weakest_split_pmi(keys[order], counts[order], *args), whole[order])


def kernel_cut(text: str, kept: set, order: int, n_blocks: int) -> list[str]:
    ids = ideograph_ids(text)
    # the text as the kernel sees it: a symbol a character (a number is one "#"), " " between runs
    text = "".join(chr(chars.CODEPOINT_OF_ID[i]) if i else " " for i in ids.tolist())
    kept_keys = np.array(sorted(chars.pack(w) for w in kept), dtype=np.uint64)
    short_keys, long_starts, long_lengths = k.cut(ids, k.build_key_set(kept_keys), order, n_blocks)
    # pieces in text order: the short ones are keys, the long ones spans; put them back in order
    long_pieces = {s: text[s : s + n] for s, n in zip(long_starts.tolist(), long_lengths.tolist())}
    short = iter(chars.unpack_many(short_keys))
    result = []
    pos = 0
    ideo = [ch != " " for ch in text]
    while pos < len(text):
        if not ideo[pos]:
            pos += 1
            continue
        if pos in long_pieces:
            piece = long_pieces[pos]
        else:
            piece = next(short)
            assert text[pos : pos + len(piece)] == piece
        result.append(piece)
        pos += len(piece)
    assert next(short, None) is None
    return result


@pytest.mark.parametrize("text", EDGE_TEXTS + list(random_texts()))
@pytest.mark.parametrize("n_blocks", [1, 3, 64])
def test_cut_matches_reference(text, n_blocks):
    rng = random.Random(len(text))
    grams = sorted(w for w in ref.count_ngrams(ref.runs(text), 4) if len(w) >= 2)
    for order in (2, 3, 4):
        kept = {w for w in rng.sample(grams, min(len(grams), 12)) if len(w) <= order}
        expected = [p for run in ref.runs(text) for p in ref.cut(run, kept, order)]
        assert kernel_cut(text, kept, order, n_blocks) == expected


def test_cut_blocks_agree_on_a_long_line():
    text = random_text(random.Random(11), 300_000, separator_rate=0.02)
    kept = {"中国", "人民", "大学生", "的大", "国人民的"}
    assert kernel_cut(text, kept, 4, 1) == kernel_cut(text, kept, 4, 97)


@pytest.mark.parametrize("seed", range(6))
def test_pieces_of_slices_join_into_the_whole_cut(seed):
    # pieces are gathered slice by slice (a piece belongs to the slice it ends in): any split
    # of the text gives the same pieces, in the same order, as the whole
    rng = random.Random(seed)
    text = random_text(rng, rng.randint(0, 300), separator_rate=rng.choice([0.0, 0.1]))
    ids = readonly(ideograph_ids(text), np.uint16)  # as cut passes it: one compiled signature
    # joins as the marks make them: only between two ideographs
    joined = np.array([i + 1 < len(ids) and ids[i] != 0 and ids[i + 1] != 0 and rng.random() < 0.7
                       for i in range(len(ids))], dtype=np.uint8)
    whole = k._pieces(ids, joined, 0, len(ids))
    for _ in range(5):
        cuts = sorted({0, len(ids), *(rng.randint(0, len(ids)) for _ in range(rng.randint(0, 6)))})
        parts = [k._pieces(ids, joined, lo, hi) for lo, hi in zip(cuts[:-1], cuts[1:])] or [whole]
        for i in range(3):
            assert np.concatenate([p[i] for p in parts]).tolist() == whole[i].tolist()


@pytest.mark.parametrize("threads", [1, 2, 3])
def test_counted_cut_counts_the_cut(threads):
    text = random_text(random.Random(5), 60_000, separator_rate=0.02)
    ids = ideograph_ids(text)
    kept = {"中国", "人民", "大学生", "的大", "国人民的", "民的"}
    kept_set = k.build_key_set(np.array(sorted(chars.pack(w) for w in kept), dtype=np.uint64))
    short_keys, long_starts, long_lengths = k.cut(ids, kept_set, 4, 1)
    keys, counts, starts, lengths = k.counted_cut(ids, kept_set, 4, 7, threads)
    assert dict(zip(keys.tolist(), counts.tolist())) == Counter(short_keys.tolist())
    assert keys.tolist() == sorted(set(short_keys.tolist()))
    assert starts.tolist() == long_starts.tolist() and lengths.tolist() == long_lengths.tolist()
    assert len(long_starts) > 0


def test_backtrack_matches_reference():
    rng = random.Random(2)
    words = ["".join(rng.choices("中国人民的", k=rng.randint(1, 4))) for _ in range(300)]
    for order in (2, 3, 4):
        kept = {w for w in set(words) if 2 <= len(w) <= order and rng.random() < 0.5}
        kept_set = k.build_key_set(np.array(sorted(chars.pack(w) for w in kept), dtype=np.uint64))
        keys = np.array([chars.pack(w) for w in words], dtype=np.uint64)
        got = k.backtrack_mask(keys, kept_set, order).tolist()
        assert got == [ref.survives_backtrack(w, kept, order) for w in words]
        # the version for pieces longer than 4 characters: words of ids, all at once
        long_words = ["".join(rng.choices("中国人民的", k=rng.randint(0, 12))) for _ in range(300)] + ["中国#人民"]
        got = k.words_all_kept(words_ids(long_words), [len(w) for w in long_words], kept_set, order).tolist()
        assert got == [all(w[i:i + order] in kept for i in range(len(w) - order + 1)) for w in long_words]
        assert [g for g, w in zip(got, long_words) if len(w) > order] == [
            ref.survives_backtrack(w, kept, order) for w in long_words if len(w) > order]
    assert k.words_all_kept(words_ids([]), [], kept_set, 4).tolist() == []
    # a separator (a character that is no symbol) inside a window: never kept
    assert k.words_all_kept(words_ids(["中国a人民"]), [5], kept_set, 2).tolist() == [False]


def test_unigram_counts():
    text = "中国中〇。𠀀中"
    counts = k.count_ideographs(ideograph_ids(text), chars.N_IDS)
    assert counts[0] == 0 and counts.sum() == 5
    assert counts[chars.char_ids("中")[0]] == 3


def test_gallop_finds_the_first_value_not_below_the_key():
    import bisect

    rng = random.Random(4)
    for size in (0, 1, 2, 3, 17, 1000):
        table = np.array(sorted(rng.randrange(1, 60) for _ in range(size)), dtype=np.uint64)
        for key in range(0, 62):
            want = bisect.bisect_left(table.tolist(), key)
            for start in range(0, want + 1):  # any start at or before the answer
                assert k._gallop(table, np.uint64(key), start) == want, (size, key, start)
