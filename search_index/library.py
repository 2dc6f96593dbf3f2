"""A library: one directory holding one Whoosh index of papers, opened once and shared.

The directory is recognised by its `library.json`; anything else that is not empty is refused,
so that pointing `--library` at the wrong folder never overwrites someone's files.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from importlib import resources
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.fields import Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.searching import Searcher

from search_index import documents
from search_index.errors import READ_FAILURES, LibraryError, LibraryLocked, describe
from search_index.indexer import WriteFailed, write_papers
from search_index.locking import write_lock
from search_index.models import ImportReport, Paper
from search_index.paths import default_library_dir
from search_index.schema import INDEX_NAME, SCHEMA_VERSION, build_schema

META_FILE = "library.json"
META_TEMP = "library.tmp"
MARKER = "paperscope-library"
_INDEX_FILE = re.compile(r"^_?(papers_v(\d+))_")
# A table of contents being written: Whoosh renames it into place when the commit is done.
_TOC_TEMP = re.compile(rf"^_{re.escape(INDEX_NAME)}_\d+\.toc\.")


def embedded_listing() -> str:
    """The papers a new library starts with, shipped inside the package."""
    return resources.files("search_index.data").joinpath("listing.txt").read_text("utf-8")


class Library:
    """An open library. Thread-safe for reading: each search opens its own Whoosh searcher."""

    # Searchers kept open between searches. Opening one reads every segment's files (about
    # 30 ms at 10,000 papers, most of a search); a kept one costs a directory listing to check
    # that no commit happened since.
    _POOL_SIZE = 4

    def __init__(self, path: Path, ix: whoosh_index.Index) -> None:
        self.path = path
        self._ix = ix
        self._idle: list[Searcher] = []
        self._pool_lock = threading.Lock()

    # -- opening -----------------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        path: str | os.PathLike[str] | None = None,
        *,
        seed: bool = True,
        reference_date: dt.date | None = None,
        lock_timeout: float = 10.0,
    ) -> Library:
        """Open the library at `path` (default: see `default_library_dir`), creating it if needed.

        A new library gets the embedded listing when `seed` is true, so the first run of the
        explorer has papers to show. Files that cannot be read (permissions on a shared
        library, a damaged index) are reported as a LibraryError naming the library.
        """
        directory = Path(path).expanduser() if path is not None else default_library_dir()
        try:
            return cls._open(directory, seed, reference_date, lock_timeout)
        except READ_FAILURES as exc:
            raise LibraryError(f"cannot open the library {directory}: {describe(exc)}") from exc

    @classmethod
    def _open(
        cls,
        directory: Path,
        seed: bool,
        reference_date: dt.date | None,
        lock_timeout: float,
    ) -> Library:
        _check_directory(directory)
        meta = _read_meta(directory)
        if _has_index(directory):
            library = cls(directory, _open_index(directory))
            if seed and not meta.get("seeded") and library.count() == 0 and library.writable:
                library._seed(reference_date)
            return library
        if not _writable(directory):
            raise LibraryError(
                f"the library {directory} has no index and is read-only, so none can be made; "
                "ask its owner to run `paperscope import` there"
            )
        with write_lock(directory, lock_timeout):
            # Another process may have created it while we waited for the lock.
            if not _has_index(directory):
                old = _older_index_names(directory)
                ix = whoosh_index.create_in(str(directory), build_schema(), indexname=INDEX_NAME)
                if not seed:
                    # Made for an import: "seeded" records that the sample question is settled,
                    # so a reader opening the library before the import's first commit (the
                    # lock is released in between) does not add the sample papers to it.
                    meta["seeded"] = True
                _write_meta(directory, {**meta, "schema_version": SCHEMA_VERSION})
                if old:
                    _rebuild_from(directory, old, ix)
                    meta["seeded"] = True
            ix = _open_index(directory)
        library = cls(directory, ix)
        if seed and not meta.get("seeded") and library.count() == 0:
            library._seed(reference_date)
        return library

    def _seed(self, reference_date: dt.date | None) -> None:
        """Give a new, empty library the embedded listing, unless someone is writing to it.

        The decision is taken again under the write lock, and the lock is not waited for: a
        `paperscope search` started while the first import into a new library ran used to wait
        for that import (failing after 10 s with "being written by") and then add the sample
        papers to a library its owner had filled with an import.
        """
        from search_index.importers import listing

        try:
            with write_lock(self.path, timeout=0):
                if _read_meta(self.path).get("seeded") or self.count():
                    return
                papers = listing.parse_text(
                    embedded_listing(),
                    source_name="<embedded listing>",
                    reference_date=reference_date,
                )
                write_papers(self._ix, (p for p in papers if isinstance(p, Paper)))
                _write_meta(self.path, {**_read_meta(self.path), "seeded": True})
        except LibraryLocked:
            return  # another process is writing: this library is being filled, not new

    # -- reading -----------------------------------------------------------------------------

    @property
    def writable(self) -> bool:
        return _writable(self.path)

    @contextlib.contextmanager
    def searcher(self) -> Iterator[Searcher]:
        """A searcher on the latest commit, for this caller alone until the block ends.

        Whoosh searchers are not safe to share between threads; each is lent to one caller
        at a time from a small pool, and replaced when a commit happened since, so that papers
        imported by another process are seen without a restart.
        """
        with self._pool_lock:
            idle = self._idle.pop() if self._idle else None
        if idle is not None and not idle.up_to_date():
            # Not Searcher.refresh(): in whoosh-reloaded 2.7.5 it fails on an empty index and
            # adds the old reader's segments to the new ones, which could show merged-away
            # documents twice. A new searcher after a commit is the safe price.
            idle.close()
            idle = None
        searcher = idle if idle is not None else self._ix.searcher()
        try:
            yield searcher
        finally:
            with self._pool_lock:
                keep = len(self._idle) < self._POOL_SIZE
                if keep:
                    self._idle.append(searcher)
            if not keep:
                searcher.close()

    @property
    def schema(self) -> Schema:
        return self._ix.schema

    def count(self) -> int:
        with self.searcher() as s:
            return int(s.doc_count())

    # -- writing -----------------------------------------------------------------------------

    def add(
        self,
        papers: Iterable[Paper],
        *,
        batch_size: int = 2000,
        lock_timeout: float = 10.0,
        progress: Callable[[ImportReport], None] | None = None,
    ) -> ImportReport:
        """Store papers, replacing earlier versions of the same ids.

        Papers are committed in batches: an import that is interrupted keeps every whole batch it
        committed, and the index always shows a complete earlier or later state, never a partial
        batch.
        """
        if not self.writable:
            raise LibraryError(f"the library {self.path} is read-only; nothing was imported")
        try:
            with write_lock(self.path, lock_timeout):
                self._remove_stale_tocs()
                return write_papers(
                    self._writing_index(), papers, batch_size=batch_size, progress=progress
                )
        except WriteFailed as failed:
            kept = failed.kept
            done = (
                f"the {kept.added} added and {kept.updated} updated before it are kept; "
                "run the same import again to finish it"
                if kept.added or kept.updated
                else "nothing was imported and the library is as it was"
            )
            raise LibraryError(
                f"cannot write to the library {self.path}: {failed.reason}; {done}"
            ) from failed

    def _writing_index(self) -> whoosh_index.Index:
        """The index for a writer, reading its segments with plain reads instead of memory maps.

        Merging maps every merged segment whole, and mapped pages count in the process's memory
        (RSS): a 60,000-paper import peaked at 492 MB with maps and 109 MB without, and took 8%
        longer. Searchers keep the maps, which make them faster.
        """
        return FileStorage(str(self.path), supports_mmap=False).open_index(INDEX_NAME)

    def _remove_stale_tocs(self) -> None:
        """Delete tables of contents left half-written by a killed commit.

        Whoosh writes each as a temporary file and renames it into place; a commit killed in
        between leaves the temporary file, which Whoosh never deletes (8 KB a kill, forever).
        Only a writer makes them, and the caller holds the write lock.
        """
        for entry in self.path.iterdir():
            if _TOC_TEMP.match(entry.name):
                with contextlib.suppress(OSError):
                    entry.unlink()
        # And what a commit killed after its rename had yet to delete: the replaced tables and
        # segments. A batch's next commit would delete them, but a merge's commit may have
        # been the last (a re-run that finds every paper stored commits nothing).
        with contextlib.suppress(*READ_FAILURES):
            latest = whoosh_index.TOC._latest_generation(self._ix.storage, INDEX_NAME)
            toc = whoosh_index.TOC.read(self._ix.storage, INDEX_NAME, latest)
            whoosh_index.clean_files(self._ix.storage, INDEX_NAME, latest, toc.segments)


def _writable(directory: Path) -> bool:
    return os.access(directory, os.W_OK)


def _check_directory(directory: Path) -> None:
    if directory.exists() and not directory.is_dir():
        raise LibraryError(f"the library path {directory} is a file, not a directory")
    if not directory.exists():
        try:
            directory.mkdir(parents=True)
        except OSError as exc:
            raise LibraryError(f"cannot create the library {directory}: {exc.strerror}") from exc
        _write_meta(directory, {"schema_version": SCHEMA_VERSION})
        return
    try:
        entries = [p.name for p in directory.iterdir()]
    except OSError as exc:
        raise LibraryError(f"cannot read the library {directory}: {exc.strerror}") from exc
    if META_FILE in entries:
        return
    if not entries or _half_created(directory, entries):
        if _writable(directory):
            _write_meta(directory, {"schema_version": SCHEMA_VERSION})
        return
    raise LibraryError(
        f"{directory} is not a paperscope library (no {META_FILE}) and is not empty; "
        "choose an empty or new directory. Nothing was changed."
    )


def _half_created(directory: Path, entries: list[str]) -> bool:
    """Only the temporary file of our own first `library.json`: a first start killed while
    creating the library. Treated as empty instead of refused as someone else's directory."""
    if entries != [META_TEMP]:
        return False
    try:
        text = (directory / META_TEMP).read_text("utf-8")
    except (OSError, ValueError):
        return False
    head = '{\n  "schema_version": '  # how _write_meta starts a new library's file
    return head.startswith(text) or text.startswith(head)


