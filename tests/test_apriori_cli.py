"""`minent apriori` through Typer's test runner: formats, outputs and every bad input."""

from __future__ import annotations

import csv
import io
import random

import pytest
from typer.testing import CliRunner

import reference_apriori as ref
from minent.cli import app

runner = CliRunner()


def invoke(*args, input=None):
    return runner.invoke(app, list(map(str, args)), input=input)


def random_baskets(seed, n=60, m=7, density=0.5):
    rng = random.Random(seed)
    names = ["milk", "bread", "cream cheese", "eggs, large", "tea", "jam", "salt"][:m]
    return [[x for x in names if rng.random() < density] or [names[0]] for _ in range(n)]


def write_csv(path, baskets):
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(baskets)
    path.write_text(buf.getvalue(), encoding="utf-8")


def read_tsv(path_or_text, is_text=False):
    text = path_or_text if is_text else path_or_text.read_text(encoding="utf-8")
    lines = text.splitlines()
    return lines[0].split("\t"), [line.split("\t") for line in lines[1:]]


def parse_set(cell, sep=" | "):
    return frozenset(cell.split(sep))


def test_csv_rules_and_itemsets_match_brute_force(tmp_path):
    baskets = random_baskets(1)
    src = tmp_path / "baskets.csv"
    write_csv(src, baskets)
    rules_out, sets_out = tmp_path / "rules.tsv", tmp_path / "sets.tsv"
    result = invoke("apriori", src, "--min-support", "0.2", "--min-confidence", "0.6", "-o", rules_out,
                    "--itemsets", sets_out, "-q")
    assert result.exit_code == 0, result.output
    want_sets = ref.brute_force_itemsets(baskets, 12)
    header, rows = read_tsv(sets_out)
    assert header == ["itemset", "size", "count", "support"]
    assert {parse_set(r[0]): int(r[2]) for r in rows} == want_sets
    assert all(int(r[1]) == len(parse_set(r[0])) and float(r[3]) == pytest.approx(int(r[2]) / 60, rel=1e-5)
               for r in rows)
    want_rules = ref.brute_force_rules(want_sets, len(baskets), 0.6)
    header, rows = read_tsv(rules_out)
    assert header == ["antecedent", "consequent", "count", "support", "confidence", "lift", "leverage",
                      "conviction"]
    got = {(parse_set(r[0]), parse_set(r[1])): r for r in rows}
    assert got.keys() == want_rules.keys() and len(rows) == len(want_rules)
    for key, (count, sup, conf, lift, lev, conv) in want_rules.items():
        r = got[key]
        assert int(r[2]) == count
        assert [float(x) for x in r[3:8]] == pytest.approx([sup, conf, lift, lev, conv], rel=1e-5, abs=1e-6)
    order = [(float(r[5]), float(r[4])) for r in rows]
    assert order == sorted(order, reverse=True)
    assert result.stdout == ""


def test_fimi_stdin_long_format_and_summary(tmp_path):
    baskets = [["1", "2", "3"], ["1", "2"], ["2", "3", "3"], ["1", "2", "3"]]
    fimi = "\n".join(" ".join(b) for b in baskets) + "\n"
    long = "basket_id,item\n" + "".join(f"b{i},{x}\n" for i, b in enumerate(baskets) for x in b)
    outs = []
    for fmt, text in [("fimi", fimi), ("long", long)]:
        result = invoke("apriori", "-", "--format", fmt, "--min-count", "2", "-c", "0.5", input=text)
        assert result.exit_code == 0, result.output
        outs.append(result.stdout)
        assert "level" in result.stderr and "rules" in result.stderr
    assert outs[0] == outs[1]
    _, rows = read_tsv(outs[0], is_text=True)
    want = ref.brute_force_rules(ref.brute_force_itemsets(baskets, 2), 4, 0.5)
    assert {(parse_set(r[0]), parse_set(r[1])) for r in rows} == want.keys()


