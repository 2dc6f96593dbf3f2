"""arXiv mailing digests: the daily "new submissions" e-mails, saved as text.

An entry is a ``\\\\`` line, a header of ``Key: value`` fields with two-space continuation lines,
then either ``\\\\`` + abstract + trailer (new submissions and cross-lists) or the trailer right
away (replacements, which carry no abstract)::

    \\\\
    arXiv:2601.15305
    Date: Mon, 12 Jan 2026 20:33:39 GMT   (215kb)

    Title: Gated Sparse Attention: Combining Computational Efficiency with Training
      Stability for Long-Context Language Models
    Authors: Alfred Shen, Aaron Shen
    Categories: cs.AI
    \\\\
      The computational burden of attention ...
    \\\\ ( https://arxiv.org/abs/2601.15305 ,  215kb)

What kind an entry is comes from its own lines, not from the section it stands in: a
cross-list says ``(*cross-listing*)`` after its id and a replacement says ``replaced with revised
version <date>`` instead of ``Date:``. Real mails disagree with the obvious reading of their
section markers (new submissions and cross-lists share the first section; ``%%--%%`` opens the
replacements and ``%%%---%%%`` ends the mail), and a hand-trimmed mail may have lost them.

The file is read line by line, so a mailbox of many digests needs no more memory than one entry.
Anything outside entries (mail headers, the preamble, section markers) is skipped.

arXiv's other texts in this layout read the same way: the pre-2007 listings (``Paper:`` ids,
headers only, each entry closed by ``\\\\``) and the .abs record of a single paper (``From:`` and
``Date (revised v2):`` lines, no trailer), which is why auto-detection names them "mailing" too.
"""

from __future__ import annotations

import datetime as dt
import enum
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

import attrs

from search_index.categories import normalize_category
from search_index.ids import is_arxiv_id, split_version
from search_index.latex import latex_to_unicode
from search_index.links import classify_urls
from search_index.models import Paper, ParseError, Source
from search_index.text import decode_lenient, one_line, strip_controls, tidy_paragraphs

NAME = "mailing"

MAX_LINE_BYTES = 8 * 1024 * 1024
"""A longer line is skipped unread and its entry rejected: real lines are a few hundred bytes."""
MAX_ENTRY_CHARS = 8 * 1024 * 1024
"""An entry longer than this is rejected; real abstracts are a few KiB."""
_MIB = MAX_LINE_BYTES // 2**20

_DELIMITER = "\\\\"
_TRAILER = re.compile(r"^\\\\\s*\(")
# The dashed line between entries and the %%--%% / %%%---%%% section markers.
_SEPARATOR = re.compile(r"^(?:-{20,}|%%+-+%%.*)$")
# `arXiv:2601.15305 (*cross-listing*)`, and in digests before 2007 `Paper (*cross-listing*): id`.
_ID_LINE = re.compile(r"^(?:arXiv|Paper)(?P<before>\s*\([^)]*\))?:\s*(?P<id>\S*)(?P<rest>.*)$")
_FIELD = re.compile(r"^(?P<key>[A-Za-z][A-Za-z-]*(?: \([^)]*\))?):(?:\s+(?P<value>.*))?$")
_REPLACED = re.compile(r"^replaced with revised version\s+(?P<date>.*)$", re.IGNORECASE)
_DATE = re.compile(
    r"(?:[A-Za-z]{3},?\s+)?(?P<day>\d{1,2})\s+(?P<month>[A-Za-z]{3})[A-Za-z]*\.?\s+(?P<year>\d{4})"
)
_MONTHS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
        start=1,
    )
}
_SNIFF_ENTRY = re.compile(
    r"^\\\\[ \t]*\r?\n(?:arXiv|Paper)(?:[ \t]*\([^)\n]*\))?:[ \t]*\S", re.MULTILINE
)
_ET_AL = re.compile(r"^et\.?\s*al\.?$", re.IGNORECASE)
_MARKER = re.compile(r"^[\d\s,;&*†‡]*(?:and[\d\s,;&*]*)*$")


