"""`minent baskets` and `minent apriori --text`, run as real processes: the baskets written,
their CSV read back by apriori's reader, the two-step pipe equal to the one step, and errors."""

from __future__ import annotations

import random
import subprocess
import sys

import pytest

from minent import Lexicon, Segmenter, word_baskets
from minent.itemsets.baskets import read_baskets

COUNTS = {"孙悟空": 50, "唐僧": 40, "猪八戒": 30, "师父": 20, "妖精": 10, "取经": 8, "西天": 6, "的": 100, "了": 80,
          "我": 60, "T恤": 3, "A,B公司": 2, '说"好"': 2}
TEXT = ("唐僧的师父，孙悟空说唐僧。\r\n"  # CRLF
        "\n"  # an empty document
        "2018年 3.5% ——《》\n"  # nothing but numbers, punctuation and one-character words
        "猪八戒 COVID-19 T恤 猪八戒\n"
        'A,B公司说"好"，妖精\n'
        "最后一行没有换行孙悟空")
EXPECTED_CSV = ('唐僧,师父,孙悟空\n'
                '\n'
                '\n'
                '猪八戒,COVID-19,T恤\n'
                '"A,B公司","说""好""",妖精\n'
                '孙悟空\n')


def minent(*args, input: bytes = None, stdin=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "minent", *map(str, args)], input=input, stdin=stdin,
                          capture_output=True)


def error_of(done: subprocess.CompletedProcess) -> str:
    """The one line a failed command wrote on stderr."""
    err = done.stderr.decode()
    assert done.returncode == 2, err
    lines = [line for line in err.splitlines() if not line.startswith("minent: compiling")]
    assert len(lines) == 1 and lines[0].startswith("minent: ") and "Traceback" not in err, err
    return lines[0]


@pytest.fixture
def lexicon(tmp_path):
    path = tmp_path / "lex.tsv"
    Lexicon(COUNTS).save(path)
    return path


@pytest.fixture
def docs(tmp_path):
    path = tmp_path / "docs.txt"
    path.write_bytes(TEXT.encode("utf-8"))
    return path


def test_file_to_csv_one_line_a_document(lexicon, docs, tmp_path):
    out = tmp_path / "b.csv"
    done = minent("baskets", "-l", lexicon, docs, "-o", out)
    assert done.returncode == 0, done.stderr
    assert out.read_bytes().decode("utf-8") == EXPECTED_CSV
    assert done.stdout == b""
    assert "6 documents -> 4 baskets (2 empty) of 9 distinct words" in done.stderr.decode()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.csv", "docs.txt", "lex.tsv"]  # no temporary left


def test_csv_round_trip_through_aprioris_reader(lexicon, docs, tmp_path):
    out = tmp_path / "b.csv"
    assert minent("baskets", "-q", "-l", lexicon, docs, "-o", out).returncode == 0
    expected = [b for b in word_baskets(Segmenter(COUNTS), TEXT.split("\n")) if b]
    assert ['A,B公司', '说"好"', '妖精'] in expected
    assert read_baskets(out, header=False) == expected  # empty lines are no baskets for apriori
    assert read_baskets(out, "csv", header=False) == expected
    # and the items reach the rules as written
    done = minent("apriori", out, "--no-header", "--min-count", "1", "-c", "0", "--itemsets", tmp_path / "i.tsv", "-q")
    assert done.returncode == 0, done.stderr
    items = {frozenset(line.split("\t")[0].split(" | "))
             for line in (tmp_path / "i.tsv").read_text(encoding="utf-8").splitlines()[1:]}
    assert {frozenset(['A,B公司']), frozenset(['说"好"']), frozenset(['孙悟空', '唐僧'])} <= items


def test_stdin_to_stdout_and_the_formats(lexicon, docs, tmp_path):
    fimi = '唐僧 师父 孙悟空\n\n\n猪八戒 COVID-19 T恤\nA,B公司 说"好" 妖精\n孙悟空\n'
    done = minent("baskets", "-q", "-l", lexicon, input=TEXT.encode("utf-8"))  # fimi by default
    assert done.returncode == 0 and done.stderr == b""
    assert done.stdout.decode("utf-8") == fimi
    done = minent("baskets", "-q", "-l", lexicon, "-", "--format", "csv", input=TEXT.encode("utf-8"))
    assert done.stdout.decode("utf-8") == EXPECTED_CSV
    out = tmp_path / "b.dat"
    assert minent("baskets", "-q", "-l", lexicon, docs, "-o", out).returncode == 0
    assert out.read_text(encoding="utf-8") == fimi
    assert read_baskets(out) == read_baskets(tmp_path / "b.dat", "fimi")
    out = tmp_path / "b.csv"  # csv only by the extension (or -f csv)
    assert minent("baskets", "-q", "-l", lexicon, docs, "-o", out).returncode == 0
    assert out.read_text(encoding="utf-8") == EXPECTED_CSV


