"""Reading baskets (transactions) from files in three formats.

* ``csv``: one basket a line, items separated by commas; fields may be quoted
  (``"a, b",c``) and a quoted field may span lines.
* ``fimi``: one basket a line, items separated by spaces or tabs (the FIMI ``.dat`` format).
* ``long``: one ``basket_id,item`` pair a line (CSV quoting allowed); baskets are listed
  in order of their first line. A first line ``basket_id,item`` is a header and skipped.

Surrounding spaces of items are removed, empty fields and blank lines are ignored; a
UTF-8 byte-order mark at the start is dropped.
When no format is given it is taken from the extension (``.csv`` -> csv, ``.dat``,
``.txt``, ``.fimi`` -> fimi); otherwise (standard input, other extensions) a first line
with a comma means csv, else fimi. The long format is never guessed.

Header line (``header=None``, the default, decides; True skips the first record, False
keeps it): in csv and long files the first record is taken as a header when all of

* the file has at least 3 records;
* the first record has 2 or more fields, all different, none of them a number;
* none of those fields is an item anywhere else in the file (in the long format: the
  first field is no other line's basket id and the second no other line's item);
* the data repeats: at least half of the item occurrences of the other records are of
  items found in 2 or more records, so a first line whose labels never recur stands
  out (in a file of mostly one-off items the first line stays a basket).

A long-format first line ``basket_id,item`` (or ``basket,item``, ``transaction,item``,
``tid,item``) is always a header unless ``header=False``. Fimi files have no header
unless ``header=True``.
"""

from __future__ import annotations

import csv
import io
import os
from collections import Counter
from typing import Mapping, Optional, Union

from ..common.errors import MinentError
from ..common.textio import STDIN, read_input

FORMATS = ("csv", "fimi", "long")
_EXTENSIONS = {".csv": "csv", ".dat": "fimi", ".txt": "fimi", ".fimi": "fimi"}
_LONG_HEADERS = {("basket_id", "item"), ("basket", "item"), ("transaction", "item"), ("tid", "item")}


def _name(path: str) -> str:
    return "standard input" if path == STDIN else f"'{path}'"


def _read_text(path: str) -> str:
    """The whole file as text; one-line errors for unreadable, empty or non-UTF-8 input."""
    name = _name(path)
    data = read_input(path)  # the one reader: checks, standard input, a UTF-8 BOM skipped
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


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _looks_like_header(first: list[str], rest: list[list[str]], long: bool) -> bool:
    """The conservative rule of the module docstring, on parsed records."""
    if long:
        if any(row[0] == first[0] for row in rest) or any(row[1] == first[1] for row in rest):
            return False
        baskets: dict[str, set] = {}
        for row in rest:
            baskets.setdefault(row[0], set()).add(row[1])
        seen = Counter(x for items in baskets.values() for x in items)
        return header_rule(first, len(rest), seen, labels_elsewhere=False)
    return header_rule(first, len(rest), Counter(x for row in rest for x in set(row)))


def header_rule(first: list[str], n_rest: int, seen: Mapping[str, int], labels_elsewhere: bool = True) -> bool:
    """The rule on counts: ``seen[x]`` is the number of baskets after the first record that hold
    ``x`` (what a cluster run knows after summing its partitions' item counts). With
    ``labels_elsewhere``, a first-record label seen in another basket makes it data."""
    if n_rest < 2 or len(first) < 2 or len(set(first)) != len(first):
        return False
    if any(_is_number(x) for x in first):
        return False
    if labels_elsewhere and any(seen.get(x, 0) for x in first):
        return False
    counts = [c for c in seen.values() if c > 0]
    repeated = sum(c for c in counts if c >= 2)
    return 2 * repeated >= sum(counts)


def _records(text: str, fmt: str, name: str) -> list[tuple[int, list[str]]]:
    """(line number, non-empty stripped fields) of each non-blank record (csv: line numbers 0);
    long rows checked."""
    if fmt == "fimi":
        return [(n, line.split()) for n, line in enumerate(text.splitlines(), 1) if line.split()]
    if fmt == "csv":  # one C loop over the records (line numbers only matter for an error)
        try:
            rows = list(csv.reader(io.StringIO(text, newline=""), strict=True, skipinitialspace=True))
        except csv.Error:
            rows = [row for _, row in _csv_rows(text, name)]  # raises, naming the line
        return [(0, items) for items in ([x for x in map(str.strip, row) if x] for row in rows) if items]
    records = []
    for line_no, row in _csv_rows(text, name):
        fields = [field.strip() for field in row]
        if fmt == "csv":
            items = [x for x in fields if x]
            if items:
                records.append((line_no, items))
            continue
        if not any(fields):
            continue
        if len(fields) != 2 or not fields[0] or not fields[1]:
            raise MinentError(
                f"{name}, line {line_no}: expected two fields 'basket_id,item' (long format), "
                f"got {len(fields)}: {','.join(row)[:60]!r}"
            )
        records.append((line_no, fields))
    return records


def _parse(text: str, fmt: str, name: str, header: Optional[bool]) -> tuple[list[list[str]], Optional[str]]:
    """Baskets, and the first record when it was skipped as a header detected by the rule (else None)."""
    if fmt not in FORMATS:
        raise MinentError(f"--format must be one of {', '.join(FORMATS)}, got '{fmt}'")
    records = _records(text, fmt, name)
    detected = None
    if records and header is not False:
        first = records[0][1]
        skip = header is True
        if header is None and fmt != "fimi":
            if fmt == "long" and (first[0].lower(), first[1].lower()) in _LONG_HEADERS:
                skip = True
            elif _looks_like_header(first, [r for _, r in records[1:]], fmt == "long"):
                skip = detected = True
        if skip:
            if detected:
                detected = ",".join(first)
            records = records[1:]
    if fmt == "long":
        by_id: dict[str, list[str]] = {}
        for _, (basket_id, item) in records:
            by_id.setdefault(basket_id, []).append(item)
        baskets = list(by_id.values())
    else:
        baskets = [items for _, items in records]
    if not baskets:
        raise MinentError(f"{name} holds no items")
    return baskets, detected


def parse_baskets(text: str, fmt: str, name: str = "<text>", header: Optional[bool] = None) -> list[list[str]]:
    """Baskets (lists of item strings) from text in format ``fmt`` (csv, fimi or long).

    ``header``: None detects a header line (see the module docstring), True skips the
    first record, False keeps it as data.
    """
    return _parse(text, fmt, name, header)[0]


def read_baskets(path: Union[str, os.PathLike], fmt: Optional[str] = None,
                 header: Optional[bool] = None) -> list[list[str]]:
    """Read the baskets of a file (``-`` = standard input) in format csv, fimi or long (None: guess).

    ``header``: None detects a header line (see the module docstring), True skips the
    first record, False keeps it as data.
    """
    return read_baskets_noting_header(path, fmt, header)[0]


def read_baskets_noting_header(path: Union[str, os.PathLike], fmt: Optional[str] = None,
                               header: Optional[bool] = None) -> tuple[list[list[str]], Optional[str]]:
    """:func:`read_baskets`, plus the first line when it was detected as a header (the CLI says so)."""
    path = str(path)
    if fmt is not None and fmt not in FORMATS:
        raise MinentError(f"--format must be one of {', '.join(FORMATS)}, got '{fmt}'")
    if header not in (None, True, False):
        raise MinentError(f"header must be None, True or False, got {header!r}")
    text = _read_text(path)
    if not text.strip():
        raise MinentError(f"{_name(path)} holds no items (only blank lines)")
    return _parse(text, fmt or detect_format(path, text), _name(path), header)
