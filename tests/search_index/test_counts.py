"""Totals and facet counts against counts made by hand from the papers themselves, on a library
written in several batches with papers replaced (so several segments and deleted documents):
the counts come from whole-column arrays and one pass of the matcher, and must not drift from
what the papers say."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import attrs
import pytest

from search_index import Filters, Library, Paper, SearchService, Sort
from search_index.importing import parse_file

SPIDER = "data/kaggle_jsonl_wanng-ide_arxivSpider/arxiv-metadata-oai-snapshot.head200.json"


@pytest.fixture
def stored(tmp_path: Path, shared: Path) -> tuple[SearchService, list[Paper]]:
    _, records = parse_file(shared / SPIDER, "arxiv-json")
    papers = [r for r in records if isinstance(r, Paper)]
    library = Library.open(tmp_path / "lib", seed=False)
    for start in range(0, len(papers), 45):
        library.add(papers[start : start + 45])
    # Replace every seventh paper with a newer record that gained code and says it was first
    # published earlier (a stored paper keeps the earliest date seen), so that the old
    # documents are deleted but still inside their segments.
    replaced = {
        p.id: attrs.evolve(
            p,
            published=dt.date(1999, 6, 1),
            updated=dt.date(2020, 1, 1),
            has_code=True,
            code_urls=("https://example.org/code",),
        )
        for p in papers[::7]
    }
    library.add(list(replaced.values()))
    final = [replaced.get(p.id, p) for p in papers]
    return SearchService(library), final


FILTERS = [
    Filters(),
    Filters(categories=("hep-th",)),
    Filters(categories=("hep-th", "astro-ph")),
    Filters(since=dt.date(1999, 6, 1), until=dt.date(2007, 4, 2)),
    Filters(has_code=True),
    Filters(categories=("hep-ph",), since=dt.date(2007, 4, 1), has_code=True),
]


def _passes(p: Paper, f: Filters, *, categories: bool = True, dates: bool = True) -> bool:
    if categories and f.categories and not set(f.categories) & set(p.categories):
        return False
    if dates and f.since and p.published < f.since:
        return False
    if dates and f.until and p.published > f.until:
        return False
    return not (f.has_code and not p.has_code)


@pytest.mark.parametrize("filters", FILTERS, ids=str)
def test_totals_and_facets_of_the_whole_library_match_the_papers(
    stored: tuple[SearchService, list[Paper]], filters: Filters
) -> None:
    service, papers = stored
    results = service.search("", filters, limit=5)
    assert results.total == sum(_passes(p, filters) for p in papers)
    assert results.library_size == len(papers)

    categories = Counter(
        c for p in papers if _passes(p, filters, categories=False) for c in p.categories
    )
    years = Counter(p.published.year for p in papers if _passes(p, filters, dates=False))
    assert dict(results.facets.categories) == dict(categories)
    assert dict(results.facets.years) == dict(years)


@pytest.mark.parametrize("text", ["quantum", "field theory", "model OR spin", "au:wang"])
@pytest.mark.parametrize("filters", FILTERS, ids=str)
def test_a_query_counts_the_same_with_and_without_facets(
    stored: tuple[SearchService, list[Paper]], text: str, filters: Filters
) -> None:
    service, _ = stored
    with_facets = service.search(text, filters, limit=3, facets=True)
    without = service.search(text, filters, limit=3, facets=False)
    assert with_facets.total == without.total
    if filters == Filters():
        assert with_facets.total > 0, f"{text!r} should match some of the 200 papers"
    assert [h.paper.id for h in with_facets.hits] == [h.paper.id for h in without.hits]
    # Whatever the filters, the year counts of the matches passing them add up to the total.
    assert sum(n for _, n in with_facets.facets.years) >= with_facets.total


@pytest.mark.parametrize("sort", [Sort.NEWEST, Sort.OLDEST])
@pytest.mark.parametrize("text", ["", "model OR field"])
def test_date_order_pages_join_up_to_the_whole_order(
    stored: tuple[SearchService, list[Paper]], sort: Sort, text: str
) -> None:
    service, papers = stored
    whole = service.search(text, sort=sort, limit=300, facets=False, highlight=False)
    dates = [h.paper.published for h in whole.hits]
    assert dates == sorted(dates, reverse=sort is Sort.NEWEST)
    assert len(whole.hits) == whole.total > 0
    if not text:
        assert sorted(dates) == sorted(p.published for p in papers)
    pages = [
        h.paper.id
        for offset in range(0, whole.total, 17)
        for h in service.search(text, sort=sort, limit=17, offset=offset, facets=True).hits
    ]
    assert pages == [h.paper.id for h in whole.hits]
