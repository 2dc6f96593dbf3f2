"""Frozen value objects shared by the index and the interface.

These are the only things that cross from `search_index` to `tui`: plain, immutable data with
tuples instead of lists, so that a result can be handed between threads without copying and
without any Whoosh object leaking out of a searcher's lifetime.
"""

from __future__ import annotations

import datetime as dt
import enum

import attrs

from search_index.ids import is_arxiv_id


@attrs.frozen
class Source:
    """Where a record came from, so that every message about it can name the file and line."""

    path: str
    line: int | None = None
    """1-based line of the record's first line, for line-oriented formats."""
    record: int | None = None
    """1-based record number, for formats where a line number means little."""

    def __str__(self) -> str:
        if self.line is not None:
            return f"{self.path}:{self.line}"
        if self.record is not None:
            return f"{self.path}#{self.record}"
        return self.path


@attrs.frozen
class Paper:
    """One paper, as complete as its source allows."""

    id: str
    """arXiv id without version (``2402.14740``, ``math/9201201``), or a content-derived id."""
    title: str
    authors: tuple[str, ...]
    published: dt.date
    abstract: str = ""
    et_al: bool = False
    """The source listed only the first authors: citations must say ``and others``."""
    affiliation: str | None = None
    categories: tuple[str, ...] = ()
    """arXiv codes such as ``cs.CL``, primary first."""
    updated: dt.date | None = None
    code_urls: tuple[str, ...] = ()
    has_code: bool = False
    """The source flags the paper as having code, even when no link to it is known."""
    links: tuple[str, ...] = ()
    """Other URLs found in the abstract."""
    url: str | None = None
    doi: str | None = None
    journal_ref: str | None = None
    comments: str | None = None
    source: Source | None = None
    citation_key: str | None = None
    """Unique within a library; assigned when the paper is stored."""
    date_precision: str = "day"
    """"day", "month" or "year": how much of `published` the source really gave. BibTeX often
    has only a year; citations must not invent a month, nor the screen a day."""
    title_tex: str | None = None
    """The title as the source wrote it, LaTeX included, when that differs from `title`:
    citations want `$\\lambda$`, the screen wants λ."""

    @property
    def primary_category(self) -> str | None:
        return self.categories[0] if self.categories else None

    @property
    def published_text(self) -> str:
        """The published date to as much precision as is known: 2024-02-22, 2024-02 or 2024."""
        text = self.published.isoformat()
        return {"year": text[:4], "month": text[:7]}.get(self.date_precision, text)

    @property
    def arxiv_id(self) -> str | None:
        """The arXiv id, when the paper has one (content-derived ids do not)."""
        return self.id if is_arxiv_id(self.id) else None

    @property
    def first_url(self) -> str | None:
        """The best link for "open this paper": its own page, else DOI, else code."""
        if self.url:
            return self.url
        if self.arxiv_id:
            return f"https://arxiv.org/abs/{self.arxiv_id}"
        if self.doi:
            return f"https://doi.org/{self.doi}"
        if self.code_urls:
            return self.code_urls[0]
        return None


@attrs.frozen
class ParseError:
    """A record an importer could not turn into a paper; the rest of the file still imports."""

    source: Source
    reason: str

    def __str__(self) -> str:
        return f"{self.source}: {self.reason}"


class Sort(enum.Enum):
    RELEVANCE = "relevance"
    NEWEST = "newest"
    OLDEST = "oldest"


@attrs.frozen
class Filters:
    """Restrictions applied on top of the query text; the empty default restricts nothing."""

    categories: tuple[str, ...] = ()
    """Any-of: a paper matches when it has at least one of these codes."""
    since: dt.date | None = None
    until: dt.date | None = None
    """Inclusive bounds on the published date."""
    has_code: bool = False

    @property
    def active(self) -> bool:
        return bool(self.categories or self.since or self.until or self.has_code)


@attrs.frozen
class Span:
    """A half-open character range of a matched term inside a piece of text."""

    start: int
    end: int


@attrs.frozen
class SearchHit:
    paper: Paper
    score: float
    title_spans: tuple[Span, ...] = ()
    abstract_spans: tuple[Span, ...] = ()


@attrs.frozen
class Facets:
    """Counts for the filter panel, for the current query.

    Category counts ignore the category filter and year counts ignore the date filter, so the
    panel shows what choosing another value would give rather than only what is chosen.
    """

    categories: tuple[tuple[str, int], ...] = ()
    """(code, count), most frequent first."""
    years: tuple[tuple[int, int], ...] = ()
    """(year, count), in year order."""


@attrs.frozen
class SearchResults:
    query: str
    hits: tuple[SearchHit, ...]
    total: int
    """How many papers match in all, not only on this page."""
    offset: int = 0
    library_size: int = 0
    facets: Facets = Facets()
    suggestion: str | None = None
    """A corrected query to offer when nothing matched."""
    notice: str | None = None
    """Said to the user, e.g. that malformed syntax was searched as plain words."""


@attrs.frozen
class ImportReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: tuple[ParseError, ...] = ()
    format: str = ""

    @property
    def stored(self) -> int:
        return self.added + self.updated + self.unchanged


@attrs.frozen
class LibraryStats:
    path: str
    papers: int
    categories: tuple[tuple[str, int], ...]
    years: tuple[tuple[int, int], ...]
    with_code: int
    schema_version: int
