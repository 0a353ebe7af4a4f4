"""Shared test helpers: random corpora with the characters that make text hard."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
# the tests of each job live in its folder, beside the plain-Python references of its kernels;
# the tests of another job may use them too (discovery's reference segments, as minent does)
sys.path.insert(0, str(HERE))
for _job in ("lexicon", "segment", "itemsets"):
    sys.path.insert(0, str(HERE / _job))

SHARED = HERE.parents[1] / "shared"

# the cluster fixtures (a LocalCluster, the corpus the cluster tests share)
pytest_plugins = ["cluster_fixtures"]

# a few ideographs (so n-grams repeat), ext-A, 〇, and every kind of separator
IDEOGRAPHS = "中国人民的大学生在"
HARD = ["㐀", "〇", " ", "\n", "。", "，", "A", "b", "7", "１", "𠀀", "😀", "é", "\t"]


def random_text(rng: random.Random, length: int, separator_rate: float = 0.1) -> str:
    out = []
    for _ in range(length):
        if rng.random() < separator_rate:
            out.append(rng.choice(HARD))
        else:
            out.append(rng.choice(IDEOGRAPHS))
    return "".join(out)


#: frequent characters: words made of them share their n-grams
SMALL = "的一是在不了有和人这中大为上"


def word_texts(seed: int, n_texts: int) -> list[str]:
    """``n_texts`` texts of 1 to 40 words drawn from 25 random words of 1 to 4 characters of
    :data:`SMALL` (so that n-grams repeat), then a line of 2000 of them ending in characters
    outside the BMP, Latin and digits."""
    rng = random.Random(seed)
    words = ["".join(rng.choice(SMALL) for _ in range(rng.randint(1, 4))) for _ in range(25)]
    texts = ["".join(rng.choice(words) for _ in range(rng.randint(1, 40))) for _ in range(n_texts)]
    texts.append("".join(rng.choice(words) for _ in range(2000)) + "𠀀中a1１中。")  # a long line, mixed
    return texts


@pytest.fixture
def rng() -> random.Random:
    return random.Random(12345)


def shared_file(*parts: str) -> Path:
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is not available (../shared is absent)")
    return path


def pytest_configure(config) -> None:
    """Before the tests, compile every kernel once, on two processes, into Numba's cache.

    Under pytest-xdist only the controller does it: each worker would otherwise compile the
    same kernels itself on a cold cache (CI), twice the work for the same result.
    """
    if hasattr(config, "workerinput"):  # an xdist worker: the controller has done it
        return
    from minent.cli import warmup

    try:
        names = warmup.missing_kernels(list(warmup.kernel_signatures()))
        if names:
            warmup.compile_in_parallel(names)
    except Exception as e:  # the tests compile on first call, as a user's run would
        print(f"conftest: kernels not compiled ahead: {e}", file=sys.stderr)
