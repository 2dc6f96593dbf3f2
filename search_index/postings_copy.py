"""Merging segments' postings a block at a time instead of a posting at a time.

Whoosh keeps a term's postings in blocks of up to 128 documents: a length, a small pickled
header (postings, last document, highest weight, compression, shortest and longest field length)
and the block's data, the tuple (ids, weights, values) pickled and zlib-compressed, with ids
delta-encoded. When segments without deleted documents are merged, every document number only
moves up by its segment's offset in the new one; with delta-encoded ids that changes the first id
of each block and nothing else. So blocks are copied with that one number changed (and the last
document in the header), and a term's statistics are summed from the segments' term infos.

Merging posting by posting through Whoosh's writer (decode, renumber, `heapq.merge`, look up
each document's field length, encode again, all in Python) was the larger part of a big import:
in a 1,000,000-paper import each paper is merged twice. See `bench/RESULTS.md`.
"""

from __future__ import annotations

import heapq
import io
import itertools
import pickle
import struct
import zlib
from collections.abc import Iterator
from typing import Any

from whoosh.codec import whoosh3
from whoosh.reading import SegmentReader
from whoosh.system import _INT_SIZE, pack_long, pack_ushort, unpack_long
from whoosh.writing import SegmentWriter

_TERM_INFO = struct.Struct("!BfIBBfII")  # W3TermInfo: flags, weight, df, lengths, max weight, ids
_BLOCK_LENGTH = struct.Struct("!i")  # negative for a term's last block
_NO_ID = 0xFFFFFFFF
_PICKLE_PROTOCOL = 2  # what Whoosh writes; kept so that the files read the same either way


class NotCopyable(Exception):
    """These segments hold something the block copy does not handle (deleted documents, another
    codec, postings inlined in the term index, which whoosh-reloaded 2.7.5 cannot write but
    its format allows): the merge is made posting by posting instead."""


def copyable(readers: list[SegmentReader], writer: SegmentWriter) -> bool:
    """Segments without deleted documents, all in Whoosh 3's format, as the writer's."""
    return isinstance(writer.fieldwriter, whoosh3.W3FieldWriter) and all(
        not r.has_deletions() and isinstance(r._terms, whoosh3.W3TermsReader) for r in readers
    )


def copy_postings(writer: SegmentWriter, sources: list[tuple[SegmentReader, int]]) -> None:
    """Write the postings of `sources` (a reader and the number of its first document in the new
    segment, in increasing order) into the writer's new segment, term by term in index order."""
    fieldwriter = writer.fieldwriter
    out = fieldwriter._postfile
    terms = heapq.merge(*(_terms(reader, i) for i, (reader, _) in enumerate(sources)))
    field = None
    for (fieldname, btext), parts in itertools.groupby(terms, key=lambda t: (t[0], t[1])):
        if fieldname != field:
            if field is not None:
                fieldwriter.finish_field()
            fieldwriter.start_field(fieldname, writer.schema[fieldname])
            field = fieldname
        found = [(sources[i][0], sources[i][1], info) for _, _, i, info in parts]
        start = out.tell()
        out.write(whoosh3.WHOOSH3_HEADER_MAGIC)
        info = _copy_term(found, out)
        info += pack_long(start) + struct.pack("!i", out.tell() - start)
        fieldwriter._tindex.add(pack_ushort(fieldwriter._fieldid) + btext, info)
    if field is not None:
        fieldwriter.finish_field()


def _terms(reader: SegmentReader, i: int) -> Iterator[tuple[str, bytes, int, bytes]]:
    terms = reader._terms
    for keybytes, info in terms._tindex.items():
        fieldname, btext = terms._keydecoder(keybytes)
        yield fieldname, btext, i, info


def _copy_term(found: list[tuple[SegmentReader, int, bytes]], out: Any) -> bytes:
    """Copy one term's blocks from each segment that has it; its merged term info."""
    weight = 0.0
    df = max_weight = longest = 0
    shortest = first_id = last_id = None
    for n, (reader, base, info) in enumerate(found):
        flags, w, d, short, long, mw, lo, hi = _TERM_INFO.unpack_from(info)
        if flags:  # postings inlined in the term index, not in blocks
            raise NotCopyable
        pointer = info[_TERM_INFO.size :]
        offset = unpack_long(pointer[:8])[0]
        (length,) = struct.unpack("!i", pointer[8 : 8 + _INT_SIZE])
        extent = reader._terms._postfile.get(offset, length)
        _copy_blocks(extent, base, out, last_segment=n == len(found) - 1)
        weight += w
        df += d
        max_weight = max(max_weight, mw)
        longest = max(longest, long)
        shortest = short if shortest is None else min(shortest, short)
        if lo != _NO_ID and first_id is None:
            first_id = lo + base
        if hi != _NO_ID:
            last_id = hi + base
    return _TERM_INFO.pack(
        0,
        weight,
        df,
        shortest or 0,
        longest,
        max_weight,
        _NO_ID if first_id is None else first_id,
        _NO_ID if last_id is None else last_id,
    )


def _copy_blocks(extent: bytes, base: int, out: Any, *, last_segment: bool) -> None:
    if extent[:4] != whoosh3.WHOOSH3_HEADER_MAGIC:
        raise NotCopyable
    stream = io.BytesIO(extent)
    position = 4
    last = False
    while not last:
        (length,) = _BLOCK_LENGTH.unpack_from(extent, position)
        last = length < 0
        end = position + _BLOCK_LENGTH.size + abs(length)
        stream.seek(position + _BLOCK_LENGTH.size)
        header = pickle.load(stream)
        data_start = stream.tell()
        header_bytes = extent[position + _BLOCK_LENGTH.size : data_start]
        data = extent[data_start:end]
        if base:
            count, max_id, max_weight, compression, short, long = header
            raw = zlib.decompress(data) if compression else data
            ids, weights, values = pickle.loads(raw)
            raw = pickle.dumps(((ids[0] + base, *ids[1:]), weights, values), _PICKLE_PROTOCOL)
            data = zlib.compress(raw, compression) if compression else raw
            header = (count, max_id + base, max_weight, compression, short, long)
            header_bytes = pickle.dumps(header, _PICKLE_PROTOCOL)
        size = len(header_bytes) + len(data)
        out.write(_BLOCK_LENGTH.pack(-size if last and last_segment else size))
        out.write(header_bytes)
        out.write(data)
        position = end
