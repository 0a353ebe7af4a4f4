"""Corpora of any size whose vocabulary and n-gram diversity keep growing, as real text's do.

Repeating a base text (what `bench_scale.py` does by default) keeps the distinct n-grams
fixed from the second copy on, so it says nothing about memory on a large real corpus. This
module samples new text instead, from two models fitted to the shared raw text (the same
~19 MB base):

* a word bigram model, interpolated with the word unigrams (weight ``UNIGRAM_WEIGHT``): the
  words of the base, cut by a lexicon minent learns from the base, recombined into sentences
  the base never had, so the n-grams across word boundaries keep growing;
* new words: with probability ``NEW_WORD_RATE`` a token is drawn instead from a Zipf law
  (exponent ``ZIPF_EXPONENT``) over ``SYNTHETIC_WORDS`` made-up words of two or three
  ideographs, drawn by the base's character frequencies (names, terms). A Zipf law over an
  unbounded vocabulary gives Heaps' law: the number of distinct words keeps growing, ever
  more slowly, like a real corpus's.

The sampling is a Numba kernel, seeded: the same size and seed give the same bytes.
`python benchmarks/distinct_corpus.py --size 100 -o corpus.txt` writes one; `--stats`
prints its distinct n-grams next to the base's.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numba
import numpy as np

UNIGRAM_WEIGHT = 0.1
NEW_WORD_RATE = 0.03
ZIPF_EXPONENT = 1.1
SYNTHETIC_WORDS = 100_000_000
BLOCK_BYTES = 64 << 20


def base_model(base: bytes) -> dict:
    """The arrays the sampler needs, fitted to ``base`` (UTF-8 text, a sentence a line)."""
    import minent

    lines = base.decode("utf-8").splitlines()
    lexicon = minent.build_lexicon([base.decode("utf-8")])
    words = minent.Segmenter(lexicon).cut_many(lines)
    vocab = {"\n": 0}
    ids = []
    for line in words:
        if not line:
            continue
        ids.extend(vocab.setdefault(w, len(vocab)) for w in line if not w.isspace())
        ids.append(0)
    ids = np.array(ids, dtype=np.int64)
    v = len(vocab)
    # bigram successors in CSR: row = previous token (0: start of a line)
    prev = np.concatenate([[0], ids[:-1]])
    pair = prev * v + ids
    keys, counts = np.unique(pair, return_counts=True)
    rows = keys // v
    starts = np.searchsorted(rows, np.arange(v + 1))
    unigram = np.bincount(ids, minlength=v)
    strings = list(vocab)
    encoded = [s.encode("utf-8") for s in strings]
    offsets = np.zeros(v + 1, dtype=np.int64)
    offsets[1:] = np.cumsum([len(b) for b in encoded])
    # characters for made-up words, by frequency (ideographs only)
    chars = {}
    for w, c in zip(strings, unigram.tolist()):
        for ch in w:
            if "\u4e00" <= ch <= "\u9fff":
                chars[ch] = chars.get(ch, 0) + c
    char_list = sorted(chars)
    char_bytes = np.frombuffer("".join(char_list).encode("utf-8"), dtype=np.uint8).reshape(-1, 3)
    return {
        "successors": (keys % v).astype(np.int64),
        "successor_cum": _row_cumsum(counts.astype(np.int64), starts),
        "row_starts": starts.astype(np.int64),
        "unigram_cum": np.cumsum(unigram).astype(np.int64),
        "token_bytes": np.frombuffer(b"".join(encoded), dtype=np.uint8),
        "token_offsets": offsets,
        "char_cum": np.cumsum([chars[c] for c in char_list]).astype(np.int64),
        "char_bytes": np.ascontiguousarray(char_bytes),
        "vocabulary": v,
    }


def _row_cumsum(counts: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Cumulative counts restarting at each row."""
    cum = np.cumsum(counts)
    before = np.repeat(np.concatenate([[0], cum[starts[1:-1] - 1]]), np.diff(starts))
    return cum - before


@numba.njit(cache=True)
def _splitmix(x):
    x = (x + np.uint64(0x9E3779B97F4A7C15)) & np.uint64(0xFFFFFFFFFFFFFFFF)
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


