"""Fixtures and helpers of the cluster tests: one LocalCluster (a scheduler and two worker
processes on loopback) per test process, the corpus they share, and a spy that tells a test
the cluster really ran."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from minent.cli import app
from minent.common import cluster

ROOT = Path(__file__).resolve().parents[1]
XIYOUJI = ROOT / "data" / "xiyouji.txt"
CMRC = ROOT / "data" / "cmrc2018_trial_contexts.txt"
runner = CliRunner()


@pytest.fixture(scope="session")
def address():
    pytest.importorskip("distributed", reason="dask[distributed] is not installed (pip install \"minent[distributed]\")")
    from distributed import LocalCluster

    local_cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                 dashboard_address=":0", silence_logs=50)
    try:
        yield local_cluster.scheduler_address
    finally:
        local_cluster.close()


@pytest.fixture
def small_partitions(monkeypatch):
    """Many partitions even for the small test files (the CLI uses the module default)."""
    monkeypatch.setattr(cluster, "PARTITION_BYTES", 150_000)


@pytest.fixture(scope="session")
def corpus(tmp_path_factory) -> Path:
    """Journey to the West + CMRC contexts, with CRLF lines, a line with no newline at the end."""
    path = tmp_path_factory.mktemp("corpus") / "corpus.txt"
    text = XIYOUJI.read_text(encoding="utf-8") + CMRC.read_text(encoding="utf-8").replace("\n", "\r\n")
    path.write_text(text + "最后一行没有换行", encoding="utf-8", newline="")
    return path


def invoke(*args, env=None):
    return runner.invoke(app, [str(a) for a in args], env=env)


def spy(monkeypatch, module, name: str) -> list:
    """Record the calls of ``module.<name>`` (a job's cluster entry point), so a test knows the
    cluster really ran."""
    calls: list = []
    real = getattr(module, name)

    def recorded(*args, **kwargs):
        calls.append(args[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, recorded)
    return calls