# Two things latex_to_unicode leaves alone: `e.g.\ the`, a space that ends no sentence, and
# `\href{url}{text}`, whose braces it would drop, gluing the URL to its text.
_CONTROL_SPACE = re.compile(r"(?<!\\)\\ ")
_HREF = re.compile(r"\\href\s*\{(?P<url>[^{}]*)\}\s*\{(?P<text>[^{}]*)\}")


def _href(m: re.Match[str]) -> str:
    url, text = m.group("url").strip(), m.group("text").strip()
    return url if text in ("", url) else f"{text} ({url})"


def _tex(text: str) -> str:
    # Escape sequences go first: read as TeX, the `\` of an ST terminator (ESC \) followed by a
    # space is a control space, and the sequence left unterminated then took the rest of the
    # field when it was cleaned: "Authors: Ada <OSC 52 ... ESC \> Lovelace, Alan Turing" was
    # stored as the one author "Ada".
    text = strip_controls(text)
    return latex_to_unicode(_HREF.sub(_href, _CONTROL_SPACE.sub(" ", text)))


class EntryKind(enum.Enum):
    NEW = "new"
    CROSS_LIST = "cross-list"
    REPLACED = "replaced"


@attrs.frozen
class MailEntry:
    """A paper with what the mail says about it; `parse` keeps only the paper."""

    kind: EntryKind
    paper: Paper
    cross_listed: bool = False
    """A replaced entry can be a cross-list too; its kind is still REPLACED."""


class _Bad(Exception):
    """A reason an entry is rejected; becomes a ParseError."""

    def __init__(self, reason: str, line: int | None = None) -> None:
        super().__init__(reason)
        self.line = line


@attrs.define
class _RawEntry:
    """The lines of one entry as read, before any of them is interpreted."""

    start: int
    id_line: str | None = None
    fields: list[tuple[str, str]] = attrs.Factory(list)
    replaced: str | None = None
    abstract: list[str] = attrs.Factory(list)
    problem: tuple[int, str] | None = None
    """The first line that fits nowhere in a header: the entry is reported, not guessed at."""
    size: int = 0
    """Characters read into the entry so far."""

    def grow(self, chars: int, number: int) -> bool:
        """Count a line in; True (and the entry rejected) once the entry is too long to keep."""
        self.size += chars
        if self.size <= MAX_ENTRY_CHARS:
            return False
        if self.problem is None:
            self.problem = (number, f"the entry is longer than {_MIB} MiB at line {number}")
        return True

    def continue_field(self, text: str) -> bool:
        if not self.fields:
            return False
        key, value = self.fields[-1]
        self.fields[-1] = (key, f"{value} {text.strip()}")
        return True


class _State(enum.Enum):
    OUTSIDE = enum.auto()
    OPENED = enum.auto()
    """After a ``\\\\`` outside an entry: an entry starts if a header line follows."""
    HEADER = enum.auto()
    ABSTRACT = enum.auto()


def sniff(path: Path, head: str) -> bool:
    """Auto-detection: a ``\\\\`` line directly followed by an ``arXiv:`` line, or the preamble
    every digest starts with (a digest of a quiet day may hold no entry at all)."""
    if _SNIFF_ENTRY.search(head):
        return True
    return "Submissions to:" in head and "received from" in head


def parse(
    path: str | os.PathLike[str], *, reference_date: dt.date | None = None
) -> Iterator[Paper | ParseError]:
    """Papers from a saved digest; `reference_date` is unused, as every date has a year."""
    for record in parse_entries(path):
        yield record.paper if isinstance(record, MailEntry) else record


def parse_entries(path: str | os.PathLike[str]) -> Iterator[MailEntry | ParseError]:
    file = Path(path)
    with file.open("rb") as stream:
        yield from iter_entries(_read_lines(stream), source_name=str(file))


def _read_lines(stream: BinaryIO) -> Iterator[str | None]:
    """The lines, decoded; None for a line longer than MAX_LINE_BYTES, whose rest is skipped
    unread (iterating over the file would read a 100 MB line whole)."""
    while raw := stream.readline(MAX_LINE_BYTES + 1):
        if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
            while (rest := stream.readline(MAX_LINE_BYTES)) and not rest.endswith(b"\n"):
                pass
            yield None
            continue
        yield _decode(raw)


