"""Speed of `minent.apriori(..., target="closed"|"maximal")` against the fastest of pyfim's
`apriori`, `eclat` and `fpgrowth` with the same target (Borgelt's C code).

Same data, thresholds and protocol as bench_apriori.py: the four FIMI sets in
../shared/data/fim, one absolute threshold ceil(min_support x n_baskets) for both, one
warm-up each, then best of --repeat runs, in this process. The itemsets and counts must be
identical, except that pyfim leaves out the closed itemset made of the items present in
every basket (it treats it as the empty set; minent reports it, as brute force does).

On dense data (chess, mushroom) minent searches the closed / maximal itemsets directly
(minent.itemsets.kernels.closed: LCM's closure extension over bitsets; for maximal, with
look-ahead and pruning by the maximal itemsets found); on sparse data (retail, T10I4D100K) it
mines all frequent itemsets depth-first, then keeps the target's (each (k+1)-itemset marks
its k-subsets): there nearly every frequent itemset is closed.

    python benchmarks/bench_targets.py [--repeat 3] [--hard]

``--hard`` takes the hard settings of bench_hard.py instead (retail@0.0001, T10I4D100K@0.0002,
chess@0.5, mushroom@0.05).
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import sys
import time

from bench_apriori import FIM_DATA, SETS, read_fimi

PYFIM = ("apriori", "eclat", "fpgrowth")
TARGETS = (("closed", "c"), ("maximal", "m"))


def best_time(run, repeat: int) -> tuple[float, object]:
    result = run()  # warm-up
    best = math.inf
    for _ in range(repeat):
        start = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - start)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each; the best is reported")
    parser.add_argument("--hard", action="store_true", help="the hard settings of bench_hard.py")
    args = parser.parse_args()
    if not FIM_DATA.is_dir():
        sys.exit(f"benchmark skipped: {FIM_DATA} is not available")
    try:
        import fim
    except ImportError:
        sys.exit("benchmark needs pyfim: pip install pyfim")
    import numba

    import minent
    from minent.itemsets import min_count_for

    rows = []
    if args.hard:
        from bench_hard import SETS as HARD_SETS
    for name, min_support in (HARD_SETS if args.hard else SETS):
        baskets = read_fimi(FIM_DATA / f"{name}.dat")
        min_count = min_count_for(min_support, len(baskets))
        everywhere = set.intersection(*(set(b) for b in baskets))
        for target, code in TARGETS:
            ours, found = best_time(lambda: minent.apriori(baskets, min_count=min_count, target=target), args.repeat)
            theirs = {}
            for algorithm in PYFIM:
                run = getattr(fim, algorithm)
                theirs[algorithm], result = best_time(
                    lambda: run(baskets, target=code, supp=-min_count, zmin=1, report="a"), args.repeat)
            ours_sets = found.to_dict()
            their_sets = {frozenset(s): c for s, c in result}
            quirk = {s for s in ours_sets.keys() - their_sets.keys() if s <= everywhere}
            same = len(ours_sets) == len(found) and {s: c for s, c in ours_sets.items() if s not in quirk} == their_sets
            fastest = min(theirs, key=theirs.get)
            rows.append((name, min_support, target, len(found), len(their_sets), ours, theirs, fastest, same, len(quirk)))
            print(f"  {name} {target}: done", file=sys.stderr, flush=True)

    print(f"minent {minent.__version__} --target vs pyfim in one process; best of {args.repeat} after a warm-up; "
          f"{numba.get_num_threads()} threads ({numba.threading_layer()}), {os.cpu_count()} CPUs, "
          f"{platform.processor() or platform.machine()}, load average {os.getloadavg()[0]:.1f}")
    print()
    print("| data set | min support | target | itemsets (minent / pyfim) | minent s | pyfim apriori s | pyfim eclat s "
          "| pyfim fpgrowth s | ratio to fastest | identical |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name, s, target, n_ours, n_theirs, ours, theirs, fastest, same, quirk in rows:
        note = f" ({quirk} pyfim quirk)" if quirk else ""
        print(f"| {name} | {s:g} | {target} | {n_ours:,} / {n_theirs:,} | {ours:.3f} | "
              + " | ".join(f"{theirs[a]:.3f}" for a in PYFIM)
              + f" | {ours / theirs[fastest]:.2f} ({fastest}) | {'yes' if same else 'NO'}{note} |")
    if not all(r[8] for r in rows):
        sys.exit(1)


if __name__ == "__main__":
    main()
