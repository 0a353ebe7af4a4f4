"""`minent segment`'s pipeline options, run as a real process: --format jsonl, --mode search,
--add-words, --stop-words and --min-length, each against the library on the same text."""

from __future__ import annotations

import json
import random
import subprocess
import sys

import pytest

from minent import Lexicon, Segmenter

COUNTS = {"研究": 10, "研究生": 5, "生命": 10, "命": 2, "起源": 8, "生命起源": 30, "中国": 20, "人民": 9, "的": 30,
          "大学生": 3, "大学": 6, "学生": 4}
TEXT = "研究生命起源。\r\n\n中国人民的大学生 GDP增长3.5%\t𠀀中国\u0301人民\n最后一行没有换行"


def minent(*args, input: bytes = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "minent", *map(str, args)], input=input, capture_output=True)


@pytest.fixture
def lexicon(tmp_path):
    path = tmp_path / "lex.tsv"
    Lexicon(COUNTS).save(path)
    return path


@pytest.fixture
def source(tmp_path):
    path = tmp_path / "in.txt"
    rng = random.Random(5)
    hard = [" ", "\t", "\r\n", "\n", "\u3000", "\u0301", "𠀀", "😀", "A b", "12", "。", "\""]
    lines = [TEXT] + ["".join(rng.choice(hard) if rng.random() < 0.2 else rng.choice("研究生命起源中国人民的大学")
                              for _ in range(rng.randint(0, 80))) for _ in range(50)]
    path.write_bytes("\n".join(lines).encode("utf-8"))
    return path


def test_jsonl_gives_words_and_offsets_into_each_line(lexicon, source):
    done = minent("segment", "-q", "-l", lexicon, "--format", "jsonl", source)
    assert done.returncode == 0, done.stderr
    lines = source.read_text(encoding="utf-8").split("\n")
    objects = [json.loads(line) for line in done.stdout.decode("utf-8").split("\n")[:-1]]
    assert len(objects) == len(lines)
    seg = Segmenter(COUNTS)
    for line, obj in zip(lines, objects):
        assert obj["words"] == seg.cut(line)
        assert [line[a:b] for a, b in obj["spans"]] == obj["words"]


def test_search_mode_writes_the_inner_words_after_each_word(lexicon, source):
    done = minent("segment", "-q", "-l", lexicon, "--mode", "search", "-d", "/", source)
    assert done.returncode == 0, done.stderr
    seg = Segmenter(COUNTS)
    lines = source.read_text(encoding="utf-8").split("\n")
    assert done.stdout.decode("utf-8") == "\n".join("/".join(seg.cut_for_search(line)) for line in lines)
    assert done.stdout.decode("utf-8").startswith("研究/生命起源/生命/起源/。\n")


def test_stop_words_and_min_length_leave_words_out_but_not_the_cut(lexicon, source, tmp_path):
    stop = tmp_path / "stop.txt"
    stop.write_text("的\n。\n\n中国\n", encoding="utf-8")
    done = minent("segment", "-q", "-l", lexicon, "--stop-words", stop, "--min-length", "2", source)
    assert done.returncode == 0, done.stderr
    seg = Segmenter(COUNTS)
    lines = source.read_text(encoding="utf-8").split("\n")
    want = [" ".join(w for w in seg.cut(line) if len(w) >= 2 and w not in {"的", "。", "中国"}) for line in lines]
    assert done.stdout.decode("utf-8") == "\n".join(want)
    filtered = Segmenter(COUNTS, stop_words={"的", "。", "中国"}, min_length=2)
    assert filtered.cut(lines[0] + lines[2]) == [w for w in seg.cut(lines[0] + lines[2])
                                                 if len(w) >= 2 and w not in {"的", "。", "中国"}]


def test_added_words_come_out_whole(lexicon, tmp_path):
    words = tmp_path / "words.txt"
    words.write_text("生命起\n究生命 50 n\n\n大学生命\n", encoding="utf-8")  # jieba's user-dictionary lines too
    done = minent("segment", "-q", "-l", lexicon, "--add-words", words, "-", input="生命起\n大学生命\n研究生命起源\n".encode())
    assert done.returncode == 0, done.stderr
    out = done.stdout.decode("utf-8").splitlines()
    assert out[:2] == ["生命起", "大学生命"]
    seg = Segmenter(COUNTS)
    seg.add_word("生命起")
    seg.add_word("究生命", 50)
    seg.add_word("大学生命")
    assert out[2] == " ".join(seg.cut("研究生命起源"))


@pytest.mark.parametrize("content, message", [
    ("手机 many\n", "line 1: the count 'many' of '手机' is not a number"),
    (b"\xff\xfe\n", "is not valid UTF-8"),
])
def test_bad_word_lists_are_one_line_errors(lexicon, tmp_path, content, message):
    words = tmp_path / "words.txt"
    words.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    for option in ("--add-words",) if "count" in message else ("--add-words", "--stop-words"):
        done = minent("segment", "-q", "-l", lexicon, option, words, "-", input=b"x\n")
        err = done.stderr.decode("utf-8")
        assert done.returncode == 2 and message in err and len(err.strip().splitlines()) == 1, err
        assert done.stdout == b""


def test_unreadable_lists_and_bad_options_are_one_line_errors(lexicon, tmp_path):
    for args, message in ((["--stop-words", tmp_path / "nope.txt"], "cannot read"),
                          (["--add-words", tmp_path], "is a directory"),
                          (["--format", "yaml"], "--format must be text or jsonl"),
                          (["--mode", "fast"], "--mode must be default or search"),
                          (["--min-length", "0"], "--min-length must be at least 1")):
        done = minent("segment", "-q", "-l", lexicon, *args, "-", input=b"x\n")
        err = done.stderr.decode("utf-8")
        assert done.returncode == 2 and message in err and len(err.strip().splitlines()) == 1, (args, err)


