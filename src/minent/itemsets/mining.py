"""Frequent itemsets (Apriori).

    >>> import minent
    >>> found = minent.apriori([["milk", "bread"], ["milk", "eggs"], ["milk", "bread"]], min_support=0.5)
    >>> dict(found)
    {('bread',): 2, ('milk',): 3, ('milk', 'bread'): 2}

Mining is level-wise: frequent items first, then all pairs of frequent items, then
candidates of size k+1 joined from frequent k-itemsets sharing their first k-1 items and
kept only when all their k-subsets are frequent. Support counting runs in the Numba
kernels of :mod:`minent.itemsets.kernels.support`. On sparse data (``algorithm="auto"``, see
:func:`_choose_algorithm`) the same itemsets are found depth-first instead
(:mod:`minent.itemsets.kernels.eclat`), in the same levels and order.

Targets: ``target="closed"`` keeps the frequent itemsets with no superset of the same count,
``target="maximal"`` those with no frequent superset. The levels are mined as for all
itemsets, then filtered with their own data: support is anti-monotone, so a k-itemset X has
a superset of the same count iff some (k+1)-itemset containing X has it (that one is then
frequent too), and X has a frequent superset iff some (k+1)-superset is frequent. Each
frequent (k+1)-itemset marks its k+1 subsets of size k (found in a hash table of level k, in
a kernel): one pass over the itemsets, no pairwise comparison. The result keeps every
frequent itemset in ``levels`` (association rules need the counts of the subsets: rules are
formed from all frequent itemsets, as arules does) and iterates only over the target's.

Support thresholds: a fractional ``min_support`` s keeps itemsets whose count is at least
``ceil(s * n_baskets)``, computed exactly on the decimal value of s (so 0.3 of 10 baskets
is 3, not 4); ``min_count`` gives the count directly.
"""

from __future__ import annotations

import math
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import chain, count
from typing import Callable, Hashable, Iterable, Iterator, Optional

import numpy as np

from ..common.errors import MinentError
from ..common.gcpause import gc_paused
from ..common.progress import ProgressCallback, no_progress
from . import plain

__all__ = ["apriori", "FrequentItemsets", "LevelStats", "TARGETS", "ALGORITHMS", "min_count_for"]

_INT64_MAX = 2**63 - 1
#: what apriori can report: all frequent itemsets, the closed ones, the maximal ones
TARGETS = ("all", "closed", "maximal")


@dataclass
class LevelStats:
    """What one level of Apriori did."""

    size: int  # itemset size k
    candidates: int  # candidates counted (for k = 2: all pairs of frequent items)
    frequent: int  # frequent k-itemsets found
    seconds: float


