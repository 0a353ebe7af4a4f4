"""Progress on a terminal: one bar per stage, and what follows the bars starts at column 0.

The output is replayed on a small terminal model (carriage return, line feed, cursor up,
erase, wrapping at the last column) so that a message starting in the middle of a cleared
bar line shows up as it does on a real terminal: a line that does not start with ``minent:``.
"""

from __future__ import annotations

import fcntl
import io
import os
import re
import select
import shutil
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

from minent.common.progress import TqdmProgress

DATA = Path(__file__).resolve().parents[2] / "data"
CSI = re.compile(r"\x1b\[([0-9;?]*)([A-Za-z])")


def screen(output: str, cols: int = 80) -> list[str]:
    """The lines a terminal ``cols`` wide shows after ``output`` (trailing blanks dropped)."""
    lines: list[list[str]] = [[]]
    row = col = 0
    i = 0
    while i < len(output):
        m = CSI.match(output, i)
        if m:
            n = int(m.group(1) or 1) if m.group(1).isdigit() else 1
            cmd = m.group(2)
            if cmd == "A":
                row, col = max(0, row - n), min(col, cols - 1)
            elif cmd == "B":
                row += n
            elif cmd == "K":  # erase to the end of the line
                del lines[row][col:]
            elif cmd == "G":
                col = n - 1
            i = m.end()
            continue
        ch = output[i]
        i += 1
        if ch == "\r":
            col = 0
        elif ch == "\n":
            row += 1
        elif ch >= " ":
            if col >= cols:  # the cursor waits at the last column; the next character wraps
                row, col = row + 1, 0
            while len(lines) <= row:
                lines.append([])
            line = lines[row]
            line.extend(" " * (col + 1 - len(line)))
            line[col] = ch
            col += 1
        while len(lines) <= row:
            lines.append([])
    return [s for s in ("".join(line).rstrip() for line in lines)]


def test_screen_model_wraps_like_a_terminal():
    # what two bars left before the fix: the bar at position 1 cleared, the cursor moved up to the
    # end of the blank line 0, where the summary starts
    shown = screen("bar\r" + " " * 79 + "\r\r\n\r" + " " * 79 + "\x1b[A" + "minent: x\r\n", cols=80)
    assert shown[0] == " " * 79 + "m" and shown[1] == "inent: x"
    assert screen("bar\r   \rminent: x\r\nminent: y\r\n") == ["minent: x", "minent: y", ""]


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_each_stage_has_its_bar_and_close_leaves_column_zero():
    term = FakeTerminal()
    progress = TqdmProgress(file=term)
    stages = ["counting", "cohesion", "cutting", "branching entropy", "autonomy cut", "refining: round 0",
              "refining: round 1"]
    for stage in stages:
        total = None if stage == "cutting" else 100
        progress(stage, 0, total)
        progress(stage, 40, total)
        if total:
            progress(stage, total, total)
    progress.close()
    term.write("minent: summary\n")
    out = term.getvalue()
    for stage in stages:
        assert stage in out
    # one bar at a time: a stage's bar is cleared when the next starts
    for before, after in zip(stages, stages[1:]):
        assert out.index(before) < out.index(after)
    assert [line for line in screen(out) if line] == ["minent: summary"]


def test_disabled_progress_writes_nothing():
    term = FakeTerminal()
    progress = TqdmProgress(disable=True, file=term)
    progress("counting", 1, 2)
    progress.close()
    assert term.getvalue() == ""


def test_bars_only_on_a_terminal_and_never_inside_output_on_the_same_terminal(monkeypatch):
    from minent.cli._app import progress_for

    monkeypatch.delenv("MINENT_PROGRESS", raising=False)
    monkeypatch.setattr(sys, "stderr", FakeTerminal())
    monkeypatch.setattr(sys, "stdout", FakeTerminal())
    assert not progress_for(False).disable
    assert progress_for(True).disable
    assert progress_for(False, streams_to_stdout=True).disable  # segment writing to the terminal
    monkeypatch.setattr(sys, "stdout", io.StringIO())  # its output goes to a file or a pipe
    assert not progress_for(False, streams_to_stdout=True).disable
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    assert progress_for(False).disable
    monkeypatch.setenv("MINENT_PROGRESS", "1")
    assert not progress_for(False).disable


def _run_in_pty(args: list[str], cols: int = 100, timeout: float = 120) -> tuple[int, str]:
    """Run a command with stdin, stdout and stderr on a pseudo-terminal; (status, what it showed)."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, cols, 0, 0))
    env = {k: v for k, v in os.environ.items() if k != "MINENT_PROGRESS"}
    env["TERM"] = "xterm"
    proc = subprocess.Popen(args, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True)
    os.close(slave)
    chunks = []
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 1.0)
            if not ready:
                if proc.poll() is not None:
                    break
                continue
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: the last writer closed the terminal
                break
            if not data:
                break
            chunks.append(data)
        status = proc.wait(timeout=max(1.0, deadline - time.monotonic()))
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(master)
    return status, b"".join(chunks).decode("utf-8", "replace")


@pytest.mark.skipif(shutil.which("minent") is None and not Path(sys.executable).with_name("minent").exists(),
                    reason="the minent command is not installed")
def test_build_lexicon_on_a_terminal_shows_every_stage_then_a_clean_summary(tmp_path):
    corpus = tmp_path / "corpus.txt"  # a novel's first 300,000 characters: about a second of work
    corpus.write_text((DATA / "xiyouji.txt").read_text(encoding="utf-8")[:300_000], encoding="utf-8")
    minent = str(Path(sys.executable).with_name("minent")) if Path(sys.executable).with_name("minent").exists() \
        else shutil.which("minent")
    cols = 200  # wide enough for the longest summary line
    status, shown = _run_in_pty([minent, "build-lexicon", str(corpus), "-o", str(tmp_path / "lex.tsv")], cols=cols)
    assert status == 0, shown
    for stage in ["counting", "cohesion", "cutting", "branching entropy", "autonomy cut", "refining: round 0",
                  "refining: round 1"]:
        assert stage in shown, stage
    lines = [line for line in screen(shown, cols) if line]
    assert len(lines) >= 4, shown
    assert all(line.startswith("minent: ") for line in lines), lines
    assert "bits as characters" in shown
