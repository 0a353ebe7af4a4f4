"""First-run compilation: one signature per kernel, and the CLI's notice (kernels.warmup)."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Sequence

import pytest

import minent
from minent.cli import warmup

SRC = Path(minent.__file__).resolve().parent
OWN_MODULES = ("ngrams", "entropy", "trie", "utf8", "tokens", "counts", "viterbi", "output", "lexfile")


def _run(code: str, pythonpath: Path, prefix: Sequence[str] = (), **env: str) -> str:
    environment = {**os.environ, "PYTHONPATH": str(pythonpath), **env}
    environment.pop("NUMBA_CACHE_DIR", None) if "NUMBA_CACHE_DIR" not in env else None
    done = subprocess.run([*prefix, sys.executable, "-c", textwrap.dedent(code)], env=environment,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.fixture
def fresh_copy(tmp_path: Path) -> Path:
    """The package copied without its caches: every kernel is cold there."""
    shutil.copytree(SRC, tmp_path / "src" / "minent", ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path / "src"


@pytest.fixture
def read_only_copy(fresh_copy: Path):
    """``fresh_copy`` made read-only, and the prefix of a command that runs in it. Root ignores
    permission bits, so as root the command runs in a private mount namespace where the copy
    is a read-only bind mount (skipped where ``unshare`` is not allowed)."""
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        script = 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && shift && exec "$@"'
        prefix = ["unshare", "-m", "sh", "-c", script, "sh", str(fresh_copy)]
        try:
            probe = subprocess.run([*prefix, "sh", "-c", f"! touch {fresh_copy}/probe"], capture_output=True, timeout=30)
        except OSError:
            pytest.skip("no unshare to make a read-only mount as root")
        if probe.returncode != 0:
            pytest.skip("cannot make a read-only mount as root here")
        yield fresh_copy, prefix
        return
    for folder, _, files in os.walk(fresh_copy):
        for name in files:
            os.chmod(Path(folder, name), 0o444)
        os.chmod(folder, 0o555)
    try:
        yield fresh_copy, []
    finally:
        for folder, _, _ in os.walk(fresh_copy):
            os.chmod(folder, 0o755)


CHECK = """
    from minent.cli.warmup import missing_kernels
    print(missing_kernels(["utf8._decode_utf8"]))
"""
COMPILE = """
    import numpy as np
    from minent.common.kernels import utf8
    utf8.decode_utf8(np.frombuffer(b"abc", dtype=np.uint8))
