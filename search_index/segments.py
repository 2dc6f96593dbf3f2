"""When and how the segments of a library are merged.

Every committed batch of an import is a new Whoosh segment, and a search pays for each segment
it opens, so segments must be merged. Whoosh's own merge (``MERGE_SMALL``, run inside every
commit) does it badly for a big import: it merges all small segments together again and again,
and it sends every posting of the merged segments through the writer's sorting pool, pickled and
sorted again although each segment already holds them sorted. Measured here on 60,000 papers:
one commit merged 40,000 papers in 119 s at 809 MB of RSS, and merging at all ran at about 400
papers/s, as slow as indexing them in the first place.

Here segments are merged by size tier (a log merge policy, as in Lucene): a merge happens only
when `FACTOR` segments of about the same size exist, so each paper is rewritten about
log_FACTOR(library / batch) times in all, and never into a segment above `LARGEST_MERGE`
papers. The merge itself streams: stored fields and columns are copied document by document,
and the postings of the merged segments are copied a block of Whoosh's encoding at a time with
only their document numbers shifted (`postings_copy`); segments with deleted documents are
merged posting by posting instead, their sorted postings joined with `heapq.merge`. Either way
straight into the new segment's files, with no pool and memory independent of segment size.
"""

from __future__ import annotations

import contextlib
import heapq
import math
from collections.abc import Iterator
from typing import Any

from whoosh import index as whoosh_index
from whoosh.codec.base import Segment
from whoosh.reading import SegmentReader
from whoosh.writing import IndexWriter, SegmentWriter

from search_index import postings_copy

FACTOR = 8
"""Segments of one size tier merged together: more means fewer merges but more segments."""
FLOOR = 1_000
"""Segments below this many papers are all of the lowest tier: a fetch of three papers and an
import batch of 2,000 are merged alike, not each waiting for seven others of their size."""
LARGEST_MERGE = 250_000
"""Papers at most in a segment made by merging. Merging time grows with the segment, and a
commit that merges holds the write lock for as long; above this, segments stay as they are."""
DELETED_SHARE = 0.3
"""A segment with this share of deleted papers (replaced by newer versions) is rewritten
without them, so that updates do not slow every search down for good."""

Posting = tuple[str, bytes, int, float, Any]


def level(segment: Segment) -> int:
    return int(math.log(max(segment.doc_count_all(), FLOOR) / FLOOR, FACTOR))


def choose(segments: list[Segment]) -> list[Segment]:
    """The segments to merge next, or none. The smallest tier with `FACTOR` segments goes
    first; a segment mostly deleted is rewritten on its own."""
    for segment in segments:
        total = segment.doc_count_all()
        if total and segment.deleted_count() >= DELETED_SHARE * total:
            return [segment]
    tiers: dict[int, list[Segment]] = {}
    for segment in segments:
        tiers.setdefault(level(segment), []).append(segment)
    for tier in sorted(tiers):
        group = sorted(tiers[tier], key=lambda s: s.doc_count())[:FACTOR]
        if len(group) >= FACTOR and sum(s.doc_count() for s in group) <= LARGEST_MERGE:
            return group
    return []


def merge_as_needed(ix: whoosh_index.Index, limitmb: int) -> int:
    """Merge until no tier is full; the number of merges made. Each merge is its own commit,
    so a merge interrupted by a crash leaves the library as the last commit left it."""
    merges = 0
    while chosen := choose(list(ix._segments())):
        merge(ix, chosen, limitmb)
        merges += 1
    return merges


def merge(
    ix: whoosh_index.Index, chosen: list[Segment], limitmb: int, *, by_block: bool = True
) -> None:
    """Replace the `chosen` segments by one, in one commit.

    Postings are copied a block at a time (`postings_copy`) when no chosen segment has deleted
    documents, else posting by posting; `by_block=False` forces the latter, which tests compare
    the block copy with.
    """
    if by_block and not any(s.has_deletions() for s in chosen):
        try:
            _merge(ix, chosen, limitmb, by_block=True)
            return
        except postings_copy.NotCopyable:
            pass  # the writer was abandoned: nothing of this attempt is left
    _merge(ix, chosen, limitmb, by_block=False)