@dataclass
class FrequentItemsets:
    """Frequent itemsets with their support counts, stored compactly level by level.

    Iterating (or ``dict(found)``) yields ``(itemset, count)`` with the itemset a tuple of
    the original items (ordered from most to least frequent item); ``len`` is the number
    of itemsets. Arrays of dense ids stay available in ``levels`` for fast post-processing.

    With a ``target`` other than "all", either ``levels`` holds every frequent itemset and
    ``selected[k-1]`` (bool by row of level k) marks the target's itemsets (iterating, ``len``,
    ``to_list`` and ``counts_per_size`` see only those), or, after a direct search of dense
    data, ``levels`` holds only the target's itemsets and ``all_levels()`` mines the rest
    when rules ask for them.
    """

    labels: list  # labels[id] = original item of dense id
    levels: list  # levels[k-1] = (int32 array [n_k, k] of ids, int64 counts [n_k])
    n_baskets: int
    min_count: int
    stats: list = field(default_factory=list)  # LevelStats per level
    seconds: float = 0.0
    # every distinct item of the baskets (frequent or not) with its count, so that a rule
    # constraint naming an item can tell "not in the data" from "not frequent"; None when unknown
    all_items: Optional[list] = field(default=None, repr=False, compare=False)
    all_item_counts: Optional[np.ndarray] = field(default=None, repr=False, compare=False)
    target: str = "all"
    selected: Optional[list] = field(default=None, repr=False, compare=False)  # bool mask per level; None: all
    # set when a direct closed / maximal search found only the target's itemsets: mines all
    # frequent itemsets of the same baskets (same ids) for the rules, see all_levels()
    remine: Optional[Callable[[], "FrequentItemsets"]] = field(default=None, repr=False, compare=False)
    _all_levels: Optional[list] = field(default=None, repr=False, compare=False)

    def __len__(self) -> int:
        return sum(self.counts_per_size)

    def all_levels(self) -> list:
        """The levels of every frequent itemset, which rules are formed from: ``levels``
        itself, unless a direct closed or maximal search kept only the target's itemsets; then
        all are mined once (from the baskets kept for this) and kept."""
        if self.remine is None:
            return self.levels
        if self._all_levels is None:
            self._all_levels = self.remine().levels
        return self._all_levels

    def _target_levels(self) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """The levels' (rows, counts) of the target's itemsets."""
        if self.selected is None:
            yield from self.levels
            return
        for (rows, counts), keep in zip(self.levels, self.selected):
            yield rows[keep], counts[keep]

    def __iter__(self) -> Iterator[tuple[tuple, int]]:
        return iter(self.to_list())

    def items(self) -> Iterator[tuple[tuple, int]]:
        return iter(self)

    def to_list(self) -> list[tuple[tuple, int]]:
        """``[(itemset, count), ...]`` by size, then in the order of the levels."""
        labels = np.empty(len(self.labels), dtype=object)
        labels[:] = self.labels
        out: list = []
        with gc_paused():
            for rows, counts in self._target_levels():
                # ids ascend with frequency; report items most frequent first. In slices: one
                # C call over millions of rows would hold off Ctrl-C for seconds
                for lo in range(0, len(counts), _SLICE):
                    named = labels[rows[lo:lo + _SLICE, ::-1]].tolist()
                    out.extend(zip(map(tuple, named), counts[lo:lo + _SLICE].tolist()))
        return out

    def to_dict(self) -> dict:
        """``{frozenset(itemset): count}``: handy to look up or compare regardless of order."""
        pairs = self.to_list()
        with gc_paused():
            return {frozenset(s): c for s, c in pairs}

    def to_frame(self):
        """The itemsets as mlxtend's DataFrame: ``support`` and ``itemsets`` (frozensets), by
        size (needs pandas: ``pip install "minent[pandas]"``)."""
        from .frames import itemsets_frame

        return itemsets_frame(self)

    def support(self, count: int) -> float:
        return count / self.n_baskets

    @property
    def counts_per_size(self) -> list[int]:
        """Number of the target's itemsets of each size (1, 2, ...)."""
        if self.selected is None:
            return [len(c) for _, c in self.levels]
        return [int(np.count_nonzero(keep)) for keep in self.selected]


_SLICE = 1 << 16  # rows turned into Python objects per C call


def min_count_for(min_support: float, n_baskets: int) -> int:
    """Smallest count meeting a fractional support: ceil(min_support * n), exactly."""
    fraction = Fraction(repr(float(min_support)))
    return max(1, math.ceil(fraction * n_baskets))


def _check_support(min_support: Optional[float], min_count: Optional[int]) -> None:
    if min_support is not None and min_count is not None:
        raise MinentError("give either a minimum support or a minimum count, not both")
    if min_count is not None:
        if (isinstance(min_count, bool) or not isinstance(min_count, (int, np.integer))
                or not 1 <= min_count <= _INT64_MAX):
            raise MinentError(f"minimum count must be a whole number of at least 1 and at most {_INT64_MAX}, got {min_count!r}")
    elif min_support is not None:
        try:
            value = float(min_support)
        except (TypeError, ValueError):
            raise MinentError(f"minimum support must be a number in (0, 1], got {min_support!r}") from None
        if not (0.0 < value <= 1.0):  # also nan
            raise MinentError(f"minimum support must be in (0, 1], got {min_support!r}")


