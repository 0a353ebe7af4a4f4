"""`minent apriori`: frequent itemsets and association rules from a baskets file."""

from __future__ import annotations

import math
import time
from pathlib import Path
from typing import List, Optional

import typer

from ._app import (app, guarded, jobs_option, loading_kernels_on_demand, progress_for, quiet_option, scheduler_option,
                   set_jobs)
from .baskets import DEFAULT_MIN_LENGTH, check_word_options, make_baskets

INT64_MAX = 2**63 - 1  # the kernels' integers: larger values are a Numba typing error, not a result
RULE_HEADER = ("antecedent", "consequent", "count", "support", "confidence", "lift", "leverage", "conviction")
DEFAULT_MEASURES = RULE_HEADER[3:]
ITEMSET_HEADER = ("itemset", "size", "count", "support")


def _cell(item) -> str:
    """An item as a TSV cell: tabs and line breaks inside items are escaped."""
    return str(item).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _number(x: float) -> str:
    return "inf" if math.isinf(x) else f"{x:.6g}"


def runs_without_kernels(options: dict) -> bool:
    """A run starts without Numba unless it mines on a cluster or cuts text (--text) too large
    for the Segmenter's plain path: the library mines small data in plain Python and loads the
    kernels itself when the data needs them (see :mod:`minent.itemsets.plain`), so a small file
    never pays for them."""
    if (options.get("scheduler") or "").strip():
        return False
    if options.get("text"):
        from .segment import cuts_without_kernels

        return cuts_without_kernels([options.get("baskets")], options.get("lexicons"), None)
    return True


