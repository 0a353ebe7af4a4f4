"""The trie and Viterbi kernels against plain-Python references and brute force."""

from __future__ import annotations

import math
import random
import re

import numpy as np
import pytest

import reference_segment as ref
from minent.common.kernels import trie
from minent.segment.kernels import viterbi
from minent.common.charclass import class_table
from minent.segment.segmenter import Segmenter, _codepoints

HAN = "的一是在不了有和人这中大为上个国我以要他"
ASTRAL = "𠀀𠀁𪚥"
ALPHABET = HAN + ASTRAL + "abcXYZé" + "0123０１２٣" + ".．,%％‰+-－'’" + "——……。，、（）○〇" + " \t\u3000\r\n" + "\u0301\u200d\ufe0f😀🏻"


def random_lexicon(rng: random.Random, chars: str, n: int, max_len: int = 4) -> dict[str, int]:
    words = {}
    for _ in range(n):
        w = "".join(rng.choice(chars) for _ in range(rng.randint(1, max_len)))
        words[w] = rng.randint(0, 1000)
    if sum(words.values()) == 0:
        words[chars[0]] = 1
    return words


def build(words: list[str]):
    offsets = np.zeros(len(words) + 1, dtype=np.int64)
    np.cumsum([len(w) for w in words], out=offsets[1:])
    return trie.build_trie(_codepoints("".join(words)), offsets)


def find(t, queries: list[str]) -> list[int]:
    offsets = np.zeros(len(queries) + 1, dtype=np.int64)
    np.cumsum([len(q) for q in queries], out=offsets[1:])
    return trie.find_words(*t, _codepoints("".join(queries)), offsets).tolist()


@pytest.mark.parametrize("seed", range(5))
def test_trie_finds_exactly_the_words(seed):
    rng = random.Random(seed)
    chars = HAN[:6] + ASTRAL + "ab\u0301"
    words = ["".join(rng.choice(chars) for _ in range(rng.randint(1, 6))) for _ in range(rng.randint(1, 300))]
    t = build(words)
    last_index = {w: i for i, w in enumerate(words)}
    queries = list(last_index) + ["".join(rng.choice(chars) for _ in range(rng.randint(1, 7))) for _ in range(300)]
    assert find(t, queries) == [last_index.get(q, -1) for q in queries]


def test_trie_edge_cases():
    t = build(["中"])
    assert find(t, ["中", "中中", "国", "\U0010ffff"]) == [0, -1, -1, -1]
    t = build(["\U0010ffff\U00020000", "a"])
    assert find(t, ["\U0010ffff\U00020000", "\U0010ffff", "a"]) == [0, -1, 1]


def _kernel_cost(seg: Segmenter, words: list[str]) -> float:
    text = "".join(words)
    starts = np.cumsum([0] + [len(w) for w in words[:-1]]).astype(np.int64)
    ends = starts + np.array([len(w) for w in words], dtype=np.int64)
    return viterbi.path_cost(_codepoints(text), starts, ends, *seg._trie())


@pytest.mark.parametrize("seed", range(40))
def test_viterbi_finds_a_path_of_least_information(seed):
    """On short strings of ideographs, the kernel's cut costs no more than the best of all cuts."""
    rng = random.Random(seed)
    chars = HAN[: rng.randint(1, 5)]
    counts = random_lexicon(rng, chars, rng.randint(1, 25))
    seg = Segmenter(counts)
    cost, unknown = ref.costs_of(counts)
    for _ in range(25):
        run = "".join(rng.choice(chars) for _ in range(rng.randint(0, 11)))
        words = seg.cut(run)
        assert "".join(words) == run
        assert all(w in counts or len(w) == 1 for w in words), words
        best = ref.brute_force_cost(run, cost, unknown)
        got = ref.total_cost(words, counts)
        assert math.isclose(got, best, rel_tol=1e-12, abs_tol=1e-9), (run, words, got, best)
        if run:
            assert math.isclose(_kernel_cost(seg, words), got, rel_tol=1e-12)


def _split(tokens: list[str]) -> tuple[list[str], list[str]]:
    han = [t for t in tokens if all(ref.is_han(c) for c in t)]
    other = [t for t in tokens if not all(ref.is_han(c) for c in t)]
    return han, other


@pytest.mark.parametrize("seed", range(30))
def test_marks_match_the_reference_on_mixed_text(seed):
    rng = random.Random(100 + seed)
    counts = random_lexicon(rng, HAN[:8] + ASTRAL[:1], 60)
    seg = Segmenter(counts)
    for _ in range(20):
        text = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 60)))
        got, want = seg.cut(text), ref.cut(text, counts)
        # the ideograph words may differ only between cuts of equal cost
        got_han, got_other = _split(got)
        want_han, want_other = _split(want)
        assert got_other == want_other, (text, got, want)
        assert math.isclose(ref.total_cost(got_han, counts), ref.total_cost(want_han, counts), rel_tol=1e-12)
        assert "".join(got) == "".join(text.split())


