"""Antecedent / consequent constraints and redundant-rule pruning, against plain-Python
references on random data and on groceries, through the API and the `minent apriori` process."""

from __future__ import annotations

import random
import subprocess
import sys
from itertools import combinations
from pathlib import Path

import pytest

import minent
import minent.itemsets
import reference_apriori as ref

GROCERIES = Path("/work/shared/data/fim/groceries.csv")
ITEMS = "abcdefgh"


def random_baskets(rng: random.Random, n: int) -> list[list[str]]:
    weights = [rng.uniform(0.1, 0.9) for _ in ITEMS]
    return [[x for x, w in zip(ITEMS, weights) if rng.random() < w] for _ in range(n)]


def constrained_reference(itemsets, n, min_confidence, lhs=None, rhs=None):
    """The brute-force rules whose antecedent is a subset of ``lhs`` and consequent a subset of ``rhs``."""
    return {(a, b): v for (a, b), v in ref.brute_force_rules(itemsets, n, min_confidence).items()
            if (lhs is None or a <= set(lhs)) and (rhs is None or b <= set(rhs))}


def redundant_reference(itemsets, rules):
    """arules' is.redundant on counts: a non-empty proper subset A' of A with conf(A' => B) >= conf(A => B)."""
    out = set()
    for a, b in rules:
        conf = itemsets[a | b] / itemsets[a]
        for size in range(1, len(a)):
            if any(itemsets[frozenset(g) | b] / itemsets[frozenset(g)] >= conf
                   for g in combinations(sorted(a), size)):
                out.add((a, b))
                break
    return out


def as_dict(rules):
    return {(frozenset(r.antecedent), frozenset(r.consequent)): r for r in rules}


@pytest.mark.parametrize("seed", range(30))
def test_constraints_match_the_filtered_brute_force(seed):
    rng = random.Random(seed)
    baskets = random_baskets(rng, rng.choice([20, 80, 200]))
    min_count, min_conf = rng.choice([1, 2, 5]), rng.choice([0.0, 0.3, 0.7])
    found = minent.apriori(baskets, min_count=min_count)
    itemsets = ref.brute_force_itemsets(baskets, min_count)
    frequent = sorted({x for s in itemsets for x in s})
    lhs = rng.sample(frequent, rng.randint(1, len(frequent))) if rng.random() < 0.7 else None
    rhs = rng.sample(frequent, rng.randint(1, min(3, len(frequent)))) if rng.random() < 0.7 or lhs is None else None
    want = constrained_reference(itemsets, len(baskets), min_conf, lhs, rhs)
    got = as_dict(minent.association_rules(found, min_conf, antecedents=lhs, consequents=rhs))
    assert set(got) == set(want)
    for key, r in got.items():
        assert (r.count, r.confidence) == (want[key][0], pytest.approx(want[key][2], rel=1e-12))
    # the same rules, in the same order, as filtering all rules afterwards
    every = minent.association_rules(found, min_conf)
    kept = [r for r in every if (lhs is None or set(r.antecedent) <= set(lhs))
            and (rhs is None or set(r.consequent) <= set(rhs))]
    assert minent.association_rules(found, min_conf, antecedents=lhs, consequents=rhs) == kept


def test_an_item_on_both_sides_and_a_forced_consequent():
    baskets = [["a", "b", "c"], ["a", "b"], ["a", "c"], ["b", "c"], ["a", "b", "c"]]
    found = minent.apriori(baskets, min_count=1)
    # antecedent within {a}: every other item of a rule must follow
    rules = minent.association_rules(found, 0.0, antecedents=["a"])
    assert {(r.antecedent, frozenset(r.consequent)) for r in rules} == {
        (("a",), frozenset("b")), (("a",), frozenset("c")), (("a",), frozenset("bc"))}
    # a single string is one item; an item may be named for both sides
    assert minent.association_rules(found, 0.0, consequents="a") == minent.association_rules(found, 0.0,
                                                                                              consequents=["a"])
    both = minent.association_rules(found, 0.0, antecedents=["a", "b"], consequents=["a", "b"])
    assert {(r.antecedent, r.consequent) for r in both} == {(("a",), ("b",)), (("b",), ("a",))}
    assert minent.association_rules(found, 0.0, consequents=[]) == []


