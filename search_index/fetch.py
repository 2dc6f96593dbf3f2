"""Papers straight from the public arXiv API, asked for politely.

arXiv's terms for the API (https://info.arxiv.org/help/api/tou.html) ask clients to leave three
seconds between requests and to page through large results rather than ask for everything at
once; a descriptive User-Agent lets them tell who is calling. Only the standard library is used,
so fetching adds no dependency. Every network problem becomes a `FetchError` whose message is one
line a user can act on: the interface prints it instead of a traceback.

The answer is the same Atom the `atom` importer reads from saved files, so a fetched paper and an
imported one are built by the same code and merge into one record in the library.
"""

from __future__ import annotations

import contextlib
import http.client
import importlib.metadata
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Generator, Iterator, Sequence
from typing import TYPE_CHECKING

import attrs

from search_index.errors import PaperscopeError
from search_index.importers import atom
from search_index.importing import papers_only
from search_index.models import ImportReport, Paper, ParseError
from search_index.text import one_line

if TYPE_CHECKING:
    from search_index.library import Library

DEFAULT_ENDPOINT = "https://export.arxiv.org/api/query"
API_DELAY = 3.0
"""Seconds between two requests, as the API's terms of use ask."""
MAX_PAGE_SIZE = 2000
"""The most results the API returns for one request; larger pages are cut to this."""
_ERROR_BODY_LIMIT = 1 << 20
_MAX_STALE_PAGES = 2
"""Pages in a row that bring nothing new before paging stops."""


def _version() -> str:
    try:
        return importlib.metadata.version("paperscope")
    except importlib.metadata.PackageNotFoundError:
        return "0"


USER_AGENT = f"paperscope/{_version()} (terminal explorer for research papers; Python urllib)"

# What people paste for an id: `arXiv:2104.12255`, or the abstract or PDF page's address.
_ID_PREFIX = re.compile(r"^(?:arxiv:|https?://(?:www\.|export\.)?arxiv\.org/(?:abs|pdf)/)", re.I)


class FetchError(PaperscopeError):
    """The API could not be asked or refused to answer; the message is one line for the user."""

    def __init__(self, message: str, *, report: ImportReport | None = None) -> None:
        super().__init__(one_line(message))
        self.report = report
        """What `fetch_into` stored before the failure, so that it can still be reported."""


@attrs.frozen
class FetchPage:
    """One answered request, for progress displays."""

    url: str
    start: int
    entries: int
    """Entries on the page, duplicates of earlier pages included."""
    new: int
    """Papers on the page not seen on an earlier one."""
    total: int | None
    """How many results the API says the query has in all."""


def query_url(
    endpoint: str,
    query: str | None,
    ids: Sequence[str],
    start: int,
    max_results: int,
) -> str:
    """The request for one page: `search_query` and/or `id_list`, then `start`, `max_results`."""
    params: list[tuple[str, str]] = []
    if query:
        params.append(("search_query", query))
    if ids:
        params.append(("id_list", ",".join(ids)))
    params += [("start", str(start)), ("max_results", str(max_results))]
    return f"{endpoint}?{urllib.parse.urlencode(params)}"


def clean_id(value: str) -> str:
    """`arXiv:2104.12255`, `https://arxiv.org/abs/2104.12255v1` -> the id the API expects.

    Anything else is passed on as written: the API itself says which ids it cannot read, and its
    message is clearer than a guess here.
    """
    text = _ID_PREFIX.sub("", value.strip())
    return text.removesuffix(".pdf").strip("/")


def fetch(
    query: str | None = None,
    ids: Sequence[str] = (),
    *,
    max_results: int = 100,
    page_size: int = 100,
    endpoint: str = DEFAULT_ENDPOINT,
    delay: float = API_DELAY,
    timeout: float = 30.0,
    user_agent: str = USER_AGENT,
    sleep: Callable[[float], None] = time.sleep,
    on_page: Callable[[FetchPage], None] | None = None,
) -> Iterator[Paper | ParseError]:
    """Papers matching `query` (arXiv search syntax, e.g. `ti:attention AND cat:cs.CL`) and/or
    with the given `ids`, each once, at most `max_results` of them.

    Asking only for ids fetches every id given, even beyond `max_results`. Pages of `page_size`
    are requested `delay` seconds apart (none before the first) until the API's total or
    `max_results` is reached. The arguments are checked now; the network is used only as the
    result is iterated, and a failure then raises `FetchError` after the papers already yielded.
    """
    text = (query or "").strip()
    id_list = [c for c in (clean_id(i) for i in ids) if c]
    if not text and not id_list:
        raise FetchError("nothing to fetch: give a search query or arXiv ids")
    if max_results < 1:
        raise FetchError(f"the number of results must be at least 1, not {max_results}")
    if page_size < 1:
        raise FetchError(f"the page size must be at least 1, not {page_size}")
    limit = max(max_results, len(id_list)) if id_list and not text else max_results
    return _pages(
        _Request(
            endpoint=endpoint,
            query=text or None,
            ids=tuple(id_list),
            limit=limit,
            page_size=min(page_size, MAX_PAGE_SIZE),
            delay=delay,
            timeout=timeout,
            user_agent=user_agent,
            sleep=sleep,
            on_page=on_page,
        )
    )


