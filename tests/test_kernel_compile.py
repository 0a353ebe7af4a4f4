"""First-run compilation: one signature per kernel, and the CLI's notice (kernels.warmup)."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import minent
from minent.kernels import warmup

SRC = Path(minent.__file__).resolve().parent
OWN_MODULES = ("ngrams", "entropy", "trie", "utf8", "viterbi", "lexfile")


def _run(code: str, pythonpath: Path, **env: str) -> str:
    environment = {**os.environ, "PYTHONPATH": str(pythonpath), **env}
    environment.pop("NUMBA_CACHE_DIR", None) if "NUMBA_CACHE_DIR" not in env else None
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], env=environment, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.fixture
def fresh_copy(tmp_path: Path) -> Path:
    """The package copied without its caches: every kernel is cold there."""
    shutil.copytree(SRC, tmp_path / "src" / "minent", ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path / "src"


CHECK = """
    from minent.kernels.warmup import missing_kernels
    print(missing_kernels(["utf8._decode_utf8"]))
"""
COMPILE = """
    import numpy as np
    from minent.kernels import utf8
    utf8.decode_utf8(np.frombuffer(b"abc", dtype=np.uint8))
"""


def test_cold_cache_says_compile_then_warm_says_not(fresh_copy):
    assert _run(CHECK, fresh_copy) == "['utf8._decode_utf8']"
    _run(COMPILE, fresh_copy)  # another process: the answer comes from the disk cache
    assert _run(CHECK, fresh_copy) == "[]"
    source = fresh_copy / "minent" / "kernels" / "utf8.py"
    source.write_text(source.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert _run(CHECK, fresh_copy) == "['utf8._decode_utf8']"  # stale: Numba compiles again


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root writes to read-only directories")
def test_read_only_package_uses_the_user_cache(fresh_copy, tmp_path):
    for folder, _, files in os.walk(fresh_copy):
        for name in files:
            os.chmod(Path(folder, name), 0o444)
        os.chmod(folder, 0o555)
    try:
        user_cache = {"XDG_CACHE_HOME": str(tmp_path / "user-cache")}
        assert _run(CHECK, fresh_copy, **user_cache) == "['utf8._decode_utf8']"
        _run(COMPILE, fresh_copy, **user_cache)
        assert _run(CHECK, fresh_copy, **user_cache) == "[]"
    finally:
        for folder, _, _ in os.walk(fresh_copy):
            os.chmod(folder, 0o755)


def test_every_listed_kernel_is_a_kernel():
    from numba.core.dispatcher import Dispatcher
    import importlib

    for command in ("build-lexicon", "segment"):
        for name in warmup.command_kernels(command):
            module, _, attr = name.partition(".")
            assert isinstance(getattr(importlib.import_module(f"minent.kernels.{module}"), attr), Dispatcher), name
    assert warmup.command_kernels("build_lexicon_command", {"refine": False}) == warmup.COMMAND_KERNELS["build-lexicon"]
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
        for name, kernel in vars(importlib.import_module(f"minent.kernels.{module}")).items():
            if isinstance(kernel, Dispatcher):
                assert len(kernel.signatures) <= 1, (module, name, kernel.signatures)
