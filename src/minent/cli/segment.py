"""`minent segment`: cut text into the words of a lexicon (unigram model, Viterbi)."""

from __future__ import annotations

import os
from functools import partial
from pathlib import Path
from typing import List, Optional

import typer

from ._app import app, guarded, jobs_option, progress_for, quiet_option, scheduler_option, set_jobs


def runs_without_kernels(kwargs: dict) -> bool:
    """Whether this run cuts in plain Python, with no Numba in the process: the library's own
    rule (:mod:`minent.segment.plain`) predicted from the options and the sizes of the files.
    Plain text of small regular files, small lexicon files without entries of mixed scripts,
    no word lists, filters, search mode, JSON lines or cluster. A run that will fail on its
    files before it cuts anything needs no kernels either."""
    if (kwargs.get("fmt") != "text" or kwargs.get("mode") != "default" or kwargs.get("add_words") is not None
            or kwargs.get("stop_words") is not None or kwargs.get("min_length") != 1
            or (kwargs.get("scheduler") or "").strip()):
        return False
    return cuts_without_kernels(kwargs.get("sources"), kwargs.get("lexicons"), kwargs.get("lexicon_format"))


def cuts_without_kernels(sources: Optional[list], lexicons: Optional[list], lexicon_format: Optional[str]) -> bool:
    """Whether a Segmenter of ``lexicons`` will cut all of ``sources`` (files; None: standard
    input) in plain Python: small regular files and small lexicon files without entries of
    mixed scripts (:mod:`minent.segment.plain`). ``minent segment``, ``baskets`` and
    ``apriori --text`` ask it before Numba starts."""
    from ..common.errors import MinentError
    from ..common.textio import STDIN
    from ..segment import plain

    if plain.kernels_forced():
        return False
    sources = [str(s) for s in sources or [STDIN]]
    lexicons = [str(s) for s in lexicons or []]
    if not lexicons or STDIN in sources or STDIN in lexicons:
        return False
    if not all(os.path.exists(p) for p in sources + lexicons):
        return True  # the command stops at the missing file
    if not plain.small_files(sources, plain.TEXT_CHARS) or not plain.plain_lexicon_files(lexicons):
        return False
    try:  # kept: the Segmenter made next reads them from memory
        counts = plain.read_counts(lexicons, None if lexicon_format in (None, "auto") else lexicon_format, "utf-8")
    except MinentError:
        return True  # the command stops at it, with the same message
    return not plain.has_mixed(counts)


def _delimiter(text: str) -> str:
    from ..common.errors import MinentError

    text = {"\\t": "\t", "\\s": " "}.get(text, text)
    if not text:
        raise MinentError("--delimiter must not be empty")
    if "\n" in text or "\r" in text:
        raise MinentError("--delimiter must not contain a line break (lines in must match lines out)")
    return text


class _LastByte:
    """A binary stream that remembers the last byte written through it, so that an input's
    last line, when it has no line feed, still ends before the next input's first line."""

    def __init__(self, stream) -> None:
        self.stream = stream
        self.last = b"\n"

    def write(self, data) -> int:
        view = memoryview(data).cast("B")
        if len(view):
            self.last = bytes(view[-1:])
        return self.stream.write(data)

    def flush(self) -> None:
        self.stream.flush()


def _targets(sources: list, output: str) -> list:
    """The file each input is written to when ``output`` is a directory (``-o DIR/``), else []."""
    from ..common.errors import MinentError
    from ..common.textio import STDIN, same_output

    if output == STDIN or not (output.endswith("/") or os.path.isdir(output)):
        return []
    if not os.path.isdir(output):
        reason = "not a directory" if os.path.exists(output.rstrip("/")) else "no such directory"
        raise MinentError(f"cannot write to '{output}': {reason}")
    if STDIN in sources:
        raise MinentError("-o DIR/ writes each input to the file of its name; standard input has none")
    targets = [os.path.join(output, os.path.basename(os.path.normpath(source))) for source in sources]
    for target in targets:
        if targets.count(target) > 1:
            raise MinentError(f"two inputs are named '{os.path.basename(target)}': both would be written to '{target}'")
    for source, target in zip(sources, targets):
        if os.path.exists(target) and same_output(source, target):
            raise MinentError(f"'{source}' would be written over itself ('{target}'); choose another directory")
    return targets


