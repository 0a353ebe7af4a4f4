"""segment on a real Dask cluster writes exactly the local output."""

from __future__ import annotations

import io

import pytest

pytest.importorskip("distributed", reason="dask[distributed] is not installed (pip install \"minent[distributed]\")")

import minent  # noqa: E402
from cluster_fixtures import XIYOUJI, invoke, spy  # noqa: E402
from minent.segment import cluster as segment_cluster  # noqa: E402


def test_segment_is_identical(address, corpus):
    segmenter = minent.Segmenter(minent.build_lexicon([XIYOUJI]))
    local, remote = io.StringIO(), io.StringIO()
    local_stats = segmenter.segment_file(corpus, local, delimiter="/")
    remote_stats = segment_cluster.segment_file(address, segmenter, str(corpus), remote, delimiter="/", partition_bytes=90_000)
    assert remote.getvalue() == local.getvalue()
    assert (remote_stats.n_bytes, remote_stats.n_chars, remote_stats.n_lines) == (
        local_stats.n_bytes, local_stats.n_chars, local_stats.n_lines)


def test_cli_segment(address, corpus, tmp_path, small_partitions, monkeypatch):
    lexicon = tmp_path / "lexicon.tsv"
    minent.build_lexicon([XIYOUJI]).save(lexicon)
    calls = spy(monkeypatch, segment_cluster, "segment_file")
    out_local, out_remote = tmp_path / "seg_local.txt", tmp_path / "seg_remote.txt"
    assert invoke("segment", "-q", "-l", lexicon, corpus, "-o", out_local).exit_code == 0
    result = invoke("segment", "-q", "-l", lexicon, corpus, "-o", out_remote, "--scheduler", address)
    assert result.exit_code == 0, result.output
    assert calls == [address]
    assert out_remote.read_bytes() == out_local.read_bytes()
    result = invoke("segment", "-q", "-l", lexicon, corpus, "--scheduler", address)  # to stdout
    assert result.exit_code == 0
    assert result.stdout_bytes == out_local.read_bytes()


@pytest.mark.parametrize("mode, fmt", [("search", "text"), ("default", "jsonl")])
def test_pipeline_options_are_identical(address, corpus, mode, fmt):
    segmenter = minent.Segmenter(minent.build_lexicon([XIYOUJI]), stop_words={"的", "。"}, min_length=1)
    local, remote = io.BytesIO(), io.BytesIO()
    segmenter.segment_file(corpus, local, mode=mode, format=fmt)
    segment_cluster.segment_file(address, segmenter, str(corpus), remote, partition_bytes=90_000, mode=mode, format=fmt)
    assert remote.getvalue() == local.getvalue() and local.getvalue()


def test_several_lexicons_and_mixed_entries_are_identical(address, tmp_path):
    segmenter = minent.Segmenter([minent.build_lexicon([XIYOUJI]), {"T恤": 3, "卡拉OK": 2, "孙悟空": 50}])
    corpus = tmp_path / "mixed.txt"
    text = XIYOUJI.read_text(encoding="utf-8")[:20_000]
    corpus.write_text(text.replace("。", "，穿T恤唱卡拉OK。") * 5, encoding="utf-8")
    local, remote = io.StringIO(), io.StringIO()
    segmenter.segment_file(corpus, local)
    segment_cluster.segment_file(address, segmenter, str(corpus), remote, partition_bytes=90_000)
    assert remote.getvalue() == local.getvalue() and "T恤 唱 卡拉OK" in local.getvalue()