@numba.njit(cache=True)
def _sample_block(out, seed, prev, successors, successor_cum, row_starts, unigram_cum, token_bytes,
                  token_offsets, char_cum, char_bytes, unigram_weight, new_rate, zipf_s, n_synthetic):
    """Fill ``out`` with sampled text up to its last line end; returns (bytes written, last token)."""
    np.random.seed(seed)
    n = 0
    cap = len(out)
    last_line_end = 0
    total_unigram = unigram_cum[-1]
    total_chars = char_cum[-1]
    one_minus_s = 1.0 - zipf_s
    top = float(n_synthetic) ** one_minus_s
    while True:
        u = np.random.random()
        if prev != 0 and u < new_rate:  # a made-up word (never at the start of a line)
            r = (((top - 1.0) * np.random.random() + 1.0) ** (1.0 / one_minus_s))
            rank = np.uint64(int(r))
            h = _splitmix(rank)
            length = 2 + int(h % np.uint64(2))
            if n + 3 * length > cap:
                break
            for i in range(length):
                h = _splitmix(h + np.uint64(i))
                c = np.searchsorted(char_cum, int(h % np.uint64(total_chars)), side="right")
                for b in range(3):
                    out[n] = char_bytes[c, b]
                    n += 1
            prev = -1
            continue
        if prev < 0 or np.random.random() < unigram_weight:
            token = np.searchsorted(unigram_cum, np.random.randint(0, total_unigram), side="right")
        else:
            lo, hi = row_starts[prev], row_starts[prev + 1]
            if hi == lo:
                token = np.searchsorted(unigram_cum, np.random.randint(0, total_unigram), side="right")
            else:
                pick = np.random.randint(0, successor_cum[hi - 1])
                token = successors[lo + np.searchsorted(successor_cum[lo:hi], pick, side="right")]
        a, b = token_offsets[token], token_offsets[token + 1]
        if n + (b - a) > cap:
            break
        for i in range(a, b):
            out[n] = token_bytes[i]
            n += 1
        if token == 0:
            last_line_end = n
        prev = token
    return last_line_end, prev


def write_corpus(path: Path, model: dict, size: int, seed: int = 1) -> Path:
    """Sample ``size`` bytes (cut at a line end) into ``path``."""
    buffer = np.empty(BLOCK_BYTES, dtype=np.uint8)
    written, block = 0, 0
    with open(path, "wb") as out:
        while written < size:
            want = min(BLOCK_BYTES, size - written)
            n, _ = _sample_block(buffer[:want], seed * 1_000_003 + block, 0, model["successors"],
                                 model["successor_cum"], model["row_starts"], model["unigram_cum"],
                                 model["token_bytes"], model["token_offsets"], model["char_cum"],
                                 model["char_bytes"], UNIGRAM_WEIGHT, NEW_WORD_RATE, ZIPF_EXPONENT,
                                 SYNTHETIC_WORDS)
            if n == 0:
                break
            out.write(buffer[:n].tobytes())
            written += n
            block += 1
    return path


def distinct_ngrams(path: Path, order: int = 4) -> list[int]:
    """Distinct n-grams (n = 1..order) of a corpus, as ``build-lexicon`` counts them."""
    import minent

    builder = minent.LexiconBuilder(refine=False)
    builder.fit([path])
    return builder.stats_.n_ngrams


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=float, default=100, help="MB to write (default 100)")
    parser.add_argument("--seed", type=int, default=1, help="sampling seed (default 1)")
    parser.add_argument("-o", "--output", type=Path, required=True, help="file to write")
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_scale import base_text

    started = time.perf_counter()
    model = base_model(base_text())
    print(f"model: {model['vocabulary']:,} words, {len(model['successors']):,} bigrams "
          f"({time.perf_counter() - started:.1f} s)", file=sys.stderr)
    started = time.perf_counter()
    write_corpus(args.output, model, int(args.size * 1e6), args.seed)
    print(f"wrote {args.output.stat().st_size / 1e6:.1f} MB in {time.perf_counter() - started:.1f} s",
          file=sys.stderr)


if __name__ == "__main__":
    main()
