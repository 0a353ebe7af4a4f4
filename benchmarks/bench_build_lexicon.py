"""Speed of `minent build-lexicon` against the plain-Python implementation of the same algorithm.

Both run as whole processes, on the same ~14 MB corpus (People's Daily 1998-01 with the
spaces removed + the four classic novels from ../shared), in the same run, after one
warm-up each; the outputs must be byte-identical (minent runs the same algorithm:
``--no-refine``). Prints wall time, MB/s, peak RSS and the ratio. It also times the default
``build-lexicon`` (with refinement) against the first pass, interleaved in the same run, and
prints that ratio (issue 5 asks at most 3x). With ``--scaling`` it also times both passes in
process (kernels loaded, corpus in the page cache: the work alone, no start-up) with one
thread and with two, best of ``--repeat``, and prints the speed-up of the second core (issue 16 asks
at least 1.7x on an idle machine). Usage:

    python benchmarks/bench_build_lexicon.py [--repeat 3] [--jobs 0] [--scaling] [--copies 1]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
REFERENCE = ROOT / "tests" / "lexicon" / "reference_lexicon.py"


def build_corpus(folder: Path) -> Path:
    """People's Daily (spaces removed) + four novels, as one UTF-8 file."""
    pd = SHARED / "cws" / "peoples_daily_199801_seg.utf8"
    novels = sorted((SHARED / "raw" / "classics").glob("*.txt"))
    if not pd.exists() or len(novels) != 4:
        sys.exit(f"benchmark skipped: {SHARED} is not available")
    corpus = folder / "corpus14.txt"
    with open(corpus, "w", encoding="utf-8") as out:
        out.write(pd.read_text(encoding="utf-8").replace(" ", ""))
        for novel in novels:
            out.write(novel.read_text(encoding="utf-8"))
    return corpus


def minent_executable() -> str:
    """The `minent` console script of this Python (the whole process a user runs)."""
    script = Path(sys.executable).parent / "minent"
    if not script.exists():
        found = shutil.which("minent")
        if found is None:
            sys.exit("benchmark needs minent installed: pip install .")
        return found
    return str(script)


def run(cmd: list[str]) -> tuple[float, int]:
    """Wall seconds and peak RSS (bytes) of one whole child process."""
    start = time.perf_counter()
    child = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    stderr = child.stderr.read().decode(errors="replace") if child.stderr else ""
    if status != 0:
        sys.exit(f"benchmark failed: {' '.join(cmd)}\n{stderr}")
    return seconds, usage.ru_maxrss * 1024


SCALING_CHILD = """
import sys, time
from pathlib import Path
import minent
path, jobs, refine, repeat = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3] == "1", int(sys.argv[4])
minent.LexiconBuilder(jobs=jobs, refine=refine).fit([path])  # warm-up: kernels loaded, page cache
best = float("inf")
for _ in range(repeat):
    started = time.perf_counter()
    minent.LexiconBuilder(jobs=jobs, refine=refine).fit([path])
    best = min(best, time.perf_counter() - started)
print(best)
"""


def scaling(corpus: Path, repeat: int) -> None:
    """Both passes in process with 1 and 2 threads, each in a child process of its own, one
    after the other; best of ``repeat`` after a warm-up (the best is the least disturbed)."""
    size_mb = corpus.stat().st_size / 1e6
    seconds = {}
    for refine in (False, True):
        for jobs in (1, 2):
            out = subprocess.run([sys.executable, "-c", SCALING_CHILD, str(corpus), str(jobs), str(int(refine)),
                                  str(repeat)], check=True, capture_output=True, text=True)
            seconds[refine, jobs] = float(out.stdout.split()[-1])
    print(f"scaling in process on {size_mb:.1f} MB, best of {repeat} (work only: kernels loaded, no start-up)")
    print(f"{'build':<26} {'-j 1 s':>8} {'-j 2 s':>8} {'-j 2 MB/s':>10} {'speed-up':>9}")
    for refine, name in ((False, "first pass (--no-refine)"), (True, "default (refine)")):
        one, two = seconds[refine, 1], seconds[refine, 2]
        print(f"{name:<26} {one:>8.2f} {two:>8.2f} {size_mb / two:>10.1f} {one / two:>8.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each side (default 3)")
    parser.add_argument("--jobs", type=int, default=0, help="minent --jobs (default 0: all cores)")
    parser.add_argument("--scaling", action="store_true", help="also time -j 1 against -j 2 in process")
    parser.add_argument("--copies", type=int, default=1, help="copies of the corpus for --scaling (default 1)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        corpus = build_corpus(folder)
        if args.scaling:
            scaled = folder / "scaling.txt"
            scaled.write_bytes(corpus.read_bytes() * max(1, args.copies))
            scaling(scaled, args.repeat)
        size_mb = corpus.stat().st_size / 1e6
        minent_out, ref_out = folder / "minent.tsv", folder / "reference.tsv"
        minent_cmd = [minent_executable(), "build-lexicon", "-q", "--no-refine", "--min-count", "5",
                      "--jobs", str(args.jobs), str(corpus), "-o", str(minent_out)]
        refine_cmd = [minent_executable(), "build-lexicon", "-q", "--refine", "--jobs", str(args.jobs),
                      str(corpus), "-o", str(folder / "refined.tsv")]
        ref_cmd = [sys.executable, str(REFERENCE), str(corpus), "--min-count", "5", "-o", str(ref_out)]
        run(minent_cmd)  # warm-up: compiled-kernel cache, page cache
        run(refine_cmd)
        small = folder / "small.txt"
        small.write_text(corpus.read_text(encoding="utf-8")[:200_000], encoding="utf-8")
        run([sys.executable, str(REFERENCE), str(small), "-o", str(folder / "small.tsv")])  # warm-up
        results = {"minent": [], "plain Python": [], "minent --refine": []}
        for _ in range(args.repeat):  # interleaved, so that machine noise hits both sides
            results["minent"].append(run(minent_cmd))
            results["plain Python"].append(run(ref_cmd))
            results["minent --refine"].append(run(refine_cmd))
        identical = minent_out.read_bytes() == ref_out.read_bytes()
    print(f"build-lexicon on {size_mb:.1f} MB (People's Daily + 4 novels), median of {args.repeat} whole-process runs")
    print(f"{'implementation':<16} {'seconds':>8} {'MB/s':>8} {'peak RSS':>10}")
    medians = {}
    for name, rows in results.items():
        seconds = statistics.median(r[0] for r in rows)
        rss = max(r[1] for r in rows)
        medians[name] = seconds
        print(f"{name:<16} {seconds:>8.2f} {size_mb / seconds:>8.1f} {rss / 2**20:>8.0f} MB")
    print(f"ratio (plain Python / minent first pass): {medians['plain Python'] / medians['minent']:.1f}x")
    print(f"ratio (minent --refine / minent first pass): {medians['minent --refine'] / medians['minent']:.2f}x")
    print(f"outputs identical: {identical}")
    if not identical:
        sys.exit(1)


if __name__ == "__main__":
    main()
