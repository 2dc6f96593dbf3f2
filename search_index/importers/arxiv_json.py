"""The arXiv metadata snapshot (Kaggle `arxiv-metadata-oai-snapshot`): one JSON object a line.

The real snapshot is several gigabytes, so the file is read one physical line at a time, plain or
through gzip/zip, and nothing about earlier lines is kept. The records are arXiv's own metadata
as submitted: titles and abstracts hard-wrapped at 80 columns, abstract paragraphs marked by a
line that starts indented ("\\n  "), LaTeX everywhere, and authors both as free text and parsed.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import re
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any, Protocol

from search_index.categories import normalize_category
from search_index.errors import FormatError
from search_index.ids import is_arxiv_id, split_version
from search_index.latex import latex_to_unicode
from search_index.links import classify_urls
from search_index.models import Paper, ParseError, Source
from search_index.text import one_line, strip_controls

NAME = "arxiv-json"

MAX_LINE_BYTES = 32 * 1024 * 1024
"""A longer line is not a record (the longest real ones are a few hundred KiB); reading it whole
would let one broken file use gigabytes, so it is skipped unread."""

_GZIP_MAGIC = b"\x1f\x8b"
_ZIP_MAGIC = b"PK\x03\x04"
_BOM = b"\xef\xbb\xbf"

_MONTHS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
        start=1,
    )
}
# RFC 1123 as arXiv writes it ("Mon, 2 Apr 2007 19:18:42 GMT"); the weekday is not checked.
_CREATED = re.compile(r"(?P<day>\d{1,2})\s+(?P<month>[A-Za-z]{3})[a-z]*\.?\s+(?P<year>\d{4})")
_ISO_DATE = re.compile(r"(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})")
# A paragraph break: a line that starts indented, or a blank line. A plain newline is a hard wrap.
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*|\n[ \t]+")
# Same as search_index.links: a URL is cut out before LaTeX is read, so `~user` stays a path.
_URL = re.compile(r"https?://[^\s<>\"'{}|\\^`]+", re.IGNORECASE)
_ET_AL = re.compile(r"(?:,|\band\b)?\s*\bet(?:\.\s*|\s+)al\b\.?", re.IGNORECASE)
# "A, B and C", "A, B, and C", "A and B and C"; "CLEO Collaboration: T. K. Pedlar".
_AUTHOR_SEPARATOR = re.compile(r"\s*[,;:]\s*(?:and\s+)?|\s+and\s+|\s+&\s+")
_SUFFIX = re.compile(r"(?:Jr|Sr)\.?|I{2,3}|IV", re.IGNORECASE)
_SPACED_INITIAL = re.compile(r"(?<=\.)\s+-(?=\w)")  # "C. -P." -> "C.-P."


class _LineReader(Protocol):
    """What a plain, gzip or zip member file has in common for reading lines."""

    def readline(self, size: int = ..., /) -> bytes: ...


class _Bad(Exception):
    """A reason a record is rejected; becomes a ParseError with the record's line."""


# -- auto-detection ------------------------------------------------------------------------------


def sniff(path: Path, head: str) -> bool:
    """The first non-blank line is (the start of) an object with an id and a title or abstract.

    The head is cut at 64 KiB, often inside a record, so a line that does not parse is judged by
    its keys alone.
    """
    line = next((s.strip() for s in head.lstrip("\ufeff").splitlines() if s.strip()), "")
    if not line.startswith("{"):
        return False
    try:
        record = json.loads(line)
    except ValueError:
        return _has_key(line, "id") and (_has_key(line, "title") or _has_key(line, "abstract"))
    return (
        isinstance(record, dict) and "id" in record and ("title" in record or "abstract" in record)
    )


def _has_key(text: str, key: str) -> bool:
    return re.search(r'[{,]\s*"' + re.escape(key) + r'"\s*:', text) is not None


# -- reading the stream --------------------------------------------------------------------------