def _decode(line: bytes) -> str:
    """UTF-8, with a stray non-UTF-8 byte read as Windows-1252: digests are ASCII, but a saved
    mail or an old record may carry one Latin-1 name, which should read as itself and not as a
    replacement mark. (Decoding the whole line as Latin-1 instead turned its UTF-8 characters
    into mojibake, and the 0x9D of a `”` into a C1 control that took the rest of the line.)"""
    return decode_lenient(line)


def iter_entries(
    lines: Iterable[str | None], *, source_name: str
) -> Iterator[MailEntry | ParseError]:
    """Entries from the lines of a digest, in file order, each as soon as its last line is read.

    A line given as None was too long to read: the entry it stands in is rejected. So is an entry
    longer than MAX_ENTRY_CHARS, whose further lines are not kept: one entry is held at a time,
    and that must stay small whatever the file holds.
    """
    state = _State.OUTSIDE
    raw: _RawEntry | None = None
    number = 0
    for number, text in enumerate(lines, start=1):
        if text is None:
            if raw is not None and raw.problem is None:
                raw.problem = (number, f"line {number} is longer than {_MIB} MiB; it was not read")
            state = _State.OUTSIDE if state is _State.OPENED else state
            continue
        line = text.rstrip("\r\n")
        full = raw is not None and raw.grow(len(line), number)
        if number == 1:
            line = line.lstrip("\ufeff")
        stripped = line.rstrip()

        if state is _State.OUTSIDE:
            if stripped == _DELIMITER:
                state = _State.OPENED
            continue

        if state is _State.OPENED:
            if not stripped:
                continue
            if stripped == _DELIMITER:
                continue
            if _ID_LINE.match(stripped) or _FIELD.match(stripped):
                raw = _RawEntry(start=number)
                state = _State.HEADER
                _header_line(raw, line, number)
            else:
                state = _State.OUTSIDE
            continue

        assert raw is not None
        if state is _State.HEADER:
            if stripped == _DELIMITER:
                state = _State.ABSTRACT
            elif _TRAILER.match(stripped) or _SEPARATOR.match(stripped):
                # No abstract: a replacement, or an entry whose abstract was cut out.
                yield _finish(raw, source_name)
                raw, state = None, _State.OUTSIDE
            elif _ID_LINE.match(stripped) and raw.id_line is not None:
                # A new entry with no delimiter before it: the previous one ends here.
                yield _finish(raw, source_name)
                raw = _RawEntry(start=number)
                _header_line(raw, line, number)
            elif not full:
                _header_line(raw, line, number)
            continue

        # state is ABSTRACT
        if _TRAILER.match(stripped) or _SEPARATOR.match(stripped):
            yield _finish(raw, source_name)
            raw, state = None, _State.OUTSIDE
        elif stripped == _DELIMITER:
            # The trailer is missing and the next entry opens here.
            yield _finish(raw, source_name)
            raw, state = None, _State.OPENED
        elif not full:
            raw.abstract.append(line)

    if raw is not None and state is _State.ABSTRACT and not any(map(str.strip, raw.abstract)):
        # A header closed by its `\\` and no abstract: how entries of the pre-2007 listings
        # end, the last one at the end of the file. Only a cut-off abstract is lost text.
        yield _finish(raw, source_name)
    elif raw is not None:
        where = f"arXiv:{_raw_id(raw)}: " if raw.id_line else ""
        yield ParseError(
            Source(source_name, raw.start),
            f"{where}the file ends inside this entry (line {number}); it looks truncated",
        )


def _header_line(raw: _RawEntry, line: str, number: int) -> None:
    stripped = line.strip()
    if not stripped:
        return
    if line[:1].isspace():
        if not raw.continue_field(stripped) and raw.problem is None:
            raw.problem = (number, f"continuation line with no field before it: {stripped[:60]!r}")
        return
    if raw.id_line is None and _ID_LINE.match(stripped):
        raw.id_line = stripped
        raw.start = number
        return
    replaced = _REPLACED.match(stripped)
    if replaced:
        raw.replaced = replaced.group("date")
        return
    field = _FIELD.match(stripped)
    if field:
        raw.fields.append((field.group("key").casefold(), field.group("value") or ""))
        return
    if raw.problem is None:
        raw.problem = (number, f"unexpected line in the entry header: {stripped[:60]!r}")


