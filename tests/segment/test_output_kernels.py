"""The output kernels (segment/kernels/output.py) against plain Python: JSON lines byte for byte
as ``json.dumps(..., ensure_ascii=False)`` writes them, the text format as a join, and the
stop-word filter as a set lookup; on random spans over text with quotes, backslashes,
control characters, characters beyond the BMP, lone surrogates and every kind of line."""

from __future__ import annotations

import json
import random

import numpy as np
import pytest

from minent.common.kernels import trie
from minent.segment.kernels import output
from minent.segment.segmenter import _codepoints

ALPHABET = ["中", "国", "人", "a", "7", '"', "\\", "\x01", "\x08", "\x0c", "\r", "\t", "\x1f", "\x7f", "\u2028",
            "𠀀", "😀", "\ud800", "\u0301", " ", "\n", "\n", "é"]


def random_case(rng: random.Random, length: int):
    """A text and random word spans over it (in order, none holding a line feed, some with inner spans)."""
    text = "".join(rng.choice(ALPHABET) for _ in range(length))
    starts, ends = [], []
    i = 0
    while i < len(text):
        if text[i] == "\n" or rng.random() < 0.3:
            i += 1
            continue
        j = i + 1
        while j < len(text) and text[j] != "\n" and rng.random() < 0.5:
            j += 1
        starts.append(i)
        ends.append(j)
        if j - i >= 3 and rng.random() < 0.5:  # an inner word, as search mode adds
            starts.append(i + 1)
            ends.append(j)
        i = j
    return text, np.array(starts, dtype=np.int64), np.array(ends, dtype=np.int64)


def reference_jsonl(text: str, starts, ends) -> str:
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    out, line_start, w = [], 0, 0
    for line in lines:
        line_end = line_start + len(line)
        words, spans = [], []
        while w < len(starts) and starts[w] < line_end:
            words.append(text[starts[w]:ends[w]])
            spans.append([int(starts[w]) - line_start, int(ends[w]) - line_start])
            w += 1
        out.append(json.dumps({"words": words, "spans": spans}, ensure_ascii=False) + "\n")
        line_start = line_end + 1
    return "".join(out)


def reference_text(text: str, starts, ends, delimiter: str) -> str:
    lines, line_start, w = [], 0, 0
    for line in text.split("\n"):
        line_end = line_start + len(line)
        words = []
        while w < len(starts) and starts[w] < line_end:
            words.append(text[starts[w]:ends[w]])
            w += 1
        lines.append(delimiter.join(words))
        line_start = line_end + 1
    return "\n".join(lines)


@pytest.mark.parametrize("seed", range(40))
def test_jsonl_and_text_match_python(seed):
    rng = random.Random(seed)
    text, starts, ends = random_case(rng, rng.choice([0, 1, 2, 10, 100, 1000]))
    cps = _codepoints(text)
    got = output.render_jsonl(cps, starts, ends).tobytes().decode("utf-8", "surrogatepass")
    assert got == reference_jsonl(text, starts.tolist(), ends.tolist())
    for line in got.split("\n")[:-1]:  # not splitlines: U+2028 stays raw inside a JSON string
        json.loads(line)  # each line a JSON object
    delimiter = rng.choice([" ", " | ", "\t", "词"])
    out, line_open = output.render_text(cps, starts, ends, np.frombuffer(delimiter.encode(), dtype=np.uint8), False)
    assert out.tobytes().decode("utf-8", "surrogatepass") == reference_text(text, starts.tolist(), ends.tolist(), delimiter)


def test_text_continues_an_open_line():
    cps = _codepoints("中国\n人")
    starts, ends = np.array([0, 1, 3]), np.array([1, 2, 4])
    out, line_open = output.render_text(cps, starts, ends, np.frombuffer(b"/", dtype=np.uint8), True)
    assert out.tobytes().decode() == "/中/国\n人" and line_open
    out, line_open = output.render_text(_codepoints("中\n"), np.array([0]), np.array([1]),
                                        np.frombuffer(b"/", dtype=np.uint8), False)
    assert out.tobytes().decode() == "中\n" and not line_open


@pytest.mark.parametrize("seed", range(10))
def test_keep_mask_matches_a_set_lookup(seed):
    rng = random.Random(50 + seed)
    text, starts, ends = random_case(rng, 300)
    words = [text[a:b] for a, b in zip(starts.tolist(), ends.tolist())]
    stop = sorted({w for w in words if rng.random() < 0.3} | {"不在"})
    offsets = np.zeros(len(stop) + 1, dtype=np.int64)
    np.cumsum([len(w) for w in stop], out=offsets[1:])
    stop_trie = trie.build_trie(_codepoints("".join(stop)), offsets)
    min_length = rng.choice([1, 2, 3])
    keep = output.keep_mask(_codepoints(text), starts, ends, min_length, *stop_trie)
    assert keep.tolist() == [len(w) >= min_length and w not in stop for w in words]
