"""Default settings, in a module light enough for the CLI's --help to import (no Numba)."""

DEFAULT_ORDER = 4
#: 5 gives a good lexicon on 2-20 MB corpora: on the PKU development data, 91% of the top
#: 1000 words are real words and unigram segmentation reaches F1 0.742 (10 gives 92% / 0.735)
DEFAULT_MIN_COUNT = 5
MAX_ORDER = 4  # n-grams pack into 64-bit keys, 15 bits a character


def default_thresholds(order: int) -> list[float]:
    """theta_n = 2n - 3 for n = 2..order: 1, 3, 5 for order 4 (theta_2 = 1 is the merge rule)."""
    return [float(2 * n - 3) for n in range(2, order + 1)]


#: most pruning rounds of the minimum-entropy refinement (it stops earlier when L stops falling)
DEFAULT_ITERATIONS = 5

#: build-lexicon refines by default (boundary signal + minimum-entropy refinement)
DEFAULT_REFINE = True
