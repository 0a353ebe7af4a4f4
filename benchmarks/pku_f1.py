"""PKU development benchmark: unsupervised lexicon -> unigram segmentation -> word-span F1.

As ../shared/README.md describes: the lexicon is learned by ``minent.build_lexicon`` from
raw text only, People's Daily 1998-01 with every space deleted plus ``pku_test.utf8`` (no
gold segmentation is used for learning); ``pku_test.utf8`` is then cut by
``minent.Segmenter`` and scored against ``pku_test_gold.utf8`` by minent's scorer, with the
OOV recall of the gold words missing from ``pku_training_words.utf8``. Usage:

    python benchmarks/pku_f1.py [--min-count 5] [--min-pmi 1,3,5] [--order 4] [--set key=value ...]

``--set key=value`` passes any further keyword to ``build_lexicon`` (the value is read as a
Python literal when it is one, e.g. ``--set iterations=3``, else kept as a string).

The same figures through the command line (``C=../shared/data/cws``)::

    python -c "import sys; sys.stdout.write(open('$C/peoples_daily_199801_seg.utf8', encoding='utf-8').read().replace(' ', ''))" > pd_raw.txt
    minent build-lexicon -q pd_raw.txt $C/pku_test.utf8 -o pku_lex.tsv
    minent segment -q -l pku_lex.tsv $C/pku_test.utf8 -o pku_pred.txt
    minent score $C/pku_test_gold.utf8 pku_pred.txt --words $C/pku_training_words.utf8
"""

from __future__ import annotations

import argparse
import ast
import shlex
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CWS = ROOT.parent / "shared" / "data" / "cws"
PEOPLES_DAILY = CWS / "peoples_daily_199801_seg.utf8"
TEST = CWS / "pku_test.utf8"
GOLD = CWS / "pku_test_gold.utf8"
TRAINING_WORDS = CWS / "pku_training_words.utf8"


def run(**build_kwargs) -> dict:
    """Learn, segment and score once; return the figures (keywords go to ``build_lexicon``)."""
    import minent
    from minent.segment.score import read_lines, score_segmentation

    with tempfile.TemporaryDirectory(prefix="minent-pku-") as tmp:
        raw = Path(tmp) / "peoples_daily_raw.txt"
        raw.write_text(PEOPLES_DAILY.read_text(encoding="utf-8").replace(" ", ""), encoding="utf-8")
        start = time.perf_counter()
        lexicon = minent.build_lexicon([raw, TEST], **build_kwargs)
        build_seconds = time.perf_counter() - start

    start = time.perf_counter()
    segmenter = minent.Segmenter(lexicon)
    load_seconds = time.perf_counter() - start
    test_lines = read_lines(TEST)
    start = time.perf_counter()
    predicted = [" ".join(words) for words in segmenter.cut_many(test_lines)]
    segment_seconds = time.perf_counter() - start

    training_words = read_lines(TRAINING_WORDS)
    score = score_segmentation(read_lines(GOLD), predicted, [w.strip() for w in training_words],
                               gold_name="gold", pred_name="minent")
    return {
        "precision": score.precision,
        "recall": score.recall,
        "f1": score.f1,
        "oov_recall": score.oov_recall,
        "gold_words": score.n_gold,
        "predicted_words": score.n_pred,
        "lexicon_words": len(lexicon),
        "build_seconds": build_seconds,
        "segmenter_seconds": load_seconds,
        "segment_seconds": segment_seconds,
    }


def _value(text: str):
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def parse_args(argv: list[str]) -> dict:
    """Command-line options -> ``build_lexicon`` keywords (only those given)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--min-count", type=int)
    parser.add_argument("--min-pmi", help="comma-separated thresholds, e.g. 1,3,5")
    parser.add_argument("--order", type=int)
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="any other build_lexicon keyword (repeatable)")
    args = parser.parse_args(argv)
    kwargs: dict = {}
    if args.min_count is not None:
        kwargs["min_count"] = args.min_count
    if args.min_pmi is not None:
        kwargs["min_pmi"] = [float(x) for x in args.min_pmi.split(",")]
    if args.order is not None:
        kwargs["order"] = args.order
    for item in args.set:
        key, sep, value = item.partition("=")
        if not sep or not key:
            parser.error(f"--set wants key=value, got {item!r}")
        kwargs[key.strip().replace("-", "_")] = _value(value)
    return kwargs


def main(argv: list[str]) -> None:
    missing = [p for p in (PEOPLES_DAILY, TEST, GOLD, TRAINING_WORDS) if not p.exists()]
    if missing:
        print(f"benchmark skipped: {missing[0]} is not available (../shared is absent)")
        return
    kwargs = parse_args(argv)
    import inspect

    import minent

    known = inspect.signature(minent.build_lexicon).parameters
    unknown = [k for k in kwargs if k not in known]
    if unknown:
        sys.exit(f"build_lexicon has no option {unknown[0]!r} (it takes {', '.join(known)})")
    figures = run(**kwargs)
    shown = ", ".join(f"{k}={v}" for k, v in kwargs.items()) or "defaults"
    print(f"PKU development benchmark (build_lexicon: {shown})")
    print(f"  precision        {figures['precision']:.4f}")
    print(f"  recall           {figures['recall']:.4f}")
    print(f"  F1               {figures['f1']:.4f}")
    print(f"  OOV recall       {figures['oov_recall']:.4f}")
    print(f"  lexicon          {figures['lexicon_words']:,} words")
    print(f"  build_lexicon    {figures['build_seconds']:.2f} s")
    print(f"  Segmenter()      {figures['segmenter_seconds']:.3f} s")
    print(f"  segment test     {figures['segment_seconds']:.3f} s")
    print("reproduce: python benchmarks/pku_f1.py " + " ".join(shlex.quote(a) for a in argv))


if __name__ == "__main__":
    main(sys.argv[1:])