def parse(
    path: str | os.PathLike[str], *, reference_date: dt.date | None = None
) -> Iterator[Paper | ParseError]:
    """Papers and errors in file order; `reference_date` is unused, every record has full dates."""
    file = Path(path)
    name = str(file)
    line_number = 0
    with ExitStack() as stack:
        stream = _open(file, stack)
        if stream is None:
            yield ParseError(Source(name), "the zip archive holds no file")
            return
        try:
            for line_number, raw in enumerate(_lines(stream), start=1):
                if raw is None:
                    yield ParseError(
                        Source(name, line_number), f"line longer than {MAX_LINE_BYTES} bytes"
                    )
                    continue
                if raw.strip():
                    yield _record(raw, Source(name, line_number))
        except (OSError, EOFError, zlib.error, zipfile.BadZipFile) as exc:
            # A truncated or corrupt archive: what was read stays imported.
            yield ParseError(Source(name, line_number + 1), f"cannot read further: {exc}")


def _open(file: Path, stack: ExitStack) -> _LineReader | None:
    """The decompressed byte stream, chosen by magic bytes since names lie (`.json` that is gzip).

    None for a zip archive without a file in it.
    """
    try:
        raw = stack.enter_context(file.open("rb"))
        magic = raw.read(4)
        raw.seek(0)
        if magic[:2] == _GZIP_MAGIC:
            return stack.enter_context(gzip.GzipFile(fileobj=raw, mode="rb"))
        if magic == _ZIP_MAGIC:
            archive = stack.enter_context(zipfile.ZipFile(raw))
            members = [info for info in archive.infolist() if not info.is_dir()]
            return stack.enter_context(archive.open(members[0])) if members else None
    except (OSError, zipfile.BadZipFile) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise FormatError(f"{file}: cannot read: {reason}") from exc
    return raw


def _lines(stream: _LineReader) -> Iterator[bytes | None]:
    """Physical lines split at b"\\n" only (a JSON string cannot hold a raw newline, while
    text-mode reading would also split at a stray \\r); None for a line too long to read."""
    first = True
    while True:
        line = stream.readline(MAX_LINE_BYTES)
        if not line:
            return
        if first:
            line = line.removeprefix(_BOM)
            first = False
        if len(line) >= MAX_LINE_BYTES and not line.endswith(b"\n"):
            _skip_rest_of_line(stream)
            yield None
            continue
        yield line


def _skip_rest_of_line(stream: _LineReader) -> None:
    while True:
        chunk = stream.readline(MAX_LINE_BYTES)
        if not chunk or chunk.endswith(b"\n"):
            return


# -- one record ----------------------------------------------------------------------------------


def _record(raw: bytes, source: Source) -> Paper | ParseError:
    try:
        record = json.loads(raw.decode("utf-8", errors="replace"))
    except ValueError as exc:
        return ParseError(source, f"not valid JSON: {exc}")
    except RecursionError:
        # json's decoder recurses once per nesting level: `[[[[...` a few thousand deep (a line
        # can hold millions) ended the whole import with a traceback.
        return ParseError(source, "not valid JSON: nested too deeply to be a record")
    if not isinstance(record, dict):
        return ParseError(source, f"a JSON {type(record).__name__} where a record was expected")
    try:
        return _paper(record, source)
    except _Bad as bad:
        return ParseError(source, str(bad))


