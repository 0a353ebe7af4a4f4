"""Closed and maximal itemsets (apriori's ``target``): the kernel against a plain-Python
reference, the API against brute force and pyfim, the CLI's --target (real process)."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import minent
from minent.common.errors import MinentError
from minent.itemsets import mining
from minent.itemsets.kernels import support as K
from reference_apriori import brute_force_itemsets

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
FIM = SHARED / "data" / "fim"


def brute_force_target(itemsets: dict, target: str) -> dict:
    """Closed: no frequent superset with the same count; maximal: no frequent superset at all
    (every superset of the same count is frequent, so looking among frequent ones suffices)."""
    if target == "all":
        return dict(itemsets)
    out = {}
    for s, c in itemsets.items():
        supersets = [t for t in itemsets if len(t) > len(s) and s < t]
        if target == "maximal" and not supersets:
            out[s] = c
        elif target == "closed" and all(itemsets[t] != c for t in supersets):
            out[s] = c
    return out


def mark_subsets_reference(lower, lower_counts, upper, upper_counts):
    """(not_closed, not_maximal) of the rows of ``lower``, by a dictionary of its rows."""
    row_of = {tuple(r): i for i, r in enumerate(lower.tolist())}
    not_closed = [0] * len(lower)
    not_maximal = [0] * len(lower)
    for r, c in zip(upper.tolist(), upper_counts.tolist()):
        for d in range(len(r)):
            i = row_of.get(tuple(r[:d] + r[d + 1:]))
            if i is not None:
                not_maximal[i] = 1
                if lower_counts[i] == c:
                    not_closed[i] = 1
    return not_closed, not_maximal


def random_baskets(rng: random.Random, n: int, n_items: int, density: float) -> list[list[str]]:
    weights = [density * rng.random() * 2 for _ in range(n_items)]
    return [[f"x{j}" for j in range(n_items) if rng.random() < weights[j]] for _ in range(n)]


def as_dict(found) -> dict:
    out = found.to_dict()
    assert len(out) == len(found)  # no itemset twice
    return out


@pytest.mark.parametrize("seed", range(6))
def test_mark_subsets_matches_reference(seed):
    rng = np.random.default_rng(seed)
    baskets = [sorted(set(rng.integers(0, 9, rng.integers(0, 7)).tolist())) for _ in range(200)]
    found = minent.apriori(baskets, min_count=int(rng.integers(2, 12)))
    for k in range(1, len(found.levels)):
        lower, lower_counts = found.levels[k - 1]
        upper, upper_counts = found.levels[k]
        not_closed = np.zeros(len(lower), dtype=np.uint8)
        not_maximal = np.zeros(len(lower), dtype=np.uint8)
        K.mark_subsets(lower, lower_counts, upper, upper_counts, not_closed, not_maximal, n_blocks=3)
        expected = mark_subsets_reference(lower, lower_counts, upper, upper_counts)
        assert (not_closed.tolist(), not_maximal.tolist()) == expected
        assert any(expected[1])  # the check is not vacuous


@pytest.mark.parametrize("seed", range(12))
def test_targets_match_brute_force(seed):
    rng = random.Random(seed)
    baskets = random_baskets(rng, rng.choice([20, 60, 150]), rng.choice([6, 9, 11]), rng.choice([0.2, 0.35, 0.5]))
    min_count = rng.choice([1, 2, 5])
    max_len = rng.choice([None, None, 2, 3])
    every = brute_force_itemsets(baskets, min_count, max_len)
    for target in ("all", "closed", "maximal"):
        found = minent.apriori(baskets, min_count=min_count, max_len=max_len, target=target)
        assert found.target == target
        expected = brute_force_target(every, target)
        assert as_dict(found) == expected, target
        assert found.counts_per_size[:1] == [sum(1 for s in expected if len(s) == 1)]
        assert sum(found.counts_per_size) == len(expected)


def test_closed_and_maximal_on_a_small_example():
    baskets = [["a", "b", "c"], ["a", "b"], ["a", "c"], ["a", "b", "c", "d"]]
    closed = minent.apriori(baskets, min_count=1, target="closed")
    assert as_dict(closed) == {frozenset("a"): 4, frozenset("ab"): 3, frozenset("ac"): 3, frozenset("abc"): 2,
                               frozenset("abcd"): 1}
    assert as_dict(minent.apriori(baskets, min_count=2, target="maximal")) == {frozenset("abc"): 2}
    assert len(list(closed)) == len(closed) == 5 and len(closed.to_list()) == 5


def test_rules_are_formed_from_all_frequent_itemsets():
    rng = random.Random(4)
    baskets = [b + ["shadow"] * ("x1" in b) for b in random_baskets(rng, 200, 10, 0.4)]  # {x1} is not closed
    every = minent.apriori(baskets, min_count=8)
    for target in ("closed", "maximal"):
        found = minent.apriori(baskets, min_count=8, target=target)
        assert len(found) < len(every)
        assert minent.association_rules(found, 0.5) == minent.association_rules(every, 0.5)
        assert minent.association_rules(found, 0.5)


@pytest.mark.parametrize("target", ["closd", "", "ALL", None, 3])
def test_unknown_target_raises(target):
    with pytest.raises(MinentError, match="target must be one of all, closed, maximal"):
        minent.apriori([["a", "b"]], min_count=1, target=target)


def test_selection_frame_has_only_the_target():
    pytest.importorskip("pandas")
    found = minent.apriori([["a", "b"], ["a", "b"], ["a"]], min_count=1, target="maximal")
    frame = found.to_frame()
    assert frame["itemsets"].tolist() == [frozenset("ab")]


# ---------------------------------------------------------------------------------------
# pyfim on the FIMI sets, at the supports of benchmarks/bench_apriori.py


def read_fimi(name):
    path = FIM / f"{name}.dat"
    if not path.exists():
        pytest.skip(f"shared data set {path} is absent")
    return [line.split() for line in path.read_text().splitlines() if line.strip()]


@pytest.mark.parametrize("name,min_support", [("retail", 0.0002), ("T10I4D100K", 0.0005), ("chess", 0.6),
                                              ("mushroom", 0.1)])
def test_targets_match_pyfim_on_fimi_sets(name, min_support):
    fim = pytest.importorskip("fim")
    baskets = read_fimi(name)
    everywhere = set.intersection(*(set(b) for b in baskets))
    every = minent.apriori(baskets, min_support=min_support)
    for target, code in (("closed", "c"), ("maximal", "m")):
        ours = as_dict(mining.select_target(every, target))
        theirs = {frozenset(s): c for s, c in fim.fpgrowth(baskets, target=code, supp=-every.min_count, zmin=1,
                                                           report="a")}
        assert len(theirs) > 500
        # pyfim leaves out the itemset of the items in every basket (it treats it as the empty set)
        missing = {s for s in ours.keys() - theirs.keys() if s <= everywhere}
        assert len(missing) <= 1
        assert {s: c for s, c in ours.items() if s not in missing} == theirs, (name, target)


# ---------------------------------------------------------------------------------------
# the command (real process)


def run_minent(*args):
    return subprocess.run([sys.executable, "-m", "minent", *map(str, args)], capture_output=True, text=True,
                          timeout=120)


def test_cli_target_writes_the_target_itemsets_and_all_rules(tmp_path):
    data = tmp_path / "b.dat"
    data.write_text("a b c\na b\na c\na b c d\n", encoding="utf-8")
    rules = {}
    for target in ("all", "closed", "maximal"):
        out = tmp_path / f"{target}.tsv"
        args = [data, "--min-count", "1", "-c", "0.5", "--itemsets", out, "-o", tmp_path / f"r-{target}.tsv"]
        done = run_minent("apriori", *args, *([] if target == "all" else ["--target", target]))
        assert done.returncode == 0, done.stderr
        rows = out.read_text(encoding="utf-8").splitlines()[1:]
        found = {frozenset(r.split("\t")[0].split(" | ")): int(r.split("\t")[2]) for r in rows}
        expected = brute_force_target(brute_force_itemsets([l.split() for l in ["a b c", "a b", "a c", "a b c d"]],
                                                           1), target)
        assert found == expected
        rules[target] = (tmp_path / f"r-{target}.tsv").read_text(encoding="utf-8")
        if target != "all":
            assert f"{target} itemsets {len(expected)}," in done.stderr
    assert rules["closed"] == rules["maximal"] == rules["all"] and len(rules["all"].splitlines()) > 5


def test_cli_unknown_target_is_a_one_line_error(tmp_path):
    data = tmp_path / "b.dat"
    data.write_text("a b\n", encoding="utf-8")
    out = tmp_path / "rules.tsv"
    done = run_minent("apriori", data, "--target", "closd", "-o", out)
    assert done.returncode != 0
    assert done.stderr == "minent: --target must be one of all, closed, maximal, got 'closd'\n"
    assert not out.exists()
