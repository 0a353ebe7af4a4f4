"""Reading inputs and writing outputs, with errors a user can act on: the one reader and
the one writer of every command.

Inputs are read in line-aligned chunks so that memory does not grow with the corpus; a
UTF-8 byte-order mark at the start of an input is skipped. Regular files can be read again;
standard input and other streams are read once (:attr:`Corpus.rereadable`), so an algorithm
that needs a second pass keeps what it read. Outputs: see :func:`open_output`.
"""

from __future__ import annotations

import codecs
import io
import os
import stat
import sys
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
    """The codec's name; encodings whose line feed is not the byte 0x0A (UTF-16, UTF-32) are
    refused, since inputs are cut into chunks after that byte."""
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        raise MinentError(f"unknown encoding '{encoding}'") from None
    if name.startswith(("utf-16", "utf-32")):
        raise MinentError(f"the encoding '{encoding}' is not supported (a line feed is not one byte there); "
                          f"convert the file first, e.g. iconv -f {encoding} -t utf-8")
    return name


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


def iter_byte_chunks(stream: IO[bytes], chunk_bytes: int = CHUNK_BYTES, utf8: bool = True) -> Iterator[tuple[bytes, int]]:
    """``(bytes, offset)`` pieces of a byte stream, each cut after a line feed.

    Cutting at line ends keeps multi-byte characters whole and never splits a run of
    ideographs, because a newline always separates runs. A line longer than 16 chunks is
    cut anyway, so memory stays bounded: before its last character, which may be incomplete
    (with ``utf8``, at the character boundary before it).
    """
    offset = 0
    carry = b""
    while True:
        block = stream.read(chunk_bytes)
        if not block:
            break
        data = carry + block if carry else block
        cut = data.rfind(b"\n") + 1
        if cut == 0:
            if len(data) < 16 * chunk_bytes:
                carry = data
                continue
            cut = len(data) - 1
            while utf8 and cut > 0 and (data[cut] & 0xC0) == 0x80:
                cut -= 1
            cut = cut or len(data)
        head, carry = data[:cut], data[cut:]
        yield head, offset
        offset += len(head)
    if carry:
        yield carry, offset


_END = object()


def read_ahead(items: Iterator) -> Iterator:
    """The items of ``items``, each next one read in a background thread while the caller works
    on the current one: reading a chunk of a file (a system call and a copy, both without the
    GIL) overlaps the kernels. For regular files only: a read from a pipe may block for ever,
    and a thread blocked there would hold up the interpreter's exit after Ctrl-C."""
    from concurrent.futures import ThreadPoolExecutor

    pool = ThreadPoolExecutor(1, thread_name_prefix="minent-read")
    try:
        ahead = pool.submit(next, items, _END)
        while True:
            item = ahead.result()
            if item is _END:
                return
            ahead = pool.submit(next, items, _END)
            yield item
    finally:
        pool.shutdown(wait=True, cancel_futures=True)  # a read of a regular file ends soon


def iter_file_chunks(
    stream: IO[bytes], name: str, encoding: str = "utf-8", chunk_bytes: int = CHUNK_BYTES
) -> Iterator[tuple[str, int]]:
    """Yield ``(text, nbytes)`` chunks of a byte stream, cut after a newline (see :func:`iter_byte_chunks`)."""
    for data, offset in iter_byte_chunks(stream, chunk_bytes, encoding.startswith("utf")):
        yield _decode(data, name, offset, encoding), len(data)


UTF8_BOM = b"\xef\xbb\xbf"


def is_regular_file(path: PathLike) -> bool:
    """Whether ``path`` is a regular file (after links): only those can be read twice.

    Standard input, a FIFO or a process substitution (``<(cmd)``, a /dev/fd path) and
    character devices give their bytes once.
    """
    if str(path) == STDIN:
        return False
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False


