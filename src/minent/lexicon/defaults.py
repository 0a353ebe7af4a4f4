"""Default settings, in a module light enough for the CLI's --help to import (no Numba)."""

from typing import Optional

DEFAULT_ORDER = 4
#: --min-count's default: None, chosen by the pipeline (:func:`min_count_for`)
DEFAULT_MIN_COUNT: Optional[int] = None
#: fewest occurrences of a refined word, and of a first-pass n-gram when refinement follows: a
#: string seen once is no evidence that it is reused. Nothing else is needed, whatever the
#: corpus's size: refinement judges every candidate by what coding it as a unit saves, in
#: nats an occurrence, a figure that does not grow with the corpus.
CANDIDATE_MIN_COUNT = 2
#: the first pass alone (--no-refine) has no such judge, so its pieces need more evidence:
#: on the development sets 5 suits 1-3 million characters and 3 a few hundred thousand
FIRST_PASS_MIN_COUNT = 5
MAX_ORDER = 4  # n-grams pack into 64-bit keys, 15 bits a character


def default_thresholds(order: int) -> list[float]:
    """theta_n = 2n - 3 for n = 2..order: 1, 3, 5 for order 4 (theta_2 = 1 is the merge rule)."""
    return [float(2 * n - 3) for n in range(2, order + 1)]


#: most pruning rounds of the minimum-entropy refinement (it stops earlier when L stops falling)
DEFAULT_ITERATIONS = 5

#: build-lexicon refines by default (boundary signal + minimum-entropy refinement)
DEFAULT_REFINE = True


def min_count_for(refine: bool, min_count: Optional[int] = None) -> int:
    """``min_count`` when given, else the pipeline's own: 2 (a string seen twice) when the
    lexicon is refined, 5 for the first pass alone."""
    if min_count is not None:
        return min_count
    return CANDIDATE_MIN_COUNT if refine else FIRST_PASS_MIN_COUNT
