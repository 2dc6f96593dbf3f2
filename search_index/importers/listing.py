"""The listing format: three lines a paper (header, title glued to authors, abstract).

The header is a two-letter cs category, a date (`Sep 11, 2023` or, this year, `Jan 14`) and an
optional `Code` flag. The title is followed by the authors with no separator at all, so the split
is found where a name can start right after the title's last character and what follows reads as
an author list. See `split_title_authors`.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterator
from pathlib import Path

from search_index.categories import LISTING_CODES
from search_index.ids import content_id
from search_index.links import classify_urls
from search_index.models import Paper, ParseError, Source
from search_index.text import one_line

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_HEADER = re.compile(
    r"^(?P<cat>[A-Z]{2})\s*(?P<month>[A-Z][a-z]{2,8})\.?\s+(?P<day>\d{1,2})"
    r"(?:,\s*(?P<year>\d{4}))?\s*(?P<code>Code)?$"
)
_ET_AL = re.compile(r",?\s+et\s+al\.?$")
_AFFILIATION_SEPARATOR = " · "

# Lowercase words that may stand inside (or start) a name.
_PARTICLES = frozenset(
    [
        "van",
        "von",
        "der",
        "den",
        "de",
        "del",
        "della",
        "dei",
        "da",
        "das",
        "dos",
        "du",
        "la",
        "le",
        "di",
        "ter",
        "ten",
        "zu",
        "y",
        "bin",
        "ibn",
        "al",
        "el",
        "af",
        "av",
    ]
)
# Beginnings after which a capital inside one word is normal in names: LeCun, McDonald, DeWitt.
_CAMEL_PREFIXES = (
    "Mc", "Mac", "De", "Di", "Du", "Da", "Le", "La", "Van", "Vander", "Von", "Fitz", "St", "Ten",
    "Ter", "Al", "El",
)  # fmt: skip
_KNOWN_ORGANISATIONS = frozenset({"OpenAI", "DeepMind", "MosaicML", "HuggingFace", "NVIDIA"})
_MAX_NAME_WORDS = 6


NAME = "listing"


class _Bad(Exception):
    """A reason an entry is rejected; becomes a ParseError with the entry's line."""


def sniff(path: Path, head: str) -> bool:
    """Auto-detection: the first non-blank line is a listing header."""
    return looks_like_listing(head)


def looks_like_listing(head: str) -> bool:
    for line in head.lstrip("\ufeff").splitlines():
        if line.strip():
            return _HEADER.match(line.strip()) is not None
    return False


def parse(
    path: str | os.PathLike[str], *, reference_date: dt.date | None = None
) -> Iterator[Paper | ParseError]:
    file = Path(path)
    text = file.read_bytes().decode("utf-8", errors="replace")
    yield from parse_text(text, source_name=str(file), reference_date=reference_date)


def parse_text(
    text: str, *, source_name: str, reference_date: dt.date | None = None
) -> Iterator[Paper | ParseError]:
    reference = reference_date or dt.date.today()
    lines = [line.rstrip() for line in text.lstrip("\ufeff").splitlines()]
    i = 0
    while i < len(lines):
        if not lines[i].strip():
            i += 1
            continue
        start = i
        header = lines[i].strip()
        if _HEADER.match(header) is None:
            yield ParseError(Source(source_name, start + 1), f"unreadable header {header[:60]!r}")
            i = _next_header(lines, i + 1)
            continue
        body, i = _entry_lines(lines, i + 1)
        try:
            yield _paper(header, body, reference, Source(source_name, start + 1))
        except _Bad as bad:
            yield ParseError(Source(source_name, start + 1), str(bad))


def _next_header(lines: list[str], i: int) -> int:
    while i < len(lines) and _HEADER.match(lines[i].strip()) is None:
        i += 1
    return i


def _entry_lines(lines: list[str], i: int) -> tuple[list[str], int]:
    """The (up to two) non-blank lines after a header; stops early at the next header."""
    body: list[str] = []
    while i < len(lines) and len(body) < 2:
        line = lines[i].strip()
        if line:
            if _HEADER.match(line) and body:
                break  # an entry with a missing abstract: the next entry starts here
            body.append(line)
        i += 1
    return body, i


def _paper(header: str, body: list[str], reference: dt.date, source: Source) -> Paper:
    m = _HEADER.match(header)
    assert m is not None
    category = LISTING_CODES.get(m.group("cat"))
    if category is None:
        raise _Bad(f"unknown category code {m.group('cat')!r}")
    published = _date(m.group("month"), int(m.group("day")), m.group("year"), reference)
    if not body:
        raise _Bad("entry ends before its title and authors")
    if len(body) < 2:
        raise _Bad("entry ends before its abstract")
    split = split_title_authors(one_line(body[0]))
    if split is None:
        raise _Bad(f"cannot tell the title from the authors in {body[0][:60]!r}")
    title, authors, et_al, affiliation = split
    abstract = one_line(body[1])
    code_urls, links = classify_urls(abstract)
    return Paper(
        id=content_id(title, authors[0]),
        title=title,
        authors=authors,
        et_al=et_al,
        affiliation=affiliation,
        categories=(category,),
        published=published,
        abstract=abstract,
        has_code=m.group("code") is not None,
        code_urls=code_urls,
        links=links,
        source=source,
    )


