"""`minent baskets`: each document (a line of text) as the basket of its words, for `minent apriori`.

Also what `minent apriori --text` shares with it: the word options and making the baskets."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Iterator, List, Optional

import typer

from ._app import app, guarded, jobs_option, progress_for, quiet_option, set_jobs

BASKET_FORMATS = ("csv", "fimi")
DEFAULT_MIN_LENGTH = 2
_WRITE_LINES = 1 << 13  # baskets joined into one write


def lexicon_option():
    return typer.Option(
        ..., "--lexicon", "-l", metavar="FILE", help="Lexicon to cut the documents with: build-lexicon's TSV or "
        "jieba's dictionary format. Repeat to add lexicons to the first (as in minent segment).", show_default=False,
    )


def stop_words_option():
    return typer.Option(None, "--stop-words", metavar="FILE", show_default=False,
                        help="Words left out of the baskets, one a line (UTF-8).")


def min_word_count_option():
    return typer.Option(
        None, "--min-word-count", metavar="N", show_default=False,
        help="Keep only words whose count in the lexicon (several: combined) is at least N; a word the "
        "lexicon lacks counts 0. Default: no such filter.",
    )


def encoding_option():
    return typer.Option("utf-8", "--encoding", help="Encoding of the documents, e.g. gb18030 or big5. The lexicon "
                        "is read as UTF-8.")


def check_word_options(lexicons: List[Path], sources: List[str], min_length: int, stop_words: Optional[Path],
                       min_word_count: Optional[int], encoding: str) -> str:
    """One-line errors for the options both commands share; the codec's name."""
    from ..common.errors import MinentError
    from ..common.textio import STDIN, check_encoding, check_readable

    encoding = check_encoding(encoding)
    for lexicon in lexicons:
        if str(lexicon) == STDIN:
            raise MinentError("the lexicon must be a file, not standard input")
        check_readable(lexicon)
    for source in sources:
        check_readable(source)
    if min_length < 1:
        raise MinentError(f"--min-length must be at least 1, got {min_length}")
    if min_word_count is not None and min_word_count < 0:
        raise MinentError(f"--min-word-count must be at least 0, got {min_word_count}")
    if stop_words is not None:
        if str(stop_words) == STDIN and STDIN in sources:
            raise MinentError("standard input ('-') holds the documents; give --stop-words as a file")
        check_readable(stop_words)
    return encoding


def make_baskets(lexicons: List[Path], sources: List[str], *, encoding: str, min_length: int,
                 stop_words: Optional[Path], min_word_count: Optional[int], jobs: int, progress, stats) -> tuple:
    """``(segmenter, baskets)``: the baskets of the documents of ``sources`` in turn, lazily
    (:func:`minent.segment.wordbaskets.word_baskets`); ``stats`` (a BasketStats) counts them."""
    from ..segment.segmenter import Segmenter
    from ..segment.wordbaskets import read_documents, word_baskets
    from ..segment.wordlists import read_word_list

    stop = [word for _, word, _ in read_word_list(stop_words)] if stop_words is not None else None
    segmenter = Segmenter(list(lexicons), jobs=jobs)

    def documents() -> Iterator[str]:
        for source in sources:
            yield from read_documents(source, encoding, progress, stats)

    return segmenter, word_baskets(segmenter, documents(), min_length=min_length, stop_words=stop,
                                   min_count=min_word_count)


def _csv_item(word: str) -> str:
    """A word as a CSV field (RFC 4180): quoted, its quotes doubled, when it holds a comma, a
    quote or a line break; as it is otherwise (minent apriori's reader takes both)."""
    if "," in word or '"' in word or "\n" in word or "\r" in word:
        return '"' + word.replace('"', '""') + '"'
    return word


def _fimi_line(basket: list[str]) -> str:
    line = " ".join(basket)
    if len(line.split()) != len(basket):  # cannot happen: whitespace is a word boundary
        from ..common.errors import MinentError

        raise MinentError(f"a word holds whitespace, which the fimi format cannot store: {basket!r}")
    return line


