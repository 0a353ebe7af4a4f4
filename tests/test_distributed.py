"""build-lexicon, segment and apriori on a real Dask cluster give exactly the local results.

One LocalCluster (a scheduler and two worker processes on loopback) serves the module.
Besides identity against the local run (API and CLI), the faults: a worker killed
mid-run, an unreachable scheduler, and Dask not installed.
"""

from __future__ import annotations

import builtins
import io
import os
import random
import signal
import socket
import time
from pathlib import Path

import pytest

pytest.importorskip("distributed", reason="dask[distributed] is not installed (pip install \"minent[distributed]\")")

from typer.testing import CliRunner  # noqa: E402

import minent  # noqa: E402
from minent import distributed as md  # noqa: E402
from minent.baskets import read_baskets  # noqa: E402
from minent.cli import app  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
XIYOUJI = ROOT / "data" / "xiyouji.txt"
CMRC = ROOT / "data" / "cmrc2018_trial_contexts.txt"
runner = CliRunner()


@pytest.fixture(scope="module")
def address():
    from distributed import LocalCluster

    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                           dashboard_address=None, silence_logs=50)
    try:
        yield cluster.scheduler_address
    finally:
        cluster.close()


@pytest.fixture
def small_partitions(monkeypatch):
    """Many partitions even for the small test files (the CLI uses the module default)."""
    monkeypatch.setattr(md, "PARTITION_BYTES", 150_000)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """Journey to the West + CMRC contexts, with CRLF lines, a line with no newline at the end."""
    path = tmp_path_factory.mktemp("corpus") / "corpus.txt"
    text = XIYOUJI.read_text(encoding="utf-8") + CMRC.read_text(encoding="utf-8").replace("\n", "\r\n")
    path.write_text(text + "最后一行没有换行", encoding="utf-8", newline="")
    return path


def dense_baskets(seed: int = 7, n: int = 1500) -> list[list[str]]:
    rng = random.Random(seed)
    names = [f"item{i}" for i in range(14)]
    weights = [0.7, 0.6, 0.55, 0.5, 0.45, 0.4, 0.35, 0.3, 0.25, 0.2, 0.15, 0.1, 0.05, 0.02]
    baskets = [[x for x, w in zip(names, weights) if rng.random() < w] for _ in range(n)]
    for b in baskets:
        rng.shuffle(b)
    return baskets


# -- partitions ----------------------------------------------------------------------------


def test_partitions_own_each_line_once(tmp_path):
    path = tmp_path / "lines.txt"
    lines = [f"{'中' * (i % 7)}line {i}\n" for i in range(500)] + ["no newline at the end"]
    path.write_text("".join(lines), encoding="utf-8")
    data = path.read_bytes()
    for size in (1, 7, 64, 1000, len(data), 10 * len(data)):
        parts = md.partitions([str(path)], size)
        pieces = [md.read_part(p) for p in parts]
        assert b"".join(p for p, _ in pieces) == data
        assert all(offset == 0 or data[offset - 1 : offset] == b"\n" for p, offset in pieces if p)


def test_partitions_refuse_stdin_and_missing_files(tmp_path):
    with pytest.raises(minent.MinentError, match="standard input"):
        md.partitions(["-"])
    with pytest.raises(minent.MinentError, match="no such file"):
        md.partitions([str(tmp_path / "nope.txt")])


# -- identical results ---------------------------------------------------------------------


@pytest.mark.parametrize("refine", [False, True])
def test_build_lexicon_is_identical(address, corpus, refine):
    local = minent.build_lexicon([corpus], min_count=3, refine=refine)
    remote = md.build_lexicon(address, [corpus], min_count=3, partition_bytes=100_000, refine=refine)
    assert remote.items() == local.items()
    assert remote.stats.history == local.stats.history and bool(remote.stats.history) == refine
    for field in ("n_chars", "n_bytes", "n_ngrams", "n_kept", "n_pieces", "bits_per_char_chars",
                  "bits_per_char_words"):
        assert getattr(remote.stats, field) == getattr(local.stats, field), field


def test_build_lexicon_several_files_and_options(address, corpus, tmp_path):
    second = tmp_path / "second.txt"
    second.write_text(CMRC.read_text(encoding="utf-8")[:50_000], encoding="utf-8")
    options = dict(order=3, min_count=2, min_pmi=[0.5, 2.0], refine=False)
    local = minent.build_lexicon([corpus, second], **options)
    remote = md.build_lexicon(address, [str(corpus), second], partition_bytes=300_000, **options)
    assert remote.items() == local.items()
    # refinement with another order, one round, many small partitions of a small file
    options = dict(order=3, min_count=2, refine=True, iterations=1)
    local = minent.build_lexicon([second], **options)
    remote = md.build_lexicon(address, [second], partition_bytes=10_000, **options)
    assert remote.items() == local.items()
    assert remote.stats.history == local.stats.history and len(local.stats.history) >= 1


