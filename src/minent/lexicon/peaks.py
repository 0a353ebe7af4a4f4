"""Two-character candidates where cohesion peaks along the text, for the refinement.

The boundary signal misses many common two-character words whose characters are each
frequent alone (体制, 各国, 工人, 市长): the autonomy cut prefers them apart, and when such
a word mostly occurs inside longer pieces (经济体制改革, 世界各国人民) the first pass never
cuts it out as a piece of its own. Cohesion sees it locally. Along a run of text each pair of
neighbouring characters sticks together by its PMI, ln c(ab) N / (c(a) c(b)); a pair that
sticks more than the pairs on either side of it (a local peak of PMI along the run) is where
the run holds together. Every pair at such a peak, seen at least twice in the corpus, is a
candidate, counted by the times it peaks; the refinement then keeps those that pay.

There is no threshold on the PMI: a peak is judged against its neighbours only, so a pair
of two very frequent characters (有的, 国有) can be a candidate, and the pairs whose PMI is
below θ₂ are left to the refinement's saving, which judges every candidate by the same
bound. A number binds its neighbours (its unit or prefix stays with it, the refinement's
number rule): the seam beside a number counts as the strongest, so a pair next to a number
is never a peak (in 1月1日电, not 日电), and pairs holding a number are the number words' job.

Local peaks are the pairs that Sproat and Shih's mutual-information segmentation (1990),
joining the strongest pair first, joins before either neighbour; joining greedily on down
added more phrases and did worse on all three development sets (README, Accuracy).

The peaks are counted in the first pass's cutting pass (:meth:`LexiconBuilder._cut
<minent.lexicon.discover.LexiconBuilder._cut>`), chunk by chunk, from the finished count
tables: only pairs of the 2-gram table are counted, so memory follows the pairs kept.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import NamedTuple, Optional

import numpy as np

from ..common import chars
from ..common.kernels import readonly, thread_slices
from ..common.kernels.counts import count_keys, merged_tables
from .kernels import ngrams as k

#: a (sorted keys, counts) table
Table = tuple[np.ndarray, np.ndarray]


class PeakModel(NamedTuple):
    """What :func:`peak_counts` looks pairs up in: the 2-gram table's key index, the ratio
    c(ab) / (c(a) c(b)) of each of its 2-grams, and every id's count (float64)."""

    slots: np.ndarray
    positions: np.ndarray
    pair_ratios: np.ndarray
    char_counts: np.ndarray


def peak_model(char_table: Table, pair_table: Table) -> PeakModel:
    """The model of the finished tables of the 1-grams (every character is kept) and the
    2-grams (a pair missing from it was seen once: its ratio is 1 / (c(a) c(b)))."""
    char_keys, char_counts = char_table
    pair_keys, pair_counts = pair_table
    by_id = np.ones(chars.N_SYMBOLS + 1, dtype=np.float64)
    by_id[np.asarray(char_keys, dtype=np.int64)] = char_counts
    pair_keys = readonly(pair_keys, np.uint64)
    first = (pair_keys >> np.uint64(chars.BITS_PER_CHAR)).astype(np.int64)
    second = (pair_keys & np.uint64(chars.CHAR_MASK)).astype(np.int64)
    ratios = np.asarray(pair_counts, dtype=np.float64) / (by_id[first] * by_id[second])
    slots, positions = k.build_key_index(pair_keys)
    return PeakModel(readonly(slots), readonly(positions), readonly(ratios), readonly(by_id))


def peak_counts(ids: np.ndarray, model: PeakModel, pool: Optional[ThreadPoolExecutor] = None) -> Table:
    """The pairs of the 2-gram table at the peaks of cohesion in one chunk of ids, counted.
    With a ``pool``, a slice of the chunk a thread."""
    ids = readonly(ids, np.uint16)

    def count(job: tuple[int, int]) -> Table:
        return count_keys(k.cohesion_peaks(ids, chars.NUM_ID, *model, *job))

    mapper = pool.map if pool is not None else map
    return merged_tables(list(mapper(count, thread_slices(len(ids), pool is not None))))


def peak_pairs(peaks: Table, pair_table: Table, min_count: int) -> dict[str, int]:
    """word -> times at a peak, for the counted ``peaks`` whose pair is seen at least
    ``min_count`` times in the corpus (``pair_table``, the 2-grams' finished table, from
    which the peaks came)."""
    keys, counts = peaks
    pair_keys, pair_counts = pair_table
    if len(keys) == 0:
        return {}
    at, found = k.positions_in(pair_keys, keys)
    often = found & (np.asarray(pair_counts)[at] >= min_count)
    return dict(zip(chars.unpack_many(keys[often]), np.asarray(counts)[often].tolist()))


def with_peak_pairs(candidates: dict[str, int], peaks: Optional[dict[str, int]]) -> dict[str, int]:
    """The candidates plus the pairs at the peaks of cohesion that they lack (with their
    counts at the peaks); a word the candidates hold keeps its count."""
    result = dict(candidates)
    for word, count in (peaks or {}).items():
        result.setdefault(word, count)
    return result
