"""Speed of `minent build-lexicon` against the plain-Python implementation of the same algorithm.

Both run as whole processes, on the same ~14 MB corpus (People's Daily 1998-01 with the
spaces removed + the four classic novels from ../shared), in the same run, after one
warm-up each; the outputs must be byte-identical (minent runs the same algorithm:
``--no-refine``). Prints wall time, MB/s, peak RSS and the ratio. It also times the default
``build-lexicon`` (with refinement) against the first pass, interleaved in the same run, and
prints that ratio (issue 5 asks at most 3x). Usage:

    python benchmarks/bench_build_lexicon.py [--repeat 3] [--jobs 0]
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each side (default 3)")
    parser.add_argument("--jobs", type=int, default=0, help="minent --jobs (default 0: all cores)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        corpus = build_corpus(folder)
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
