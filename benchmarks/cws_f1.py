"""Accuracy on the three development regimes: unsupervised lexicon -> unigram segmentation -> F1.

For each regime the lexicon is learned by ``minent.build_lexicon`` from raw text only (no gold
segmentation is used for learning), the test text is cut by ``minent.Segmenter`` and scored
against its gold segmentation by minent's scorer (word-span F1; OOV recall of the gold words
missing from ``pku_training_words.utf8`` for the PKU test). The three regimes
(``../shared/data/cws``, see its README):

- **PKU**: People's Daily 1998-01 with every space deleted, plus ``pku_test.utf8`` (~8 MB);
- **SXU**: ``sxu_train_raw.utf8`` plus ``sxu_test.utf8`` (~3 MB, a second annotation standard);
- **PKU test alone**: ``pku_test.utf8`` only (0.5 MB, the small regime).

The peer, measured in the same run when it is installed (``pip install jieba``): jieba with its
own hand-made dictionary and its HMM for unknown words, a supervised segmenter. Usage:

    python benchmarks/cws_f1.py [--regime PKU] [--min-count N] [--set key=value ...]

``--set key=value`` passes any further keyword to ``build_lexicon`` (the value is read as a
Python literal when it is one, e.g. ``--set refine=False``, else kept as a string).

The PKU figure through the command line (``C=../shared/data/cws``)::

    python -c "import sys; sys.stdout.write(open('$C/peoples_daily_199801_seg.utf8', encoding='utf-8').read().replace(' ', ''))" > pd_raw.txt
    minent build-lexicon -q pd_raw.txt $C/pku_test.utf8 -o pku_lex.tsv
    minent segment -q -l pku_lex.tsv $C/pku_test.utf8 -o pku_pred.txt
    minent score $C/pku_test_gold.utf8 pku_pred.txt --words $C/pku_training_words.utf8

Every design tried for issue 12, kept or not, with its three F1s: README.md, Accuracy.
"""

from __future__ import annotations

import argparse
import ast
import shlex
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CWS = ROOT.parent / "shared" / "data" / "cws"
PEOPLES_DAILY = CWS / "peoples_daily_199801_seg.utf8"
PKU_TEST, PKU_GOLD = CWS / "pku_test.utf8", CWS / "pku_test_gold.utf8"
SXU_RAW, SXU_TEST, SXU_GOLD = CWS / "sxu_train_raw.utf8", CWS / "sxu_test.utf8", CWS / "sxu_test_gold.utf8"
TRAINING_WORDS = CWS / "pku_training_words.utf8"

#: regime -> (the raw texts to learn from, as a function of a scratch folder; test text; gold)
REGIMES = {
    "PKU": (lambda tmp: [_without_spaces(PEOPLES_DAILY, tmp), PKU_TEST], PKU_TEST, PKU_GOLD),
    "SXU": (lambda tmp: [SXU_RAW, SXU_TEST], SXU_TEST, SXU_GOLD),
    "PKU test alone": (lambda tmp: [PKU_TEST], PKU_TEST, PKU_GOLD),
}
#: the targets of issue 12
TARGETS = {"PKU": 0.81, "SXU": 0.80, "PKU test alone": 0.77}


def _without_spaces(path: Path, tmp: Path) -> Path:
    raw = tmp / (path.stem + "_raw.txt")
    if not raw.exists():
        raw.write_text(path.read_text(encoding="utf-8").replace(" ", ""), encoding="utf-8")
    return raw


