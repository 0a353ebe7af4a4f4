"""Apriori: kernels against plain-Python references, the API against brute force and pyfim."""

from __future__ import annotations

import math
import random
from itertools import chain, combinations
from pathlib import Path

import numpy as np
import pytest

import reference_apriori as ref
import minent
from minent import MinentError
from minent.itemsets import mining
from minent.itemsets import rules as rules_module
from minent.itemsets.mining import min_count_for
from minent.itemsets.kernels import support as K

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
FIM = SHARED / "data" / "fim"


def random_baskets(rng, n_baskets, n_items, density, max_extra_dupes=2):
    baskets = []
    for _ in range(n_baskets):
        b = [f"i{j}" for j in range(n_items) if rng.random() < density]
        b += rng.sample(b, min(len(b), rng.randint(0, max_extra_dupes)))  # duplicates count once
        rng.shuffle(b)
        baskets.append(b)
    return baskets


def as_dict(found):
    d = found.to_dict()
    assert len(d) == len(found), "an itemset was reported twice"
    return d


# ---------------------------------------------------------------------------------------
# kernels


def encoded(baskets_ids, n_items):
    codes = np.array(list(chain.from_iterable(baskets_ids)), dtype=np.int32)
    starts = np.zeros(len(baskets_ids) + 1, dtype=np.int64)
    starts[1:] = np.cumsum([len(b) for b in baskets_ids])
    return codes, starts


def random_ids(rng, n, n_items, density):
    return [[a for a in range(n_items) if rng.random() < density] * rng.randint(1, 2) for _ in range(n)]


@pytest.mark.parametrize("seed", range(4))
def test_unique_per_basket_matches_reference(seed):
    rng = random.Random(seed)
    ids = random_ids(rng, 50, 12, 0.3)
    for b in ids:
        rng.shuffle(b)
    codes, starts = encoded(ids, 12)
    got_codes, got_starts = K.unique_per_basket(codes, starts)
    want_codes, want_starts = ref.unique_per_basket(codes.tolist(), starts.tolist())
    assert got_codes.tolist() == want_codes and got_starts.tolist() == want_starts


@pytest.mark.parametrize("seed,density,min_count", [(0, 0.3, 2), (1, 0.6, 5), (2, 0.05, 1), (3, 0.9, 30)])
def test_frequent_pairs_matches_reference(seed, density, min_count):
    rng = random.Random(seed)
    m = 15
    ids = [sorted(set(b)) for b in random_ids(rng, 70, m, density)]
    codes, starts = encoded(ids, m)
    offsets, tids, positions = K.vertical_lists(codes, starts, m)
    for n_blocks in (1, 3):
        level, counts = K.frequent_pairs(codes, starts, offsets, tids, positions, m, min_count, n_blocks)
        got = [((int(a), int(b)), int(c)) for (a, b), c in zip(level.tolist(), counts.tolist())]
        assert got == ref.frequent_pairs(ids, min_count)


def random_level(rng, m, k, keep):
    """A random sorted k-level over ids 0..m-1 that is closed enough to make joins happen."""
    from itertools import combinations

    rows = [c for c in combinations(range(m), k) if rng.random() < keep]
    return np.array(rows, dtype=np.int32).reshape(len(rows), k)


@pytest.mark.parametrize("seed,k,keep", [(0, 2, 0.7), (1, 3, 0.8), (2, 4, 0.9), (3, 1, 1.0), (4, 3, 0.3)])
def test_candidate_extensions_match_join_and_prune(seed, k, keep):
    rng = random.Random(seed)
    level = random_level(rng, 9, k, keep)
    for n_blocks in (1, 4):
        ext_starts, ext_items = K.candidate_extensions(level, n_blocks)
        got = sorted(
            tuple(level[i].tolist()) + (int(ext_items[e]),)
            for i in range(len(level)) for e in range(ext_starts[i], ext_starts[i + 1])
        )
        assert got == ref.apriori_gen(level.tolist())


def test_nonzero_words_lists_the_set_words():
    bits = np.array([[0, 5, 0, 7], [0, 0, 0, 0], [1, 1, 1, 1]], dtype=np.uint64)
    starts, index = K.nonzero_words(bits)
    assert starts.tolist() == [0, 2, 2, 6] and index.tolist() == [1, 3, 0, 1, 2, 3]


