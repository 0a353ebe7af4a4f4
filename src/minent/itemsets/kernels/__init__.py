"""Numba kernels of support counting for Apriori (``support``)."""