def run(regime: str, tmp: Path, **build_kwargs) -> dict:
    """Learn, segment and score one regime; return the figures (keywords go to ``build_lexicon``)."""
    import minent
    from minent.segment.score import read_lines, score_segmentation

    sources, test, gold = REGIMES[regime]
    start = time.perf_counter()
    lexicon = minent.build_lexicon(sources(tmp), **build_kwargs)
    build_seconds = time.perf_counter() - start
    test_lines = read_lines(test)
    predicted = [" ".join(words) for words in minent.Segmenter(lexicon).cut_many(test_lines)]
    known = [w.strip() for w in read_lines(TRAINING_WORDS)] if test == PKU_TEST else None
    score = score_segmentation(read_lines(gold), predicted, known, gold_name="gold", pred_name="minent")
    return {"score": score, "lexicon_words": len(lexicon), "build_seconds": build_seconds,
            "jieba": _jieba_f1(test_lines, gold)}


def _jieba_f1(lines: list[str], gold: Path):
    """jieba's F1 on the same test (its dictionary + HMM), or None when jieba is not installed."""
    try:
        import jieba
    except ImportError:
        return None
    import logging

    from minent.segment.score import read_lines, score_segmentation

    jieba.setLogLevel(logging.WARNING)
    predicted = [" ".join(w for w in jieba.cut(line.strip()) if w.strip()) for line in lines]
    return score_segmentation(read_lines(gold), predicted).f1


def _value(text: str):
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def parse_args(argv: list[str]) -> tuple[list[str], dict]:
    """Command-line options -> (the regimes, ``build_lexicon`` keywords given)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--regime", action="append", choices=list(REGIMES), help="only this regime (repeatable)")
    parser.add_argument("--min-count", type=int)
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="any other build_lexicon keyword (repeatable)")
    args = parser.parse_args(argv)
    kwargs: dict = {}
    if args.min_count is not None:
        kwargs["min_count"] = args.min_count
    for item in args.set:
        key, sep, value = item.partition("=")
        if not sep or not key:
            parser.error(f"--set wants key=value, got {item!r}")
        kwargs[key.strip().replace("-", "_")] = _value(value)
    return args.regime or list(REGIMES), kwargs


def main(argv: list[str]) -> None:
    missing = [p for p in (PEOPLES_DAILY, PKU_TEST, PKU_GOLD, SXU_RAW, SXU_TEST, SXU_GOLD, TRAINING_WORDS)
               if not p.exists()]
    if missing:
        print(f"benchmark skipped: {missing[0]} is not available (../shared is absent)")
        return
    regimes, kwargs = parse_args(argv)
    import inspect
    import tempfile

    import minent

    known = inspect.signature(minent.build_lexicon).parameters
    unknown = [k for k in kwargs if k not in known]
    if unknown:
        sys.exit(f"build_lexicon has no option {unknown[0]!r} (it takes {', '.join(known)})")
    shown = ", ".join(f"{k}={v}" for k, v in kwargs.items()) or "defaults"
    print(f"development accuracy (build_lexicon: {shown}); peer: jieba (its dictionary + HMM)")
    print(f"{'regime':16} {'P':>7} {'R':>7} {'F1':>7} {'target':>7} {'OOV R':>7} {'words':>8} {'build':>8}"
          f" {'jieba F1':>9} {'minent/jieba':>12}")
    with tempfile.TemporaryDirectory(prefix="minent-cws-") as tmp:
        for regime in regimes:
            f = run(regime, Path(tmp), **kwargs)
            s = f["score"]
            oov = f"{s.oov_recall:.4f}" if s.oov_recall is not None else "-"
            jieba_f1 = f["jieba"]
            peer = (f"{jieba_f1:9.4f} {s.f1 / jieba_f1:12.3f}" if jieba_f1 else f"{'-':>9} {'-':>12}")
            print(f"{regime:16} {s.precision:7.4f} {s.recall:7.4f} {s.f1:7.4f} {TARGETS[regime]:7.2f} {oov:>7}"
                  f" {f['lexicon_words']:8,} {f['build_seconds']:7.2f}s {peer}", flush=True)
    print("reproduce: python benchmarks/cws_f1.py " + " ".join(shlex.quote(a) for a in argv))


if __name__ == "__main__":
    main(sys.argv[1:])
