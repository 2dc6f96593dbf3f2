"""Query text and filters -> `SearchResults`, with every Whoosh object left inside the searcher.

Each call opens its own searcher on the latest commit: Whoosh searchers are not safe to share
between threads, and a fresh one sees papers imported a moment ago without a restart.
"""

from __future__ import annotations

import functools
import heapq
from collections.abc import Callable, Iterator
from typing import Any, ParamSpec, TypeVar

from whoosh import query as wq
from whoosh.idsets import DocIdSet
from whoosh.reading import IndexReader
from whoosh.searching import Searcher

from search_index import documents
from search_index.categories import normalize_category
from search_index.doc_arrays import doc_arrays
from search_index.errors import READ_FAILURES, LibraryError, NotFound, describe
from search_index.library import Library
from search_index.models import (
    Facets,
    Filters,
    LibraryStats,
    Paper,
    SearchHit,
    SearchResults,
    Sort,
    Span,
)
from search_index.query import MAX_EXPANSION, Expansion, make_parser, parse, widen
from search_index.schema import SCHEMA_VERSION, SPELL_FIELD, text_analyzer

SPELL_SOURCES = ("title", "abstract")
"""The stemmed fields, whose words the spelling field holds unstemmed."""
SUGGESTION_PREFIX = 1
"""Letters a suggestion shares with the word it replaces."""

P = ParamSpec("P")
R = TypeVar("R")
MAX_LIMIT = 1000
_HIGHLIGHTED = ("title", "abstract")


def _reported(method: Callable[P, R]) -> Callable[P, R]:
    """Turn an unreadable index file into a LibraryError naming the library, not a traceback."""

    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(*args, **kwargs)
        except READ_FAILURES as exc:
            service = args[0]
            assert isinstance(service, SearchService)
            raise LibraryError(
                f"cannot read the library {service.library.path}: {describe(exc)}"
            ) from exc

    return wrapper


class SearchService:
    """The one way the interface and the command line read a library."""

    def __init__(self, library: Library) -> None:
        self.library = library
        self._parser = make_parser(library.schema)
        self._analyzer = text_analyzer()

    @_reported
    def search(
        self,
        text: str,
        filters: Filters = Filters(),
        sort: Sort = Sort.RELEVANCE,
        *,
        limit: int = 50,
        offset: int = 0,
        facets: bool = True,
        highlight: bool = True,
    ) -> SearchResults:
        parsed = parse(self._parser, text)
        limit = max(0, min(limit, MAX_LIMIT))
        offset = max(0, offset)
        if not text.strip() and sort is Sort.RELEVANCE:
            sort = Sort.NEWEST  # with no words to rank by, newest first is the useful order
        notice = (
            f"The query has {parsed.problem}; searched for the plain words instead."
            if parsed.plain
            else None
        )
        with self.library.searcher() as s:
            q = widen(parsed.query, s.reader(), self._analyzer)
            # (A query searched as plain words has no wildcards to cut.)
            notice = notice or _cut_notice(q)
            allowed = _allowed(s, filters)
            # With facets or a date order the matched set is needed anyway; counting it spares
            # Whoosh a second pass of the matcher for len(results) (0.9 s of a 2.7 s first
            # search at 1,000,000 papers).
            matched: set[int] | None
            if sort is not Sort.RELEVANCE:
                matched = _docs(s, q)
                passing = _passing(matched, allowed)
                total = len(passing)
                page = _by_date(s, passing, sort, offset + limit)[offset:]
                scored = [(docnum, 0.0) for docnum in page]
            else:
                matched = _docs(s, q) if facets else None
                results = s.search(
                    q, filter=allowed, limit=offset + limit if offset + limit > 0 else 1
                )
                total = len(results) if matched is None else len(_passing(matched, allowed))
                # A slice, not list(results): list() asks len() for a size hint, and Whoosh's
                # len runs the query again to count every match.
                hits_page = [] if limit == 0 else results[offset : offset + limit]
                scored = [(h.docnum, h.score or 0.0) for h in hits_page]
            terms = _query_terms(q, s) if highlight else {}
            hits = tuple(
                self._hit(documents.paper_from_record(s.stored_fields(d)["record"]), score, terms)
                for d, score in scored[:limit]
            )
            facet_counts = _facets(s, matched, filters) if facets and matched else Facets()
            suggestion = None
            if total == 0 and text.strip():
                suggestion = _suggest(s, parsed.query, text)
            return SearchResults(
                query=text,
                hits=hits,
                total=total,
                offset=offset,
                library_size=s.doc_count(),
                facets=facet_counts,
                suggestion=suggestion,
                notice=notice,
            )

    def iter_papers(
        self, text: str, filters: Filters = Filters(), sort: Sort = Sort.RELEVANCE
    ) -> Iterator[Paper]:
        """Every matching paper, one at a time, for exports of a whole library.

        The result order is computed once; records are read and turned into Papers only as
        they are consumed, so memory holds document numbers, not papers. Close the generator
        (or exhaust it) to release the searcher.
        """
        parsed = parse(self._parser, text)
        if not text.strip() and sort is Sort.RELEVANCE:
            sort = Sort.NEWEST
        with self.library.searcher() as s:
            q = widen(parsed.query, s.reader(), self._analyzer)
            results = s.search(
                q,
                filter=_allowed(s, filters),
                limit=None,
                sortedby=None if sort is Sort.RELEVANCE else "published",
                reverse=sort is Sort.NEWEST,
            )
            for docnum in [hit.docnum for hit in results]:
                yield documents.paper_from_record(s.stored_fields(docnum)["record"])

    @_reported
    def get(self, id_or_key: str) -> Paper:
        """A paper by id (with or without an arXiv version suffix) or by citation key."""
        from search_index.ids import split_version

        wanted = id_or_key.strip()
        with self.library.searcher() as s:
            for field, value in (
                ("id", wanted),
                ("id", split_version(wanted)[0]),
                ("citekey", wanted),
            ):
                stored = s.document(**{field: value})
                if stored is not None:
                    return documents.paper_from_record(stored["record"])
        raise NotFound(f"no paper with id or citation key '{id_or_key}' in {self.library.path}")

    @_reported
    def stats(self) -> LibraryStats:
        with self.library.searcher() as s:
            docs = _docs(s, wq.Every())
            facets = doc_arrays(s).count(docs)
            with_code = len(set(s.docs_for_query(wq.Term("has_code", True))))
            return LibraryStats(
                path=str(self.library.path),
                papers=len(docs),
                categories=facets.categories,
                years=facets.years,
                with_code=with_code,
                schema_version=SCHEMA_VERSION,
            )

    def _hit(self, paper: Paper, score: float, terms: dict[str, set[str]]) -> SearchHit:
        return SearchHit(
            paper=paper,
            score=float(score),
            title_spans=self._spans(paper.title, terms.get("title", set())),
            abstract_spans=self._spans(paper.abstract, terms.get("abstract", set())),
        )

    def _spans(self, text: str, terms: set[str]) -> tuple[Span, ...]:
        """Where the matched terms stand in the text, found by running the field's analyzer."""
        if not terms or not text:
            return ()
        return tuple(
            Span(t.startchar, t.endchar)
            for t in self._analyzer(text, chars=True, mode="index")
            if t.text in terms
        )


