"""The single writer: stores papers in batches with `update_document`, keys assigned on the way.

Whoosh commits are atomic (a new table of contents is renamed into place), so a reader always
sees a whole earlier or later state, and an import killed half-way loses only its current batch.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable

import attrs
from whoosh import index as whoosh_index
from whoosh.searching import Searcher
from whoosh.writing import IndexWriter

from search_index import documents
from search_index.citekeys import base_key, unique_key
from search_index.errors import READ_FAILURES, LibraryError, describe
from search_index.ids import is_arxiv_id
from search_index.merging import match_key, merge, same_paper
from search_index.models import ImportReport, Paper

WRITER_MEMORY_MB = 256


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
        return _commit_batch(ix, batch, report)
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
            # Keys in use, loaded per base once a batch: a popular base ("wang2024learning")
            # must not cost an index lookup per suffix per paper.
            used: dict[str, set[str]] = {}
            next_suffix: dict[str, int] = {}

            def new_key(paper: Paper) -> str:
                base = base_key(paper)
                if base not in used:
                    used[base] = {
                        t.decode() if isinstance(t, bytes) else t
                        for t in s.reader().expand_prefix("citekey", base)
                    }
                key, n = unique_key(paper, used[base].__contains__, next_suffix.get(base, 0))
                next_suffix[base] = n + 1
                used[base].add(key)
                return key

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
                    **documents.paper_to_document(attrs.evolve(paper, citation_key=key))
                )
        # The commit is inside the try too: a commit that fails (a full disk while writing the
        # segment) must be cleaned up like any other failed batch.
        if added or updated:
            writer.commit()
        else:
            writer.cancel()
            # Whoosh's cancel() leaves the new segment's files (created empty with the writer)
            # until some later commit cleans up: re-running a finished import left three files
            # per batch behind, for good if nothing new was ever imported again.
            _discard_new_segment(writer)
    except BaseException:
        _abandon(writer)
        raise
    return attrs.evolve(
        report,
        added=report.added + added,
        updated=report.updated + updated,
        unchanged=report.unchanged + unchanged,
    )


def _abandon(writer: IndexWriter) -> None:
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
        _discard_new_segment(writer)
    with contextlib.suppress(Exception):
        writer._tempstorage.destroy()
    if writer.writelock is not None:
        with contextlib.suppress(Exception):
            writer.writelock.release()
    writer.is_closed = True


def _discard_new_segment(writer: IndexWriter) -> None:
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
