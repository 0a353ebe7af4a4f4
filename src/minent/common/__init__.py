"""What the three jobs share: errors, the one reader and writer of files (:mod:`~minent.common.textio`),
character classes and ids, the Lexicon and its file formats, progress reporting, the Dask
plumbing (:mod:`~minent.common.cluster`), and the kernels more than one job calls
(:mod:`minent.common.kernels`). Nothing here imports a job."""
