"""build-lexicon on a real Dask cluster gives exactly the local lexicon, even when a worker dies."""

from __future__ import annotations

import os
import signal

import pytest

pytest.importorskip("distributed", reason="dask[distributed] is not installed (pip install \"minent[distributed]\")")

import minent  # noqa: E402
from cluster_fixtures import CMRC, invoke, spy  # noqa: E402
from minent.lexicon import cluster as lexicon_cluster  # noqa: E402


@pytest.mark.parametrize("refine", [False, True])
def test_build_lexicon_is_identical(address, corpus, refine):
    local = minent.build_lexicon([corpus], min_count=3, refine=refine)
    remote = lexicon_cluster.build_lexicon(address, [corpus], min_count=3, partition_bytes=100_000, refine=refine)
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
    remote = lexicon_cluster.build_lexicon(address, [str(corpus), second], partition_bytes=300_000, **options)
    assert remote.items() == local.items()
    # refinement with another order, one round, many small partitions of a small file
    options = dict(order=3, min_count=2, refine=True, iterations=1)
    local = minent.build_lexicon([second], **options)
    remote = lexicon_cluster.build_lexicon(address, [second], partition_bytes=10_000, **options)
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
            lexicon_cluster.build_lexicon(address, [path], partition_bytes=1000)


def test_cli_build_lexicon(address, corpus, tmp_path, small_partitions, monkeypatch):
    calls = spy(monkeypatch, lexicon_cluster, "build_lexicon")
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

    remote = lexicon_cluster.build_lexicon(address, [corpus], min_count=3, partition_bytes=60_000, progress=kill_one_worker)
    assert killed
    assert remote.items() == local.items()
    with Client(address, set_as_default=False) as client:
        client.wait_for_workers(2, timeout=60)  # the nanny restarts it for the next tests


def test_a_dictionary_is_adapted_as_on_one_machine(address, corpus):
    """--known with --scheduler: the cluster's lexicon, judged against the dictionary here."""
    known = dict(list(minent.build_lexicon([corpus], min_count=3, refine=False).items())[:300])
    local = minent.LexiconBuilder(min_count=3, known=known).fit([corpus])
    remote = lexicon_cluster.fit(minent.LexiconBuilder(min_count=3, known=known), address, [corpus])
    assert remote.lexicon_.items() == local.lexicon_.items()
    assert remote.new_words_.items() == local.new_words_.items() and len(local.new_words_) > 0
    assert remote.new_words_.stats.history == local.stats_.history
    with pytest.raises(minent.MinentError, match="scores are not available on a cluster"):
        lexicon_cluster.fit(minent.LexiconBuilder(scores=True), address, [corpus])