def _encode_transactions(transactions: Iterable[Iterable[Hashable]]):
    """Give every distinct item a code (order of first sight); returns CSR (codes, starts), labels.

    Baskets are not deduplicated here (that is done by a kernel): building a Python set
    per basket costs more than the whole mining on large sparse data. On the kernels' path,
    string items are coded by :func:`.kernels.strings.encode_strings` (the same codes, without
    a dict lookup per item).
    """
    if isinstance(transactions, (str, bytes)):
        raise MinentError("transactions must be an iterable of baskets, not a string")
    from .frames import encode_frame, is_frame

    if is_frame(transactions):
        return encode_frame(transactions)
    try:
        baskets = transactions if isinstance(transactions, (list, tuple)) else list(transactions)
        # the basket types, in one C-level pass (a generator of isinstance calls costs more
        # than the mining of a sparse data set)
        if any(issubclass(t, (str, bytes)) for t in set(map(type, baskets))):
            bad = next(b for b in baskets if isinstance(b, (str, bytes)))
            raise MinentError(
                f"each basket must be an iterable of items, not a string ({bad[:20]!r}); "
                "wrap it, e.g. [basket] or list(basket)"
            )
        try:
            lengths = np.fromiter(map(len, baskets), dtype=np.int64, count=len(baskets))
        except TypeError:  # some baskets are iterators: materialise them
            baskets = [b if hasattr(b, "__len__") else list(b) for b in baskets]
            lengths = np.fromiter(map(len, baskets), dtype=np.int64, count=len(baskets))
        total = int(lengths.sum())
        encoded = None
        if not _starts_plain(total, len(baskets)):  # strings coded by a kernel: the same codes
            from .kernels.strings import encode_strings

            encoded = encode_strings(baskets, total, lengths)
        if encoded is not None:
            codes, labels = encoded
        else:
            # one hashing pass: a new item takes the next code as it is first looked up
            code_of: dict = defaultdict(count().__next__)
            codes = np.fromiter(map(code_of.__getitem__, chain.from_iterable(baskets)), dtype=np.int32, count=total)
            labels = list(code_of)
    except TypeError as e:
        raise MinentError(f"transactions must be an iterable of iterables of hashable items ({e})") from None
    starts = np.zeros(len(baskets) + 1, dtype=np.int64)
    np.cumsum(lengths, out=starts[1:])
    return codes, starts, labels


# how candidate bitsets are kept: 0 = chosen per group by density; 1 forces dense words,
# 2 sparse word lists (tests set it to check both ways on the same data)
COUNT_METHOD = 0


#: who counts: "auto" (plain Python for small data, see :mod:`.plain`; the kernels beyond),
#: "plain" or "kernels" everywhere (tests set it to check both ways on the same data)
COUNTING = "auto"


def _n_blocks() -> int:
    import numba

    return max(1, numba.get_num_threads() * 16)