@pytest.mark.parametrize("seed", range(20))
def test_numbers_join_the_lattice_as_the_reference_says(seed):
    """Lexicon words may hold numbers ("#年"): a whole plain number is one unit that reads as #."""
    rng = random.Random(500 + seed)
    counts = random_lexicon(rng, HAN[:6] + "##", 50, max_len=3)
    seg = Segmenter(counts)
    pieces = list(HAN[:6]) + ["1", "23", "４５", "3.5", "7%", "-8", "2G", "1,000", "。", " ", "\n"]
    for _ in range(20):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 30)))
        got, want = seg.cut(text), ref.cut(text, counts)
        assert "".join(got) == "".join(text.split())
        if got != want:  # only between cuts of equal cost
            cost, unknown = ref.costs_of(counts)
            code = lambda w: re.sub(r"\d+(?:[.．]\d+)*", "#", w)  # noqa: E731  (a number reads as #)
            price = lambda ws: sum(ref.word_cost(code(w), cost, unknown) for w in ws)  # noqa: E731
            assert math.isclose(price(got), price(want), rel_tol=1e-12), (text, got, want)


def test_numbers_with_their_units():
    seg = Segmenter({"#年": 50, "#": 100, "年": 20, "在": 30, "#月": 10, "月": 5})
    assert seg.cut("在2000年在") == ["在", "2000年", "在"]
    assert seg.cut("１２月３１日") == ["１２月", "３１", "日"]
    assert seg.cut("3.5年") == ["3.5年"]
    for text, words in {"-5年": ["-5", "年"], "3G年": ["3G", "年"], "1,000年": ["1,000", "年"],
                        "5%年": ["5%", "年"], "#年": ["#", "年"]}.items():
        assert seg.cut(text) == words, text  # no plain number: the rules group it, the lexicon does not


def test_grouping_rules():
    seg = Segmenter({"中国": 5, "人": 3})
    cases = {
        "中国人": ["中国", "人"],
        "3.5%的GDP": ["3.5%", "的", "GDP"],
        "１２３．４５％": ["１２３．４５％"],
        "1,000人 1,00 12,3456": ["1,000", "人", "1", ",", "00", "12", ",", "3456"],
        "气温-5到－3度": ["气", "温", "-5", "到", "－3", "度"],
        "1998-2000": ["1998", "-", "2000"],
        "e-mail it's COVID-19": ["e-mail", "it's", "COVID-19"],
        "——……。。": ["——", "……", "。。"],
        "（中国）": ["（", "中国", "）"],
        "x\u0301y 😀🏻": ["x\u0301y", "😀🏻"],
        "3.": ["3", "."],
        "": [],
        "   \t": [],
    }
    for text, words in cases.items():
        assert seg.cut(text) == words, text


def test_parallel_blocks_match_one_thread():
    rng = random.Random(7)
    counts = random_lexicon(rng, HAN, 400)
    seg = Segmenter(counts)
    table = class_table()
    text = "".join(rng.choice(ALPHABET) for _ in range(20_000))
    cps = _codepoints(text)
    serial = viterbi.mark_words_serial(cps, table, *seg._trie())
    for n_blocks in (1, 2, 3, 17, 200, 5000):
        bounds = viterbi.block_bounds(cps, table, n_blocks)
        assert bounds[0] == 0 and bounds[-1] == len(cps) and np.all(np.diff(bounds) >= 0)
        assert np.array_equal(viterbi.mark_words(cps, table, bounds, *seg._trie()), serial), n_blocks


def test_a_very_long_run_of_ideographs():
    rng = random.Random(3)
    counts = random_lexicon(rng, HAN[:6], 40, max_len=3)
    seg = Segmenter(counts)
    run = "".join(rng.choice(HAN[:6]) for _ in range(100_000))
    words = seg.cut(run)
    assert "".join(words) == run
    assert math.isclose(ref.total_cost(words, counts), ref.total_cost(ref.cut(run, counts), counts), rel_tol=1e-9)


def reference_line_bounds(data: bytes, n_blocks: int) -> list[int]:
    """Blocks of about equal size, each but the first starting where a line starts."""
    n, bounds = len(data), [0]
    starts = [i + 1 for i, byte in enumerate(data) if byte == 0x0A]
    for b in range(1, max(1, n_blocks)):
        p = max(n * b // max(1, n_blocks), bounds[-1])
        if p > 0:
            p = next((s for s in starts if s >= p), n)
        bounds.append(p)
    return bounds + [n]


@pytest.mark.parametrize("seed", range(6))
def test_line_bounds_match_the_reference(seed):
    rng = random.Random(seed)
    lines = ["中" * rng.choice([0, 1, 5, 300, 9000]) for _ in range(rng.randint(0, 40))]
    text = "\n".join(lines) + rng.choice(["", "\n"])
    data = text.encode("utf-8")
    array = np.frombuffer(data, dtype=np.uint8)
    for n_blocks in (1, 2, 3, 8, 64):
        assert viterbi.line_bounds(array, n_blocks).tolist() == reference_line_bounds(data, n_blocks)
    for data in (b"\n\n\n", b"abc", b"", b"a\n", b"\na"):
        for n_blocks in (1, 2, 3, 4):
            got = viterbi.line_bounds(np.frombuffer(data, dtype=np.uint8), n_blocks).tolist()
            assert got == reference_line_bounds(data, n_blocks), (data, n_blocks)
    assert viterbi.line_bounds(np.frombuffer(b"\n\n\n", dtype=np.uint8), 3).tolist() == [0, 1, 2, 3]
