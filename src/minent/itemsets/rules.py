"""Association rules from frequent itemsets, with their measures (support, confidence,
lift, leverage, conviction).

    >>> import minent
    >>> found = minent.apriori([["milk", "bread"], ["milk", "eggs"], ["milk", "bread"]], min_support=0.5)
    >>> [(r.antecedent, r.consequent, r.confidence) for r in minent.association_rules(found, 0.9)]
    [(('bread',), ('milk',), 1.0)]

Rules are found and sorted on dense item ids with numpy and kept as arrays (a RuleTable)
until Python objects or text are asked for, slice by slice. No numpy call looks at more
than _CHUNK rows: a signal handler (Ctrl-C) only runs between C calls, and one sort of, or
one garbage collection over, millions of Rule objects held it off for 5-20 s.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from typing import Hashable, Iterable, Optional, Sequence

import numpy as np

from ..common.errors import MinentError
from ..common.gcpause import gc_paused
from .mining import _INT64_MAX, _SLICE, FrequentItemsets

__all__ = ["association_rules", "Rule", "RuleList", "RuleTable", "rule_table", "max_confidence", "SORT_KEYS", "EXTRA_MEASURES"]

_CHUNK = 1 << 17  # rows per numpy call in the rules code
_TOLERANCE = 1e-12  # a confidence this close under the minimum still passes
#: peak memory of a rule in rule_table (its arrays, measures, sort keys, the sorted copy):
#: 350 bytes measured on chess@0.7 (6.7 million rules, 2.3 GB)
BYTES_PER_RULE = 350
#: rules beyond this stop the run with an error instead of exhausting memory (None: half of
#: the machine's physical memory, in rules)
MAX_RULES: Optional[int] = None


def _max_rules() -> int:
    if MAX_RULES is not None:
        return MAX_RULES
    try:
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):  # not on this system: assume 8 GB
        memory = 8 << 30
    return max(1, memory // 2 // BYTES_PER_RULE)


def _too_many_rules(n_rules: int, limit: int) -> MinentError:
    gigabytes = limit * BYTES_PER_RULE / 1e9
    return MinentError(
        f"the rules would need more than {gigabytes:.1f} GB of memory (over {limit:,} rules, found "
        f"{n_rules:,} so far); raise the minimum confidence or support, limit the length (--max-len), "
        "or constrain the sides (--lhs, --rhs)")


@dataclass(frozen=True)
class Rule:
    """``antecedent => consequent`` with its measures (supports are fractions of baskets)."""

    antecedent: tuple
    consequent: tuple
    count: int  # baskets holding antecedent and consequent together
    support: float
    confidence: float
    lift: float
    leverage: float
    conviction: float  # inf when confidence is 1
    jaccard: float = math.nan
    kulczynski: float = math.nan
    cosine: float = math.nan
    certainty: float = math.nan  # certainty factor
    zhang: float = math.nan  # Zhang's metric
    added_value: float = math.nan
    antecedent_support: float = math.nan
    consequent_support: float = math.nan


class RuleList(list):
    """The list of :class:`Rule` that :func:`association_rules` returns, with ``to_frame()``."""

    def to_frame(self):
        """The rules as mlxtend's DataFrame (antecedents, consequents as frozensets, antecedent
        support, consequent support, support, confidence, lift, representativity, leverage,
        conviction, zhangs_metric, jaccard, certainty, kulczynski), then count, cosine and
        added_value; needs pandas (``pip install "minent[pandas]"``)."""
        from .frames import rules_frame

        return rules_frame(self)


#: the measures of a rule, in Rule's order (formulas in the README, "Rule measures")
EXTRA_MEASURES = ("jaccard", "kulczynski", "cosine", "certainty", "zhang", "added_value")
SORT_KEYS = ("lift", "confidence", "support", "leverage", "conviction") + EXTRA_MEASURES
_SIDE_SUPPORTS = ("antecedent_support", "consequent_support")  # for to_frame; not asked for by the command
_NOT_CLOSED = ("the itemsets are not closed under subsets (an antecedent or consequent of a rule has "
               "no count); mine them with minent.apriori")


class _Levels:
    """Itemsets as levels of dense ids (ids ascending in a row, rows in lexicographic order)
    with a vectorised lookup of rows: the key of a row of size w is
    ``index of its first w-1 ids in level w-1 * n_items + last id``, ascending within a level."""

    def __init__(self, labels: list, levels: list, check_closed: bool = False):
        self.labels = labels
        self.n_items = max(1, len(labels))
        self.rows: list = []
        self.counts: list = []
        self.keys: list = []
        for rows, counts in levels:
            rows = np.asarray(rows, dtype=np.int32)
            counts = np.asarray(counts, dtype=np.int64)
            key = self._row_keys(rows)
            if len(key) > 1 and not bool(np.all(key[1:] > key[:-1])):  # not in lexicographic order
                order = _lexorder([key], len(key))
                rows, counts, key = rows[order], counts[order], key[order]
            self.rows.append(rows)
            self.counts.append(counts)
            self.keys.append(key)
        if check_closed:
            for w in range(2, len(self.rows) + 1):
                for d in range(w):
                    if bool(np.any(self.find(np.delete(self.rows[w - 1], d, axis=1)) < 0)):
                        raise MinentError(_NOT_CLOSED)

    def _row_keys(self, rows: np.ndarray) -> np.ndarray:
        if rows.shape[1] == 1:
            return rows[:, 0].astype(np.int64)
        prefix = self.find(rows[:, :-1])
        if bool(np.any(prefix < 0)):
            raise MinentError(_NOT_CLOSED)
        return prefix * self.n_items + rows[:, -1]

    def find(self, q: np.ndarray) -> np.ndarray:
        """Index of each row of ``q`` in the level of its size, -1 for rows that are no itemset."""
        out = np.empty(len(q), dtype=np.int64)
        for lo in range(0, len(q), _CHUNK):
            out[lo:lo + _CHUNK] = self._find(q[lo:lo + _CHUNK])
        return out

    def _find(self, q: np.ndarray) -> np.ndarray:
        w = q.shape[1]
        if w > len(self.keys) or len(self.keys[w - 1]) == 0:
            return np.full(len(q), -1, dtype=np.int64)
        if w == 1:
            key = q[:, 0].astype(np.int64)
        else:
            prefix = self._find(q[:, :-1])
            key = np.where(prefix < 0, -1, prefix * self.n_items + q[:, -1])
        keys = self.keys[w - 1]
        at = np.minimum(np.searchsorted(keys, key), len(keys) - 1)
        return np.where(keys[at] == key, at, -1)


def _levels_of(itemsets, n_baskets: Optional[int]) -> tuple[_Levels, int]:
    """Dense levels from apriori's result, or from a mapping / iterable of (itemset, count)."""
    if isinstance(itemsets, FrequentItemsets):
        n_baskets = itemsets.n_baskets if n_baskets is None else n_baskets
        # ids ascend with frequency, which is also the order the items are printed in
        levels = _Levels(itemsets.labels, itemsets.all_levels())
    else:
        if n_baskets is None:
            raise MinentError("give n_baskets when the itemsets do not come from minent.apriori")
        pairs = itemsets.items() if isinstance(itemsets, dict) else itemsets
        count_of: dict = {}
        order: dict = {}  # item -> dense id: order of first sight, the order items are printed in
        with gc_paused():
            try:
                for itemset, count in pairs:
                    key = frozenset(itemset)
                    count_of[key] = int(count)
                    for item in itemset:
                        order.setdefault(item, len(order))
            except (TypeError, ValueError) as e:
                raise MinentError(f"itemsets must be (itemset, count) pairs with whole-number counts ({e})") from None
            by_size: dict = {}
            for key, count in count_of.items():
                if key:
                    by_size.setdefault(len(key), []).append((sorted(map(order.__getitem__, key)), count))
        size = max(by_size, default=0)
        try:
            levels = [(np.array([r for r, _ in by_size.get(w, [])], dtype=np.int32).reshape(-1, w),
                       np.array([c for _, c in by_size.get(w, [])], dtype=np.int64)) for w in range(1, size + 1)]
        except OverflowError:
            raise MinentError(f"itemset counts must be between {-_INT64_MAX - 1} and {_INT64_MAX}") from None
        levels = _Levels(list(order), levels, check_closed=True)
    if n_baskets is None or n_baskets < 1:
        raise MinentError("n_baskets must be at least 1")
    return levels, n_baskets