def _raw_id(raw: _RawEntry) -> str:
    """The id as the file writes it, cleaned: it goes into every reason given for the entry, and
    those are printed (`paperscope import` printed an OSC title sequence written here as is)."""
    m = _ID_LINE.match(raw.id_line or "")
    return one_line(m.group("id")) if m else ""


def _finish(raw: _RawEntry, source_name: str) -> MailEntry | ParseError:
    try:
        return _entry(raw, Source(source_name, raw.start))
    except _Bad as bad:
        where = f"arXiv:{_raw_id(raw)}: " if raw.id_line else ""
        return ParseError(Source(source_name, bad.line or raw.start), f"{where}{bad}")


def _entry(raw: _RawEntry, source: Source) -> MailEntry:
    """The paper of one entry.

    A replacement says only when it was replaced, not when the paper first appeared. Its
    `published` is that replacement date too, the only date the entry gives: it is never earlier
    than the true one, so when the indexer merges the replacement into a stored paper (keeping the
    earlier of the two dates) the stored date survives, while a date guessed from the id's month
    would overwrite a stored exact day with the first of the month.
    """
    if raw.id_line is None:
        raise _Bad("entry has no arXiv: line")
    m = _ID_LINE.match(raw.id_line)
    assert m is not None
    arxiv_id, _version = split_version(m.group("id"))
    if not is_arxiv_id(arxiv_id):
        raise _Bad(f"not an arXiv id: {m.group('id')[:40]!r}")
    cross_listed = "cross-list" in f"{m.group('before')} {m.group('rest')}".casefold()
    if raw.problem is not None:
        line, reason = raw.problem
        raise _Bad(reason, line)

    fields: dict[str, str] = {}
    for key, value in raw.fields:
        fields.setdefault(key, value)

    title_source = one_line(fields.get("title", ""))
    if not title_source:
        raise _Bad("entry has no title")
    title = one_line(_tex(title_source))
    authors, et_al, affiliation = split_authors(fields.get("authors", ""))
    if not authors:
        raise _Bad("entry has no authors")

    updated: dt.date | None = None
    if raw.replaced is not None:
        kind = EntryKind.REPLACED
        published = updated = _date(raw.replaced)
    else:
        kind = EntryKind.CROSS_LIST if cross_listed else EntryKind.NEW
        date_text = fields.get("date")
        if date_text is None:
            raise _Bad("entry has no Date: line")
        published = _date(date_text)
        # `Date (revised v2):` lines appear in arXiv's .abs records, which share this layout.
        revisions = [_date(v) for k, v in fields.items() if k.startswith("date (revised")]
        updated = max(revisions, default=None)

    # Cleaned before it is split, as every other field is: a code is kept as written when it is
    # unknown, so a raw escape sequence here went to the index and to the screen as a category.
    categories = tuple(
        dict.fromkeys(
            normalize_category(c) or c for c in one_line(fields.get("categories", "")).split()
        )
    )
    abstract = _abstract(raw.abstract)
    # Converted like the title: a citation escapes what it is given, so TeX left here would
    # come out as "Cap\textbackslash{}'o".
    comments = one_line(_tex(fields.get("comments", ""))) or None
    code_urls, links = classify_urls(abstract)
    if comments:
        comment_code, _ = classify_urls(comments)
        code_urls = tuple(dict.fromkeys(code_urls + comment_code))
    doi = one_line(fields.get("doi", "")).split(" ")[0] or None

    paper = Paper(
        id=arxiv_id,
        title=title,
        title_tex=title_source if title_source != title else None,
        authors=authors,
        et_al=et_al,
        affiliation=affiliation,
        categories=categories,
        published=published,
        updated=updated,
        abstract=abstract,
        code_urls=code_urls,
        links=tuple(u for u in links if u not in code_urls),
        doi=doi,
        journal_ref=one_line(_tex(fields.get("journal-ref", ""))) or None,
        comments=comments,
        source=source,
    )
    return MailEntry(kind=kind, paper=paper, cross_listed=cross_listed)


