"""Atom feeds from the arXiv API (export.arxiv.org/api/query), saved to a file or fetched live.

The feed is read incrementally with ElementTree's pull parser (the machinery under `iterparse`),
one line at a time: a saved search can be large, and feeding by lines is also what lets every
record name the line its `<entry>` starts on. Each finished entry is dropped from the tree once it
is turned into a paper, so memory stays flat however long the feed.

Quirks of the real feeds, all handled here:

* lookups are by namespace URI, never by prefix: legacy feeds (2016) declare `opensearch:` and
  `arxiv:` inline on each element instead of on `<feed>`;
* legacy titles and summaries are hard-wrapped; a summary line that starts with spaces begins a
  new paragraph (arXiv's own convention, kept by the current API as "\\n  ");
* entry ids carry the version (`http://arxiv.org/abs/2104.12255v1`), which the library drops;
* a rejected request comes back as a feed holding one entry titled "Error" whose id is under
  `/api/errors`: that is an error message, never a paper;
* an unknown id gives an empty feed (`totalResults` 0): nothing to import and nothing wrong.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gzip
import os
import re
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Protocol, runtime_checkable
from xml.etree import ElementTree as ET

import attrs

from search_index.categories import normalize_category
from search_index.errors import FormatError
from search_index.ids import is_arxiv_id, split_version
from search_index.latex import latex_to_unicode
from search_index.links import classify_urls
from search_index.models import Paper, ParseError, Source
from search_index.text import one_line, strip_controls, tidy_paragraphs

NAME = "atom"

ATOM_NS = "http://www.w3.org/2005/Atom"
ARXIV_NS = "http://arxiv.org/schemas/atom"
OPENSEARCH_NS = "http://a9.com/-/spec/opensearch/1.1/"

_FEED = f"{{{ATOM_NS}}}feed"
_ENTRY = f"{{{ATOM_NS}}}entry"
_OPENSEARCH_FIELDS = {
    f"{{{OPENSEARCH_NS}}}totalResults": "total_results",
    f"{{{OPENSEARCH_NS}}}startIndex": "start_index",
    f"{{{OPENSEARCH_NS}}}itemsPerPage": "items_per_page",
}

MAX_ENTRY_CHARS = 8 * 1024 * 1024
"""An entry with more text than this is rejected (its further text is dropped as it is read):
real ones hold a few KiB, and one entry at a time must stay small whatever the feed holds."""
_TOO_LONG = f"entry with more than {MAX_ENTRY_CHARS // 2**20} MiB of text; it was not read whole"

# Lines are fed to the parser one by one so that events can be tied to lines; a feed written
# without newlines is still read in pieces of at most this size, never whole.
_CHUNK = 64 * 1024

# Sniffing: the document itself must open with an Atom <feed>, possibly after an XML declaration,
# comments or processing instructions. A JSON file that merely *contains* a feed as a string (the
# recorded API fixtures) must not match.
_FEED_START = re.compile(
    r"""\A\s*(?:<\?.*?\?>\s*|<!--.*?-->\s*|<!DOCTYPE[^>]*>\s*)*<(?:[\w.-]+:)?feed\b[^>]*?
        \bxmlns(?::[\w.-]+)?\s*=\s*["']http://www\.w3\.org/2005/Atom["']""",
    re.DOTALL | re.VERBOSE,
)
_ARXIV_MARKERS = ("arxiv.org/schemas/atom", "a9.com/-/spec/opensearch", "arxiv.org/abs/")

_ABS_ID = re.compile(r"/abs/(?P<id>[^?#\s]+?)/?$")
_DATE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})")
_VERSION_SUFFIX = re.compile(r"v\d+$")
# A summary line that starts with blanks opens a new paragraph; other line breaks are hard wraps.
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]+(?=\S)")
_UNESCAPED_DOLLAR = re.compile(r"(?<!\\)\$")
# Kept as written by `_latex`: URLs and escaped dollars; with the second, a currency dollar.
_LITERAL = re.compile(r"https?://[^\s<>\"]+|\\\$", re.IGNORECASE)
_LITERAL_OR_CURRENCY = re.compile(r"https?://[^\s<>\"]+|\\\$|(?<![\\\w$])\$(?=\d)", re.IGNORECASE)
# An arXiv category code as arXiv writes them; other terms (ACM or MSC classes) are dropped.
_CATEGORY_SHAPE = re.compile(r"^[a-z]+(?:-[a-z]+)*(?:\.[A-Za-z]+(?:-[A-Za-z]+)*)?$")
_EXPAT_POSITION = re.compile(r":\s*line \d+, column \d+$")


