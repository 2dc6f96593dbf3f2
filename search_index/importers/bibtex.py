"""BibTeX files, read with bibtexparser 2: one paper per ``@type{key, ...}`` entry.

bibtexparser does the grammar (nested braces, ``@string`` macros, ``#`` concatenation, comments)
and reports a block it cannot parse without giving up on the rest of the file. What the entries
mean is decided here: TeX to Unicode for the screen, names into "First Last", the arXiv id
wherever a reference manager hid it, and a date from year and month.

The entry's own citation key is not kept: the library assigns keys unique within it.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from bibtexparser.entrypoint import parse_string
from bibtexparser.middlewares.names import (
    InvalidNameError,
    parse_single_name_into_parts,
    split_multiple_persons_names,
)
from bibtexparser.model import (
    DuplicateBlockKeyBlock,
    DuplicateFieldKeyBlock,
    Entry,
    ParsingFailedBlock,
)

from search_index.categories import normalize_category
from search_index.ids import ARXIV_ID_IN_TEXT_RE, content_id, is_arxiv_id, split_version
from search_index.latex import latex_to_unicode
from search_index.links import classify_urls
from search_index.models import Paper, ParseError, Source
from search_index.text import decode_lenient, one_line, strip_controls, tidy_paragraphs

NAME = "bibtex"

MAX_BYTES = 100 * 1024 * 1024
"""Beyond this a file is refused unread: bibtexparser holds the whole text and every block in
memory, and no bibliography is this large (d2l's 488 entries take 150 KB)."""

MAX_LINE_BYTES = 8 * 1024 * 1024
"""A longer line is not read: the entry holding it is rejected, the rest of the file imported."""

_ENTRY_START = re.compile(r"^[ \t]*@[A-Za-z]+[ \t]*[{(]", re.MULTILINE)
_ENTRY_START_BYTES = re.compile(rb"^[ \t]*@[A-Za-z]+[ \t]*[{(]")
_MONTHS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
        start=1,
    )
}
_YEAR = re.compile(r"(?<!\d)(1[5-9]\d\d|2\d\d\d)(?!\d)")
_ISO_DATE = re.compile(r"^\s*(?P<year>\d{4})(?:-(?P<month>\d{1,2})(?:-(?P<day>\d{1,2}))?)?")
# `{\\'e}`: a backslash doubled by whoever escaped the file for a string literal. A line break
# followed by an accent makes no sense in a name or title, an accent does.
_DOUBLED_ACCENT = re.compile(r"\\\\(?=['`^\"~=.])")
# `Rend.\ Accad.`: a space that is not the end of a sentence; latex_to_unicode leaves it as is.
_CONTROL_SPACE = re.compile(r"(?<!\\)\\ ")
_HREF = re.compile(r"\\href\s*\{(?P<url>[^{}]*)\}\s*\{(?P<text>[^{}]*)\}")
_ET_AL_NAMES = frozenset({"others", "et al", "et al.", "et. al.", "etal"})
_ARXIV_NEAR = re.compile(r"arxiv", re.IGNORECASE)
_ARXIV_WINDOW = 30
"""How far before an id the word arXiv may stand: `arXiv preprint arXiv:`, `arxiv.org/abs/`."""
_CATEGORY_AFTER_ID = re.compile(r"^\s*\[(?P<cat>[A-Za-z-]+(?:\.[A-Za-z-]+)?)\]")
_ARXIV_URL = re.compile(
    r"arxiv\.org/(?:abs|pdf)/(?P<id>[^\s?#]+?)(?:\.pdf)?(?=$|[\s?#,;)\]}])", re.IGNORECASE
)
_ARXIV_DOI = re.compile(r"^10\.48550/arxiv\.(?P<id>\S+)$", re.IGNORECASE)
# What a journal field says when it only points at arXiv: no journal to cite.
_ARXIV_ONLY_WORDS = re.compile(
    r"arxiv|preprint|e-?prints?|https?|www|org|abs|pdf|\[[^\]]*\]|[\d./:,v\s-]", re.IGNORECASE
)
_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
# BibTeX exports (ours, Mendeley's) escape these in doi and url fields; no DOI or URL has a
# backslash before them, and biblatex would print it, so it is dropped on the way in.
_ESCAPED_IN_VERBATIM = re.compile(r"\\([_%&#$~])")
_URL_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://\S+$")


