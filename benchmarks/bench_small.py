"""Small jobs, whole process: what a user waits for on a small input (issue 17).

Every command runs as its own process, interleaved with its peer in the same run, median of
``--repeat`` runs after one warm-up each (so the kernels are in Numba's cache, as they are
after the first run of an install):

- ``minent apriori groceries.csv -s 0.01 -c 0.3 -o r.tsv`` (9,835 baskets, rules) against a
  20-line script calling pyfim's ``fpgrowth(target='r')`` and writing the same rules (goal:
  at most 3x the script);
- ``minent segment`` of a one-line file, ``minent build-lexicon`` of 100 KB of text,
  ``minent score`` of two small files, ``minent apriori`` with nothing to mine (support
  0.5): each against ``python -c pass`` for the interpreter's own start (goal: each at most
  0.35 s).

Usage: ``python benchmarks/bench_small.py [--repeat 10]``. Needs ``../shared/data/fim`` for
groceries; pyfim (the ``bench`` or ``test`` extra) for the peer script.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GROCERIES = ROOT.parent / "shared" / "data" / "fim" / "groceries.csv"
NOVEL = ROOT / "data" / "xiyouji.txt"

PYFIM_SCRIPT = '''
import csv, sys
from fim import fpgrowth
with open(sys.argv[1], encoding="utf-8") as f:
    baskets = [row for row in csv.reader(f) if row]
n = len(baskets)
rules = fpgrowth(baskets, target="r", supp=1, conf=30, report="aCl")  # supp 1 % (of the body), conf 30 %
with open(sys.argv[2], "w", encoding="utf-8") as out:
    out.write("antecedent\\tconsequent\\tcount\\tsupport\\tconfidence\\tlift\\n")
    for head, body, count, conf, lift in rules:
        if body and count >= 0.01 * n:  # as minent: the whole rule's itemset frequent
            out.write(f"{' | '.join(body)}\\t{head}\\t{count}\\t{count / n}\\t{conf}\\t{lift}\\n")
'''


SMALL_GOAL = 0.35  # seconds, whole process (issue 17)


def timed(command: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one run of ``command``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, max(peak, before) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    minent = [sys.executable, "-m", "minent"]
    with tempfile.TemporaryDirectory(prefix="minent-small-") as folder:
        tmp = Path(folder)
        text = NOVEL.read_text(encoding="utf-8")
        (tmp / "one_line.txt").write_text(text.splitlines()[10] + "\n", encoding="utf-8")
        small = text[: 100_000 // 3]  # about 100 KB of UTF-8
        (tmp / "small.txt").write_text(small, encoding="utf-8")
        subprocess.run(minent + ["build-lexicon", "-q", str(NOVEL), "-o", str(tmp / "lexicon.tsv")], check=True)
        (tmp / "gold.txt").write_text("中国 人民 站 起来 了\n我们 是 朋友\n", encoding="utf-8")
        (tmp / "pred.txt").write_text("中国 人民 站起来 了\n我们 是 朋友\n", encoding="utf-8")
        (tmp / "fim_rules.py").write_text(PYFIM_SCRIPT, encoding="utf-8")
        cases = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "segment, one line": minent + ["segment", "-q", "-l", str(tmp / "lexicon.tsv"), str(tmp / "one_line.txt"),
                                           "-o", str(tmp / "seg.txt")],
            "build-lexicon, 100 KB": minent + ["build-lexicon", "-q", str(tmp / "small.txt"), "-o", str(tmp / "l.tsv")],
            "score, two small files": minent + ["score", str(tmp / "gold.txt"), str(tmp / "pred.txt")],
        }
        if GROCERIES.exists():
            cases["apriori groceries, nothing to mine (s 0.5)"] = minent + [
                "apriori", "-q", str(GROCERIES), "-s", "0.5", "-o", str(tmp / "none.tsv")]
            cases["apriori groceries -s 0.01 -c 0.3"] = minent + [
                "apriori", "-q", str(GROCERIES), "-s", "0.01", "-c", "0.3", "-o", str(tmp / "r.tsv")]
            import importlib.util

            if importlib.util.find_spec("fim") is not None:
                cases["pyfim fpgrowth script, same rules"] = [sys.executable, str(tmp / "fim_rules.py"),
                                                              str(GROCERIES), str(tmp / "r_fim.tsv")]
            else:
                print("pyfim is not installed: the peer script is left out")
        times: dict = {name: [] for name in cases}
        for name, command in cases.items():  # warm-up: caches filled, files in the page cache
            timed(command)
        for _ in range(args.repeat):
            for name, command in cases.items():
                seconds, _ = timed(command)
                times[name].append(seconds)
        print(f"whole process, median of {args.repeat} (interleaved, after one warm-up each):")
        for name in cases:
            median = statistics.median(times[name])
            goal = "" if name in ("python -c pass", "pyfim fpgrowth script, same rules",
                                  "apriori groceries -s 0.01 -c 0.3") else (
                f"  goal <= {SMALL_GOAL} s: {'met' if median <= SMALL_GOAL else 'NOT met'}")
            print(f"  {name:45s} {median:6.3f} s{goal}")
        if "pyfim fpgrowth script, same rules" in times:
            ours = statistics.median(times["apriori groceries -s 0.01 -c 0.3"])
            theirs = statistics.median(times["pyfim fpgrowth script, same rules"])
            n_ours = (tmp / "r.tsv").read_text(encoding="utf-8").count("\n") - 1
            n_theirs = (tmp / "r_fim.tsv").read_text(encoding="utf-8").count("\n") - 1
            print(f"apriori with rules / pyfim script: {ours / theirs:.1f}x (goal <= 3x); rules {n_ours} and {n_theirs}")


if __name__ == "__main__":
    main()
