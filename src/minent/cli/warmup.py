"""Whether a command's kernels still have to be compiled, and compiling them ahead on two cores.

The first run of a command after installing (or after an upgrade of minent, Numba or
Python) compiles its kernels: seconds of silence that look like a hang. The CLI asks
:func:`needs_compiling` first and, when it says so, prints :data:`COMPILE_NOTICE`. The
answer reads the kernels' entries in Numba's on-disk cache, as Numba itself would find
them (in the package's ``__pycache__``, or the user-wide directory when the package is
read-only, or ``NUMBA_CACHE_DIR``): an entry counts when it was written from the same
source file, by this Numba version, for this CPU. Reading a few small index files costs
about a millisecond; nothing is compiled and nothing is printed here.

Compiling holds the GIL, so threads cannot share it, but processes can: :func:`prepare`
(called by the CLI after the notice) compiles the kernels a command lacks, half of them
in a child process that writes Numba's cache and half in this one, for the one signature
each kernel is ever called with (:func:`kernel_signatures`). The command's first calls
then load the child's half from the cache. On two cores the README's first command goes
from ~8 s to ~5 s.
"""

from __future__ import annotations

import os
import sys
import time
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Mapping, Optional

COMPILE_NOTICE = "minent: compiling kernels (first run only)…"


class _NoScipyBlasProbe:  # a meta path finder (importlib.abc costs an import)
    """Numba imports scipy to see whether BLAS is there when its CPU target starts
    (a quarter of a second); minent's kernels use no BLAS, so the CLI process skips it."""

    def find_spec(self, name, path=None, target=None):
        if name == "scipy" or name.startswith("scipy."):
            raise ImportError("minent's CLI skips Numba's BLAS probe")
        return None


def start_numba() -> None:
    """Start Numba's CPU target now (import and registries: about a third of a second), without
    the BLAS probe, so that loading or compiling the kernels does not pay for it."""
    if "scipy" in sys.modules or "numba.np.arraymath" in sys.modules:
        return
    blocker = _NoScipyBlasProbe()
    sys.meta_path.insert(0, blocker)
    try:
        from numba.core.registry import cpu_target

        cpu_target.target_context.refresh()  # loads numba.np.arraymath, which probes once
    finally:
        sys.meta_path.remove(blocker)



#: where the kernel modules live, by the short name the tables below use (``module.name``)
KERNEL_MODULES: dict[str, str] = {
    "utf8": "minent.common.kernels.utf8",
    "tokens": "minent.common.kernels.tokens",
    "trie": "minent.common.kernels.trie",
    "counts": "minent.common.kernels.counts",
    "lexfile": "minent.common.kernels.lexfile",
    "ngrams": "minent.lexicon.kernels.ngrams",
    "entropy": "minent.lexicon.kernels.entropy",
    "viterbi": "minent.segment.kernels.viterbi",
    "output": "minent.segment.kernels.output",
    "support": "minent.itemsets.kernels.support",
    "eclat": "minent.itemsets.kernels.eclat",
    "closed": "minent.itemsets.kernels.closed",
    "strings": "minent.itemsets.kernels.strings",
}

#: kernels that every run of a command calls (``module.name``, module as in :data:`KERNEL_MODULES`); the
#: rare-path kernels are left out, so a run that never takes that path is not told, every
#: time, that it will compile
COMMAND_KERNELS: dict[str, tuple[str, ...]] = {
    "build-lexicon": (
        "tokens._number_marks", "ngrams.ideograph_ids", "ngrams.window_keys", "counts.count_keys",
        "ngrams._weakest_split_block", "ngrams._build_key_index", "ngrams._mark_joins", "ngrams._pieces",
        "counts.count_spans", "ngrams._drop_rare",
    ),
    # build-lexicon's refinement (on by default)
    "refine": (
        "entropy.neighbour_pairs", "entropy._neighbour_entropy", "entropy._autonomy_cut_block",
        "trie._build_weighted_trie", "viterbi.mark_block", "ngrams.marked_word_keys", "counts.merge_tables",
        "viterbi._mixed_word_mask", "viterbi._split_costs",
    ),
    "segment": ("utf8._decode_utf8", "trie._build_weighted_trie", "viterbi.mark_block", "viterbi._mixed_word_mask"),
    # segment's options that write the cut from word spans (--format jsonl, --mode search,
    # --stop-words, --min-length): see segment_output_kernels
    "apriori": ("strings.string_codes", "support._unique_per_basket", "support.item_frequencies",
                "support._encode_baskets"),
    # baskets (and apriori --text) cut the documents as segment does, then filter in Python
    "baskets": ("utf8._decode_utf8", "trie._build_weighted_trie", "viterbi.mark_block", "viterbi._mixed_word_mask"),
    "score": (),
}