@contextmanager
def open_input(path: PathLike, encoding: str = "utf-8") -> Iterator[IO[bytes]]:
    """Open a file ('-': standard input) for reading bytes, with one-line errors.

    A UTF-8 byte-order mark at the start is skipped when the encoding is UTF-8 (as Python's
    ``utf-8-sig`` does): editors on Windows write one, and it is not text.
    """
    name = _describe(path)
    utf8 = check_encoding(encoding) in ("utf-8", "utf-8-sig")
    check_readable(path)
    if str(path) == STDIN and sys.stdin is None:
        raise MinentError("cannot read standard input: it is closed")
    try:
        stream = sys.stdin.buffer if str(path) == STDIN else open(path, "rb")
    except OSError as e:
        raise MinentError(f"cannot read {name}: {e.strerror or e}") from None
    try:
        if utf8:
            try:
                head = stream.peek(3)[:3] if hasattr(stream, "peek") else b""
            except OSError as e:
                raise MinentError(f"cannot read {name}: {e.strerror or e}") from None
            if head == UTF8_BOM:
                stream.read(3)
        yield stream
    finally:
        if str(path) != STDIN:
            stream.close()


def read_input(path: PathLike, encoding: str = "utf-8") -> bytes:
    """All the bytes of a file ('-': standard input), a leading UTF-8 BOM skipped."""
    with open_input(path, encoding) as stream:
        try:
            return stream.read()
        except OSError as e:
            raise MinentError(f"cannot read {_describe(path)}: {e.strerror or e}") from None


class Corpus:
    """Text that can be read, in chunks, as an algorithm needs.

    Build it from files (``Corpus.from_files``) or from strings already in memory
    (``Corpus.from_texts``; each string is a document or a line). Regular files can be read
    as many times as needed; standard input, FIFOs and other streams only once
    (``rereadable`` says which): an algorithm that needs a second pass keeps what it read.
    """

    def __init__(self) -> None:
        self._paths: list[str] = []
        self._texts: Optional[list[str]] = None
        self.encoding = "utf-8"
        self._consumed = False

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
        streams = [os.path.realpath(p) for p in paths if str(p) != STDIN and not is_regular_file(p)]
        if len(set(streams)) < len(streams):
            twice = next(p for p in paths if streams.count(os.path.realpath(p)) > 1)
            raise MinentError(f"'{twice}' is a stream (a FIFO or a pipe) and can be named only once")
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

    @property
    def rereadable(self) -> bool:
        """Whether :meth:`chunks` can be called again (texts and regular files only)."""
        return self._texts is not None or all(is_regular_file(p) for p in self._paths)

    def total_bytes(self) -> Optional[int]:
        """Size of the input in bytes (characters for in-memory texts), if known."""
        if self._texts is not None:
            return sum(len(t) + 1 for t in self._texts)
        if not self.rereadable:
            return None
        return sum(os.path.getsize(p) for p in self._paths)

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
        if self._consumed and not self.rereadable:
            # never a silently different result: a stream read twice would give nothing
            raise MinentError(f"{', '.join(map(_describe, self._paths))} can be read only once")
        self._consumed = True
        for path in self._paths:
            with open_input(path, self.encoding) as f:
                try:
                    yield from iter_file_chunks(f, _describe(path), self.encoding, chunk_bytes)
                except OSError as e:
                    raise MinentError(f"cannot read {_describe(path)}: {e.strerror or e}") from None

    def close(self) -> None:
        """Release what the corpus holds (nothing today; kept for callers)."""


# -- output ------------------------------------------------------------------------------
#
# Every command writes through :func:`open_output`, which behaves as GNU tools do:
#
# * standard output (None or '-') is written as the work goes on; a write error (a full
#   disk, an I/O error) is a one-line MinentError, and a closed pipe (``| head``) raises
#   BrokenPipeError, which the CLI turns into a quiet exit;
# * a regular file (or a path not there yet) is written to a temporary file beside it and
#   renamed into place when the work ends without an error, so a failed or interrupted run
#   leaves the old file (or nothing) behind; the new file gets the mode ``0666 & ~umask``, an
#   overwritten one keeps its mode and, where permitted, its owner;
# * a symbolic link is followed: its target is written (atomically, as above), the link stays;
# * anything else (a character device such as /dev/null, a FIFO) is opened and written
#   directly, with no rename; a socket is refused.

#: temporary files being written; the CLI's last-resort signal handler removes them
TEMPORARIES: set = set()


def _output_name(path: Optional[PathLike]) -> str:
    return "output" if path is None or str(path) == STDIN else f"'{path}'"