def _has_index(directory: Path) -> bool:
    """Whether the directory holds our index, judged from file names alone.

    Whoosh's exists_in reads the table of contents, and garbage in it escaped as a TypeError
    traceback; when the table was missing it answered "no index" although segments remained, and
    create_in then started an empty index over them (the papers vanished at the next commit).
    """
    storage = FileStorage(str(directory))
    if whoosh_index.TOC._latest_generation(storage, INDEX_NAME) > -1:
        return True
    orphans = sorted(f for f in storage.list() if f.startswith(f"{INDEX_NAME}_") and "." in f)
    if orphans:
        more = f" and {len(orphans) - 1} more" if len(orphans) > 1 else ""
        raise LibraryError(
            f"the index of the library {directory} is damaged: its table of contents is missing "
            f"but its files remain ({orphans[0]}{more}); nothing was changed"
        )
    return False


def _open_index(directory: Path) -> whoosh_index.Index:
    """Open the index and every segment of its latest commit, so that damage is reported here,
    as one line naming the library, before anything is read or written."""
    for attempt in range(10):
        try:
            ix = whoosh_index.open_dir(str(directory), indexname=INDEX_NAME)
            break
        except FileNotFoundError:
            # A commit deletes the table it replaced right after renaming its new one into place;
            # an open that listed the directory just before retries, as Whoosh's reader() does.
            if attempt == 9:
                raise
            time.sleep(0.05)
        except OSError:
            raise
        except Exception as exc:  # garbage in the table of contents: TypeError, struct.error...
            raise _damaged(directory, exc) from exc
    try:
        ix.reader().close()
    except OSError:
        raise
    except Exception as exc:  # a truncated segment: EOFError, ValueError...
        raise _damaged(directory, exc) from exc
    return ix


