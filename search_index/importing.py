"""Files -> papers in a library: format detection, parsing, storing, and one report for it all."""

from __future__ import annotations

import datetime as dt
import gzip
import importlib
import importlib.util
import os
import zipfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from types import ModuleType

import attrs

from search_index.errors import FormatError
from search_index.library import Library
from search_index.models import ImportReport, Paper, ParseError

Parser = Callable[..., Iterator[Paper | ParseError]]

# Importer modules in the order auto-detection asks them. Each module has NAME (the --format
# value), sniff(path, head) -> bool and parse(path, *, reference_date=None). A module listed here
# that is not installed is skipped, so formats can be added one at a time.
IMPORTER_MODULES = ("listing", "arxiv_json", "atom", "mailing", "bibtex")
_SNIFF_BYTES = 64 * 1024


def _load_importers() -> dict[str, ModuleType]:
    found: dict[str, ModuleType] = {}
    for name in IMPORTER_MODULES:
        qualified = f"search_index.importers.{name}"
        if importlib.util.find_spec(qualified) is not None:
            module = importlib.import_module(qualified)
            found[module.NAME] = module
    return found


IMPORTERS = _load_importers()
FORMATS: dict[str, Parser] = {name: module.parse for name, module in IMPORTERS.items()}


def read_head(path: Path) -> str:
    """The first 64 KiB as text, decompressed when the file is gzip or zip."""
    try:
        with path.open("rb") as f:
            magic = f.read(4)
        if magic[:2] == b"\x1f\x8b":
            with gzip.open(path, "rb") as g:
                head = g.read(_SNIFF_BYTES)
        elif magic == b"PK\x03\x04":
            with zipfile.ZipFile(path) as z:
                members = [i for i in z.infolist() if not i.is_dir()]
                head = z.open(members[0]).read(_SNIFF_BYTES) if members else b""
        else:
            with path.open("rb") as f:
                head = f.read(_SNIFF_BYTES)
    except (OSError, EOFError, zipfile.BadZipFile) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise FormatError(f"{path}: cannot read: {reason}") from exc
    return head.decode("utf-8", errors="replace").lstrip("\ufeff")


def detect_format(path: Path) -> str:
    """Name the format from the file's content, so a misnamed file still imports."""
    if path.is_dir():
        raise FormatError(f"{path}: is a directory")
    head = read_head(path)
    for name, module in IMPORTERS.items():
        if module.sniff(path, head):
            return name
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
    report = library.add(papers_only(records, errors, on_error), progress=progress)
    return attrs.evolve(report, errors=tuple(errors), format=chosen)


def papers_only(
    records: Iterable[Paper | ParseError],
    errors: list[ParseError],
    on_error: Callable[[ParseError], None] | None = None,
) -> Iterator[Paper]:
    """The papers of a record stream; each ParseError is kept in `errors` and reported."""
    for record in records:
        if isinstance(record, ParseError):
            errors.append(record)
            if on_error:
                on_error(record)
        else:
            yield record