def _paper(record: dict[str, Any], source: Source) -> Paper:
    arxiv_id = _id(record)
    raw_title = _fold(_text(record, "title", required=True))
    title = _fold(_readable(raw_title))
    if not title:
        raise _Bad("empty title")
    abstract = _abstract(_text(record, "abstract"))
    comments = _fold(_readable(_fold(_text(record, "comments")))) or None
    authors, et_al = _authors(record)
    published, updated = _dates(record)
    code_urls, links = classify_urls(f"{abstract}\n\n{comments or ''}")
    return Paper(
        id=arxiv_id,
        title=title,
        title_tex=raw_title if raw_title != title else None,
        authors=authors,
        et_al=et_al,
        published=published,
        updated=updated,
        abstract=abstract,
        categories=_categories(record.get("categories")),
        code_urls=code_urls,
        has_code=bool(code_urls),
        links=links,
        url=f"https://arxiv.org/abs/{arxiv_id}" if is_arxiv_id(arxiv_id) else None,
        # Cleaned like every other field: the DOI goes into citations, so an escape sequence
        # kept here reached the clipboard through the explorer's copy.
        doi=_first_doi(_fold(_text(record, "doi"))),
        journal_ref=_fold(_text(record, "journal-ref")) or None,
        comments=comments,
        source=source,
    )


def _text(record: dict[str, Any], key: str, *, required: bool = False) -> str:
    """A string field; null and absence read as empty, any other type rejects the record."""
    value = record.get(key)
    if value is None:
        if required:
            raise _Bad(f"no {key}")
        return ""
    if not isinstance(value, str):
        raise _Bad(f"{key} is a {type(value).__name__}, not a string")
    return value


def _first_doi(text: str) -> str | None:
    """The first of the DOIs: later snapshots add an erratum's after a space ("10.1/a 10.1/b"),
    and a DOI with a space in it makes a broken link and citation."""
    dois = text.split()
    return dois[0] if dois else None


def _id(record: dict[str, Any]) -> str:
    """The id without its version: a paper is one paper whichever version the snapshot saw."""
    value = _fold(_text(record, "id", required=True))
    if not value:
        raise _Bad("empty id")
    return split_version(value)[0]


def _fold(text: str) -> str:
    """`one_line`, minus its regex passes when there is nothing to strip: the snapshot has tens
    of millions of short fields, and almost none hold a control character."""
    if text.replace("\n", " ").isprintable():  # no escape, control or bidi character
        return " ".join(text.split())
    return one_line(text)


def _readable(text: str) -> str:
    """LaTeX read as Unicode, except inside URLs (`~user` is a path there, not a space)."""
    if "http" not in text:
        return latex_to_unicode(text)
    parts: list[str] = []
    start = 0
    for m in _URL.finditer(text):
        parts += [latex_to_unicode(text[start : m.start()]), m.group(0)]
        start = m.end()
    parts.append(latex_to_unicode(text[start:]))
    return "".join(parts)


def _abstract(text: str) -> str:
    """Paragraphs joined by a blank line, each unwrapped; the snapshot indents a paragraph's first
    line and wraps the rest flush left. LaTeX is read once for the whole text: it keeps newlines."""
    paragraphs = _PARAGRAPH_BREAK.split(strip_controls(text).strip())
    unwrapped = _readable("\n\n".join(_fold(p) for p in paragraphs))
    return "\n\n".join(p for p in (_fold(p) for p in unwrapped.split("\n\n")) if p)


# -- authors -------------------------------------------------------------------------------------


def _authors(record: dict[str, Any]) -> tuple[tuple[str, ...], bool]:
    """Names from `authors_parsed` when it has any, else split from the free text.

    Only the free text says "et al": the parsed list simply stops, so the flag is always read
    from it.
    """
    free_text = _fold(_text(record, "authors"))
    et_al = _ET_AL.search(free_text) is not None
    parsed = record.get("authors_parsed")
    names = _parsed_names(parsed) if parsed is not None else ()
    return names or _split_free_text(free_text), et_al


def _parsed_names(parsed: object) -> tuple[str, ...]:
    if not isinstance(parsed, list):
        raise _Bad(f"authors_parsed is a {type(parsed).__name__}, not a list")
    names: list[str] = []
    for entry in parsed:
        if not isinstance(entry, list) or not all(
            isinstance(part, str) or part is None for part in entry
        ):
            raise _Bad("authors_parsed holds an entry that is not a list of strings")
        name = _parsed_name([part or "" for part in entry])
        if name:
            names.append(name)
    return tuple(names)