def command_kernels(command: str, options: Optional[Mapping] = None) -> tuple[str, ...]:
    """The kernels :func:`needs_compiling` checks for ``command`` (a CLI name such as
    ``build-lexicon``, or its function's name, ``build_lexicon_command``) and its options."""
    name = command.removesuffix("_command").replace("_", "-")
    kernels = COMMAND_KERNELS.get(name, ())
    if name == "build-lexicon" and (options or {}).get("refine", True):
        kernels += COMMAND_KERNELS["refine"]
        if not (options or {}).get("known") and (options or {}).get("order", 4) >= 2:
            kernels += PEAK_KERNELS  # the peaks of cohesion: none beside a dictionary, none of one character
    if name == "segment":
        kernels += segment_output_kernels(options or {})
    if name == "apriori" and (options or {}).get("text"):
        kernels = COMMAND_KERNELS["baskets"] + kernels
    if name == "apriori" and (options or {}).get("target", "all") in ("closed", "maximal"):
        kernels += TARGET_KERNELS  # only a run that keeps closed or maximal itemsets calls them
    if name == "apriori" and (options or {}).get("algorithm", "auto") == "eclat":
        kernels += ECLAT_KERNELS  # "auto" calls them on sparse data only: see PREPARE_EXTRA
    return kernels


#: the kernel of the refinement's pairs at the peaks of cohesion (lexicon.peaks)
PEAK_KERNELS = ("ngrams.cohesion_peaks",)
#: the kernels that select closed or maximal itemsets (apriori --target closed|maximal with
#: rules; without, dense data is searched directly: closed.subtrees, see PREPARE_EXTRA)
TARGET_KERNELS = ("support._row_table", "support._mark_subsets")
#: the kernels of the depth-first search (apriori --algorithm eclat; "auto" on sparse data)
ECLAT_KERNELS = ("eclat.depth_first", "support.vertical_lists")


def segment_output_kernels(options: Mapping) -> tuple[str, ...]:
    """The kernels ``minent segment`` calls for its output options (the CLI's keyword arguments)."""
    fmt, mode = options.get("fmt", "text"), options.get("mode", "default")
    filtering = options.get("stop_words") is not None or (options.get("min_length") or 1) > 1
    kernels: tuple[str, ...] = ("viterbi._split_costs",) if options.get("add_words") is not None else ()
    if fmt == "text" and mode == "default" and not filtering:
        return kernels
    kernels += ("output._render_jsonl",) if fmt == "jsonl" else ("output._render_text",)
    if mode == "search":
        kernels += ("viterbi._inner_words", "tokens._number_marks")
    if filtering:
        kernels += ("trie.build_trie", "output._keep_mask")
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
    """The kernels among ``names`` (``module.name``, module as in :data:`KERNEL_MODULES`) that Numba would compile."""
    import importlib

    missing = []
    for name in names:
        module, _, attr = name.partition(".")
        kernel = getattr(importlib.import_module(KERNEL_MODULES[module]), attr, None)
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


# -- compiling ahead, on two processes -------------------------------------------------------

#: kernels that :func:`prepare` compiles besides :data:`COMMAND_KERNELS`: called on large
#: inputs (several blocks) or on most paths, but not on every run, so they do not decide
#: whether the notice is printed
PREPARE_EXTRA: dict[str, tuple[str, ...]] = {
    "build-lexicon": ("viterbi._block_bounds",),
    "refine": ("ngrams._key_slots",),
    # mark_block_mixed: lexicons with entries that mix scripts (jieba's dictionary has 72)
    "segment": ("lexfile._parse_entries", "viterbi._render", "viterbi._block_bounds", "viterbi.mark_block_mixed"),
    "baskets": ("lexfile._parse_entries", "viterbi._block_bounds", "viterbi.mark_block_mixed"),
    "apriori": (
        "support._pairs_of_range", "support._count_groups", "support._join_setup", "support._join_groups",
        "support.next_level", "support.item_bitsets", "support.nonzero_words", "support.vertical_lists",
        "support._gather_extensions", "eclat.depth_first", "support.code_bitsets", "closed.subtrees",
        "closed.sorted_itemsets",
    ),
}

