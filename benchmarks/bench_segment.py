"""Speed of `minent segment` against jieba (HMM off) with the same lexicon, whole process each.

The input is People's Daily 1998-01 with the spaces removed plus the four classic novels
from ../shared (14.4 MB of UTF-8). The lexicon is learned from that text by
``minent.build_lexicon`` and saved twice: as TSV for minent and in jieba's format as jieba's
main dictionary. Both run as child processes in the same run, interleaved, after one
warm-up each (Numba's and jieba's caches are then warm); the best of ``--repeat`` wall
times counts. Peak RSS of each child comes from GNU time (``/usr/bin/time -f %M``). The outputs must have the
same lines and, whitespace aside, the same characters; their word-level agreement is
printed too. Then both segmenters once more inside this process, start-up left out, and
the time to load jieba's 349,046-line dictionary into a Segmenter, and the in-process scaling
from one thread to two (issue 16).
Usage:

    python benchmarks/bench_segment.py [--repeat 5] [--jobs 0] [--copies 1]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
JIEBA_DICT = SHARED / "dict" / "jieba_dict.txt"

JIEBA_SCRIPT = """
import logging, sys
import jieba
jieba.setLogLevel(logging.WARNING)
tokenizer = jieba.Tokenizer(dictionary=sys.argv[1])
with open(sys.argv[2], encoding="utf-8") as src, open(sys.argv[3], "w", encoding="utf-8") as out:
    for line in src:
        out.write(" ".join(tokenizer.cut(line.rstrip("\\n"), HMM=False)) + "\\n")
"""


def build_input(folder: Path, copies: int = 1) -> Path:
    """People's Daily (spaces removed) + the four novels, as one UTF-8 file (``copies`` times)."""
    pd = SHARED / "cws" / "peoples_daily_199801_seg.utf8"
    novels = sorted((SHARED / "raw" / "classics").glob("*.txt"))
    if not pd.exists() or len(novels) != 4 or not JIEBA_DICT.exists():
        print(f"benchmark skipped: {SHARED} is not available (../shared is absent)")
        sys.exit(0)
    folder.mkdir(exist_ok=True)
    path = folder / "input.txt"
    text = pd.read_text(encoding="utf-8").replace(" ", "") + "".join(n.read_text(encoding="utf-8") for n in novels)
    with open(path, "w", encoding="utf-8") as out:
        for _ in range(copies):
            out.write(text)
    return path


def minent_executable() -> str:
    """The `minent` console script of this Python (the whole process a user runs)."""
    script = Path(sys.executable).parent / "minent"
    if script.exists():
        return str(script)
    found = shutil.which("minent")
    if found is None:
        sys.exit("benchmark needs minent installed: pip install -e .")
    return found


GNU_TIME = "/usr/bin/time"


