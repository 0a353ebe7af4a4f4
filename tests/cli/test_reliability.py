"""Issue 10: every output target, signal and stream, tried on the real `minent` process.

Each test runs ``python -m minent`` as a user would and checks what a user sees: the exit
status, the one line on stderr, the files left behind. Device tests make their devices
with mknod in a temporary directory (root only; skipped otherwise), never touching /dev.
"""

from __future__ import annotations

import os
import select
import signal
import socket
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOVEL = ROOT / "data" / "xiyouji.txt"
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
COMMANDS = ("build-lexicon", "segment", "apriori", "score")


def minent(*args, stdin=None, stdout=subprocess.PIPE, env=None, input=None, timeout=120, cwd=None):
    """Run the real command; returns the CompletedProcess (text stderr)."""
    full_env = dict(os.environ, **(env or {}))
    full_env.pop("MINENT_PROGRESS", None)
    return subprocess.run(
        [sys.executable, "-m", "minent", *map(str, args)], stdin=stdin, stdout=stdout, stderr=subprocess.PIPE,
        input=input, env=full_env, timeout=timeout, cwd=cwd,
    )


def one_error_line(result) -> str:
    lines = [ln for ln in result.stderr.decode().splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("minent: "), result.stderr.decode()
    assert "Traceback" not in result.stderr.decode()
    return lines[0]


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> Path:
    """A small corpus, its lexicon and a basket file, made once for the module."""
    d = tmp_path_factory.mktemp("reliability")
    text = NOVEL.read_text(encoding="utf-8")
    (d / "small.txt").write_text(text[:20000], encoding="utf-8")
    result = minent("build-lexicon", "-q", "--min-count", "2", d / "small.txt", "-o", d / "lexicon.tsv")
    assert result.returncode == 0, result.stderr
    (d / "baskets.csv").write_text("milk,bread\nmilk,eggs\nmilk,bread,eggs\nbread,eggs\n" * 5, encoding="utf-8")
    (d / "gold.txt").write_text("中国 人民\n大学 生\n", encoding="utf-8")
    return d


def command_args(command: str, work: Path) -> list:
    """A small, valid run of each command (no output option)."""
    return {
        "build-lexicon": ["build-lexicon", "-q", "--no-refine", "--min-count", "2", work / "small.txt"],
        "segment": ["segment", "-q", "-l", work / "lexicon.tsv", work / "small.txt"],
        "apriori": ["apriori", "-q", work / "baskets.csv", "--min-support", "0.3", "--min-confidence", "0.1"],
        "score": ["score", work / "gold.txt", work / "gold.txt"],
    }[command]


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".part"))


def make_device(path: Path, minor: int) -> None:
    """A character device of the 'mem' driver (1,3 null; 1,7 full) at ``path``."""
    if not IS_ROOT:
        pytest.skip("making a device node needs root")
    os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, minor))


# -- output targets -------------------------------------------------------------------------

@pytest.mark.parametrize("command", ["build-lexicon", "segment", "apriori"])
def test_a_symlink_is_followed_and_stays_a_link(command, work, tmp_path):
    target = tmp_path / "real" / "out.tsv"
    target.parent.mkdir()
    target.write_text("old\n")
    link = tmp_path / "link.tsv"
    link.symlink_to(Path("real") / "out.tsv")  # relative, as people make them
    result = minent(*command_args(command, work), "-o", link)
    assert result.returncode == 0, result.stderr
    assert link.is_symlink() and os.readlink(link) == str(Path("real") / "out.tsv")
    assert target.read_text() != "old\n" and target.stat().st_size > 0
    assert leftovers(tmp_path) == [] and leftovers(target.parent) == []
    if command != "segment":  # the writer is shared: one command tries the dangling link
        return
    # a dangling link: its target is created, the link stays
    target.unlink()
    result = minent(*command_args(command, work), "-o", link)
    assert result.returncode == 0 and link.is_symlink() and target.exists()