#: seconds each kernel takes to compile (cold cache, one process compiling them in this
#: order after a first kernel, on the 2 shared cores of the development machine, Numba
#: 0.68): only the ratios matter, to cut the work in two even halves
COMPILE_SECONDS: dict[str, float] = {
    "viterbi.mark_block": 2.05, "tokens._number_marks": 0.2, "viterbi._block_bounds": 0.34, "viterbi._render": 0.47,
    "utf8._decode_utf8": 0.3, "trie._build_weighted_trie": 0.68, "lexfile._parse_entries": 0.71,
    "ngrams.ideograph_ids": 0.16, "ngrams.window_keys": 0.13, "counts.count_keys": 0.45, "counts.merge_tables": 0.27,
    "counts.count_spans": 0.4, "ngrams._drop_rare": 0.2, "ngrams.cohesion_peaks": 0.2,
    "ngrams._weakest_split_block": 0.43, "ngrams._build_key_index": 0.16, "ngrams._key_slots": 0.13,
    "ngrams._mark_joins": 0.28, "ngrams._pieces": 0.48, "ngrams.marked_word_keys": 0.27,
    "entropy.neighbour_pairs": 0.23, "entropy._neighbour_entropy": 0.25, "entropy._autonomy_cut_block": 0.59,
    "support._unique_per_basket": 1.12, "support.item_frequencies": 0.09, "support._encode_baskets": 0.32,
    "support.vertical_lists": 0.3, "support.item_bitsets": 0.27, "support.nonzero_words": 0.18,
    "support._pairs_of_range": 3.96, "support._join_setup": 0.8, "support._join_groups": 0.51,
    "support._gather_extensions": 0.26, "support._count_groups": 1.03, "support.next_level": 0.47,
    "support._row_table": 0.3, "support._mark_subsets": 0.3, "eclat.depth_first": 4.0,
    "support.code_bitsets": 1.3, "closed.subtrees": 3.0, "strings.string_codes": 3.6,
    "closed.sorted_itemsets": 0.8,
    "output._render_text": 0.47, "output._render_jsonl": 0.99, "output._keep_mask": 0.34,
    "viterbi._inner_words": 0.58, "trie.build_trie": 0.6, "viterbi._split_costs": 0.5,
    "viterbi._mixed_word_mask": 0.3, "viterbi.mark_block_mixed": 0.9,
}
#: a kernel missing from the table
DEFAULT_SECONDS = 0.3

#: kernels that call the same costly helpers (mark_block's cost includes the rule-token
#: functions, which the other two then reuse): apart, both processes would compile them
COMPILED_TOGETHER: tuple[tuple[str, ...], ...] = (
    ("viterbi.mark_block", "tokens._number_marks", "viterbi._block_bounds"),
)

#: what the child spends before compiling (starting Python, importing numpy and Numba)
CHILD_START_SECONDS = 0.5
#: how long the child may take beyond three times this process's half, before it is stopped
CHILD_WAIT_SECONDS = 10.0
#: below this much compiling, a child costs more than it saves
MIN_PARALLEL_SECONDS = 1.2


