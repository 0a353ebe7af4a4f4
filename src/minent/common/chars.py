"""Which characters form words, and their dense integer ids.

Lexicon discovery works on runs of CJK ideographs: U+4E00-U+9FFF, U+3400-U+4DBF and
U+3007 (〇), and of whole plain numbers, each a single symbol (id NUM_ID, written "#"), so
that words such as "#年" (a number, then 年) are learned from the data like any other.
Every other character separates runs, a lone surrogate (possible in a Python string) included.
Each ideograph gets a fixed id in 1..27585 (0 means "separator"), so an n-gram of up to four
symbols packs into one 64-bit key with 15 bits a character, and keys of different lengths
never collide.
"""

from __future__ import annotations

import numpy as np

BITS_PER_CHAR = 15
MAX_PACKED = 4  # 4 * 15 = 60 bits: n-grams up to this length pack into a uint64
CHAR_MASK = (1 << BITS_PER_CHAR) - 1

_URO = (0x4E00, 0x9FFF)
_EXT_A = (0x3400, 0x4DBF)
_LING_ZERO = 0x3007

# codepoint -> id table (uint16, 0 = not an ideograph) and its inverse
_n_uro = _URO[1] - _URO[0] + 1
_n_ext = _EXT_A[1] - _EXT_A[0] + 1
N_IDS = _n_uro + _n_ext + 1  # 27585 ideographs
#: one more symbol joins the ideographs: a whole plain number (digits, with decimal points
#: between them; see minent.common.kernels.tokens), written "#" in lexicon words ("#年")
NUM_ID = N_IDS + 1
NUMBER_SIGN = "#"
N_SYMBOLS = NUM_ID  # the largest id
CODEPOINT_OF_ID = np.zeros(N_SYMBOLS + 1, dtype=np.uint32)
CODEPOINT_OF_ID[1 : 1 + _n_uro] = np.arange(_URO[0], _URO[1] + 1)
CODEPOINT_OF_ID[1 + _n_uro : 1 + _n_uro + _n_ext] = np.arange(_EXT_A[0], _EXT_A[1] + 1)
CODEPOINT_OF_ID[N_IDS] = _LING_ZERO
CODEPOINT_OF_ID[NUM_ID] = ord(NUMBER_SIGN)
#: the ids as text for the segmenter: a number becomes the digit 0, which it reads as a number
PLAIN_CODEPOINT_OF_ID = CODEPOINT_OF_ID.copy()
PLAIN_CODEPOINT_OF_ID[NUM_ID] = ord("0")
ID_OF_CODEPOINT = np.zeros(0xA000, dtype=np.uint16)  # every ideograph is below U+A000
ID_OF_CODEPOINT[CODEPOINT_OF_ID[1 : N_IDS + 1]] = np.arange(1, N_IDS + 1, dtype=np.uint16)

assert N_SYMBOLS < (1 << BITS_PER_CHAR)


def codepoints(text: str) -> np.ndarray:
    """The text's code points as a uint32 array (one element per character).

    A lone surrogate (U+D800-U+DFFF: a Python string can hold one, a decoded file cannot)
    keeps its code point, so it is a separator like every other non-ideograph.
    """
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def char_ids(text: str) -> np.ndarray:
    """Dense ideograph ids of ``text`` (uint16), 0 for every non-ideograph."""
    cps = codepoints(text)
    ids = np.zeros(len(cps), dtype=np.uint16)
    low = cps < 0xA000
    ids[low] = ID_OF_CODEPOINT[cps[low]]
    return ids


def is_ideograph(ch: str) -> bool:
    """True for the characters that form words (see module docstring)."""
    cp = ord(ch)
    return cp < 0xA000 and ID_OF_CODEPOINT[cp] != 0


def ids_to_text(ids: np.ndarray) -> str:
    """Inverse of :func:`char_ids` for arrays of non-zero ids."""
    return CODEPOINT_OF_ID[ids].astype(np.uint32).tobytes().decode("utf-32-le")


def pack(word: str) -> int:
    """The 64-bit key of an ideograph string of length 1..4 (used by tests and I/O)."""
    key = 0
    for ch in word:
        key = (key << BITS_PER_CHAR) | (NUM_ID if ch == NUMBER_SIGN else int(ID_OF_CODEPOINT[ord(ch)]))
    return key


def unpack(key: int) -> str:
    """Inverse of :func:`pack`."""
    out = []
    while key:
        out.append(chr(CODEPOINT_OF_ID[key & CHAR_MASK]))
        key >>= BITS_PER_CHAR
    return "".join(reversed(out))


def unpack_many(keys: np.ndarray) -> list[str]:
    """Vectorised :func:`unpack` for a uint64 array of keys."""
    keys = np.asarray(keys, dtype=np.uint64)
    cols = np.zeros((len(keys), MAX_PACKED), dtype=np.uint32)
    k = keys.copy()
    for j in range(MAX_PACKED - 1, -1, -1):
        cols[:, j] = CODEPOINT_OF_ID[(k & np.uint64(CHAR_MASK)).astype(np.int64)]
        k >>= np.uint64(BITS_PER_CHAR)
    # id 0 maps to code point 0; strip those NULs (they only pad on the left)
    raw = cols.tobytes().decode("utf-32-le")
    return [raw[i * MAX_PACKED : (i + 1) * MAX_PACKED].lstrip("\x00") for i in range(len(keys))]


def span_counts(ids: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> dict[str, int]:
    """The words at spans of an id array, counted: word -> number of spans, in order of
    first sight (as ``Counter(span_words(...))``, with a string made for each distinct word
    only)."""
    from .kernels import readonly
    from .kernels.counts import count_spans

    first, counts = count_spans(readonly(ids, np.uint16), readonly(starts, np.int64), readonly(lengths, np.int64))
    return dict(zip(span_words(ids, np.asarray(starts)[first], np.asarray(lengths)[first]), counts.tolist()))


def span_words(ids: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> list[str]:
    """The words at spans of an id array, as strings (for the words too long for one key)."""
    if len(starts) == 0:
        return []
    starts, lengths = np.asarray(starts, dtype=np.int64), np.asarray(lengths, dtype=np.int64)
    first_out = np.cumsum(lengths) - lengths  # where each span begins in the gathered text
    at = np.arange(int(lengths.sum()), dtype=np.int64) + np.repeat(starts - first_out, lengths)
    text = CODEPOINT_OF_ID[ids[at]].astype(np.uint32, copy=False).tobytes().decode("utf-32-le")
    ends = np.cumsum(lengths).tolist()
    return [text[e - n : e] for e, n in zip(ends, lengths.tolist())]