@pytest.mark.parametrize("command", ["build-lexicon", "segment", "apriori"])
def test_a_device_is_written_not_replaced(command, work, tmp_path):
    if command == "segment":
        null = tmp_path / "null"
        make_device(null, 3)
        result = minent(*command_args(command, work), "-o", null)
        assert result.returncode == 0, result.stderr
        assert stat.S_ISCHR(null.stat().st_mode)
    full = tmp_path / "full"
    make_device(full, 7)
    result = minent(*command_args(command, work), "-o", full)
    assert result.returncode == 1
    line = one_error_line(result)
    assert "cannot write" in line and "full" in line and "No space left on device" in line
    assert stat.S_ISCHR(full.stat().st_mode) and leftovers(tmp_path) == []


def test_apriori_itemsets_to_a_device(work, tmp_path):
    full = tmp_path / "full"
    make_device(full, 7)
    result = minent(*command_args("apriori", work), "-o", tmp_path / "rules.tsv", "--itemsets", full)
    assert result.returncode == 1 and "No space left on device" in one_error_line(result)
    assert stat.S_ISCHR(full.stat().st_mode)


def _read_fifo(path: Path, into: list, limit: int | None = None) -> threading.Thread:
    def reader():
        with open(path, "rb") as f:
            into.append(f.read(limit) if limit else f.read())

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    return thread