@lru_cache(maxsize=1)
def kernel_signatures() -> dict[str, tuple]:
    """The one signature (a tuple of Numba types) each kernel is called with, by ``module.name``.

    The public wrappers put their arguments in this form (read-only C arrays in, writable
    ones out, ``int64`` scalars); ``tests/cli/test_kernel_compile.py`` checks this table against
    what a real run compiles, since compiling a signature nobody calls is wasted seconds.
    """
    from numba import types as t

    def a(dtype, readonly: bool = False, ndim: int = 1):
        return t.Array(dtype, ndim, "C", readonly=readonly)

    u1, u2, u4, u8, i4, i8, f8 = t.uint8, t.uint16, t.uint32, t.uint64, t.int32, t.int64, t.float64
    cps, table = a(u4, True), a(u2, True)  # code points; character classes
    trie = (a(i4), a(u8), i8, a(u1), a(f8), f8)  # root_edges ... unknown cost, as mark_block takes it
    groups = a(i4, ndim=2)
    return {
        "utf8._decode_utf8": (a(u1, True),),
        "tokens._number_marks": (cps, table, a(u1)),
        "viterbi._block_bounds": (cps, table, i8, a(i4), a(u8), i8, a(u1)),  # and the mixed trie
        "viterbi.mark_block": (cps, table, i8, i8, *trie, a(u1)),
        "viterbi.mark_block_mixed": (cps, table, i8, i8, *trie, *trie[:4], a(f8), a(u1)),
        "viterbi._mixed_word_mask": (cps, a(i8, True), table),
        "viterbi._render": (cps, a(u1, True), a(u1, True), t.boolean),
        "trie._build_weighted_trie": (cps, a(i8, True), a(f8, True)),
        "trie.build_trie": (cps, a(i8)),
        "viterbi._inner_words": (cps, a(i8, True), a(i8, True), a(u1, True), a(i4), a(u8), i8, a(f8)),
        "viterbi._split_costs": (cps, a(i8, True), a(i4), a(u8), i8, a(u1), a(f8), f8),
        "output._render_text": (cps, a(i8, True), a(i8, True), a(u1, True), t.boolean),
        "output._render_jsonl": (cps, a(i8, True), a(i8, True)),
        "output._keep_mask": (cps, a(i8, True), a(i8, True), i8, a(i4), a(u8), i8, a(i4)),
        "lexfile._parse_entries": (cps, i8, i8, a(u4), a(i8), a(f8)),
        "ngrams.ideograph_ids": (cps, a(u2), a(u1), i8),
        "ngrams.window_keys": (a(u2), i8),
        "counts.count_keys": (a(u8),),
        "counts.merge_tables": (a(u8), a(i8), a(u8), a(i8)),
        "counts.count_spans": (a(u2, True), a(i8, True), a(i8, True)),
        "ngrams._weakest_split_block": (
            a(u8, True), a(i8, True), i8, t.UniTuple(a(u8, True), 4), t.UniTuple(a(i8, True), 4), i8, i8, i8, i8,
            a(f8),
        ),
        "ngrams._build_key_index": (a(u8, True),),
        "ngrams._drop_rare": (a(u8, True), a(i8, True), i8, i8, a(u8, True), a(i4)),
        "ngrams.cohesion_peaks": (a(u2, True), i8, a(u8, True), a(i8, True), a(f8, True), a(f8, True), i8, i8),
        "ngrams._key_slots": (a(u8, True), a(u8, True), a(i8, True), t.boolean),
        "ngrams._mark_joins": (a(u2, True), a(u8, True), i8, i8, i8, a(u1)),
        "ngrams._pieces": (a(u2, True), a(u1), i8, i8),
        "ngrams.marked_word_keys": (a(u2), a(u1), i8, i8),
        "entropy.neighbour_pairs": (a(u2), i8, a(u8), a(i8), i8, i8),
        "entropy._neighbour_entropy": (a(u8, True), a(i8, True), i8, a(u8, True), a(i8, True), a(i8, True), i8,
                                       a(u8, True)),
        "entropy._autonomy_cut_block": (a(u2, True), i8, i8, a(u8, True), a(i8, True), a(f8, True), i8),
        "support._unique_per_basket": (a(i4), a(i8)),
        "support.item_frequencies": (a(i4), i8),
        "support._encode_baskets": (a(i4), a(i8), a(i4)),
        "support.vertical_lists": (a(i4), a(i8), i8),
        "support.item_bitsets": (a(i8), a(i4), i8),
        "support.nonzero_words": (a(u8, ndim=2),),
        "support._pairs_of_range": (i8, i8, a(i4), a(i8), a(i8), a(i4), a(i4), i8, i8),
        "support._join_setup": (groups,),
        "support._join_groups": (i8, i8, groups, a(i8), a(i8), a(i8), a(i8), a(u1), a(i8)),
        "support._gather_extensions": (i8, i8, groups, a(i8), a(u1), a(i8), a(i8), a(i4)),
        "support._count_groups": (
            i8, i8, groups, a(i8), a(i4), a(u8, ndim=2), a(i8), a(i4), a(i8), a(i8), a(i8), i8,
        ),
        "support.next_level": (groups, a(i8), a(i4), a(i8), i8),
        "support._row_table": (groups,),
        "support._mark_subsets": (i8, i8, groups, a(i8), a(i8), groups, a(i8), a(u1), a(u1)),
        "eclat.depth_first": (i8, i8, i8, a(i4), a(i8), a(i8), i8, i8, i8, i8),
        "support.code_bitsets": (a(i4), a(i8), a(i4), i8, t.boolean),
        "strings.string_codes": (a(u1, readonly=True), i8),
        "closed.subtrees": (a(i4), a(u8, ndim=2), i8, a(i4), a(i4), a(i8), i8, t.boolean, a(u1)),
        "closed.sorted_itemsets": (a(i4), a(i4), a(i8), a(t.boolean), t.boolean),
    }