@attrs.define
class FeedInfo:
    """What the feed says about itself, filled in while it is read.

    The fetcher needs `total_results` to know when to stop paging and `error` to turn the API's
    error feed into one clear message instead of a record.
    """

    total_results: int | None = None
    start_index: int | None = None
    items_per_page: int | None = None
    entries: int = 0
    """Every <entry> seen, the error entry and duplicates included."""
    error: str | None = None
    """The message of the API's error entry, when the feed is one."""
    failure: str | None = None
    """Why reading stopped early: malformed XML, or a document that is no Atom feed."""


@runtime_checkable
class BinaryReadable(Protocol):
    """A binary stream: an open file, a decompressor, an HTTP response."""

    def readline(self, size: int = -1, /) -> bytes: ...


class _Bad(Exception):
    """A reason an entry is rejected; becomes a ParseError with the entry's line."""


def sniff(path: Path, head: str) -> bool:
    """Auto-detection: an Atom <feed> at the top of the document that speaks arXiv."""
    m = _FEED_START.match(head.lstrip("\ufeff"))
    return m is not None and any(marker in head for marker in _ARXIV_MARKERS)


def parse(
    path: str | os.PathLike[str], *, reference_date: dt.date | None = None
) -> Iterator[Paper | ParseError]:
    """Papers from a saved feed; `reference_date` is unused, as every entry carries full dates."""
    file = Path(path)
    with contextlib.ExitStack() as stack:
        try:
            stream = _open(file, stack)
            yield from parse_stream(_guarded(stream, file), source_name=str(file))
        except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
            raise FormatError(f"{file}: cannot read: {exc}") from exc


def _open(file: Path, stack: contextlib.ExitStack) -> BinaryReadable:
    """The feed's bytes, decompressed when it was saved as .gz or .zip (as `read_head` sniffs)."""
    try:
        raw = stack.enter_context(file.open("rb"))
        magic = raw.read(4)
        raw.seek(0)
        if magic[:2] == b"\x1f\x8b":
            return stack.enter_context(gzip.GzipFile(fileobj=raw))
        if magic == b"PK\x03\x04":
            archive = stack.enter_context(zipfile.ZipFile(raw))
            members = [i for i in archive.infolist() if not i.is_dir()]
            if not members:
                raise FormatError(f"{file}: the zip archive is empty")
            return stack.enter_context(archive.open(members[0]))
    except OSError as exc:
        raise FormatError(f"{file}: cannot read: {exc.strerror or exc}") from exc
    return raw


def _guarded(stream: BinaryReadable, file: Path) -> Iterator[bytes]:
    """The stream's chunks, with a read failure reported as the file's, in one line."""
    try:
        yield from _chunks(stream)
    except OSError as exc:
        raise FormatError(f"{file}: cannot read: {exc.strerror or exc}") from exc


def _chunks(stream: BinaryReadable) -> Iterator[bytes]:
    """Lines, but never more than `_CHUNK` bytes at once even in a file without newlines."""
    while chunk := stream.readline(_CHUNK):
        yield chunk


def parse_bytes(
    data: bytes, *, source_name: str, info: FeedInfo | None = None
) -> Iterator[Paper | ParseError]:
    """Papers from a feed already in memory, such as the body of an HTTP error."""
    return parse_stream(data.splitlines(keepends=True), source_name=source_name, info=info)


def parse_stream(
    stream: BinaryReadable | Iterable[bytes],
    *,
    source_name: str,
    info: FeedInfo | None = None,
) -> Iterator[Paper | ParseError]:
    """Papers from a feed read piece by piece, each record's Source naming `source_name`.

    `stream` is a binary file (an open file, an HTTP response) or any iterable of byte chunks;
    chunks ending in a newline advance the line count. Errors raised while reading the stream are
    the caller's to handle, so that a fetcher can report a dropped connection as such.
    `info`, when given, is filled in with the feed's own counts as they are read.
    """
    info = info if info is not None else FeedInfo()
    chunks = _chunks(stream) if isinstance(stream, BinaryReadable) else stream
    builder = _BoundedBuilder()
    parser = ET.XMLParser(target=builder)
    line = 1
    depth = 0
    root: ET.Element | None = None
    entry_line = 1
    try:
        for chunk in chunks:
            parser.feed(chunk)
            for event, elem in builder.take_events():
                if event == "start":
                    depth += 1
                    if depth == 1:
                        if elem.tag != _FEED:
                            info.failure = (
                                f"not an Atom feed: the document is a <{_local(elem.tag)}>"
                            )
                            yield ParseError(Source(source_name, line), info.failure)
                            return
                        root = elem
                    elif depth == 2 and elem.tag == _ENTRY:
                        entry_line = line
                    continue
                depth -= 1
                if depth != 1 or root is None:
                    continue
                if elem.tag == _ENTRY:
                    info.entries += 1
                    source = Source(source_name, entry_line)
                    if elem in builder.oversized:
                        builder.oversized.discard(elem)
                        yield ParseError(source, _TOO_LONG)
                    else:
                        yield _record(elem, source, info)
                    root.remove(elem)  # keep memory flat on long feeds
                elif elem.tag in _OPENSEARCH_FIELDS:
                    _count(info, _OPENSEARCH_FIELDS[elem.tag], elem)
            line += chunk.count(b"\n")
        # A truncated document is only reported once the parser knows nothing more will come.
        parser.close()
    except ET.ParseError as exc:
        error = _malformed(exc, source_name)
        info.failure = error.reason
        yield error