class _Allowed(DocIdSet):  # type: ignore[misc]
    """The documents a filter lets through, checked one at a time as the matcher meets them.

    Building a DateRange query per search cost about 1 s at 50,000 papers; a category's
    document set is cached on the searcher (which the pool keeps until the next commit) and a
    date is looked up (in the searcher's array of dates) only for documents the query matched.
    """

    def __init__(
        self,
        sets: list[frozenset[int]],
        dates: tuple[Any, int | None, int | None] | None,
    ) -> None:
        self.sets = sets
        self.dates = dates

    def __bool__(self) -> bool:
        return True

    def __contains__(self, docnum: object) -> bool:
        if not all(docnum in docs for docs in self.sets):
            return False
        if self.dates is not None:
            column, low, high = self.dates
            value = column[docnum]
            if (low is not None and value < low) or (high is not None and value > high):
                return False
        return True


def _cached_docs(s: Searcher, key: tuple[str, ...], q: wq.Query) -> frozenset[int]:
    cache: dict[tuple[str, ...], frozenset[int]] = s.__dict__.setdefault("_paperscope_docs", {})
    docs = cache.get(key)
    if docs is None:
        docs = cache[key] = frozenset(s.docs_for_query(q))
    return docs


def _cut_notice(q: wq.Query) -> str | None:
    """Said when a wildcard was cut to the words most papers have (see query.bound): the papers
    found are then not all of the wildcard's."""
    cut = sorted({e.text for e in q.leaves() if isinstance(e, Expansion)})
    if not cut:
        return None
    said = " and ".join(f"`{text}`" for text in cut)
    verb = "stands" if len(cut) == 1 else "stand"
    return (
        f"{said} {verb} for more than {MAX_EXPANSION} words; searched for the {MAX_EXPANSION}"
        " that most papers have."
    )


def _allowed(
    s: Searcher, filters: Filters, *, categories: bool = True, dates: bool = True
) -> _Allowed | None:
    sets: list[frozenset[int]] = []
    if categories and filters.categories:
        codes = tuple(sorted((normalize_category(c) or c).lower() for c in filters.categories))
        either = wq.Or([wq.Term("categories", c) for c in codes])
        sets.append(_cached_docs(s, ("categories", *codes), either))
    if filters.has_code:
        sets.append(_cached_docs(s, ("has_code",), wq.Term("has_code", True)))
    date_check = None
    if dates and (filters.since or filters.until):
        field = s.schema["published"]
        low = field.to_column_value(filters.since.toordinal()) if filters.since else None
        high = field.to_column_value(filters.until.toordinal()) if filters.until else None
        date_check = (doc_arrays(s).published_raw, low, high)
    if not sets and date_check is None:
        return None
    return _Allowed(sets, date_check)


