"""Wildcards over many distinct words: what they stand for is bounded, and they still find papers.

`a*` over a library with 40,000 author names made one query of 40,000 terms and a search of
48 s (bench figure, not asserted here); these tests pin the bound, not a time.
"""

from __future__ import annotations

import datetime as dt
import string

import pytest

from search_index import Library, Paper, SearchService
from search_index.query import MAX_EXPANSION, Expansion, make_parser, parse, widen
from search_index.schema import text_analyzer

PAPERS = 1_200
COMMON = 100
"""Papers that also have the author Ada Common: the most frequent word starting with `a`."""


def _word(n: int) -> str:
    """A distinct lowercase word for each n: 0 -> "aaaa", 1 -> "aaab" ..."""
    letters = []
    for _ in range(4):
        n, digit = divmod(n, 26)
        letters.append(string.ascii_lowercase[digit])
    return "".join(reversed(letters))


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Library:
    library = Library.open(tmp_path_factory.mktemp("wildcards") / "library", seed=False)
    library.add(
        Paper(
            id=f"2401.{i:05d}",
            # Every paper its own first author and its own title word: 1,200 words each.
            title=f"Study of w{_word(i)}",
            authors=(f"A{_word(i)} Zed", *(("Ada Common",) if i % (PAPERS // COMMON) == 0 else ())),
            published=dt.date(2024, 1, 1 + i % 28),
            abstract="Nothing else in common.",
            categories=("cs.LG",),
        )
        for i in range(PAPERS)
    )
    return library


def _widened(library: Library, text: str) -> list[object]:
    with library.searcher() as s:
        parsed = parse(make_parser(library.schema), text)
        return list(widen(parsed.query, s.reader(), text_analyzer()).leaves())


def test_a_very_broad_prefix_stands_for_the_words_most_papers_have(library: Library) -> None:
    [leaf] = _widened(library, "author:a*")
    assert isinstance(leaf, Expansion)
    assert len(leaf.btexts) == MAX_EXPANSION < PAPERS
    assert b"ada" in leaf.btexts  # in 100 papers; every other `a` word is in one
    results = SearchService(library).search("author:a*", limit=1000)
    assert COMMON <= results.total < PAPERS
    ada = {h.paper.id for h in results.hits if "Ada Common" in h.paper.authors}
    assert len(ada) == COMMON


def test_a_broad_wildcard_is_bounded_and_still_highlighted(library: Library) -> None:
    leaves = _widened(library, "title:w*a*")  # a wildcard, not a prefix: an `a` after the w
    expansions = [leaf for leaf in leaves if isinstance(leaf, Expansion)]
    assert [len(e.btexts) for e in expansions] == [MAX_EXPANSION]
    # The spelling words stemmed and added alongside stay bounded too.
    assert len(leaves) <= 2 * MAX_EXPANSION + 1
    results = SearchService(library).search("title:w*a*", limit=1000)
    assert 0 < results.total < PAPERS
    assert all(h.title_spans for h in results.hits)


def test_a_narrow_prefix_is_searched_whole(library: Library) -> None:
    leaves = _widened(library, "author:aaaa*")
    assert not any(isinstance(leaf, Expansion) for leaf in leaves)
    results = SearchService(library).search("author:aaaa*", limit=1000)
    assert results.total == 26  # aaaaa … aaaaz
    assert results.notice is None


def test_the_user_is_told_when_a_wildcard_was_cut(library: Library) -> None:
    """The papers found for a cut wildcard are not all of its papers: the search says so (the
    explorer shows it in the status line, `paperscope search` on stderr)."""
    results = SearchService(library).search("author:a* OR title:w*a*", limit=10)
    assert results.notice == (
        "`a*` and `w*a*` stand for more than 256 words; searched for the 256 that most papers have."
    )