class _BoundedBuilder:
    """ElementTree's TreeBuilder as an XMLParser target, recording start and end events (as
    XMLPullParser does), with the text kept for one child of <feed> bounded.

    The pull parser's builder keeps every character of an element's text until its end tag, so
    a 100 MB <summary> (one line or many) was held whole, and then imported: 1.5 GB and three
    minutes. Here, once a child of <feed> has MAX_ENTRY_CHARS of text, the rest of its text is
    dropped as it is parsed, and the element is marked to be rejected.
    """

    def __init__(self) -> None:
        self._builder = ET.TreeBuilder()
        self._events: list[tuple[str, ET.Element]] = []
        self._depth = 0
        self._chars = 0
        self.oversized: set[ET.Element] = set()

    def start(self, tag: str, attrs: dict[str, str]) -> ET.Element:
        elem = self._builder.start(tag, attrs)
        self._depth += 1
        if self._depth <= 2:
            self._chars = 0
        self._events.append(("start", elem))
        return elem

    def end(self, tag: str) -> ET.Element:
        elem = self._builder.end(tag)
        if self._depth == 2 and self._chars > MAX_ENTRY_CHARS:
            self.oversized.add(elem)
        self._depth -= 1
        self._events.append(("end", elem))
        return elem

    def data(self, text: str) -> None:
        self._chars += len(text)
        if self._chars <= MAX_ENTRY_CHARS:
            self._builder.data(text)

    def close(self) -> ET.Element:
        return self._builder.close()

    def take_events(self) -> list[tuple[str, ET.Element]]:
        events, self._events = self._events, []
        return events


def _malformed(exc: ET.ParseError, source_name: str) -> ParseError:
    failed_line, column = exc.position
    reason = _EXPAT_POSITION.sub("", str(exc))
    return ParseError(
        Source(source_name, failed_line),
        f"malformed XML ({reason} at column {column + 1}); the rest of the file is not read",
    )


def _count(info: FeedInfo, field: str, elem: ET.Element) -> None:
    text = (elem.text or "").strip()
    if text.isdigit():
        setattr(info, field, int(text))


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


# -- one entry ---------------------------------------------------------------------------------


def _record(entry: ET.Element, source: Source, info: FeedInfo) -> Paper | ParseError:
    raw_id = _text(entry, ATOM_NS, "id")
    if "/api/errors" in raw_id:
        message = one_line(_text(entry, ATOM_NS, "summary")) or one_line(raw_id)
        info.error = message
        return ParseError(source, f"the arXiv API answered with an error: {message}")
    try:
        return _paper(entry, raw_id, source)
    except _Bad as bad:
        return ParseError(source, str(bad))


def _paper(entry: ET.Element, raw_id: str, source: Source) -> Paper:
    arxiv_id = _arxiv_id(raw_id)
    raw_title = one_line(_text(entry, ATOM_NS, "title"))
    if not raw_title:
        raise _Bad(f"entry {arxiv_id} has no title")
    title = one_line(_latex(raw_title))
    summary = _text(entry, ATOM_NS, "summary")
    comments = one_line(_text(entry, ARXIV_NS, "comment")) or None
    published = _date(entry, "published") or _date(entry, "updated")
    if published is None:
        raise _Bad(f"entry {arxiv_id} has no publication date")
    updated = _date(entry, "updated")
    authors, affiliation = _authors(entry)
    code_urls, links = _urls(one_line(summary), comments or "")
    doi = one_line(_text(entry, ARXIV_NS, "doi")).split(" ")[0] or None
    return Paper(
        id=arxiv_id,
        title=title,
        title_tex=raw_title if raw_title != title else None,
        authors=authors,
        affiliation=affiliation,
        published=published,
        updated=updated if updated and updated != published else None,
        abstract=_abstract(summary),
        categories=_categories(entry),
        code_urls=code_urls,
        links=links,
        url=_abs_url(entry, arxiv_id),
        doi=doi,
        journal_ref=one_line(_text(entry, ARXIV_NS, "journal_ref")) or None,
        comments=comments,
        source=source,
    )


