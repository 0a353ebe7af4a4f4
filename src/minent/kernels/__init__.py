"""Numba kernels: plain functions over numpy arrays, compiled once and cached on disk.

One module a job: ``ngrams`` (counting, cohesion, cutting), ``trie``/``viterbi``
(segmentation), ``support`` (itemset support counting).
"""
