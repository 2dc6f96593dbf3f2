"""Whoosh's in-memory files read without copying behave like the `io.BytesIO` they replace:
every read, seek and line a segment reader asks for gives the same bytes."""

from __future__ import annotations

import io
import pickle
import random

import pytest
from whoosh.filedb.structfile import BufferFile

import search_index  # noqa: F401  (applies the patches)

DATA = b"line one\nsecond line\n\nno newline at the end" + bytes(range(256)) * 20


def _ops(seed: int) -> list[tuple[str, int]]:
    rng = random.Random(seed)
    ops = []
    for _ in range(300):
        kind = rng.choice(["read", "read", "readline", "seek", "seek_end", "seek_cur", "tell"])
        ops.append((kind, rng.randint(-5, 70)))
    return ops


@pytest.mark.parametrize("seed", range(8))
def test_reads_seeks_and_lines_match_bytesio(seed: int) -> None:
    ours = BufferFile(memoryview(DATA)[3:]).file
    theirs = io.BytesIO(DATA[3:])
    assert not isinstance(ours, io.BytesIO)  # the copy this replaces
    for kind, n in _ops(seed):
        if kind == "read":
            assert ours.read(n) == theirs.read(n)
        elif kind == "readline":
            assert ours.readline(n) == theirs.readline(n)
        elif kind == "seek":
            assert ours.seek(abs(n) * 20) == theirs.seek(abs(n) * 20)
        elif kind == "seek_end":
            assert ours.seek(-abs(n), 2) == theirs.seek(-abs(n), 2)
        elif kind == "seek_cur" and theirs.tell() + n >= 0:
            assert ours.seek(n, 1) == theirs.seek(n, 1)
        elif kind == "seek_cur":
            with pytest.raises(ValueError):
                theirs.seek(theirs.tell() + n)
            with pytest.raises(ValueError):
                ours.seek(n, 1)
        assert ours.tell() == theirs.tell()
    ours.seek(0)
    theirs.seek(0)
    assert list(ours) == list(theirs)
    assert ours.read() == theirs.read() == b""


def test_struct_reads_and_pickles_through_a_buffer_file() -> None:
    payload = {"record": "x" * 300, "n": [1, 2, 3]}
    raw = b"\x00\x00\x00\x2a" + pickle.dumps(payload) + b"tail"
    f = BufferFile(memoryview(raw))
    assert f.read_int() == 42
    assert f.read_pickle() == payload
    assert f.read(4) == b"tail"
    sub = f.subset(4, len(raw) - 8)
    assert sub.read_pickle() == payload
    assert f.get(0, 4) == b"\x00\x00\x00\x2a"
