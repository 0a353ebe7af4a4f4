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

    python benchmarks/bench_segment.py [--repeat 5] [--jobs 0] [--copies 1] [--no-jieba]

rjieba (jieba-rs, jieba's algorithm in Rust, in the ``bench`` extra) runs the same way when
installed, with the same lexicon (an empty dictionary plus each word and count): issue 16
asks minent >= 2.5x rjieba whole process on 57 MB (``--copies 4``).
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


# rjieba (jieba-rs, Rust, through its Python binding) with the same lexicon: an empty dictionary
# and every word of the jieba-format file added with its count
RJIEBA_SCRIPT = """
import sys
import rjieba
tokenizer = rjieba.Jieba.empty()
with open(sys.argv[1], encoding="utf-8") as lexicon:
    for entry in lexicon:
        word, count = entry.split()[:2]
        tokenizer.add_word(word, max(1, round(float(count))), None)
with open(sys.argv[2], encoding="utf-8") as src, open(sys.argv[3], "w", encoding="utf-8") as out:
    for line in src:
        out.write(" ".join(tokenizer.cut(line.rstrip("\\n"), False)) + "\\n")
"""


def have_rjieba() -> bool:
    try:
        import rjieba  # noqa: F401
    except ImportError:
        return False
    return True


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


def compare_outputs(minent_out: Path, jieba_out: Path, peer: str = "jieba") -> dict:
    """Same lines and characters (whitespace aside)? And how far the cuts agree."""
    from minent.segment.score import read_lines, score_segmentation

    mine, theirs = read_lines(minent_out), read_lines(jieba_out)
    if len(mine) != len(theirs):
        sys.exit(f"outputs differ in line count: minent {len(mine):,}, {peer} {len(theirs):,}")
    # raises, saying where, if the characters of a line differ
    agreement = score_segmentation(theirs, mine, gold_name=peer, pred_name="minent")
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


def in_process_rates(text: Path, lex_tsv: Path, lex_jieba: Path, jobs: int, with_jieba: bool = True) -> dict:
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
    rates = {"minent": size / 1e6 / best}
    if with_jieba:
        jieba.setLogLevel(logging.WARNING)
        tokenizer = jieba.Tokenizer(dictionary=str(lex_jieba))
        tokenizer.initialize()
        out = io.StringIO()
        start = time.perf_counter()
        with open(text, encoding="utf-8") as src:
            for line in src:
                out.write(" ".join(tokenizer.cut(line.rstrip("\n"), HMM=False)) + "\n")
        rates["jieba"] = size / 1e6 / (time.perf_counter() - start)
    if have_rjieba():
        import rjieba

        fast = rjieba.Jieba.empty()
        with open(lex_jieba, encoding="utf-8") as lexicon:
            for entry in lexicon:
                word, count = entry.split()[:2]
                fast.add_word(word, max(1, round(float(count))), None)
        with open(text, encoding="utf-8") as src:
            lines = src.readlines()
        best_rjieba = float("inf")
        for _ in range(2):
            out = io.StringIO()
            start = time.perf_counter()
            for line in lines:
                out.write(" ".join(fast.cut(line.rstrip("\n"), False)) + "\n")
            best_rjieba = min(best_rjieba, time.perf_counter() - start)
        rates["rjieba"] = size / 1e6 / best_rjieba
    return rates


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
    parser.add_argument("--no-jieba", action="store_true",
                        help="leave out jieba's whole-process runs (about 9 s per 14 MB each)")
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
        minent_out, jieba_out, rjieba_out = folder / "minent.out", folder / "jieba.out", folder / "rjieba.out"
        commands = {
            "minent": [minent_executable(), "segment", "-q", "--jobs", str(args.jobs), "-l", str(lex_tsv),
                       str(text), "-o", str(minent_out)],
            "jieba": [sys.executable, "-c", JIEBA_SCRIPT, str(lex_jieba), str(text), str(jieba_out)],
        }
        if args.no_jieba:
            del commands["jieba"]
        if have_rjieba():
            commands["rjieba"] = [sys.executable, "-c", RJIEBA_SCRIPT, str(lex_jieba), str(text), str(rjieba_out)]
        else:
            print("rjieba is not installed (pip install rjieba, or the bench extra): left out")
        for cmd in commands.values():  # warm-up: Numba's cache, jieba's dictionary cache
            run(cmd, folder)
        times: dict[str, list[float]] = {name: [] for name in commands}
        rss: dict[str, int] = {name: 0 for name in commands}
        for _ in range(args.repeat):
            for name, cmd in commands.items():
                seconds, peak = run(cmd, folder)
                times[name].append(seconds)
                rss[name] = max(rss[name], peak)
        checks = {peer: compare_outputs(minent_out, out, peer)
                  for peer, out in (("jieba", jieba_out), ("rjieba", rjieba_out)) if peer in commands}
        load_seconds, n_dict_words = dict_load_seconds(3)
        rates = in_process_rates(text, lex_tsv, lex_jieba, args.jobs, not args.no_jieba)
        scaled = scaling(text, lex_tsv)

    best = {name: min(ts) for name, ts in times.items()}
    copies = f"{args.copies} copies of " if args.copies > 1 else ""
    lines = next(iter(checks.values()))["lines"] if checks else 0
    print(f"input: {size / 1e6:.1f} MB ({copies}People's Daily 1998-01 without spaces + 4 novels), "
          f"{lines:,} lines; lexicon: {len(lexicon):,} words learned in {learn_seconds:.1f} s")
    print(f"{'':8s} {'best s':>8s} {'MB/s':>8s} {'peak RSS':>10s}   all runs (s)")
    for name in commands:
        runs = " ".join(f"{t:.2f}" for t in times[name])
        print(f"{name:8s} {best[name]:8.2f} {size / 1e6 / best[name]:8.2f} {rss[name] / 2**20:7.0f} MiB   {runs}")
    for peer, check in checks.items():
        print(f"minent is {best[peer] / best['minent']:.2f}x faster than {peer} (whole process, best of "
              f"{args.repeat}, same run, {os.cpu_count()} cores)")
        print(f"  outputs agree: same {check['lines']:,} lines and characters; word agreement F1 "
              f"{check['agreement_f1']:.4f}, identical lines {check['identical_lines'] / check['lines']:.1%}")
    peers = ", ".join(f"{peer} {rates[peer]:.2f} MB/s: {rates['minent'] / rates[peer]:.1f}x"
                      for peer in ("jieba", "rjieba") if peer in rates)
    print(f"segmentation alone, in process (no start-up, no dictionary loading): minent {rates['minent']:.1f} MB/s; "
          f"{peers}")
    print(f"scaling, in process, best of 3 interleaved: -j 1 {scaled[1]:.1f} MB/s, -j 2 {scaled[2]:.1f} MB/s: "
          f"{scaled[2] / scaled[1]:.2f}x (issue 16: >= 1.7x and >= 100 MB/s with 2 threads; {os.cpu_count()} cores, "
          f"load average {os.getloadavg()[0]:.1f})")
    print(f"Segmenter(jieba_dict.txt): {n_dict_words:,} words loaded in {load_seconds * 1000:.0f} ms")
    print(f"reproduce: python benchmarks/bench_segment.py --repeat {args.repeat} --jobs {args.jobs} --copies {args.copies}"
          + (" --no-jieba" if args.no_jieba else ""))


if __name__ == "__main__":
    main()