def groups_of(level, ext_starts):
    """(starts, ends) of the groups of rows sharing their first k-1 items, in a shuffled order."""
    bounds = []
    i = 0
    while i < len(level):
        j = i + 1
        while j < len(level) and level[j, :-1].tolist() == level[i, :-1].tolist():
            j += 1
        if ext_starts[j] > ext_starts[i]:
            bounds.append((i, j))
        i = j
    random.Random(len(bounds)).shuffle(bounds)
    return (np.array([b[0] for b in bounds], dtype=np.int64).reshape(-1),
            np.array([b[1] for b in bounds], dtype=np.int64).reshape(-1))


@pytest.mark.parametrize("method", [0, 1, 2])
@pytest.mark.parametrize("seed,n,density,k", [(0, 40, 0.5, 3), (1, 300, 0.15, 3), (2, 150, 0.8, 3),
                                              (3, 200, 0.4, 2), (4, 1000, 0.5, 4)])
def test_count_groups_every_method_matches_reference(method, seed, n, density, k):
    rng = random.Random(seed)
    m = 10
    ids = [sorted(set(b)) for b in random_ids(rng, n, m, density)]
    codes, starts = encoded(ids, m)
    offsets, tids, positions = K.vertical_lists(codes, starts, m)
    bits = K.item_bitsets(offsets, tids, n)
    word_starts, word_index = K.nonzero_words(bits)
    level = random_level(rng, m, k, 0.9)
    ext_starts, ext_items = K.candidate_extensions(level, 2)
    group_starts, group_ends = groups_of(level, ext_starts)
    got = K.count_groups(level, ext_starts, ext_items, bits, word_starts, word_index, group_starts, group_ends,
                         3, method)
    candidates = [tuple(level[i].tolist()) + (int(ext_items[e]),)
                  for i in range(len(level)) for e in range(ext_starts[i], ext_starts[i + 1])]
    assert len(candidates) > 0
    assert got.tolist() == ref.support_counts(ids, candidates)
    nxt, nxt_counts = K.next_level(level, ext_starts, ext_items, got, 4)
    want = [(c, s) for c, s in zip(candidates, got.tolist()) if s >= 4]
    assert [tuple(r) for r in nxt.tolist()] == [c for c, _ in want] == sorted(c for c, _ in want)
    assert nxt_counts.tolist() == [s for _, s in want]


# ---------------------------------------------------------------------------------------
# the API against brute force


CASES = [
    # seed, baskets, items, density, min_count, max_len
    (0, 30, 8, 0.4, 3, None),
    (1, 60, 9, 0.6, 10, None),
    (2, 200, 10, 0.25, 5, None),
    (3, 25, 7, 0.9, 12, None),
    (4, 80, 10, 0.5, 8, 2),
    (5, 80, 10, 0.5, 8, 3),
    (6, 10, 6, 0.5, 1, None),
    (7, 500, 8, 0.1, 2, None),
]


@pytest.mark.parametrize("counting,method", [("kernels", 0), ("kernels", 1), ("kernels", 2), ("plain", 0)])
@pytest.mark.parametrize("seed,n,m,density,min_count,max_len", CASES)
def test_apriori_equals_brute_force(monkeypatch, counting, method, seed, n, m, density, min_count, max_len):
    monkeypatch.setattr(mining, "COUNTING", counting)  # small data would take the plain path by itself
    monkeypatch.setattr(mining, "COUNT_METHOD", method)
    baskets = random_baskets(random.Random(seed), n, m, density)
    found = minent.apriori(baskets, min_count=min_count, max_len=max_len)
    assert as_dict(found) == ref.brute_force_itemsets(baskets, min_count, max_len)


def test_one_basket():
    found = minent.apriori([["a", "b", "c", "b"]], min_support=1.0)
    assert as_dict(found) == ref.brute_force_itemsets([["a", "b", "c"]], 1)
    assert len(found) == 7