def test_word_options_match_the_library(lexicon, docs, tmp_path):
    stop = tmp_path / "stop.txt"
    stop.write_text("唐僧\n\nCOVID-19\n", encoding="utf-8")
    seg = Segmenter(COUNTS)
    lines = TEXT.split("\n")
    for args, options in [(["--min-length", "1"], {"min_length": 1}), (["--min-word-length", "3"], {"min_length": 3}),
                          (["--stop-words", stop], {"stop_words": ["唐僧", "COVID-19"]}),
                          (["--min-word-count", "20"], {"min_count": 20})]:
        done = minent("baskets", "-q", "-l", lexicon, docs, "-f", "fimi", *args)
        assert done.returncode == 0, done.stderr
        expected = "".join(" ".join(b) + "\n" for b in word_baskets(seg, lines, **options))
        assert done.stdout.decode("utf-8") == expected, args
    done = minent("baskets", "-q", "-l", lexicon, docs, "--min-word-count", "20", "-f", "csv")
    assert done.stdout.decode() == "唐僧,师父,孙悟空\n\n\n猪八戒\n\n孙悟空\n"


def test_encoding_and_several_inputs(lexicon, docs, tmp_path):
    gbk = tmp_path / "gbk.txt"
    gbk.write_bytes("孙悟空和猪八戒\n".encode("gb18030"))
    done = minent("baskets", "-q", "-l", lexicon, gbk, "--encoding", "gb18030", "-f", "csv")
    assert done.stdout.decode("utf-8") == "孙悟空,猪八戒\n"
    done = minent("baskets", "-q", "-l", lexicon, docs, docs, "-f", "csv")
    assert done.stdout.decode("utf-8") == EXPECTED_CSV * 2  # the last line, without a line feed, ends first


@pytest.fixture
def corpus(tmp_path):
    """Documents made of lexicon words that co-occur by design, with noise."""
    rng = random.Random(7)
    topics = [["孙悟空", "妖精", "师父"], ["唐僧", "取经", "西天"], ["猪八戒", "师父"]]
    lines = []
    for _ in range(400):
        words = rng.choice(topics) + rng.sample(list(COUNTS), 2)
        rng.shuffle(words)
        lines.append(rng.choice(["，", "。", "了", " "]).join(words) if rng.random() > 0.05 else "。")
    path = tmp_path / "corpus.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_pipe_into_apriori_equals_apriori_text(lexicon, corpus, tmp_path):
    stop = tmp_path / "stop.txt"
    stop.write_text("猪八戒\n", encoding="utf-8")
    options = ["--stop-words", stop, "--min-word-count", "5"]
    making = subprocess.Popen([sys.executable, "-m", "minent", "baskets", "-q", "-l", lexicon, corpus, *options],
                              stdout=subprocess.PIPE)
    piped = minent("apriori", "-", "-f", "fimi", "-s", "0.1", "-c", "0.5", stdin=making.stdout)
    making.stdout.close()
    assert making.wait() == 0 and piped.returncode == 0, piped.stderr
    one_step = minent("apriori", "--text", "-l", lexicon, corpus, "--stop-words", stop, "--min-word-length", "2",
                      "--min-word-count", "5", "-s", "0.1", "-c", "0.5")
    assert one_step.returncode == 0, one_step.stderr
    assert one_step.stdout == piped.stdout
    rules = one_step.stdout.decode("utf-8").splitlines()
    assert len(rules) > 3 and any(line.startswith("取经\t") for line in rules)
    assert "猪八戒" not in one_step.stdout.decode("utf-8")
    err = one_step.stderr.decode()
    assert "documents ->" in err and "empty, left out" in err and "minent apriori:" in err


def test_apriori_text_errors(lexicon, docs, tmp_path):
    assert "--text needs a lexicon" in error_of(minent("apriori", "--text", docs))
    assert "--lexicon goes with --text" in error_of(minent("apriori", docs, "-l", lexicon))
    assert "--min-word-count goes with --text" in error_of(minent("apriori", docs, "--min-word-count", "0"))
    assert "--encoding goes with --text" in error_of(minent("apriori", docs, "--encoding", "gbk"))
    assert "--format is for baskets files" in error_of(minent("apriori", "--text", "-l", lexicon, docs, "-f", "csv"))
    assert "--min-word-length must be at least 1" in error_of(
        minent("apriori", "--text", "-l", lexicon, docs, "--min-word-length", "0"))
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    assert f"'{empty}' is empty" in error_of(minent("apriori", "--text", "-l", lexicon, empty))
    noise = tmp_path / "noise.txt"
    noise.write_text("。\n2018\n的了\n", encoding="utf-8")
    assert "no document keeps a word (of 3)" in error_of(minent("apriori", "--text", "-l", lexicon, noise))
    assert "no such file" in error_of(minent("apriori", "--text", "-l", tmp_path / "nope.tsv", docs))


