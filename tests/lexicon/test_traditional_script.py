"""Traditional script is treated exactly as simplified: nothing assumes simplified text.

The shipped novel is turned into traditional script character by character with OpenCC's
table (a test-only dependency: ``opencc-python-reimplemented``). When the mapping is one to
one on the novel's characters, learning from the traditional text must give the mapped
lexicon of the simplified text, count for count, and segmenting must give the mapped cut:
number handling, character classes, pruning and tie-breaking depend on no code point.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import minent

DATA = Path(__file__).resolve().parents[2] / "data"


@pytest.fixture(scope="module")
def novel():
    opencc = pytest.importorskip("opencc", reason="opencc-python-reimplemented (the test extra) is not installed")
    text = (DATA / "xiyouji.txt").read_text(encoding="utf-8")[:300_000]
    convert = opencc.OpenCC("s2t").convert
    mapping: dict[str, str] = {}
    targets: set[str] = set()
    for ch in sorted(set(re.findall(r"[\u3400-\u4dbf\u4e00-\u9fff]", text))):
        t = convert(ch)
        if len(t) == 1 and t not in targets:
            mapping[ch] = t
            targets.add(t)
    # keep the mapping one to one: a character left as it is must not be another's image
    for ch in sorted(set(re.findall(r"[\u3400-\u4dbf\u4e00-\u9fff]", text))):
        while ch not in mapping and ch in targets:
            source = next(k for k, v in mapping.items() if v == ch)
            mapping[source] = source
            ch = source
    table = str.maketrans(mapping)
    assert len(set(mapping.values())) == len(mapping)
    changed = sum(a != b for a, b in mapping.items())
    assert changed > 500, changed  # the text really is in another script
    return text, text.translate(table), table


@pytest.mark.parametrize("refine", [True, False])
def test_the_traditional_lexicon_is_the_mapped_simplified_one(novel, refine):
    simplified, traditional, table = novel
    learned = minent.build_lexicon(traditional, refine=refine)
    mapped = {w.translate(table): c for w, c in minent.build_lexicon(simplified, refine=refine).items()}
    assert dict(learned.items()) == mapped
    assert "孫悟空" in learned or "悟空" in learned


def test_the_traditional_cut_is_the_mapped_simplified_one(novel):
    simplified, traditional, table = novel
    lines_s = simplified.splitlines()[:3000]
    lines_t = traditional.splitlines()[:3000]
    cut_s = minent.Segmenter(minent.build_lexicon(simplified)).cut_many(lines_s)
    cut_t = minent.Segmenter(minent.build_lexicon(traditional)).cut_many(lines_t)
    assert [[w.translate(table) for w in words] for words in cut_s] == cut_t
