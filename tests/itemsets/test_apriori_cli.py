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
    (["--min-count", "0"], "between 1 and"),
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


# ---------------------------------------------------------------------------------------
# issue 10: header lines, the no-rules hint, numeric ranges, byte-order marks (real process)


def run_minent(*args, input=None):
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", "minent", *map(str, args)], input=input,
                          capture_output=True, text=True, timeout=120)


GROCERY_ROWS = ["milk,bread", "milk,eggs", "bread,eggs,milk", "bread,jam", "milk,bread", "eggs,jam"]


def itemset_names(path):
    _, rows = read_tsv(path)
    return {item for r in rows for item in r[0].split(" | ")}


def test_a_csv_header_is_detected_noted_and_can_be_kept(tmp_path):
    src = tmp_path / "b.csv"
    src.write_text("item_1,item_2,item_3\n" + "\n".join(GROCERY_ROWS) + "\n", encoding="utf-8")
    sets_out = tmp_path / "sets.tsv"
    result = run_minent("apriori", src, "--min-count", "1", "--itemsets", sets_out, "-o", tmp_path / "r.tsv")
    assert result.returncode == 0, result.stderr
    note = [line for line in result.stderr.splitlines() if "header" in line]
    assert note == [f"minent: treating the first line of '{src}' as a header ('item_1,item_2,item_3': labels "
                    "that are no item elsewhere); use --no-header to keep it as a basket"]
    assert itemset_names(sets_out) == {"milk", "bread", "eggs", "jam"}
    result = run_minent("apriori", src, "--min-count", "1", "--no-header", "--itemsets", sets_out, "-q")
    assert result.returncode == 0 and result.stderr == ""
    assert {"item_1", "item_2", "item_3"} <= itemset_names(sets_out)


@pytest.mark.parametrize("first", [
    "milk,bread",  # its items recur: a basket
    "7,9",  # numbers are item ids, not labels
    "tea",  # one field
])
def test_a_first_basket_is_not_taken_for_a_header(tmp_path, first):
    src = tmp_path / "b.csv"
    src.write_text(first + "\n" + "\n".join(GROCERY_ROWS) + "\n", encoding="utf-8")
    sets_out = tmp_path / "sets.tsv"
    result = run_minent("apriori", src, "--min-count", "1", "--itemsets", sets_out, "-o", tmp_path / "r.tsv")
    assert result.returncode == 0 and "header" not in result.stderr
    assert set(first.split(",")) <= itemset_names(sets_out)


def test_one_off_items_keep_their_first_line():
    """In a file of mostly one-off items an unseen first line is no evidence of a header."""
    from minent.itemsets.baskets import parse_baskets

    text = "a,b\nc,d\ne,f\ng,h\nc,x\n"
    assert parse_baskets(text, "csv")[0] == ["a", "b"]
    assert parse_baskets(text, "csv", header=True)[0] == ["c", "d"]


def test_long_format_header_detected_and_forced(tmp_path):
    src = tmp_path / "l.csv"
    src.write_text("order_id,product\n1,milk\n1,bread\n2,milk\n2,eggs\n3,milk\n3,bread\n", encoding="utf-8")
    sets_out = tmp_path / "sets.tsv"
    result = run_minent("apriori", src, "-f", "long", "--min-count", "1", "--itemsets", sets_out, "-q")
    assert result.returncode == 0, result.stderr
    assert itemset_names(sets_out) == {"milk", "bread", "eggs"}
    result = run_minent("apriori", src, "-f", "long", "--min-count", "1", "--no-header", "--itemsets", sets_out,
                        "-q")
    assert result.returncode == 0 and "product" in itemset_names(sets_out)


def test_fimi_files_have_no_header_unless_told(tmp_path):
    src = tmp_path / "b.dat"
    src.write_text("id name\n1 2\n1 3\n1 2\n2 3\n", encoding="utf-8")
    sets_out = tmp_path / "sets.tsv"
    result = run_minent("apriori", src, "--min-count", "1", "--itemsets", sets_out, "-q")
    assert result.returncode == 0 and {"id", "name"} <= itemset_names(sets_out)
    result = run_minent("apriori", src, "--min-count", "1", "--header", "--itemsets", sets_out, "-q")
    assert result.returncode == 0 and itemset_names(sets_out) == {"1", "2", "3"}


def test_no_rule_passing_the_confidence_is_explained(tmp_path):
    src = tmp_path / "b.csv"
    src.write_text("\n".join(GROCERY_ROWS) + "\n", encoding="utf-8")
    out = tmp_path / "r.tsv"
    result = run_minent("apriori", src, "--min-count", "2", "-c", "0.9", "-o", out)
    assert result.returncode == 0, result.stderr
    assert out.read_text(encoding="utf-8") == "\t".join(
        ["antecedent", "consequent", "count", "support", "confidence", "lift", "leverage", "conviction"]) + "\n"
    # best rule: bread => milk, 3 of the 4 bread baskets
    assert "minent: no rule reaches --min-confidence 0.9 (the highest confidence seen is 0.75); lower it with -c" \
        in result.stderr.splitlines()
    result = run_minent("apriori", src, "--min-count", "5", "-o", out)
    assert result.returncode == 0 and "no itemset of 2 or more items reaches the minimum support" in result.stderr


