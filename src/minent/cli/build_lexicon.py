"""`minent build-lexicon`: discover words in raw text."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from ..lexicon.defaults import DEFAULT_ITERATIONS, DEFAULT_MIN_COUNT, DEFAULT_ORDER, DEFAULT_REFINE
from ._app import app, guarded, jobs_option, progress_for, quiet_option, scheduler_option


def _parse_pmi(text: Optional[str]) -> Optional[list[float]]:
    from ..common.errors import MinentError

    if text is None:
        return None
    try:
        return [float(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise MinentError(f"--min-pmi takes numbers separated by commas, such as 1,3,5; got '{text}'") from None


@app.command("build-lexicon")
@guarded
def build_lexicon_command(
    corpus: List[Path] = typer.Argument(
        ..., help="UTF-8 text files to learn from ('-' reads standard input). The text is read once and held as "
        "2-byte ids for the later passes, up to 256 MiB (about 390 MB of Chinese); past that, files are read "
        "again, while standard input, a FIFO or <(cmd) are held in an unnamed temporary file in TMPDIR, which "
        "no exit leaves behind.",
        show_default=False,
        allow_dash=True,
    ),
    output: Optional[Path] = typer.Option(
        None, "--output", "-o", help="Write the lexicon here: a file is written whole or not at all (a temporary file "
        "beside it, renamed at the end; a symbolic link is followed; a device or FIFO is written directly). "
        "Default: standard output.",
        show_default=False,
    ),
    order: int = typer.Option(DEFAULT_ORDER, "--order", help="Longest n-gram counted, from 1 to 4."),
    min_count: Optional[int] = typer.Option(
        DEFAULT_MIN_COUNT, "--min-count",
        help="Fewest occurrences of a kept n-gram and of a first-pass word. Default: 2 with --refine (a word seen "
        "twice; refinement prunes by what each word saves, whatever the corpus's size), 5 with --no-refine.",
        show_default=False,
    ),
    min_pmi: Optional[str] = typer.Option(
        None, "--min-pmi",
        help="Cohesion thresholds (natural-log PMI of the weakest split) for n-grams of length 2..order, "
        "comma-separated. Default: 1,3,5 (2n-3 for length n).",
        show_default=False,
    ),
    refine: bool = typer.Option(
        DEFAULT_REFINE, "--refine/--no-refine",
        help="After the first pass, learn the words again from the boundary signal (branching entropy) and "
        "refine them by the minimum-entropy principle: re-segment the corpus with the unigram model, re-count, "
        "prune words that do not pay for themselves, while the information per character falls. "
        "--no-refine writes the first-pass lexicon (PMI filter, cut, backtrack), in about 40% of the time.",
    ),
    iterations: int = typer.Option(
        DEFAULT_ITERATIONS, "--iterations", help="Most pruning rounds of --refine (it stops sooner when L stops falling).",
    ),
    fmt: str = typer.Option("tsv", "--format", help="Output format: tsv (word<TAB>count) or jieba (word count)."),
    known: Optional[List[Path]] = typer.Option(
        None, "--known", metavar="DICT", help="A dictionary you already have (TSV or jieba format, detected; "
        "repeat for several, later ones adding to earlier ones). The lexicon then holds the discovered words, "
        "those the dictionary lacks only when they earn their place next to it: coding one as a unit saves more "
        "than 1 nat an occurrence against its cheapest cut into the dictionary's words, and its cut has a seam "
        "the dictionary does not habitually separate (so phrases of known words stay out). Words with a number "
        "are never added.", show_default=False,
    ),
    new_only: bool = typer.Option(
        False, "--new-only", help="With --known: write only the words the dictionary lacks that earn their place, "
        "with their corpus counts, after a line '# total N' (the corpus's tokens) so that "
        "'minent segment -l DICT -l NEW' weighs them right; TSV only.",
    ),
    scores: bool = typer.Option(
        False, "--scores", help="Add TSV columns after the count, under a header line 'word count cohesion "
        "left_entropy right_entropy saving': the weakest split's PMI, the entropies (nats) of the character "
        "before and after the word, and the nats an occurrence that coding it as a unit saves against its "
        "cheapest cut (against the dictionary's words with --known). nan where a figure does not apply.",
    ),
    encoding: str = typer.Option("utf-8", "--encoding", help="Encoding of the corpus files, e.g. gb18030 or big5."),
    jobs: int = jobs_option(),
    scheduler: Optional[str] = scheduler_option("the files", "shared file system or fsspec URLs", "lexicon"),
    quiet: bool = quiet_option(),
) -> None:
    """Discover the words of a corpus by the minimum-entropy principle and write a lexicon.

    The lexicon lists one word a line with its count, most frequent first, single
    characters included. A summary (sizes, bits per character, time) goes to stderr.
    """
    from ..lexicon.discover import LexiconBuilder
    from ..common.errors import MinentError
    from ..common.lexicon import FORMATS
    from ..common.textio import Corpus, check_readable, check_writable

    if fmt not in FORMATS:
        raise MinentError(f"--format must be one of {', '.join(FORMATS)}, got '{fmt}'")
    if new_only and not known:
        raise MinentError("--new-only needs a dictionary: --known DICT")
    if new_only and fmt != "tsv":
        raise MinentError("--new-only writes a TSV: the jieba format has no room for the '# total N' line that says "
                          "what the counts are out of (segment -l DICT -l NEW.tsv reads the TSV)")
    if scores and fmt != "tsv":
        raise MinentError("--scores adds TSV columns: it needs --format tsv")
    if scores and scheduler and scheduler.strip():
        raise MinentError("--scores is not available with --scheduler yet (it needs the n-gram tables on one machine)")
    for path in known or []:
        if str(path) == "-":
            raise MinentError("a --known dictionary must be a file, not standard input")
        check_readable(path)
    if jobs < 0:
        raise MinentError(f"--jobs must be 0 (all cores) or a positive number, got {jobs}")
    builder = LexiconBuilder(order=order, min_count=min_count, min_pmi=_parse_pmi(min_pmi), jobs=jobs,
                             refine=refine, iterations=iterations, scores=scores)
    if known:
        from ..lexicon.known import load_known

        builder.known = load_known(known)  # before the long work: a bad dictionary fails now
    source = Corpus.from_files(corpus, encoding=encoding)
    check_writable(output)  # fail before the long work, not after it
    progress = progress_for(quiet)
    builder.progress = progress
    try:
        if scheduler and scheduler.strip():
            from ..lexicon.cluster import fit as fit_on_cluster

            fit_on_cluster(builder, scheduler.strip(), corpus, encoding)
        else:
            builder.fit(source)
    finally:
        progress.close()
        source.close()
    lexicon = builder.new_words_ if new_only else builder.lexicon_
    lexicon.save(output, format=fmt, columns=builder.scores_ if scores else None)
    if not quiet:
        s = builder.stats_
        n_words = sum(1 for w in lexicon if len(w) > 1)
        typer.echo(
            f"minent: {s.n_chars:,} ideographs ({s.n_bytes / 1e6:.1f} MB) -> {len(lexicon):,} entries "
            f"({n_words:,} words of 2+ characters) in {s.seconds:.1f} s\n"
            f"minent: {s.n_ngrams:,} distinct n-grams, {s.n_kept:,} kept, {s.n_pieces:,} distinct pieces\n"
            f"minent: information per character: {s.bits_per_char_chars:.3f} bits as characters, "
            f"{s.bits_per_char_words:.3f} bits as words",
            err=True,
        )
        if builder.new_words_ is not None:
            typer.echo(f"minent: {len(builder.new_words_):,} words the dictionary lacks earn their place next to it"
                       f"{' (written alone: --new-only)' if new_only else ''}", err=True)
        for r in s.history:
            verdict = "" if r["accepted"] else " (L rose: not taken, refinement stopped)"
            typer.echo(
                f"minent: refinement round {r['round']}: L = {r['bits_per_char']:.4f} bits/char, "
                f"{r['n_words']:,} entries, {r['n_pruned']:,} pruned{verdict}",
                err=True,
            )