def test_all_baskets_identical():
    baskets = [["x", "y", "z", "w"]] * 9
    found = minent.apriori(baskets, min_support=0.5)
    assert as_dict(found) == ref.brute_force_itemsets(baskets, 5)
    assert all(c == 9 for c in as_dict(found).values()) and len(found) == 15


def test_an_item_in_every_basket():
    rng = random.Random(11)
    baskets = [b + ["always"] for b in random_baskets(rng, 40, 7, 0.4)]
    found = minent.apriori(baskets, min_count=4)
    d = as_dict(found)
    assert d == ref.brute_force_itemsets(baskets, 4)
    assert d[frozenset(["always"])] == 40


def test_max_len_one_gives_the_frequent_items():
    baskets = random_baskets(random.Random(5), 50, 8, 0.5)
    found = minent.apriori(baskets, min_count=10, max_len=1)
    assert as_dict(found) == ref.brute_force_itemsets(baskets, 10, max_len=1)
    assert all(len(s) == 1 for s, _ in found)


def test_no_frequent_item_gives_an_empty_result():
    found = minent.apriori([["a"], ["b"], ["c"]], min_count=2)
    assert len(found) == 0 and list(found) == []


def test_empty_baskets_count_as_baskets():
    found = minent.apriori([["a", "b"], [], ["a"], []], min_support=0.5)
    assert as_dict(found) == {frozenset(["a"]): 2}


def test_any_iterable_of_hashables():
    baskets = ((i % 3, (i * 7) % 5, frozenset([1])) for i in range(30))
    materialised = [(i % 3, (i * 7) % 5, frozenset([1])) for i in range(30)]
    found = minent.apriori((iter(b) for b in baskets), min_count=3)
    assert as_dict(found) == ref.brute_force_itemsets(materialised, 3)


@pytest.mark.parametrize("fraction,n,count", [(0.3, 10, 3), (0.0002, 88162, 18), (0.1, 8124, 813),
                                              (0.6, 3196, 1918), (1.0, 7, 7), (1e-9, 100, 1), (0.25, 4, 1)])
def test_fractional_support_is_ceil_of_the_exact_product(fraction, n, count):
    assert min_count_for(fraction, n) == count == max(1, math.ceil(round(fraction * n, 9)))


def test_min_support_fraction_and_count_agree():
    baskets = random_baskets(random.Random(3), 40, 8, 0.5)
    assert as_dict(minent.apriori(baskets, min_support=0.3)) == as_dict(minent.apriori(baskets, min_count=12))


@pytest.mark.parametrize("kwargs,message", [
    ({"min_support": 0}, "in (0, 1]"),
    ({"min_support": 1.5}, "in (0, 1]"),
    ({"min_support": -0.1}, "in (0, 1]"),
    ({"min_count": 0}, "at least 1"),
    ({"min_count": 2.5}, "whole number"),
    ({"min_support": 0.5, "min_count": 2}, "not both"),
    ({"min_support": 0.5, "max_len": 0}, "at least 1"),
    ({"min_support": 0.5, "max_len": "2"}, "whole number"),
    ({"min_support": "half"}, "must be a number"),
])
def test_bad_thresholds_raise_minent_error(kwargs, message):
    with pytest.raises(MinentError, match=message.replace("(", r"\(").replace(")", r"\)").replace("]", r"\]")):
        minent.apriori([["a", "b"]], **kwargs)


@pytest.mark.parametrize("transactions,message", [
    ([], "no baskets"),
    ([[], []], "no items"),
    (["abc", ["a"]], "not a string"),
    ([[["unhashable"]]], "hashable"),
    ("abc", "not a string"),
])
def test_bad_transactions_raise_minent_error(transactions, message):
    with pytest.raises(MinentError, match=message):
        minent.apriori(transactions, min_support=0.5)


# ---------------------------------------------------------------------------------------
# rules


