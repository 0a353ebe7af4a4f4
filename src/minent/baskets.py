"""Reading baskets (transactions) from files in three formats.

* ``csv``: one basket a line, items separated by commas; fields may be quoted
  (``"a, b",c``) and a quoted field may span lines.
* ``fimi``: one basket a line, items separated by spaces or tabs (the FIMI ``.dat`` format).
* ``long``: one ``basket_id,item`` pair a line (CSV quoting allowed); baskets are listed
  in order of their first line. A first line ``basket_id,item`` is a header and skipped.

Surrounding spaces of items are removed, empty fields and blank lines are ignored.
When no format is given it is taken from the extension (``.csv`` -> csv, ``.dat``,
``.txt``, ``.fimi`` -> fimi); otherwise (standard input, other extensions) a first line
with a comma means csv, else fimi. The long format is never guessed.
"""

from __future__ import annotations

import csv
import io
import os
import sys
from typing import Optional, Union

from .errors import MinentError
from .textio import STDIN, check_readable

FORMATS = ("csv", "fimi", "long")
_EXTENSIONS = {".csv": "csv", ".dat": "fimi", ".txt": "fimi", ".fimi": "fimi"}
_LONG_HEADERS = {("basket_id", "item"), ("basket", "item"), ("transaction", "item"), ("tid", "item")}


def _name(path: str) -> str:
    return "standard input" if path == STDIN else f"'{path}'"


def _read_text(path: str) -> str:
    """The whole file as text; one-line errors for unreadable, empty or non-UTF-8 input."""
    name = _name(path)
    check_readable(path)
    try:
        if path == STDIN:
            data = sys.stdin.buffer.read()
        else:
            with open(path, "rb") as f:
                data = f.read()
    except OSError as e:
        raise MinentError(f"cannot read {name}: {e.strerror or e}") from None
    if not data:
        raise MinentError(f"{name} is empty")
    if b"\x00" in data:
        line = data.count(b"\n", 0, data.index(b"\x00")) + 1
        raise MinentError(f"{name} looks like a binary file (NUL byte on line {line}); expected text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise MinentError(f"{name} is not valid UTF-8: bad byte on line {line} (byte offset {e.start})") from None


def detect_format(path: str, text: str) -> str:
    """The format implied by the extension, else by the first non-blank line."""
    if path != STDIN:
        fmt = _EXTENSIONS.get(os.path.splitext(str(path))[1].lower())
        if fmt:
            return fmt
    for line in text.splitlines():
        if line.strip():
            return "csv" if "," in line else "fimi"
    return "fimi"


def _csv_rows(text: str, name: str):
    """(line number, fields) of each CSV record; malformed records name their line."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True, skipinitialspace=True)
    while True:
        first_line = reader.line_num + 1  # a quoted field may run over several lines
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as e:
            hint = "; is a quote left open?" if "end of data" in str(e) else ""
            raise MinentError(f"{name}, line {first_line}: malformed CSV ({e}{hint})") from None
        yield first_line, row


def parse_baskets(text: str, fmt: str, name: str = "<text>") -> list[list[str]]:
    """Baskets (lists of item strings) from text in format ``fmt`` (csv, fimi or long)."""
    if fmt not in FORMATS:
        raise MinentError(f"--format must be one of {', '.join(FORMATS)}, got '{fmt}'")
    baskets: list[list[str]] = []
    if fmt == "fimi":
        for line in text.splitlines():
            items = line.split()
            if items:
                baskets.append(items)
    elif fmt == "csv":
        for _, row in _csv_rows(text, name):
            items = [field.strip() for field in row]
            items = [x for x in items if x]
            if items:
                baskets.append(items)
    else:
        by_id: dict[str, list[str]] = {}
        first = True
        for line_no, row in _csv_rows(text, name):
            fields = [field.strip() for field in row]
            if not any(fields):
                continue
            if len(fields) != 2 or not fields[0] or not fields[1]:
                raise MinentError(
                    f"{name}, line {line_no}: expected two fields 'basket_id,item' (long format), "
                    f"got {len(fields)}: {','.join(row)[:60]!r}"
                )
            if first and (fields[0].lower(), fields[1].lower()) in _LONG_HEADERS:
                first = False
                continue
            first = False
            by_id.setdefault(fields[0], []).append(fields[1])
        baskets = list(by_id.values())
    if not baskets:
        raise MinentError(f"{name} holds no items")
    return baskets


def read_baskets(path: Union[str, os.PathLike], fmt: Optional[str] = None) -> list[list[str]]:
    """Read the baskets of a file (``-`` = standard input) in format csv, fimi or long (None: guess)."""
    path = str(path)
    if fmt is not None and fmt not in FORMATS:
        raise MinentError(f"--format must be one of {', '.join(FORMATS)}, got '{fmt}'")
    text = _read_text(path)
    if not text.strip():
        raise MinentError(f"{_name(path)} holds no items (only blank lines)")
    return parse_baskets(text, fmt or detect_format(path, text), _name(path))