class _Sink(io.RawIOBase):
    """A raw output whose write errors are one-line MinentErrors naming the output.

    ``fd`` is written with os.write; without one (standard output replaced by a stream that
    has no file descriptor, as in tests), ``stream`` is. A broken pipe on standard output stays
    a BrokenPipeError (the reader went away: the CLI stops quietly); on a named FIFO it is an
    error like any other.
    """

    def __init__(self, name: str, fd: Optional[int] = None, stream: Optional[IO] = None, owns_fd: bool = False) -> None:
        super().__init__()
        self._name, self._fd, self._stream, self._owns_fd = name, fd, stream, owns_fd
        self._stdout = name == "output"

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:  # type: ignore[override]
        try:
            if self._fd is not None:
                return os.write(self._fd, data)
            if isinstance(self._stream, io.TextIOBase):
                self._stream.write(bytes(data).decode("utf-8", "surrogatepass"))
            else:
                self._stream.write(bytes(data))
            return len(data)
        except BrokenPipeError:
            if self._stdout:
                raise
            raise OutputError(f"cannot write {self._name}: broken pipe (the reader went away)") from None
        except OSError as e:
            raise OutputError(f"cannot write {self._name}: {e.strerror or e}") from None

    def close(self) -> None:
        if self.closed:
            return
        super().close()
        if self._fd is not None and self._owns_fd:
            os.close(self._fd)
        elif self._stream is not None:
            try:
                self._stream.flush()
            except BrokenPipeError:
                raise
            except OSError as e:
                raise OutputError(f"cannot write {self._name}: {e.strerror or e}") from None


def _stdout_sink() -> _Sink:
    if sys.stdout is None:
        raise OutputError("cannot write output: standard output is closed")
    try:
        return _Sink("output", fd=sys.stdout.fileno())
    except (AttributeError, ValueError, io.UnsupportedOperation):
        return _Sink("output", stream=getattr(sys.stdout, "buffer", sys.stdout))


class OutputError(MinentError):
    """Writing an output failed (full disk, I/O error, closed FIFO...)."""


def _stream(raw: io.RawIOBase, binary: bool, encoding: str, newline: str) -> IO:
    buffered = io.BufferedWriter(raw, 1 << 20)
    if binary:
        return buffered
    return io.TextIOWrapper(buffered, encoding=encoding, newline=newline, errors="strict", write_through=False)


def _close_quietly(stream: IO) -> None:
    """Close a stream after an error: what is still buffered is dropped, errors ignored."""
    try:
        stream.close()
    except Exception:  # the original error is the one to report
        try:
            raw = stream.detach() if hasattr(stream, "detach") else None
            while raw is not None and hasattr(raw, "detach"):
                raw = raw.detach()
            if raw is not None:
                raw.close()
        except Exception:
            pass


def _resolve(path: PathLike) -> str:
    """The file a path names: symbolic links followed (a dangling link names its target)."""
    return os.path.realpath(os.fspath(path))


def _target(path: PathLike) -> tuple[str, str, Optional[os.stat_result]]:
    """How an output path is written: ``(kind, file, stat)`` with kind ``direct`` (a device, a
    FIFO, a pipe reached through /dev/stdout or ``>(cmd)``: opened as it is), ``in-place`` (a
    writable file in a directory we cannot create files in) or ``atomic`` (a temporary beside
    the file, symbolic links followed, renamed at the end). One-line errors for the rest."""
    text = os.fspath(path)
    if isinstance(text, bytes):
        text = os.fsdecode(text)
    try:
        st: Optional[os.stat_result] = os.stat(text)  # follows links, /proc/self/fd ones included
    except FileNotFoundError:
        st = None
    except NotADirectoryError:
        raise MinentError(f"cannot write '{path}': not a directory") from None
    except OSError as e:
        raise MinentError(f"cannot write '{path}': {e.strerror or e}") from None
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise MinentError(f"cannot write '{path}': it is a directory")
    if text.endswith(os.sep):
        raise MinentError(f"cannot write '{path}': {'not a directory' if st is not None else 'no such directory'}")
    if st is not None and stat.S_ISSOCK(st.st_mode):
        raise MinentError(f"cannot write '{path}': it is a socket")
    if st is not None and not stat.S_ISREG(st.st_mode):
        if not os.access(text, os.W_OK):
            raise MinentError(f"cannot write '{path}': permission denied")
        return "direct", text, st
    real = _resolve(text)
    folder = os.path.dirname(real) or "."
    if not os.path.isdir(folder):
        raise MinentError(f"cannot write '{path}': no such directory '{os.path.dirname(text) or folder}'")
    if st is not None and not os.access(real, os.W_OK):
        raise MinentError(f"cannot write '{path}': permission denied")
    if not os.access(folder, os.W_OK | os.X_OK):
        if st is not None:
            return "in-place", real, st
        raise MinentError(f"cannot write '{path}': permission denied (directory '{folder}')")
    return "atomic", real, st


