"""read_ahead: the items of an iterator, each next one read in a background thread."""

from __future__ import annotations

import threading

import pytest

from minent.common.textio import read_ahead


def test_the_same_items_in_order_read_one_ahead_in_another_thread():
    readers = []

    def items():
        for i in range(50):
            readers.append(threading.current_thread().name)
            yield i

    got = []
    for item in read_ahead(items()):
        got.append(item)
        assert len(readers) in (item + 1, item + 2)  # never more than one item ahead
    assert got == list(range(50))
    assert all(name.startswith("minent-read") for name in readers)
    assert list(read_ahead(iter([]))) == []


def test_an_error_of_the_reader_reaches_the_caller_at_its_item():
    def items():
        yield 1
        yield 2
        raise OSError("disk gone")

    got = []
    with pytest.raises(OSError, match="disk gone"):
        for item in read_ahead(items()):
            got.append(item)
    assert got == [1, 2]


def test_a_caller_that_stops_early_leaves_no_thread():
    before = threading.active_count()
    chunks = read_ahead(iter(range(100)))
    assert next(chunks) == 0
    chunks.close()
    assert threading.active_count() == before