def test_the_library_writes_the_same(lexicon, source):
    import io

    seg = Segmenter(lexicon, stop_words=["的"], min_length=1)
    for mode in ("default", "search"):
        for fmt in ("text", "jsonl"):
            small_chunks, whole = io.BytesIO(), io.BytesIO()
            seg.segment_file(source, small_chunks, "|", mode=mode, format=fmt, chunk_bytes=7)  # lines cut across chunks
            seg.segment_file(source, whole, "|", mode=mode, format=fmt)
            text = source.read_text(encoding="utf-8")
            assert small_chunks.getvalue() == whole.getvalue() == seg.render_lines(text, "|", mode, fmt).encode("utf-8")
    plain = Segmenter(lexicon)
    text = source.read_text(encoding="utf-8")
    assert plain.render_lines(text, " ") == plain.segment(text)  # the kernel's rendering, by another road


def test_several_inputs_to_standard_output_or_each_to_a_directory(lexicon, source, tmp_path):
    second = tmp_path / "second.txt"
    second.write_text("中国人民\n没有换行", encoding="utf-8")
    one = [minent("segment", "-q", "-l", lexicon, path).stdout for path in (source, second)]
    both = minent("segment", "-q", "-l", lexicon, source, second)
    assert not one[0].endswith(b"\n")  # the first input's last line has no line feed: it still ends there
    assert both.returncode == 0 and both.stdout == one[0] + b"\n" + one[1]  # each as if segmented alone
    outdir = tmp_path / "out"
    outdir.mkdir()
    done = minent("segment", "-q", "-l", lexicon, "--format", "jsonl", source, second, "-o", f"{outdir}/")
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in outdir.iterdir()) == ["in.txt", "second.txt"]
    for path in (source, second):
        alone = minent("segment", "-q", "-l", lexicon, "--format", "jsonl", path).stdout
        assert (outdir / path.name).read_bytes() == alone
    done = minent("segment", "-q", "-l", lexicon, second, "-o", outdir)  # an existing directory without its /
    assert done.returncode == 0 and (outdir / "second.txt").read_bytes() == one[1]


@pytest.mark.parametrize("args, message", [
    (["{second}", "-o", "{tmp}/nowhere/"], "no such directory"),
    (["{second}", "-o", "{tmp}/second.txt/"], "not a directory"),
    (["-", "-o", "{tmp}/"], "standard input has none"),
    (["{second}", "{tmp}/copy/second.txt", "-o", "{tmp}/"], "two inputs are named 'second.txt'"),
    (["{tmp}/second.txt", "-o", "{tmp}"], "would be written over itself"),
    (["-", "-"], "can be named only once"),
    (["{second}", "{tmp}/missing.txt"], "missing.txt"),
])
def test_bad_input_and_output_combinations(lexicon, tmp_path, args, message):
    second = tmp_path / "second.txt"
    second.write_text("中国\n", encoding="utf-8")
    (tmp_path / "copy").mkdir()
    (tmp_path / "copy" / "second.txt").write_text("人民\n", encoding="utf-8")
    before = sorted(p.name for p in tmp_path.iterdir())
    done = minent("segment", "-q", "-l", lexicon, *[a.format(second=second, tmp=tmp_path) for a in args], input=b"x\n")
    err = done.stderr.decode("utf-8")
    assert done.returncode == 2 and message in err and len(err.strip().splitlines()) == 1, err
    assert sorted(p.name for p in tmp_path.iterdir()) == before and second.read_text(encoding="utf-8") == "中国\n"


def test_lazy_cut_many_takes_any_iterable_a_batch_at_a_time():
    seg = Segmenter(COUNTS)
    texts = [TEXT[i:i + n] for i, n in zip(range(0, 60, 3), [0, 1, 5, 9] * 5)]
    taken = []

    def lines():
        for t in texts:
            taken.append(t)
            yield t

    lazy = seg.cut_many(lines(), lazy=True, batch_chars=10)
    assert taken == []  # nothing read before the first word list is asked for
    first = next(lazy)
    assert first == seg.cut(texts[0]) and 0 < len(taken) < len(texts)
    assert [first, *lazy] == seg.cut_many(texts)
    assert list(seg.tokenize_many(iter(texts), "search", lazy=True, batch_chars=7)) == seg.tokenize_many(texts, "search")
    with pytest.raises(Exception, match="not one string"):
        list(seg.cut_many("研究生命", lazy=True))


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_by_lines_stats_and_bad_byte_offsets(lexicon, tmp_path, encoding):
    import io

    from minent import MinentError

    good = ("中国人民\n" * 300).encode(encoding)
    path = tmp_path / "in.txt"
    path.write_bytes(good)
    seg = Segmenter(lexicon, stop_words=["的"])
    stats = seg.segment_file(path, io.BytesIO(), encoding=encoding, format="jsonl", chunk_bytes=64)
    assert 0 <= stats.seconds < 60 and stats.n_bytes == len(good) and stats.n_lines == 300
    assert stats.n_chars == 300 * 5
    path.write_bytes(good + b"\xff\xff\n")  # a bad byte after 300 good lines
    with pytest.raises(MinentError, match=f"offset {len(good)}"):
        seg.segment_file(path, io.BytesIO(), encoding=encoding, format="jsonl", chunk_bytes=64)
