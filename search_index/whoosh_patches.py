"""Small, measured fixes to whoosh-reloaded 2.7.5, applied once when search_index is imported.

No Whoosh fork is maintained, so fixes live here, each with the measurement that justified it.
"""

from __future__ import annotations

from typing import Any

from whoosh.codec import whoosh3
from whoosh.filedb import structfile
from whoosh.matching import binary
from whoosh.query import compound
from whoosh.util.numeric import byte_to_length

from search_index.doc_arrays import whole_column


def _cached_reader(self: Any, fieldname: str, column: Any) -> Any:
    """Remember that a field has no length column, too.

    The original caches only columns that exist, so every posting of an unscored field (ids,
    categories, booleans) asked the filesystem again: 470,000 stat calls and about 4.5 s of a
    30 s import of 10,000 papers, measured with cProfile.
    """
    try:
        return self._readers[fieldname]
    except KeyError:
        pass
    reader = self.column_reader(fieldname, column) if self.has_column(fieldname) else None
    self._readers[fieldname] = reader
    return reader


# A length byte's length; 0 is "no length", for which Whoosh returns None.
_LENGTH_OF = tuple(byte_to_length(b) if b else None for b in range(256))


def _doc_field_length(self: Any, docnum: int, fieldname: str, default: Any = 0) -> Any:
    """A document's field length from the segment's whole length column, read once.

    Whoosh reads one byte through three Python calls (a seek and a read when the file is not
    memory-mapped, as in the importer) each time. Its writer asks once per posting when it
    writes a segment (2.6 million times in a 20,000-paper import, 8 of 110 s under cProfile),
    and scoring asks once per matched document per field.
    """
    if docnum > self._doccount:
        raise IndexError(f"Asked for docnum {docnum!r} of {self._doccount}")
    cache = self.__dict__.setdefault("_paperscope_lengths", {})
    try:
        lengths = cache[fieldname]
    except KeyError:
        column = self._cached_reader(whoosh3._lenfield(fieldname), whoosh3.LENGTHS_COLUMN)
        lengths = cache[fieldname] = (
            None if column is None else whole_column(column, "B", self._doccount)
        )
    if lengths is None:
        return default
    # docnum may equal the document count, as Whoosh's own reader allows.
    return _LENGTH_OF[lengths[docnum]] if docnum < len(lengths) else None


class _ViewFile:
    """A read-only file over a buffer (a slice of the segment file's memory map), not a copy.

    Whoosh's `BufferFile` wraps every file it opens from a segment in `io.BytesIO(buffer)`,
    which copies it: opening a 1,000,000-paper library copied its terms and postings (4.3 s,
    and RSS in gigabytes), and the first search copied the stored fields and columns it read
    (another 3.8 s). Reads here copy only the bytes asked for; the pages stay in the page cache,
    shared by every process on the library.
    """

    __slots__ = ("_pos", "_view")

    def __init__(self, buf: Any) -> None:
        self._view = memoryview(buf)
        self._pos = 0

    def read(self, n: int | None = -1) -> bytes:
        start = self._pos
        size = len(self._view)
        end = size if n is None or n < 0 else min(start + n, size)
        if end <= start:
            return b""
        self._pos = end
        return self._view[start:end].tobytes()

    def readline(self, limit: int | None = -1) -> bytes:
        start = self._pos
        size = len(self._view)
        stop = size if limit is None or limit < 0 else min(start + limit, size)
        end = start
        while end < stop:
            chunk = self._view[end : min(end + 4096, stop)].tobytes()
            found = chunk.find(b"\n")
            if found >= 0:
                end += found + 1
                break
            end += len(chunk)
        self._pos = end
        return self._view[start:end].tobytes()

    def seek(self, offset: int, whence: int = 0) -> int:
        base = (0, self._pos, len(self._view))[whence]
        if base + offset < 0:
            raise ValueError(f"negative seek position {base + offset}")
        self._pos = base + offset
        return self._pos

    def tell(self) -> int:
        return self._pos

    def __iter__(self) -> Any:
        return iter(self.readline, b"")

    def close(self) -> None:
        self._view = memoryview(b"")


def _buffer_file_init(self: Any, buf: Any, name: str | None = None, onclose: Any = None) -> None:
    self._buf = buf
    self._name = name
    self.file = _ViewFile(buf)
    self.onclose = onclose
    self.is_real = False
    self.is_closed = False


def _buffer_file_subset(self: Any, position: int, length: int, name: str | None = None) -> Any:
    view = memoryview(self._buf)[position : position + length]
    return structfile.BufferFile(view, name=name or self._name)


def _leaf_all_ids(self: Any) -> Any:
    """Every remaining document of a term's postings, a block at a time.

    Whoosh's generic version steps one posting at a time through `is_active`, `id` and `next`;
    counting the matches of a search (which every search does, for "N of M papers") spent half
    its time there at 1,000,000 papers (cProfile over 20 of the benchmark's queries).
    """
    while self.is_active():
        if self._ids is None:
            self._read_ids()
        yield from self._ids[self._i : self._blocklength]
        self._i = self._blocklength
        self._next_block()


def _union_all_ids(self: Any) -> Any:
    """The union of two matchers' documents, as Whoosh already does for intersections.

    The generic version merges the two streams posting by posting in Python (`id`, `next`,
    `_find_next` on every level of the tree a query word makes over three fields).
    """
    return iter(sorted(set(self.a.all_ids()) | set(self.b.all_ids())))


def apply() -> None:
    whoosh3.W3LeafMatcher.all_ids = _leaf_all_ids
    binary.UnionMatcher.all_ids = _union_all_ids
    structfile.BufferFile.__init__ = _buffer_file_init
    structfile.BufferFile.subset = _buffer_file_subset
    whoosh3.W3PerDocReader._cached_reader = _cached_reader
    whoosh3.W3PerDocReader.doc_field_length = _doc_field_length
    # An Or (every query word is one, over title, authors and abstract) picks an array matcher
    # when the *segment* has under 5,000 documents, which imports in batches of 2,000 always
    # make: it allocates and scans arrays of the segment's size per word. The union tree is
    # twice as fast on 10,000 papers (plain search p50 22 -> 11 ms, bench/scale.py queries).
    compound.Or.matcher_type = compound.Or.DEFAULT_MATCHER
