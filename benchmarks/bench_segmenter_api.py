"""The Segmenter's pipeline API against the Segmenter itself, in one process, same run.

- ``add_word`` of N words one by one (``count=None``: each must come out whole, and with
  explicit counts), then one cut, against building a Segmenter with those words from the
  start (issue 14: at most 2x);
- ``tokenize`` (words with offsets) against ``cut`` on the same text (at least 70 %), and
  ``cut_for_search`` for contrast;
- whole process, ``minent segment`` with ``--format jsonl``, ``--mode search`` and
  ``--stop-words`` against the plain ``--format text`` on the same ~57 MB (the shipped texts
  repeated), interleaved, best of ``--repeat`` (jsonl: at least 50 %).

Usage: ``python benchmarks/bench_segmenter_api.py [--words 10000] [--repeat 3] [--mb 57]``; the
lexicon is learned from ``data/xiyouji.txt`` and the in-process text is that novel.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import minent

ROOT = Path(__file__).resolve().parents[1]
NOVEL = ROOT / "data" / "xiyouji.txt"


def best_of(repeat: int, run, keep_result: bool = False) -> float:
    """Best time of ``run()``; with ``keep_result`` the result is freed after the clock stops
    (a caller uses the words before it lets them go), else inside the timed call."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = run()
        if not keep_result:
            del result
        times.append(time.perf_counter() - started)
        result = None
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--mb", type=float, default=57.0, help="size of the whole-process input")
    args = parser.parse_args()
    text = NOVEL.read_text(encoding="utf-8")
    counts = minent.build_lexicon(text).to_dict()
    rng = random.Random(1)
    han = [c for c in text if "\u4e00" <= c <= "\u9fff"]
    new = list(dict.fromkeys("".join(rng.choices(han, k=rng.randint(2, 4))) for _ in range(2 * args.words)))
    new = [w for w in new if w not in counts][: args.words]
    probe = text[:20_000]

    minent.Segmenter(counts).cut(probe)  # compile or load the kernels first

    def from_the_start(with_counts: bool) -> None:
        minent.Segmenter({**counts, **{w: (5 if with_counts else 0) for w in new}}).cut(probe)

    def one_by_one(with_counts: bool) -> None:
        seg = minent.Segmenter(counts)
        for w in new:
            seg.add_word(w, 5 if with_counts else None)
        seg.cut(probe)

    print(f"minent {minent.__version__}: lexicon of {len(counts):,} words from {NOVEL.name}; "
          f"{len(new):,} words added; best of {args.repeat}")
    for with_counts in (True, False):
        build = best_of(args.repeat, lambda: from_the_start(with_counts))
        added = best_of(args.repeat, lambda: one_by_one(with_counts))
        label = "count=5" if with_counts else "count=None"
        print(f"add_word x{len(new):,} ({label}) then a cut: {added:.3f} s; a Segmenter built with them: "
              f"{build:.3f} s; ratio {added / build:.2f} (goal <= 2)")
    seg = minent.Segmenter(counts)
    mb = len(text.encode("utf-8")) / 1e6
    for keep, label in ((True, "the call alone (the result freed after)"), (False, "freeing the result too")):
        cut = best_of(args.repeat, lambda: seg.cut(text), keep)
        tokenize = best_of(args.repeat, lambda: seg.tokenize(text), keep)
        search = best_of(args.repeat, lambda: seg.cut_for_search(text), keep)
        print(f"{label}: cut {mb / cut:.1f} MB/s; tokenize {mb / tokenize:.1f} MB/s ({cut / tokenize:.0%} of "
              f"cut's speed, goal >= 70%); cut_for_search {mb / search:.1f} MB/s")
    whole_process(counts, args)


def whole_process(counts: dict, args) -> None:
    with tempfile.TemporaryDirectory() as folder:
        base = (NOVEL.read_text(encoding="utf-8") + (ROOT / "data" / "cmrc2018_trial_contexts.txt").read_text(
            encoding="utf-8")).encode("utf-8")
        source = Path(folder) / "input.txt"
        source.write_bytes(base * max(1, round(args.mb * 1e6 / len(base))))
        lexicon, stop = Path(folder) / "lexicon.tsv", Path(folder) / "stop.txt"
        minent.Lexicon(counts).save(lexicon)
        stop.write_text("的\n了\n。\n，\n", encoding="utf-8")
        runs = {"--format text": [], "--format jsonl": ["--format", "jsonl"], "--mode search": ["--mode", "search"],
                "--stop-words": ["--stop-words", str(stop)]}
        command = [sys.executable, "-m", "minent", "segment", "-q", "-l", str(lexicon), str(source), "-o",
                   str(Path(folder) / "out.txt")]
        best = {name: float("inf") for name in runs}
        for name, extra in runs.items():  # compile or load once
            subprocess.run(command + extra, check=True)
        for _ in range(args.repeat):
            for name, extra in runs.items():
                started = time.perf_counter()
                subprocess.run(command + extra, check=True)
                best[name] = min(best[name], time.perf_counter() - started)
        size = source.stat().st_size / 1e6
        print(f"whole process, minent segment on {size:.1f} MB, best of {args.repeat}:")
        for name, seconds in best.items():
            print(f"  {name:15s} {seconds:6.2f} s  {size / seconds:6.1f} MB/s  "
                  f"{best['--format text'] / seconds:5.0%} of --format text's speed")


if __name__ == "__main__":
    main()
