"""Speed of `minent.apriori` against pyfim's `fim.apriori` (Borgelt's C code), with mlxtend for contrast.

Both minent and pyfim run in this process on the same lists of baskets (read from the
four FIMI sets in ../shared/data/fim), after one warm-up each (minent's warm-up also loads
its compiled kernels), alternating, best of --repeat runs. Both get the same absolute
threshold: ceil(min_support x n_baskets). The itemsets and their counts must be
identical, except that pyfim 6.28 leaves out itemsets made only of items present in every
basket (a quirk; minent reports them, as brute force does) -- such itemsets are listed.

mlxtend's apriori (one-hot DataFrame in, pandas out) runs in a child process with a time
limit and a memory limit, and is skipped when its one-hot table alone would be too big.

    python benchmarks/bench_apriori.py [--repeat 3] [--mlxtend-timeout 120] [--no-mlxtend]
"""

from __future__ import annotations

import argparse
import math
import multiprocessing as mp
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIM_DATA = ROOT.parent / "shared" / "data" / "fim"
SETS = [("retail", 0.0002), ("T10I4D100K", 0.0005), ("chess", 0.6), ("mushroom", 0.1)]
ONE_HOT_LIMIT = 400 << 20  # bytes of mlxtend's boolean one-hot table
MLXTEND_MEMORY = 6 << 30  # address-space limit of mlxtend's child process


def read_fimi(path: Path) -> list[list[str]]:
    with open(path, encoding="ascii") as f:
        return [line.split() for line in f if line.strip()]


def pyfim_itemsets(fim, baskets, min_count):
    return fim.apriori(baskets, target="s", supp=-min_count, zmin=1, report="a")


def compare(found, theirs, baskets) -> tuple[bool, int]:
    """(identical up to pyfim's every-basket quirk, number of itemsets only pyfim's quirk drops)."""
    ours = found.to_dict()
    theirs = {frozenset(s): c for s, c in theirs}
    everywhere = set.intersection(*(set(b) for b in baskets))
    quirk = {s for s in ours.keys() - theirs.keys() if s <= everywhere}
    same = len(ours) == len(found) and {s: c for s, c in ours.items() if s not in quirk} == theirs
    return same, len(quirk)


def _mlxtend_child(path: str, min_support: float, queue) -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MLXTEND_MEMORY, MLXTEND_MEMORY))
    try:
        import pandas as pd
        from mlxtend.frequent_patterns import apriori as mlx_apriori
        from mlxtend.preprocessing import TransactionEncoder

        baskets = read_fimi(Path(path))
        table = TransactionEncoder().fit(baskets).transform(baskets)
        frame = pd.DataFrame(table)
        start = time.perf_counter()
        result = mlx_apriori(frame, min_support=min_support, use_colnames=False)
        queue.put(("ok", time.perf_counter() - start, len(result)))
    except MemoryError:
        queue.put(("skipped", f"out of memory at {MLXTEND_MEMORY >> 30} GB", 0))
    except Exception as e:  # report, never hang the benchmark
        queue.put(("skipped", f"{type(e).__name__}: {e}"[:60], 0))


def time_mlxtend(path: Path, baskets, min_count: int, timeout: float) -> str:
    try:
        import mlxtend  # noqa: F401
    except ImportError:
        return "skipped (mlxtend not installed)"
    n_items = len(set().union(*map(set, baskets)))
    size = len(baskets) * n_items
    if size > ONE_HOT_LIMIT:
        return f"skipped (one-hot table {size / 2**30:.1f} GB)"
    # mlxtend keeps itemsets with support >= min_support: give it the same count threshold
    min_support = (min_count - 0.5) / len(baskets)
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    child = ctx.Process(target=_mlxtend_child, args=(str(path), min_support, queue))
    child.start()
    child.join(timeout)
    if child.is_alive():
        child.kill()
        child.join()
        return f"skipped (> {timeout:.0f} s)"
    if queue.empty():
        return f"skipped (child died, status {child.exitcode})"
    status, value, count = queue.get()
    return f"{value:.2f} ({count:,})" if status == "ok" else f"skipped ({value})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each; the best is reported")
    parser.add_argument("--mlxtend-timeout", type=float, default=120.0, help="seconds before mlxtend is skipped")
    parser.add_argument("--no-mlxtend", action="store_true", help="do not run mlxtend")
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
    for name, min_support in SETS:
        path = FIM_DATA / f"{name}.dat"
        baskets = read_fimi(path)
        min_count = min_count_for(min_support, len(baskets))
        found = minent.apriori(baskets, min_count=min_count)  # warm-up
        theirs = pyfim_itemsets(fim, baskets, min_count)
        ours_best = theirs_best = math.inf
        for _ in range(args.repeat):
            start = time.perf_counter()
            found = minent.apriori(baskets, min_count=min_count)
            ours_best = min(ours_best, time.perf_counter() - start)
            start = time.perf_counter()
            theirs = pyfim_itemsets(fim, baskets, min_count)
            theirs_best = min(theirs_best, time.perf_counter() - start)
        start = time.perf_counter()
        n_tuples = sum(1 for _ in found)  # what it costs to turn the result into Python tuples
        tuples_seconds = time.perf_counter() - start
        same, quirk = compare(found, theirs, baskets)
        mlx = "skipped (--no-mlxtend)" if args.no_mlxtend else time_mlxtend(path, baskets, min_count,
                                                                             args.mlxtend_timeout)
        rows.append((name, min_support, min_count, len(found), n_tuples, len(theirs), quirk, ours_best,
                     tuples_seconds, theirs_best, same, mlx))
        print(f"  {name}: done", file=sys.stderr, flush=True)

    print(f"minent {minent.__version__} vs pyfim (fim.apriori) in one process; best of {args.repeat} after a "
          f"warm-up; {numba.get_num_threads()} threads ({numba.threading_layer()}), {os.cpu_count()} CPUs, "
          f"{platform.processor() or platform.machine()}, load average {os.getloadavg()[0]:.1f}")
    print()
    print("| data set | min support | min count | itemsets (minent / pyfim) | minent s | pyfim s | ratio "
          "| identical | minent + tuples s | mlxtend s (itemsets) |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    total_ours = total_theirs = 0.0
    for (name, s, c, n_ours, _, n_theirs, quirk, ours, tuples, theirs, same, mlx) in rows:
        total_ours += ours
        total_theirs += theirs
        note = f" ({quirk} pyfim quirk)" if quirk else ""
        print(f"| {name} | {s:g} | {c:,} | {n_ours:,} / {n_theirs:,} | {ours:.3f} | {theirs:.3f} | "
              f"{ours / theirs:.2f} | {'yes' if same else 'NO'}{note} | {ours + tuples:.3f} | {mlx} |")
    print(f"| **total** | | | | {total_ours:.3f} | {total_theirs:.3f} | {total_ours / total_theirs:.2f} | "
          f"{'yes' if all(r[10] for r in rows) else 'NO'} | {sum(r[7] + r[8] for r in rows):.3f} | |")
    if not all(r[10] for r in rows):
        sys.exit(1)


if __name__ == "__main__":
    main()
