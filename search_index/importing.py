"""Files -> papers in a library: format detection, parsing, storing, and one report for it all."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import attrs

from search_index.errors import FormatError
from search_index.importers import listing
from search_index.library import Library
from search_index.models import ImportReport, Paper, ParseError

Parser = Callable[..., Iterator[Paper | ParseError]]

FORMATS: dict[str, Parser] = {"listing": listing.parse}
_SNIFF_BYTES = 64 * 1024


def read_head(path: Path) -> str:
    try:
        with path.open("rb") as f:
            head = f.read(_SNIFF_BYTES)
    except OSError as exc:
        raise FormatError(f"{path}: cannot read: {exc.strerror}") from exc
    return head.decode("utf-8", errors="replace").lstrip("\ufeff")


def detect_format(path: Path) -> str:
    """Name the format from the file's content, so a misnamed file still imports."""
    if path.is_dir():
        raise FormatError(f"{path}: is a directory")
    head = read_head(path)
    if listing.looks_like_listing(head):
        return "listing"
    raise FormatError(
        f"{path}: cannot tell its format; name one with --format ({', '.join(FORMATS)})"
    )


def parse_file(
    path: str | os.PathLike[str],
    fmt: str = "auto",
    *,
    reference_date: dt.date | None = None,
) -> tuple[str, Iterator[Paper | ParseError]]:
    """The format chosen and a stream of records; nothing is read until the stream is."""
    file = Path(path)
    if not file.exists():
        raise FormatError(f"{file}: no such file")
    chosen = detect_format(file) if fmt == "auto" else fmt
    if chosen not in FORMATS:
        raise FormatError(f"unknown format '{fmt}'; choose one of: auto, {', '.join(FORMATS)}")
    return chosen, FORMATS[chosen](file, reference_date=reference_date)


def import_file(
    library: Library,
    path: str | os.PathLike[str],
    fmt: str = "auto",
    *,
    reference_date: dt.date | None = None,
    on_error: Callable[[ParseError], None] | None = None,
    progress: Callable[[ImportReport], None] | None = None,
) -> ImportReport:
    """Import one file; bad records are reported and skipped, good ones stored in batches."""
    chosen, records = parse_file(path, fmt, reference_date=reference_date)
    errors: list[ParseError] = []

    def papers() -> Iterator[Paper]:
        for record in records:
            if isinstance(record, ParseError):
                errors.append(record)
                if on_error:
                    on_error(record)
            else:
                yield record

    report = library.add(papers(), progress=progress)
    return attrs.evolve(report, errors=tuple(errors), format=chosen)