@pytest.mark.parametrize("seed,min_confidence", [(0, 0.0), (1, 0.5), (2, 0.8), (3, 1.0)])
def test_rules_equal_brute_force(seed, min_confidence):
    baskets = random_baskets(random.Random(seed), 60, 7, 0.55)
    found = minent.apriori(baskets, min_count=6)
    rules = minent.association_rules(found, min_confidence=min_confidence)
    want = ref.brute_force_rules(as_dict(found), len(baskets), min_confidence)
    got = {(frozenset(r.antecedent), frozenset(r.consequent)):
           (r.count, r.support, r.confidence, r.lift, r.leverage, r.conviction) for r in rules}
    assert len(got) == len(rules) and got.keys() == want.keys()
    for key, values in want.items():
        assert got[key] == pytest.approx(values, rel=1e-12)
    lifts = [(r.lift, r.confidence) for r in rules]
    assert lifts == sorted(lifts, reverse=True)


def test_rules_sort_top_and_plain_dict_input():
    baskets = random_baskets(random.Random(9), 50, 6, 0.6)
    found = minent.apriori(baskets, min_count=5)
    by_support = minent.association_rules(found, min_confidence=0.3, sort="support")
    assert [r.support for r in by_support] == sorted((r.support for r in by_support), reverse=True)
    top = minent.association_rules(found, min_confidence=0.3, sort="support", top=3)
    assert top == by_support[:3]
    from_dict = minent.association_rules(dict(found), min_confidence=0.3, sort="support", n_baskets=50)
    assert {(frozenset(r.antecedent), frozenset(r.consequent)) for r in from_dict} == \
        {(frozenset(r.antecedent), frozenset(r.consequent)) for r in by_support}


@pytest.mark.parametrize("kwargs,message", [
    ({"min_confidence": 1.5}, r"\[0, 1\]"), ({"min_confidence": -0.1}, r"\[0, 1\]"),
    ({"sort": "size"}, "sorted by"),
])
def test_bad_rule_options_raise(kwargs, message):
    found = minent.apriori([["a", "b"], ["a"]], min_count=1)
    with pytest.raises(MinentError, match=message):
        minent.association_rules(found, **kwargs)


# ---------------------------------------------------------------------------------------
# pyfim, the reference implementation


def pyfim_itemsets(fim, baskets, min_count, max_len=None):
    kwargs = {} if max_len is None else {"zmax": max_len}
    return {frozenset(s): c for s, c in fim.apriori(baskets, target="s", supp=-min_count, zmin=1,
                                                    report="a", **kwargs)}


def same_as_pyfim(ours, theirs, baskets):
    """pyfim 6.28 leaves out itemsets made only of items present in every basket (it treats
    them like the empty set); everything else must agree exactly."""
    everywhere = set.intersection(*(set(b) for b in baskets))
    missing = {s for s in ours.keys() - theirs.keys() if s <= everywhere}
    return {s: c for s, c in ours.items() if s not in missing} == theirs


@pytest.mark.parametrize("seed", range(5))
def test_matches_pyfim_on_random_databases(seed):
    fim = pytest.importorskip("fim")
    rng = random.Random(seed)
    baskets = [sorted(set(b)) for b in random_baskets(rng, 300, 25, rng.choice([0.1, 0.3, 0.5]))]
    min_count = rng.choice([3, 10, 30])
    ours = as_dict(minent.apriori(baskets, min_count=min_count))
    assert same_as_pyfim(ours, pyfim_itemsets(fim, baskets, min_count), baskets)


def read_fimi(name):
    path = FIM / f"{name}.dat"
    if not path.exists():
        pytest.skip(f"shared data set {path} is absent")
    return [line.split() for line in path.read_text().splitlines() if line.strip()]


@pytest.mark.parametrize("name,min_support,counting", [
    ("chess", 0.8, "auto"), ("chess", 0.8, "kernels"), ("mushroom", 0.3, "auto"), ("mushroom", 0.3, "kernels"),
    ("retail", 0.001, "auto"), ("T10I4D100K", 0.002, "auto")])  # auto: plain Python for chess and mushroom
def test_matches_pyfim_on_fimi_sets(monkeypatch, name, min_support, counting):
    fim = pytest.importorskip("fim")
    monkeypatch.setattr(mining, "COUNTING", counting)
    baskets = read_fimi(name)
    ours = minent.apriori(baskets, min_support=min_support)
    assert ours.min_count == math.ceil(round(min_support * len(baskets), 9))
    theirs = pyfim_itemsets(fim, baskets, ours.min_count)
    assert len(theirs) > 100
    assert same_as_pyfim(as_dict(ours), theirs, baskets)