"""


def test_cold_cache_says_compile_then_warm_says_not(fresh_copy):
    assert _run(CHECK, fresh_copy) == "['utf8._decode_utf8']"
    _run(COMPILE, fresh_copy)  # another process: the answer comes from the disk cache
    assert _run(CHECK, fresh_copy) == "[]"
    source = fresh_copy / "minent" / "common" / "kernels" / "utf8.py"
    source.write_text(source.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert _run(CHECK, fresh_copy) == "['utf8._decode_utf8']"  # stale: Numba compiles again


def test_editing_a_kernel_file_drops_the_cache_of_the_kernels_that_call_it(fresh_copy):
    """Numba keys a cache on the defining file only: entropy.neighbour_pairs inlines ngrams.key_at,
    so after an edit of ngrams.py its cached code is stale although entropy.py did not change."""
    compile_it = "from minent.cli import warmup; warmup._compile(['entropy.neighbour_pairs'])"
    check = "from minent.cli.warmup import missing_kernels; print(missing_kernels(['entropy.neighbour_pairs']))"
    _run(compile_it, fresh_copy)
    assert _run(check, fresh_copy) == "[]"
    callee = fresh_copy / "minent" / "lexicon" / "kernels" / "ngrams.py"
    callee.write_text(callee.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert _run(check, fresh_copy) == "['entropy.neighbour_pairs']"
    _run(compile_it, fresh_copy)  # compiled again against the edited file, then kept
    assert _run(check, fresh_copy) == "[]"


def test_read_only_package_uses_the_user_cache(read_only_copy, tmp_path):
    package, prefix = read_only_copy
    user_cache = {"XDG_CACHE_HOME": str(tmp_path / "user-cache")}
    assert _run(CHECK, package, prefix, **user_cache) == "['utf8._decode_utf8']"
    _run(COMPILE, package, prefix, **user_cache)
    assert _run(CHECK, package, prefix, **user_cache) == "[]"
    assert list((tmp_path / "user-cache").rglob("utf8._decode_utf8*.nbi"))
    assert not list(package.rglob("*.nbi"))


def test_every_listed_kernel_is_a_kernel():
    from numba.core.dispatcher import Dispatcher
    import importlib

    for command in ("build-lexicon", "segment"):
        for name in warmup.command_kernels(command):
            module, _, attr = name.partition(".")
            assert isinstance(getattr(importlib.import_module(warmup.KERNEL_MODULES[module]), attr), Dispatcher), name
    assert warmup.command_kernels("build_lexicon_command", {"refine": False}) == warmup.COMMAND_KERNELS["build-lexicon"]
    peaks = "ngrams.cohesion_peaks"  # the refinement's peaks of cohesion: not beside a dictionary, nor at order 1
    assert peaks in warmup.command_kernels("build_lexicon_command", {"refine": True, "known": None, "order": 4})
    assert peaks not in warmup.command_kernels("build_lexicon_command", {"refine": True, "known": ["d.txt"]})
    assert peaks not in warmup.command_kernels("build_lexicon_command", {"refine": True, "order": 1})
    assert warmup.command_kernels("segment_command", {"fmt": "text", "mode": "default", "stop_words": None,
                                                      "min_length": 1}) == warmup.COMMAND_KERNELS["segment"]
    every = warmup.command_kernels("segment_command", {"fmt": "jsonl", "mode": "search", "stop_words": "s.txt",
                                                       "add_words": "w.txt"})
    assert {"output._render_jsonl", "viterbi._inner_words", "output._keep_mask", "viterbi._split_costs"} <= set(every)
    for name in every:
        module, _, attr = name.partition(".")
        assert isinstance(getattr(importlib.import_module(warmup.KERNEL_MODULES[module]), attr), Dispatcher), name
    assert warmup.needs_compiling("no-such-command") is False


def _exercise_the_commands(tmp_path: Path) -> None:
    """The paths of build-lexicon (with refinement) and segment, on a small text."""
    text = "孙悟空道：“师父，我们去西天取经。”八戒笑道：“师父，猴哥说得是。”\n" * 40 + "一九九八年3.5%的增长，第12期。\n"
    lexicon = minent.build_lexicon(text, min_count=2)
    segmenter = minent.Segmenter(lexicon)
    segmenter.cut(text[:200])
    segmenter.segment(text[:200])
    source = tmp_path / "in.txt"
    source.write_text(text, encoding="utf-8")
    lexicon_file = tmp_path / "lexicon.tsv"
    lexicon.save(lexicon_file)
    minent.Segmenter(lexicon_file).segment_file(source, io.BytesIO())


def test_a_run_leaves_its_kernels_cached(tmp_path):
    """The lists hold only kernels that every run calls: after one run, no notice."""
    _exercise_the_commands(tmp_path)
    assert warmup.missing_kernels(warmup.command_kernels("build-lexicon")) == []
    assert warmup.missing_kernels(warmup.command_kernels("segment")) == []
    assert warmup.needs_compiling("build_lexicon_command", {"refine": True}) is False


def test_each_kernel_is_compiled_for_one_signature(tmp_path):
    """Arguments are put in one form before a kernel is called, so none compiles twice."""
    from numba.core.dispatcher import Dispatcher
    import importlib

    _exercise_the_commands(tmp_path)
    for module in OWN_MODULES:
        for name, kernel in vars(importlib.import_module(warmup.KERNEL_MODULES[module])).items():
            if isinstance(kernel, Dispatcher):
                assert len(kernel.signatures) <= 1, (module, name, kernel.signatures)


# -- compiling ahead on two processes (warmup.prepare) ---------------------------------------

def _exercise_apriori() -> None:
    """Every level of apriori: pairs, candidate joins, bitset counts (sizes up to 4), on the
    kernels (small data like this is otherwise counted without them)."""
    from minent.itemsets import mining

    baskets = [[f"i{j}" for j in range(8) if (b >> j) & 1 or j == b % 8] for b in range(300)]
    before, mining.COUNTING = mining.COUNTING, "kernels"
    try:
        found = minent.apriori(baskets, min_support=0.05)
        assert max(len(s) for s in found.levels[-1][0]) >= 4
        closed = minent.apriori(baskets, min_support=0.05, target="closed", keep_all=True)  # the target kernels
        assert 0 < len(closed) <= len(found)
        direct = minent.apriori(baskets, min_support=0.05, target="closed")  # the direct search of dense data
        assert direct.remine is not None and direct.to_list() == closed.to_list()
        assert minent.apriori(baskets, min_support=0.05, algorithm="eclat").levels[-1][0].shape[1] >= 4  # depth-first
    finally:
        mining.COUNTING = before


def test_the_signature_table_is_what_a_real_run_compiles(tmp_path):
    """prepare compiles the table's signatures: one the run then never calls would be compiled
    twice. Every kernel of the table is exercised here, so a stale entry fails this test."""
    from minent.segment.kernels import viterbi

    _exercise_the_commands(tmp_path)
    seg = minent.Segmenter({"孙悟空": 5, "悟空": 9, "师父": 7, "T恤": 2}, stop_words=["师父"], min_length=2)
    seg.add_word("孙悟")  # --add-words
    for mode in ("default", "search"):  # segment's output options
        for fmt in ("text", "jsonl"):
            seg.segment_file(tmp_path / "in.txt", io.BytesIO(), mode=mode, format=fmt)
    text = "孙悟空道：师父，我们去西天取经。八戒笑道：猴哥说得是。\n" * 3000  # several blocks, 2 threads
    minent.Segmenter(minent.build_lexicon(text[:5000], min_count=2), jobs=2).cut(text)
    _exercise_apriori()
    for name, signature in warmup.kernel_signatures().items():
        kernel = warmup._kernel(name)
        assert kernel.signatures == [signature], (name, kernel.signatures)
    assert viterbi._block_bounds.signatures  # the multi-block path was taken
    for command in ("build-lexicon", "segment", "apriori"):
        assert set(warmup.prepare_kernels(command)) <= set(warmup.kernel_signatures()), command
        assert set(warmup.prepare_kernels(command)) <= set(warmup.COMPILE_SECONDS), command


def test_split_keeps_shared_callees_together_and_balances():
    names = warmup.prepare_kernels("build-lexicon")
    own, theirs = warmup.split_by_cost(names, warmup.CHILD_START_SECONDS)
    assert sorted(own + theirs) == sorted(names)
    together = set(warmup.COMPILED_TOGETHER[0])
    assert together <= set(own) or together <= set(theirs)
    cost = lambda side: sum(warmup.COMPILE_SECONDS[n] for n in side)  # noqa: E731
    assert abs(cost(own) - (cost(theirs) + warmup.CHILD_START_SECONDS)) <= max(warmup.COMPILE_SECONDS.values())
    assert warmup.split_by_cost(["tokens._number_marks"]) == (["tokens._number_marks"], [])


PREPARE = """
    import sys, numpy as np
    from minent.cli import warmup
    from minent.common.kernels import counts, readonly, utf8
    from minent.lexicon.kernels import ngrams
    warmup.MIN_PARALLEL_SECONDS = warmup.CHILD_START_SECONDS = 0
    names = ["utf8._decode_utf8", "counts.count_keys", "ngrams.window_keys"]
    started = []
    start = warmup._start_child
    warmup._start_child = lambda n: (started.extend(n), start(n))[1]
    assert warmup.compile_in_parallel(names) is True
    theirs = set(started)
    assert theirs and theirs < set(names), started
    for name in names:  # the child's half is not compiled here, yet found in the cache
        assert bool(warmup._kernel(name).overloads) == (name not in theirs), name
    assert warmup.missing_kernels(names) == []
    utf8.decode_utf8(np.frombuffer("取经".encode(), dtype=np.uint8))
    counts.count_keys(np.array([3, 3, 5], dtype=np.uint64))
    ngrams.window_keys(np.array([1, 2, 3], dtype=np.uint16), 2)
    for name in theirs:
        stats = warmup._kernel(name).stats
        assert sum(stats.cache_hits.values()) == 1 and not stats.cache_misses, (name, stats)
    print("ok")