def _urls(*texts: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(code URLs, other URLs) of the summary and the comment, each classified on its own so that
    a sentence about code at the end of one does not claim a URL at the start of the other."""
    code: dict[str, None] = {}
    other: dict[str, None] = {}
    for text in texts:
        found_code, found_other = classify_urls(text)
        code.update(dict.fromkeys(found_code))
        other.update(dict.fromkeys(found_other))
    return tuple(code), tuple(u for u in other if u not in code)


def _text(parent: ET.Element, namespace: str, name: str) -> str:
    child = parent.find(f"{{{namespace}}}{name}")
    return "" if child is None else "".join(child.itertext())


def _arxiv_id(raw_id: str) -> str:
    """`http://arxiv.org/abs/astro-ph/0601001v1` -> `astro-ph/0601001`."""
    m = _ABS_ID.search(raw_id.strip())
    value = split_version(m.group("id"))[0] if m else ""
    if not is_arxiv_id(value):
        raise _Bad(f"entry id {one_line(raw_id)[:80]!r} is not an arXiv abstract link")
    return value


def _date(entry: ET.Element, name: str) -> dt.date | None:
    text = _text(entry, ATOM_NS, name)
    if not text.strip():
        return None
    m = _DATE.match(text)
    try:
        if m is None:
            raise ValueError
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        raise _Bad(f"unreadable <{name}> date {one_line(text)[:40]!r}") from None


def _authors(entry: ET.Element) -> tuple[tuple[str, ...], str | None]:
    names: list[str] = []
    affiliation: str | None = None
    for k, author in enumerate(entry.findall(f"{{{ATOM_NS}}}author")):
        name = one_line(_latex(one_line(_text(author, ATOM_NS, "name"))))
        if name:
            names.append(name)
        if k == 0:
            affiliation = one_line(_text(author, ARXIV_NS, "affiliation")) or None
    return tuple(names), affiliation


def _categories(entry: ET.Element) -> tuple[str, ...]:
    """Primary category first, then the others in feed order, each once."""
    terms: list[str] = []
    primary = entry.find(f"{{{ARXIV_NS}}}primary_category")
    if primary is not None:
        terms.append(primary.get("term", ""))
    terms += [c.get("term", "") for c in entry.findall(f"{{{ATOM_NS}}}category")]
    codes: dict[str, None] = {}
    for term in terms:
        term = one_line(term)
        code = normalize_category(term) or (term if _CATEGORY_SHAPE.match(term) else None)
        if code:
            codes.setdefault(code, None)
    return tuple(codes)


def _abs_url(entry: ET.Element, arxiv_id: str) -> str:
    """The abstract page without version, so that it always shows the latest one."""
    for link in entry.findall(f"{{{ATOM_NS}}}link"):
        href = one_line(link.get("href", ""))
        if link.get("rel") == "alternate" and "/abs/" in href:
            href = _VERSION_SUFFIX.sub("", href)
            return re.sub(r"^http://(?=(?:www\.|export\.)?arxiv\.org/)", "https://", href)
    return f"https://arxiv.org/abs/{arxiv_id}"


def _abstract(summary: str) -> str:
    text = _PARAGRAPH_BREAK.sub("\n\n", strip_controls(summary).strip())
    return tidy_paragraphs("\n\n".join(_latex(p) for p in re.split(r"\n\s*\n", text)))


def _latex(text: str) -> str:
    """`latex_to_unicode`, except for what only looks like LaTeX.

    A URL's `~user` or `--` are not LaTeX, and neither is the dollar in "awarded $35,000"
    (2104.12255): with an odd number of dollar signs the ones before a digit are currency. An
    escaped `\\$` is a dollar too, which `latex_to_unicode` would drop with the math delimiters.
    """
    odd = len(_UNESCAPED_DOLLAR.findall(text)) % 2 == 1
    protected = _LITERAL_OR_CURRENCY if odd else _LITERAL
    out: list[str] = []
    last = 0
    for m in protected.finditer(text):
        literal = m.group(0)
        out += [latex_to_unicode(text[last : m.start()]), "$" if literal.endswith("$") else literal]
        last = m.end()
    out.append(latex_to_unicode(text[last:]))
    return "".join(out)
