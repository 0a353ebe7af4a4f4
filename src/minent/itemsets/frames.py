"""pandas in and out (the ``minent[pandas]`` extra): DataFrames as baskets, results as DataFrames
with mlxtend's column names, so mlxtend users change one import.

    >>> import pandas as pd, minent
    >>> onehot = pd.DataFrame({"milk": [True, True, True], "bread": [True, False, True]})
    >>> minent.apriori(onehot, min_support=0.5).to_frame()
        support                  itemsets
    0  0.666667        frozenset({bread})
    1  1.000000         frozenset({milk})
    2  0.666667  frozenset({bread, milk})

pandas is imported only when a DataFrame is given or asked for.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..common.errors import MinentError

#: mlxtend's rule columns, then minent's own: (column, Rule field / RuleTable column)
RULE_COLUMNS = (
    ("antecedent support", "antecedent_support"), ("consequent support", "consequent_support"),
    ("support", "support"), ("confidence", "confidence"), ("lift", "lift"), ("representativity", None),
    ("leverage", "leverage"), ("conviction", "conviction"), ("zhangs_metric", "zhang"), ("jaccard", "jaccard"),
    ("certainty", "certainty"), ("kulczynski", "kulczynski"), ("count", "count"), ("cosine", "cosine"),
    ("added_value", "added_value"),
)


def is_frame(obj: Any) -> bool:
    """A pandas DataFrame, told without importing pandas."""
    return type(obj).__module__.startswith("pandas") and type(obj).__name__ == "DataFrame"


def frame_baskets(frame) -> list[list]:
    """A DataFrame's baskets as lists of items (for the cluster, which sends lists)."""
    codes, starts, labels = encode_frame(frame)
    named = [labels[c] for c in codes.tolist()]
    bounds = starts.tolist()
    return [named[bounds[i]:bounds[i + 1]] for i in range(len(bounds) - 1)]


def _pandas():
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover - the extra is missing
        raise MinentError('DataFrames need pandas: pip install "minent[pandas]"') from None
    return pd


def encode_frame(frame) -> tuple[np.ndarray, np.ndarray, list]:
    """Baskets of a DataFrame as CSR item codes (codes, starts) and the items by code.

    One-hot: a row a basket, a column an item (the column name), every column boolean or
    0/1 (sparse columns too). Long: two columns (basket id, item), a row per item of a
    basket, baskets in the order of their first row: a frame whose columns are named so
    (basket_id/basket/transaction/tid, item), or a two-column frame that is not one-hot and
    whose second column is not numeric. Any other frame is an error naming the first column
    that is not boolean; a missing value, or two columns of one name, too."""
    pd = _pandas()
    if len(frame.columns) == 0:
        raise MinentError("the DataFrame has no columns")
    names = list(frame.columns)
    keys = [_hashable_key(c) for c in names]
    twice = next((c for i, c in enumerate(names) if keys[i] in keys[:i]), None)
    if twice is not None:
        raise MinentError(f"two columns of the DataFrame are named {twice!r}")
    if len(names) == 2 and _named_long(names):
        return _long(pd, frame)  # (basket, item) by name, whatever the values look like
    for name in names:
        if bool(frame[name].isna().any()):
            raise MinentError(f"column {name!r} of the DataFrame has missing values")
    bad = next((c for c in names if not _is_onehot_column(pd, frame[c])), None)
    if bad is None:
        return _onehot(pd, frame)
    if len(names) == 2 and not pd.api.types.is_numeric_dtype(frame[names[1]].dtype):
        return _long(pd, frame)  # a second column of item names
    raise MinentError(f"column {bad!r} of the DataFrame is not boolean: a one-hot DataFrame takes only "
                      "True/False or 1/0; a long one has two columns, basket and item (name them so when "
                      "the items are numbers)")


def _named_long(names: list) -> bool:
    """Whether two column names say (basket, item), as a long file's header does."""
    from .baskets import _LONG_HEADERS

    return tuple(str(n).strip().lower() for n in names) in _LONG_HEADERS


def _is_onehot_column(pd, column) -> bool:
    dtype = column.dtype
    if isinstance(dtype, pd.SparseDtype):
        values = column.array.sp_values
        fill = dtype.fill_value
        if not (fill is False or fill == 0) or isinstance(fill, float) and np.isnan(fill):
            return False
        sub = dtype.subtype
    else:
        values, sub = column.to_numpy(), dtype
    if pd.api.types.is_bool_dtype(sub):
        return True
    if not pd.api.types.is_integer_dtype(sub) or (hasattr(values, "dtype") and values.dtype == object):
        return False
    return bool(np.all((values == 0) | (values == 1)))


def _onehot(pd, frame) -> tuple[np.ndarray, np.ndarray, list]:
    labels = list(frame.columns)
    if len(set(map(_hashable_key, labels))) < len(labels):
        raise MinentError("two columns of the one-hot DataFrame have the same name")
    n = len(frame)
    rows_parts, codes_parts = [], []
    for code, name in enumerate(labels):
        column = frame[name]
        if isinstance(column.dtype, pd.SparseDtype):
            sparse = column.array
            rows = sparse.sp_index.to_int_index().indices[np.asarray(sparse.sp_values).astype(bool)]
        else:
            rows = np.flatnonzero(column.to_numpy().astype(bool))
        rows_parts.append(rows.astype(np.int64))
        codes_parts.append(np.full(len(rows), code, dtype=np.int32))
    rows = np.concatenate(rows_parts) if rows_parts else np.empty(0, np.int64)
    codes = np.concatenate(codes_parts) if codes_parts else np.empty(0, np.int32)
    order = np.argsort(rows, kind="stable")
    starts = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=n), out=starts[1:])
    return codes[order], starts, labels


def _hashable_key(x):
    return (type(x).__name__, x)


def _long(pd, frame) -> tuple[np.ndarray, np.ndarray, list]:
    basket, item = frame.iloc[:, 0], frame.iloc[:, 1]
    for column in (basket, item):
        if bool(column.isna().any()):
            raise MinentError(f"column {column.name!r} of the long DataFrame has missing values")
    basket_codes, _ = pd.factorize(basket, sort=False)
    item_codes, labels = pd.factorize(item, sort=False)
    order = np.argsort(basket_codes, kind="stable")
    n = int(basket_codes.max()) + 1 if len(basket_codes) else 0
    starts = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(basket_codes, minlength=n), out=starts[1:])
    return item_codes[order].astype(np.int32), starts, list(labels)


def itemsets_frame(found):
    """mlxtend's frequent-itemset frame: ``support`` and ``itemsets`` (frozensets), by size."""
    pd = _pandas()
    pairs = found.to_list()
    return pd.DataFrame({"support": [c / found.n_baskets for _, c in pairs],
                         "itemsets": [frozenset(s) for s, _ in pairs]})


def rules_frame(rules):
    """mlxtend's rule frame (antecedents, consequents as frozensets and its measures, with
    representativity 1: no baskets have missing values), then minent's count, cosine and
    added value, from a list of Rule objects."""
    pd = _pandas()
    data: dict = {"antecedents": [frozenset(r.antecedent) for r in rules],
                  "consequents": [frozenset(r.consequent) for r in rules]}
    for column, field in RULE_COLUMNS:
        data[column] = [1.0] * len(rules) if field is None else [getattr(r, field) for r in rules]
    return pd.DataFrame(data)
