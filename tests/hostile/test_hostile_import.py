"""The hostile corpus through `paperscope import`, then through the library: each record is
either stored clean or rejected as FILE:LINE: reason, and nothing crashes."""

from __future__ import annotations

import re
from collections.abc import Iterator

import attrs
import pytest

from search_index import Library, Paper, SearchService
from tests.hostile.conftest import HostileLibrary, ImportRun
from tests.hostile.corpus import (
    CLIPBOARD_TEXT,
    FORBIDDEN,
    FRAGMENTS,
    MANY_AUTHORS,
    OSC52_PAYLOAD,
    TITLE_MARKER,
    clean_title,
)

FORMATS = ("listing", "arxiv-json", "atom", "bibtex", "mailing", "entities")


def _run(library: HostileLibrary, name: str) -> ImportRun:
    if name == "entities":
        return next(r for r in library.runs if r.file.path.name == "hostile-entities.xml")
    return next(r for r in library.runs if r.file.format == name)


def _text_fields(paper: Paper) -> Iterator[tuple[str, str]]:
    for name, value in attrs.asdict(paper, recurse=False).items():
        values = value if isinstance(value, tuple) else (value,)
        for item in values:
            if isinstance(item, str):
                yield name, item


@pytest.fixture(scope="module")
def stored(hostile_library: HostileLibrary) -> list[Paper]:
    service = SearchService(Library.open(hostile_library.path, seed=False))
    return list(service.iter_papers(""))


@pytest.mark.parametrize("name", FORMATS)
def test_import_exits_0_or_1_and_never_with_a_traceback(
    hostile_library: HostileLibrary, name: str
) -> None:
    run = _run(hostile_library, name)
    stderr = run.stderr.decode("utf-8", "replace")
    assert "Traceback" not in stderr, stderr[-3000:]
    # Every file holds records to reject, so 1: some were rejected, the rest imported.
    assert run.returncode == 1, stderr[-3000:]
    summary = run.stdout.decode("utf-8", "replace")
    assert re.match(rf"{re.escape(str(run.file.path))} \({run.file.format}\): \d+ added", summary)


@pytest.mark.parametrize("name", FORMATS)
def test_each_rejection_is_reported_as_file_line_reason(
    hostile_library: HostileLibrary, name: str
) -> None:
    run = _run(hostile_library, name)
    path = re.escape(str(run.file.path))
    reported: dict[int, str] = {}
    for line in run.stderr.decode("utf-8").splitlines():
        if re.fullmatch(rf"{path}: [\d,]+ papers stored, .*", line):
            continue  # the progress line of an import that takes more than 10 s
        m = re.fullmatch(rf"{path}:(\d+): (.+)", line)
        assert m is not None, f"not FILE:LINE: reason: {line!r}"
        reported[int(m.group(1))] = m.group(2)
    missing = {
        line: reason
        for line, reason in run.file.rejected.items()
        if reason not in reported.get(line, "")
    }
    assert missing == {}, f"expected at these lines, reported: {reported}"
    assert set(reported) == set(run.file.rejected), "rejections that were not expected"


@pytest.mark.parametrize("name", FORMATS)
def test_what_import_prints_holds_no_control_character(
    hostile_library: HostileLibrary, name: str
) -> None:
    """The summary on stdout quotes reasons, and reasons quote the data: a BibTeX key or an id
    line with an OSC sequence in it reached the terminal that way."""
    run = _run(hostile_library, name)
    for stream in (run.stdout, run.stderr):
        text = stream.decode("utf-8")  # strict: what is printed is UTF-8
        assert FORBIDDEN.findall(text.replace("\n", "")) == []


@pytest.mark.parametrize("name", FORMATS[:5])
def test_every_hostile_record_is_stored_under_its_clean_title(
    hostile_library: HostileLibrary, stored: list[Paper], name: str
) -> None:
    run = _run(hostile_library, name)
    titles = {p.title for p in stored}
    assert run.file.titles - titles == set()
    for pattern in run.file.title_patterns:
        assert [t for t in titles if pattern.fullmatch(t)], f"no title matches {pattern.pattern}"


@pytest.mark.parametrize("name", FORMATS[:5])
def test_the_text_around_each_hostile_fragment_survives(
    hostile_library: HostileLibrary, stored: list[Paper], name: str
) -> None:
    """Cleaning removes a sequence and nothing after it: an ST-terminated OSC read as TeX first
    once cut "Ada <OSC> Lovelace, Alan Turing" down to the one author "Ada"."""
    by_title = {p.title: p for p in stored}
    found = {
        title: (by_title[title].abstract, by_title[title].authors)
        for title in _run(hostile_library, name).file.records
    }
    assert found == _run(hostile_library, name).file.records


def test_no_stored_text_holds_a_control_character_or_an_escape_payload(
    stored: list[Paper],
) -> None:
    dirty = [
        (paper.id, field, value[:80])
        for paper in stored
        for field, value in _text_fields(paper)
        if FORBIDDEN.search(value)
        or TITLE_MARKER in value
        or OSC52_PAYLOAD in value
        or CLIPBOARD_TEXT in value
    ]
    assert dirty == []


def test_markup_is_kept_as_text(stored: list[Paper]) -> None:
    """`[@click=app.quit]` is part of a title, to be shown, never run."""
    by_title = {p.title: p for p in stored}
    for fragment in (f for f in FRAGMENTS if f.kept.startswith("[")):
        for fmt in ("listing", "arxiv-json", "atom", "bibtex", "mailing"):
            paper = by_title[clean_title(fragment.name, fmt, fragment)]
            assert fragment.kept in paper.title
            assert fragment.kept in paper.abstract


def test_bad_utf8_costs_one_character_not_the_other_names(stored: list[Paper]) -> None:
    """A stray byte once made BibTeX read the whole file as Latin-1 ("JÃ¼rgen MÃ¼ller") and cut
    the title at its ” (whose last byte, 0x9D, read as Latin-1 is the C1 OSC introducer)."""
    utf8 = {p.title.split()[-1]: p for p in stored if p.title.startswith("Hostile utf8")}
    assert set(utf8) == {"listing", "arxiv-json", "bibtex", "mailing"}  # XML has no bad bytes
    for fmt in ("arxiv-json", "bibtex", "mailing"):
        assert utf8[fmt].authors == ("Jürgen Müller",)


def test_a_5_mb_abstract_and_10000_authors_are_stored_whole(
    hostile_library: HostileLibrary, stored: list[Paper]
) -> None:
    by_title = {p.title: p for p in stored}
    for run in hostile_library.runs:
        if run.file.big_abstract_title:
            abstract = by_title[run.file.big_abstract_title].abstract
            assert len(abstract) > 4_900_000
        if run.file.many_authors_title:
            authors = by_title[run.file.many_authors_title].authors
            assert len(authors) == MANY_AUTHORS
            assert authors[-1] == f"Author{MANY_AUTHORS - 1:05d} Person"


def test_the_hostile_library_searches(hostile_library: HostileLibrary) -> None:
    service = SearchService(Library.open(hostile_library.path, seed=False))
    assert service.search("hostile click").total >= 5
    for fragment in FRAGMENTS:
        results = service.search(fragment.text)  # the data, pasted into the search bar
        assert results.total >= 0