# ---------------------------------------------------------------------------------------
# rules: same list, order and values as the plain-Python implementation they replaced


def previous_rules(itemsets, min_confidence, n_baskets=None, sort="lift", top=None):
    """The rules code before it moved to numpy arrays (Rule objects, one list.sort)."""
    Rule = rules_module.Rule
    if isinstance(itemsets, mining.FrequentItemsets):
        n_baskets = itemsets.n_baskets
        pairs = itemsets
    else:
        pairs = itemsets.items() if isinstance(itemsets, dict) else itemsets
    count_of, order = {}, {}
    for itemset, count in pairs:
        count_of[frozenset(itemset)] = int(count)
        for item in itemset:
            order.setdefault(item, len(order))
    n = float(n_baskets)

    def as_tuple(items):
        return tuple(sorted(items, key=order.__getitem__))

    def grow(consequents):
        passed, grown = set(consequents), set()
        for a, b in combinations(consequents, 2):
            union = a | b
            if len(union) == len(a) + 1 and all(union - {x} in passed for x in union):
                grown.add(union)
        return list(grown)

    rules = []
    for itemset, count in count_of.items():
        if len(itemset) < 2:
            continue
        consequents = [frozenset([x]) for x in itemset]
        while consequents:
            passed = []
            for consequent in consequents:
                antecedent = itemset - consequent
                a_count, b_count = count_of[antecedent], count_of[consequent]
                confidence = count / a_count
                if confidence + 1e-12 < min_confidence:
                    continue
                passed.append(consequent)
                support, b_support = count / n, b_count / n
                conviction = math.inf if confidence >= 1.0 else (1.0 - b_support) / (1.0 - confidence)
                rules.append(Rule(as_tuple(antecedent), as_tuple(consequent), count, support, confidence,
                                  confidence / b_support, support - (a_count / n) * b_support, conviction))
            if not passed or len(passed[0]) + 1 >= len(itemset):
                break
            consequents = grow(passed)
    rules.sort(key=lambda r: (-getattr(r, sort), -r.confidence, -r.support, len(r.antecedent),
                              [str(x) for x in r.antecedent], [str(x) for x in r.consequent]))
    return rules if top is None else rules[:top]


CLASSIC_KEYS = ("lift", "confidence", "support", "leverage", "conviction")


def classic(rules: list) -> list:
    """Rules with only the measures the previous code computed (the others left at their default)."""
    return [rules_module.Rule(*[getattr(r, f) for f in ("antecedent", "consequent", "count", "support", "confidence",
                                                         "lift", "leverage", "conviction")]) for r in rules]


def labelled_baskets(rng, n_baskets, labels, density):
    """Baskets over ``labels`` (any hashables), denser for the first labels: many equal counts."""
    return [[x for i, x in enumerate(labels) if rng.random() < density / (1 + i / 4)] for _ in range(n_baskets)]


LABEL_SETS = [
    [f"i{j}" for j in range(9)],
    [10, "9", 2, "b", "a|b", 1.5, ("t", 1), "Z", "é"],  # text order differs from id and insertion order
]


@pytest.mark.parametrize("chunk", [None, 7])
@pytest.mark.parametrize("seed", range(6))
def test_rules_same_list_order_and_values_as_before(monkeypatch, seed, chunk):
    if chunk:  # every bounded piece: row batches, consequent pieces, sort merges and windows
        monkeypatch.setattr(rules_module, "_CHUNK", chunk)
    rng = random.Random(seed)
    labels = LABEL_SETS[seed % 2]
    baskets = labelled_baskets(rng, rng.choice([12, 40, 90]), labels, rng.choice([0.5, 0.8]))
    found = minent.apriori(baskets, min_count=rng.choice([1, 2, 3]))
    for sort in CLASSIC_KEYS:  # the measures the previous code had (the others: tests/itemsets/test_rule_measures.py)
        for min_confidence in (0.0, 0.45, 0.8, 1.0):
            want = previous_rules(found, min_confidence, sort=sort)
            assert classic(minent.association_rules(found, min_confidence, sort=sort)) == want
            assert classic(minent.association_rules(found, min_confidence, sort=sort, top=7)) == want[:7]
    pairs = list(found)
    rng.shuffle(pairs)  # another first-sight order of the items: another order inside each side
    assert classic(minent.association_rules(pairs, 0.3, n_baskets=len(baskets))) == previous_rules(pairs, 0.3, len(baskets))
    best = rules_module.max_confidence(found)
    confidences = [r.confidence for r in previous_rules(found, 0.0)]
    assert best == (max(confidences) if confidences else None)


