"""Every fenced ``bash`` and ``python`` block of the README runs as written, in order, in a fresh
directory holding only the clone's ``data/`` (later blocks use what earlier ones wrote, as a
reader following the README would). Install lines (``pip install``) are left out, since this
environment is the installed one, and so is the line that runs this test suite."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.M | re.S)


def blocks() -> list[tuple[str, str, int]]:
    """(language, code, line) of each fenced block of the README."""
    text = README.read_text(encoding="utf-8")
    return [(m.group(1), m.group(2), text.count("\n", 0, m.start()) + 1) for m in FENCE.finditer(text)]


def as_run_here(code: str) -> str:
    lines = []
    for line in code.splitlines():
        if "python -m pytest" in line:
            continue  # this very suite
        if line.startswith("pip install"):
            if "&&" not in line:
                continue
            line = line.split("&&", 1)[1].strip()  # `pip install . && minent ...`: the minent part
        lines.append(line)
    return "\n".join(lines) + "\n"


def test_the_readme_has_examples_of_every_command():
    code = "\n".join(c for lang, c, _ in blocks() if lang in ("bash", "python"))
    for command in ("minent build-lexicon", "minent segment", "minent score", "minent apriori",
                    "minent.build_lexicon", "minent.Segmenter", "minent.apriori", "minent.association_rules"):
        assert command in code, command
    assert all(lang in ("bash", "python") for lang, _, _ in blocks()), "a block nobody runs"
    assert "../shared" not in code and "$C/" not in code, "examples must use the data the clone ships"


def test_every_readme_example_runs(tmp_path):
    (tmp_path / "data").symlink_to(ROOT / "data", target_is_directory=True)
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
           "MINENT_PROGRESS": "0"}
    env.pop("DASK_SCHEDULER_ADDRESS", None)
    for lang, code, line in blocks():
        if lang == "bash":
            command = ["bash", "-c", "set -eo pipefail\n" + as_run_here(code)]
        else:
            command = [sys.executable, "-c", code]
        process = subprocess.Popen(command, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   text=True, start_new_session=True)
        try:
            out, err = process.communicate(timeout=600)
        finally:
            try:  # a block's background jobs (the Dask scheduler and worker) go with it
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        assert process.returncode == 0, f"README.md line {line} ({lang}) failed:\n{code}\n--- stderr:\n{err[-3000:]}"
        for shown in re.findall(r"^print\(.*\)\s+# (\[.*\])$", code, re.M):  # an output the README shows
            assert shown in out.splitlines(), f"README.md line {line}: prints {out!r}, the README says {shown}"
    assert (tmp_path / "lexicon.tsv").stat().st_size > 0
    assert (tmp_path / "rules.tsv").read_text(encoding="utf-8").count("\n") > 1
    assert (tmp_path / "cluster_words.txt").read_bytes() == subprocess.run(
        ["minent", "segment", "-q", "-l", "cluster.tsv", "data/xiyouji.txt"], cwd=tmp_path, env=env,
        capture_output=True, check=True).stdout