def prepare_kernels(command: str, options: Optional[Mapping] = None) -> tuple[str, ...]:
    """The kernels :func:`prepare` compiles for ``command``: :func:`command_kernels` and their
    companions in :data:`PREPARE_EXTRA`."""
    name = command.removesuffix("_command").replace("_", "-")
    kernels = command_kernels(command, options) + PREPARE_EXTRA.get(name, ())
    if name == "build-lexicon" and (options or {}).get("refine", True):
        kernels += PREPARE_EXTRA["refine"]
    if name == "apriori" and (options or {}).get("text"):
        kernels += PREPARE_EXTRA["baskets"]
    return tuple(dict.fromkeys(kernels))


def prepare(command: str, options: Optional[Mapping] = None) -> bool:
    """Compile, before it runs, the kernels ``command`` lacks in Numba's cache, on two processes.

    True when something was compiled. Only the CLI calls this (once, before the command's
    work): a library user's or a Dask worker's kernels compile on first call, as usual, and
    so do a ``--scheduler`` run's (its workers compile their own). ``--jobs 1`` keeps it to
    this process. Never raises but KeyboardInterrupt: what is not compiled here compiles on
    first call.
    """
    options = options or {}
    if str(options.get("scheduler") or "").strip():
        return False
    try:
        names = [n for n in missing_kernels(prepare_kernels(command, options)) if n in kernel_signatures()]
        if not names:
            return False
        return compile_in_parallel(names, processes=1 if options.get("jobs") == 1 else 2)
    except Exception:  # a Numba internal that moved, no way to start a process...: first calls compile
        return False


def _kernel(name: str):
    import importlib

    module, _, attr = name.partition(".")
    return getattr(importlib.import_module(KERNEL_MODULES[module]), attr)


def split_by_cost(names: Iterable[str], head_start: float = 0.0) -> tuple[list[str], list[str]]:
    """``names`` in two lists of about equal compile time (:data:`COMPILE_SECONDS`), the
    second one's total counted from ``head_start`` (the child's start-up). The kernels of a
    :data:`COMPILED_TOGETHER` group stay on one side; the costliest are placed first."""
    names = list(dict.fromkeys(names))
    units = [[n for n in group if n in names] for group in COMPILED_TOGETHER]
    units = [u for u in units if u]
    grouped = {n for u in units for n in u}
    units += [[n] for n in names if n not in grouped]
    sides, load = ([], []), [0.0, head_start]
    for unit in sorted(units, key=lambda u: -sum(COMPILE_SECONDS.get(n, DEFAULT_SECONDS) for n in u)):
        side = 0 if load[0] <= load[1] else 1
        sides[side].extend(unit)
        load[side] += sum(COMPILE_SECONDS.get(n, DEFAULT_SECONDS) for n in unit)
    return sides


