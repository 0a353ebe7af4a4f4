"""How `minent build-lexicon` and `minent segment` grow from 10 MB to 100 MB to 1 GB.

Two kinds of corpora (``--text``):

* ``distinct`` (the default): text sampled from models of the shared raw text
  (`distinct_corpus.py`: a word bigram model of the words minent finds in it, plus made-up
  words drawn by a Zipf law), so the vocabulary and the distinct n-grams keep growing with
  the input, as a real corpus's do. At 19 MB it has as many distinct n-grams as the real base
  (3.0 vs 2.7 million 4-grams); this is the measure of memory at scale.
* ``repeated``: the ~19 MB base (four classic novels, CMRC 2018 contexts, THUCNews sample,
  People's Daily 1998-01 with its spaces removed) repeated and cut at a line end. The
  distinct n-grams stay (nearly) fixed while the input grows: it shows what grows with the
  input alone.

Each command runs as a whole child process (the `minent` console script); peak RSS is the
child's ru_maxrss from os.wait4; the distinct n-grams are those the build reports.

    python benchmarks/bench_scale.py                      # 10 MB, 100 MB, 1 GB in a temp dir
    python benchmarks/bench_scale.py --sizes 100,1000 --workdir /tmp/scale --keep
    python benchmarks/bench_scale.py --text repeated
    python benchmarks/bench_scale.py --scheduler tcp://127.0.0.1:8786   # on a Dask cluster
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
SHARED = ROOT.parent / "shared" / "data"


def base_text() -> bytes:
    """The ~19 MB base corpus, as UTF-8 bytes ending with a line feed."""
    pd = SHARED / "cws" / "peoples_daily_199801_seg.utf8"
    raw = sorted((SHARED / "raw" / "classics").glob("*.txt")) + sorted((SHARED / "raw").glob("*.txt"))
    if not pd.exists() or not raw:
        sys.exit(f"benchmark skipped: {SHARED} is not available")
    parts = [pd.read_text(encoding="utf-8").replace(" ", "").encode("utf-8")]
    parts += [p.read_bytes() for p in raw]
    return b"".join(p if p.endswith(b"\n") else p + b"\n" for p in parts)


def make_corpus(path: Path, base: bytes, size: int) -> Path:
    """Repeat ``base`` into ``path`` up to ``size`` bytes, cut after a line feed (reused if present)."""
    if path.exists() and abs(path.stat().st_size - size) < len(base):
        return path
    with open(path, "wb") as out:
        written = 0
        while written + len(base) <= size:
            out.write(base)
            written += len(base)
        rest = base[: size - written]
        cut = rest.rfind(b"\n")
        if cut >= 0:
            out.write(rest[: cut + 1])
    return path


def minent_executable() -> str:
    script = Path(sys.executable).parent / "minent"
    found = str(script) if script.exists() else shutil.which("minent")
    if found is None:
        sys.exit("benchmark needs minent installed: pip install .")
    return found


def run(cmd: list[str]) -> tuple[float, int, str]:
    """Wall seconds, peak RSS (bytes) and standard error of one whole child process."""
    start = time.perf_counter()
    child = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    stderr = child.stderr.read().decode(errors="replace") if child.stderr else ""
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    child.returncode = status
    if status != 0:
        sys.exit(f"benchmark failed: {' '.join(cmd)}\n{stderr}")
    return seconds, usage.ru_maxrss * 1024, stderr


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10,100,1000", help="corpus sizes in MB (default 10,100,1000)")
    parser.add_argument("--workdir", type=Path, help="where the corpora go (default: a temp dir, removed after)")
    parser.add_argument("--keep", action="store_true", help="keep the corpora in --workdir for the next run")
    parser.add_argument("--jobs", type=int, default=0, help="minent --jobs (default 0: all cores)")
    parser.add_argument("--min-count", type=int, help="build-lexicon --min-count (default: its own)")
    parser.add_argument("--text", choices=["distinct", "repeated"], default="distinct",
                        help="sampled text whose n-grams keep growing, or the base repeated (default distinct)")
    parser.add_argument("--scheduler", help="run on this Dask scheduler (minent --scheduler)")
    parser.add_argument("--skip-segment", action="store_true", help="time build-lexicon only")
    args = parser.parse_args()
    sizes = [int(float(s) * 1e6) for s in args.sizes.split(",")]
    minent = minent_executable()
    extra = ["--scheduler", args.scheduler] if args.scheduler else []
    folder = args.workdir or Path(tempfile.mkdtemp(prefix="minent-scale-"))
    folder.mkdir(parents=True, exist_ok=True)
    rows = []
    try:
        base = base_text()
        if args.text == "distinct":
            # sampled by a child process: a child's peak RSS (ru_maxrss) counts the memory of the
            # process it was forked from, so this one must stay small
            def make(path: Path, size: int) -> Path:
                if not path.exists():
                    subprocess.run([sys.executable, str(Path(__file__).resolve().parent / "distinct_corpus.py"),
                                    "--size", str(size / 1e6), "-o", str(path)], check=True)
                return path
        else:
            make = lambda path, size: make_corpus(path, base, size)  # noqa: E731
        # warm-up: the compiled-kernel cache and the page cache of the base
        warm = make_corpus(folder / "warm.txt", base, 2_000_000)
        run([minent, "build-lexicon", "-q", str(warm), "-o", str(folder / "warm.tsv")])
        run([minent, "segment", "-q", "-l", str(folder / "warm.tsv"), str(warm), "-o", str(folder / "warm.out")])
        counts = ["--min-count", str(args.min_count)] if args.min_count is not None else []
        for size in sizes:
            corpus = make(folder / f"{args.text}_{size // 1_000_000}mb.txt", size)
            mb = corpus.stat().st_size / 1e6
            lexicon = folder / f"lexicon_{size // 1_000_000}mb.tsv"
            cmd = [minent, "build-lexicon", "--jobs", str(args.jobs), *counts, *extra, str(corpus), "-o", str(lexicon)]
            seconds, rss, stderr = run(cmd)
            found = re.search(r"([\d,]+) distinct n-grams", stderr)
            ngrams = int(found.group(1).replace(",", "")) if found else 0
            rows.append(("build-lexicon", mb, seconds, rss, ngrams))
            print(f"build-lexicon {mb:8.1f} MB {seconds:8.1f} s {rss / 2**20:8.0f} MB RSS {ngrams:,} n-grams",
                  file=sys.stderr)
            if not args.skip_segment:
                out = folder / f"segmented_{size // 1_000_000}mb.txt"
                cmd = [minent, "segment", "-q", "--jobs", str(args.jobs), *extra, "-l", str(lexicon),
                       str(corpus), "-o", str(out)]
                seconds, rss, _ = run(cmd)
                out.unlink()
                rows.append(("segment", mb, seconds, rss, 0))
                print(f"segment       {mb:8.1f} MB {seconds:8.1f} s {rss / 2**20:8.0f} MB RSS", file=sys.stderr)
            if not args.keep:
                corpus.unlink()
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    where = f"Dask scheduler {args.scheduler}" if args.scheduler else f"{os.cpu_count()} cores, --jobs {args.jobs}"
    print(f"minent scaling, {where}, {args.text} text, build-lexicon {' '.join(counts) or 'defaults'}; "
          f"whole-process runs")
    print("| command | input | distinct n-grams | seconds | MB/s | peak RSS |")
    print("|---|---:|---:|---:|---:|---:|")
    for command, mb, seconds, rss, ngrams in rows:
        shown = f"{ngrams:,}" if ngrams else ""
        print(f"| {command} | {mb:,.1f} MB | {shown} | {seconds:,.1f} | {mb / seconds:,.1f} | {rss / 2**20:,.0f} MB |")
    print(f"command: python benchmarks/bench_scale.py {' '.join(sys.argv[1:])}".rstrip())


if __name__ == "__main__":
    main()