@app.command("segment")
@guarded
def segment_command(
    lexicons: List[Path] = typer.Option(
        ..., "--lexicon", "-l", metavar="FILE", help="Lexicon file: build-lexicon's TSV (word<TAB>count) or jieba's "
        "dictionary format (word count \\[tag]). Repeat to add lexicons to the first: each is rescaled to the "
        "first one's total count, and a word in several takes its largest rescaled count.", show_default=False,
    ),
    sources: Optional[List[str]] = typer.Argument(
        None, metavar="INPUT", help="Text to segment ('-' or nothing: standard input). Several inputs are "
        "written one after another (each as if segmented alone), or each to its own file with -o DIR/.",
        show_default=False,
    ),
    output: str = typer.Option(
        "-", "--output", "-o", help="Write the segmented text here ('-': standard output, written as the work goes on). A file "
        "is written to a temporary file beside it and renamed at the end, so on an error or Ctrl-C no partial "
        "file is left; a symbolic link is followed; a device or FIFO is written directly. An existing directory "
        "(or a path ending in /, which must exist): each input to the file of its name there.",
    ),
    lexicon_format: str = typer.Option(
        "auto", "--lexicon-format", help="auto (a tab on the first entry line means tsv, else jieba; file by file), "
        "tsv or jieba.",
    ),
    delimiter: str = typer.Option(
        " ", "--delimiter", "-d", help="Written between words (\\t for a tab, \\s for a space). Whitespace in "
        "the input is a word boundary and is replaced by this.", show_default="one space",
    ),
    encoding: str = typer.Option("utf-8", "--encoding", help="Encoding of the input, e.g. gb18030 or big5. "
                                 "The lexicon is read as UTF-8; the output is UTF-8."),
    fmt: str = typer.Option(
        "text", "--format", help="text: the words of each line joined by the delimiter; jsonl: one JSON object a "
        "line, {\"words\": \\[...], \"spans\": \\[\\[start, end], ...]}, offsets in characters of the input line.",
    ),
    mode: str = typer.Option(
        "default", "--mode", help="default: the cut; search: each word followed by the lexicon words of two or "
        "more characters inside it (for search indexes).",
    ),
    add_words: Optional[Path] = typer.Option(
        None, "--add-words", help="Words to keep whole, one a line (UTF-8; jieba's user-dictionary lines "
        "'word count tag' work too: a count, when given, is used as it is).", show_default=False,
    ),
    stop_words: Optional[Path] = typer.Option(
        None, "--stop-words", help="Words left out of the output, one a line (UTF-8); they still take part in "
        "the cut.", show_default=False,
    ),
    min_length: int = typer.Option(1, "--min-length", help="Leave out words shorter than this many characters."),
    jobs: int = jobs_option(),
    scheduler: Optional[str] = scheduler_option("INPUT", "shared file system or fsspec URL", "output"),
    quiet: bool = quiet_option(),
) -> None:
    """Cut text into words: among all cuts of a run of ideographs into lexicon words, the one of least total information, sum of -ln(count/total). One output line per input line.

    A character missing from the lexicon counts as seen 0.5 times. Digits, Latin words and punctuation are grouped by rules (a number such as -3.5% or 1,000; a word such as e-mail; a run of one dash or ellipsis character; every other mark alone), never split. A lexicon entry that mixes scripts (T恤, 卡拉OK, 3D打印) is kept whole where it occurs, unless it would cut a Latin word or a number in two. Whitespace is a word boundary: it is replaced by the delimiter (LF line ends are kept; a CR is whitespace).
    """
    from ..common.errors import MinentError
    from ..common.lexicon import FORMATS
    from ..segment.segmenter import FORMATS as OUTPUT_FORMATS, MODES, Segmenter, SegmentStats
    from ..segment.wordlists import read_word_list
    from ..common.textio import STDIN, check_encoding, check_readable, check_writable, open_output

    if lexicon_format not in ("auto", *FORMATS):
        raise MinentError(f"--lexicon-format must be auto, {' or '.join(FORMATS)}; got '{lexicon_format}'")
    sep = _delimiter(delimiter)
    encoding = check_encoding(encoding)
    for lexicon in lexicons:
        if str(lexicon) == STDIN:
            raise MinentError("the lexicon must be a file, not standard input")
        check_readable(lexicon)
    sources = list(sources or [STDIN])
    for source in sources:
        check_readable(source)
    if sources.count(STDIN) > 1:
        raise MinentError("standard input ('-') can be named only once")
    if fmt not in OUTPUT_FORMATS:
        raise MinentError(f"--format must be {' or '.join(OUTPUT_FORMATS)}; got '{fmt}'")
    if mode not in MODES:
        raise MinentError(f"--mode must be {' or '.join(MODES)}; got '{mode}'")
    if min_length < 1:
        raise MinentError(f"--min-length must be at least 1, got {min_length}")
    set_jobs(jobs)  # waits for Numba when the run cuts in plain Python (runs_without_kernels)
    targets = _targets(sources, output)
    for target in targets or [output]:
        check_writable(target)  # fail on an unwritable output before any work
    for word_list in (add_words, stop_words):
        if word_list is not None and str(word_list) == STDIN and STDIN in sources:
            raise MinentError("standard input ('-') is the text to segment; give the word list as a file")
    stop = [word for _, word, _ in read_word_list(stop_words)] if stop_words is not None else None
    segmenter = Segmenter(list(lexicons), lexicon_format=None if lexicon_format == "auto" else lexicon_format, jobs=jobs,
                          stop_words=stop, min_length=min_length)
    if add_words is not None:
        for line, word, count in read_word_list(add_words, with_counts=True):
            try:
                segmenter.add_word(word, count)
            except MinentError as e:
                raise MinentError(f"'{add_words}', line {line}: {e}") from None
    progress = progress_for(quiet, streams_to_stdout=output == STDIN)
    segment_file = segmenter.segment_file
    if scheduler and scheduler.strip():  # the same output, segmented on the Dask cluster
        from ..segment import cluster

        segment_file = partial(cluster.segment_file, scheduler.strip(), segmenter)
    segment_file = partial(segment_file, mode=mode, format=fmt)
    stats = SegmentStats()

    def add(done: SegmentStats) -> None:
        stats.n_bytes += done.n_bytes
        stats.n_chars += done.n_chars
        stats.n_lines += done.n_lines
        stats.seconds += done.seconds

    try:
        # standard output is written chunk by chunk as the work goes on (| head sees the first
        # lines at once); a file is written whole or not at all
        if targets:
            for source, target in zip(sources, targets):
                with open_output(target, binary=True) as out:
                    add(segment_file(source, out, sep, encoding, progress))
        else:
            with open_output(output, binary=True) as out:
                tracked = _LastByte(out)
                for i, source in enumerate(sources):
                    if i and tracked.last != b"\n":  # the previous input's last line had no line feed
                        tracked.write(b"\n")
                    add(segment_file(source, tracked, sep, encoding, progress))
    finally:
        progress.close()
    if not quiet:
        rate = stats.n_bytes / 1e6 / stats.seconds if stats.seconds > 0 else 0.0
        typer.echo(
            f"minent: segmented {stats.n_bytes / 1e6:.1f} MB ({stats.n_lines:,} lines) with "
            f"{segmenter.n_words:,} lexicon entries in {stats.seconds:.2f} s ({rate:.1f} MB/s)",
            err=True,
        )