@pytest.mark.parametrize("command", ["segment"])  # the writer is shared; the device test covers the others
def test_a_fifo_is_written_directly(command, work, tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    got: list = []
    reader = _read_fifo(fifo, got)
    result = minent(*command_args(command, work), "-o", fifo)
    reader.join(30)
    assert result.returncode == 0, result.stderr
    assert stat.S_ISFIFO(fifo.stat().st_mode) and got and len(got[0]) > 0
    expected = minent(*command_args(command, work)).stdout
    assert got[0] == expected


def test_a_fifo_whose_reader_leaves_is_an_error(work, tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    big = tmp_path / "big.txt"
    big.write_bytes(NOVEL.read_bytes())
    got: list = []
    reader = _read_fifo(fifo, got, limit=10)  # reads 10 bytes, then closes its end
    result = minent("segment", "-q", "-l", work / "lexicon.tsv", big, "-o", fifo)
    reader.join(30)
    assert result.returncode == 1
    line = one_error_line(result)
    assert "cannot write" in line and "fifo" in line and "broken pipe" in line


def test_a_socket_is_refused(work, tmp_path):
    path = tmp_path / "sock"
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(path))
        result = minent(*command_args("segment", work), "-o", path)
    finally:
        server.close()
    assert result.returncode == 2 and "is a socket" in one_error_line(result)


@pytest.mark.parametrize("command", COMMANDS)
def test_a_full_disk_on_standard_output(command, work, tmp_path):
    full = tmp_path / "full"
    make_device(full, 7)
    with open(full, "wb") as out:
        result = minent(*command_args(command, work), stdout=out)
    assert result.returncode == 1
    assert one_error_line(result) == "minent: cannot write output: No space left on device"


@pytest.mark.parametrize("command", ["segment", "apriori"])
def test_a_closed_pipe_stays_quiet(command, work, tmp_path):
    args = command_args(command, work)
    if command == "segment":  # enough output to outlast the pipe's buffer
        big = tmp_path / "big.txt"
        big.write_bytes(NOVEL.read_bytes())
        args = ["segment", "-q", "-l", work / "lexicon.tsv", big]
    proc = subprocess.Popen([sys.executable, "-m", "minent", *map(str, args)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    proc.stdout.readline()
    proc.stdout.close()  # as `| head -1` does
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert err == b""


@pytest.mark.parametrize("command", ["build-lexicon", "segment", "apriori"])
def test_output_modes_follow_the_umask_and_the_existing_file(command, work, tmp_path):
    out = tmp_path / "out.tsv"
    args = command_args(command, work)
    if command != "segment":  # the writer is shared: the others try one umask and one kept mode
        old = os.umask(0o002)
        try:
            assert minent(*args, "-o", out).returncode == 0
            assert stat.S_IMODE(out.stat().st_mode) == 0o664
            out.chmod(0o640)
            os.umask(0o077)
            assert minent(*args, "-o", out).returncode == 0
            assert stat.S_IMODE(out.stat().st_mode) == 0o640
        finally:
            os.umask(old)
        return
    for umask, mode in ((0o022, 0o644), (0o077, 0o600), (0o002, 0o664)):
        out.unlink(missing_ok=True)
        old = os.umask(umask)
        try:
            result = minent(*args, "-o", out)
        finally:
            os.umask(old)
        assert result.returncode == 0, result.stderr
        assert stat.S_IMODE(out.stat().st_mode) == mode, (umask, oct(out.stat().st_mode))
    out.chmod(0o640)
    assert minent(*args, "-o", out).returncode == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o640
    if IS_ROOT:  # an overwritten file keeps its owner, where permitted
        os.chown(out, 65534, 65534)
        assert minent(*args, "-o", out).returncode == 0
        assert (out.stat().st_uid, out.stat().st_gid) == (65534, 65534)


# -- signals ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def big_text(tmp_path_factory) -> Path:
    """About 64 MB of Chinese: segmenting it takes a second or more."""
    path = tmp_path_factory.mktemp("big") / "big.txt"
    data = NOVEL.read_bytes()
    with open(path, "wb") as f:
        for _ in range(32):
            f.write(data)
    return path


def default_signals() -> None:
    """In the child: the default action for the signals the tests send. A shell starts a
    background job (`pytest ... &`) with SIGINT ignored, and minent keeps a signal it was told
    to ignore, as nohup expects: without this, that run would ignore the test's Ctrl-C."""
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, signal.SIG_DFL)


def _signal_when(proc: subprocess.Popen, ready, sig: int, timeout: float = 60) -> float:
    """Send ``sig`` once ``ready()`` holds; return the seconds the process took to end after it."""
    deadline = time.monotonic() + timeout
    while not ready():
        assert proc.poll() is None, proc.stderr.read().decode()
        assert time.monotonic() < deadline, "the run never got to the point to interrupt"
        time.sleep(0.02)
    sent = time.monotonic()
    proc.send_signal(sig)
    proc.wait(timeout=30)
    return time.monotonic() - sent


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
def test_a_signal_inside_the_segment_kernel(sig, work, big_text, tmp_path):
    out = tmp_path / "words.txt"
    proc = subprocess.Popen(
        [sys.executable, "-m", "minent", "segment", "-q", "-l", str(work / "lexicon.tsv"), str(big_text), "-o", str(out)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, preexec_fn=default_signals,
    )
    # the temporary output gets its first bytes when the first 4 MiB chunk is segmented: the
    # kernels are then in the middle of the other fifteen
    def ready() -> bool:
        parts = [tmp_path / name for name in leftovers(tmp_path)]
        try:
            return any(p.stat().st_size > 0 for p in parts)
        except FileNotFoundError:
            return False

    took = _signal_when(proc, ready, sig)
    err = proc.stderr.read().decode()
    if proc.returncode == 0:
        pytest.skip("the run ended before the signal arrived (a very fast machine)")
    assert proc.returncode == 128 + sig, err
    expected = "minent: interrupted" if sig == signal.SIGINT else f"minent: stopped by {signal.Signals(sig).name}"
    assert err.strip() == expected, err
    assert took < 5
    assert not out.exists() and leftovers(tmp_path) == []


@pytest.mark.parametrize("sig", [signal.SIGTERM])  # SIGINT and SIGHUP: the segment test
def test_a_signal_during_build_lexicon_from_stdin_leaves_nothing(sig, big_text, tmp_path):
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    out = tmp_path / "lexicon.tsv"
    with open(big_text, "rb") as source:
        proc = subprocess.Popen(
            [sys.executable, "-m", "minent", "build-lexicon", "-q", "-", "-o", str(out)],
            stdin=source, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=dict(os.environ, TMPDIR=str(tmpdir)),
            preexec_fn=default_signals,
        )
        begun = time.monotonic()
        took = _signal_when(proc, lambda: time.monotonic() - begun > 2.0, sig)
    err = proc.stderr.read().decode()
    assert proc.returncode == 128 + sig, err
    assert len(err.strip().splitlines()) == 1 and err.startswith("minent: "), err
    assert took < 5
    assert not out.exists() and leftovers(tmp_path) == []
    assert list(tmpdir.iterdir()) == []


def test_an_ignored_sighup_stays_ignored(work, tmp_path):
    """nohup: a run that inherits SIGHUP ignored goes on to the end."""
    out = tmp_path / "words.txt"
    proc = subprocess.Popen(
        [sys.executable, "-m", "minent", "segment", "-q", "-l", str(work / "lexicon.tsv"), str(NOVEL), "-o", str(out)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        preexec_fn=lambda: signal.signal(signal.SIGHUP, signal.SIG_IGN),
    )
    time.sleep(0.5)
    proc.send_signal(signal.SIGHUP)
    proc.wait(timeout=120)
    assert proc.returncode == 0, proc.stderr.read()
    assert out.stat().st_size > 0


# -- streams -----------------------------------------------------------------------------------

def test_segment_streams_to_standard_output(work, tmp_path):
    """The first lines come out while the input is still arriving (no spooling of the whole output)."""
    line = "孙悟空与猪八戒一同保护唐僧西天取经。\n".encode()
    first_part = line * ((5 << 20) // len(line))  # more than one 4 MiB chunk
    proc = subprocess.Popen(
        [sys.executable, "-m", "minent", "segment", "-q", "-l", str(work / "lexicon.tsv")],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, preexec_fn=default_signals,
    )
    writer = threading.Thread(target=lambda: proc.stdin.write(first_part), daemon=True)
    writer.start()
    ready, _, _ = select.select([proc.stdout], [], [], 60)
    assert ready, "no output while the input is still open"
    assert proc.poll() is None  # still running: standard input is not closed yet
    first = proc.stdout.readline().decode()
    assert " " in first and first.replace(" ", "") == line.decode()
    rest: list = []
    drain = threading.Thread(target=lambda: rest.append(proc.stdout.read()), daemon=True)
    drain.start()
    writer.join(60)
    proc.stdin.close()
    drain.join(60)
    proc.wait(timeout=60)
    assert proc.returncode == 0, proc.stderr.read()
    assert rest[0].count(b"\n") + 1 == first_part.count(b"\n")


def test_build_lexicon_from_any_stream_equals_the_file(work, tmp_path):
    """A pipe, a FIFO, stdin and a mix of sources give the lexicon of the same bytes in one file."""
    text = NOVEL.read_bytes()[: 600_000]
    text = text[: text.rindex(b"\n") + 1]
    cut = text.index(b"\n", len(text) // 2) + 1
    first, second = tmp_path / "first.txt", tmp_path / "second.txt"
    first.write_bytes(text[:cut])
    second.write_bytes(text[cut:])
    whole = tmp_path / "whole.txt"
    whole.write_bytes(text)
    expected = minent("build-lexicon", "-q", "--min-count", "3", whole).stdout
    assert expected.count(b"\n") > 500

    # standard input
    assert minent("build-lexicon", "-q", "--min-count", "3", "-", input=text).stdout == expected
    # a FIFO fed by another thread (as <(cat whole.txt) is)
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)

    def feed(data: bytes) -> threading.Thread:
        def run():
            with open(fifo, "wb") as f:
                f.write(data)

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        return thread

    feeder = feed(text)
    assert minent("build-lexicon", "-q", "--min-count", "3", fifo).stdout == expected
    feeder.join(10)
    # a file, then standard input, then a FIFO... in that order, the same bytes
    thirds = [text[: cut // 2], text[cut // 2 : cut], text[cut:]]
    thirds[0] = text[: text.index(b"\n", cut // 2) + 1]
    thirds[1] = text[len(thirds[0]) : cut]
    part1 = tmp_path / "part1.txt"
    part1.write_bytes(thirds[0])
    feeder = feed(thirds[2])
    result = minent("build-lexicon", "-q", "--min-count", "3", part1, "-", fifo, input=thirds[1])
    feeder.join(10)
    assert result.returncode == 0, result.stderr
    assert result.stdout == expected


# -- messages --------------------------------------------------------------------------------

@pytest.mark.parametrize("args", [
    ["build-lexicon", "--min-count", "18446744073709551616"],
    ["build-lexicon", "--iterations", "18446744073709551616"],
    ["segment", "-j", "18446744073709551616"],
    ["apriori", "--min-count", "18446744073709551616"],
    ["apriori", "--max-len", "18446744073709551616"],
])
def test_numbers_past_int64_are_one_line_errors(args, work):
    command, *options = args
    base = command_args(command, work)
    result = minent(*base, *options)
    assert result.returncode == 2
    line = one_error_line(result)
    assert options[0] in line


def test_a_byte_order_mark_is_not_a_word(work, tmp_path):
    bom = "\ufeff"
    text = bom + "中国人民大学\n中国人民\n"
    source = tmp_path / "bom.txt"
    source.write_text(text, encoding="utf-8")
    lexicon = tmp_path / "lexicon.tsv"
    lexicon.write_text(bom + "中国\t10\n人民\t8\n大学\t5\n", encoding="utf-8")
    expected = "中国 人民 大学\n中国 人民\n"
    result = minent("segment", "-q", "-l", lexicon, source)
    assert result.returncode == 0 and result.stdout.decode() == expected
    result = minent("segment", "-q", "-l", lexicon, "-", input=text.encode())
    assert result.returncode == 0 and result.stdout.decode() == expected
    # (中国 cut whole: the lexicon's first word is 中国, not \ufeff中国; build-lexicon reads
    # through the same reader, and a BOM is a separator there anyway)
    gold = tmp_path / "gold.txt"
    gold.write_text(bom + "中国 人民 大学\n中国 人民\n", encoding="utf-8")
    result = minent("score", gold, source)
    assert result.returncode == 0, result.stderr


def test_a_stream_past_the_memory_budget_is_spilled_not_lost(tmp_path):
    """Past the ids held in memory, a file is read again but a FIFO cannot be: its ids are
    spilled to an unnamed temporary file, and the lexicon is the same as from the file."""
    import minent
    from minent.lexicon.discover import LexiconBuilder
    from minent.common.textio import Corpus

    text = NOVEL.read_bytes()[: 1 << 20]
    text = text[: text.rindex(b"\n") + 1]
    path = tmp_path / "corpus.txt"
    path.write_bytes(text)
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    for refine in (False, True):
        options = dict(min_count=3, refine=refine, memory_budget=64 << 10, chunk_bytes=64 << 10)
        expected = LexiconBuilder(**options).fit(Corpus.from_files([path])).lexicon_
        feeder = threading.Thread(target=lambda: fifo.write_bytes(text), daemon=True)
        feeder.start()
        old_tmp = os.environ.get("TMPDIR")
        os.environ["TMPDIR"] = str(tmpdir)
        import tempfile

        tempfile.tempdir = None
        try:
            got = LexiconBuilder(**options).fit(Corpus.from_files([fifo])).lexicon_
        finally:
            if old_tmp is None:
                os.environ.pop("TMPDIR")
            else:
                os.environ["TMPDIR"] = old_tmp
            tempfile.tempdir = None
        feeder.join(10)
        assert len(expected) > 500
        assert got == expected and got.stats.n_chars == expected.stats.n_chars
        assert list(tmpdir.iterdir()) == []  # nothing left behind
    # a stream cannot be read twice: asking for it is an error, never an empty second read
    feeder = threading.Thread(target=lambda: fifo.write_bytes(text), daemon=True)
    feeder.start()
    corpus = Corpus.from_files([fifo])
    assert not corpus.rereadable
    sum(1 for _ in corpus.chunks())
    feeder.join(10)
    with pytest.raises(minent.MinentError, match="can be read only once"):
        next(corpus.chunks())


def test_a_stream_named_twice_is_refused(tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    result = minent("build-lexicon", "-q", fifo, fifo)
    assert result.returncode == 2
    assert "can be named only once" in one_error_line(result)


def test_a_pipe_named_by_a_path_is_written_directly(work):
    """`-o /dev/stdout` or `-o >(cmd)`: a /proc/self/fd link to a pipe is opened as it is."""
    result = minent(*command_args("segment", work), "-o", "/dev/stdout")
    assert result.returncode == 0, result.stderr
    assert result.stdout == minent(*command_args("segment", work)).stdout and result.stdout


def test_odd_output_paths(work, tmp_path):
    keep = tmp_path / "keep.txt"
    keep.write_text("keep\n")
    for path, words in ((f"{keep}/", "not a directory"), (f"{tmp_path / 'new'}/", "no such directory")):
        result = minent(*command_args("segment", work), "-o", path)
        assert result.returncode == 2 and words in one_error_line(result), path
    assert keep.read_text() == "keep\n" and not (tmp_path / "new").exists()
    long_name = tmp_path / ("长" * 80)  # 240 bytes: the temporary's name must still fit in 255
    result = minent(*command_args("segment", work), "-o", long_name)
    assert result.returncode == 0, result.stderr
    assert long_name.stat().st_size > 0 and leftovers(tmp_path) == []


def test_closed_standard_streams(work, tmp_path):
    out = tmp_path / "out.txt"
    args = [sys.executable, "-m", "minent", *map(str, command_args("segment", work))]
    closed_stdin = subprocess.run(args + ["-o", str(out)], stdin=subprocess.DEVNULL, capture_output=True,
                                  preexec_fn=lambda: os.close(0))
    assert closed_stdin.returncode == 0, closed_stdin.stderr
    closed_stdout = subprocess.run(args, stdin=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                   preexec_fn=lambda: os.close(1))
    assert closed_stdout.returncode == 1
    assert one_error_line(closed_stdout) == "minent: cannot write output: standard output is closed"


def test_unsupported_encodings_and_stdin_twice(work, tmp_path):
    result = minent("segment", "-q", "-l", work / "lexicon.tsv", "--encoding", "utf-16", work / "small.txt")
    assert result.returncode == 2 and "not supported" in one_error_line(result)
    result = minent("score", "-", "-", input=b"a b\n")
    assert result.returncode == 2 and "only once" in one_error_line(result)


_KERNEL_RESULTS_UNDER_SIGNALS = r"""
import os, random, signal, threading, time
import numpy as np
from minent.cli._app import Interrupted, _signals_unwind
from minent.itemsets.kernels.strings import string_codes

# a child of a background job inherits SIGINT ignored (the CLI then leaves it so): not here
signal.signal(signal.SIGINT, signal.default_int_handler)
data = np.frombuffer(b"\0".join(b"w%d" % i for i in range(50)), dtype=np.uint8)
string_codes(data, 50)
rng = random.Random(0)
outcomes = {}
for _ in range(80):
    deadline = time.monotonic() + 5
    try:
        with _signals_unwind():
            threading.Timer(rng.uniform(0.002, 0.03), os.kill, (os.getpid(), signal.SIGINT)).start()
            while time.monotonic() < deadline:
                codes, first, length = string_codes(data, 50)  # in this (the main) thread
        outcome = "lost"
    except Interrupted:
        outcome = "interrupted"
    except BaseException as e:
        outcome = type(e).__name__
    outcomes[outcome] = outcomes.get(outcome, 0) + 1
print(outcomes)
"""


def test_a_signal_while_a_kernel_hands_over_its_results():
    # a kernel's results are boxed with a call back into Numba's Python code: a signal raised
    # there left a tuple with a hole (SystemError, or a crash when it was unpacked); the CLI's
    # handler sends it again once the results are out
    done = subprocess.run([sys.executable, "-c", _KERNEL_RESULTS_UNDER_SIGNALS], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "{'interrupted': 80}"