class _Bad(Exception):
    """A reason an entry is rejected; becomes a ParseError with the entry's line."""


def sniff(path: Path, head: str) -> bool:
    """Auto-detection: some line starts an ``@type{`` or ``@type(`` block."""
    return _ENTRY_START.search(head) is not None


def parse(
    path: str | os.PathLike[str], *, reference_date: dt.date | None = None
) -> Iterator[Paper | ParseError]:
    """Papers from a .bib file; `reference_date` is unused, as BibTeX years are absolute."""
    file = Path(path)
    size = file.stat().st_size
    if size > MAX_BYTES:
        yield ParseError(
            Source(str(file)),
            f"{size / 2**20:.0f} MB is too large for a BibTeX file (at most "
            f"{MAX_BYTES // 2**20} MB are read); nothing was imported from it",
        )
        return
    with file.open("rb") as stream:
        data, unread = _read_bounded(stream, str(file))
    yield from _in_line_order(parse_text(_decode(data), source_name=str(file)), unread)


def _read_bounded(stream: BinaryIO, source_name: str) -> tuple[bytes, list[ParseError]]:
    """The file, with each entry that holds a line longer than MAX_LINE_BYTES left out (as many
    empty lines, so that later line numbers stay right), and an error for each entry left out.

    bibtexparser needs the whole text at once, so the file cannot be streamed through it; but a
    100 MB line (under MAX_BYTES) took 1.6 GB and three minutes to import as one absurd abstract,
    so no line that long is ever read whole. An entry starts at a line that starts a block.
    """
    kept: list[bytes] = []
    unread: list[ParseError] = []
    block: list[bytes] = []
    block_start = 1
    long_line: int | None = None

    def close_block() -> None:
        if long_line is None:
            kept.extend(block)
            return
        kept.append(b"\n" * len(block))
        unread.append(
            ParseError(
                Source(source_name, block_start),
                f"line {long_line} is longer than {MAX_LINE_BYTES // 2**20} MiB; "
                "the entry holding it was not read",
            )
        )

    number = 0
    while raw := stream.readline(MAX_LINE_BYTES + 1):
        number += 1
        if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
            while (rest := stream.readline(MAX_LINE_BYTES)) and not rest.endswith(b"\n"):
                pass
            raw = b"\n"
            long_line = long_line or number
        elif _ENTRY_START_BYTES.match(raw):
            close_block()
            block, block_start, long_line = [], number, None
        block.append(raw)
    close_block()
    return b"".join(kept), unread


def _in_line_order(
    records: Iterable[Paper | ParseError], unread: list[ParseError]
) -> Iterator[Paper | ParseError]:
    """The parser's records with the errors of entries left unread put where they stood."""
    pending = iter(unread)
    waiting = next(pending, None)
    for record in records:
        line = record.source.line if record.source is not None else None
        while waiting is not None and line is not None and (waiting.source.line or 0) < line:
            yield waiting
            waiting = next(pending, None)
        yield record
    if waiting is not None:
        yield waiting
    yield from pending


def _decode(data: bytes) -> str:
    """UTF-8 as most files are today, with each byte that is not UTF-8 read as Windows-1252
    (older .bib files are Latin-1, which it contains), so that a stray byte costs one character.

    Decoding the whole file as Latin-1 once one byte was not UTF-8 turned every other accented
    name in it into mojibake ("JÃ¼rgen"), and cut fields short: the 0x9D of a `”` became the C1
    OSC introducer, which cleaning removes with everything after it.
    """
    return decode_lenient(data.removeprefix(b"\xef\xbb\xbf"))