"""


def test_prepare_compiles_half_in_a_child_and_the_run_loads_it(fresh_copy):
    assert _run(PREPARE, fresh_copy) == "ok"


def test_prepare_with_a_read_only_package_shares_the_user_cache(read_only_copy, tmp_path):
    """The child finds the same cache as its parent: the user-wide one when the package is read-only."""
    package, prefix = read_only_copy
    assert _run(PREPARE, package, prefix, XDG_CACHE_HOME=str(tmp_path / "user-cache")) == "ok"
    assert len(list((tmp_path / "user-cache").rglob("*.nbi"))) >= 3
    assert not list(package.rglob("*.nbi"))


def test_prepare_without_jit_or_with_a_scheduler_does_nothing(fresh_copy):
    code = """
        from minent.cli import warmup
        warmup._start_child = None  # calling it would fail
        print(warmup.prepare("segment", {}), warmup.prepare("build_lexicon_command", {"scheduler": "tcp://x:1"}))
    """
    assert _run(code, fresh_copy, NUMBA_DISABLE_JIT="1") == "False False"
    assert _run(code.replace('"segment", {}', '"score", {}'), fresh_copy) == "False False"


def test_no_child_without_a_disk_cache_or_with_one_job(fresh_copy):
    code = """
        from numba.core.caching import NullCache
        from minent.cli import warmup
        warmup.MIN_PARALLEL_SECONDS = 0
        warmup._start_child = None  # calling it would fail
        names = ["counts.count_keys", "ngrams.window_keys"]
        for name in names:
            warmup._kernel(name)._cache = NullCache()
        assert warmup.compile_in_parallel(names) is True
        assert all(warmup._kernel(n).overloads for n in names)
        print(warmup.prepare("segment", {"jobs": 1}), warmup.missing_kernels(warmup.prepare_kernels("segment")))
    """
    assert _run(code, fresh_copy) == "True []"


def test_a_failing_or_hanging_child_is_not_waited_for(fresh_copy):
    code = """
        import time
        from minent.cli import warmup
        warmup.MIN_PARALLEL_SECONDS = warmup.CHILD_START_SECONDS = 0
        warmup.CHILD_WAIT_SECONDS = 0.5
        names = ["counts.count_keys", "ngrams.window_keys", "utf8._decode_utf8"]
        children = []
        start = warmup._start_child
        warmup._start_child = lambda n: children.append(start(n)) or children[-1]
        warmup._CHILD_CODE = "import sys; sys.exit(3)"
        assert warmup.compile_in_parallel(names[:2]) is True and children[-1].returncode == 3
        warmup._CHILD_CODE = "import time; time.sleep(60)"
        t = time.perf_counter()
        assert warmup.compile_in_parallel(names[1:]) is True
        assert time.perf_counter() - t < 20 and children[-1].returncode is not None
        warmup._compile = lambda names: (_ for _ in ()).throw(KeyboardInterrupt())
        try:
            warmup.compile_in_parallel(["counts.merge_tables", "ngrams.ideograph_ids"])
        except KeyboardInterrupt:
            print("interrupted", children[-1].returncode is not None)
    """
    assert _run(code, fresh_copy) == "interrupted True"


def test_an_interrupt_that_ctypes_dropped_while_compiling_is_raised_again(monkeypatch):
    """Numba's C code calls back into Python; a signal handler's KeyboardInterrupt raised in
    such a callback is only printed by ctypes, and the run would go on."""
    import ctypes

    class Interrupt(KeyboardInterrupt):
        signum = 15

    def handler_fires_in_a_callback() -> None:
        raise Interrupt()

    callback = ctypes.CFUNCTYPE(None)(handler_fires_in_a_callback)
    compiled = []

    class Kernel:
        def compile(self, signature):
            compiled.append(signature)
            callback()  # returns normally: ctypes hands the exception to sys.unraisablehook

    monkeypatch.setattr(warmup, "_kernel", lambda name: Kernel())
    hook = sys.unraisablehook
    with pytest.raises(Interrupt):
        warmup._compile(["counts.count_keys", "ngrams.window_keys"])
    assert len(compiled) == 1 and sys.unraisablehook is hook