def _parsed_name(parts: list[str]) -> str:
    """[last, first, suffix, affiliation...] -> "First Last Suffix"; affiliations are dropped
    (they are as often footnote marks like "1 and 2" as places)."""
    last, first, suffix = ([*parts, "", "", ""])[:3]
    name = " ".join(p for p in (first, last.rstrip(", "), suffix) if p.strip())
    name = latex_to_unicode(_fold(name))
    if "al" in name:
        name = _ET_AL.sub("", name)  # [["al.", "A. Abulencia et"]]
    if " -" in name:
        name = _SPACED_INITIAL.sub("-", name)
    name = name.strip(" ,;")
    return name if any(c.isalpha() for c in name) else ""


def _split_free_text(text: str) -> tuple[str, ...]:
    """ "A (MIT), B and C ((1) Place)" -> (A, B, C): affiliations in parentheses go first, as they
    hold commas and "and" of their own."""
    text = _ET_AL.sub("", _without_parentheses(text))
    names: list[str] = []
    for piece in _AUTHOR_SEPARATOR.split(text):
        name = _fold(latex_to_unicode(piece))
        if _SUFFIX.fullmatch(name) and names:
            names[-1] += f" {name}"  # "Robert W. Heath, Jr."
        elif any(c.isalpha() for c in name):
            names.append(name)
    return tuple(names)


def _without_parentheses(text: str) -> str:
    """Nested parentheses removed; one left open (a truncated affiliation list) runs to the end."""
    out: list[str] = []
    depth = 0
    for char in text:
        if char == "(":
            depth += 1
        elif char == ")" and depth:
            depth -= 1
        elif not depth:
            out.append(char)
    return "".join(out)


# -- dates and categories ------------------------------------------------------------------------


def _dates(record: dict[str, Any]) -> tuple[dt.date, dt.date]:
    """(first version's date, last version's date), or update_date for both without versions."""
    versions = record.get("versions")
    if versions is not None and not isinstance(versions, list):
        raise _Bad(f"versions is a {type(versions).__name__}, not a list")
    created = [_created(v) for v in versions or ()]
    if created:
        return created[0], created[-1]
    update = _text(record, "update_date")
    if not update:
        raise _Bad("no date: neither versions nor update_date")
    date = _iso_date(update)
    return date, date


def _created(version: object) -> dt.date:
    if not isinstance(version, dict):
        raise _Bad("versions holds an entry that is not an object")
    value = version.get("created")
    if not isinstance(value, str):
        raise _Bad("a version without a created date")
    m = _CREATED.search(value)
    month = _MONTHS.get(m.group("month").lower()) if m else None
    if m is None or month is None:
        raise _Bad(f"unreadable version date {value[:40]!r}")
    return _date(int(m.group("year")), month, int(m.group("day")), value)


def _iso_date(value: str) -> dt.date:
    m = _ISO_DATE.fullmatch(value.strip())
    if m is None:
        raise _Bad(f"unreadable update_date {value[:40]!r}")
    return _date(int(m.group("year")), int(m.group("month")), int(m.group("day")), value)


def _date(year: int, month: int, day: int, shown: str) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise _Bad(f"impossible date {shown[:40]!r}") from None


def _categories(value: object) -> tuple[str, ...]:
    """Codes in order (the first is primary); an unknown code is kept as written, since arXiv
    adds categories and a filter on one should still find its papers."""
    if value is None:
        return ()
    if isinstance(value, str):
        codes = value.split()
    elif isinstance(value, list) and all(isinstance(c, str) for c in value):
        codes = [c.strip() for c in value]  # later rewrites of the snapshot use a list
    else:
        raise _Bad(f"categories is a {type(value).__name__}, not a string")
    cleaned = (_fold(c) for c in codes)
    return tuple(dict.fromkeys(normalize_category(c) or c for c in cleaned if c))
