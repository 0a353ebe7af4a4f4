"""The rule measures beyond lift (Jaccard, Kulczynski, cosine, certainty factor, Zhang's metric,
added value) against their textbook formulas written out in plain Python, per rule, and through
`minent apriori --measures/--sort`."""

from __future__ import annotations

import math
import random
import subprocess
import sys

import pytest

import minent
from minent.itemsets.rules import EXTRA_MEASURES, SORT_KEYS


def reference(s_ab: float, s_a: float, s_b: float) -> dict:
    """The formulas of the README's "Rule measures" table, case by case."""
    conf = s_ab / s_a
    if conf > s_b:
        certainty = (conf - s_b) / (1 - s_b)
    elif conf < s_b:
        certainty = (conf - s_b) / s_b
    else:
        certainty = 0.0
    below = max(s_ab * (1 - s_a), s_a * (s_b - s_ab))
    return {
        "jaccard": s_ab / (s_a + s_b - s_ab),
        "kulczynski": (s_ab / s_a + s_ab / s_b) / 2,
        "cosine": s_ab / math.sqrt(s_a * s_b),
        "certainty": certainty,
        "zhang": (s_ab - s_a * s_b) / below if below > 0 else 0.0,
        "added_value": conf - s_b,
    }


def random_baskets(rng: random.Random, n: int) -> list[list[str]]:
    items = "abcdefg"
    weights = [0.9, 0.6, 0.5, 0.4, 0.3, 0.2, 1.0 if rng.random() < 0.3 else 0.1]  # sometimes an item in every basket
    return [[x for x, w in zip(items, weights) if rng.random() < w] for _ in range(n)]


@pytest.mark.parametrize("seed", range(25))
def test_measures_match_their_formulas(seed):
    rng = random.Random(seed)
    baskets = random_baskets(rng, rng.choice([5, 40, 300]))
    found = minent.apriori(baskets, min_count=1)
    support = {frozenset(s): c / found.n_baskets for s, c in found}
    rules = minent.association_rules(found, 0.0)
    assert rules
    for r in rules:
        s_a, s_b = support[frozenset(r.antecedent)], support[frozenset(r.consequent)]
        s_ab = support[frozenset(r.antecedent + r.consequent)]
        for name, want in reference(s_ab, s_a, s_b).items():
            assert math.isclose(getattr(r, name), want, rel_tol=1e-12, abs_tol=1e-15), (r, name)
            assert -1 - 1e-12 <= getattr(r, name) <= 1 + 1e-12 or name not in ("certainty", "zhang")


def test_an_item_in_every_basket_gives_no_certainty():
    found = minent.apriori([["a", "b"], ["a"], ["a", "c"], ["a", "b"]], min_count=1)
    rule = next(r for r in minent.association_rules(found, 0.0) if r.consequent == ("a",) and r.antecedent == ("b",))
    assert rule.confidence == 1.0 and rule.added_value == 0.0 and rule.certainty == 0.0 and rule.zhang == 0.0


@pytest.mark.parametrize("key", EXTRA_MEASURES)
def test_rules_sort_by_each_measure(key):
    found = minent.apriori(random_baskets(random.Random(7), 200), min_count=2)
    rules = minent.association_rules(found, 0.1, sort=key)
    values = [getattr(r, key) for r in rules]
    assert values == sorted(values, reverse=True) and len(set(values)) > 1


def test_the_command_writes_the_chosen_measures(tmp_path):
    path = tmp_path / "b.dat"
    baskets = random_baskets(random.Random(3), 200)
    path.write_text("\n".join(" ".join(b) for b in baskets) + "\n", encoding="utf-8")
    columns = ["jaccard", "zhang", "support", "added_value"]
    done = subprocess.run([sys.executable, "-m", "minent", "apriori", "-q", str(path), "-s", "0.05", "-c", "0.3",
                           "--measures", ",".join(columns), "--sort", "zhang"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    header, *rows = done.stdout.splitlines()
    assert header.split("\t") == ["antecedent", "consequent", "count", *columns]
    rules = minent.association_rules(minent.apriori(baskets, min_support=0.05), 0.3, sort="zhang")
    assert len(rows) == len(rules)
    for row, rule in zip(rows, rules):
        cells = row.split("\t")
        assert cells[0].split(" | ") == list(rule.antecedent) and int(cells[2]) == rule.count
        for cell, name in zip(cells[3:], columns):
            assert math.isclose(float(cell), getattr(rule, name), rel_tol=1e-5, abs_tol=1e-6), (name, cell)
    default = subprocess.run([sys.executable, "-m", "minent", "apriori", "-q", str(path), "-s", "0.05"],
                             capture_output=True, text=True)
    assert default.stdout.splitlines()[0].split("\t")[3:] == ["support", "confidence", "lift", "leverage", "conviction"]


@pytest.mark.parametrize("args, message", [
    (["--measures", "lift,foo"], "--measures takes"),
    (["--measures", "lift,lift"], "names a measure twice"),
    (["--sort", "foo"], "--sort must be one of"),
])
def test_bad_measure_names_are_one_line_errors(tmp_path, args, message):
    path = tmp_path / "b.dat"
    path.write_text("a b\na c\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "minent", "apriori", "-q", str(path), *args],
                          capture_output=True, text=True)
    assert done.returncode == 2 and message in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert set(EXTRA_MEASURES) <= set(SORT_KEYS)


@pytest.mark.parametrize("min_len", [1, 2, 3, 4, 9])
def test_min_len_keeps_the_longer_rules_in_the_same_order(min_len):
    found = minent.apriori(random_baskets(random.Random(11), 300), min_count=3)
    every = minent.association_rules(found, 0.2)
    assert max(len(r.antecedent) + len(r.consequent) for r in every) >= 4
    kept = minent.association_rules(found, 0.2, min_len=min_len)
    assert kept == [r for r in every if len(r.antecedent) + len(r.consequent) >= min_len]
    with pytest.raises(minent.MinentError, match="minimum rule length"):
        minent.association_rules(found, 0.2, min_len=0)


def test_the_command_min_len_filters_rules_and_itemsets(tmp_path):
    path = tmp_path / "b.dat"
    baskets = random_baskets(random.Random(12), 300)
    path.write_text("\n".join(" ".join(b) for b in baskets) + "\n", encoding="utf-8")
    sets = tmp_path / "sets.tsv"
    done = subprocess.run([sys.executable, "-m", "minent", "apriori", "-q", str(path), "-s", "0.02", "-c", "0.3",
                           "--min-len", "3", "--itemsets", str(sets)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    rows = [line.split("\t") for line in done.stdout.splitlines()[1:]]
    assert rows and all(len(a.split(" | ")) + len(b.split(" | ")) >= 3 for a, b, *_ in rows)
    found = minent.apriori(baskets, min_support=0.02)
    assert len(rows) == len(minent.association_rules(found, 0.3, min_len=3))
    sizes = [int(line.split("\t")[1]) for line in sets.read_text(encoding="utf-8").splitlines()[1:]]
    assert sizes and min(sizes) == 3 and len(sizes) == sum(1 for s, _ in found if len(s) >= 3)
    bad = subprocess.run([sys.executable, "-m", "minent", "apriori", "-q", str(path), "--min-len", "3", "-k", "2"],
                         capture_output=True, text=True)
    assert bad.returncode == 2 and "--min-len must be" in bad.stderr
