"""Reading corpora and writing results, with errors a user can act on.

Inputs are read in line-aligned chunks so that memory does not grow with the corpus;
a corpus can be read more than once (standard input is spooled to a temporary file on
the first read). Outputs are written to a temporary file and renamed into place, so a
failed run never leaves a half-written file.
"""

from __future__ import annotations

import codecs
import io
import os
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Iterable, Iterator, Optional, Sequence, Union

from .errors import MinentError

STDIN = "-"
CHUNK_BYTES = 32 << 20  # read files 32 MiB at a time
PathLike = Union[str, os.PathLike]


def _describe(path: PathLike) -> str:
    return "standard input" if str(path) == STDIN else f"'{path}'"


def check_readable(path: PathLike) -> None:
    """Fail early, with a one-line message, if ``path`` cannot be read as a file."""
    if str(path) == STDIN:
        return
    p = Path(path)
    if not p.exists():
        raise MinentError(f"cannot read '{path}': no such file")
    if p.is_dir():
        raise MinentError(f"cannot read '{path}': it is a directory")
    if not os.access(p, os.R_OK):
        raise MinentError(f"cannot read '{path}': permission denied")


def check_encoding(encoding: str) -> str:
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        raise MinentError(f"unknown encoding '{encoding}'") from None


def _decode(data: bytes, name: str, offset: int, encoding: str) -> str:
    nul = data.find(b"\x00")
    if nul >= 0 and encoding.replace("-", "").replace("_", "").lower() in ("utf8", "gb18030", "gbk", "big5"):
        raise MinentError(
            f"{name} looks like a binary file (NUL byte at byte offset {offset + nul}); expected text"
        )
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as e:
        hint = " (try --encoding gb18030 or --encoding big5)" if encoding.startswith("utf") else ""
        raise MinentError(
            f"{name} is not valid {encoding}: bad byte at offset {offset + e.start}{hint}"
        ) from None


def iter_file_chunks(
    stream: IO[bytes], name: str, encoding: str = "utf-8", chunk_bytes: int = CHUNK_BYTES
) -> Iterator[tuple[str, int]]:
    """Yield ``(text, nbytes)`` chunks of a byte stream, cut after a newline.

    Cutting at line ends keeps multi-byte characters whole and never splits a run of
    ideographs, because a newline always separates runs.
    """
    offset = 0
    carry = b""
    while True:
        block = stream.read(chunk_bytes)
        if not block:
            break
        data = carry + block
        cut = data.rfind(b"\n")
        if cut < 0:
            carry = data
            if len(carry) < 16 * chunk_bytes:
                continue
            cut = len(data) - 1  # a giant line: cut it anyway, at a character boundary
            while cut > 0 and (data[cut] & 0xC0) == 0x80 and encoding.startswith("utf"):
                cut -= 1
            cut -= 1
        head, carry = data[: cut + 1], data[cut + 1 :]
        yield _decode(head, name, offset, encoding), len(head)
        offset += len(head)
    if carry:
        yield _decode(carry, name, offset, encoding), len(carry)


