"""pandas in and out (the minent[pandas] extra): one-hot (dense, sparse, bool, 0/1) and long
DataFrames give the itemsets of the same baskets as lists; .to_frame() equals mlxtend's output
on groceries. Skipped without pandas (and the comparison without mlxtend)."""

from __future__ import annotations

import math
import random
from pathlib import Path

import numpy as np
import pytest

pd = pytest.importorskip("pandas", reason="pandas is not installed (pip install \"minent[pandas]\")")

import minent  # noqa: E402
from minent.common.errors import MinentError  # noqa: E402

GROCERIES = Path("/work/shared/data/fim/groceries.csv")


def random_baskets(seed: int, n: int = 150) -> list[list[str]]:
    rng = random.Random(seed)
    weights = {x: rng.uniform(0.05, 0.8) for x in "abcdefg"}
    return [[x for x, w in weights.items() if rng.random() < w] for _ in range(n)]


def onehot(baskets, items="abcdefg"):
    return pd.DataFrame({x: [x in b for b in baskets] for x in items})


@pytest.mark.parametrize("seed", range(4))
def test_every_kind_of_frame_gives_the_itemsets_of_the_lists(seed):
    baskets = random_baskets(seed)
    want = minent.apriori(baskets, min_count=3).to_dict()
    dense = onehot(baskets)
    frames = {
        "bool": dense,
        "int": dense.astype(int),
        "uint8": dense.astype("uint8"),
        "sparse bool": dense.astype(pd.SparseDtype(bool, False)),
        "sparse int": dense.astype(int).astype(pd.SparseDtype(int, 0)),
        "long": pd.DataFrame([(f"t{i}", x) for i, b in enumerate(baskets) for x in b], columns=["basket", "item"]),
    }
    for name, frame in frames.items():
        found = minent.apriori(frame, min_count=3)
        assert found.n_baskets == (len(baskets) if name != "long" else sum(1 for b in baskets if b)), name
        if name != "long":  # the long frame has no row for an empty basket
            assert found.to_dict() == want, name


def test_long_frames_group_rows_by_basket_in_any_order():
    frame = pd.DataFrame({"tid": [3, 1, 3, 2, 1, 3], "item": ["a", "a", "b", "b", "b", "a"]})
    found = minent.apriori(frame, min_count=1)
    assert found.n_baskets == 3 and found.to_dict() == {frozenset("a"): 2, frozenset("b"): 3, frozenset("ab"): 2}


def test_bad_frames_are_one_line_errors():
    with pytest.raises(MinentError, match="column 'qty' of the DataFrame is not boolean"):
        minent.apriori(pd.DataFrame({"a": [1, 0], "b": [True, True], "qty": [2, 5]}), min_count=1)
    with pytest.raises(MinentError, match="column 'b' of the DataFrame is not boolean"):
        minent.apriori(pd.DataFrame({"a": [1, 0], "b": [0.5, 1.0], "c": [1, 1]}), min_count=1)
    with pytest.raises(MinentError, match="missing values"):
        minent.apriori(pd.DataFrame({"tid": [1, 2], "item": ["a", None]}), min_count=1)
    with pytest.raises(MinentError, match="no columns"):
        minent.apriori(pd.DataFrame(), min_count=1)


def test_to_frame_columns_and_values():
    baskets = [["a", "b"], ["a", "c"], ["a", "b", "c"], ["b"]]
    found = minent.apriori(onehot(baskets, "abc"), min_count=1)
    frame = found.to_frame()
    assert list(frame.columns) == ["support", "itemsets"]
    assert dict(zip(frame["itemsets"], frame["support"])) == {s: c / 4 for s, c in found.to_dict().items()}
    rules = minent.association_rules(found, 0.5)
    table = rules.to_frame()
    assert list(table.columns)[:14] == ["antecedents", "consequents", "antecedent support", "consequent support",
                                        "support", "confidence", "lift", "representativity", "leverage", "conviction",
                                        "zhangs_metric", "jaccard", "certainty", "kulczynski"]
    row = table[(table["antecedents"] == frozenset("c")) & (table["consequents"] == frozenset("a"))].iloc[0]
    assert (row["antecedent support"], row["consequent support"], row["support"], row["confidence"]) == (
        0.5, 0.75, 0.5, 1.0)
    assert minent.itemsets.rule_table(found, 0.5).to_frame().equals(table)


