"""Codes of string items by a kernel (:mod:`minent.itemsets.kernels.strings`) against the
dict of first sight that the pure-Python path uses, on random and edge-case items."""

from __future__ import annotations

import random
from itertools import chain

import numpy as np
import pytest

import minent
from minent.itemsets import mining
from minent.itemsets.kernels.strings import SEPARATOR, encode_strings, string_codes


def reference(baskets) -> tuple[list[int], list]:
    """Each distinct item the next code as it is first seen, in basket order."""
    code_of: dict = {}
    codes = [code_of.setdefault(item, len(code_of)) for item in chain.from_iterable(baskets)]
    return codes, list(code_of)


def check(baskets) -> None:
    total = sum(map(len, baskets))
    got = encode_strings(baskets, total)
    assert got is not None
    codes, labels = got
    want_codes, want_labels = reference(baskets)
    assert codes.dtype == np.int32
    assert codes.tolist() == want_codes
    assert labels == want_labels
    assert all(type(label) is str for label in labels)


PIECES = ["a", "b", "ab", "牛奶", "面包", "中国", "😀", "𠀀", "𠀀a", "", "0", "123", "x y", "é", "e\u0301",
          "\ud800", "\udc00", "\ud83d\ude00", "Ω", "ﬁ", "long" * 50]


def random_item(rng: random.Random) -> str:
    return "".join(rng.choice(PIECES) for _ in range(rng.randint(1, 3)))


@pytest.mark.parametrize("seed", range(8))
def test_random_baskets_match_the_dict(seed):
    rng = random.Random(seed)
    vocabulary = [random_item(rng) for _ in range(rng.choice([3, 40, 3000]))]
    baskets = [[rng.choice(vocabulary) for _ in range(rng.randint(0, 12))] for _ in range(rng.randint(1, 400))]
    if sum(map(len, baskets)):
        check(baskets)


def test_edge_cases():
    check([["a"]])
    check([[""]])  # the empty string is an item
    check([["", ""], [""], [], ["", "a"]])
    check([[], [], ["x"]])  # empty baskets first
    check([["😀", "\ud83d\ude00"]])  # an astral character and its surrogate pair are different strings
    check([["\ud800"], ["\ud800", "\udc00"]])  # lone surrogates
    check([["中" * 5000, "中" * 4999]])  # long items
    check([("a", "b"), ("b",), ("c", "a")])  # tuples
    check([{"a", "b"}, {"b", "c"}, frozenset({"c"})])  # sets: their own iteration order
    check([[np.str_("a"), "a", np.str_("b")]])  # str subclasses
    check([[f"item{i}" for i in range(20000)]])  # the table grows many times
    # up to 8 bytes a string is its own key, longer ones are hashed: around the edge
    check([["abcdefgh", "abcdefghi", "abcdefgh", "abcdefgi", "abcdefg", "abcdefghij", "abcdefghi", "中国人", "中国人民"]])


def test_what_the_dict_must_take():
    assert encode_strings([], 0) is None
    assert encode_strings([[]], 0) is None
    assert encode_strings([[1, 2]], 2) is None  # not strings
    assert encode_strings([["a", 1]], 2) is None  # a non-string later
    assert encode_strings([[b"a"]], 1) is None  # bytes
    assert encode_strings([["a" + SEPARATOR + "b", "c"]], 2) is None  # holds the separator
    assert encode_strings([[SEPARATOR]], 1) is None


def test_kernel_on_raw_bytes():
    rng = random.Random(3)
    tokens = [bytes(rng.choice(b"ab\xe4\xb8\xad") for _ in range(rng.randint(0, 4))) for _ in range(5000)]
    tokens += [bytes(rng.choice(b"ab") for _ in range(rng.randint(6, 12))) for _ in range(5000)]  # shared prefixes
    data = np.frombuffer(b"\0".join(tokens), dtype=np.uint8)
    codes, first, length = string_codes(data, len(tokens))
    want_codes, want_labels = reference([tokens])
    assert codes.tolist() == want_codes
    raw = data.tobytes()
    assert [raw[f:f + n] for f, n in zip(first.tolist(), length.tolist())] == want_labels


@pytest.mark.parametrize("counting", ["plain", "kernels"])
def test_apriori_same_itemsets_with_either_coding(monkeypatch, counting):
    rng = random.Random(11)
    vocabulary = [random_item(rng) for _ in range(12)]
    baskets = [rng.sample(vocabulary, rng.randint(0, 6)) for _ in range(300)]
    monkeypatch.setattr(mining, "COUNTING", counting)
    found = minent.apriori(baskets, min_count=15)
    monkeypatch.setattr(mining, "COUNTING", "plain")
    assert found.to_dict() == minent.apriori(baskets, min_count=15).to_dict()
    assert found.labels == minent.apriori(baskets, min_count=15).labels