def test_baskets_errors(lexicon, docs, tmp_path):
    assert "lexicon must be a file" in error_of(minent("baskets", "-l", "-", docs))
    assert f"cannot read '{tmp_path / 'nope.txt'}': no such file" in error_of(
        minent("baskets", "-l", lexicon, tmp_path / "nope.txt"))
    assert "--format must be csv or fimi" in error_of(minent("baskets", "-l", lexicon, docs, "-f", "long"))
    assert "--min-length must be at least 1" in error_of(minent("baskets", "-l", lexicon, docs, "--min-length", "0"))
    assert "--min-word-count must be at least 0" in error_of(
        minent("baskets", "-l", lexicon, docs, "--min-word-count", "-1"))
    assert "give --stop-words as a file" in error_of(minent("baskets", "-l", lexicon, "--stop-words", "-", input=b"x"))
    assert "unknown encoding" in error_of(minent("baskets", "-l", lexicon, docs, "--encoding", "nope"))
    bad = tmp_path / "bad.txt"
    bad.write_bytes("孙悟空\n".encode("utf-8") + b"\xff\xfe\n")
    out = tmp_path / "out.csv"
    message = error_of(minent("baskets", "-l", lexicon, bad, "-o", out))
    assert f"'{bad}' is not valid utf-8" in message
    assert not out.exists() and not [p for p in tmp_path.iterdir() if p.name.startswith(".out.csv")]
    done = minent("baskets", "-l", lexicon, docs, "-o", tmp_path / "no" / "such" / "dir.csv")
    assert done.returncode != 0 and done.stderr.decode().startswith("minent: ") and b"Traceback" not in done.stderr


def test_help_shows_the_defaults():
    done = minent("baskets", "--help")
    text = done.stdout.decode()
    assert done.returncode == 0
    for option in ("--lexicon", "--min-length", "--stop-words", "--min-word-count", "--format", "--encoding",
                   "--quiet", "--jobs", "default: 2"):
        assert option in text, option
    text = minent("apriori", "--help").stdout.decode()
    for option in ("--text", "--min-word-length", "--min-word-count", "--stop-words"):
        assert option in text, option


def test_a_first_document_of_unique_words_is_no_header(lexicon, tmp_path):
    """In fimi (the default) apriori guesses no header: a first basket whose words occur
    nowhere else stays a basket, and the two routes agree."""
    docs = tmp_path / "docs.txt"
    docs.write_text("观音如来\n猪八戒沙僧唐僧\n猪八戒沙僧\n沙僧唐僧\n猪八戒唐僧\n", encoding="utf-8")
    lexicon_path = tmp_path / "lex.txt"
    lexicon_path.write_text("".join(f"{w} 10\n" for w in ("观音", "如来", "猪八戒", "沙僧", "唐僧")), encoding="utf-8")
    out = tmp_path / "b.dat"
    assert minent("baskets", "-q", "-l", lexicon_path, docs, "-o", out).returncode == 0
    via_file = minent("apriori", out, "-s", "0.2", "-c", "0.1")
    one_step = minent("apriori", "--text", "-l", lexicon_path, docs, "-s", "0.2", "-c", "0.1")
    assert via_file.returncode == one_step.returncode == 0
    assert via_file.stdout == one_step.stdout and "如来\t观音".encode() in one_step.stdout
    assert b"header" not in via_file.stderr


@pytest.mark.parametrize("command", [["baskets"], ["apriori", "--text", "-s", "0.05", "-c", "0.1"]])
def test_small_documents_need_no_numba_and_give_what_the_kernels_give(tmp_path, command):
    """A small lexicon without mixed-script entries and small documents: no Numba in the
    process (the Segmenter's and apriori's plain paths), the same bytes as with the kernels."""
    import os

    lexicon = tmp_path / "cjk.tsv"
    Lexicon({w: c for w, c in COUNTS.items() if all("\u4e00" <= ch <= "\u9fff" for ch in w)}).save(lexicon)
    docs = tmp_path / "docs.txt"
    rng = random.Random(5)
    words = ["孙悟空", "唐僧", "猪八戒", "师父", "妖精", "取经", "西天", "的", "了", "我", "说"]
    docs.write_text("".join("".join(rng.choices(words, k=rng.randint(1, 12))) + "\n" for _ in range(300)),
                    encoding="utf-8")
    outputs, loaded = [], []
    for forced in ("0", "1"):
        out = tmp_path / f"out{forced}.txt"
        done = subprocess.run([sys.executable, "-X", "importtime", "-m", "minent", command[0], "-l", str(lexicon),
                               str(docs), *command[1:], "-o", str(out), "-q"], capture_output=True, text=True,
                              env={**os.environ, "MINENT_KERNELS": forced})
        assert done.returncode == 0, done.stderr[-2000:]
        imported = {line.split("|")[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")}
        loaded.append(any(name == "numba" or name.startswith("numba.") for name in imported))
        outputs.append(out.read_bytes())
    assert loaded == [False, True]
    assert outputs[0] == outputs[1] and outputs[0].count(b"\n") > 10
