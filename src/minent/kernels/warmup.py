"""Whether a command's kernels still have to be compiled, asked before they are called.

The first run of a command after installing (or after an upgrade of minent, Numba or
Python) compiles its kernels: seconds of silence that look like a hang. The CLI asks
:func:`needs_compiling` first and, when it says so, prints :data:`COMPILE_NOTICE`. The
answer reads the kernels' entries in Numba's on-disk cache, as Numba itself would find
them (in the package's ``__pycache__``, or the user-wide directory when the package is
read-only, or ``NUMBA_CACHE_DIR``): an entry counts when it was written from the same
source file, by this Numba version, for this CPU. Reading a few small index files costs
about a millisecond; nothing is compiled and nothing is printed here.
"""

from __future__ import annotations

from typing import Iterable, Mapping, Optional

COMPILE_NOTICE = "minent: compiling kernels (first run only)…"

#: kernels that every run of a command calls (``module.name`` in minent.kernels); the
#: rare-path kernels are left out, so a run that never takes that path is not told, every
#: time, that it will compile
COMMAND_KERNELS: dict[str, tuple[str, ...]] = {
    "build-lexicon": (
        "viterbi._number_marks", "ngrams.ideograph_ids", "ngrams.window_keys", "ngrams.run_lengths",
        "ngrams._weakest_split_block", "ngrams._build_key_index", "ngrams._mark_joins", "ngrams._pieces",
    ),
    # build-lexicon's refinement (on by default)
    "refine": (
        "entropy.neighbour_pairs", "entropy._neighbour_entropy", "entropy._autonomy_cut_block",
        "trie._build_weighted_trie", "viterbi.mark_block", "ngrams.marked_word_keys", "ngrams.merge_tables",
    ),
    "segment": ("utf8._decode_utf8", "trie._build_weighted_trie", "viterbi.mark_block"),
    "apriori": ("support._unique_per_basket", "support.item_frequencies", "support._encode_baskets"),
    "score": (),
}


def command_kernels(command: str, options: Optional[Mapping] = None) -> tuple[str, ...]:
    """The kernels :func:`needs_compiling` checks for ``command`` (a CLI name such as
    ``build-lexicon``, or its function's name, ``build_lexicon_command``) and its options."""
    name = command.removesuffix("_command").replace("_", "-")
    kernels = COMMAND_KERNELS.get(name, ())
    if name == "build-lexicon" and (options or {}).get("refine", True):
        kernels += COMMAND_KERNELS["refine"]
    return kernels


def needs_compiling(command: str, options: Optional[Mapping] = None) -> bool:
    """True when running ``command`` (with these options, e.g. the CLI's keyword arguments)
    will compile kernels first, because Numba's cache lacks them or holds stale ones.

    Never raises: when the cache cannot be inspected, the answer is False (no notice).
    """
    try:
        return bool(missing_kernels(command_kernels(command, options)))
    except Exception:  # a Numba internal that moved: say nothing rather than fail the command
        return False


def missing_kernels(names: Iterable[str]) -> list[str]:
    """The kernels among ``names`` (``module.name`` in minent.kernels) that Numba would compile."""
    import importlib

    missing = []
    for name in names:
        module, _, attr = name.partition(".")
        kernel = getattr(importlib.import_module(f"{__package__}.{module}"), attr, None)
        if kernel is not None and not is_cached(kernel):
            missing.append(name)
    return missing


def is_cached(kernel) -> bool:
    """Whether the Numba dispatcher ``kernel`` will load from the disk cache instead of compiling:
    compiled already in this process, or an index entry for this source, Numba and CPU."""
    from numba.core.caching import NullCache
    from numba.core.dispatcher import Dispatcher

    if not isinstance(kernel, Dispatcher):  # NUMBA_DISABLE_JIT, or a plain function: nothing to compile
        return True
    if kernel.overloads:
        return True
    cache = kernel._cache
    if isinstance(cache, NullCache):  # caching off: every run compiles
        return False
    entries = cache._cache_file._load_index()  # {} when missing, stale, or from another Numba version
    if not entries:
        return False
    wanted = cache._index_key(None, kernel.targetctx.codegen())[1:]  # (CPU, bytecode hashes)
    return any(key[1:] == wanted for key in entries)