def _compile(names: Iterable[str]) -> None:
    """Compile each kernel for its signature in this process (Numba writes its cache).

    Numba's code generation calls back into Python from C (ctypes), and a KeyboardInterrupt
    raised there, by the CLI's signal handler, is printed and dropped by ctypes: it goes to
    ``sys.unraisablehook`` instead, so it is caught there and raised again after the kernel.
    """
    signatures = kernel_signatures()
    dropped: list[BaseException] = []
    previous = sys.unraisablehook

    def keep_interrupts(unraisable) -> None:
        if isinstance(unraisable.exc_value, KeyboardInterrupt):
            dropped.append(unraisable.exc_value)
        else:
            previous(unraisable)

    sys.unraisablehook = keep_interrupts
    try:
        for name in names:
            try:
                _kernel(name).compile(signatures[name])
            except Exception:  # a stale signature: the first call compiles the right one
                pass
            if dropped:
                raise dropped[0]
            CHECKPOINT()
    finally:
        sys.unraisablehook = previous


def _no_checkpoint() -> None:
    """The default :data:`CHECKPOINT`: nothing to do between two kernels."""


#: called between two kernels compiled or loaded here; the CLI sets it to raise a signal it
#: deferred while Numba and LLVM were busy (an exception raised inside LLVM's callbacks can
#: leave it half-built: a crash or a traceback at exit instead of a clean stop)
CHECKPOINT = _no_checkpoint


def preload(command: str, options: Optional[Mapping] = None) -> None:
    """Load (or compile) every kernel ``command`` may call, now, one at a time with
    :data:`CHECKPOINT` between them, instead of on first call in the middle of the work.

    Loading a cached kernel runs LLVM too; done here, the CLI can hold a signal back until a
    kernel is whole. Kernels whose signature is not in the table load on first call.
    """
    options = options or {}
    if str(options.get("scheduler") or "").strip():
        return
    signatures = kernel_signatures()
    _compile([n for n in prepare_kernels(command, options) if n in signatures])  # what this run will call


def _usable_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def compile_in_parallel(names: Iterable[str], processes: int = 2) -> bool:
    """Compile the kernels ``names`` (``module.name``): about half in a child process, which
    leaves them in Numba's on-disk cache, and the rest here, then wait for the child.

    Without a disk cache (caching impossible) or a second CPU everything compiles here. The
    child is bounded: if it fails, or runs far longer than this process's half, it is
    stopped and its kernels compile on first call, as without this function. True when
    anything was compiled.
    """
    import subprocess

    from numba.core.caching import NullCache
    from numba.core.dispatcher import Dispatcher

    kernels = {n: _kernel(n) for n in names}
    names = [n for n, k in kernels.items() if isinstance(k, Dispatcher) and not k.overloads and n in kernel_signatures()]
    if not names:
        return False
    cached = [n for n in names if not isinstance(kernels[n]._cache, NullCache)]
    total = sum(COMPILE_SECONDS.get(n, DEFAULT_SECONDS) for n in cached)
    own, theirs = list(names), []
    if processes >= 2 and len(cached) >= 2 and total >= MIN_PARALLEL_SECONDS and _usable_cpus() >= 2:
        theirs = split_by_cost(cached, CHILD_START_SECONDS)[1]
        own = [n for n in names if n not in theirs]
    child = _start_child(theirs) if theirs else None
    if child is None:
        own = list(names)
    try:
        started = time.perf_counter()
        _compile(own)
        if child is not None:
            try:
                child.wait(timeout=CHILD_WAIT_SECONDS + 3.0 * (time.perf_counter() - started))
            except subprocess.TimeoutExpired:  # stopped below; the first calls compile the rest
                pass
    finally:
        if child is not None and child.poll() is None:
            child.kill()
            child.wait()
    return True


#: what the child runs: this package (first on sys.path, and not the working directory)
#: compiles the kernels named in its arguments
_CHILD_CODE = ("import sys; sys.path = [sys.argv[1]] + [p for p in sys.path if p]; "
               "from minent.cli.warmup import _compile; _compile(sys.argv[2:])")


def _start_child(names: list[str]):
    """A process compiling ``names`` into the same cache as this one (same source files,
    environment and user, so Numba picks the same cache directory), or None."""
    import subprocess

    root = str(Path(os.path.abspath(__file__)).parents[2])  # as imported here: Numba keys caches on this path
    try:
        return subprocess.Popen(
            [sys.executable, "-c", _CHILD_CODE, root, *names],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    except OSError:
        return None
