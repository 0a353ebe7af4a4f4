"""`minent build-lexicon` through Typer's test runner: outputs, options and every bad input."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

import reference_lexicon as ref
from minent import Lexicon, __version__
from minent.cli import app

runner = CliRunner()
TEXT = "中国人民站起来了。中国人民万岁！人民大学生在中国。\n" * 30


def invoke(*args, input=None):
    return runner.invoke(app, list(map(str, args)), input=input)


@pytest.fixture
def corpus(tmp_path):
    path = tmp_path / "corpus.txt"
    path.write_text(TEXT, encoding="utf-8")
    return path


def expected_tsv(min_count=5):
    items = ref.build_lexicon([TEXT], min_count=min_count)
    return "".join(f"{w}\t{c}\n" for w, c in sorted(items.items(), key=lambda wc: (-wc[1], wc[0])))


def test_writes_the_lexicon_file_and_a_summary(corpus, tmp_path):
    out = tmp_path / "lex.tsv"
    result = invoke("build-lexicon", corpus, "--no-refine", "-o", out)
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == expected_tsv()
    assert "bits as characters" in result.stderr
    assert result.stdout == ""


def test_stdout_stdin_and_several_files(corpus, tmp_path):
    result = invoke("build-lexicon", "-q", "--no-refine", corpus)
    assert result.exit_code == 0
    assert result.stdout == expected_tsv()
    assert result.stderr == ""
    result = invoke("build-lexicon", "-q", "--no-refine", "-", input=TEXT)
    assert result.exit_code == 0, result.output
    assert result.stdout == expected_tsv()
    half = tmp_path / "half.txt"
    half.write_text(TEXT[: len(TEXT) // 2], encoding="utf-8")
    rest = tmp_path / "rest.txt"
    rest.write_text(TEXT[len(TEXT) // 2 :], encoding="utf-8")
    result = invoke("build-lexicon", "-q", "--no-refine", half, rest, "--min-count", "3")
    assert result.stdout == "".join(
        f"{w}\t{c}\n" for w, c in Lexicon(ref.build_lexicon([TEXT[: len(TEXT) // 2], TEXT[len(TEXT) // 2 :]],
                                                            min_count=3)).items())


def test_options_reach_the_algorithm(corpus):
    result = invoke("build-lexicon", "-q", "--no-refine", corpus, "--order", "3", "--min-count", "2", "--min-pmi", "0.5,1.5",
                    "--format", "jieba", "--jobs", "1")
    assert result.exit_code == 0, result.output
    expected = ref.build_lexicon([TEXT], order=3, min_count=2, min_pmi=[0.5, 1.5])
    assert Lexicon.parse(result.stdout, format="jieba").to_dict() == expected
    assert " " in result.stdout.splitlines()[0] and "\t" not in result.stdout


def test_encoding_option(tmp_path):
    path = tmp_path / "gb.txt"
    path.write_bytes(TEXT.encode("gb18030"))
    result = invoke("build-lexicon", "-q", "--no-refine", path)
    assert result.exit_code == 2
    assert "not valid utf-8" in result.stderr and "offset 0" in result.stderr and "--encoding" in result.stderr
    result = invoke("build-lexicon", "-q", "--no-refine", path, "--encoding", "gb18030")
    assert result.exit_code == 0
    assert result.stdout == expected_tsv()


def bad_inputs(tmp_path):
    binary = tmp_path / "binary.bin"
    binary.write_bytes(b"\x7fELF\x00\x01\x02" * 10)
    late_error = tmp_path / "late.txt"
    late_error.write_bytes("中国人民\n".encode() * 100 + b"\xff\xfe")
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    latin = tmp_path / "latin.txt"
    latin.write_text("only latin text 123\n")
    return [
        ([tmp_path / "missing.txt"], "no such file"),
        ([tmp_path], "is a directory"),
        ([binary], "binary file (NUL byte at byte offset 4)"),
        ([late_error], "bad byte at offset 1300"),
        ([empty], "is empty"),
        ([latin], "no Chinese characters"),
        (["--order", "0"], "order must be"),
        (["--order", "9"], "order must be"),
        (["--min-count", "-2"], "min_count must be"),
        (["--min-pmi", "1,x,3"], "--min-pmi takes numbers"),
        (["--min-pmi", "1,3"], "needs 3 value"),
        (["--format", "xml"], "--format must be"),
        (["--encoding", "klingon"], "unknown encoding"),
        (["--jobs", "-1"], "--jobs"),
    ]


def test_bad_inputs_give_one_line_and_no_output_file(tmp_path, corpus):
    for args, message in bad_inputs(tmp_path):
        out = tmp_path / "out.tsv"
        files = [a for a in args if not str(a).startswith("-") and not str(a).replace(",", "").replace(".", "").isalnum()]
        argv = args if files else [corpus, *args]
        result = invoke("build-lexicon", *argv, "-o", out)
        assert result.exit_code != 0, (args, result.output)
        assert message in result.stderr, (args, result.stderr)
        assert "Traceback" not in result.output
        lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
        assert len(lines) == 1 or result.exit_code == 2 and "Usage" in result.stderr
        assert not out.exists()
        assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.tsv")]  # no temp file left


def test_unwritable_output(corpus, tmp_path):
    result = invoke("build-lexicon", corpus, "-o", tmp_path / "no" / "such" / "dir.tsv")
    assert result.exit_code == 2
    assert "no such directory" in result.stderr


def test_existing_output_survives_a_failed_run(tmp_path):
    out = tmp_path / "lex.tsv"
    out.write_text("old\t1\n")
    latin = tmp_path / "latin.txt"
    latin.write_text("no ideographs here")
    result = invoke("build-lexicon", latin, "-o", out)
    assert result.exit_code == 2
    assert out.read_text() == "old\t1\n"


def test_version_and_help():
    result = invoke("--version")
    assert result.exit_code == 0 and __version__ in result.stdout
    result = invoke("build-lexicon", "--help")
    assert result.exit_code == 0
    for option in ("--output", "--order", "--min-count", "--min-pmi", "--format", "--encoding", "--jobs", "--quiet"):
        assert option in result.stdout
    assert "default: 4" in result.stdout and "default: 5" in result.stdout


def test_refine_writes_the_refined_lexicon_and_reports_each_round(tmp_path):
    import minent
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "data" / "xiyouji.txt").read_text(encoding="utf-8")[:100_000]
    corpus = tmp_path / "novel.txt"
    corpus.write_text(text, encoding="utf-8")
    out = tmp_path / "lex.tsv"
    result = invoke("build-lexicon", corpus, "--refine", "--iterations", 2, "-o", out)
    assert result.exit_code == 0, result.output
    expected = minent.build_lexicon(corpus, refine=True, iterations=2)
    assert len(expected) > 100 and expected.stats.history
    assert Lexicon.load(out) == expected
    assert "refinement round 0: L = " in result.stderr
    assert len([line for line in result.stderr.splitlines() if "refinement round" in line]) == len(
        expected.stats.history)
    bad = invoke("build-lexicon", corpus, "--refine", "--iterations", -1)
    assert bad.exit_code == 2 and "iterations" in bad.stderr and "Traceback" not in bad.output


@pytest.mark.parametrize("command", ["build-lexicon", "segment", "apriori"])
def test_scheduler_help_names_the_extra(command):
    result = runner.invoke(app, [command, "--help"], env={"COLUMNS": "250", "TERMINAL_WIDTH": "250"})
    assert result.exit_code == 0
    assert 'pip install "minent[distributed]"' in " ".join(result.output.split())
