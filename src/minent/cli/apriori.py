"""`minent apriori`: frequent itemsets and association rules from a baskets file."""

from __future__ import annotations

import math
import time
from pathlib import Path
from typing import Optional

import typer

from ._app import app, guarded, progress_for, quiet_option, set_jobs

RULE_HEADER = ("antecedent", "consequent", "count", "support", "confidence", "lift", "leverage", "conviction")
ITEMSET_HEADER = ("itemset", "size", "count", "support")


def _cell(item) -> str:
    """An item as a TSV cell: tabs and line breaks inside items are escaped."""
    return str(item).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _number(x: float) -> str:
    return "inf" if math.isinf(x) else f"{x:.6g}"


@app.command("apriori")
@guarded
def apriori_command(
    baskets: Path = typer.Argument(
        ..., help="Baskets file, one basket a line ('-' reads standard input); see --format.",
        show_default=False, allow_dash=True,
    ),
    min_support: Optional[float] = typer.Option(
        None, "--min-support", "-s",
        help="Smallest support kept, as a fraction of baskets in (0, 1]; an itemset is frequent when "
        "its count >= ceil(S x baskets). Default: 0.01 (unless --min-count is given).",
        show_default=False,
    ),
    min_count: Optional[int] = typer.Option(
        None, "--min-count", help="Smallest support kept, as a number of baskets (>= 1), instead of --min-support.",
        show_default=False,
    ),
    min_confidence: float = typer.Option(0.8, "--min-confidence", "-c", help="Smallest confidence of a rule, in [0, 1]."),
    max_len: Optional[int] = typer.Option(
        None, "--max-len", "-k", help="Largest itemset size mined. Default: no limit.", show_default=False,
    ),
    output: Optional[Path] = typer.Option(
        None, "--output", "-o",
        help="Write the rules here as TSV (written whole or not at all; '-' = standard output). Default: standard output.",
        show_default=False, allow_dash=True,
    ),
    itemsets: Optional[Path] = typer.Option(
        None, "--itemsets",
        help="Also write the frequent itemsets here as TSV (itemset, size, count, support), most frequent first.",
        show_default=False, allow_dash=True,
    ),
    fmt: Optional[str] = typer.Option(
        None, "--format", "-f",
        help="Input format: csv (items separated by commas, quotes allowed), fimi (separated by spaces) or "
        "long (one basket_id,item pair a line). Default: from the extension (.csv, .dat/.txt), else "
        "csv if the first line has a comma, else fimi.",
        show_default=False,
    ),
    sort: str = typer.Option(
        "lift", "--sort", help="Sort rules by lift, confidence, support, leverage or conviction (highest first; "
        "ties by confidence, then support)."
    ),
    top: Optional[int] = typer.Option(
        None, "--top", help="Write only the first N rules (after sorting). Default: all.", show_default=False,
    ),
    separator: str = typer.Option(
        " | ", "--item-separator", help="Text between the items of an itemset in the TSV outputs."
    ),
    jobs: int = typer.Option(0, "--jobs", "-j", help="Cores to use; 0 means all cores."),
    scheduler: Optional[str] = typer.Option(
        None, "--scheduler", envvar="DASK_SCHEDULER_ADDRESS", show_default=False,
        help="Run on this Dask cluster (e.g. tcp://10.0.0.5:8786); the workers read BASKETS (shared file "
        "system or fsspec URL). Same itemsets and rules as a local run. Needs pip install \"minent\\[distributed]\".",
    ),
    quiet: bool = quiet_option(),
) -> None:
    """Mine frequent itemsets level by level (Apriori) and write association rules A => B.

    Rules are written as TSV with a header: antecedent, consequent (items joined by
    --item-separator), count (baskets holding both), support, confidence, lift, leverage
    and conviction ('inf' when confidence is 1), sorted by lift then confidence.
    Duplicate items in a basket count once. A summary goes to stderr.
    """
    from ..baskets import FORMATS, read_baskets
    from ..errors import MinentError
    from ..itemsets import SORT_KEYS, _check_support, apriori, association_rules
    from ..textio import STDIN, atomic_output, check_writable

    started = time.perf_counter()
    _check_support(min_support, min_count)
    if not (0.0 <= min_confidence <= 1.0):
        raise MinentError(f"--min-confidence must be in [0, 1], got {min_confidence}")
    if max_len is not None and max_len < 1:
        raise MinentError(f"--max-len must be at least 1, got {max_len}")
    if fmt is not None and fmt not in FORMATS:
        raise MinentError(f"--format must be one of {', '.join(FORMATS)}, got '{fmt}'")
    if sort not in SORT_KEYS:
        raise MinentError(f"--sort must be one of {', '.join(SORT_KEYS)}, got '{sort}'")
    if top is not None and top < 0:
        raise MinentError(f"--top must be 0 or more, got {top}")
    if any(c in separator for c in "\t\n\r"):
        raise MinentError("--item-separator cannot hold a tab or a line break (the outputs are TSV)")
    if output is not None and itemsets is not None and str(output) == str(itemsets):
        raise MinentError("--output and --itemsets name the same file")
    if str(output) == STDIN and str(itemsets) == STDIN:
        raise MinentError("only one of --output and --itemsets can be standard output")
    check_writable(output)
    check_writable(itemsets)
    set_jobs(jobs)

    read_started = time.perf_counter()
    on_cluster = bool(scheduler and scheduler.strip())
    transactions = None if on_cluster else read_baskets(baskets, fmt)  # a cluster's workers read the file
    read_seconds = time.perf_counter() - read_started
    progress = progress_for(quiet, units={"apriori levels": "level"})
    try:
        if on_cluster:
            from ..distributed import apriori as apriori_on_cluster

            found = apriori_on_cluster(scheduler.strip(), str(baskets), min_support=min_support, max_len=max_len,
                                       min_count=min_count, fmt=fmt, progress=progress)
        else:
            found = apriori(transactions, min_support=min_support, max_len=max_len, min_count=min_count,
                            progress=progress)
    finally:
        progress.close()
    rules_started = time.perf_counter()
    rules = association_rules(found, min_confidence=min_confidence, sort=sort, top=top)
    rules_seconds = time.perf_counter() - rules_started

    def joined(items) -> str:
        return separator.join(_cell(x) for x in items)

    n = found.n_baskets
    if itemsets is not None:
        listing = sorted(found, key=lambda pair: (-pair[1], len(pair[0])))
        with atomic_output(itemsets) as out:
            out.write("\t".join(ITEMSET_HEADER) + "\n")
            for items, count in listing:
                out.write(f"{joined(items)}\t{len(items)}\t{count}\t{_number(count / n)}\n")
    with atomic_output(output) as out:
        out.write("\t".join(RULE_HEADER) + "\n")
        for r in rules:
            out.write(
                f"{joined(r.antecedent)}\t{joined(r.consequent)}\t{r.count}\t{_number(r.support)}\t"
                f"{_number(r.confidence)}\t{_number(r.lift)}\t{_number(r.leverage)}\t{_number(r.conviction)}\n"
            )
    if not quiet:
        _summary(found, len(rules), read_seconds, rules_seconds, time.perf_counter() - started)


def _summary(found, n_rules: int, read_seconds: float, rules_seconds: float, total_seconds: float) -> None:
    """The table of levels on stderr."""
    echo = lambda text: typer.echo(text, err=True)  # noqa: E731
    echo(f"minent apriori: {found.n_baskets:,} baskets, min count {found.min_count:,} "
         f"({found.min_count / found.n_baskets:.4g} of baskets)")
    echo(f"  {'level':>5}  {'candidates':>12}  {'frequent':>10}  {'seconds':>8}")
    for s in found.stats:
        echo(f"  {s.size:>5}  {s.candidates:>12,}  {s.frequent:>10,}  {s.seconds:>8.3f}")
    echo(f"  itemsets {len(found):,}, rules {n_rules:,}; read {read_seconds:.2f} s, mine {found.seconds:.2f} s, "
         f"rules {rules_seconds:.2f} s, total {total_seconds:.2f} s")