@pytest.mark.parametrize("seed", range(3))
def test_lexorder_is_a_stable_lexsort_in_bounded_pieces(monkeypatch, seed):
    monkeypatch.setattr(rules_module, "_CHUNK", 16)
    rng = np.random.default_rng(seed)
    n = 3000
    first = rng.integers(0, 3, n).astype(float) * np.where(rng.random(n) < 0.5, -0.0, 0.0)  # -0.0 == 0.0
    keys = [first, rng.integers(0, 2, n), np.zeros(n), rng.integers(0, 40, n), rng.integers(0, 3, n)]
    lazy = keys[:3] + [lambda rows: keys[3][rows], keys[4]]
    want = np.lexsort(list(reversed(keys)))  # stable: ties keep row order
    assert np.array_equal(rules_module._lexorder(lazy, n), want)
    assert np.array_equal(rules_module._lexorder([keys[1]], n), np.argsort(keys[1], kind="stable"))


def test_str_ranks_merge_pieces(monkeypatch):
    monkeypatch.setattr(rules_module, "_CHUNK", 3)
    labels = ["b", 10, "a", 2, "10", "é", "A", "b ", 1.0, "1.0"]
    ranks = rules_module._str_ranks(labels)
    texts = sorted(set(map(str, labels)))
    assert ranks.tolist() == [texts.index(str(x)) + 1 for x in labels]


@pytest.mark.parametrize("itemsets,message", [
    ({("a",): 3, ("a", "b"): 2}, "not closed under subsets"),
    ({("a",): 3, ("b",): 2, ("c",): 2, ("a", "b", "c"): 2, ("a", "b"): 2, ("b", "c"): 2}, "not closed"),
    ({("a",): 0, ("b",): 2, ("a", "b"): 0}, "count of 0"),
    ({("a",): 2**70, ("b",): 2, ("a", "b"): 1}, "counts must be between"),
    ({("a",): "many"}, "whole-number counts"),
    ([("a", 1, 2)], r"\(itemset, count\) pairs"),
])
def test_rules_from_bad_itemsets_raise_minent_error(itemsets, message):
    with pytest.raises(MinentError, match=message):
        minent.association_rules(itemsets, 0.0, n_baskets=10)


def test_rules_never_sort_or_search_more_than_a_chunk_at_once(monkeypatch):
    """The rules code returns to Python (where Ctrl-C is handled) between bounded C calls."""
    chunk = 64
    monkeypatch.setattr(rules_module, "_CHUNK", chunk)
    baskets = labelled_baskets(random.Random(5), 300, [f"i{j}" for j in range(14)], 0.9)
    found = minent.apriori(baskets, min_count=3)
    want = previous_rules(found, 0.2)
    assert len(want) > 50 * chunk and len(found) > 10 * chunk
    largest = {}

    def bounded(name, size_of):
        original = getattr(np, name)

        def call(*args, **kwargs):
            largest[name] = max(largest.get(name, 0), size_of(*args))
            return original(*args, **kwargs)
        monkeypatch.setattr(np, name, call)

    bounded("argsort", lambda a, *rest: len(a))
    bounded("lexsort", lambda keys, *rest: len(keys[0]))
    bounded("searchsorted", lambda a, v, *rest: np.size(v))
    assert classic(minent.association_rules(found, 0.2)) == want
    assert largest.keys() == {"argsort", "lexsort", "searchsorted"} and max(largest.values()) <= chunk