@pytest.mark.skipif(not GROCERIES.exists(), reason="groceries data not present")
def test_groceries_equal_mlxtend():
    mlxtend = pytest.importorskip("mlxtend.frequent_patterns", reason="mlxtend is not installed")
    baskets = [line.split(",") for line in GROCERIES.read_text(encoding="utf-8").splitlines() if line]
    items = sorted({x for b in baskets for x in b})
    frame = pd.DataFrame({x: [x in set(b) for b in baskets] for x in items})
    theirs = mlxtend.apriori(frame, min_support=0.01, use_colnames=True)
    ours = minent.apriori(frame, min_support=0.01).to_frame()
    assert len(ours) == len(theirs) == 333
    assert dict(zip(ours["itemsets"], ours["support"])) == pytest.approx(dict(zip(theirs["itemsets"], theirs["support"])),
                                                                         rel=1e-12)
    their_rules = mlxtend.association_rules(theirs, len(frame), metric="confidence", min_threshold=0.2)
    our_rules = minent.association_rules(minent.apriori(frame, min_support=0.01), 0.2).to_frame()
    key = lambda t: list(zip(t["antecedents"], t["consequents"]))  # noqa: E731
    assert set(key(our_rules)) == set(key(their_rules)) and len(our_rules) == len(their_rules) > 100
    mine = our_rules.set_index(["antecedents", "consequents"])
    other = their_rules.set_index(["antecedents", "consequents"]).loc[mine.index]
    for column in their_rules.columns[2:]:
        theirs_values = other[column].tolist()
        if column == "certainty":  # mlxtend divides a negative added value by 1 - s(B), not s(B) (README)
            s_b = mine["consequent support"].tolist()
            theirs_values = [v if v >= 0 else v * (1 - s) / s for v, s in zip(theirs_values, s_b)]
            assert min(theirs_values) < 0
        for a, b in zip(mine[column].tolist(), theirs_values):
            assert a == b or math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12), (column, a, b)


@pytest.mark.parametrize("frame, message", [
    (lambda: pd.DataFrame({"milk": [1, 2, 0, 1], "bread": [1, 0, 1, 1]}), "column 'milk' of the DataFrame is not boolean"),
    (lambda: pd.DataFrame([[True, False], [True, True]], columns=["a", "a"]), "two columns of the DataFrame are named 'a'"),
    (lambda: pd.DataFrame({"a": pd.array([True, None, True], dtype="boolean"), "b": [True, True, False]}),
     "column 'a' of the DataFrame has missing values"),
])
def test_ambiguous_or_broken_frames_are_one_line_errors(frame, message):
    with pytest.raises(minent.MinentError, match=message):
        minent.apriori(frame(), min_count=1)


def test_a_long_frame_is_told_by_its_column_names_or_its_item_names():
    numeric = pd.DataFrame({"basket": [0, 0, 1], "item": [0, 1, 1]})  # 0/1 values, but named (basket, item)
    assert dict(minent.apriori(numeric, min_count=1)) == {(0,): 1, (1,): 2, (1, 0): 1}
    named_items = pd.DataFrame({"order": [1, 1, 2], "product": ["x", "y", "x"]})
    assert dict(minent.apriori(named_items, min_count=1)) == {("y",): 1, ("x",): 2, ("x", "y"): 1}


def test_a_rule_table_made_with_few_measures_still_gives_every_column():
    found = minent.apriori([["a", "b"], ["a", "b"], ["a", "c"], ["b"]], min_count=1)
    few = minent.itemsets.rule_table(found, 0.1, extra=["jaccard"]).to_frame()
    every = minent.itemsets.rule_table(found, 0.1).to_frame()
    columns = ["antecedent support", "consequent support", "zhangs_metric", "certainty", "kulczynski", "cosine"]
    assert np.allclose(few[columns].to_numpy(float), every[columns].to_numpy(float))