def parse_text(text: str, *, source_name: str) -> Iterator[Paper | ParseError]:
    try:
        with _quiet_bibtexparser():
            library = parse_string(text)
    except Exception as exc:  # a bug in the parser, not a record: report it as the file's
        yield ParseError(Source(source_name), f"the BibTeX parser failed: {one_line(str(exc))}")
        return
    for block in library.blocks:
        line = block.start_line + 1 if block.start_line is not None else None
        source = Source(source_name, line)
        entry: Entry | None = None
        if isinstance(block, Entry):
            entry = block
        elif isinstance(block, DuplicateBlockKeyBlock | DuplicateFieldKeyBlock):
            # A repeated citation key or field is a slip, not a reason to lose the paper: the
            # key is not used, and of repeated fields the first counts, as in BibTeX itself.
            candidate = block.ignore_error_block
            entry = candidate if isinstance(candidate, Entry) else None
        elif isinstance(block, ParsingFailedBlock):
            yield ParseError(source, _failure_reason(block))
            continue
        if entry is None:
            continue  # @string, @preamble, @comment and text between entries
        try:
            yield _paper(entry, source)
        except _Bad as bad:
            # The key is as the file writes it, and the reason is printed: cleaned, or an escape
            # sequence in a key reached the terminal through `paperscope import`'s summary.
            label = one_line(f"@{entry.entry_type}{{{entry.key}}}")
            yield ParseError(source, f"{label}: {bad}")


@contextmanager
def _quiet_bibtexparser() -> Iterator[None]:
    """bibtexparser logs each broken block as a warning; those become ParseErrors here, and a
    log line on the terminal would only say the same thing again, in the wrong place."""
    logger = logging.getLogger("bibtexparser")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


def _failure_reason(block: ParsingFailedBlock) -> str:
    error = block.error
    reason = getattr(error, "abort_reason", None) or str(error) or type(error).__name__
    first_line = (block.raw or "").lstrip().split("\n", 1)[0].strip()
    opening = f" in {first_line[:60]!r}" if first_line else ""
    hint = ""
    if "looking for" in reason or "end of file" in reason:
        hint = " (is a brace or quote left open?)"
    return f"BibTeX syntax error{opening}: {one_line(reason)}{hint}"


def _fields(entry: Entry) -> dict[str, str]:
    """Field name (any case in the file) -> text; of repeated fields the first counts."""
    fields: dict[str, str] = {}
    for field in entry.fields:
        value = field.value
        if isinstance(value, str):
            fields.setdefault(field.key.strip().casefold(), value)
    return fields


def _href(m: re.Match[str]) -> str:
    url, text = m.group("url").strip(), m.group("text").strip()
    return url if text in ("", url) else f"{text} ({url})"


def _tex(text: str) -> str:
    """latex_to_unicode, after what it leaves alone: a doubled accent backslash, a control space,
    and `\\href{url}{text}`, whose braces it would drop, gluing the URL to its text.

    Escape sequences go first: read as TeX, the `\\` of an ST terminator (ESC \\) is a control
    space or a doubled backslash, and the sequence left unterminated then took the rest of the
    field when it was cleaned (an abstract was cut at the first OSC ended by ST).
    """
    text = strip_controls(text)
    text = _CONTROL_SPACE.sub(" ", _DOUBLED_ACCENT.sub(r"\\", text))
    return latex_to_unicode(_HREF.sub(_href, text))


def _clean(text: str) -> str:
    return one_line(_tex(text))