def apriori(
    transactions: Iterable[Iterable[Hashable]],
    min_support: Optional[float] = None,
    max_len: Optional[int] = None,
    *,
    min_count: Optional[int] = None,
    progress: ProgressCallback = no_progress,
    target: str = "all",
    algorithm: str = "auto",
    keep_all: bool = False,
) -> FrequentItemsets:
    """Find every itemset held by at least ``min_support`` of the baskets (default 0.01).

    ``transactions`` is any iterable of iterables of hashable items, or a pandas DataFrame:
    one-hot (a row a basket, a column an item, values True/False or 1/0, sparse columns too)
    or long (two columns: basket id, item); duplicates inside a basket count once and empty
    baskets count as baskets. Give ``min_count`` instead of
    ``min_support`` for an absolute threshold. ``max_len`` caps the itemset size.
    ``progress(stage, level, max_len)`` is called after each level.

    ``target``: "all" (every frequent itemset), "closed" (those with no superset of the same
    count) or "maximal" (those with no frequent superset); with ``max_len``, supersets longer
    than ``max_len`` are not considered. On dense data (see ``algorithm``) the target's itemsets
    are searched for directly (:mod:`.kernels.closed`), without visiting the frequent itemsets
    that are neither (most of them, there); :func:`association_rules`, which forms its rules
    from all frequent itemsets, then mines those once more. ``keep_all=True`` mines all frequent
    itemsets first and keeps them in the result (rules from it cost nothing more).

    ``algorithm``: "apriori" (level by level), "eclat" (depth-first, see
    :mod:`.kernels.eclat`) or "auto" (the default): depth-first on sparse data, where
    Apriori's candidates of size 3 mostly never occur, level by level on dense data (see
    :func:`_choose_algorithm`). Both give the same itemsets, counts and order; small data is
    mined without Numba, level by level, unless "eclat" is asked for.
    """
    _check_options(min_support, min_count, max_len, target)
    if not isinstance(algorithm, str) or algorithm not in ALGORITHMS:
        raise MinentError(f"algorithm must be one of {', '.join(ALGORITHMS)}; got {algorithm!r}")
    started = time.perf_counter()
    codes, starts, labels = _encode_transactions(transactions)
    # an explicit "eclat" uses the kernels at once (the plain path counts level by level)
    small = _starts_plain(len(codes), len(starts) - 1) and not (algorithm == "eclat" and COUNTING != "plain")
    counting = _Counting(small, progress, started)
    codes, starts = counting.module().unique_per_basket(codes, starts)
    n = len(starts) - 1
    if n == 0:
        raise MinentError("no baskets to mine")
    if len(codes) == 0:
        raise MinentError("the baskets hold no items")
    vertical: dict = {}

    def frequent_pairs(id_of_code: np.ndarray, m: int, min_count: int) -> tuple[np.ndarray, np.ndarray]:
        # level 2: all pairs of frequent items
        if counting.plain and counting.fits(plain.pairs_cost(m, n)):
            vertical["bits"] = plain.item_bitsets(codes, starts, id_of_code, m)
            return plain.frequent_pairs(vertical["bits"], min_count)
        K = counting.kernels()
        items, item_starts = K.encode_baskets(codes, starts, id_of_code)
        offsets, tids, positions = K.vertical_lists(items, item_starts, m)
        vertical.update(offsets=offsets, tids=tids)
        return K.frequent_pairs(items, item_starts, offsets, tids, positions, m, min_count, _n_blocks())

    def extension_counts(level: np.ndarray, ext_starts: np.ndarray, ext_items: np.ndarray) -> np.ndarray:
        if counting.plain and counting.fits(plain.extensions_cost(len(ext_items), n)):
            if "ints" not in vertical:
                vertical["ints"] = plain.as_ints(vertical["bits"])
            return plain.extension_counts(vertical["ints"], level, ext_starts, ext_items)
        K = counting.kernels()
        if "bitsets" not in vertical:
            vertical["bitsets"] = ((vertical["bits"], *K.nonzero_words(vertical["bits"])) if "bits" in vertical
                                   else item_bitsets(vertical["offsets"], vertical["tids"], n))
        return count_extensions(vertical["bitsets"], level, ext_starts, ext_items)

    code_counts = counting.module().item_frequencies(codes, len(labels))
    threshold = _min_count(min_support, min_count, n)
    chosen = "apriori" if counting.plain else _choose_algorithm(algorithm, code_counts, n, threshold)

    def mine_all(progress: ProgressCallback, started: float) -> FrequentItemsets:
        if chosen == "eclat":
            return depth_first(labels, code_counts, codes, starts, threshold, max_len, progress, started)
        return levelwise(labels, code_counts, n, threshold, max_len, frequent_pairs, extension_counts,
                         progress, started, counting)

    if (target != "all" and not keep_all and algorithm == "auto" and chosen == "apriori" and max_len is None
            and not counting.plain and _fits_direct_search(code_counts, n, threshold)):
        found = direct_search(labels, code_counts, codes, starts, threshold, target, progress, started)
        found.remine = lambda: mine_all(no_progress, time.perf_counter())
        return found
    return select_target(mine_all(progress, started), target, started, counting)


