"""A flat, array-based trie of code points that Numba kernels can walk.

A lexicon arrives as one uint32 array of code points (all words concatenated) and an
int64 array of word offsets (``offsets[w]:offsets[w+1]`` is word ``w``). Node 0 is the
root. An edge ``(node, code point) -> child`` is stored in an open-addressing hash table
keyed by ``node << 21 | code point`` (a code point fits in 21 bits), one slot two uint64
side by side, the key then the child (``edges[2 * slot]``, ``edges[2 * slot + 1]``): a
lookup that finds its key reads the child from the same cache line (kept in two arrays, a
walk of the trie took 1.8x as long: it misses the cache twice). The root's edges for the
Basic Multilingual Plane also sit in a direct table, since every lookup starts there.
Building is one pass over the code points, so jieba's 350,000 words load in milliseconds.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from . import readonly

EMPTY_SLOT = np.uint64(0xFFFFFFFFFFFFFFFF)  # never a key: node ids stay below 2**43
HASH_MULT = np.uint64(0x9E3779B97F4A7C15)
CP_BITS = np.uint64(21)
ROOT_DIRECT = 0x10000  # root edges of code points below this live in a direct table


@njit(cache=True, nogil=True, inline="always")
def _slot(key: np.uint64, shift: np.uint64) -> np.int64:
    return np.int64((key * HASH_MULT) >> np.uint64(shift))


@njit(cache=True, nogil=True, inline="always")
def child(root_edges, edges, shift, node, cp) -> np.int64:
    """The child of ``node`` along code point ``cp``, or -1 when there is none."""
    if node == 0 and cp < ROOT_DIRECT:
        return np.int64(root_edges[cp])
    key = (np.uint64(node) << CP_BITS) | np.uint64(cp)
    mask = np.int64((edges.shape[0] >> 1) - 1)
    i = _slot(key, shift)
    while True:
        k = edges[2 * i]
        if k == key:
            return np.int64(edges[2 * i + 1])
        if k == EMPTY_SLOT:
            return np.int64(-1)
        i = (i + 1) & mask


@njit(cache=True, nogil=True, inline="always")
def _insert_words(codepoints, offsets):
    """Insert every word; return the tables, the node where each word ends and the node count."""
    n_words = offsets.shape[0] - 1
    n_chars = codepoints.shape[0]
    bits = 4
    while (np.int64(1) << bits) < 2 * n_chars + 2:
        bits += 1
    capacity = np.int64(1) << bits
    shift = np.uint64(64 - bits)
    mask = capacity - 1
    root_edges = np.empty(ROOT_DIRECT, dtype=np.int32)
    for cp in range(ROOT_DIRECT):
        root_edges[cp] = -1
    edges = np.empty(2 * capacity, dtype=np.uint64)  # (key, child) a slot
    for i in range(capacity):
        edges[2 * i] = EMPTY_SLOT
        edges[2 * i + 1] = 0
    node_of_word = np.empty(n_words, dtype=np.int32)
    n_nodes = 1
    for w in range(n_words):
        node = np.int64(0)
        for j in range(offsets[w], offsets[w + 1]):
            cp = codepoints[j]
            if node == 0 and cp < ROOT_DIRECT:
                nxt = np.int64(root_edges[cp])
                if nxt < 0:
                    nxt = n_nodes
                    n_nodes += 1
                    root_edges[cp] = nxt
                node = nxt
                continue
            key = (np.uint64(node) << CP_BITS) | np.uint64(cp)
            i = _slot(key, shift)
            while edges[2 * i] != key and edges[2 * i] != EMPTY_SLOT:
                i = (i + 1) & mask
            if edges[2 * i] == EMPTY_SLOT:
                edges[2 * i] = key
                edges[2 * i + 1] = n_nodes
                n_nodes += 1
            node = np.int64(edges[2 * i + 1])
        node_of_word[w] = node
    return root_edges, edges, shift, node_of_word, n_nodes


@njit(cache=True, nogil=True, inline="always")
def _has_child(root_edges, edges, n_nodes) -> np.ndarray:
    """1 for nodes with at least one child: lookups stop at leaves instead of probing the hash."""
    has = np.empty(n_nodes, dtype=np.uint8)
    for n in range(n_nodes):
        has[n] = 0
    for cp in range(root_edges.shape[0]):
        if root_edges[cp] >= 0:
            has[0] = 1
    for i in range(0, edges.shape[0], 2):
        if edges[i] != EMPTY_SLOT:
            has[np.int64(edges[i] >> CP_BITS)] = 1
    return has


@njit(cache=True, nogil=True)
def build_trie(codepoints: np.ndarray, offsets: np.ndarray):
    """Insert every word; return ``(root_edges, edges, shift, word_of_node)``.

    ``word_of_node[n]`` is the index of the word that ends at node ``n`` (-1 when none; a
    word given twice keeps its last index). ``shift`` is the hash's right shift.
    """
    root_edges, edges, shift, node_of_word, n_nodes = _insert_words(codepoints, offsets)
    word_of_node = np.empty(n_nodes, dtype=np.int32)
    for n in range(n_nodes):
        word_of_node[n] = -1
    for w in range(node_of_word.shape[0]):
        word_of_node[node_of_word[w]] = w
    return root_edges, edges, shift, word_of_node


def build_weighted_trie(codepoints: np.ndarray, offsets: np.ndarray, weights: np.ndarray):
    """Insert every word; return ``(root_edges, edges, shift, has_child, weight)``.

    ``weight[n]`` is the summed weight of the words ending at node ``n`` (a word given twice
    counts twice), -1.0 when no word ends there.
    """
    return _build_weighted_trie(readonly(codepoints, np.uint32), readonly(offsets, np.int64),
                                readonly(weights, np.float64))


@njit(cache=True, nogil=True)
def _build_weighted_trie(codepoints: np.ndarray, offsets: np.ndarray, weights: np.ndarray):
    root_edges, edges, shift, node_of_word, n_nodes = _insert_words(codepoints, offsets)
    weight = np.empty(n_nodes, dtype=np.float64)
    for n in range(n_nodes):
        weight[n] = -1.0
    for w in range(node_of_word.shape[0]):
        n = node_of_word[w]
        weight[n] = max(weight[n], 0.0) + weights[w]
    has_child = _has_child(root_edges, edges, n_nodes)
    return root_edges, edges, shift, has_child, weight


@njit(cache=True, nogil=True)
def find_words(root_edges, edges, shift, word_of_node, codepoints, offsets) -> np.ndarray:
    """Index of each query word in the trie (-1 when absent); used by tests and lookups."""
    n = offsets.shape[0] - 1
    out = np.empty(n, dtype=np.int64)
    for w in range(n):
        out[w] = -1
    for w in range(n):
        node = np.int64(0)
        if offsets[w] == offsets[w + 1]:
            continue
        for j in range(offsets[w], offsets[w + 1]):
            node = child(root_edges, edges, shift, node, codepoints[j])
            if node < 0:
                break
        if node >= 0:
            out[w] = word_of_node[node]
    return out
