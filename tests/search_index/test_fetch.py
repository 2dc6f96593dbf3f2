"""The arXiv API client against a local server that answers with the recorded API responses.

No test touches the network: the server on 127.0.0.1 picks the recorded feed whose original
request (the "url" of each recorded_json fixture) had the same search_query, id_list, start and
max_results, and plays the API's failures (400 error feed, 503, a page that shifted).
"""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import attrs
import pytest

from search_index import Library, Paper, PaperscopeError, ParseError
from search_index.fetch import (
    API_DELAY,
    DEFAULT_ENDPOINT,
    USER_AGENT,
    FetchError,
    FetchPage,
    clean_id,
    fetch,
    fetch_into,
    query_url,
)
from search_index.importers import atom

RECORDED = "data/arxiv_api_atom_arxivpy/current_2026"
Key = tuple[str, str, str, str]


@attrs.define
class Seen:
    path: str
    params: dict[str, str]
    headers: dict[str, str]


@attrs.define
class FakeApi:
    """The recorded answers, and every request the client made, in order."""

    folder: Path
    pages: dict[Key, Path]
    base: str = ""
    requests: list[Seen] = attrs.Factory(list)
    hiccuped: bool = False

    @property
    def endpoint(self) -> str:
        return f"{self.base}/api/query"

    def feed(self, key: Key) -> Path | None:
        return self.pages.get(key)


def _key(params: dict[str, str]) -> Key:
    return (
        params.get("search_query", ""),
        params.get("id_list", ""),
        params.get("start", "0"),
        params.get("max_results", "10"),  # the API's default
    )


def _recorded_pages(folder: Path) -> dict[Key, Path]:
    pages: dict[Key, Path] = {}
    for fixture in sorted(folder.glob("recorded_json/*.json")):
        url = json.loads(fixture.read_text("utf-8"))["url"]  # only the url: the body is mojibake
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query, keep_blank_values=True)
        pages[_key({k: v[0] for k, v in query.items()})] = folder / f"{fixture.stem}.xml"
    return pages