def test_format_from_extension_quotes_and_top(tmp_path):
    src = tmp_path / "b.dat"
    src.write_text("a b\na b c\nb c\n", encoding="utf-8")
    result = invoke("apriori", src, "--min-count", "1", "-c", "0", "--top", "2", "--sort", "support", "-q")
    assert result.exit_code == 0, result.output
    _, rows = read_tsv(result.stdout, is_text=True)
    assert len(rows) == 2 and [float(r[3]) for r in rows] == pytest.approx([2 / 3, 2 / 3], rel=1e-5)
    quoted = tmp_path / "q.csv"
    quoted.write_text('"x, y",z\n"x, y",z\n', encoding="utf-8")
    result = invoke("apriori", quoted, "-s", "1", "-c", "1", "--item-separator", ";", "-q")
    assert result.exit_code == 0, result.output
    _, rows = read_tsv(result.stdout, is_text=True)
    assert sorted((r[0], r[1]) for r in rows) == [("x, y", "z"), ("z", "x, y")]


def test_max_len_one_gives_no_rules(tmp_path):
    src = tmp_path / "b.csv"
    write_csv(src, random_baskets(2))
    sets_out = tmp_path / "sets.tsv"
    result = invoke("apriori", src, "-s", "0.1", "-k", "1", "--itemsets", sets_out, "-q")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1:] == []
    _, rows = read_tsv(sets_out)
    assert rows and all(r[1] == "1" for r in rows)


def test_help_names_every_option_with_its_default():
    result = invoke("apriori", "--help")
    assert result.exit_code == 0
    for option in ["--min-support", "--min-count", "--min-confidence", "--max-len", "--output", "--itemsets",
                   "--format", "--sort", "--top", "--item-separator", "--jobs", "--quiet"]:
        assert option in result.stdout
    assert "0.01" in result.stdout and "0.8" in result.stdout


BAD_FILES = [
    (b"", "is empty"),
    (b"\n\n  \n", "no items"),
    (b"a,b\nc,\"d\"e\n", "line 2: malformed CSV"),
    (b"a,b\n\"open\nc,d\n", "line 2: malformed CSV"),
    (b"a,b\n\xff\xfe,c\n", "not valid UTF-8: bad byte on line 2"),
]


@pytest.mark.parametrize("content,message", BAD_FILES)
def test_bad_files_give_one_line_errors_and_no_output(tmp_path, content, message):
    src = tmp_path / "bad.csv"
    src.write_bytes(content)
    out = tmp_path / "rules.tsv"
    sets_out = tmp_path / "sets.tsv"
    result = invoke("apriori", src, "-o", out, "--itemsets", sets_out)
    assert result.exit_code == 2
    assert message in result.stderr and result.stderr.count("\n") == 1
    assert result.stderr.startswith("minent: ") and "Traceback" not in result.output
    assert not out.exists() and not sets_out.exists() and list(tmp_path.iterdir()) == [src]


@pytest.mark.parametrize("args,message", [
    (["--min-support", "0"], "(0, 1]"),
    (["--min-support", "1.01"], "(0, 1]"),
    (["--min-count", "0"], "at least 1"),
    (["--min-confidence", "1.5"], "[0, 1]"),
    (["--min-confidence", "-0.5"], "[0, 1]"),
    (["--format", "xml"], "--format"),
    (["--sort", "size"], "--sort"),
    (["--max-len", "0"], "--max-len"),
    (["--min-support", "0.5", "--min-count", "2"], "not both"),
    (["--jobs", "-1"], "--jobs"),
    (["--item-separator", "\t"], "tab"),
])
def test_bad_options_give_one_line_errors(tmp_path, args, message):
    src = tmp_path / "b.csv"
    src.write_text("a,b\nb,c\n", encoding="utf-8")
    out = tmp_path / "rules.tsv"
    result = invoke("apriori", src, "-o", out, *args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr and result.stderr.count("\n") == 1
    assert not out.exists()


def test_long_format_with_a_bad_line_names_it(tmp_path):
    src = tmp_path / "l.csv"
    src.write_text("b1,x\nb1,y\nb2\n", encoding="utf-8")
    result = invoke("apriori", src, "--format", "long")
    assert result.exit_code == 2 and "line 3" in result.stderr


def test_missing_file(tmp_path):
    result = invoke("apriori", tmp_path / "nope.csv")
    assert result.exit_code == 2 and "no such file" in result.stderr


def test_jobs_one_gives_the_same_output(tmp_path):
    src = tmp_path / "b.csv"
    write_csv(src, random_baskets(4, n=120))
    outputs = [invoke("apriori", src, "-s", "0.1", "-c", "0.3", "-q", "-j", j).stdout for j in (1, 0)]
    assert outputs[0] == outputs[1] and len(outputs[0].splitlines()) > 5
