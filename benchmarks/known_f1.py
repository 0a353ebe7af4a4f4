"""Adapting a dictionary to a corpus: the dictionary alone against the dictionary plus the new words.

For each development regime (``../shared/data/cws``, as in ``cws_f1.py``): learn the words that
jieba's dictionary (``../shared/data/dict/jieba_dict.txt``) lacks from the raw text with
``build_lexicon(known=..., new_only=True)`` (= ``minent build-lexicon --known DICT --new-only``),
segment the test text with the dictionary alone and with both (``Segmenter([dict, new])`` =
``minent segment -l DICT -l NEW``), and score both (F1, and OOV recall against
``pku_training_words.utf8``). Peer, in the same run when installed: jieba itself (its
dictionary + HMM). Then the cost: ``minent build-lexicon --known DICT --new-only`` against a plain
``minent build-lexicon`` on the 14 MB corpus of ``bench_build_lexicon.py``, whole process,
interleaved, median of ``--repeat`` runs. Usage:

    python benchmarks/known_f1.py [--regime SXU] [--repeat 3] [--no-timing]

Through the command line (``C=../shared/data/cws``, ``D=../shared/data/dict/jieba_dict.txt``)::

    minent build-lexicon -q $C/sxu_train_raw.utf8 $C/sxu_test.utf8 --known $D --new-only -o new.tsv
    minent segment -q -l $D -l new.tsv $C/sxu_test.utf8 -o pred.txt
    minent score $C/sxu_test_gold.utf8 pred.txt --words $C/pku_training_words.utf8
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cws_f1 import REGIMES, TRAINING_WORDS, _jieba_f1  # noqa: E402

DICTIONARY = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "dict" / "jieba_dict.txt"


def scores(regime: str, tmp: Path, dictionary) -> dict:
    import minent
    from minent.segment.score import read_lines, score_segmentation

    sources, test, gold = REGIMES[regime]
    new = minent.build_lexicon(sources(tmp), known=dictionary, new_only=True)
    lines = read_lines(test)
    training = [w.strip() for w in read_lines(TRAINING_WORDS)]
    result = {"new": new}
    for name, lexicons in (("alone", dictionary), ("with new", [dictionary, new])):
        predicted = [" ".join(words) for words in minent.Segmenter(lexicons).cut_many(lines)]
        result[name] = score_segmentation(read_lines(gold), predicted, training)
    result["jieba"] = _jieba_f1(lines, gold)
    return result


def timing(repeat: int) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_build_lexicon import build_corpus

    with tempfile.TemporaryDirectory(prefix="minent-known-") as tmp:
        corpus = build_corpus(Path(tmp))
        commands = {
            "build-lexicon": ["minent", "build-lexicon", "-q", str(corpus), "-o", str(Path(tmp) / "plain.tsv")],
            "build-lexicon --known DICT --new-only": ["minent", "build-lexicon", "-q", str(corpus), "--known",
                                                      str(DICTIONARY), "--new-only", "-o", str(Path(tmp) / "new.tsv")],
        }
        times: dict = {name: [] for name in commands}
        for _ in range(repeat + 1):  # the first round warms the caches and is not counted
            for name, command in commands.items():
                start = time.perf_counter()
                subprocess.run(command, check=True)
                times[name].append(time.perf_counter() - start)
        plain, known = (statistics.median(t[1:]) for t in times.values())
        print(f"\ncost on {corpus.stat().st_size / 1e6:.1f} MB, whole process, median of {repeat}:")
        print(f"  build-lexicon                           {plain:6.2f} s")
        print(f"  build-lexicon --known DICT --new-only   {known:6.2f} s   ratio {known / plain:.2f} (goal <= 1.5)")


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--regime", action="append", choices=list(REGIMES))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-timing", action="store_true")
    args = parser.parse_args(argv)
    if not DICTIONARY.exists():
        print(f"benchmark skipped: {DICTIONARY} is not available (../shared is absent)")
        return
    import minent

    dictionary = minent.Lexicon.load(DICTIONARY)
    print("dictionary: jieba_dict.txt; F1 (OOV recall), the dictionary alone and with the new words")
    print(f"{'regime':16} {'alone':>16} {'with new words':>16} {'gain':>7} {'new words':>9} {'jieba+HMM':>9}")
    with tempfile.TemporaryDirectory(prefix="minent-known-") as tmp:
        for regime in args.regime or list(REGIMES):
            r = scores(regime, Path(tmp), dictionary)
            a, b = r["alone"], r["with new"]
            peer = f"{r['jieba']:9.4f}" if r["jieba"] else f"{'-':>9}"
            print(f"{regime:16} {a.f1:.4f} ({a.oov_recall:.3f}) {b.f1:.4f} ({b.oov_recall:.3f}) "
                  f"{(b.f1 - a.f1) * 100:+6.2f} {len(r['new']):9,} {peer}", flush=True)
            print("   first new words: " + " ".join(r["new"].words()[:25]))
    if not args.no_timing:
        timing(args.repeat)


if __name__ == "__main__":
    main(sys.argv[1:])
