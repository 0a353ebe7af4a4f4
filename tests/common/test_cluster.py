"""The Dask plumbing shared by the jobs: partitions, connecting, what Dask's absence says."""

from __future__ import annotations

import builtins
import socket
import time

import pytest

import minent
from cluster_fixtures import invoke
from minent.common import cluster


def test_partitions_own_each_line_once(tmp_path):
    path = tmp_path / "lines.txt"
    lines = [f"{'中' * (i % 7)}line {i}\n" for i in range(500)] + ["no newline at the end"]
    path.write_text("".join(lines), encoding="utf-8")
    data = path.read_bytes()
    for size in (1, 7, 64, 1000, len(data), 10 * len(data)):
        parts = cluster.partitions([str(path)], size)
        pieces = [cluster.read_part(p) for p in parts]
        assert b"".join(p for p, _ in pieces) == data
        assert all(offset == 0 or data[offset - 1 : offset] == b"\n" for p, offset in pieces if p)


def test_partitions_refuse_stdin_and_missing_files(tmp_path):
    with pytest.raises(minent.MinentError, match="standard input"):
        cluster.partitions(["-"])
    with pytest.raises(minent.MinentError, match="no such file"):
        cluster.partitions([str(tmp_path / "nope.txt")])


def test_cli_help_mentions_scheduler():
    for command in ("build-lexicon", "segment", "apriori"):
        result = invoke(command, "--help")
        assert "--scheduler" in result.output and "DASK_SCHEDULER_ADDRESS" in result.output


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_unreachable_scheduler_fails_fast_with_a_clear_message(tmp_path, monkeypatch):
    monkeypatch.setattr(cluster, "CONNECT_TIMEOUT", 3.0)  # the CLI's bound, shortened to keep the test fast
    address = f"tcp://127.0.0.1:{_free_port()}"
    started = time.monotonic()
    with pytest.raises(minent.MinentError, match="cannot reach the Dask scheduler at tcp://127.0.0.1"):
        with cluster.connect(address, timeout=2):
            pass
    assert time.monotonic() - started < 10
    path = tmp_path / "c.txt"
    path.write_text("中文文本\n", encoding="utf-8")
    started = time.monotonic()
    result = invoke("build-lexicon", path, "--scheduler", address)
    assert result.exit_code == 2
    assert "minent: cannot reach the Dask scheduler" in result.output
    assert time.monotonic() - started < cluster.CONNECT_TIMEOUT + 10


def test_dask_missing_says_what_to_install(monkeypatch, tmp_path):
    real_import = builtins.__import__

    def no_dask(name, globals=None, locals=None, fromlist=(), level=0):
        if level == 0 and (name == "distributed" or name.startswith(("distributed.", "dask"))):
            raise ImportError(f"No module named '{name}'")
        return real_import(name, globals, locals, fromlist, level)

    monkeypatch.setattr(builtins, "__import__", no_dask)
    with pytest.raises(minent.MinentError, match=r'pip install "minent\[distributed\]"'):
        with cluster.connect("tcp://127.0.0.1:8786"):
            pass
    path = tmp_path / "c.txt"
    path.write_text("中文文本\n", encoding="utf-8")
    result = invoke("build-lexicon", path, "--scheduler", "tcp://127.0.0.1:8786")
    assert result.exit_code == 2 and 'pip install "minent[distributed]"' in result.output
