"""`minent score`: word-span precision, recall and F1 of a segmentation."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from ._app import app, guarded


@app.command("score")
@guarded
def score_command(
    gold: Path = typer.Argument(..., help="Gold segmentation: one line per text line, words separated by whitespace.",
                                show_default=False),
    pred: Path = typer.Argument(..., help="Segmentation to score, in the same form, line for line.",
                                show_default=False),
    training_words: Optional[Path] = typer.Option(
        None, "--words", "--training-words", "-w", help="Word list (one a line) of the training data; adds "
        "the recall of gold words outside it (OOV recall). Default: none.", show_default=False,
    ),
    encoding: str = typer.Option("utf-8", "--encoding", help="Encoding of the files."),
) -> None:
    """Score PRED against GOLD: a word is right when its start and its end both match a gold word.

    Prints tab-separated name/value lines. The files must hold the same characters line for
    line (whitespace aside); otherwise scoring stops and says at which line and character.
    """
    from ..segment.score import score_files
    from ..common.textio import open_output

    result = score_files(gold, pred, training_words, encoding)
    rows = [
        ("precision", f"{result.precision:.4f}"),
        ("recall", f"{result.recall:.4f}"),
        ("f1", f"{result.f1:.4f}"),
    ]
    if result.oov_recall is not None:
        rows.append(("oov_recall", f"{result.oov_recall:.4f}"))
    rows += [
        ("gold_words", str(result.n_gold)),
        ("predicted_words", str(result.n_pred)),
        ("correct_words", str(result.n_correct)),
        ("lines", str(result.n_lines)),
    ]
    if result.n_oov is not None:
        rows.append(("gold_oov_words", str(result.n_oov)))
    with open_output(None) as out:
        out.write("".join(f"{name}\t{value}\n" for name, value in rows))
