"""The single writer: stores papers in batches with `update_document`, keys assigned on the way.

Whoosh commits are atomic (a new table of contents is renamed into place), so a reader always
sees a whole earlier or later state, and an import killed half-way loses only its current batch.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import attrs
from whoosh import index as whoosh_index
from whoosh.searching import Searcher
from whoosh.writing import IndexWriter

from search_index import documents, segments
from search_index.citekeys import base_key, unique_key
from search_index.errors import READ_FAILURES, LibraryError, describe
from search_index.ids import is_arxiv_id
from search_index.merging import match_key, merge, same_paper
from search_index.models import ImportReport, Paper

WRITER_MEMORY_MB = 64
"""Whoosh's sorting pool spills sorted runs to disk above this. Its own size estimate counts
well under what Python holds (256 here peaked at 809 MB of RSS), and a batch of papers needs far
less: 2,000 papers are about 12 MB of postings."""


class WriteFailed(LibraryError):
    """Storing a batch failed (a full disk, a file-size limit, a damaged segment).

    Every batch committed before it stays; `kept` counts them, `reason` is the one-line cause.
    """

    def __init__(self, folder: str, reason: str, kept: ImportReport) -> None:
        super().__init__(f"cannot write to the library {folder}: {reason}")
        self.reason = reason
        self.kept = kept


def write_papers(
    ix: whoosh_index.Index,
    papers: Iterable[Paper],
    *,
    batch_size: int = 2000,
    progress: Callable[[ImportReport], None] | None = None,
) -> ImportReport:
    report = ImportReport()
    batch: dict[str, Paper] = {}
    for paper in papers:
        # Within one batch the last record of an id wins: update_document only replaces
        # committed documents, so two records of one id in a batch would otherwise both stay.
        batch[paper.id] = paper
        if len(batch) >= batch_size:
            report = _store(ix, batch, report)
            batch = {}
            if progress:
                progress(report)
    if batch:
        report = _store(ix, batch, report)
        if progress:
            progress(report)
    return report


def _store(ix: whoosh_index.Index, batch: dict[str, Paper], report: ImportReport) -> ImportReport:
    # Failures of the writing only (the papers are read outside): an OSError here used to escape
    # as a traceback from `paperscope import` on a full disk (ENOSPC) or under `ulimit -f` (EFBIG).
    try:
        report = _commit_batch(ix, batch, report)
        segments.merge_as_needed(ix, WRITER_MEMORY_MB)
        return report
    except READ_FAILURES as exc:
        raise WriteFailed(str(getattr(ix.storage, "folder", "")), describe(exc), report) from exc


def _stored(s: Searcher, paper: Paper) -> Paper | None:
    """The stored record of this paper: by id, or under another identity by match key."""
    stored = s.document(id=paper.id)
    if stored is not None:
        return documents.paper_from_record(stored["record"])
    for fields in s.documents(match=match_key(paper)):
        twin = documents.paper_from_record(fields["record"])
        if same_paper(twin, paper) and not (is_arxiv_id(twin.id) and is_arxiv_id(paper.id)):
            return twin
    return None


def _commit_batch(
    ix: whoosh_index.Index, batch: dict[str, Paper], report: ImportReport
) -> ImportReport:
    added = updated = unchanged = 0
    writer: IndexWriter = ix.writer(limitmb=WRITER_MEMORY_MB)
    try:
        with writer.searcher() as s:
            # A new key is probed term by term in the index's hash tables: listing every key
            # of a base with `expand_prefix` walked each segment's sorted term index and was a
            # tenth of an import's time. The suffix reached per base is remembered, so a
            # popular base ("wang2024learning") is probed from the start once a batch.
            reader = s.reader()
            assigned: set[str] = set()
            next_suffix: dict[str, int] = {}

            def taken(key: str) -> bool:
                return key in assigned or ("citekey", key) in reader

            def new_key(paper: Paper) -> str:
                base = base_key(paper)
                key, n = unique_key(paper, taken, next_suffix.get(base, 0))
                next_suffix[base] = n + 1
                assigned.add(key)
                return key

            # Words already given to the spelling field in this batch (see schema.spell_words).
            spelled: set[str] = set()
            for incoming in batch.values():
                old = _stored(s, incoming)
                if old is not None:
                    paper = merge(old, incoming)
                    if documents.same_content(old, paper) and old.citation_key:
                        unchanged += 1
                        continue
                    if old.id != paper.id:
                        writer.delete_by_term("id", old.id)
                    updated += 1
                else:
                    paper = incoming
                    added += 1
                key = paper.citation_key or new_key(paper)
                writer.update_document(
                    **documents.paper_to_document(attrs.evolve(paper, citation_key=key), spelled)
                )
        # The commit is inside the try too: a commit that fails (a full disk while writing the
        # segment) must be cleaned up like any other failed batch.
        if added or updated:
            # Merging is left to `segments`, after the commit: Whoosh's merge in the commit
            # slowed big imports to a crawl (see segments.py).
            writer.commit(merge=False)
        else:
            writer.cancel()
            # Whoosh's cancel() leaves the new segment's files (created empty with the writer)
            # until some later commit cleans up: re-running a finished import left three files
            # per batch behind, for good if nothing new was ever imported again.
            segments.discard_new_segment(writer)
    except BaseException:
        segments.abandon(writer)
        raise
    return attrs.evolve(
        report,
        added=report.added + added,
        updated=report.updated + updated,
        unchanged=report.unchanged + unchanged,
    )
