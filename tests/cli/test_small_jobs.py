"""Small jobs pay only for what they run (issue 17): a command that runs no kernel loads no Numba."""

from __future__ import annotations

import os
import subprocess
import sys


def test_score_loads_no_numba(tmp_path):
    gold, pred = tmp_path / "gold.txt", tmp_path / "pred.txt"
    gold.write_text("中国 人民\n", encoding="utf-8")
    pred.write_text("中国人民\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "minent", "score", str(gold), str(pred)],
                          capture_output=True, text=True, encoding="utf-8")
    assert done.returncode == 0, done.stderr
    assert "f1\t0.0000" in done.stdout
    imported = {line.split("|")[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")}
    assert "minent.segment.score" in imported
    assert not any(name == "numba" or name.startswith("numba.") for name in imported)


# -- segment (issue 17): a small input is cut in plain Python, with the kernels' bytes ---------------

LEXICON = "中国\t40\n人民\t30\n中\t30\n国\t25\n人\t50\n民\t10\n大学生\t8\n大学\t25\n学生\t30\n#年\t12\n研究生\t5\n研究\t10\n生命\t10\n"
JIEBA = "生命起源 3 n\n起源 8\n青云门 5 nr\n"
TEXT = "中国人民大学生在2024年研究生命起源。\r\n\n  iPhone 3.5% e-mail —— 𠀀😀\u0301\n青云门的研究生"


def _segment(args: list, tmp_path, kernels: bool) -> tuple:
    """(return code, output bytes or None, stderr without import lines, modules imported) of one run."""
    out = tmp_path / ("kernels.txt" if kernels else "plain.txt")
    env = {**os.environ, "MINENT_KERNELS": "1" if kernels else "0"}
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "minent", "segment", *args, "-o", str(out)],
                          capture_output=True, text=True, encoding="utf-8", env=env)
    imported = {line.split("|")[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")}
    message = "\n".join(line for line in done.stderr.splitlines() if not line.startswith("import time:"))
    return done.returncode, out.read_bytes() if out.exists() else None, message, imported


def _numba(imported: set) -> bool:
    return any(name == "numba" or name.startswith("numba.") for name in imported)


def test_segment_of_a_small_input_loads_no_numba(tmp_path):
    tsv, jieba, one, two = (tmp_path / n for n in ("lexicon.tsv", "dict.txt", "one.txt", "two.txt"))
    tsv.write_text(LEXICON, encoding="utf-8")
    jieba.write_text(JIEBA, encoding="utf-8")
    one.write_bytes(TEXT.encode("utf-8"))
    two.write_text("生命起源\n", encoding="utf-8")
    outputs = []
    for args in (["-l", str(tsv), str(one)], ["-l", str(tsv), "-l", str(jieba), str(one), str(two)],
                 ["-l", str(jieba), "-d", "|", str(one)]):
        code, plain, message, imported = _segment(["-q", *args], tmp_path, kernels=False)
        outputs.append(plain)
        assert code == 0, message
        assert "minent.segment.plain" in imported and not _numba(imported), args
        code, kernels, message, imported = _segment(["-q", *args], tmp_path, kernels=True)
        assert code == 0, message
        assert _numba(imported)  # the reference run did go through the kernels
        assert plain == kernels, args
    assert outputs[0].decode("utf-8").startswith("中国 人民 大学生 在 2024年 研究 生命 起 源 。\n\niPhone 3.5% e-mail —— 𠀀 😀\u0301\n")
    assert outputs[1].decode("utf-8").endswith("研究生\n生命起源\n")  # the jieba lexicon added; two inputs
    code, _, message, _ = _segment(["-l", str(tsv), str(one)], tmp_path, kernels=False)  # the summary line too
    assert code == 0 and message.startswith("minent: segmented 0.0 MB (3 lines) with 13 lexicon entries")


def test_segment_errors_on_the_small_path_are_the_kernel_path_errors(tmp_path):
    good, bad, text, latin1 = (tmp_path / n for n in ("good.tsv", "bad.tsv", "text.txt", "latin1.txt"))
    good.write_text(LEXICON, encoding="utf-8")
    bad.write_text("中国\t40\n人民\tmany\n", encoding="utf-8")
    text.write_text("中国人民\n", encoding="utf-8")
    latin1.write_bytes("中国\n".encode("utf-8") + b"caf\xe9\n")
    messages = []
    for args in (["-l", str(tmp_path / "missing.tsv"), str(text)], ["-l", str(bad), str(text)],
                 ["-l", str(good), str(latin1)], ["-l", str(good), str(tmp_path / "missing.txt")],
                 ["-l", str(good), "-j", "-1", str(text)], ["-l", str(good), "--lexicon-format", "xml", str(text)]):
        plain = _segment(args, tmp_path, kernels=False)
        kernels = _segment(args, tmp_path, kernels=True)
        assert plain[0] == kernels[0] != 0, args
        assert plain[2] == kernels[2] and plain[2].startswith("minent: ") and "\n" not in plain[2], args
        assert plain[1] is None and kernels[1] is None  # no output file, whole or half
        assert not _numba(plain[3]), args
        messages.append(plain[2])
    assert messages[1] == f"minent: '{bad}' line 2: expected 'word<TAB>count' with a whole count >= 0, got '人民\\tmany'"
    assert messages[2].startswith(f"minent: '{latin1}' is not valid utf-8: bad byte at offset 10")


def test_segment_takes_the_kernels_where_the_plain_path_declines(tmp_path):
    """Entries of mixed scripts (T恤) and options the plain path leaves to the kernels."""
    mixed, text = tmp_path / "mixed.tsv", tmp_path / "text.txt"
    mixed.write_text(LEXICON + "T恤\t5\n", encoding="utf-8")
    text.write_text("穿T恤的中国人民\n", encoding="utf-8")
    good = tmp_path / "good.tsv"
    good.write_text(LEXICON, encoding="utf-8")
    for args in (["-l", str(mixed), str(text)], ["-l", str(good), "--mode", "search", str(text)],
                 ["-l", str(good), "--format", "jsonl", str(text)], ["-l", str(good), "--min-length", "2", str(text)]):
        code, plain, message, imported = _segment(["-q", *args], tmp_path, kernels=False)
        assert code == 0, message
        assert _numba(imported), args
        assert plain == _segment(["-q", *args], tmp_path, kernels=True)[1]
    assert "T恤" in _segment(["-q", "-l", str(mixed), str(text)], tmp_path, kernels=False)[1].decode("utf-8").split()