def _paper(entry: Entry, source: Source) -> Paper:
    fields = _fields(entry)
    title_source = one_line(fields.get("title", ""))
    title = _clean(title_source)
    if not title:
        raise _Bad("no title")
    names = fields.get("author") or fields.get("editor", "")
    authors, et_al = split_names(names)

    arxiv_id, arxiv_category = find_arxiv_id(fields)
    published, precision = _published(fields, arxiv_id)

    journal_source = fields.get("journal") or fields.get("booktitle") or ""
    journal = _clean(journal_source)
    if journal and is_only_arxiv(journal):
        journal = ""
    note = _clean(fields.get("note", ""))
    if note and is_only_arxiv(note):
        note = ""
    abstract = tidy_paragraphs(_tex(fields.get("abstract", "")))
    code_urls, links = classify_urls(abstract)
    if note:
        note_code, _ = classify_urls(note)
        code_urls = tuple(dict.fromkeys(code_urls + note_code))

    url = _url(fields.get("url", ""))
    doi = _doi(fields.get("doi", "")) or _doi(url or "")

    categories: list[str] = []
    for code in (fields.get("primaryclass", ""), arxiv_category or ""):
        canonical = normalize_category(code) if code.strip() else None
        if canonical and canonical not in categories:
            categories.append(canonical)

    return Paper(
        id=arxiv_id or content_id(title, authors[0] if authors else ""),
        title=title,
        title_tex=title_source if title_source != title else None,
        authors=authors,
        et_al=et_al,
        published=published,
        date_precision=precision,
        abstract=abstract,
        categories=tuple(categories),
        code_urls=code_urls,
        links=tuple(u for u in links if u not in code_urls),
        url=url,
        doi=doi,
        journal_ref=journal or None,
        comments=note or None,
        source=source,
    )


def _published(fields: dict[str, str], arxiv_id: str | None) -> tuple[dt.date, str]:
    """The first day of the entry's month, or January 1 when it gives only a year, and how
    precise that is (day, month or year), so that nothing downstream invents a month.

    BibTeX dates are a year and perhaps a month, while a paper needs a day: the first one keeps
    the paper inside any filter on its year (or month), and sorts it before the papers that
    name a later day. A biblatex ``day`` field is used when present. ``year = {2023a}`` (a
    disambiguating letter) is 2023. With no year: a biblatex ``date`` field, else the month an
    arXiv id was issued in.
    """
    year_match = _YEAR.search(fields.get("year", ""))
    if year_match:
        year = int(year_match.group(1))
        month = _month(fields.get("month", ""))
        day = _day(fields.get("day", ""), year, month)
        has_month = bool(fields.get("month", "").strip())
        precision = "day" if fields.get("day", "").strip() else "month" if has_month else "year"
        return dt.date(year, month, day), precision
    iso = _ISO_DATE.match(fields.get("date", ""))
    if iso:
        precision = "day" if iso["day"] else "month" if iso["month"] else "year"
        try:
            published = dt.date(int(iso["year"]), int(iso["month"] or 1), int(iso["day"] or 1))
        except ValueError:
            raise _Bad(f"impossible date {fields['date'][:30]!r}") from None
        return published, precision
    if arxiv_id and re.match(r"^\d{4}\.", arxiv_id):
        return dt.date(2000 + int(arxiv_id[:2]), int(arxiv_id[2:4]), 1), "month"
    if "year" in fields:
        raise _Bad(f"unreadable year {one_line(fields['year'])[:30]!r}")
    raise _Bad("no year")


def _month(text: str) -> int:
    value = one_line(text).strip("{}. ").casefold()
    if value.isdigit() and 1 <= int(value) <= 12:
        return int(value)
    return _MONTHS.get(value[:3], 1)


def _day(text: str, year: int, month: int) -> int:
    value = one_line(text).strip("{} ")
    if value.isdigit():
        try:
            return dt.date(year, month, int(value)).day
        except ValueError:
            return 1
    return 1


def _url(text: str) -> str | None:
    value = one_line(latex_to_unicode(text)) if "\\url" in text else _unescaped(one_line(text))
    if not value:
        return None
    if value.startswith("www."):
        value = "https://" + value
    return value if _URL_SCHEME.match(value) else None


def _unescaped(text: str) -> str:
    return _ESCAPED_IN_VERBATIM.sub(r"\1", text)


def _doi(text: str) -> str | None:
    value = _DOI_PREFIX.sub("", _unescaped(one_line(text).strip("{}")))
    return value if value.startswith("10.") else None


# -- names ---------------------------------------------------------------------------------