def test_build_lexicon_errors_match_local(address, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text(" \n\n", encoding="utf-8")
    latin = tmp_path / "latin.txt"
    latin.write_text("no ideographs here\n" * 10, encoding="utf-8")
    bad = tmp_path / "bad.txt"
    bad.write_bytes("中文\n".encode() * 1000 + b"\xff\xfe\n" + "中文\n".encode() * 10)
    for path, pattern in ((empty, "is empty"), (latin, "no Chinese characters"), (bad, "bad byte at offset 7000")):
        with pytest.raises(minent.MinentError, match=pattern):
            minent.build_lexicon([path])
        with pytest.raises(minent.MinentError, match=pattern):
            md.build_lexicon(address, [path], partition_bytes=1000)


def test_segment_is_identical(address, corpus):
    segmenter = minent.Segmenter(minent.build_lexicon([XIYOUJI]))
    local, remote = io.StringIO(), io.StringIO()
    local_stats = segmenter.segment_file(corpus, local, delimiter="/")
    remote_stats = md.segment_file(address, segmenter, str(corpus), remote, delimiter="/", partition_bytes=90_000)
    assert remote.getvalue() == local.getvalue()
    assert (remote_stats.n_bytes, remote_stats.n_chars, remote_stats.n_lines) == (
        local_stats.n_bytes, local_stats.n_chars, local_stats.n_lines)


def assert_same_itemsets(remote, local):
    assert remote.labels == local.labels
    assert remote.n_baskets == local.n_baskets and remote.min_count == local.min_count
    assert len(remote.levels) == len(local.levels)
    for (ra, rc), (la, lc) in zip(remote.levels, local.levels):
        assert (ra == la).all() and (rc == lc).all()
    assert [(s.size, s.candidates, s.frequent) for s in remote.stats] == [
        (s.size, s.candidates, s.frequent) for s in local.stats]
    assert remote.to_list() == local.to_list()
    assert minent.association_rules(remote, 0.6) == minent.association_rules(local, 0.6)


def test_apriori_in_memory_is_identical(address):
    baskets = dense_baskets() + [[]]  # an empty basket still counts
    local = minent.apriori(baskets, min_support=0.04)
    assert len(local.levels) >= 4
    remote = md.apriori(address, baskets, min_support=0.04, n_partitions=5)
    assert_same_itemsets(remote, local)
    remote = md.apriori(address, baskets, min_count=60, max_len=3, n_partitions=3)
    assert_same_itemsets(remote, minent.apriori(baskets, min_count=60, max_len=3))


@pytest.mark.parametrize("fmt", ["fimi", "csv", "long"])
def test_apriori_files_are_identical(address, tmp_path, fmt):
    baskets = dense_baskets(seed=3)
    if fmt == "fimi":
        path, text = tmp_path / "b.dat", "\n".join(" ".join(b) for b in baskets) + "\n\n"
    elif fmt == "csv":
        path, text = tmp_path / "b.csv", "\n".join(",".join(f'"{x}"' for x in b) for b in baskets if b)
    else:
        path = tmp_path / "b.long"
        text = "basket_id,item\n" + "".join(f"{i},{x}\n" for i, b in enumerate(baskets) for x in b)
    path.write_text(text, encoding="utf-8")
    local = minent.apriori(read_baskets(path, fmt), min_support=0.05)
    remote = md.apriori(address, path, min_support=0.05, fmt=fmt if fmt == "long" else None, partition_bytes=3000)
    assert_same_itemsets(remote, local)


def test_apriori_refuses_csv_fields_spanning_lines(address, tmp_path):
    path = tmp_path / "multi.csv"
    path.write_text('a,b\n"two\nlines",c\n' * 200, encoding="utf-8")
    with pytest.raises(minent.MinentError, match="spanning lines"):
        md.apriori(address, path, min_count=2, partition_bytes=500)


# -- CLI -------------------------------------------------------------------------------------


def invoke(*args, env=None):
    return runner.invoke(app, [str(a) for a in args], env=env)


def spy(monkeypatch, name: str) -> list:
    """Record the calls of ``minent.distributed.<name>``, so a test knows the cluster really ran."""
    calls: list = []
    real = getattr(md, name)

    def recorded(*args, **kwargs):
        calls.append(args[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(md, name, recorded)
    return calls


def test_cli_build_lexicon(address, corpus, tmp_path, small_partitions, monkeypatch):
    calls = spy(monkeypatch, "build_lexicon")
    local, remote = tmp_path / "local.tsv", tmp_path / "remote.tsv"
    assert invoke("build-lexicon", "-q", corpus, "-o", local).exit_code == 0
    assert calls == []
    result = invoke("build-lexicon", corpus, "-o", remote, "--scheduler", address)
    assert result.exit_code == 0, result.output
    assert calls == [address]
    assert remote.read_bytes() == local.read_bytes()
    # the variable Dask's own Client reads (the first pass alone: the refined run is above)
    remote.unlink()
    result = invoke("build-lexicon", "-q", "--no-refine", corpus, "-o", remote, env={"DASK_SCHEDULER_ADDRESS": address})
    assert result.exit_code == 0, result.output
    assert calls == [address, address]
    expected = tmp_path / "expected.tsv"
    minent.build_lexicon([corpus], refine=False).save(expected)
    assert remote.read_bytes() == expected.read_bytes()


def test_cli_segment(address, corpus, tmp_path, small_partitions, monkeypatch):
    lexicon = tmp_path / "lexicon.tsv"
    minent.build_lexicon([XIYOUJI]).save(lexicon)
    calls = spy(monkeypatch, "segment_file")
    out_local, out_remote = tmp_path / "seg_local.txt", tmp_path / "seg_remote.txt"
    assert invoke("segment", "-q", "-l", lexicon, corpus, "-o", out_local).exit_code == 0
    result = invoke("segment", "-q", "-l", lexicon, corpus, "-o", out_remote, "--scheduler", address)
    assert result.exit_code == 0, result.output
    assert calls == [address]
    assert out_remote.read_bytes() == out_local.read_bytes()
    result = invoke("segment", "-q", "-l", lexicon, corpus, "--scheduler", address)  # to stdout
    assert result.exit_code == 0
    assert result.stdout_bytes == out_local.read_bytes()


def test_cli_apriori(address, tmp_path, small_partitions, monkeypatch):
    monkeypatch.setattr(md, "PARTITION_BYTES", 4000)
    path = tmp_path / "baskets.dat"
    path.write_text("\n".join(" ".join(b) for b in dense_baskets(seed=11)) + "\n", encoding="utf-8")
    calls = spy(monkeypatch, "apriori")
    outputs = []
    for extra in ([], ["--scheduler", address]):
        rules, sets = tmp_path / f"rules{len(extra)}.tsv", tmp_path / f"sets{len(extra)}.tsv"
        result = invoke("apriori", "-q", path, "-s", "0.05", "-c", "0.5", "-o", rules, "--itemsets", sets, *extra)
        assert result.exit_code == 0, result.output
        outputs.append((rules.read_bytes(), sets.read_bytes()))
    assert calls == [address]
    assert outputs[0] == outputs[1]
    assert outputs[0][0].count(b"\n") > 20


def test_cli_help_mentions_scheduler():
    for command in ("build-lexicon", "segment", "apriori"):
        result = invoke(command, "--help")
        assert "--scheduler" in result.output and "DASK_SCHEDULER_ADDRESS" in result.output


# -- faults ----------------------------------------------------------------------------------


def test_lost_worker_mid_run_still_gives_the_local_result(address, corpus):
    from distributed import Client

    local = minent.build_lexicon([corpus], min_count=3)
    with Client(address, set_as_default=False) as client:
        pids = client.run(os.getpid)
        client.wait_for_workers(2, timeout=30)
    killed = []

    def kill_one_worker(stage, done, total):
        if not killed:
            pid = sorted(pids.values())[0]
            os.kill(pid, signal.SIGKILL)  # its partial results are lost: Dask recomputes them
            killed.append(pid)

    remote = md.build_lexicon(address, [corpus], min_count=3, partition_bytes=60_000, progress=kill_one_worker)
    assert killed
    assert remote.items() == local.items()
    with Client(address, set_as_default=False) as client:
        client.wait_for_workers(2, timeout=60)  # the nanny restarts it for the next tests


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_unreachable_scheduler_fails_fast_with_a_clear_message(tmp_path, monkeypatch):
    monkeypatch.setattr(md, "CONNECT_TIMEOUT", 3.0)  # the CLI's bound, shortened to keep the test fast
    address = f"tcp://127.0.0.1:{_free_port()}"
    started = time.monotonic()
    with pytest.raises(minent.MinentError, match="cannot reach the Dask scheduler at tcp://127.0.0.1"):
        with md.connect(address, timeout=2):
            pass
    assert time.monotonic() - started < 10
    path = tmp_path / "c.txt"
    path.write_text("中文文本\n", encoding="utf-8")
    started = time.monotonic()
    result = invoke("build-lexicon", path, "--scheduler", address)
    assert result.exit_code == 2
    assert "minent: cannot reach the Dask scheduler" in result.output
    assert time.monotonic() - started < md.CONNECT_TIMEOUT + 10


def test_dask_missing_says_what_to_install(monkeypatch, tmp_path):
    real_import = builtins.__import__

    def no_dask(name, globals=None, locals=None, fromlist=(), level=0):
        if level == 0 and (name == "distributed" or name.startswith(("distributed.", "dask"))):
            raise ImportError(f"No module named '{name}'")
        return real_import(name, globals, locals, fromlist, level)

    monkeypatch.setattr(builtins, "__import__", no_dask)
    with pytest.raises(minent.MinentError, match=r'pip install "minent\[distributed\]"'):
        with md.connect("tcp://127.0.0.1:8786"):
            pass
    path = tmp_path / "c.txt"
    path.write_text("中文文本\n", encoding="utf-8")
    result = invoke("build-lexicon", path, "--scheduler", "tcp://127.0.0.1:8786")
    assert result.exit_code == 2 and 'pip install "minent[distributed]"' in result.output