def _merge(ix: whoosh_index.Index, chosen: list[Segment], limitmb: int, *, by_block: bool) -> None:
    writer: SegmentWriter = ix.writer(limitmb=limitmb)
    readers: list[SegmentReader] = []
    try:
        ids = {s.segment_id() for s in chosen}
        kept = [s for s in writer.segments if s.segment_id() not in ids]
        merged = [s for s in writer.segments if s.segment_id() in ids]
        fieldnames = set(writer.schema.names())
        readers = [SegmentReader(writer.storage, writer.schema, s) for s in merged]
        if by_block and not postings_copy.copyable(readers, writer):
            raise postings_copy.NotCopyable
        sources: list[Iterator[Posting]] = []
        bases: list[int] = []
        for reader in readers:
            bases.append(writer.docnum)
            # Copies stored fields, lengths and columns; with deletions, the map from old
            # document numbers to new ones (deleted documents are left out).
            docmap = writer.write_per_doc(fieldnames, reader)
            sources.append(_renumbered(reader, bases[-1], docmap))
        writer.perdocwriter.close()
        if by_block:
            postings_copy.copy_postings(writer, list(zip(readers, bases, strict=True)))
        else:
            lengths = writer.per_document_reader()
            try:
                writer.fieldwriter.add_postings(writer.schema, lengths, heapq.merge(*sources))
            finally:
                lengths.close()
        writer._close_segment()
        writer._assemble_segment()
        new = writer.get_segment()
        writer._commit_toc([*kept, new] if new.doc_count_all() else kept)
        writer._finish()
    except BaseException:
        abandon(writer)
        raise
    finally:
        for reader in readers:
            reader.close()


def _renumbered(
    reader: SegmentReader, base: int, docmap: dict[int, int] | None
) -> Iterator[Posting]:
    """The segment's postings in (field, term, document) order, numbered in the new segment.
    Deleted documents' postings are skipped by the reader; terms left with none disappear."""
    for fieldname, text in reader.all_terms():
        m = reader.postings(fieldname, text)
        while m.is_active():
            doc = m.id()
            yield (
                fieldname,
                text,
                base + doc if docmap is None else docmap[doc],
                m.weight(),
                m.value(),
            )
            m.next()


def abandon(writer: IndexWriter) -> None:
    """Drop a writer whose batch failed, leaving the library exactly as its last commit left it.

    Whoosh's cancel() first writes the writer's buffers out, so on a full disk it fails itself and
    leaves the new segment's files, its scratch directory (papers_v1.tmp) and Whoosh's own lock
    behind: hundreds of kilobytes on a disk that is already full, so that not even a small import
    fitted afterwards. What cancel() could not remove is removed here. The new segment belongs to
    no commit unless the table of contents of its generation was renamed into place; then its
    files are kept.
    """
    with contextlib.suppress(Exception):
        writer.cancel()
    with contextlib.suppress(Exception):
        discard_new_segment(writer)
    with contextlib.suppress(Exception):
        writer._tempstorage.destroy()
    if writer.writelock is not None:
        with contextlib.suppress(Exception):
            writer.writelock.release()
    writer.is_closed = True


def discard_new_segment(writer: IndexWriter) -> None:
    """Delete the files of the writer's new segment, unless a commit made it part of the index
    (the table of contents of the writer's generation is in place)."""
    storage = writer.storage
    if whoosh_index.TOC._latest_generation(storage, writer.indexname) >= writer.generation:
        return
    prefix = writer.newsegment.segment_id() + "."
    for name in storage.list():
        if name.startswith(prefix):
            with contextlib.suppress(OSError):
                storage.delete_file(name)
