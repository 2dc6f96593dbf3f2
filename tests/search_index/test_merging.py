"""One paper from several records: newest wins, gaps are filled, listing meets arXiv."""

from __future__ import annotations

import datetime as dt

from search_index import Library, Paper, SearchService
from search_index.merging import merge

OLD = Paper(
    id="2402.14740",
    title="Back to Basics",
    authors=("Arash Ahmadian", "Chris Cremer"),
    published=dt.date(2024, 2, 22),
    updated=dt.date(2024, 2, 22),
    abstract="The original abstract.",
    categories=("cs.LG",),
)


def test_a_replacement_without_abstract_keeps_the_stored_abstract() -> None:
    replaced = Paper(
        id=OLD.id,
        title="Back to Basics, revised",
        authors=OLD.authors,
        published=dt.date(2024, 3, 1),
        updated=dt.date(2024, 3, 1),
        comments="v2: camera ready",
    )
    merged = merge(OLD, replaced)
    assert merged.title == "Back to Basics, revised"
    assert merged.abstract == "The original abstract."
    assert merged.categories == ("cs.LG",)
    assert merged.published == dt.date(2024, 2, 22)
    assert merged.updated == dt.date(2024, 3, 1)
    assert merged.comments == "v2: camera ready"


def test_an_older_record_does_not_roll_back_a_newer_one() -> None:
    older = Paper(
        id=OLD.id,
        title="Back to basics (draft)",
        authors=OLD.authors,
        published=dt.date(2024, 2, 22),
        doi="10.1/xyz",
    )
    newer = Paper(
        id=OLD.id,
        title="Back to Basics",
        authors=OLD.authors,
        published=dt.date(2024, 2, 22),
        updated=dt.date(2024, 6, 1),
    )
    merged = merge(newer, older)  # stored newer, incoming older
    assert merged.title == "Back to Basics"
    assert merged.doi == "10.1/xyz"  # a gap is still filled


LISTING = Paper(
    id="ps-0123456789ab",
    title="Back to Basics: Revisiting REINFORCE Style Optimization",
    authors=("Arash Ahmadian", "Chris Cremer"),
    et_al=True,
    published=dt.date(2024, 2, 22),
    has_code=True,
    categories=("cs.LG",),
)
ARXIV = Paper(
    id="2402.14740",
    title="Back to Basics: Revisiting {REINFORCE} Style Optimization",
    authors=("Arash Ahmadian", "Chris Cremer", "Matthias Gallé", "Olivier Pietquin"),
    published=dt.date(2024, 2, 22),
    abstract="Full abstract from arXiv.",
    categories=("cs.LG", "cs.CL"),
)


def test_listing_then_arxiv_merge_into_one_paper(empty_library: Library) -> None:
    empty_library.add([LISTING])
    key = SearchService(empty_library).get(LISTING.id).citation_key
    report = empty_library.add([ARXIV])
    assert (report.added, report.updated) == (0, 1)
    assert empty_library.count() == 1
    paper = SearchService(empty_library).get("2402.14740")
    assert paper.has_code and paper.abstract == "Full abstract from arXiv."
    assert paper.authors == ARXIV.authors and not paper.et_al
    assert paper.citation_key == key


def test_arxiv_then_listing_merge_into_the_arxiv_paper(empty_library: Library) -> None:
    empty_library.add([ARXIV])
    empty_library.add([LISTING])
    assert empty_library.count() == 1
    paper = SearchService(empty_library).get("2402.14740")
    assert paper.has_code and paper.categories == ("cs.LG", "cs.CL")


def test_same_title_far_apart_in_time_stays_two_papers(empty_library: Library) -> None:
    empty_library.add([ARXIV])
    other = Paper(
        id="ps-fedcba987654",
        title=ARXIV.title,
        authors=("Someone Ahmadian",),
        published=dt.date(2019, 1, 1),
    )
    empty_library.add([other])
    assert empty_library.count() == 2
