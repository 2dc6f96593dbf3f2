"""The library directory: seeding, idempotent imports, safety, locking, versions."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from search_index import (
    Library,
    LibraryError,
    LibraryLocked,
    Paper,
    SearchService,
    import_file,
)
from search_index.locking import write_lock
from tests.conftest import REFERENCE_DATE, write_listing


def _paper(i: int, **changes: object) -> Paper:
    fields: dict[str, object] = {
        "id": f"2401.{i:05d}",
        "title": f"Paper number {i}",
        "authors": ("Ann Lee",),
        "published": dt.date(2024, 1, 1),
        "categories": ("cs.LG",),
    }
    fields.update(changes)
    return Paper(**fields)  # type: ignore[arg-type]


def test_a_new_library_is_seeded_once(tmp_path: Path) -> None:
    library = Library.open(tmp_path / "lib", reference_date=REFERENCE_DATE)
    assert library.count() == 19
    again = Library.open(tmp_path / "lib", reference_date=REFERENCE_DATE)
    assert again.count() == 19
    assert json.loads((tmp_path / "lib" / "library.json").read_text())["seeded"] is True


def test_seeding_is_fast(tmp_path: Path) -> None:
    """Not a timing assertion (see bench/): the seed must not need anything but the package."""
    library = Library.open(tmp_path / "lib")
    assert {p.published.year for p in _all(library)} >= {2022, 2023, 2024, 2025}


def _all(library: Library) -> list[Paper]:
    return [h.paper for h in SearchService(library).search("", limit=1000).hits]


def test_importing_the_same_file_twice_adds_nothing(tmp_path: Path, seed_listing: Path) -> None:
    library = Library.open(tmp_path / "lib", seed=False)
    first = import_file(library, seed_listing, reference_date=REFERENCE_DATE)
    assert (first.added, first.updated, first.unchanged, first.format) == (19, 0, 0, "listing")
    second = import_file(library, seed_listing, reference_date=REFERENCE_DATE)
    assert (second.added, second.updated, second.unchanged) == (0, 0, 19)
    assert library.count() == 19


def test_a_changed_record_updates_and_keeps_its_key(tmp_path: Path) -> None:
    library = Library.open(tmp_path / "lib", seed=False)
    library.add([_paper(1)])
    key = SearchService(library).get("2401.00001").citation_key
    report = library.add([_paper(1, abstract="Now with an abstract.")])
    assert (report.added, report.updated) == (0, 1)
    paper = SearchService(library).get("2401.00001")
    assert paper.abstract == "Now with an abstract." and paper.citation_key == key
    assert library.count() == 1


def test_citation_keys_are_unique(tmp_path: Path) -> None:
    library = Library.open(tmp_path / "lib", seed=False)
    library.add([_paper(1, title="Scaling laws"), _paper(2, title="Scaling again")])
    library.add([_paper(3, title="Scaling once more")])
    service = SearchService(library)
    keys = [service.get(f"2401.0000{i}").citation_key for i in (1, 2, 3)]
    assert keys == ["lee2024scaling", "lee2024scalinga", "lee2024scalingb"]


def test_the_last_record_of_an_id_in_one_batch_wins(tmp_path: Path) -> None:
    library = Library.open(tmp_path / "lib", seed=False)
    library.add([_paper(1, title="Old"), _paper(1, title="New")])
    assert library.count() == 1
    assert SearchService(library).get("2401.00001").title == "New"


def test_bad_records_are_reported_and_the_rest_imported(tmp_path: Path) -> None:
    library = Library.open(tmp_path / "lib", reference_date=REFERENCE_DATE)
    path = write_listing(
        tmp_path / "mixed.txt",
        [
            ("LGJun 3, 2024", "New PaperAnn Lee", "Abstract."),
            ("LGFeb 30, 2024", "Bad DateBo Li", "Abstract."),
        ],
    )
    report = import_file(library, path, reference_date=REFERENCE_DATE)
    assert report.added == 1
    assert [str(e) for e in report.errors] == [f"{path}:4: impossible date Feb 30, 2024"]
    assert library.count() == 20  # the 19 already stored are all still there


def test_a_foreign_directory_is_refused_and_untouched(tmp_path: Path) -> None:
    foreign = tmp_path / "thesis"
    foreign.mkdir()
    (foreign / "chapter1.tex").write_text("precious")
    with pytest.raises(LibraryError, match="not a paperscope library"):
        Library.open(foreign)
    assert sorted(p.name for p in foreign.iterdir()) == ["chapter1.tex"]


def test_a_file_is_not_a_library(tmp_path: Path) -> None:
    path = tmp_path / "file"
    path.write_text("x")
    with pytest.raises(LibraryError, match="is a file"):
        Library.open(path)


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_a_read_only_library_searches_but_refuses_writes(tmp_path: Path) -> None:
    Library.open(tmp_path / "lib", reference_date=REFERENCE_DATE)
    (tmp_path / "lib").chmod(0o555)
    try:
        library = Library.open(tmp_path / "lib")
        assert SearchService(library).search("merging").total > 0
        with pytest.raises(LibraryError, match="read-only"):
            library.add([_paper(1)])
    finally:
        (tmp_path / "lib").chmod(0o755)


def test_a_second_writer_waits_then_names_the_holder(tmp_path: Path) -> None:
    library = Library.open(tmp_path / "lib", seed=False)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                f"""
                import sys, time
                from pathlib import Path
                from search_index.locking import write_lock
                with write_lock(Path({str(library.path)!r})):
                    print("locked", flush=True)
                    time.sleep(30)
                """
            ),
        ],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        started = time.monotonic()
        with pytest.raises(LibraryLocked) as info:
            library.add([_paper(1)], lock_timeout=0.5)
        assert time.monotonic() - started < 5
        assert f"pid {holder.pid}" in str(info.value)
        assert library.count() == 0
    finally:
        holder.kill()
        holder.wait()
        if holder.stdout:
            holder.stdout.close()
    # A killed holder leaves no stale lock.
    assert library.add([_paper(1)], lock_timeout=2).added == 1


def test_the_lock_is_reentrant_across_processes_only_after_release(tmp_path: Path) -> None:
    with write_lock(tmp_path):
        pass
    with write_lock(tmp_path, timeout=0.1):
        pass


def test_an_import_killed_half_way_leaves_the_previous_index_intact(tmp_path: Path) -> None:
    library = Library.open(tmp_path / "lib", reference_date=REFERENCE_DATE)
    before = {p.id for p in _all(library)}
    script = textwrap.dedent(
        f"""
        import datetime as dt, os, signal
        from search_index import Library, Paper
        library = Library.open({str(library.path)!r})
        def papers():
            for i in range(10_000):
                if i == 2_500:
                    os.kill(os.getpid(), signal.SIGKILL)  # mid-batch, after one commit
                yield Paper(id=f"2402.{{i:05d}}", title=f"Killed {{i}}", authors=("A B",),
                            published=dt.date(2024, 2, 1))
        library.add(papers(), batch_size=2_000)
        """
    )
    proc = subprocess.run(
        [sys.executable, "-c", script], cwd=Path(__file__).resolve().parents[2], check=False
    )
    assert proc.returncode == -signal.SIGKILL
    reopened = Library.open(library.path)
    service = SearchService(reopened)
    assert {service.get(i).id for i in before} == before
    assert reopened.count() == 19 + 2_000  # the first whole batch, nothing of the second
    # Running it again completes it with no duplicates; the lock died with the process.
    reopened.add(
        (
            Paper(id=f"2402.{i:05d}", title=f"Killed {i}", authors=("A B",),
                  published=dt.date(2024, 2, 1))
            for i in range(10_000)
        ),
        lock_timeout=2,
    )  # fmt: skip
    assert reopened.count() == 19 + 10_000


def test_an_index_of_another_schema_version_is_rebuilt(tmp_path: Path) -> None:
    from whoosh import index as whoosh_index

    from search_index import documents
    from search_index.schema import INDEX_NAME, build_schema

    library = Library.open(tmp_path / "lib", reference_date=REFERENCE_DATE)
    ids = {p.id for p in _all(library)}
    # Rename the current index as if an older paperscope had written it.
    old = whoosh_index.create_in(str(library.path), build_schema(), indexname="papers_v0")
    with library.searcher() as s, old.writer() as w:
        for fields in s.all_stored_fields():
            w.add_document(
                **documents.paper_to_document(documents.paper_from_record(fields["record"]))
            )
    for f in library.path.iterdir():
        if INDEX_NAME in f.name:
            f.unlink()
    rebuilt = Library.open(library.path)
    assert {p.id for p in _all(rebuilt)} == ids
    assert not [f for f in library.path.iterdir() if "papers_v0" in f.name]


def test_a_long_lived_service_sees_papers_imported_later(tmp_path: Path) -> None:
    """Searchers are kept between searches; a commit must still be seen at once."""
    library = Library.open(tmp_path / "lib", reference_date=REFERENCE_DATE)
    service = SearchService(library)
    assert service.search("").total == 19
    assert service.search("").total == 19  # served by a kept searcher
    other_process_view = Library.open(tmp_path / "lib")
    other_process_view.add([_paper(1), _paper(2)])
    assert service.search("").total == 21
    assert service.get("2401.00002").title == "Paper number 2"