def _handler(api: FakeApi) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def _send(self, status: int, body: bytes, kind: str, **headers: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def _atom(self, path: Path, status: int = 200) -> None:
            self._send(status, path.read_bytes(), "application/atom+xml; charset=utf-8")

        def do_GET(self) -> None:
            split = urllib.parse.urlsplit(self.path)
            params = dict(urllib.parse.parse_qsl(split.query, keep_blank_values=True))
            api.requests.append(Seen(split.path, params, dict(self.headers.items())))
            key = _key(params)
            if split.path == "/unavailable":
                self._send(503, b"<html>busy</html>", "text/html", **{"Retry-After": "7"})
            elif split.path == "/maintenance":
                self._send(200, b"<html><body>Back soon</body></html>\n", "text/html")
            elif split.path == "/slow":
                time.sleep(1.0)
                self._send(200, b"", "text/plain")
            elif split.path == "/flaky" and key[2] != "0":
                self._send(503, b"", "text/plain")
            elif split.path == "/error200":
                self._atom(next(api.folder.glob("id_abc_*.xml")))
            elif params.get("id_list") == "abc":
                self._atom(next(api.folder.glob("id_abc_*.xml")), status=400)
            elif split.path == "/hiccup" and key[2] == "10" and not api.hiccuped:
                # A page inside the results that comes back empty once, as the API sometimes does.
                api.hiccuped = True
                empty = next(api.folder.glob("id_0000.0000_*.xml")).read_bytes()
                body = empty.replace(b"totalResults>0<", b"totalResults>214881<")
                self._send(200, body, "application/atom+xml")
            elif split.path == "/stuck":
                # A server that ignores `start` and always sends the first page.
                self._atom(api.pages[(key[0], key[1], "0", "10")])
            elif split.path == "/overlap" and key[2] == "10":
                # Results shifted by five between two requests: the API pages by position.
                self._atom(api.pages[(key[0], key[1], "5", "10")])
            elif (page := api.feed(key)) is not None:
                self._atom(page)
            else:
                self._send(404, b"not recorded", "text/plain")

    return Handler


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that stops reading once it has enough closes mid-answer; that is fine."""


@pytest.fixture
def api(shared: Path) -> Iterator[FakeApi]:
    folder = shared / RECORDED
    if not folder.is_dir():
        pytest.skip(f"../shared/{RECORDED} is absent")
    fake = FakeApi(folder, _recorded_pages(folder))
    assert len(fake.pages) == 20
    server = QuietServer(("127.0.0.1", 0), _handler(fake))
    fake.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    yield fake
    server.shutdown()
    server.server_close()
    thread.join(5)


@attrs.define
class Sleeps:
    calls: list[float] = attrs.Factory(list)

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


def _fetch(api: FakeApi, sleeps: Sleeps | None = None, path: str = "/api/query", **kwargs: object) -> list[Paper | ParseError]:  # fmt: skip
    return list(fetch(endpoint=api.base + path, sleep=sleeps or Sleeps(), **kwargs))  # type: ignore[arg-type]


def _ids_of(path: Path) -> list[str]:
    return [r.id for r in atom.parse(path) if isinstance(r, Paper)]


# -- building requests ---------------------------------------------------------------------------


def test_query_url() -> None:
    assert query_url(DEFAULT_ENDPOINT, "ti:attention AND cat:cs.CL", (), 20, 10) == (
        "https://export.arxiv.org/api/query?search_query=ti%3Aattention+AND+cat%3Acs.CL"
        "&start=20&max_results=10"
    )
    assert query_url("http://h/q", None, ("astro-ph/0601001", "2104.12255v1"), 0, 2) == (
        "http://h/q?id_list=astro-ph%2F0601001%2C2104.12255v1&start=0&max_results=2"
    )


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("2104.12255", "2104.12255"),
        (" arXiv:2104.12255v1 ", "2104.12255v1"),
        ("https://arxiv.org/abs/astro-ph/0601001", "astro-ph/0601001"),
        ("http://export.arxiv.org/pdf/2104.12255v2.pdf", "2104.12255v2"),
        ("abc", "abc"),
    ],
)
def test_clean_id(given: str, expected: str) -> None:
    assert clean_id(given) == expected


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({}, "nothing to fetch: give a search query or arXiv ids"),
        ({"query": "  ", "ids": [" "]}, "nothing to fetch: give a search query or arXiv ids"),
        ({"query": "x", "max_results": 0}, "the number of results must be at least 1, not 0"),
        ({"query": "x", "page_size": 0}, "the page size must be at least 1, not 0"),
    ],
)
def test_bad_arguments_fail_before_any_request(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(FetchError, match=f"^{message}$"):
        fetch(**kwargs)  # type: ignore[arg-type]


def test_user_agent_describes_us() -> None:
    assert USER_AGENT.startswith("paperscope/") and "Python-urllib" not in USER_AGENT
    assert API_DELAY == 3.0
    assert issubclass(FetchError, PaperscopeError)


# -- by id ------------------------------------------------------------------------------------------


def test_fetch_new_style_id(api: FakeApi) -> None:
    sleeps = Sleeps()
    (paper,) = _fetch(api, sleeps, ids=["2104.12255v1"])
    assert isinstance(paper, Paper)
    assert (paper.id, paper.title, paper.authors) == ("2104.12255", "0", ("Quan Thoi Minh Nguyen",))
    assert paper.abstract.endswith("awarded $35,000 in total for the reported bugs.")
    (seen,) = api.requests
    assert seen.params == {"id_list": "2104.12255v1", "start": "0", "max_results": "100"}
    assert sleeps.calls == []  # no pause before the first request
    assert paper.source is not None and paper.source.path.startswith(api.endpoint + "?id_list=")
    assert paper.source.line == 10


def test_fetch_old_style_id(api: FakeApi) -> None:
    (paper,) = _fetch(api, ids=["arXiv:astro-ph/0601001"])
    assert isinstance(paper, Paper)
    assert paper.id == "astro-ph/0601001"
    assert paper.affiliation == "Ohio State"
    assert api.requests[0].params["id_list"] == "astro-ph/0601001"


def test_fetch_two_ids_one_unknown(api: FakeApi) -> None:
    records = _fetch(api, ids=["0808.05394", "1707.08567"])
    assert [r.id for r in records if isinstance(r, Paper)] == ["1707.08567"]
    assert len(records) == 1
    assert api.requests[0].params["id_list"] == "0808.05394,1707.08567"


def test_fetch_sends_our_user_agent(api: FakeApi) -> None:
    _fetch(api, ids=["1605.08386"])
    _fetch(api, ids=["1605.08386"], user_agent="custom/1.0")
    assert [r.headers["User-Agent"] for r in api.requests] == [USER_AGENT, "custom/1.0"]


def test_empty_result(api: FakeApi) -> None:
    pages: list[FetchPage] = []
    assert _fetch(api, ids=["0000.0000"], on_page=pages.append) == []
    assert len(api.requests) == 1
    assert [(p.entries, p.new, p.total) for p in pages] == [(0, 0, 0)]


# -- by query, across pages -------------------------------------------------------------------------


def test_query_across_pages(api: FakeApi) -> None:
    sleeps = Sleeps()
    pages: list[FetchPage] = []
    records = _fetch(
        api, sleeps, query="testing", max_results=60, page_size=10, on_page=pages.append
    )
    ids = [r.id for r in records if isinstance(r, Paper)]
    assert len(records) == len(ids) == len(set(ids)) == 60
    assert ids == _ids_of(next(api.folder.glob("q_testing_s0_m100_*.xml")))[:60]
    assert [(r.path, r.params) for r in api.requests] == [
        ("/api/query", {"search_query": "testing", "start": str(s), "max_results": "10"})
        for s in range(0, 60, 10)
    ]
    assert sleeps.calls == [3.0] * 5  # between requests, never before the first
    assert [(p.start, p.entries, p.new, p.total) for p in pages] == [
        (s, 10, 10, 214881) for s in range(0, 60, 10)
    ]
    assert pages[1].url == f"{api.endpoint}?search_query=testing&start=10&max_results=10"


def test_last_page_asks_only_for_what_is_missing(api: FakeApi) -> None:
    sleeps = Sleeps()
    records = _fetch(api, sleeps, query="testing", max_results=15, page_size=100, delay=0.5)
    assert len(records) == 15
    assert [r.params["max_results"] for r in api.requests] == ["15"]
    assert sleeps.calls == []


def test_overlapping_pages_are_deduplicated(api: FakeApi) -> None:
    sleeps = Sleeps()
    pages: list[FetchPage] = []
    records = _fetch(api, sleeps, path="/overlap", query="testing", max_results=15, page_size=10, on_page=pages.append)  # fmt: skip
    ids = [r.id for r in records if isinstance(r, Paper)]
    assert ids == _ids_of(next(api.folder.glob("q_testing_s0_m15_*.xml")))
    assert [r.params["start"] for r in api.requests] == ["0", "10"]
    assert api.requests[1].params["max_results"] == "5"
    assert [p.new for p in pages] == [10, 5]
    assert sleeps.calls == [3.0]


def test_an_empty_page_inside_the_results_is_asked_again(api: FakeApi) -> None:
    sleeps = Sleeps()
    pages: list[FetchPage] = []
    records = _fetch(api, sleeps, path="/hiccup", query="testing", max_results=20, page_size=10, on_page=pages.append)  # fmt: skip
    ids = [r.id for r in records if isinstance(r, Paper)]
    assert ids == _ids_of(next(api.folder.glob("q_testing_s0_m100_*.xml")))[:20]
    assert [r.params["start"] for r in api.requests] == ["0", "10", "10"]
    assert [p.entries for p in pages] == [10, 0, 10]
    assert sleeps.calls == [3.0, 3.0]


def test_pages_that_bring_nothing_new_stop_the_paging(api: FakeApi) -> None:
    records = _fetch(api, path="/stuck", query="testing", max_results=50, page_size=10)
    assert len(records) == 10
    assert [r.params["start"] for r in api.requests] == ["0", "10", "20"]


# -- failures, each one clear line ------------------------------------------------------------------


def _one_line_error(excinfo: pytest.ExceptionInfo[FetchError]) -> str:
    message = str(excinfo.value)
    assert "\n" not in message and "Traceback" not in message
    return message


def test_error_feed_is_a_clear_fetch_error(api: FakeApi) -> None:
    with pytest.raises(FetchError) as excinfo:
        _fetch(api, ids=["abc"])
    assert _one_line_error(excinfo) == (
        "the arXiv API refused the request: incorrect id format for abc"
    )


def test_error_feed_with_status_200_too(api: FakeApi) -> None:
    with pytest.raises(
        FetchError, match=r"^the arXiv API refused the request: incorrect id format for abc$"
    ):
        _fetch(api, path="/error200", ids=["abc"])


def test_503(api: FakeApi) -> None:
    with pytest.raises(FetchError) as excinfo:
        _fetch(api, path="/unavailable", query="testing")
    assert _one_line_error(excinfo) == (
        "the arXiv API answered 503 Service Unavailable; try again in 7 s"
    )


def test_404(api: FakeApi) -> None:
    with pytest.raises(FetchError, match=r"^the arXiv API answered 404 Not Found$"):
        _fetch(api, query="never recorded")


def test_not_a_feed(api: FakeApi) -> None:
    with pytest.raises(FetchError, match=r"^the arXiv API sent an unreadable answer: not an Atom feed: the document is a <html>$"):  # fmt: skip
        _fetch(api, path="/maintenance", query="testing")


def test_refused_connection() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(FetchError) as excinfo:
        list(fetch("testing", endpoint=f"http://127.0.0.1:{port}/api/query", sleep=Sleeps()))
    assert _one_line_error(excinfo) == f"cannot reach 127.0.0.1:{port}: Connection refused"


def test_timeout(api: FakeApi) -> None:
    with pytest.raises(FetchError) as excinfo:
        _fetch(api, path="/slow", query="testing", timeout=0.2)
    assert _one_line_error(excinfo) == f"cannot reach {api.base.removeprefix('http://')}: timed out"


def test_failure_after_some_pages_keeps_them(api: FakeApi) -> None:
    got: list[str] = []
    with pytest.raises(FetchError, match="answered 503"):
        for record in fetch("testing", max_results=30, page_size=10, endpoint=api.base + "/flaky", sleep=Sleeps()):  # fmt: skip
            assert isinstance(record, Paper)
            got.append(record.id)
    assert len(got) == 10


# -- into a real library ----------------------------------------------------------------------------


def test_end_to_end_into_a_library(api: FakeApi, empty_library: Library) -> None:
    sleeps = Sleeps()
    papers = (
        r for r in fetch("testing", max_results=30, page_size=10, endpoint=api.endpoint, sleep=sleeps)
        if isinstance(r, Paper)
    )  # fmt: skip
    report = empty_library.add(papers)
    assert (report.added, empty_library.count()) == (30, 30)
    by_id = fetch(ids=["astro-ph/0601001"], endpoint=api.endpoint, sleep=sleeps)
    assert empty_library.add(r for r in by_id if isinstance(r, Paper)).added == 1
    # the same query again, over overlapping pages: nothing new
    again = fetch("testing", max_results=15, endpoint=api.endpoint, sleep=sleeps)
    report = empty_library.add(r for r in again if isinstance(r, Paper))
    assert (report.added, report.updated, report.unchanged) == (0, 0, 15)
    assert empty_library.count() == 31


def test_fetch_into_reports_like_an_import(api: FakeApi, empty_library: Library) -> None:
    report = fetch_into(empty_library, "testing", max_results=20, page_size=10, endpoint=api.endpoint, sleep=Sleeps())  # fmt: skip
    assert (report.added, report.format, report.errors) == (20, "atom", ())
    assert empty_library.count() == 20


def test_fetch_into_keeps_what_came_before_a_failure(api: FakeApi, empty_library: Library) -> None:
    with pytest.raises(FetchError) as excinfo:
        fetch_into(empty_library, "testing", max_results=30, page_size=10, endpoint=api.base + "/flaky", sleep=Sleeps())  # fmt: skip
    assert excinfo.value.report is not None and excinfo.value.report.added == 10
    assert empty_library.count() == 10
    assert _one_line_error(excinfo).startswith("the arXiv API answered 503")