def _date(text: str) -> dt.date:
    """The date of ``Fri, 16 Jan 2026 18:59:59 GMT   (1234kb)``; the time is of no use here."""
    m = _DATE.search(text)
    month = _MONTHS.get(m.group("month").lower()) if m else None
    if m is None or month is None:
        raise _Bad(f"unreadable date {one_line(text)[:50]!r}")
    try:
        return dt.date(int(m.group("year")), month, int(m.group("day")))
    except ValueError:
        raise _Bad(f"impossible date {one_line(text)[:50]!r}") from None


def _abstract(lines: list[str]) -> str:
    """An indented line starts a paragraph (arXiv keeps the submitter's breaks that way)."""
    paragraphs: list[str] = []
    for line in lines:
        if not paragraphs or not line.strip() or line[:1].isspace():
            paragraphs.append(line)
        else:
            paragraphs[-1] += "\n" + line
    return tidy_paragraphs(_tex("\n\n".join(paragraphs)))


# -- authors -------------------------------------------------------------------------------


def split_authors(text: str) -> tuple[tuple[str, ...], bool, str | None]:
    """(names, et_al, affiliation) from an ``Authors:`` value.

    Names are separated by ", " and " and " (also ", and "), but only outside parentheses,
    where arXiv authors put affiliations: ``A (1 and 2), B (1) ((1) MIT, (2) ETH)``. Footnote
    markers are dropped, affiliations gathered into one string, nicknames inside a name dropped.
    """
    text = one_line(_tex(text))
    names: list[str] = []
    affiliations: list[str] = []
    et_al = False
    for part in _split_top_level(text):
        name, found = _take_affiliations(part)
        affiliations += found
        if not name:
            continue
        if _ET_AL.match(name):
            et_al = True
            continue
        names.append(name)
    unique = list(dict.fromkeys(a for a in affiliations if a))
    return tuple(names), et_al, "; ".join(unique) or None


def _split_top_level(text: str) -> list[str]:
    """Names at ", " and " and " outside parentheses, and after an affiliation that is followed
    by another name with no comma between (older digests: ``A (Kitt Peak, NOAO) B (Arizona)``).
    A one-word parenthesis inside a name is a nickname and splits nothing: ``Chun-Fu (Richard)
    Chen``."""
    balanced = text.count("(") == text.count(")")
    parts: list[str] = []
    depth = start = i = opened = 0
    while i < len(text):
        c = text[i]
        if balanced and c == "(":
            if depth == 0:
                opened = i
            depth += 1
        elif balanced and c == ")":
            depth = max(0, depth - 1)
            after = text[i + 1 :].lstrip()
            inner = text[opened + 1 : i].strip()
            if (
                depth == 0
                and (" " in inner or "," in inner)
                and not _MARKER.match(inner)
                and after
                and not after.startswith(("(", ",", "and "))
            ):
                parts.append(text[start : i + 1])
                start = i + 1
        elif depth == 0:
            if c == ",":
                parts.append(text[start:i])
                start = i + 1
            elif text.startswith(" and ", i):
                parts.append(text[start:i])
                i += len(" and ")
                start = i
                continue
        i += 1
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]


def _take_affiliations(part: str) -> tuple[str, list[str]]:
    """A name without its parentheses, and the affiliations those held."""
    affiliations: list[str] = []
    name = part
    while name.endswith(")"):
        open_at = _matching_open(name)
        if open_at is None:
            break
        inner = name[open_at + 1 : -1].strip()
        name = name[:open_at].rstrip()
        # "(1 and 2)" is a footnote marker; "(MIT)" and "((1) MIT, (2) ETH)" are affiliations.
        if not _MARKER.match(inner):
            affiliations.append(inner)
    # Parentheses left inside the name are nicknames: "Chun-Fu (Richard) Chen".
    name = re.sub(r"\s*\([^()]*\)", "", name)
    return one_line(name), affiliations


def _matching_open(text: str) -> int | None:
    depth = 0
    for i in range(len(text) - 1, -1, -1):
        if text[i] == ")":
            depth += 1
        elif text[i] == "(":
            depth -= 1
            if depth == 0:
                return i
    return None