def check_writable(path: Optional[PathLike]) -> None:
    """Fail early, with a one-line message, if ``path`` cannot be written (stdout always can)."""
    if path is None or str(path) == STDIN:
        return
    _target(path)


def same_output(a: Optional[PathLike], b: Optional[PathLike]) -> bool:
    """Whether two outputs are the same file (after links); devices and FIFOs never clash."""
    if a is None or b is None:
        return False
    if str(a) == STDIN or str(b) == STDIN:
        return str(a) == str(b)
    try:
        sa, sb = os.stat(a), os.stat(b)
    except OSError:
        return _resolve(a) == _resolve(b)
    return stat.S_ISREG(sa.st_mode) and (sa.st_dev, sa.st_ino) == (sb.st_dev, sb.st_ino)


def _temporary_beside(real: str, mode: int) -> tuple[int, str]:
    """Create ``.NAME.XXXXXXXX.part`` beside ``real``, opened for writing with ``mode`` (umask
    applies), and registered in :data:`TEMPORARIES` at once. A long NAME is shortened so the
    temporary's name stays within the 255 bytes a file name may have."""
    folder, name = os.path.split(real)
    short = os.fsencode(name)[:200].decode("utf-8", "ignore") or "out"
    for _ in range(100):
        tmp = os.path.join(folder, f".{short}.{os.urandom(4).hex()}.part")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), mode)
        except FileExistsError:
            continue
        TEMPORARIES.add(tmp)
        return fd, tmp
    raise FileExistsError(f"no free temporary name beside {real}")


@contextmanager
def open_output(
    path: Optional[PathLike], binary: bool = False, encoding: str = "utf-8", newline: str = "\n"
) -> Iterator[IO]:
    """Open an output for writing (text, or bytes with ``binary``); see the notes above.

    Errors while writing raise :class:`OutputError` (a MinentError) naming the output. The
    file is in place only when the ``with`` block ends without an exception.
    """
    tmp: Optional[str] = None  # the temporary renamed into place at the end (regular files)
    if path is None or str(path) == STDIN:
        sink = _stdout_sink()
        sys.stdout.flush()  # what was printed before goes first
    else:
        kind, real, st = _target(path)
        name = f"'{path}'"
        try:
            if kind == "atomic":
                fd, tmp = _temporary_beside(real, 0o600 if st is not None else 0o666)
            else:  # a device, a FIFO, a pipe: as it is; a file in a read-only folder: in place
                flags = os.O_WRONLY | getattr(os, "O_CLOEXEC", 0) | (os.O_TRUNC if kind == "in-place" else 0)
                fd = os.open(real, flags)
        except OSError as e:
            raise MinentError(f"cannot write {name}: {e.strerror or e}") from None
        try:
            if tmp is not None and st is not None:  # an overwritten file keeps its mode and, where permitted, its owner
                os.fchmod(fd, stat.S_IMODE(st.st_mode))
                if (st.st_uid, st.st_gid) != (os.geteuid(), os.getegid()):
                    try:
                        os.fchown(fd, st.st_uid, st.st_gid)
                    except OSError:
                        pass
            sink = _Sink(name, fd=fd, owns_fd=True)
        except BaseException:
            os.close(fd)
            if tmp is not None:
                _remove(tmp)
            raise
    stream = _stream(sink, binary, encoding, newline)
    try:
        yield stream
        stream.close()
        if tmp is not None:
            try:
                os.replace(tmp, real)
            except OSError as e:
                raise MinentError(f"cannot write {name}: {e.strerror or e}") from None
    except BaseException:
        _close_quietly(stream)
        if tmp is not None:
            _remove(tmp)
        raise
    finally:
        if tmp is not None:
            TEMPORARIES.discard(tmp)


def _remove(path: str) -> None:
    TEMPORARIES.discard(path)
    try:
        os.unlink(path)
    except OSError:
        pass


def remove_temporaries() -> None:
    """Remove every temporary output still being written (a last resort when a signal ends the run)."""
    for tmp in list(TEMPORARIES):
        _remove(tmp)
    TEMPORARIES.clear()