def _candidate_rules(levels: _Levels, min_confidence: float, min_len: int = 2,
                     may_lead: Optional[np.ndarray] = None,
                     may_follow: Optional[np.ndarray] = None,
                     head: Optional[tuple[str, int, float]] = None) -> tuple[dict, Optional[float]]:
    """Every rule A => B of confidence >= min_confidence, as arrays; and the highest confidence
    of any such rule's smallest consequents (None when no itemset of 2+ items can be split).

    ``may_lead[id]`` / ``may_follow[id]`` (bool by item id, None: every item) say which items
    may stand in an antecedent / a consequent. They shape the enumeration itself: in an
    itemset, the positions whose item may not lead must all follow (they make the smallest
    consequent, "required"), the others that may follow are optional, and itemsets holding an
    item that may do neither, or nothing that may follow, are never split.

    More than :data:`MAX_RULES` rules (by default, what half the machine's memory holds) raise
    :class:`MinentError` naming the options that reduce them. With ``head = (sort, top,
    n_baskets)`` only the rules that can still be among the ``top`` first by ``sort`` are kept
    as the rules accumulate (see :func:`_keep_head`), so a short list of the best rules of
    dense data needs no more memory than that list.

    Consequents grow one optional position at a time (a later one than the last added), only
    from consequents that passed: the antecedent of a larger consequent is a subset, so it
    has at least as many baskets and the confidence cannot rise (also in floating point: the
    division is monotonic). Only itemsets of ``min_len`` items or more give rules (a rule's
    length is its itemset's).
    """
    parts: dict = {name: [] for name in ("a_len", "a_idx", "b_len", "b_idx", "count", "a_count", "b_count")}
    best = None
    n_rules, limit = 0, _max_rules()
    narrow_at = max(4 * head[1], _HEAD_SLACK) if head is not None else 0
    for k in range(max(2, min_len), len(levels.rows) + 1):
        rows, counts = levels.rows[k - 1], levels.counts[k - 1]
        step = max(1, _CHUNK // k)
        for lo in range(0, len(rows), step):
            hi = min(lo + step, len(rows))
            pending, optional = _first_consequents(rows[lo:hi], lo, k, may_lead, may_follow)
            first = len(pending)  # the first entries hold the smallest consequents
            while pending:
                which, pos, last = pending.pop()
                smallest = len(pending) < first
                first = min(first, len(pending))
                j = pos.shape[1]
                held = np.zeros((len(which), k), dtype=bool)
                np.put_along_axis(held, pos.astype(np.intp), True, axis=1)
                rest = np.nonzero(~held)[1].reshape(len(which), k - j)
                these = rows[which]
                a_idx = levels.find(np.take_along_axis(these, rest, axis=1))
                a_count = levels.counts[k - j - 1][a_idx]
                if bool(np.any(a_count == 0)):
                    raise MinentError("an antecedent has a count of 0: itemset counts must be at least 1")
                confidence = counts[which] / a_count
                if smallest and len(confidence):
                    top = float(confidence.max())
                    best = top if best is None or top > best else best
                ok = ~(confidence + _TOLERANCE < min_confidence)
                if not bool(ok.any()):
                    continue
                which, pos, last = which[ok], pos[ok], last[ok]
                b_idx = levels.find(np.take_along_axis(these[ok], pos.astype(np.intp), axis=1))
                b_count = levels.counts[j - 1][b_idx]
                if bool(np.any(b_count == 0)):
                    raise MinentError("a consequent has a count of 0: itemset counts must be at least 1")
                for name, value in (("a_len", np.full(len(which), k - j, dtype=np.int8)), ("a_idx", a_idx[ok]),
                                    ("b_len", np.full(len(which), j, dtype=np.int8)), ("b_idx", b_idx),
                                    ("count", counts[which]), ("a_count", a_count[ok]), ("b_count", b_count)):
                    parts[name].append(value)
                n_rules += len(which)
                if head is not None and n_rules > narrow_at:
                    n_rules = _keep_head(parts, *head)
                    narrow_at = max(narrow_at, 2 * n_rules)  # many ties: narrow less often
                if n_rules > limit:  # an error, not a machine out of memory (dense data, low thresholds)
                    raise _too_many_rules(n_rules, limit)
                if j + 1 < k:  # grow each passing consequent by a later optional position
                    later = optional[which - lo] & (np.arange(k) > last.reshape(-1, 1))
                    parent, added = np.nonzero(later)
                    if not len(parent):
                        continue
                    grown = np.concatenate([pos[parent], added.astype(np.int8).reshape(-1, 1)], axis=1)
                    if may_lead is not None:  # required positions may lie after the added one
                        grown.sort(axis=1)
                    added = added.astype(np.int8)
                    for s in reversed(range(0, len(parent), _CHUNK)):  # popped first piece first
                        pending.append((which[parent[s:s + _CHUNK]], grown[s:s + _CHUNK], added[s:s + _CHUNK]))
    dtypes = {"a_len": np.int8, "b_len": np.int8}
    return {name: np.concatenate(p) if p else np.empty(0, dtype=dtypes.get(name, np.int64))
            for name, p in parts.items()}, best


#: rules gathered before the first narrowing to a --top head (narrowing costs a partition)
_HEAD_SLACK = 1 << 20


def _keep_head(parts: dict, sort: str, top: int, n_baskets: float) -> int:
    """Keep in ``parts`` (lists of arrays by column) only the rules whose ``sort`` measure is at
    least the top-th highest so far, ties included, in their order; returns how many. A rule
    left out here has a lower measure than ``top`` others, so it cannot be in the head of
    the final order (highest measure first) whatever comes later."""
    c = {name: np.concatenate(p) for name, p in parts.items()}
    key = -_measures(c, n_baskets, {sort})[sort]
    keep = np.zeros(len(key), dtype=bool) if top <= 0 else _head(key, top)
    if keep is None:
        keep = np.ones(len(key), dtype=bool)
    for name in parts:
        parts[name] = [c[name][keep]]
    return int(np.count_nonzero(keep))


def _head(key: np.ndarray, top: int) -> Optional[np.ndarray]:
    """Which values of ``key`` can be among its ``top`` >= 1 smallest (ties included), or None
    when all can: ``top`` covers them all, or reaches the NaNs (which sort last)."""
    if top >= len(key):
        return None
    kth = np.partition(key, top - 1)[top - 1]
    return None if np.isnan(kth) else key <= kth


def _first_consequents(rows: np.ndarray, lo: int, k: int, may_lead: Optional[np.ndarray],
                       may_follow: Optional[np.ndarray]) -> tuple[list, np.ndarray]:
    """The smallest consequents of itemsets ``rows`` (numbered from ``lo``) as pending
    entries (itemset row, consequent positions ascending, last optional position added),
    and the optional positions of each row (bool [rows, k])."""
    n = len(rows)
    follow = np.ones((n, k), dtype=bool) if may_follow is None else may_follow[rows]
    required = np.zeros((n, k), dtype=bool) if may_lead is None else ~may_lead[rows]
    n_required = required.sum(axis=1)
    fits = follow.any(axis=1) & ~(required & ~follow).any(axis=1) & (n_required < k)
    optional = follow & ~required
    pending: list = []
    alone = np.flatnonzero(fits & (n_required == 0))  # no required position: every optional one alone
    if len(alone):
        row, at = np.nonzero(optional[alone])
        which = alone[row].astype(np.int64) + lo
        at = at.astype(np.int8)
        for s in reversed(range(0, len(which), _CHUNK)):
            pending.append((which[s:s + _CHUNK], at[s:s + _CHUNK].reshape(-1, 1), at[s:s + _CHUNK]))
    for q in np.unique(n_required[fits & (n_required > 0)]).tolist():  # the required positions together
        these = np.flatnonzero(fits & (n_required == q))
        pos = np.nonzero(required[these])[1].astype(np.int8).reshape(len(these), q)
        pending.append((these.astype(np.int64) + lo, pos, np.full(len(these), -1, dtype=np.int8)))
    return pending, optional


def _str_ranks(labels: list) -> np.ndarray:
    """1 + dense rank of ``str(label)`` (code point order), sorted in bounded pieces then merged."""
    import heapq

    with gc_paused():
        texts = [str(x) for x in labels]
        n = len(texts)
        runs = [sorted(range(lo, min(lo + _CHUNK, n)), key=texts.__getitem__) for lo in range(0, n, _CHUNK)]
        order = runs[0] if len(runs) == 1 else list(heapq.merge(*runs, key=texts.__getitem__))
        ranks = [0] * n
        rank, previous = 0, None
        for i in order:
            if rank == 0 or texts[i] != previous:
                rank += 1
                previous = texts[i]
            ranks[i] = rank
    return np.array(ranks, dtype=np.int64)


class _TextRanks:
    """Dense rank of every itemset by the text of its items (shorter prefix first): the last
    tie-break of the rules. Computed on first use only: most rule sets never get that far."""

    def __init__(self, levels: _Levels):
        self.levels = levels
        self.ranks: Optional[np.ndarray] = None
        self.offsets = np.concatenate(([0], np.cumsum([len(c) for c in levels.counts]))).astype(np.int64)

    def of(self, sizes: np.ndarray, idx: np.ndarray) -> np.ndarray:
        if self.ranks is None:
            self.ranks = self._compute()
        return self.ranks[self.offsets[sizes.astype(np.int64) - 1] + idx]

    def _compute(self) -> np.ndarray:
        item_ranks = _str_ranks(self.levels.labels)
        rows = self.levels.rows
        width = len(rows)
        total = int(self.offsets[-1])
        columns = [np.zeros(total, dtype=np.int64) for _ in range(width)]
        for w, level in enumerate(rows, start=1):
            for c in range(w):
                for lo in range(0, len(level), _CHUNK):
                    at = self.offsets[w - 1] + lo
                    columns[c][at:at + len(level[lo:lo + _CHUNK])] = item_ranks[level[lo:lo + _CHUNK, c]]
        order = _lexorder(columns, total)
        new = np.zeros(total, dtype=bool)
        for column in columns:
            for lo in range(0, total, _CHUNK):
                piece = column[order[lo:lo + _CHUNK + 1]]
                new[lo + 1:lo + len(piece)] |= piece[1:] != piece[:-1]
        ranks = np.empty(total, dtype=np.int64)
        ranks[order] = np.cumsum(new)
        return ranks


def _lexorder(keys: list, n: int) -> np.ndarray:
    """The order of rows 0..n-1 by ``keys`` (first most significant; arrays or callables
    ``rows -> values``), ties by row number, like a stable ``np.lexsort``.

    One lexsort over millions of rows runs seconds inside C; here no sort sees more than
    _CHUNK values: the first key is sorted in pieces that are merged, and each run of equal
    first keys is ordered on the next keys, small runs together.
    """
    return _order_rows(list(keys), np.arange(n, dtype=np.int64))


def _top_rows(keys: list, n: int, top: int) -> np.ndarray:
    """The first ``top`` rows of ``_lexorder(keys, n)``, ordering only the rows whose first key
    is at most the top-th smallest (ties included): a short list of the best of millions of
    rules costs a partition, not a sort of them all."""
    if top <= 0:
        return np.empty(0, dtype=np.int64)
    head = _head(keys[0], top)
    if head is None:
        return _lexorder(keys, n)[:top]
    return _order_rows(keys, np.flatnonzero(head))[:top]


def _column(key, rows: np.ndarray) -> np.ndarray:
    return key(rows) if callable(key) else key[rows]


def _order_rows(keys: list, rows: np.ndarray) -> np.ndarray:
    n = len(rows)
    if n <= _CHUNK:
        return rows[np.lexsort([rows] + [_column(k, rows) for k in reversed(keys)])]
    if not keys:
        return rows[_argsort_bounded(rows)]
    values = _column(keys[0], rows)
    if values.min() == values.max():
        return _order_rows(keys[1:], rows)
    order = _argsort_bounded(values)
    rows, values = rows[order], values[order]
    starts = np.flatnonzero(np.concatenate(([True], values[1:] != values[:-1])))
    out = np.empty_like(rows)
    lo = 0
    while lo < n:
        hi = min(lo + _CHUNK, n)
        if hi < n:
            r = int(np.searchsorted(starts, hi, side="right")) - 1
            if starts[r] <= lo:  # one run of equal values fills the window: order it on the next keys
                end = int(starts[r + 1]) if r + 1 < len(starts) else n
                out[lo:end] = _order_rows(keys[1:], rows[lo:end])
                lo = end
                continue
            hi = int(starts[r])
        window = rows[lo:hi]
        out[lo:hi] = window[np.lexsort([window] + [_column(k, window) for k in reversed(keys[1:])]
                                       + [values[lo:hi]])]
        lo = hi
    return out


def _argsort_bounded(values: np.ndarray) -> np.ndarray:
    """A stable argsort made of sorts of _CHUNK values and merges by binary search."""
    runs = [np.argsort(values[lo:lo + _CHUNK], kind="stable") + lo for lo in range(0, len(values), _CHUNK)]
    while len(runs) > 1:
        runs = [_merge(values, runs[i], runs[i + 1]) if i + 1 < len(runs) else runs[i]
                for i in range(0, len(runs), 2)]
    return runs[0]


def _merge(values: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Merge two sorted runs of row numbers (a's rows first among equal values)."""
    va, vb = values[a], values[b]
    out = np.empty(len(a) + len(b), dtype=np.int64)
    for lo in range(0, len(a), _CHUNK):
        piece = va[lo:lo + _CHUNK]
        out[np.searchsorted(vb, piece, side="left") + np.arange(lo, lo + len(piece))] = a[lo:lo + _CHUNK]
    for lo in range(0, len(b), _CHUNK):
        piece = vb[lo:lo + _CHUNK]
        out[np.searchsorted(va, piece, side="right") + np.arange(lo, lo + len(piece))] = b[lo:lo + _CHUNK]
    return out


class RuleTable:
    """Association rules as arrays, in their final order; ``rules(lo, hi)`` and
    ``itemsets(...)`` turn a slice into Python objects, so a caller writing millions of
    rules never holds them all as objects (``len`` is the number of rules)."""

    MEASURES = ("count", "support", "confidence", "lift", "leverage", "conviction") + EXTRA_MEASURES + (
        "antecedent_support", "consequent_support")

    def __init__(self, levels: _Levels, columns: dict, best_confidence: Optional[float]):
        self.levels = levels
        self.columns = columns  # a_len, a_idx, b_len, b_idx and the MEASURES, one value a rule
        self.best_confidence = best_confidence  # highest confidence of any rule, below the minimum too
        self.infrequent: dict = {}  # side -> constraint items in the data but in no frequent itemset
        self.absent: dict = {}  # side -> constraint items in none of the baskets (a typo, most likely)
        self.n_redundant = 0  # rules dropped as redundant
        self._names: Optional[np.ndarray] = None

    def __len__(self) -> int:
        return len(self.columns["count"])

    def names(self, side: str, lo: int, hi: int, names: Optional[np.ndarray] = None,
              join: Optional[str] = None) -> list:
        """The ``side`` ('antecedent' or 'consequent') of rules lo..hi-1 as tuples of
        ``names`` (object array by item id; default: the items), or as strings joined by ``join``."""
        if names is None:
            if self._names is None:
                self._names = np.fromiter(self.levels.labels, dtype=object, count=len(self.levels.labels))
            names = self._names
        prefix = "a" if side == "antecedent" else "b"
        sizes = self.columns[prefix + "_len"][lo:hi]
        idx = self.columns[prefix + "_idx"][lo:hi]
        out: list = [None] * len(sizes)
        for w in np.unique(sizes).tolist():
            where = np.flatnonzero(sizes == w)
            named = names[self.levels.rows[w - 1][idx[where]]]
            if w == 1:
                named = named[:, 0].tolist()
                named = named if join is not None else list(zip(named))
            else:
                named = list(map(tuple if join is None else join.join, named.tolist()))
            if len(where) == len(sizes):
                return named
            for i, items in zip(where.tolist(), named):
                out[i] = items
        return out

    def to_frame(self):
        """All rules as mlxtend's DataFrame (see :meth:`RuleList.to_frame`). Measures the table
        was made without (``extra=``) are computed first, from support, confidence and lift."""
        c = self.columns
        missing = [m for m in EXTRA_MEASURES + _SIDE_SUPPORTS if m not in c]
        if missing:
            a_support = c["support"] / c["confidence"]  # s(A) = s(AB) / c
            b_support = c["confidence"] / c["lift"]  # s(B) = c / lift
            filled = {"antecedent_support": a_support, "consequent_support": b_support,
                      **_extra_measures(c["support"], a_support, b_support, c["confidence"])}
            c.update((m, filled[m]) for m in missing)
        return self.rules().to_frame()

    def rules(self, lo: int = 0, hi: Optional[int] = None) -> RuleList:
        """Rules lo..hi-1 as Rule objects."""
        hi = len(self) if hi is None else min(hi, len(self))
        out = RuleList()
        with gc_paused():
            for s in range(lo, hi, _SLICE):
                e = min(s + _SLICE, hi)
                measures = [self.columns[m][s:e].tolist() if m in self.columns else [math.nan] * (e - s)
                            for m in self.MEASURES]
                out.extend(map(Rule, self.names("antecedent", s, e), self.names("consequent", s, e), *measures))
        return out


def rule_table(
    itemsets: "FrequentItemsets | dict | Iterable[tuple[Sequence[Hashable], int]]",
    min_confidence: float = 0.8,
    *,
    n_baskets: Optional[int] = None,
    sort: str = "lift",
    top: Optional[int] = None,
    extra: Optional[Iterable[str]] = None,
    min_len: int = 2,
    antecedents: "Optional[Iterable[Hashable]]" = None,
    consequents: "Optional[Iterable[Hashable]]" = None,
    prune_redundant: bool = False,
) -> RuleTable:
    """What :func:`association_rules` returns, as a :class:`RuleTable` of arrays. ``extra``
    names the measures of :data:`EXTRA_MEASURES` to compute (None: all; the sort key always):
    each is an array as long as the rules, so a caller writing a few columns of millions of
    rules asks only for those. The table's ``infrequent`` maps 'antecedents' / 'consequents'
    to the constraint items that are in the data but in no frequent itemset, and
    ``n_redundant`` counts the rules ``prune_redundant`` dropped."""
    try:
        conf = float(min_confidence)
    except (TypeError, ValueError):
        raise MinentError(f"minimum confidence must be a number in [0, 1], got {min_confidence!r}") from None
    if not (0.0 <= conf <= 1.0):
        raise MinentError(f"minimum confidence must be in [0, 1], got {min_confidence!r}")
    if sort not in SORT_KEYS:
        raise MinentError(f"rules can be sorted by {', '.join(SORT_KEYS)}; got '{sort}'")
    if top is not None and top < 0:
        raise MinentError(f"--top must be 0 or more, got {top}")
    levels, n_baskets = _levels_of(itemsets, n_baskets)
    if isinstance(min_len, bool) or not isinstance(min_len, (int, np.integer)) or min_len < 1:
        raise MinentError(f"the minimum rule length must be a whole number of at least 1, got {min_len!r}")
    infrequent: dict = {}
    absent: dict = {}
    may_lead = _side(levels, itemsets, antecedents, "antecedents", infrequent, absent)
    may_follow = _side(levels, itemsets, consequents, "consequents", infrequent, absent)
    # with --top (and no pruning, which could drop rules of the head), only the head is kept
    head = (sort, int(top), float(n_baskets)) if top is not None and not prune_redundant else None
    c, best = _candidate_rules(levels, conf, int(min_len), may_lead, may_follow, head)
    n_redundant = 0
    if prune_redundant:
        keep = ~_redundant(levels, c)
        n_redundant = int(len(keep) - np.count_nonzero(keep))
        if n_redundant:
            c = {name: values[keep] for name, values in c.items()}
    wanted = set(EXTRA_MEASURES + _SIDE_SUPPORTS if extra is None else extra) | ({sort} & set(EXTRA_MEASURES))
    measures = _measures(c, float(n_baskets), wanted)
    # highest measure first, ties by confidence, support, then the text of the items
    # (antecedent size, antecedent, consequent), then the order found
    text = _TextRanks(levels)
    keys: list = [-measures[sort]] + [-measures[m] for m in ("confidence", "support") if m != sort]
    keys += [c["a_len"], lambda rows: text.of(c["a_len"][rows], c["a_idx"][rows]),
             lambda rows: text.of(c["b_len"][rows], c["b_idx"][rows])]
    n_rules = len(c["count"])
    order = _lexorder(keys, n_rules) if top is None or top >= n_rules else _top_rows(keys, n_rules, top)
    columns = {name: c[name][order] for name in ("a_len", "a_idx", "b_len", "b_idx")}
    columns.update((name, values[order]) for name, values in measures.items())
    table = RuleTable(levels, columns, best)
    table.infrequent, table.absent, table.n_redundant = infrequent, absent, n_redundant
    return table


def _side(levels: _Levels, itemsets, items: "Optional[Iterable[Hashable]]", side: str,
          infrequent: dict, absent: dict) -> Optional[np.ndarray]:
    """Which item ids may stand on ``side`` (bool by id), or None for no constraint. An item
    that is in no itemset allows nothing, and is noted: in ``absent[side]`` when the itemsets
    come from :func:`apriori` and the item is in none of the baskets (a typo, most likely),
    else in ``infrequent[side]`` (merely infrequent, or the baskets are not known)."""
    if items is None:
        return None
    if isinstance(items, (str, bytes)):
        items = [items]
    try:
        wanted = list(dict.fromkeys(items))
    except TypeError as e:
        raise MinentError(f"{side} must be an item or an iterable of hashable items ({e})") from None
    id_of = {label: i for i, label in enumerate(levels.labels)}
    seen = getattr(itemsets, "all_items", None) if isinstance(itemsets, FrequentItemsets) else None
    in_data = None if seen is None else set(seen)
    allowed = np.zeros(levels.n_items, dtype=bool)
    for item in wanted:
        i = id_of.get(item)
        if i is not None:
            allowed[i] = True
        elif in_data is not None and item not in in_data:
            absent.setdefault(side, []).append(item)
        else:
            infrequent.setdefault(side, []).append(item)
    return allowed


def _redundant(levels: _Levels, c: dict) -> np.ndarray:
    """Which candidate rules A => B are redundant: some A' => B, A' a non-empty proper subset
    of A, has at least the confidence of A => B (arules' ``is.redundant``). The confidences
    of the more general rules come from the itemset counts, listed rules or not.

    Rules are taken by antecedent and consequent size, and each subset A' is looked up for
    all of them at once (2^|A| - 2 lookups a rule, antecedents being short), only for the
    rules not yet found redundant."""
    from itertools import combinations

    n = len(c["count"])
    out = np.zeros(n, dtype=bool)
    a_len, b_len = c["a_len"], c["b_len"]
    for a in np.unique(a_len).tolist():
        if a < 2:
            continue  # a one-item antecedent has no non-empty proper subset
        for b in np.unique(b_len[a_len == a]).tolist():
            where = np.flatnonzero((a_len == a) & (b_len == b))
            for lo in range(0, len(where), _CHUNK):
                w = where[lo:lo + _CHUNK]
                lead = levels.rows[a - 1][c["a_idx"][w]]
                follow = levels.rows[b - 1][c["b_idx"][w]]
                confidence = c["count"][w] / c["a_count"][w]
                redundant = np.zeros(len(w), dtype=bool)
                for size in range(1, a):
                    for subset in combinations(range(a), size):
                        todo = np.flatnonzero(~redundant)
                        if not len(todo):
                            break
                        general = lead[todo][:, list(subset)]
                        g_count = levels.counts[size - 1][levels.find(general)]
                        both = np.sort(np.concatenate([general, follow[todo]], axis=1), axis=1)
                        both_count = levels.counts[size + b - 1][levels.find(both)]
                        if bool(np.any(g_count == 0)):
                            raise MinentError("an antecedent has a count of 0: itemset counts must be at least 1")
                        redundant[todo] = both_count / g_count >= confidence[todo]
                out[w] = redundant
    return out


def _measures(c: dict, n: float, wanted: set) -> dict:
    """The measures of the rules ``c`` (arrays count, a_count, b_count) over ``n`` baskets: the
    six of every table, and those of ``wanted`` among the side supports and EXTRA_MEASURES."""
    count, a_count, b_count = c["count"], c["a_count"], c["b_count"]
    # the same float operations, in the same order, as on Python numbers: identical values
    support = count / n
    confidence = count / a_count
    b_support = b_count / n
    lift = confidence / b_support
    leverage = support - (a_count / n) * b_support
    certain = confidence >= 1.0
    conviction = np.full(len(count), math.inf)
    conviction[~certain] = (1.0 - b_support[~certain]) / (1.0 - confidence[~certain])
    measures = {"count": count, "support": support, "confidence": confidence, "lift": lift,
                "leverage": leverage, "conviction": conviction}
    if "antecedent_support" in wanted:
        measures["antecedent_support"] = a_count / n
    if "consequent_support" in wanted:
        measures["consequent_support"] = b_support
    if wanted & set(EXTRA_MEASURES):
        measures.update((k, v) for k, v in _extra_measures(support, a_count / n, b_support, confidence).items()
                        if k in wanted)
    return measures


def _extra_measures(s_ab: np.ndarray, s_a: np.ndarray, s_b: np.ndarray, confidence: np.ndarray) -> dict:
    """Jaccard, Kulczynski, cosine, certainty factor, Zhang's metric and added value, from the
    supports of A and B together and apart (their formulas are in the README)."""
    added_value = confidence - s_b
    certainty = np.zeros(len(s_ab))
    up, down = added_value > 0, added_value < 0  # s_b < 1 where it rose, > 0 where it fell
    certainty[up] = added_value[up] / (1.0 - s_b[up])
    certainty[down] = added_value[down] / s_b[down]
    zhang_below = np.maximum(s_ab * (1.0 - s_a), s_a * (s_b - s_ab))
    zhang = np.zeros(len(s_ab))
    nonzero = zhang_below > 0
    zhang[nonzero] = (s_ab[nonzero] - s_a[nonzero] * s_b[nonzero]) / zhang_below[nonzero]
    return {
        "jaccard": s_ab / (s_a + s_b - s_ab),
        "kulczynski": 0.5 * (s_ab / s_a + s_ab / s_b),
        "cosine": s_ab / np.sqrt(s_a * s_b),
        "certainty": certainty,
        "zhang": zhang,
        "added_value": added_value,
    }


def association_rules(
    itemsets: "FrequentItemsets | dict | Iterable[tuple[Sequence[Hashable], int]]",
    min_confidence: float = 0.8,
    *,
    n_baskets: Optional[int] = None,
    sort: str = "lift",
    top: Optional[int] = None,
    min_len: int = 2,
    antecedents: "Optional[Iterable[Hashable]]" = None,
    consequents: "Optional[Iterable[Hashable]]" = None,
    prune_redundant: bool = False,
) -> RuleList:
    """Rules ``A => B`` (A, B disjoint, non-empty) from frequent itemsets with confidence >= min_confidence.

    ``itemsets`` is what :func:`apriori` returns, or a mapping / iterable of
    ``(itemset, count)`` closed under subsets (then give ``n_baskets``). Rules are sorted by
    ``sort`` (one of :data:`SORT_KEYS`: lift, confidence, support, leverage, conviction and the
    measures of :data:`EXTRA_MEASURES`), ties by confidence,
    then support, highest first; ``top`` keeps the first ones. Items of a side are listed
    in the order of the itemsets (for apriori's result: least frequent first). ``min_len``:
    only rules of at least that many items, antecedent and consequent together (the
    smaller itemsets are not even split into rules); mine with ``max_len`` for the longest.

    ``antecedents`` / ``consequents`` (an item or an iterable of items; None: no constraint)
    keep only rules whose antecedent / consequent is made of those items: a non-empty subset
    of them, e.g. ``consequents=["milk", "eggs"]`` gives ``... => milk``, ``... => eggs`` and
    ``... => eggs, milk``. Each constrains its own side only (an item given as a consequent
    may still lead when ``antecedents`` is None). The constraints steer the enumeration, so
    asking for one consequent costs a fraction of all rules. An item in none of the baskets,
    or merely infrequent, allows no rule (:func:`rule_table` notes which).

    ``prune_redundant`` drops each rule A => B for which a rule A' => B, A' a non-empty
    proper subset of A, has the same or a higher confidence (arules' ``is.redundant``: the
    longer antecedent predicts B no better); the more general rule counts whether or not
    it is listed (``min_len`` may hide it).

    The result is a list with ``to_frame()``: mlxtend's rule DataFrame (needs pandas).
    """
    return rule_table(itemsets, min_confidence, n_baskets=n_baskets, sort=sort, top=top, min_len=min_len,
                      antecedents=antecedents, consequents=consequents, prune_redundant=prune_redundant).rules()


def max_confidence(found: FrequentItemsets) -> Optional[float]:
    """The highest confidence of any rule of ``found`` (None when no itemset has 2+ items),
    to tell a user who got no rules how far the minimum confidence is."""
    return _candidate_rules(_levels_of(found, None)[0], math.inf)[1]