#: what ``apriori(algorithm=...)`` takes
ALGORITHMS = ("auto", "apriori", "eclat")

#: "auto" mines depth-first when the frequent items fill at most this share of the baskets'
#: slots (sum of their counts / (baskets x frequent items)). Measured on the FIMI sets at the
#: hard thresholds (benchmarks/bench_hard.py): retail 0.0011 and T10I4D100K 0.012, depth-first
#: 1.3-2.9x faster than level by level; mushroom 0.31 and chess 0.81, depth-first 5-40x slower
#: (every itemset's projected baskets are long there; Apriori's bitsets count 64 baskets a word)
SPARSE_FILL = 0.05


def _choose_algorithm(algorithm: str, code_counts: np.ndarray, n_baskets: int, min_count: int) -> str:
    """"apriori" or "eclat" for a run on the kernels: as asked, or for "auto" by the fill of the
    frequent items (see :data:`SPARSE_FILL`). Depth-first work is the size of each itemset's
    projected baskets, so it wins where baskets are short next to the number of items (most
    candidate pairs never meet); on dense data every itemset's projected baskets are long and
    Apriori's bitset counting (64 baskets a word) wins."""
    if algorithm != "auto":
        return algorithm
    frequent = code_counts[code_counts >= min_count]
    if len(frequent) < 2:
        return "apriori"
    fill = float(frequent.sum()) / (float(n_baskets) * len(frequent))
    return "eclat" if fill <= SPARSE_FILL else "apriori"


def depth_first(labels: list, code_counts: np.ndarray, codes: np.ndarray, starts: np.ndarray, min_count: int,
                max_len: Optional[int], progress: ProgressCallback, started: float) -> FrequentItemsets:
    """All frequent itemsets depth-first (:mod:`.kernels.eclat`), as the same levels as
    :func:`levelwise`'s. ``stats`` has one entry per size, with the extension items counted
    as candidates; the time is not split by size (``seconds`` 0, ``found.seconds`` the total).
    ``progress``: "apriori levels" after the items and when all is done, "depth-first search"
    (first items done, of the frequent items) in between."""
    from .kernels import eclat
    from .kernels import support as K

    found, id_of_code = _frequent_items(labels, code_counts, len(starts) - 1, min_count)
    m = len(found.labels)
    progress("apriori levels", 1, max_len)
    if m >= 2 and max_len != 1:
        progress("depth-first search", 0, m)
        items, item_starts = K.encode_baskets(codes, starts, id_of_code)
        levels, candidates = eclat.frequent_itemsets(items, item_starts, m, min_count, max_len, _n_blocks(),
                                                     lambda a: progress("depth-first search", a, m))
        for k, (rows, counts) in enumerate(levels, start=2):
            found.levels.append((rows, counts))
            found.stats.append(LevelStats(k, candidates[k], len(counts), 0.0))
        progress("apriori levels", len(found.levels), max_len)  # every size done
    found.seconds = time.perf_counter() - started
    return found


#: memory the direct closed / maximal search may take for its stacks (per thread: a node's
#: frequent items and words at every depth); beyond, the levels are mined and filtered
DIRECT_SEARCH_BYTES = 256 << 20