class Corpus:
    """Text that can be read, in chunks, as many times as an algorithm needs.

    Build it from files (``Corpus.from_files``) or from strings already in memory
    (``Corpus.from_texts``; each string is a document or a line).
    """

    def __init__(self) -> None:
        self._paths: list[str] = []
        self._texts: Optional[list[str]] = None
        self.encoding = "utf-8"
        self._spool: Optional[str] = None

    @classmethod
    def from_files(cls, paths: Sequence[PathLike], encoding: str = "utf-8") -> "Corpus":
        if isinstance(paths, (str, os.PathLike)):
            paths = [paths]
        if not paths:
            raise MinentError("no input files given")
        self = cls()
        self.encoding = check_encoding(encoding)
        for p in paths:
            check_readable(p)
        if sum(str(p) == STDIN for p in paths) > 1:
            raise MinentError("standard input ('-') can be named only once")
        self._paths = [str(p) for p in paths]
        return self

    @classmethod
    def from_texts(cls, texts: Iterable[str]) -> "Corpus":
        self = cls()
        texts = [texts] if isinstance(texts, str) else list(texts)
        for t in texts:
            if not isinstance(t, str):
                raise MinentError(f"texts must be strings, got {type(t).__name__}")
        self._texts = texts
        return self

    @property
    def names(self) -> list[str]:
        return list(self._paths) if self._texts is None else ["<texts>"]

    def total_bytes(self) -> Optional[int]:
        """Size of the input in bytes (characters for in-memory texts), if known."""
        if self._texts is not None:
            return sum(len(t) + 1 for t in self._texts)
        total = 0
        for p in self._paths:
            if p == STDIN and self._spool is None:
                return None
            total += os.path.getsize(self._spool if p == STDIN else p)
        return total

    def chunks(self, chunk_bytes: int = CHUNK_BYTES) -> Iterator[tuple[str, int]]:
        """Yield ``(text, size)`` chunks; size is in bytes (characters for texts)."""
        if self._texts is not None:
            buf: list[str] = []
            size = 0
            for t in self._texts:
                buf.append(t)
                size += len(t) + 1
                if size >= chunk_bytes // 3:
                    yield "\n".join(buf), size
                    buf, size = [], 0
            if buf:
                yield "\n".join(buf), size
            return
        for path in self._paths:
            if path == STDIN:
                yield from self._stdin_chunks(chunk_bytes)
                continue
            try:
                with open(path, "rb") as f:
                    yield from iter_file_chunks(f, f"'{path}'", self.encoding, chunk_bytes)
            except OSError as e:
                raise MinentError(f"cannot read '{path}': {e.strerror or e}") from None

    def _stdin_chunks(self, chunk_bytes: int) -> Iterator[tuple[str, int]]:
        if self._spool is not None:
            with open(self._spool, "rb") as f:
                yield from iter_file_chunks(f, "standard input", self.encoding, chunk_bytes)
            return
        fd, spool = tempfile.mkstemp(prefix="minent-stdin-", suffix=".txt")
        stdin = sys.stdin.buffer
        with os.fdopen(fd, "wb") as out:
            tee = _Tee(stdin, out)
            yield from iter_file_chunks(tee, "standard input", self.encoding, chunk_bytes)
        self._spool = spool

    def close(self) -> None:
        """Remove the spool file of standard input, if any."""
        if self._spool is not None:
            try:
                os.unlink(self._spool)
            except OSError:
                pass
            self._spool = None

    def __del__(self) -> None:
        self.close()


class _Tee(io.RawIOBase):
    """A byte stream that copies what is read from ``src`` into ``copy``."""

    def __init__(self, src: IO[bytes], copy: IO[bytes]) -> None:
        self.src, self.copy = src, copy

    def read(self, n: int = -1) -> bytes:
        data = self.src.read(n)
        self.copy.write(data)
        return data


def check_writable(path: Optional[PathLike]) -> None:
    """Fail early, with a one-line message, if ``path`` cannot be written (stdout always can)."""
    if path is None or str(path) == STDIN:
        return
    target = Path(path)
    if target.is_dir():
        raise MinentError(f"cannot write '{path}': it is a directory")
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise MinentError(f"cannot write '{path}': no such directory '{folder}'")
    if not os.access(folder, os.W_OK) or (target.exists() and not os.access(target, os.W_OK)):
        raise MinentError(f"cannot write '{path}': permission denied")


@contextmanager
def atomic_output(path: Optional[PathLike], encoding: str = "utf-8", newline: str = "\n"):
    """Open ``path`` for writing text; stdout when ``path`` is None or '-'.

    The text goes to a temporary file beside ``path`` that replaces it only when the
    ``with`` block ends without an exception.
    """
    if path is None or str(path) == STDIN:
        yield sys.stdout
        sys.stdout.flush()
        return
    check_writable(path)
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=folder)
    except OSError as e:
        raise MinentError(f"cannot write '{path}': {e.strerror or e}") from None
    try:
        with os.fdopen(fd, "w", encoding=encoding, newline=newline) as f:
            yield f
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