def runs_without_kernels(options: dict) -> bool:
    """No Numba for small documents cut with a small lexicon (as ``minent segment`` decides)."""
    from .segment import cuts_without_kernels

    return cuts_without_kernels(options.get("sources"), options.get("lexicons"), None)


@app.command("baskets")
@guarded
def baskets_command(
    lexicons: List[Path] = lexicon_option(),
    sources: Optional[List[str]] = typer.Argument(
        None, metavar="DOCS", help="Text, one document a line ('-' or nothing: standard input). Several inputs are "
        "read one after another.", show_default=False,
    ),
    output: str = typer.Option(
        "-", "--output", "-o", help="Write the baskets here ('-': standard output, written as the work goes on); "
        "a file is written whole or not at all.",
    ),
    fmt: Optional[str] = typer.Option(
        None, "--format", "-f", show_default=False,
        help="csv: a basket's words separated by commas (a word holding a comma or a quote is quoted, RFC 4180); "
        "fimi: separated by spaces. Default: csv when -o ends in .csv, else fimi (standard output too): minent "
        "apriori reads fimi with no header guess, so a first basket of words found nowhere else is never taken "
        "for a header (read a csv of baskets with minent apriori --no-header).",
    ),
    min_length: int = typer.Option(DEFAULT_MIN_LENGTH, "--min-length", "--min-word-length",
                                   help="Leave out words shorter than this many characters."),
    stop_words: Optional[Path] = stop_words_option(),
    min_word_count: Optional[int] = min_word_count_option(),
    encoding: str = encoding_option(),
    jobs: int = jobs_option(),
    quiet: bool = quiet_option(),
) -> None:
    """Turn each document (a line) into the basket of its words, one basket a line, for minent apriori.

    A basket holds the distinct words of the line's cut (as minent segment cuts it), in order of first occurrence, that are real words: at least one letter or ideograph (punctuation, symbols and numbers such as 2018 or 3.5% are left out), at least --min-length characters, not a stop word and, with --min-word-count, frequent enough in the lexicon. A line with no such word gives an empty line, so line N of the output is the basket of line N of the input (minent apriori skips empty lines: they are no baskets).
    """
    from ..common.errors import MinentError
    from ..common.textio import STDIN, check_writable, open_output
    from ..segment.wordbaskets import BasketStats

    started = time.perf_counter()
    sources = list(sources or [STDIN])
    if sources.count(STDIN) > 1:
        raise MinentError("standard input ('-') can be named only once")
    encoding = check_word_options(lexicons, sources, min_length, stop_words, min_word_count, encoding)
    if fmt is None:
        fmt = "csv" if output != STDIN and output.lower().endswith(".csv") else "fimi"
    if fmt not in BASKET_FORMATS:
        raise MinentError(f"--format must be {' or '.join(BASKET_FORMATS)}; got '{fmt}'")
    set_jobs(jobs)
    check_writable(output)  # fail on an unwritable output before any work
    progress = progress_for(quiet, streams_to_stdout=output == STDIN)
    stats = BasketStats()
    line_of = _fimi_line if fmt == "fimi" else (lambda basket: ",".join(map(_csv_item, basket)))
    n_empty = 0
    words: set[str] = set()
    try:
        segmenter, baskets = make_baskets(lexicons, sources, encoding=encoding, min_length=min_length,
                                          stop_words=stop_words, min_word_count=min_word_count, jobs=jobs,
                                          progress=progress, stats=stats)
        with open_output(output) as out:
            pending: list[str] = []
            for basket in baskets:
                if not basket:
                    n_empty += 1
                elif not quiet:
                    words.update(basket)
                pending.append(line_of(basket))
                if len(pending) >= _WRITE_LINES:
                    out.write("\n".join(pending) + "\n")
                    pending.clear()
            if pending:
                out.write("\n".join(pending) + "\n")
    finally:
        progress.close()
    if not quiet:
        seconds = time.perf_counter() - started
        typer.echo(
            f"minent: {stats.n_documents:,} documents -> {stats.n_documents - n_empty:,} baskets "
            f"({n_empty:,} empty) of {len(words):,} distinct words, cut with {segmenter.n_words:,} lexicon "
            f"entries in {seconds:.2f} s",
            err=True,
        )
