"""Whoosh's in-memory files read without copying behave like the `io.BytesIO` they replace:
every read, seek and line a segment reader asks for gives the same bytes. Field lengths read a
column at a time are the ones Whoosh wrote."""

from __future__ import annotations

import datetime as dt
import io
import pickle
import random
from pathlib import Path

import pytest
from whoosh import index as whoosh_index
from whoosh.filedb.structfile import BufferFile
from whoosh.util.numeric import byte_to_length, length_to_byte

from search_index import Library, Paper, documents
from search_index.schema import INDEX_NAME

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


def test_field_lengths_read_whole_are_the_words_indexed(tmp_path: Path) -> None:
    """Scoring and the segment writer see each paper's field length (its words as indexed, in
    Whoosh's one-byte rounding) from a column read once per segment; a paper with no abstract
    has none, including as the last paper of a segment, whose zero Whoosh does not write."""
    library = Library.open(tmp_path / "lib", seed=False)
    papers = [
        Paper(
            id=f"2401.{i:05d}",
            title=" ".join(["word"] * (1 + i * 7)),
            abstract="" if i % 4 == 3 else "Transformers scale with data. " * i,
            authors=("Ann Lee",) * (1 + i % 3),
            published=dt.date(2024, 1, 1 + i),
        )
        for i in range(12)
    ]
    library.add(papers, batch_size=4)
    ix = whoosh_index.open_dir(str(library.path), indexname=INDEX_NAME)
    schema = ix.schema
    checked = 0
    with ix.reader() as reader:
        for leaf, _ in reader.leaf_readers():
            for docnum in range(leaf.doc_count_all()):
                paper = documents.paper_from_record(leaf.stored_fields(docnum)["record"])
                document = documents.paper_to_document(paper)
                for field in ("title", "abstract", "authors"):
                    words = len(list(schema[field].analyzer(document[field])))
                    expected = byte_to_length(length_to_byte(words)) if words else None
                    assert leaf.doc_field_length(docnum, field) == expected, (paper.id, field)
                    checked += 1
    assert checked == 36
