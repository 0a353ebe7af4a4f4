"""Numba kernels of segmentation: the Viterbi pass over the word lattice and the rendering of the cut (``viterbi``)."""