def _fits_direct_search(code_counts: np.ndarray, n_baskets: int, min_count: int) -> bool:
    import numba

    m = int(np.count_nonzero(code_counts >= min_count))
    words = (n_baskets + 63) // 64
    return (m + 2) * (m + words) * 12 * numba.get_num_threads() <= DIRECT_SEARCH_BYTES


def direct_search(labels: list, code_counts: np.ndarray, codes: np.ndarray, starts: np.ndarray, min_count: int,
                  target: str, progress: ProgressCallback, started: float) -> FrequentItemsets:
    """The closed or maximal itemsets of dense data, searched directly (:mod:`.kernels.closed`)
    without the frequent itemsets that are neither. ``levels`` holds the target's itemsets only
    (in the order of the levels), ``stats`` their number per size (no candidates: there are no
    levels of candidates). ``progress``: "closed search" (first items done, of the frequent
    items) between the items and the end."""
    import numba

    from .kernels import closed
    from .kernels import support as K

    found, id_of_code = _frequent_items(labels, code_counts, len(starts) - 1, min_count)
    m = len(found.labels)
    progress("apriori levels", 1, None)
    item_counts = found.levels[0][1]
    bits = K.code_bitsets(codes, starts, id_of_code, m, True)
    progress("closed search", 0, m)
    levels = closed.closed_itemsets(bits, len(starts) - 1, item_counts, min_count, target == "maximal",
                                    numba.get_num_threads(), lambda a: progress("closed search", a, m))
    items_stats = found.stats[0]
    found.levels = ([(rows, counts) for rows, counts, _ in levels]
                    or [(np.empty((0, 1), dtype=np.int32), np.empty(0, dtype=np.int64))])
    found.stats = [LevelStats(k, items_stats.candidates if k == 1 else 0, len(counts), 0.0)
                   for k, (_, counts) in enumerate(found.levels, start=1)]
    found.target = target
    progress("apriori levels", len(found.levels), None)
    found.seconds = time.perf_counter() - started
    return found


def _starts_plain(n_codes: int, n_baskets: int) -> bool:
    """Whether a run starts on the plain path: small data in a process where Numba has not
    started (where it has, the kernels are cheap to use; see :data:`COUNTING`)."""
    if COUNTING != "auto":
        return COUNTING == "plain"
    return plain.is_small(n_codes, n_baskets) and not _numba_started()


def _numba_started() -> bool:
    return "numba" in sys.modules


class _Counting:
    """Which code counts and joins a run: :mod:`.plain` while the data is small and the run's
    time so far plus the next step's estimated cost stays within
    :data:`.plain.RUN_BUDGET_SECONDS` (no Numba: its start would be most of a small run), then
    the kernels for the rest of the run. The first use of the kernels in a run is reported as
    the progress stage ``loading kernels``, so that a command line that started without them
    can load them (and say why it pauses)."""

    def __init__(self, small: bool = False, progress: ProgressCallback = no_progress,
                 started: Optional[float] = None) -> None:
        self.plain = small
        self.loaded = False
        self.progress = progress
        self.started = time.perf_counter() if started is None else started

    def fits(self, seconds: float) -> bool:
        """Whether a step estimated at ``seconds`` stays plain (always when COUNTING says so)."""
        return COUNTING == "plain" or time.perf_counter() - self.started + seconds <= plain.RUN_BUDGET_SECONDS

    def module(self):
        return plain if self.plain else self.kernels()

    def kernels(self):
        if not self.loaded:
            self.plain, self.loaded = False, True
            self.progress("loading kernels", 0, None)
        from .kernels import support

        return support


def _check_options(min_support: Optional[float], min_count: Optional[int], max_len: Optional[int],
                   target: str = "all") -> None:
    _check_support(min_support, min_count)
    if not isinstance(target, str) or target not in TARGETS:
        raise MinentError(f"target must be one of {', '.join(TARGETS)}; got {target!r}")
    if max_len is not None and (isinstance(max_len, bool) or not isinstance(max_len, (int, np.integer))
                                or not 1 <= max_len <= _INT64_MAX):
        raise MinentError(f"maximum itemset length must be a whole number of at least 1, got {max_len!r}")


