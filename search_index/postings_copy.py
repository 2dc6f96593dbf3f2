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
_BLOCK_LIMIT = 128  # postings a block holds at most: W3Codec's blocklimit


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
        info = _copy_term(found, out, writer.schema[fieldname].format.fixed_value_size())
        info += pack_long(start) + struct.pack("!i", out.tell() - start)
        fieldwriter._tindex.add(pack_ushort(fieldwriter._fieldid) + btext, info)
    if field is not None:
        fieldwriter.finish_field()


def _terms(reader: SegmentReader, i: int) -> Iterator[tuple[str, bytes, int, bytes]]:
    terms = reader._terms
    for keybytes, info in terms._tindex.items():
        fieldname, btext = terms._keydecoder(keybytes)
        yield fieldname, btext, i, info


def _copy_term(
    found: list[tuple[SegmentReader, int, bytes]], out: Any, fixed_size: int | None
) -> bytes:
    """Copy one term's blocks from each segment that has it; its merged term info."""
    weight = 0.0
    df = max_weight = longest = 0
    shortest = first_id = last_id = None
    blocks = _Blocks(out, fixed_size)
    for reader, base, info in found:
        flags, w, d, short, long, mw, lo, hi = _TERM_INFO.unpack_from(info)
        if flags:  # postings inlined in the term index, not in blocks
            raise NotCopyable
        pointer = info[_TERM_INFO.size :]
        offset = unpack_long(pointer[:8])[0]
        (length,) = struct.unpack("!i", pointer[8 : 8 + _INT_SIZE])
        for block in _blocks(reader._terms._postfile.get(offset, length), base):
            blocks.add(block)
        weight += w
        df += d
        max_weight = max(max_weight, mw)
        longest = max(longest, long)
        shortest = short if shortest is None else min(shortest, short)
        if lo != _NO_ID and first_id is None:
            first_id = lo + base
        if hi != _NO_ID:
            last_id = hi + base
    blocks.finish()
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


# A block as read: its header (postings, last id, highest weight, compression, shortest and
# longest length bytes), the header's and the data's bytes, and the shift of its ids.
Block = tuple[tuple[Any, ...], bytes, bytes, int]


def _blocks(extent: bytes, base: int) -> Iterator[Block]:
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
        yield header, header_bytes, extent[data_start:end], base
        position = end


class _Blocks:
    """Writes a term's blocks: a full block copied with its ids shifted, short ones (each
    segment's last, and all of a rare word's) joined while they fit in one block, as Whoosh
    would have written them. Copied as they were, a word in ten papers of ten segments took ten
    blocks, and a 1,000,000-paper library grew by a third (2.85 to 3.75 GB) and searched ~10%
    slower. Each block is written when the next is known, for the last one's sign."""

    def __init__(self, out: Any, fixed_size: int | None) -> None:
        self.out = out
        self.fixed_size = fixed_size
        self.short: list[Block] = []
        self.ready: tuple[bytes, bytes] | None = None

    def add(self, block: Block) -> None:
        count = block[0][0]
        if self.short and sum(b[0][0] for b in self.short) + count > _BLOCK_LIMIT:
            self._emit(self._joined())
        if count >= _BLOCK_LIMIT:
            self._emit(_shifted(block))
        else:
            self.short.append(block)

    def finish(self) -> None:
        if self.short:
            self._emit(self._joined())
        if self.ready is not None:
            self._write(*self.ready, last=True)

    def _emit(self, block: tuple[bytes, bytes]) -> None:
        if self.ready is not None:
            self._write(*self.ready, last=False)
        self.ready = block

    def _write(self, header: bytes, data: bytes, *, last: bool) -> None:
        size = len(header) + len(data)
        self.out.write(_BLOCK_LENGTH.pack(-size if last else size))
        self.out.write(header)
        self.out.write(data)

    def _joined(self) -> tuple[bytes, bytes]:
        parts, self.short = self.short, []
        if len(parts) == 1:
            return _shifted(parts[0])
        ids: list[int] = []
        weights: list[float] = []
        values: list[Any] = []
        for (count, _, _, compression, _, _), _, data, base in parts:
            raw = zlib.decompress(data) if compression else data
            deltas, mini_weights, mini_values = pickle.loads(raw)
            ids += (n + base for n in itertools.accumulate(deltas))
            if mini_weights is None:
                weights += [1.0] * count
            elif isinstance(mini_weights, float):
                weights += [mini_weights] * count
            else:
                weights += mini_weights
            values.append(mini_values)
        # As W3PostingsWriter._mini_weights and _mini_values make them.
        if all(w == 1.0 for w in weights):
            joined_weights: Any = None
        elif all(w == weights[0] for w in weights):
            joined_weights = weights[0]
        else:
            joined_weights = tuple(weights)
        if self.fixed_size is None or self.fixed_size < 0:
            joined_values: Any = tuple(v for part in values for v in part)
        elif self.fixed_size == 0:
            joined_values = None
        else:
            joined_values = b"".join(values)
        compression = parts[0][0][3]
        deltas = (ids[0], *(b - a for a, b in itertools.pairwise(ids)))
        raw = pickle.dumps((deltas, joined_weights, joined_values), _PICKLE_PROTOCOL)
        header = (
            len(ids),
            ids[-1],
            max(p[0][2] for p in parts),
            compression,
            min(p[0][4] for p in parts),
            max(p[0][5] for p in parts),
        )
        return (
            pickle.dumps(header, _PICKLE_PROTOCOL),
            zlib.compress(raw, compression) if compression else raw,
        )


def _shifted(block: Block) -> tuple[bytes, bytes]:
    """A block with its ids moved up by its base: with ids delta-encoded, only the first."""
    header, header_bytes, data, base = block
    if not base:
        return header_bytes, data
    count, max_id, max_weight, compression, short, long = header
    raw = zlib.decompress(data) if compression else data
    ids, weights, values = pickle.loads(raw)
    raw = pickle.dumps(((ids[0] + base, *ids[1:]), weights, values), _PICKLE_PROTOCOL)
    header = (count, max_id + base, max_weight, compression, short, long)
    return (
        pickle.dumps(header, _PICKLE_PROTOCOL),
        zlib.compress(raw, compression) if compression else raw,
    )
