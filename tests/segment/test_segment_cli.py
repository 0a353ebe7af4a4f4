"""`minent segment` through Typer's test runner: streams, options and every bad input."""

from __future__ import annotations

import os
import random

import pytest
from typer.testing import CliRunner

from minent import Lexicon, Segmenter
from minent.cli import app

runner = CliRunner()
COUNTS = {"研究": 10, "研究生": 5, "生命": 10, "命": 2, "起源": 8, "中国": 20, "人民": 9, "的": 30, "大学生": 3}
TEXT = "研究生命起源。\r\n\n中国人民的大学生 GDP增长3.5%\n最后一行没有换行"
EXPECTED = "研究 生命 起源 。\n\n中国 人民 的 大学生 GDP 增 长 3.5%\n最 后 一 行 没 有 换 行"


def invoke(*args, input=None, env=None):
    return runner.invoke(app, list(map(str, args)), input=input, env=env)


@pytest.fixture
def lexicon(tmp_path):
    path = tmp_path / "lex.tsv"
    Lexicon(COUNTS).save(path)
    return path


@pytest.fixture
def source(tmp_path):
    path = tmp_path / "in.txt"
    path.write_bytes(TEXT.encode("utf-8"))
    return path


def test_file_to_file_and_summary(lexicon, source, tmp_path):
    out = tmp_path / "out.txt"
    result = invoke("segment", "-l", lexicon, source, "-o", out)
    assert result.exit_code == 0, result.output
    assert out.read_bytes().decode("utf-8") == EXPECTED
    assert result.stdout == ""
    assert "segmented" in result.stderr and "MB/s" in result.stderr
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.txt")]


def test_stdin_to_stdout(lexicon):
    for args in (["-"], []):
        result = invoke("segment", "-q", "-l", lexicon, *args, input=TEXT.encode("utf-8"))
        assert result.exit_code == 0, result.output
        assert result.stdout == EXPECTED
        assert result.stderr == ""


def test_delimiter(lexicon, source):
    result = invoke("segment", "-q", "-l", lexicon, source, "--delimiter", " / ")
    assert result.stdout == EXPECTED.replace(" ", " / ")
    result = invoke("segment", "-q", "-l", lexicon, source, "-d", "\\t")
    assert result.stdout == EXPECTED.replace(" ", "\t")
    result = invoke("segment", "-q", "-l", lexicon, source, "-d", "｜")
    assert result.stdout == EXPECTED.replace(" ", "｜")


def test_lexicon_formats(lexicon, source, tmp_path):
    jieba = tmp_path / "dict.txt"
    jieba.write_text("".join(f"{w} {c} n\n" for w, c in COUNTS.items()), encoding="utf-8")
    for lex, fmt in [(lexicon, "tsv"), (lexicon, "auto"), (jieba, "jieba"), (jieba, "auto")]:
        result = invoke("segment", "-q", "-l", lex, "--lexicon-format", fmt, source)
        assert result.exit_code == 0, (fmt, result.output)
        assert result.stdout == EXPECTED
    result = invoke("segment", "-q", "-l", jieba, "--lexicon-format", "tsv", source)  # the wrong format
    assert result.exit_code == 2
    assert "line 1" in result.stderr and "word<TAB>count" in result.stderr


def test_jobs_keep_the_output_order(lexicon, tmp_path):
    rng = random.Random(1)
    pool = "研究生命起源中国人民的大学。，abc 12"
    lines = ["".join(rng.choice(pool) for _ in range(rng.randint(0, 200))) for _ in range(4000)]
    big = tmp_path / "big.txt"
    big.write_text("\n".join(lines), encoding="utf-8")
    assert big.stat().st_size > 1 << 18
    outputs = []
    for jobs in ("1", "2", "0"):
        out = tmp_path / f"out{jobs}.txt"
        result = invoke("segment", "-q", "-l", lexicon, big, "-o", out, "--jobs", jobs)
        assert result.exit_code == 0, result.output
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1] == outputs[2]
    assert outputs[0].decode("utf-8") == Segmenter(COUNTS).segment("\n".join(lines))


def test_encoding_option(lexicon, tmp_path):
    gb = tmp_path / "gb.txt"
    gb.write_bytes(TEXT.encode("gb18030"))
    result = invoke("segment", "-q", "-l", lexicon, gb, "--encoding", "gb18030")
    assert result.exit_code == 0, result.output
    assert result.stdout == EXPECTED


def test_progress_bar_on_request(lexicon, source, tmp_path):
    result = invoke("segment", "-l", lexicon, source, "-o", tmp_path / "o.txt", env={"MINENT_PROGRESS": "1"})
    assert result.exit_code == 0
    assert "segmenting" in result.stderr
    result = invoke("segment", "-q", "-l", lexicon, source, "-o", tmp_path / "o.txt", env={"MINENT_PROGRESS": "1"})
    assert result.stderr == ""