def fetch_into(
    library: Library,
    query: str | None = None,
    ids: Sequence[str] = (),
    *,
    on_error: Callable[[ParseError], None] | None = None,
    progress: Callable[[ImportReport], None] | None = None,
    max_results: int = 100,
    page_size: int = 100,
    endpoint: str = DEFAULT_ENDPOINT,
    delay: float = API_DELAY,
    timeout: float = 30.0,
    user_agent: str = USER_AGENT,
    sleep: Callable[[float], None] = time.sleep,
    on_page: Callable[[FetchPage], None] | None = None,
) -> ImportReport:
    """Fetch and store, reported like `import_file` (format "atom").

    A failure part-way keeps what was fetched before it: the papers are stored, then the
    `FetchError` is raised with that report attached as `.report`.
    """
    records = fetch(
        query,
        ids,
        max_results=max_results,
        page_size=page_size,
        endpoint=endpoint,
        delay=delay,
        timeout=timeout,
        user_agent=user_agent,
        sleep=sleep,
        on_page=on_page,
    )
    errors: list[ParseError] = []
    failures: list[FetchError] = []

    def papers() -> Iterator[Paper]:
        try:
            yield from papers_only(records, errors, on_error)
        except FetchError as exc:
            failures.append(exc)

    report = attrs.evolve(
        library.add(papers(), progress=progress), errors=tuple(errors), format=atom.NAME
    )
    if failures:
        raise FetchError(str(failures[0]), report=report) from failures[0]
    return report


@attrs.frozen
class _Request:
    endpoint: str
    query: str | None
    ids: tuple[str, ...]
    limit: int
    page_size: int
    delay: float
    timeout: float
    user_agent: str
    sleep: Callable[[float], None]
    on_page: Callable[[FetchPage], None] | None


def _pages(request: _Request) -> Iterator[Paper | ParseError]:
    seen: set[str] = set()
    start = 0
    asked = 0
    retried_empty = False
    stale = 0
    while len(seen) < request.limit:
        size = min(request.page_size, request.limit - len(seen))
        url = query_url(request.endpoint, request.query, request.ids, start, size)
        if asked:
            request.sleep(request.delay)
        asked += 1
        info = atom.FeedInfo()
        new = 0
        with contextlib.closing(_get(url, request, info)) as records:
            for record in records:
                if isinstance(record, ParseError):
                    if info.error is not None:
                        raise FetchError(f"the arXiv API refused the request: {info.error}")
                    if info.failure is not None and info.entries == 0:
                        raise FetchError(f"the arXiv API sent an unreadable answer: {info.failure}")
                    yield record
                elif record.id not in seen:
                    seen.add(record.id)
                    new += 1
                    yield record
                    if len(seen) >= request.limit:
                        break
        if request.on_page:
            request.on_page(FetchPage(url, start, info.entries, new, info.total_results))
        if info.entries == 0:
            # The API now and then answers a page inside the results with no entries; one more
            # try (after the usual pause) tells a hiccup from the real end.
            if info.total_results is not None and start < info.total_results and not retried_empty:
                retried_empty = True
                continue
            break
        retried_empty = False
        stale = stale + 1 if new == 0 else 0
        if stale >= _MAX_STALE_PAGES:
            break  # a server that ignores `start` would otherwise be asked to the last result
        start += info.entries
        if info.total_results is not None and start >= info.total_results:
            break
        if info.total_results is None and info.entries < size:
            break


def _get(
    url: str, request: _Request, info: atom.FeedInfo
) -> Generator[Paper | ParseError, None, None]:
    """The records of one page, read as they arrive; network failures become FetchError."""
    host = urllib.parse.urlsplit(url).netloc or url
    http_request = urllib.request.Request(
        url, headers={"User-Agent": request.user_agent, "Accept": "application/atom+xml"}
    )
    try:
        response = urllib.request.urlopen(http_request, timeout=request.timeout)
    except urllib.error.HTTPError as exc:
        try:
            raise _http_error(exc, url) from None
        finally:
            exc.close()
    except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
        raise FetchError(f"cannot reach {host}: {_reason(exc)}") from exc
    with response:
        try:
            yield from atom.parse_stream(response, source_name=url, info=info)
        except (OSError, http.client.HTTPException) as exc:
            raise FetchError(f"the connection to {host} broke off: {_reason(exc)}") from exc


def _http_error(exc: urllib.error.HTTPError, url: str) -> FetchError:
    """The API's own message for a 400 (it sends an error feed); the status for the rest."""
    try:
        body = exc.read(_ERROR_BODY_LIMIT)
    except (OSError, http.client.HTTPException):
        body = b""
    if exc.code == 400 and body:
        info = atom.FeedInfo()
        for _ in atom.parse_bytes(body, source_name=url, info=info):
            pass
        if info.error:
            return FetchError(f"the arXiv API refused the request: {info.error}")
    message = f"the arXiv API answered {exc.code} {exc.reason or ''}".rstrip()
    if exc.code in (429, 503):
        wait = (exc.headers.get("Retry-After") or "").strip() if exc.headers else ""
        message += f"; try again in {wait} s" if wait.isdigit() else "; try again later"
    return FetchError(message)


def _reason(exc: BaseException) -> str:
    """The words of a socket-level failure without the exception wrapping it."""
    if isinstance(exc, urllib.error.URLError):
        reason = exc.reason
        return reason if isinstance(reason, str) else _reason(reason)
    if isinstance(exc, TimeoutError):
        return "timed out"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__
