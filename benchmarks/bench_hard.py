"""All frequent itemsets on the hard settings: `minent.apriori` against the fastest of pyfim's
`apriori`, `eclat` and `fpgrowth` (Borgelt's C code, ``target='s'``), with peak memory.

Settings (issue 15): retail@0.0001, T10I4D100K@0.0002, chess@0.5, mushroom@0.05 (FIMI sets in
../shared/data/fim, support as a fraction; every contender gets the same absolute threshold
ceil(min_support x n_baskets)).

Every measurement is a fresh child process, so that its peak resident memory (``ru_maxrss``)
is its own: the child reads the baskets (a list of lists of str, as a user would have them),
warms up on the first 200 baskets (minent loads its compiled kernels; nothing is compiled
inside the timed call), records its resident memory, times one mining call in process, and
reports the peak. The contenders are interleaved (round 1 of each, round 2 of each, ...), and
the median of --repeat rounds is reported; "peak MB" is the child's peak resident memory (the
baskets as Python lists and the libraries included), "+MB" how far the timed call raised that
peak above the peak before it (0: the call fit in what reading the baskets had already taken).

minent is timed as `minent.apriori` (arrays out, what the issue compares); pyfim builds its
Python list of tuples. The itemset counts per size and the sum of counts must agree with
pyfim's, except that pyfim 6.28 leaves out itemsets made only of items present in every
basket (mushroom has one such item): they are added back to pyfim's before comparing.

    python benchmarks/bench_hard.py [--repeat 3] [--sets chess,mushroom] [--minent auto,apriori,eclat]
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench_apriori import FIM_DATA, LEVELS, PYFIM, machine, read_fimi, setup

SETS = LEVELS["hard"]
WARM_BASKETS = 200


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def child(contender: str, path: str, min_support: float) -> None:
    """One timed run in this process; prints a JSON line with the time, peak memory and counts."""
    baskets = read_fimi(Path(path))
    if contender.startswith("pyfim-"):
        import fim

        run = getattr(fim, contender.removeprefix("pyfim-"))
        from minent.itemsets import min_count_for

        min_count = min_count_for(min_support, len(baskets))
        run(baskets[:WARM_BASKETS], target="s", supp=-min_count, zmin=1, report="a")
        before = _rss_mb()
        start = time.perf_counter()
        result = run(baskets, target="s", supp=-min_count, zmin=1, report="a")
        seconds = time.perf_counter() - start
        sizes: dict[int, int] = {}
        total = 0
        for itemset, count in result:
            sizes[len(itemset)] = sizes.get(len(itemset), 0) + 1
            total += count
        per_size = [sizes.get(k, 0) for k in range(1, max(sizes, default=0) + 1)]
    else:
        import minent
        from minent.itemsets import mining, min_count_for

        algorithm = contender.removeprefix("minent-")
        min_count = min_count_for(min_support, len(baskets))
        mining.COUNTING = "kernels"  # the plain path is for small data; warm the kernels
        kwargs = {} if algorithm == "minent" else {"algorithm": algorithm}
        minent.apriori(baskets[:WARM_BASKETS], min_count=1, max_len=3, **kwargs)
        mining.COUNTING = "auto"
        before = _rss_mb()
        start = time.perf_counter()
        found = minent.apriori(baskets, min_count=min_count, **kwargs)
        seconds = time.perf_counter() - start
        per_size = found.counts_per_size
        total = int(sum(int(c.sum()) for _, c in found.levels))
    print(json.dumps({"seconds": seconds, "peak_mb": _rss_mb(), "before_mb": before,
                      "per_size": per_size, "total": total}))


def measure(contender: str, path: Path, min_support: float) -> dict:
    done = subprocess.run([sys.executable, __file__, "--child", contender, str(path), repr(min_support)],
                          capture_output=True, text=True, timeout=3600)
    if done.returncode != 0:
        raise SystemExit(f"{contender} on {path.name} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="rounds (child processes) of each; the median is reported")
    parser.add_argument("--sets", default=",".join(n for n, _ in SETS), help="comma-separated subset of the sets")
    parser.add_argument("--minent", default="minent", help="minent contenders, comma-separated: minent (the default "
                        "algorithm) and/or apriori, eclat (forced with algorithm=)")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], args.child[1], float(args.child[2]))
        return
    _, numba, minent = setup()

    ours = [c if c == "minent" else f"minent-{c}" for c in args.minent.split(",")]
    contenders = ours + [f"pyfim-{a}" for a in PYFIM]
    wanted = args.sets.split(",")
    rows = []
    ok = True
    for name, min_support in SETS:
        if name not in wanted:
            continue
        path = FIM_DATA / f"{name}.dat"
        runs: dict[str, list[dict]] = {c: [] for c in contenders}
        for _ in range(args.repeat):
            for c in contenders:
                runs[c].append(measure(c, path, min_support))
        summary = {c: {"seconds": statistics.median(r["seconds"] for r in rs),
                       "peak_mb": max(r["peak_mb"] for r in rs),
                       "extra_mb": max(r["peak_mb"] - r["before_mb"] for r in rs),
                       "per_size": rs[0]["per_size"], "total": rs[0]["total"]} for c, rs in runs.items()}
        # pyfim leaves out the itemsets made only of items in every basket: add them back to compare
        baskets = read_fimi(path)
        everywhere = set.intersection(*(set(b) for b in baskets))
        quirk = [math.comb(len(everywhere), k) for k in range(1, len(everywhere) + 1)]
        reference = dict(summary["pyfim-fpgrowth"])
        reference["per_size"] = [c + (quirk[k] if k < len(quirk) else 0) for k, c in enumerate(reference["per_size"])]
        reference["total"] += len(quirk) and len(baskets) * sum(quirk)
        for c in contenders:
            want = reference if c.startswith("minent") else summary["pyfim-fpgrowth"]
            same = summary[c]["per_size"] == want["per_size"] and summary[c]["total"] == want["total"]
            summary[c]["same"] = same
            ok &= same
        rows.append((name, min_support, summary))
        print(f"  {name}: done", file=sys.stderr, flush=True)

    print(f"minent {minent.__version__} vs pyfim, all frequent itemsets; each run a child process, median of "
          f"{args.repeat} interleaved rounds; {machine(numba)}")
    print()
    print("| data set | min support | itemsets | contender | seconds | / pyfim fastest | peak MB | +MB | counts agree |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name, s, summary in rows:
        fastest = min((c for c in summary if c.startswith("pyfim-")), key=lambda c: summary[c]["seconds"])
        best = summary[fastest]["seconds"]
        for c, v in summary.items():
            mark = " (fastest pyfim)" if c == fastest else ""
            print(f"| {name} | {s:g} | {sum(v['per_size']):,} | {c}{mark} | {v['seconds']:.3f} | "
                  f"{v['seconds'] / best:.2f} | {v['peak_mb']:.0f} | {v['extra_mb']:.0f} | "
                  f"{'yes' if v['same'] else 'NO'} |")
    if not ok:
        sys.exit(1)


if __name__ == "__main__":
    main()