def _date(month_name: str, day: int, year: str | None, reference: dt.date) -> dt.date:
    month = _MONTHS.get(month_name.lower())
    if month is None:
        raise _Bad(f"unknown month {month_name!r}")
    shown = f"{month_name} {day}" + (f", {year}" if year else "")
    if year:
        try:
            return dt.date(int(year), month, day)
        except ValueError:
            raise _Bad(f"impossible date {shown}") from None
    # The latest such day not after the reference date (Feb 29 looks back to a leap year).
    for candidate_year in range(reference.year, reference.year - 8, -1):
        try:
            candidate = dt.date(candidate_year, month, day)
        except ValueError:
            continue
        if candidate <= reference:
            return candidate
    raise _Bad(f"impossible date {shown}")


# -- splitting the title from the authors ---------------------------------------------------


def split_title_authors(line: str) -> tuple[str, tuple[str, ...], bool, str | None] | None:
    """(title, authors, et_al, affiliation), or None when no split reads as a title + names."""
    affiliation = None
    if _AFFILIATION_SEPARATOR in line:
        line, affiliation = line.rsplit(_AFFILIATION_SEPARATOR, 1)
        affiliation = affiliation.strip() or None
    et_al = False
    m = _ET_AL.search(line)
    if m:
        et_al = True
        line = line[: m.start()]
    # Capitals first, earliest that reads as a name: later ones are inside the first name
    # ("LLMsJohn" tries "LMsJohn", "MsJohn", then takes "John"). Lowercase particles ("van den
    # Oord") only when no capital works, latest first: "al" inside "Neural" is no name's start.
    upper = [i for i in _candidates(line) if line[i].isupper()]
    particles = [i for i in _candidates(line) if not line[i].isupper()]
    for i in [*upper, *reversed(particles)]:
        title, names_text = line[:i], line[i:]
        if not title.strip() or title[-1].isspace():
            continue
        names = tuple(n.strip() for n in names_text.split(","))
        if _is_name(names[0], first=True) and all(_is_loose_name(n) for n in names[1:]):
            return title.strip(), names, et_al, affiliation
    return None


def _candidates(line: str) -> Iterator[int]:
    """Positions where a name could start right after the title's last character."""
    for i in range(1, len(line)):
        if line[i - 1].isspace():
            continue
        if line[i].isupper():
            yield i
        elif line[i].islower():
            word = line[i:].split(" ", 1)[0]
            if word in _PARTICLES and " " in line[i:]:
                yield i


def _is_name(name: str, *, first: bool) -> bool:
    words = name.split()
    if not 1 <= len(words) <= _MAX_NAME_WORDS:
        return False
    if not any(w[0].isupper() for w in words):
        return False
    return all(_is_name_word(w, first_word=first and k == 0) for k, w in enumerate(words))


def _is_loose_name(name: str) -> bool:
    """Later authors come after a clear separator, so they need only look like a name."""
    words = name.split()
    return 1 <= len(words) <= _MAX_NAME_WORDS + 2 and not any(c in name for c in ':;()[]?!"')


def _is_name_word(word: str, *, first_word: bool) -> bool:
    if word in _PARTICLES or word in _KNOWN_ORGANISATIONS:
        return True
    if re.fullmatch(r"(?:[^\W\d_]\.-?)+|[^\W\d_]", word) and word[0].isupper():
        return True  # initials: "S.", "S.P.", "J.-P.", "A"
    if not first_word and len(word) <= 5 and word.isupper() and word.isalpha():
        return True  # "Cohere For AI"
    return all(_is_name_part(part) for part in word.split("-"))


def _is_name_part(part: str) -> bool:
    if not part:
        return False
    for apostrophe in ("'", "’"):
        if apostrophe in part:
            before, _, after = part.partition(apostrophe)
            # D'souza, O'Brien, d'Alembert, L'Huillier
            return (
                1 <= len(before) <= 3
                and before.isalpha()
                and after.isalpha()
                and (before[0].isupper() or after[0].isupper())
            )
    if not part.isalpha() or not part[0].isupper():
        return False
    rest = part[1:]
    if not any(c.isupper() for c in rest):
        return True
    for prefix in _CAMEL_PREFIXES:
        tail = part[len(prefix) :]
        if (
            part.startswith(prefix)
            and tail
            and tail[0].isupper()
            and not any(c.isupper() for c in tail[1:])
        ):
            return True
    return False