def _damaged(directory: Path, exc: BaseException) -> LibraryError:
    return LibraryError(
        f"the index of the library {directory} is damaged ({describe(exc)}); nothing was changed"
    )


def _read_meta(directory: Path) -> dict[str, object]:
    path = directory / META_FILE
    if not path.exists():
        return {"format": MARKER}
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise LibraryError(f"{path} is unreadable: {exc}") from exc
    if not isinstance(data, dict) or data.get("format") != MARKER:
        raise LibraryError(f"{path} is not a paperscope library file. Nothing was changed.")
    return data


def _write_meta(directory: Path, data: dict[str, object]) -> None:
    path = directory / META_FILE
    tmp = directory / META_TEMP
    tmp.write_text(json.dumps({**data, "format": MARKER}, indent=2) + "\n", "utf-8")
    tmp.replace(path)


def _older_index_names(directory: Path) -> list[str]:
    names = {
        m.group(1)
        for f in directory.iterdir()
        if (m := _INDEX_FILE.match(f.name)) and int(m.group(2)) != SCHEMA_VERSION
    }
    return sorted(n for n in names if whoosh_index.exists_in(str(directory), indexname=n))


def _rebuild_from(directory: Path, old_names: list[str], ix: whoosh_index.Index) -> None:
    """Carry papers from indexes of other schema versions over through their stored records."""
    for name in old_names:
        old = whoosh_index.open_dir(str(directory), indexname=name)
        with old.searcher() as s:
            papers = [
                documents.paper_from_record(fields["record"])
                for fields in s.all_stored_fields()
                if "record" in fields
            ]
        old.close()
        write_papers(ix, papers)
        storage = FileStorage(str(directory))
        for f in storage.list():
            if f.startswith((f"_{name}_", f"{name}_")):
                storage.delete_file(f)