def _passing(docs: set[int], allowed: _Allowed | None) -> set[int]:
    return docs if allowed is None else {d for d in docs if d in allowed}


def _docs(s: Searcher, q: wq.Query) -> set[int]:
    """The documents a query matches; every live one for the empty query (the explorer's first
    screen), built from ranges instead of Whoosh's walk of a million document numbers."""
    if not isinstance(q, wq.Every) or q.fieldname not in (None, "", "*"):
        return set(s.docs_for_query(q))
    docs: set[int] = set()
    for leaf, offset in s.reader().leaf_readers():
        live = range(offset, offset + leaf.doc_count_all())
        docs.update(live)
        if leaf.has_deletions():
            docs.difference_update(offset + d for d in leaf.deleted_docs_set)
    return docs


def _by_date(s: Searcher, docs: set[int], sort: Sort, count: int) -> list[int]:
    """The first `count` documents by date, newest or oldest first.

    Whoosh's sorting collector read each match's date through its column reader, most of the
    2 s the explorer's first screen (every paper, newest first) took at 1,000,000 papers. Here
    a heap selects from the searcher's array of dates, in C."""
    if count <= 0:
        return []
    key = doc_arrays(s).published_raw.__getitem__
    # nlargest and nsmallest keep ties in the order they are given: newest first is the exact
    # reverse of oldest first (later documents first among papers of one day), as in Whoosh.
    if sort is Sort.NEWEST:
        return heapq.nlargest(count, sorted(docs, reverse=True), key=key)
    return heapq.nsmallest(count, sorted(docs), key=key)


def _facets(s: Searcher, matched: set[int], filters: Filters) -> Facets:
    """Category counts ignore the category filter, year counts the date filter."""
    base = _passing(matched, _allowed(s, Filters(has_code=filters.has_code)))
    by_date = _allowed(s, Filters(since=filters.since, until=filters.until))
    by_category = _allowed(s, Filters(categories=filters.categories))
    arrays = doc_arrays(s)
    return Facets(
        categories=arrays.count(_passing(base, by_date)).categories,
        years=arrays.count(_passing(base, by_category)).years,
    )


def _query_terms(q: wq.Query, s: Searcher) -> dict[str, set[str]]:
    """The index terms the query matched, per field, wildcards and fuzzy terms expanded."""
    terms: dict[str, set[str]] = {}
    reader = s.reader()
    # Leaf by leaf: existing_terms on a compound query reports only some of its fields.
    for leaf in q.leaves():
        for field, text in leaf.existing_terms(reader, phrases=True, expand=True):
            if field not in _HIGHLIGHTED:
                continue  # numeric and date terms are encoded bytes, and never highlighted
            value = text.decode("utf-8") if isinstance(text, bytes) else str(text)
            terms.setdefault(field, set()).add(value)
    return terms


def _suggest(s: Searcher, q: wq.Query, text: str) -> str | None:
    """ "Did you mean": the query with each word that no field has replaced by a close word.

    Whoosh's default corrects every (field, word) missing from the index, and a word typed
    without a field is searched in three: "hole" is no author's name, so every word of every
    query was corrected in some field, at ~260 ms a word over 200,000 papers. Only words found
    in no field are corrected here, and suggestions share their first letter (misspellings
    rarely change it): ~10 ms a word.
    """
    try:
        return _correction(s, q, text)
    except Exception:  # a suggestion is a nicety; never let it break a search
        return None


def _correction(s: Searcher, q: wq.Query, text: str) -> str | None:
    reader = s.reader()
    by_word: dict[tuple[object, object, object], list[tuple[str, object]]] = {}
    for token in q.all_tokens():
        key = (token.startchar, token.endchar, getattr(token, "original", token.text))
        by_word.setdefault(key, []).append((token.fieldname, token.text))
    missing = []
    for pairs in by_word.values():
        if any(_has_term(reader, field, word) for field, word in pairs):
            continue
        # One field per word, prose first: its corrector suggests words, not name parts.
        missing.append(min(pairs, key=lambda pair: pair[0] not in SPELL_SOURCES))
    if not missing:
        return None
    correction = s.correct_query(
        q,
        text,
        terms=missing,
        aliases=dict.fromkeys(SPELL_SOURCES, SPELL_FIELD),
        prefix=SUGGESTION_PREFIX,
    )
    suggested = str(correction.string)
    return suggested if suggested.strip() and suggested != text else None


def _has_term(reader: IndexReader, field: str, word: object) -> bool:
    try:
        return (field, word) in reader
    except Exception:  # a word a field cannot hold (text in a numeric field) is not in it
        return False