@pytest.mark.parametrize("args", [
    ["--min-count", "18446744073709551616"],  # past int64: was a Numba TypingError traceback
    ["--max-len", "99999999999999999999"],
    ["--top", "99999999999999999999"],
    ["--min-support", "nan"],
    ["--min-support", "inf"],
    ["--min-confidence", "nan"],
    ["--min-confidence", "inf"],
])
def test_numeric_options_out_of_range_are_one_line_errors(tmp_path, args):
    src = tmp_path / "b.csv"
    src.write_text("a,b\nb,c\n", encoding="utf-8")
    out = tmp_path / "rules.tsv"
    result = run_minent("apriori", src, "-o", out, *args)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith(f"minent: {args[0]} ") and result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr and not out.exists()


def test_library_rejects_counts_past_int64():
    import minent

    with pytest.raises(minent.MinentError, match="minimum count"):
        minent.apriori([["a", "b"]], min_count=2**64)
    with pytest.raises(minent.MinentError, match="maximum itemset length"):
        minent.apriori([["a", "b"]], min_count=1, max_len=2**64)


@pytest.mark.parametrize("fmt,text", [
    ("csv", "milk,bread\nmilk,eggs\n"),
    ("fimi", "milk bread\nmilk eggs\n"),
    ("long", "1,milk\n1,bread\n2,milk\n2,eggs\n"),
])
@pytest.mark.parametrize("stdin", [False, True])
def test_a_byte_order_mark_is_not_part_of_the_first_item(tmp_path, fmt, text, stdin):
    data = "\ufeff" + text
    sets_out = tmp_path / "sets.tsv"
    if stdin:
        result = run_minent("apriori", "-", "-f", fmt, "--min-count", "1", "--itemsets", sets_out, "-q",
                            "-o", tmp_path / "r.tsv", input=data)
    else:
        src = tmp_path / f"b.{fmt}"
        src.write_text(data, encoding="utf-8")
        result = run_minent("apriori", src, "-f", fmt, "--min-count", "1", "--itemsets", sets_out, "-q",
                            "-o", tmp_path / "r.tsv")
    assert result.returncode == 0, result.stderr
    assert itemset_names(sets_out) == {"milk", "bread", "eggs"}


# ---------------------------------------------------------------------------------------
# small files run without Numba (issue 17), the same rules as the kernels give

def run_with_importtime(args, prelude: str = "pass"):
    """The real ``minent`` process with ``-X importtime``; ``prelude``: Python run before the CLI
    (to force a path). Returns (completed process, names of the modules it imported)."""
    import subprocess
    import sys

    code = f"import sys; {prelude}; from minent.cli import main; sys.argv = ['minent', *sys.argv[1:]]; main()"
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", code, *map(str, args)],
                          capture_output=True, text=True, encoding="utf-8")
    imported = {line.split("|")[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")}
    return done, imported


def loads_numba(imported) -> bool:
    return any(name == "numba" or name.startswith("numba.") for name in imported)


def test_a_small_file_is_mined_without_numba_and_as_the_kernels_mine_it(tmp_path):
    baskets = random_baskets(11, n=400, m=7, density=0.45)
    write_csv(tmp_path / "b.csv", baskets)
    args = ["apriori", "-q", tmp_path / "b.csv", "-s", "0.05", "-c", "0.2", "--target", "closed",
            "--itemsets", tmp_path / "sets.tsv"]
    done, imported = run_with_importtime([*args, "-o", tmp_path / "plain.tsv"])
    assert done.returncode == 0, done.stderr[-2000:]
    assert not loads_numba(imported)
    done, imported = run_with_importtime([*args, "-o", tmp_path / "kernels.tsv"],
                                "import minent.itemsets.mining as m; m.COUNTING = 'kernels'")
    assert done.returncode == 0, done.stderr[-2000:]
    assert loads_numba(imported)
    plain_rules = (tmp_path / "plain.tsv").read_text(encoding="utf-8")
    assert plain_rules == (tmp_path / "kernels.tsv").read_text(encoding="utf-8")
    assert len(plain_rules.splitlines()) > 10


def test_data_too_dense_for_the_plain_path_loads_the_kernels_midway(tmp_path):
    """Over budget at level 2: Numba starts then (as at the start of a large run), same rules."""
    write_csv(tmp_path / "b.csv", random_baskets(12, n=300, m=7, density=0.7))
    args = ["apriori", tmp_path / "b.csv", "-s", "0.1", "-c", "0.5"]
    done, imported = run_with_importtime([*args, "-o", tmp_path / "midway.tsv"],
                                "import minent.itemsets.plain as p; p.pairs_cost = lambda m, n: 1e9")
    assert done.returncode == 0, done.stderr[-2000:]
    assert loads_numba(imported) and "numba.np.arraymath" in imported  # started by the CLI, as for large runs
    done, _ = run_with_importtime([*args, "-o", tmp_path / "plain.tsv"])
    assert done.returncode == 0, done.stderr[-2000:]
    assert (tmp_path / "midway.tsv").read_text(encoding="utf-8") == (tmp_path / "plain.tsv").read_text(encoding="utf-8")


def test_too_many_rules_is_a_one_line_error_and_no_file(tmp_path):
    write_csv(tmp_path / "b.csv", random_baskets(13, n=300, m=7, density=0.8))
    done, _ = run_with_importtime(["apriori", tmp_path / "b.csv", "-s", "0.1", "-c", "0.3", "-o", tmp_path / "r.tsv"],
                                  "import minent.itemsets.rules as r; r.MAX_RULES = 10")
    assert done.returncode == 2
    messages = [line for line in done.stderr.splitlines() if not line.startswith("import time:")]
    assert messages == [next(m for m in messages if m.startswith("minent: the rules would need more than"))]
    assert "raise the minimum confidence or support" in messages[0]
    assert not (tmp_path / "r.tsv").exists()