@app.command("apriori")
@guarded
def apriori_command(
    baskets: Path = typer.Argument(
        ..., help="Baskets file, one basket a line ('-' reads standard input); see --format. With --text: "
        "a text file, one document a line, made into baskets of words as minent baskets does.",
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
    min_len: int = typer.Option(
        1, "--min-len", help="Smallest itemset written to --itemsets, and smallest rule (antecedent and "
        "consequent together; a rule has 2 items at least).",
    ),
    max_len: Optional[int] = typer.Option(
        None, "--max-len", "-k", help="Largest itemset size mined, so also the largest rule. Default: no limit.",
        show_default=False,
    ),
    output: Optional[Path] = typer.Option(
        None, "--output", "-o",
        help="Write the rules here as TSV (written whole or not at all; '-' = standard output). Default: standard output.",
        show_default=False, allow_dash=True,
    ),
    target: str = typer.Option(
        "all", "--target", help="Which frequent itemsets --itemsets writes: all, closed (no superset with the "
        "same count) or maximal (no frequent superset). Rules are formed from all frequent itemsets whatever "
        "the target (as in arules); with --top 0 (no rules), dense data is searched for the target directly, "
        "which is much faster there.",
    ),
    algorithm: str = typer.Option(
        "auto", "--algorithm", help="How the frequent itemsets are mined (same itemsets either way): apriori "
        "(level by level; fastest on dense data), eclat (depth-first; fastest on sparse data such as retail "
        "baskets) or auto: eclat when the frequent items fill at most 5% of the baskets' slots, else apriori "
        "(small files are mined level by level without the compiled kernels).",
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
    header: Optional[bool] = typer.Option(
        None, "--header/--no-header",
        help="The first line is a header (skipped) or a basket. Default: detected in csv and long files "
        "(a first line of 2+ labels, no numbers, none of them an item elsewhere in a file whose items "
        "repeat; a note on stderr says so); fimi files have none.",
        show_default=False,
    ),
    sort: str = typer.Option(
        "lift", "--sort", help="Sort rules by a measure, highest first, ties by confidence, then support: lift, "
        "confidence, support, leverage, conviction, jaccard, kulczynski, cosine, certainty, zhang or added_value."
    ),
    measures: str = typer.Option(
        ",".join(DEFAULT_MEASURES), "--measures", help="The measures written after antecedent, consequent and "
        "count, comma-separated, in this order: any of those --sort names (formulas in the README).",
    ),
    lhs: Optional[List[str]] = typer.Option(
        None, "--lhs", metavar="ITEM", help="Keep only rules whose antecedent is made of the items given (a "
        "subset of them; repeat for more items): every other item of a rule is in its consequent. Applied while "
        "rules are formed. An item in no basket gives a warning (an infrequent one, a note). Default: any antecedent.", show_default=False,
    ),
    rhs: Optional[List[str]] = typer.Option(
        None, "--rhs", metavar="ITEM", help="Keep only rules whose consequent is made of the items given (a "
        "subset of them; repeat for more items), e.g. --rhs milk for the rules ... => milk; an --rhs item may "
        "still be in antecedents unless --lhs leaves it out. Applied while rules are formed, so much faster than all rules. "
        "An item in no basket gives a warning (an infrequent one, a note). Default: any consequent.", show_default=False,
    ),
    prune_redundant: bool = typer.Option(
        False, "--prune-redundant", help="Drop a rule A => B when a rule A' => B with A' a smaller, non-empty "
        "subset of A has the same or a higher confidence (arules' is.redundant).",
    ),
    top: Optional[int] = typer.Option(
        None, "--top", help="Write only the first N rules (after sorting). Default: all.", show_default=False,
    ),
    separator: str = typer.Option(
        " | ", "--item-separator", help="Text between the items of an itemset in the TSV outputs."
    ),
    text: bool = typer.Option(
        False, "--text", help="BASKETS is text, one document a line: mine the words that occur together "
        "(each document's distinct words, cut with -l, are its basket; the same baskets as minent baskets "
        "writes, its empty ones left out as this command skips empty lines). Needs -l.",
    ),
    lexicons: Optional[List[Path]] = typer.Option(
        None, "--lexicon", "-l", metavar="FILE", help="With --text: the lexicon to cut the documents with "
        "(repeat to add lexicons, as in minent segment).", show_default=False,
    ),
    min_word_length: Optional[int] = typer.Option(
        None, "--min-word-length", help=f"With --text: leave out words shorter than this many characters. "
        f"Default: {DEFAULT_MIN_LENGTH}.", show_default=False,
    ),
    stop_words: Optional[Path] = typer.Option(
        None, "--stop-words", metavar="FILE", help="With --text: words left out of the baskets, one a line (UTF-8).",
        show_default=False,
    ),
    min_word_count: Optional[int] = typer.Option(
        None, "--min-word-count", metavar="N", help="With --text: keep only words whose lexicon count is at "
        "least N (a word the lexicon lacks counts 0). Not --min-count, the itemsets' count.", show_default=False,
    ),
    encoding: Optional[str] = typer.Option(
        None, "--encoding", help="With --text: the documents' encoding, e.g. gb18030. Default: utf-8 (baskets "
        "files are always UTF-8).", show_default=False,
    ),
    jobs: int = jobs_option(),
    scheduler: Optional[str] = scheduler_option("BASKETS", "shared file system or fsspec URL", "itemsets and rules"),
    quiet: bool = quiet_option(),
) -> None:
    """Mine frequent itemsets level by level (Apriori) and write association rules A => B.

    Rules are written as TSV with a header: antecedent, consequent (items joined by
    --item-separator), count (baskets holding both), support, confidence, lift, leverage
    and conviction ('inf' when confidence is 1), sorted by lift then confidence.
    Duplicate items in a basket count once. A summary goes to stderr.
    """
    from ..itemsets.baskets import FORMATS, read_baskets_noting_header
    from ..common.errors import MinentError
    from ..itemsets.rules import SORT_KEYS, rule_table
    from ..itemsets.mining import ALGORITHMS, TARGETS, _check_support, apriori
    from ..common.textio import STDIN, open_output, check_writable, same_output

    started = time.perf_counter()
    if min_support is not None and not (0.0 < min_support <= 1.0):  # also nan and inf
        raise MinentError(f"--min-support must be in (0, 1], got {min_support}")
    if min_count is not None and not (1 <= min_count <= INT64_MAX):
        raise MinentError(f"--min-count must be between 1 and {INT64_MAX}, got {min_count}")
    _check_support(min_support, min_count)
    if not (0.0 <= min_confidence <= 1.0):
        raise MinentError(f"--min-confidence must be in [0, 1], got {min_confidence}")
    if max_len is not None and not (1 <= max_len <= INT64_MAX):
        raise MinentError(f"--max-len must be between 1 and {INT64_MAX}, got {max_len}")
    if min_len < 1 or (max_len is not None and min_len > max_len):
        raise MinentError(f"--min-len must be at least 1 and at most --max-len, got {min_len}")
    if target not in TARGETS:
        raise MinentError(f"--target must be one of {', '.join(TARGETS)}, got '{target}'")
    if algorithm not in ALGORITHMS:
        raise MinentError(f"--algorithm must be one of {', '.join(ALGORITHMS)}, got '{algorithm}'")
    if fmt is not None and fmt not in FORMATS:
        raise MinentError(f"--format must be one of {', '.join(FORMATS)}, got '{fmt}'")
    if sort not in SORT_KEYS:
        raise MinentError(f"--sort must be one of {', '.join(SORT_KEYS)}, got '{sort}'")
    columns = [m.strip() for m in measures.split(",") if m.strip()]
    for m in columns:
        if m not in SORT_KEYS:
            raise MinentError(f"--measures takes {', '.join(SORT_KEYS)}; got '{m}'")
    if len(set(columns)) < len(columns):
        raise MinentError(f"--measures names a measure twice: '{measures}'")
    if top is not None and not (0 <= top <= INT64_MAX):
        raise MinentError(f"--top must be between 0 and {INT64_MAX}, got {top}")
    if any(c in separator for c in "\t\n\r"):
        raise MinentError("--item-separator cannot hold a tab or a line break (the outputs are TSV)")
    if output is not None and itemsets is not None and str(output) != STDIN and same_output(output, itemsets):
        raise MinentError("--output and --itemsets name the same file")
    if str(output) == STDIN and str(itemsets) == STDIN:
        raise MinentError("only one of --output and --itemsets can be standard output")
    text_options = {"--lexicon": lexicons, "--min-word-length": min_word_length, "--stop-words": stop_words,
                    "--min-word-count": min_word_count, "--encoding": encoding}
    on_cluster = bool(scheduler and scheduler.strip())
    if on_cluster and algorithm == "eclat":
        raise MinentError("--algorithm eclat runs in this process only; a --scheduler run mines level by level "
                          "(drop --scheduler, or use --algorithm apriori)")
    if text:
        if not lexicons:
            raise MinentError("--text needs a lexicon to cut the documents with: -l LEXICON")
        for option, value in {"--format": fmt, "--header/--no-header": header}.items():
            if value is not None:
                raise MinentError(f"{option} is for baskets files; --text reads one document a line")
        if on_cluster:
            raise MinentError("--text runs on this machine, not on --scheduler; make the baskets with "
                              "minent baskets first to mine them on the cluster")
        if min_word_length is not None and min_word_length < 1:
            raise MinentError(f"--min-word-length must be at least 1, got {min_word_length}")
        encoding = check_word_options(lexicons, [str(baskets)], DEFAULT_MIN_LENGTH if min_word_length is None
                                      else min_word_length, stop_words, min_word_count, encoding or "utf-8")
    else:
        for option, value in text_options.items():
            if value is not None and value != []:
                raise MinentError(f"{option} goes with --text (BASKETS is then text, one document a line)")
    check_writable(output)
    check_writable(itemsets)
    set_jobs(jobs)

    read_started = time.perf_counter()
    transactions = None
    if text:
        transactions = _text_baskets(baskets, lexicons, encoding, min_word_length, stop_words, min_word_count,
                                     jobs, quiet)
    elif not on_cluster:  # a cluster's workers read the file
        transactions, header_line = read_baskets_noting_header(baskets, fmt, header)
        if header_line is not None and not quiet:
            name = "standard input" if str(baskets) == STDIN else f"'{baskets}'"
            typer.echo(f"minent: treating the first line of {name} as a header ({header_line[:60]!r}: labels "
                       "that are no item elsewhere); use --no-header to keep it as a basket", err=True)
    read_seconds = time.perf_counter() - read_started
    progress = progress_for(quiet, units={"apriori levels": "level", "depth-first search": "item",
                                          "closed search": "item"})
    try:
        if on_cluster:
            from ..itemsets.cluster import apriori as apriori_on_cluster

            found = apriori_on_cluster(scheduler.strip(), str(baskets), min_support=min_support, max_len=max_len,
                                       min_count=min_count, fmt=fmt, progress=progress, header=header,
                                       target=target)
        else:
            # rules are formed from every frequent itemset: with rules to write, all are kept; without
            # (--top 0), dense data is searched for the target directly
            found = apriori(transactions, min_support=min_support, max_len=max_len, min_count=min_count,
                            progress=loading_kernels_on_demand(progress, "apriori", {"target": target, "text": text,
                                                                                     "algorithm": algorithm}),
                            target=target, algorithm=algorithm, keep_all=top != 0)
    finally:
        progress.close()
    rules_started = time.perf_counter()
    rules = rule_table(found, min_confidence=min_confidence, sort=sort, top=top, extra=columns, min_len=min_len,
                       antecedents=lhs, consequents=rhs, prune_redundant=prune_redundant)
    rules_seconds = time.perf_counter() - rules_started

    def joined(items) -> str:
        return separator.join(_cell(x) for x in items)

    n = found.n_baskets
    if itemsets is not None:
        listing = sorted((pair for pair in found if len(pair[0]) >= min_len), key=lambda pair: (-pair[1], len(pair[0])))
        with open_output(itemsets) as out:
            out.write("\t".join(ITEMSET_HEADER) + "\n")
            for items, count in listing:
                out.write(f"{joined(items)}\t{len(items)}\t{count}\t{_number(count / n)}\n")
    with open_output(output) as out:
        out.write("\t".join(("antecedent", "consequent", "count", *columns)) + "\n")
        _write_rules(out, rules, separator, columns)
    for side, items in rules.absent.items():  # a warning even with -q: most likely a typo
        for item in items:
            typer.echo(f"minent: warning: {_OPTION[side]} {item!r} is in none of the baskets: no rule has it", err=True)
    explained = False
    if not quiet:
        explained = _infrequent_notes(found, rules.infrequent, {"antecedents": lhs, "consequents": rhs})
    explained = explained or any(len(set(items)) >= len(set((lhs if side == "antecedents" else rhs) or ()))
                                 for side, items in rules.absent.items())
    if not len(rules) and top != 0 and not quiet and not explained:
        _no_rules_hint(found, min_confidence, rules.best_confidence, constrained=bool(lhs or rhs))
    if not quiet:
        _summary(found, len(rules), read_seconds, rules_seconds, time.perf_counter() - started,
                 rules.n_redundant if prune_redundant else None)


def _text_baskets(source: Path, lexicons: List[Path], encoding: str, min_word_length: Optional[int],
                  stop_words: Optional[Path], min_word_count: Optional[int], jobs: int, quiet: bool) -> list:
    """The non-empty word baskets of a text file (--text), as minent baskets makes them."""
    from ..common.errors import MinentError
    from ..common.textio import STDIN
    from ..segment.wordbaskets import BasketStats

    progress = progress_for(quiet)
    stats = BasketStats()
    try:
        _, baskets = make_baskets(lexicons, [str(source)], encoding=encoding, stop_words=stop_words,
                                  min_length=DEFAULT_MIN_LENGTH if min_word_length is None else min_word_length,
                                  min_word_count=min_word_count, jobs=jobs, progress=progress, stats=stats)
        transactions = [basket for basket in baskets if basket]
    finally:
        progress.close()
    name = "standard input" if str(source) == STDIN else f"'{source}'"
    if not stats.n_documents:
        raise MinentError(f"{name} is empty")
    if not transactions:
        raise MinentError(f"{name}: no document keeps a word (of {stats.n_documents:,}); "
                          "check the lexicon, --min-word-length, --stop-words and --min-word-count")
    if not quiet:
        typer.echo(f"minent: {stats.n_documents:,} documents -> {len(transactions):,} baskets of words "
                   f"({stats.n_documents - len(transactions):,} empty, left out)", err=True)
    return transactions


_SLICE = 1 << 15  # rules turned into text per step: a few milliseconds of C calls at a time


def _write_rules(out, rules, separator: str, columns=DEFAULT_MEASURES) -> None:
    """Write the rule table as TSV lines, a slice at a time (millions of rules never exist as
    objects at once, and Ctrl-C is seen between slices)."""
    import numpy as np

    from ..common.gcpause import gc_paused

    labels = rules.levels.labels
    with gc_paused():  # millions of new strings: the collector would rescan them again and again
        cells = np.empty(len(labels) if len(rules) else 0, dtype=object)  # the items as TSV cells
        for lo in range(0, len(cells), _SLICE):
            texts = [str(x) for x in labels[lo:lo + _SLICE]]
            plain = not any(c in "".join(texts) for c in "\\\t\n\r")
            cells[lo:lo + _SLICE] = texts if plain else [_cell(x) for x in texts]
        for lo in range(0, len(rules), _SLICE):
            hi = min(lo + _SLICE, len(rules))
            sides = [rules.names(side, lo, hi, cells, join=separator) for side in ("antecedent", "consequent")]
            count = rules.columns["count"][lo:hi].tolist()
            values = [_numbers(rules.columns[m][lo:hi]) for m in columns]
            if tuple(columns) == DEFAULT_MEASURES:  # the usual columns: one format string, the fastest way
                out.write("".join(f"{a}\t{b}\t{c}\t{s}\t{f}\t{li}\t{le}\t{v}\n"
                                  for a, b, c, s, f, li, le, v in zip(*sides, count, *values)))
            else:
                out.write("".join("\t".join(row) + "\n" for row in zip(*sides, map(str, count), *values)))


def _numbers(values) -> list[str]:
    """``_number`` of each value, formatting each distinct value (bit pattern) once."""
    import numpy as np

    distinct, inverse = np.unique(values.view(np.int64), return_inverse=True)
    text = np.array([_number(x) for x in distinct.view(np.float64).tolist()], dtype=object)
    return text[inverse].tolist()


_OPTION = {"antecedents": "--lhs", "consequents": "--rhs"}


def _infrequent_notes(found, infrequent: dict, given: dict) -> bool:
    """Note each constraint item that is in the data but not frequent; True when a side's
    items are all such (which explains an empty rule list)."""
    counts = {}
    if found.all_items is not None and infrequent:
        wanted = {x for items in infrequent.values() for x in items}
        counts = {x: int(c) for x, c in zip(found.all_items, found.all_item_counts.tolist()) if x in wanted}
    for side, items in infrequent.items():
        for item in items:
            c = counts.get(item)
            where = f"is in {c} basket{'s' if c != 1 else ''}, fewer than" if c is not None else "is below"
            typer.echo(f"minent: {_OPTION[side]} {item!r} {where} the minimum count {found.min_count}: "
                       "no frequent itemset holds it, so no rule has it", err=True)
    return any(len(set(items)) >= len(set(given[side] or ())) for side, items in infrequent.items())


def _no_rules_hint(found, min_confidence: float, best: Optional[float], constrained: bool = False) -> None:
    """Say why the rules file is empty: the confidence or the support thresholds, or the constraints."""
    if best is None and constrained and len(found.levels) >= 2:
        typer.echo("minent: no rules: no frequent itemset of 2 or more items fits --lhs/--rhs "
                   "(an antecedent made of --lhs items, a consequent of --rhs items)", err=True)
    elif best is None:
        typer.echo("minent: no rules: no itemset of 2 or more items reaches the minimum support; "
                   "lower it with -s/--min-count", err=True)
    else:
        typer.echo(f"minent: no rule reaches --min-confidence {min_confidence:g} (the highest confidence "
                   f"seen is {best:.2g}); lower it with -c", err=True)


def _summary(found, n_rules: int, read_seconds: float, rules_seconds: float, total_seconds: float,
             n_redundant: Optional[int] = None) -> None:
    """The table of levels on stderr."""
    echo = lambda text: typer.echo(text, err=True)  # noqa: E731
    echo(f"minent apriori: {found.n_baskets:,} baskets, min count {found.min_count:,} "
         f"({found.min_count / found.n_baskets:.4g} of baskets)")
    echo(f"  {'level':>5}  {'candidates':>12}  {'frequent':>10}  {'seconds':>8}")
    for s in found.stats:
        echo(f"  {s.size:>5}  {s.candidates:>12,}  {s.frequent:>10,}  {s.seconds:>8.3f}")
    dropped = "" if n_redundant is None else f" ({n_redundant:,} redundant dropped)"
    kind = "" if found.target == "all" else f"{found.target} "
    echo(f"  {kind}itemsets {len(found):,}, rules {n_rules:,}{dropped}; read {read_seconds:.2f} s, mine {found.seconds:.2f} s, "
         f"rules {rules_seconds:.2f} s, total {total_seconds:.2f} s")
