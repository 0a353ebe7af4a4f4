"""Word lists for the segmenter: words to add (``--add-words``, jieba's user-dictionary lines
``word [count [tag]]`` too) and stop words (``--stop-words``), one entry a line, UTF-8."""

from __future__ import annotations

from typing import Optional

from ..common.errors import MinentError
from ..common.textio import PathLike, _describe, read_input


def read_word_list(path: PathLike, with_counts: bool = False) -> list[tuple[int, str, Optional[float]]]:
    """``(line number, word, count)`` of each non-blank line: the first field is the word;
    with ``with_counts`` a second field, when there is one, is its count (else None)."""
    name = _describe(path)
    data = read_input(path)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise MinentError(f"{name} is not valid UTF-8: bad byte on line {line}") from None
    entries: list[tuple[int, str, Optional[float]]] = []
    for number, line in enumerate(text.splitlines(), 1):
        fields = line.split()
        if not fields:
            continue
        count: Optional[float] = None
        if with_counts and len(fields) > 1:
            try:
                count = float(fields[1])
            except ValueError:
                raise MinentError(f"{name}, line {number}: the count {fields[1]!r} of {fields[0]!r} is not a number") from None
        entries.append((number, fields[0], count))
    return entries
