"""Speed of `minent.apriori` against pyfim (Borgelt's C code: its `apriori`, `eclat` and
`fpgrowth`), with efficient-apriori and mlxtend where they fit, for all / closed / maximal
itemsets at both support levels of issue 15, itemsets and counts checked equal.

Levels: "standard" (retail@0.0002, T10I4D100K@0.0005, chess@0.6, mushroom@0.1) and "hard"
(retail@0.0001, T10I4D100K@0.0002, chess@0.5, mushroom@0.05), on the four FIMI sets in
../shared/data/fim, support as a fraction; every contender gets the same absolute threshold
ceil(min_support x n_baskets).

minent and pyfim run in this process on the same lists of baskets (lists of str, as a user
has them), one warm-up each (minent's also loads its compiled kernels), then the best of
--repeat runs; a contender whose warm-up took over SLOW seconds is not run again (its
warm-up is its time: it is never the fastest). The ratio is minent's time over the fastest
pyfim algorithm's for the same target. The itemsets and their counts must be identical,
except that pyfim 6.28 leaves out itemsets made only of items present in every basket (a
quirk; minent reports them, as brute force does): such itemsets are counted in the table.

efficient-apriori (pure Python) and mlxtend (one-hot DataFrame in, pandas out) mine all
frequent itemsets at the standard level, each in a child process with a time limit and a
memory limit; mlxtend is skipped when its one-hot table alone would be too big. Peak memory
of the hard settings: bench_hard.py (a process per run).

    python benchmarks/bench_apriori.py [--repeat 3] [--levels standard,hard] [--targets all,closed,maximal]
                                       [--peer-timeout 120] [--no-peers]
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
LEVELS = {
    "standard": [("retail", 0.0002), ("T10I4D100K", 0.0005), ("chess", 0.6), ("mushroom", 0.1)],
    "hard": [("retail", 0.0001), ("T10I4D100K", 0.0002), ("chess", 0.5), ("mushroom", 0.05)],
}
SETS = LEVELS["standard"]
TARGETS = {"all": "s", "closed": "c", "maximal": "m"}  # minent's target: pyfim's
PYFIM = ("apriori", "eclat", "fpgrowth")
SLOW = 3.0  # seconds of a warm-up past which a contender is not run again
ONE_HOT_LIMIT = 400 << 20  # bytes of mlxtend's boolean one-hot table
PEER_MEMORY = 6 << 30  # address-space limit of a peer's child process


def read_fimi(path: Path) -> list[list[str]]:
    with open(path, encoding="ascii") as f:
        return [line.split() for line in f if line.strip()]


def compare(found, theirs, everywhere: set) -> tuple[bool, int]:
    """(identical up to pyfim's every-basket quirk, number of itemsets only pyfim's quirk drops)."""
    ours = found.to_dict()
    theirs = {frozenset(s): c for s, c in theirs}
    quirk = {s for s in ours.keys() - theirs.keys() if s <= everywhere}
    same = len(ours) == len(found) and {s: c for s, c in ours.items() if s not in quirk} == theirs
    return same, len(quirk)


def best_time(run, repeat: int) -> tuple[float, object]:
    """Best of ``repeat`` timed runs after a warm-up, or the warm-up alone when it was slow."""
    start = time.perf_counter()
    result = run()
    best = time.perf_counter() - start
    if best > SLOW:
        return best, result
    best = math.inf
    for _ in range(repeat):
        start = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - start)
    return best, result


def _peer_child(peer: str, path: str, min_support: float, queue) -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (PEER_MEMORY, PEER_MEMORY))
    try:
        baskets = read_fimi(Path(path))
        if peer == "mlxtend":
            import pandas as pd
            from mlxtend.frequent_patterns import apriori as mlx_apriori
            from mlxtend.preprocessing import TransactionEncoder

            frame = pd.DataFrame(TransactionEncoder().fit(baskets).transform(baskets))
            start = time.perf_counter()
            count = len(mlx_apriori(frame, min_support=min_support, use_colnames=False))
        else:
            from efficient_apriori import itemsets_from_transactions

            start = time.perf_counter()
            # no length cap (its default stops at 8 items)
            found, _ = itemsets_from_transactions(baskets, min_support=min_support,
                                                  max_length=max(map(len, baskets)))
            count = sum(len(level) for level in found.values())
        queue.put(("ok", time.perf_counter() - start, count))
    except MemoryError:
        queue.put(("skipped", f"out of memory at {PEER_MEMORY >> 30} GB", 0))
    except Exception as e:  # report, never hang the benchmark
        queue.put(("skipped", f"{type(e).__name__}: {e}"[:60], 0))


def time_peer(peer: str, path: Path, baskets, min_count: int, timeout: float) -> str:
    """All frequent itemsets by ``peer`` (mlxtend or efficient-apriori) in a child process."""
    try:
        __import__("mlxtend" if peer == "mlxtend" else "efficient_apriori")
    except ImportError:
        return f"skipped ({peer} not installed)"
    if peer == "mlxtend":
        size = len(baskets) * len(set().union(*map(set, baskets)))
        if size > ONE_HOT_LIMIT:
            return f"skipped (one-hot table {size / 2**30:.1f} GB)"
    # both keep itemsets with support >= min_support: give them the same count threshold
    min_support = (min_count - 0.5) / len(baskets)
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    child = ctx.Process(target=_peer_child, args=(peer, str(path), min_support, queue))
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


def setup():
    """The modules every apriori benchmark needs, or exit with the reason: (fim, numba, minent)."""
    if not FIM_DATA.is_dir():
        sys.exit(f"benchmark skipped: {FIM_DATA} is not available")
    try:
        import fim
    except ImportError:
        sys.exit("benchmark needs pyfim: pip install pyfim")
    import numba

    import minent

    return fim, numba, minent


def machine(numba) -> str:
    return (f"{numba.get_num_threads()} threads ({numba.threading_layer()}), {os.cpu_count()} CPUs, "
            f"{platform.processor() or platform.machine()}, load average {os.getloadavg()[0]:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each; the best is reported")
    parser.add_argument("--levels", default="standard,hard", help="support levels, comma-separated: standard, hard")
    parser.add_argument("--targets", default="all,closed,maximal", help="targets, comma-separated")
    parser.add_argument("--sets", default=",".join(n for n, _ in SETS), help="data sets, comma-separated")
    parser.add_argument("--peer-timeout", type=float, default=120.0,
                        help="seconds before efficient-apriori or mlxtend is skipped")
    parser.add_argument("--no-peers", action="store_true", help="do not run efficient-apriori and mlxtend")
    args = parser.parse_args()
    fim, numba, minent = setup()
    from minent.itemsets import min_count_for

    rows = []
    for level in args.levels.split(","):
        for name, min_support in LEVELS[level]:
            if name not in args.sets.split(","):
                continue
            path = FIM_DATA / f"{name}.dat"
            baskets = read_fimi(path)
            min_count = min_count_for(min_support, len(baskets))
            everywhere = set.intersection(*(set(b) for b in baskets))
            for target in args.targets.split(","):
                ours, found = best_time(lambda: minent.apriori(baskets, min_count=min_count, target=target),
                                        args.repeat)
                theirs = {}
                for algorithm in PYFIM:
                    run = getattr(fim, algorithm)
                    theirs[algorithm], result = best_time(
                        lambda: run(baskets, target=TARGETS[target], supp=-min_count, zmin=1, report="a"),
                        args.repeat)
                same, quirk = compare(found, result, everywhere)
                start = time.perf_counter()
                sum(1 for _ in found)  # pyfim returns Python tuples; what building them costs minent
                tuples = time.perf_counter() - start
                peers = "–"
                if target == "all" and level == "standard":
                    peers = "; ".join(f"{peer} " + ("skipped (--no-peers)" if args.no_peers else
                                                    time_peer(peer, path, baskets, min_count, args.peer_timeout))
                                      for peer in ("efficient-apriori", "mlxtend"))
                rows.append((level, name, min_support, target, len(found), len(found) - quirk, ours, theirs,
                             same, quirk, peers, tuples))
                print(f"  {level} {name} {target}: done", file=sys.stderr, flush=True)

    print(f"minent {minent.__version__} vs pyfim in one process; best of {args.repeat} after a warm-up; "
          f"{machine(numba)}")
    print()
    print("| level | data set | min support | target | itemsets (minent / pyfim) | minent s | pyfim apriori s "
          "| pyfim eclat s | pyfim fpgrowth s | ratio to fastest | identical | minent + tuples s "
          "| efficient-apriori s; mlxtend s |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    worst = 0.0
    for level, name, s, target, n_ours, n_theirs, ours, theirs, same, quirk, peers, tuples in rows:
        fastest = min(theirs, key=theirs.get)
        worst = max(worst, ours / theirs[fastest])
        note = f" ({quirk} pyfim quirk)" if quirk else ""
        print(f"| {level} | {name} | {s:g} | {target} | {n_ours:,} / {n_theirs:,} | {ours:.3f} | "
              + " | ".join(f"{theirs[a]:.3f}" for a in PYFIM)
              + f" | {ours / theirs[fastest]:.2f} ({fastest}) | {'yes' if same else 'NO'}{note} | {ours + tuples:.3f} "
              f"| {peers} |")
    print()
    print(f"largest ratio to pyfim's fastest: {worst:.2f}")
    if not all(r[8] for r in rows):
        sys.exit(1)


if __name__ == "__main__":
    main()
