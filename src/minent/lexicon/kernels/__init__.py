"""Numba kernels of lexicon discovery: n-gram counting, cohesion and the cut (``ngrams``), branching entropy and the autonomy cut (``entropy``)."""