def bad_inputs(tmp_path, lexicon, source):
    """(arguments, words the one-line message must contain)."""
    malformed = tmp_path / "malformed.tsv"
    malformed.write_text("中国\t3\n人民\t2\n的\tmany\n", encoding="utf-8")
    empty_lex = tmp_path / "empty.tsv"
    empty_lex.write_text("\n\n", encoding="utf-8")
    zero_lex = tmp_path / "zero.tsv"
    zero_lex.write_text("中国\t0\n", encoding="utf-8")
    gb_lex = tmp_path / "gb.tsv"
    gb_lex.write_bytes("中国\t3\n".encode("gb18030"))
    late = tmp_path / "late.txt"
    late.write_bytes("中国人民\n".encode() * 100 + b"ab\xff")
    binary = tmp_path / "binary.bin"
    binary.write_bytes(b"\x7fELF\x00\x01\x02" * 10)
    return [
        (["-l", tmp_path / "missing.tsv", source], ["missing.tsv", "no such file"]),
        (["-l", tmp_path, source], ["is a directory"]),
        (["-l", malformed, source], ["malformed.tsv", "line 3"]),
        (["-l", empty_lex, source], ["empty.tsv", "no entries"]),
        (["-l", zero_lex, source], ["all zero"]),
        (["-l", gb_lex, source], ["gb.tsv", "not valid utf-8", "offset 0"]),
        (["-l", lexicon, tmp_path / "missing.txt"], ["missing.txt", "no such file"]),
        (["-l", lexicon, tmp_path], ["is a directory"]),
        (["-l", lexicon, late], ["late.txt", "not valid utf-8", "offset 1302", "--encoding"]),
        (["-l", lexicon, binary], ["binary.bin", "binary file", "offset 4"]),
        (["-l", lexicon, source, "--encoding", "klingon"], ["unknown encoding"]),
        (["-l", lexicon, source, "--lexicon-format", "csv"], ["--lexicon-format"]),
        (["-l", lexicon, source, "--delimiter", ""], ["--delimiter"]),
        (["-l", lexicon, source, "--jobs", "-1"], ["--jobs"]),
    ]


def test_bad_inputs_give_one_line_and_no_output(tmp_path, lexicon, source):
    late = tmp_path / "late.txt"
    for args, words in bad_inputs(tmp_path, lexicon, source):
        out = tmp_path / "out.txt"
        result = invoke("segment", *args, "-o", out)
        assert result.exit_code == 2, (args, result.output)
        lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
        assert len(lines) == 1 and lines[0].startswith("minent: "), (args, result.stderr)
        for word in words:
            assert word in lines[0], (args, lines[0])
        assert "Traceback" not in result.output
        assert not out.exists(), args
        assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.txt")], args
        # to standard output: nothing is written before the error, except for an error met
        # half-way, where what was segmented before it has already been streamed out
        result = invoke("segment", *args)
        assert result.exit_code == 2, args
        if args[2] == late:
            assert set(result.stdout.splitlines()) <= {"中国 人民"}, args
        else:
            assert result.stdout == "", args


def test_a_failed_run_leaves_an_existing_output_alone(tmp_path, lexicon):
    out = tmp_path / "out.txt"
    out.write_text("precious\n")
    late = tmp_path / "late.txt"
    late.write_bytes("中国人民\n".encode() * 100_000 + b"\xff")
    result = invoke("segment", "-l", lexicon, late, "-o", out)
    assert result.exit_code == 2 and "offset 1300000" in result.stderr
    assert out.read_text() == "precious\n"


def test_unwritable_output(tmp_path, lexicon, source):
    result = invoke("segment", "-l", lexicon, source, "-o", tmp_path / "no" / "such" / "out.txt")
    assert result.exit_code == 2 and "no such directory" in result.stderr
    result = invoke("segment", "-l", lexicon, source, "-o", tmp_path)  # a directory: the input's own name there
    assert result.exit_code == 2 and "would be written over itself" in result.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file")
def test_unreadable_lexicon(tmp_path, lexicon, source):
    lexicon.chmod(0)
    result = invoke("segment", "-l", lexicon, source)
    assert result.exit_code == 2 and "permission denied" in result.stderr


def test_help_shows_every_option_and_default():
    result = invoke("segment", "--help")
    assert result.exit_code == 0
    text = " ".join(result.stdout.split())
    for option in ("--lexicon", "--output", "--lexicon-format", "--delimiter", "--encoding", "--jobs", "--quiet"):
        assert option in text
    for default in ("[default: -]", "[default: auto]", "[default: (one space)]", "[default: utf-8]",
                    "[default: 0]"):
        assert default in text, default