def test_a_confidence_a_rounding_error_under_the_minimum_passes():
    baskets = [["a", "b"]] * 3 + [["a"]] * 7  # a => b: 3 / 10 = 0.3, just under 0.1 + 0.2
    found = minent.apriori(baskets, min_count=1)
    rules = minent.association_rules(found, 0.1 + 0.2)
    assert [(r.antecedent, r.consequent, r.confidence) for r in rules] == [(("b",), ("a",), 1.0),
                                                                         (("a",), ("b",), 0.3)]


def test_no_itemsets_no_rules():
    nothing = minent.apriori([["a", "b"], ["c"]], min_count=5)  # not even one frequent item
    assert minent.association_rules(nothing, 0.0) == [] and rules_module.max_confidence(nothing) is None
    assert minent.association_rules({}, 0.0, n_baskets=3) == []


def test_more_rules_than_memory_holds_is_an_error_not_an_exhausted_machine(monkeypatch):
    baskets = random_baskets(random.Random(3), 200, 8, 0.8)
    found = minent.apriori(baskets, min_count=20)
    n_rules = len(minent.association_rules(found, min_confidence=0.5))
    assert n_rules > 100
    monkeypatch.setattr(rules_module, "MAX_RULES", n_rules)  # exactly enough: fine
    assert len(minent.association_rules(found, min_confidence=0.5)) == n_rules
    monkeypatch.setattr(rules_module, "MAX_RULES", n_rules // 2)
    with pytest.raises(MinentError, match=r"the rules would need more than .* GB of memory .*--max-len"):
        minent.association_rules(found, min_confidence=0.5)
    assert rules_module._max_rules() == n_rules // 2
    monkeypatch.setattr(rules_module, "MAX_RULES", None)  # by default: half the machine's memory
    assert rules_module._max_rules() * rules_module.BYTES_PER_RULE > 1 << 28


@pytest.mark.parametrize("chunk,slack", [(1 << 17, 1 << 20), (7, 5), (1 << 17, 1)])  # small: pieces, narrowing
@pytest.mark.parametrize("sort", ["lift", "confidence", "support", "leverage", "conviction", "jaccard"])
def test_top_rules_are_the_head_of_the_full_order(monkeypatch, chunk, slack, sort):
    """--top keeps (as the rules are found) and orders only the rows that can make the head
    (many ties: counts of small data)."""
    monkeypatch.setattr(rules_module, "_CHUNK", chunk)
    monkeypatch.setattr(rules_module, "_HEAD_SLACK", slack)
    baskets = random_baskets(random.Random(21), 60, 7, 0.6)
    found = minent.apriori(baskets, min_count=4)
    every = rules_module.rule_table(found, min_confidence=0.2, sort=sort)
    assert len(every) > 200
    for top in (0, 1, 5, 37, len(every) - 1, len(every), len(every) + 3):
        head = rules_module.rule_table(found, min_confidence=0.2, sort=sort, top=top)
        assert len(head) == min(top, len(every))
        for name in ("a_len", "a_idx", "b_len", "b_idx", sort):
            assert np.array_equal(head.columns[name], every.columns[name][:top], equal_nan=True), (top, name)


def test_a_short_head_of_many_rules_fits_where_all_of_them_would_not(monkeypatch):
    baskets = random_baskets(random.Random(3), 200, 8, 0.8)
    found = minent.apriori(baskets, min_count=20)
    every = rules_module.rule_table(found, min_confidence=0.5)
    monkeypatch.setattr(rules_module, "_CHUNK", 16)  # rules arrive in many small pieces
    monkeypatch.setattr(rules_module, "_HEAD_SLACK", 10)
    monkeypatch.setattr(rules_module, "MAX_RULES", len(every) // 4)
    head = rules_module.rule_table(found, min_confidence=0.5, top=5)
    assert np.array_equal(head.columns["lift"], every.columns["lift"][:5])
    with pytest.raises(MinentError, match="the rules would need more than"):
        rules_module.rule_table(found, min_confidence=0.5)  # all of them: over the limit
    with pytest.raises(MinentError, match="the rules would need more than"):  # pruning needs them all
        rules_module.rule_table(found, min_confidence=0.5, top=5, prune_redundant=True)