def run(cmd: list[str], folder: Path) -> tuple[float, int]:
    """Wall seconds and peak RSS (bytes) of one whole child process.

    The RSS comes from GNU time's report on the command: a child's own ``ru_maxrss`` from
    ``wait4`` is no good here, because Linux carries over the peak of the forked copy of
    this (large) benchmark process. Without GNU time, the RSS is left out (0).
    """
    report = folder / "time.txt"
    timed = [GNU_TIME, "-f", "%M", "-o", str(report), *cmd] if os.access(GNU_TIME, os.X_OK) else cmd
    start = time.perf_counter()
    child = subprocess.run(timed, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    seconds = time.perf_counter() - start
    if child.returncode != 0:
        sys.exit(f"command failed ({child.returncode}): {' '.join(cmd)}\n{child.stderr.decode(errors='replace')}")
    peak = int(report.read_text().split()[-1]) * 1024 if timed is not cmd else 0
    return seconds, peak


def compare_outputs(minent_out: Path, jieba_out: Path) -> dict:
    """Same lines and characters (whitespace aside)? And how far the cuts agree."""
    from minent.segment.score import read_lines, score_segmentation

    mine, theirs = read_lines(minent_out), read_lines(jieba_out)
    if len(mine) != len(theirs):
        sys.exit(f"outputs differ in line count: minent {len(mine):,}, jieba {len(theirs):,}")
    # raises, saying where, if the characters of a line differ
    agreement = score_segmentation(theirs, mine, gold_name="jieba", pred_name="minent")
    identical = sum(a.split() == b.split() for a, b in zip(mine, theirs))
    return {"lines": len(mine), "agreement_f1": agreement.f1, "identical_lines": identical}


def dict_load_seconds(repeat: int) -> tuple[float, int]:
    """Best time to load jieba's dictionary into a Segmenter (kernels already compiled)."""
    import minent

    minent.Segmenter(JIEBA_DICT)  # loads the cached kernels
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        seg = minent.Segmenter(JIEBA_DICT)
        best = min(best, time.perf_counter() - start)
    return best, seg.n_words


def in_process_rates(text: Path, lex_tsv: Path, lex_jieba: Path, jobs: int) -> dict:
    """MB/s of the segmentation alone (start-up and dictionary loading left out), in this process."""
    import io
    import logging

    import jieba
    import minent

    size = text.stat().st_size
    seg = minent.Segmenter(lex_tsv, jobs=jobs)
    seg.segment_file(text, io.BytesIO())  # loads the kernels
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        seg.segment_file(text, io.BytesIO())
        best = min(best, time.perf_counter() - start)
    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer(dictionary=str(lex_jieba))
    tokenizer.initialize()
    out = io.StringIO()
    start = time.perf_counter()
    with open(text, encoding="utf-8") as src:
        for line in src:
            out.write(" ".join(tokenizer.cut(line.rstrip("\n"), HMM=False)) + "\n")
    jieba_seconds = time.perf_counter() - start
    return {"minent": size / 1e6 / best, "jieba": size / 1e6 / jieba_seconds}


def scaling(text: Path, lex_tsv: Path, rounds: int = 3) -> dict[int, float]:
    """MB/s of the segmentation alone in this process with 1 and 2 threads, interleaved
    (round 1 of each, round 2 of each, ...), best of ``rounds``: issue 16's scaling table."""
    import io

    import minent

    size = text.stat().st_size
    segmenters = {jobs: minent.Segmenter(lex_tsv, jobs=jobs) for jobs in (1, 2)}
    best = {jobs: float("inf") for jobs in segmenters}
    for seg in segmenters.values():
        seg.segment_file(text, io.BytesIO())  # loads the kernels
    for _ in range(rounds):
        for jobs, seg in segmenters.items():
            start = time.perf_counter()
            seg.segment_file(text, io.BytesIO())
            best[jobs] = min(best[jobs], time.perf_counter() - start)
    return {jobs: size / 1e6 / seconds for jobs, seconds in best.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of each (best counts)")
    parser.add_argument("--jobs", type=int, default=0, help="minent --jobs (0 = all cores)")
    parser.add_argument("--copies", type=int, default=1,
                        help="segment this many copies of the text (the lexicon is learned from one)")
    args = parser.parse_args()

    import minent

    with tempfile.TemporaryDirectory(prefix="minent-bench-segment-") as tmp:
        folder = Path(tmp)
        one = build_input(folder)
        start = time.perf_counter()
        lexicon = minent.build_lexicon([one])
        learn_seconds = time.perf_counter() - start
        text = one if args.copies == 1 else build_input(folder / "copies", args.copies)
        size = text.stat().st_size
        lex_tsv, lex_jieba = folder / "lexicon.tsv", folder / "lexicon.jieba.txt"
        lexicon.save(lex_tsv)
        lexicon.save(lex_jieba, format="jieba")
        minent_out, jieba_out = folder / "minent.out", folder / "jieba.out"
        commands = {
            "minent": [minent_executable(), "segment", "-q", "--jobs", str(args.jobs), "-l", str(lex_tsv),
                       str(text), "-o", str(minent_out)],
            "jieba": [sys.executable, "-c", JIEBA_SCRIPT, str(lex_jieba), str(text), str(jieba_out)],
        }
        for cmd in commands.values():  # warm-up: Numba's cache, jieba's dictionary cache
            run(cmd, folder)
        times: dict[str, list[float]] = {name: [] for name in commands}
        rss: dict[str, int] = {name: 0 for name in commands}
        for _ in range(args.repeat):
            for name, cmd in commands.items():
                seconds, peak = run(cmd, folder)
                times[name].append(seconds)
                rss[name] = max(rss[name], peak)
        check = compare_outputs(minent_out, jieba_out)
        load_seconds, n_dict_words = dict_load_seconds(3)
        rates = in_process_rates(text, lex_tsv, lex_jieba, args.jobs)
        scaled = scaling(text, lex_tsv)

    best = {name: min(ts) for name, ts in times.items()}
    copies = f"{args.copies} copies of " if args.copies > 1 else ""
    print(f"input: {size / 1e6:.1f} MB ({copies}People's Daily 1998-01 without spaces + 4 novels), "
          f"{check['lines']:,} lines; lexicon: {len(lexicon):,} words learned in {learn_seconds:.1f} s")
    print(f"{'':8s} {'best s':>8s} {'MB/s':>8s} {'peak RSS':>10s}   all runs (s)")
    for name in commands:
        runs = " ".join(f"{t:.2f}" for t in times[name])
        print(f"{name:8s} {best[name]:8.2f} {size / 1e6 / best[name]:8.2f} {rss[name] / 2**20:7.0f} MiB   {runs}")
    print(f"minent is {best['jieba'] / best['minent']:.1f}x faster than jieba (whole process, best of "
          f"{args.repeat}, same run, {os.cpu_count()} cores)")
    print(f"outputs agree: same {check['lines']:,} lines and characters; word agreement F1 "
          f"{check['agreement_f1']:.4f}, identical lines {check['identical_lines'] / check['lines']:.1%}")
    print(f"segmentation alone, in process (no start-up, no dictionary loading): minent {rates['minent']:.1f} MB/s, "
          f"jieba {rates['jieba']:.2f} MB/s: {rates['minent'] / rates['jieba']:.0f}x")
    print(f"scaling, in process, best of 3 interleaved: -j 1 {scaled[1]:.1f} MB/s, -j 2 {scaled[2]:.1f} MB/s: "
          f"{scaled[2] / scaled[1]:.2f}x (issue 16: >= 1.7x and >= 100 MB/s with 2 threads; {os.cpu_count()} cores, "
          f"load average {os.getloadavg()[0]:.1f})")
    print(f"Segmenter(jieba_dict.txt): {n_dict_words:,} words loaded in {load_seconds * 1000:.0f} ms")
    print(f"reproduce: python benchmarks/bench_segment.py --repeat {args.repeat} --jobs {args.jobs} --copies {args.copies}")


if __name__ == "__main__":
    main()