def test_unknown_and_infrequent_items_give_no_rules_and_are_noted():
    baskets = [["a", "b"], ["a", "b"], ["a", "c"], ["b"]]
    found = minent.apriori(baskets, min_count=2)
    table = minent.itemsets.rule_table(found, 0.0, consequents=["a", "zzz"])
    assert {r.consequent for r in table.rules()} == {("a",)} and table.absent == {"consequents": ["zzz"]}
    table = minent.itemsets.rule_table(found, 0.0, antecedents=["q"])
    assert len(table) == 0 and table.absent == {"antecedents": ["q"]} and table.infrequent == {}
    table = minent.itemsets.rule_table(found, 0.0, consequents=["c"])  # c is in one basket only
    assert len(table) == 0 and table.infrequent == {"consequents": ["c"]}
    table = minent.itemsets.rule_table(found, 0.0, consequents=["c", "a"])
    assert {r.consequent for r in table.rules()} == {("a",)} and table.infrequent == {"consequents": ["c"]}
    # itemsets given as pairs do not know the baskets: an absent item just allows nothing
    pairs = {("a",): 3, ("b",): 3, ("a", "b"): 2}
    assert minent.association_rules(pairs, 0.0, n_baskets=4, consequents=["zzz"]) == []


def test_constraints_are_applied_while_splitting_not_after(monkeypatch):
    """Rows that cannot give a wanted consequent are never looked up."""
    from minent.itemsets import rules as R

    baskets = random_baskets(random.Random(5), 300)
    found = minent.apriori(baskets, min_count=3)
    looked_up = []
    original = R._Levels.find

    def counting_find(self, q):
        looked_up.append(len(q))
        return original(self, q)

    monkeypatch.setattr(R._Levels, "find", counting_find)
    R.rule_table(found, 0.0)
    every = sum(looked_up)
    looked_up.clear()
    rare = found.labels[0]  # the least frequent item
    table = R.rule_table(found, 0.0, consequents=[rare])
    assert len(table) and sum(looked_up) < every / 4


@pytest.mark.parametrize("seed", range(30))
def test_redundant_rules_match_brute_force(seed):
    rng = random.Random(100 + seed)
    baskets = random_baskets(rng, rng.choice([10, 60, 250]))
    min_count, min_conf = rng.choice([1, 2, 4]), rng.choice([0.0, 0.2, 0.6])
    found = minent.apriori(baskets, min_count=min_count)
    itemsets = ref.brute_force_itemsets(baskets, min_count)
    every = minent.association_rules(found, min_conf)
    redundant = redundant_reference(itemsets, set(as_dict(every)))
    pruned = minent.association_rules(found, min_conf, prune_redundant=True)
    assert pruned == [r for r in every if (frozenset(r.antecedent), frozenset(r.consequent)) not in redundant]
    table = minent.itemsets.rule_table(found, min_conf, prune_redundant=True)
    assert table.n_redundant == len(redundant) and len(table) == len(every) - len(redundant)


def test_redundancy_on_a_small_case_by_hand():
    # conf(a => c) = 3/4 > conf(a, b => c) = 2/3: redundant; conf(d => c) = 1 = conf(a, d => c): equal
    # is redundant too; b => c (2/4) has no more general rule
    baskets = [["a", "b", "c"], ["a", "b", "c"], ["a", "b"], ["a", "c", "d"], ["b"]]
    found = minent.apriori(baskets, min_count=1)
    rules = minent.association_rules(found, 0.0, consequents=["c"])
    assert {frozenset(r.antecedent) for r in rules} == {frozenset(x) for x in ("a", "b", "d", "ab", "ad")}
    kept = minent.association_rules(found, 0.0, consequents=["c"], prune_redundant=True)
    assert {frozenset(r.antecedent) for r in kept} == {frozenset(x) for x in ("a", "b", "d")}


def test_redundant_hidden_general_rules_still_count():
    """--min-len hides a => c, but a, b => c is no better, so it stays dropped."""
    baskets = [["a", "b", "c"], ["a", "b", "c"], ["a", "b"], ["a", "c"]]
    found = minent.apriori(baskets, min_count=1)
    rules = minent.association_rules(found, 0.0, min_len=3, prune_redundant=True)
    assert (("a", "b"), ("c",)) not in {(tuple(sorted(r.antecedent)), r.consequent) for r in rules}


@pytest.mark.skipif(not GROCERIES.exists(), reason="groceries data not present")
def test_groceries_constraints_and_redundancy():
    baskets = [line.split(",") for line in GROCERIES.read_text(encoding="utf-8").splitlines() if line]
    found = minent.apriori(baskets, min_support=0.003)
    itemsets = {frozenset(s): c for s, c in found}
    every = minent.association_rules(found, 0.1)
    keys = set(as_dict(every))
    redundant = redundant_reference(itemsets, keys)
    assert 0 < len(redundant) < len(keys)
    pruned = minent.association_rules(found, 0.1, prune_redundant=True)
    assert pruned == [r for r in every if (frozenset(r.antecedent), frozenset(r.consequent)) not in redundant]
    milk = minent.association_rules(found, 0.1, consequents=["whole milk"], prune_redundant=True)
    assert milk == [r for r in pruned if r.consequent == ("whole milk",)] and len(milk) > 20
    lhs = ["yogurt", "rolls/buns", "other vegetables", "root vegetables"]
    got = minent.association_rules(found, 0.1, antecedents=lhs, consequents=["whole milk", "soda"])
    assert got == [r for r in every if set(r.antecedent) <= set(lhs) and set(r.consequent) <= {"whole milk", "soda"}]
    assert got