def split_names(text: str) -> tuple[tuple[str, ...], bool]:
    """("First Last", ...), et_al from a BibTeX name list.

    `and` splits only outside braces (``{Simon and Schuster}`` is one name); ``others`` and
    ``et al.`` become et_al. Names go through bibtexparser's own First/von/Last/Jr rules, so
    ``van Beethoven, Ludwig`` and ``Hoane, Jr., A. Joseph`` come out in reading order.
    """
    names: list[str] = []
    et_al = False
    for raw in split_multiple_persons_names(one_line(text)):
        if one_line(raw).casefold() in _ET_AL_NAMES:
            et_al = True
            continue
        name = _clean(_first_name_first(raw.strip().rstrip(",").strip()))
        if name:
            names.append(name)
    return tuple(names), et_al


def _first_name_first(name: str) -> str:
    try:
        parts = parse_single_name_into_parts(name, strict=False)
    except (InvalidNameError, ValueError, IndexError):
        return name
    return parts.merge_first_name_first or name


# -- arXiv ids -----------------------------------------------------------------------------


def find_arxiv_id(fields: dict[str, str]) -> tuple[str | None, str | None]:
    """(arXiv id without version, category written after it) from wherever an entry names it.

    In order of trust: ``eprint`` with ``archivePrefix = {arXiv}`` (or an eprint that is plainly
    an arXiv id), arXiv's DOI ``10.48550/arXiv.<id>``, then ``arXiv:<id>`` or an arxiv.org
    abs/pdf link in journal, note, howpublished, url, booktitle or eprint text.
    """
    prefix = one_line(fields.get("archiveprefix") or fields.get("eprinttype") or "").casefold()
    eprint = one_line(fields.get("eprint", ""))
    if eprint and prefix in ("", "arxiv"):
        bare = re.sub(r"^arxiv:\s*", "", eprint, flags=re.IGNORECASE)
        arxiv_id, _ = split_version(bare)
        if is_arxiv_id(arxiv_id):
            return arxiv_id, None
    for text in (fields.get("doi", ""), fields.get("url", "")):
        doi = _ARXIV_DOI.match(_doi(text) or "")
        if doi:
            arxiv_id, _ = split_version(doi.group("id"))
            if is_arxiv_id(arxiv_id):
                return arxiv_id, None
    for name in ("journal", "note", "howpublished", "url", "booktitle", "eprint", "pdf"):
        found = arxiv_id_in_text(_clean(fields.get(name, "")))
        if found:
            return found
    return None, None


def arxiv_id_in_text(text: str) -> tuple[str, str | None] | None:
    """The first arXiv id in `text` with "arxiv" shortly before it, and a ``[cs.LG]`` after it,
    or the id of an arxiv.org abs/pdf link, whichever comes first.

    Requiring the word keeps page ranges and report numbers that look like ids from counting.
    """
    found: list[tuple[int, str, str | None]] = []
    for m in ARXIV_ID_IN_TEXT_RE.finditer(text):
        before = text[max(0, m.start() - _ARXIV_WINDOW) : m.start()]
        if _ARXIV_NEAR.search(before):
            after = _CATEGORY_AFTER_ID.match(text[m.end() :])
            found.append((m.start(), m.group("id"), after.group("cat") if after else None))
            break
    for m in _ARXIV_URL.finditer(text):
        arxiv_id, _ = split_version(m.group("id"))
        if is_arxiv_id(arxiv_id):
            found.append((m.start(), arxiv_id, None))
            break
    if not found:
        return None
    _, arxiv_id, category = min(found)
    return arxiv_id, category


def is_only_arxiv(text: str) -> bool:
    """``arXiv preprint arXiv:2311.09735``, ``ArXiv:1802.02219 [stat.ML]``, an arxiv.org link:
    a pointer to arXiv rather than a venue, which the id already records."""
    if not _ARXIV_NEAR.search(text):
        return False
    rest = ARXIV_ID_IN_TEXT_RE.sub(" ", _ARXIV_URL.sub(" ", text))
    return not _ARXIV_ONLY_WORDS.sub("", rest).strip()