def _min_count(min_support: Optional[float], min_count: Optional[int], n_baskets: int) -> int:
    if min_count is None:
        min_count = min_count_for(0.01 if min_support is None else min_support, n_baskets)
    return int(min_count)


def levelwise(
    labels: list,
    code_counts: np.ndarray,
    n_baskets: int,
    min_count: int,
    max_len: Optional[int],
    frequent_pairs: Callable[[np.ndarray, int, int], tuple[np.ndarray, np.ndarray]],
    extension_counts: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray],
    progress: ProgressCallback,
    started: float,
    counting: Optional["_Counting"] = None,
) -> FrequentItemsets:
    """The Apriori levels, whoever counts the supports (this process, or a Dask cluster).

    ``code_counts[c]`` is the count of item ``labels[c]``. Frequent items are renumbered by
    ascending frequency (ties: first seen); ``frequent_pairs(id_of_code, m, min_count)`` gives
    level 2 (rows of two ids in lexicographic order, counts) and ``extension_counts(level,
    ext_starts, ext_items)`` the support of each candidate extension of a level. ``counting``
    says who joins the levels (default: the kernels).
    """
    counting = counting or _Counting()
    found, id_of_code = _frequent_items(labels, code_counts, n_baskets, min_count)
    m = len(found.labels)
    progress("apriori levels", 1, max_len)
    if m < 2 or max_len == 1:
        found.seconds = time.perf_counter() - started
        return found

    t0 = time.perf_counter()
    level, level_counts = frequent_pairs(id_of_code, m, min_count)
    found.levels.append((level, level_counts))
    found.stats.append(LevelStats(2, m * (m - 1) // 2, len(level_counts), time.perf_counter() - t0))
    progress("apriori levels", 2, max_len)

    k = 2
    while len(level_counts) > 0 and (max_len is None or k < max_len):
        t0 = time.perf_counter()
        if counting.plain and not counting.fits(plain.join_cost(level)):
            counting.kernels()
        K = counting.module()
        ext_starts, ext_items = K.candidate_extensions(level, 1 if counting.plain else _n_blocks())
        n_candidates = len(ext_items)
        if n_candidates == 0:
            found.stats.append(LevelStats(k + 1, 0, 0, time.perf_counter() - t0))
            break
        ext_counts = extension_counts(level, ext_starts, ext_items)
        level, level_counts = K.next_level(level, ext_starts, ext_items, ext_counts, min_count)
        k += 1
        if len(level_counts) > 0:
            found.levels.append((level, level_counts))
        found.stats.append(LevelStats(k, n_candidates, len(level_counts), time.perf_counter() - t0))
        progress("apriori levels", k, max_len)
    found.seconds = time.perf_counter() - started
    return found


def _frequent_items(labels: list, code_counts: np.ndarray, n_baskets: int,
                    min_count: int) -> tuple[FrequentItemsets, np.ndarray]:
    """Level 1: the frequent items renumbered by ascending frequency (ties: first seen), and
    ``id_of_code`` (-1 for an infrequent item), shared by both algorithms."""
    t0 = time.perf_counter()
    frequent_codes = np.flatnonzero(code_counts >= min_count)
    frequent_codes = frequent_codes[np.argsort(code_counts[frequent_codes], kind="stable")]
    m = len(frequent_codes)
    id_of_code = np.full(len(labels), -1, dtype=np.int32)
    id_of_code[frequent_codes] = np.arange(m, dtype=np.int32)
    id_labels = [labels[c] for c in frequent_codes.tolist()]
    found = FrequentItemsets(labels=id_labels, levels=[], n_baskets=n_baskets, min_count=min_count,
                             all_items=labels, all_item_counts=np.asarray(code_counts, dtype=np.int64))
    found.levels.append((np.arange(m, dtype=np.int32).reshape(m, 1), code_counts[frequent_codes].astype(np.int64)))
    found.stats.append(LevelStats(1, len(labels), m, time.perf_counter() - t0))
    return found, id_of_code


def item_bitsets(offsets: np.ndarray, tids: np.ndarray, n_baskets: int) -> tuple:
    """The baskets of every item as a bitset, with the index of its non-zero words (made once,
    for the levels from 3 on)."""
    from .kernels import support as K

    bits = K.item_bitsets(offsets, tids, n_baskets)
    return (bits, *K.nonzero_words(bits))


def count_extensions(bitsets: tuple, level: np.ndarray, ext_starts: np.ndarray, ext_items: np.ndarray) -> np.ndarray:
    """Support of every candidate extension (aligned with ``ext_items``), on the item bitsets."""
    from .kernels import support as K

    bits, word_starts, word_index = bitsets
    if bits.shape[1] == 0:
        return np.zeros(len(ext_items), dtype=np.int64)
    group_starts, group_ends = _group_order(level, ext_starts, word_starts, bits.shape[1])
    return K.count_groups(level, ext_starts, ext_items, bits, word_starts, word_index, group_starts,
                          group_ends, _n_blocks(), COUNT_METHOD)


def _group_order(level, ext_starts, word_starts, words) -> tuple[np.ndarray, np.ndarray]:
    """Groups of rows (same first k-1 items) that have candidates, most expensive first."""
    from .kernels import support as K

    ends = K._group_ends(level)
    starts_mask = np.ones(len(ends), dtype=bool)
    starts_mask[1:] = ends[1:] != ends[:-1]
    group_starts = np.flatnonzero(starts_mask)
    group_ends = ends[group_starts]
    n_ext = ext_starts[group_ends] - ext_starts[group_starts]
    keep = n_ext > 0
    group_starts, group_ends, n_ext = group_starts[keep], group_ends[keep], n_ext[keep]
    first_words = np.diff(word_starts)[level[group_starts, 0]]
    cost = (n_ext + group_ends - group_starts) * np.minimum(first_words, words // 8 + 1)
    order = np.argsort(-cost, kind="stable")
    return group_starts[order].astype(np.int64), group_ends[order].astype(np.int64)


def select_target(found: FrequentItemsets, target: str, started: Optional[float] = None,
                  counting: Optional[_Counting] = None) -> FrequentItemsets:
    """Mark the target's itemsets in ``found`` (mined level by level, so closed under subsets).

    A k-itemset is not maximal when a row of level k+1 contains it, and not closed when such
    a row also has its count (anti-monotone support: a superset of the same count implies
    one of size k+1). The last level's itemsets are all closed and maximal. ``started``:
    when mining began, to include this step in ``found.seconds``; ``counting``: who marks them
    (default: the kernels).
    """
    if target == "all":
        return found
    counting = counting or _Counting()
    marks = sum(len(counts) * k for k, (_, counts) in enumerate(found.levels[1:], start=2))
    if counting.plain and not counting.fits(plain.marks_cost(marks)):
        counting.kernels()  # each k-itemset marks k subsets
    K = counting.module()
    selected = []
    for k in range(1, len(found.levels) + 1):
        rows, counts = found.levels[k - 1]
        not_closed = np.zeros(len(counts), dtype=np.uint8)
        not_maximal = np.zeros(len(counts), dtype=np.uint8)
        if k < len(found.levels) and len(counts):
            upper, upper_counts = found.levels[k]
            K.mark_subsets(rows, counts, upper, upper_counts, not_closed, not_maximal,
                           1 if counting.plain else _n_blocks())
        selected.append((not_closed if target == "closed" else not_maximal) == 0)
    found.target, found.selected = target, selected
    if started is not None:
        found.seconds = time.perf_counter() - started
    return found
