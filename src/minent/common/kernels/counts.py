"""Kernels of count tables, the form every job sums its counts in: sorted unique uint64 keys
with their int64 counts. Lexicon discovery counts n-grams and pieces in them, and the
cluster code of discovery and of Apriori merges the workers' partial tables with :func:`merge_tables`.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def run_lengths(sorted_keys: np.ndarray) -> tuple:
    """(unique keys, counts) of a sorted key array; overwrites ``sorted_keys`` to save memory."""
    m = sorted_keys.shape[0]
    counts = np.empty(m, dtype=np.int64)
    u = -1
    for i in range(m):
        if u < 0 or sorted_keys[i] != sorted_keys[u]:
            u += 1
            sorted_keys[u] = sorted_keys[i]
            counts[u] = 0
        counts[u] += 1
    return sorted_keys[: u + 1].copy(), counts[: u + 1].copy()


@njit(cache=True, nogil=True)
def merge_tables(keys_a: np.ndarray, counts_a: np.ndarray, keys_b: np.ndarray, counts_b: np.ndarray) -> tuple:
    """Union of two count tables (sorted unique keys), summing the counts of shared keys."""
    na, nb = keys_a.shape[0], keys_b.shape[0]
    keys = np.empty(na + nb, dtype=np.uint64)
    counts = np.empty(na + nb, dtype=np.int64)
    i = j = u = 0
    while i < na and j < nb:
        if keys_a[i] < keys_b[j]:
            keys[u] = keys_a[i]
            counts[u] = counts_a[i]
            i += 1
        elif keys_b[j] < keys_a[i]:
            keys[u] = keys_b[j]
            counts[u] = counts_b[j]
            j += 1
        else:
            keys[u] = keys_a[i]
            counts[u] = counts_a[i] + counts_b[j]
            i += 1
            j += 1
        u += 1
    while i < na:
        keys[u] = keys_a[i]
        counts[u] = counts_a[i]
        i += 1
        u += 1
    while j < nb:
        keys[u] = keys_b[j]
        counts[u] = counts_b[j]
        j += 1
        u += 1
    return keys[:u].copy(), counts[:u].copy()