def run_minent(*args):
    return subprocess.run([sys.executable, "-m", "minent", *map(str, args)], capture_output=True, text=True,
                          timeout=120)


def rule_keys(stdout: str) -> list[tuple[str, str]]:
    lines = stdout.splitlines()
    assert lines[0].startswith("antecedent\tconsequent")
    return [tuple(line.split("\t")[:2]) for line in lines[1:]]


def test_the_command_takes_lhs_rhs_and_prune_redundant(tmp_path):
    baskets = random_baskets(random.Random(11), 300)
    path = tmp_path / "b.csv"
    path.write_text("\n".join(",".join(b) for b in baskets if b) + "\n", encoding="utf-8")
    n = sum(1 for b in baskets if b)
    found = minent.apriori([b for b in baskets if b], min_support=0.05)
    args = ("apriori", path, "-s", "0.05", "-c", "0.3", "--no-header")
    every = rule_keys(run_minent(*args, "-q").stdout)
    done = run_minent(*args, "-q", "--rhs", "a", "--rhs", "b", "--lhs", "c", "--lhs", "d", "--lhs", "e")
    assert done.returncode == 0 and done.stderr == ""
    want = [(x, y) for x, y in every if set(x.split(" | ")) <= set("cde") and set(y.split(" | ")) <= set("ab")]
    assert rule_keys(done.stdout) == want and want
    done = run_minent(*args, "--prune-redundant")
    assert done.returncode == 0
    pruned = minent.association_rules(found, 0.3, prune_redundant=True)
    assert rule_keys(done.stdout) == [(" | ".join(r.antecedent), " | ".join(r.consequent)) for r in pruned]
    assert f"{len(every) - len(pruned):,} redundant" in done.stderr and n


def test_the_command_explains_unknown_and_infrequent_items(tmp_path):
    path = tmp_path / "b.csv"
    path.write_text("a,b\na,b\na,b,c\nb,d\n", encoding="utf-8")
    done = run_minent("apriori", path, "--min-count", "2", "-c", "0.1", "--rhs", "nosuch", "-q", "-o",
                      tmp_path / "r.tsv")
    assert done.returncode == 0 and done.stderr.strip() == ("minent: warning: --rhs 'nosuch' is in none of the "
                                                            "baskets: no rule has it")
    assert (tmp_path / "r.tsv").read_text(encoding="utf-8").count("\n") == 1  # the header alone
    done = run_minent("apriori", path, "--min-count", "2", "-c", "0.1", "--lhs", "a", "--lhs", "zz")
    assert done.returncode == 0 and "warning: --lhs 'zz' is in none of the baskets" in done.stderr
    assert done.stdout.count("\n") > 1  # the rules of --lhs a
    done = run_minent("apriori", path, "--min-count", "2", "-c", "0.1", "--rhs", "c")
    assert done.returncode == 0 and done.stdout.count("\n") == 1
    assert done.stderr.splitlines()[0] == ("minent: --rhs 'c' is in 1 basket, fewer than the minimum count 2: "
                                           "no frequent itemset holds it, so no rule has it")
    assert "no rules" not in done.stderr  # the note says why
    done = run_minent("apriori", path, "--min-count", "2", "-c", "0.1", "--lhs", "d", "--lhs", "c", "-q")
    assert done.returncode == 0 and done.stdout.count("\n") == 1 and done.stderr == ""
    done = run_minent("apriori", path, "--min-count", "2", "-c", "0.1", "--lhs", "d")
    assert "--lhs 'd' is in 1 basket" in done.stderr
    done = run_minent("apriori", path, "--min-count", "2", "-c", "0.1", "--lhs", "a", "--rhs", "a")
    assert done.returncode == 0 and "no rules: no frequent itemset of 2 or more items fits --lhs/--rhs" in done.stderr


def test_help_describes_the_options():
    done = run_minent("apriori", "--help")
    text = " ".join(done.stdout.split())
    for option in ("--lhs", "--rhs", "--prune-redundant"):
        assert option in text
    assert "subset" in text
