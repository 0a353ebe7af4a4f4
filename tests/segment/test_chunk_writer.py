"""The writer thread of segment_file: the chunks' output in order, one chunk pending at most,
and a failed write reported (not lost) on the caller's thread."""

from __future__ import annotations

import threading
import time

import pytest

from minent.segment.segmenter import _Writer


def test_parts_are_written_in_order_on_another_thread():
    written, threads = [], set()

    def write(part):
        time.sleep(0.001)
        threads.add(threading.get_ident())
        written.append(part)

    with _Writer(write) as writer:
        for chunk in range(20):
            writer.write([f"{chunk}a", f"{chunk}b"])
    assert written == [f"{c}{s}" for c in range(20) for s in "ab"]
    assert threading.get_ident() not in threads


def test_one_chunk_pending_at_most():
    started, release = threading.Event(), threading.Event()

    def write(part):
        started.set()
        release.wait(5)

    writer = _Writer(write)
    writer.write(["first"])
    started.wait(5)
    waiter = threading.Thread(target=writer.write, args=(["second"],))
    waiter.start()
    waiter.join(0.2)
    assert waiter.is_alive()  # the second chunk waits for the first one's write
    release.set()
    waiter.join(5)
    assert not waiter.is_alive()
    writer.__exit__(None, None, None)


def test_a_failed_write_comes_out_of_the_next_write_or_the_end():
    def write(part):
        if part == "bad":
            raise BrokenPipeError("closed")

    with pytest.raises(BrokenPipeError):
        with _Writer(write) as writer:
            writer.write(["bad"])
            writer.write(["next"])  # raises here, or at the end of the block
    with pytest.raises(BrokenPipeError):
        with _Writer(write) as writer:
            writer.write(["bad"])


def test_leaving_on_an_error_lets_the_pending_write_end():
    written = []

    def write(part):
        time.sleep(0.05)
        written.append(part)

    with pytest.raises(KeyError):
        with _Writer(write) as writer:
            writer.write(["last"])
            raise KeyError("the caller's error wins")
    assert written == ["last"]


def test_a_blocked_write_does_not_hold_an_error_leaving(monkeypatch):
    # a write stuck on a full pipe (| less): Ctrl-C must still leave, after a short grace
    monkeypatch.setattr(_Writer, "LEAVE_SECONDS", 0.2)
    release = threading.Event()
    start = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        with _Writer(lambda part: release.wait(30)) as writer:
            writer.write(["stuck"])
            raise KeyboardInterrupt
    assert time.monotonic() - start < 5
    release.set()
