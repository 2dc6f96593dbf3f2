"""Files -> papers in a library: format detection, parsing, storing, and one report for it all."""

from __future__ import annotations

import datetime as dt
import gzip
import importlib
import importlib.util
import os
import tempfile
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


def read_head(path: Path, limit: int = _SNIFF_BYTES) -> str:
    """The first `limit` bytes as text, decompressed when the file is gzip or zip."""
    try:
        with path.open("rb") as f:
            magic = f.read(4)
        if magic[:2] == b"\x1f\x8b":
            with gzip.open(path, "rb") as g:
                head = g.read(limit)
        elif magic == b"PK\x03\x04":
            with zipfile.ZipFile(path) as z:
                members = [i for i in z.infolist() if not i.is_dir()]
                head = z.open(members[0]).read(limit) if members else b""
        else:
            with path.open("rb") as f:
                head = f.read(limit)
    except (OSError, EOFError, zipfile.BadZipFile) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise FormatError(f"{path}: cannot read: {reason}") from exc
    return head.decode("utf-8", errors="replace").lstrip("\ufeff")


def detect_format(path: Path) -> str:
    """Name the format from the file's content, so a misnamed file still imports."""
    if not path.exists():
        raise FormatError(f"{path}: no such file")
    if path.is_dir():
        raise FormatError(f"{path}: is a directory")
    head = read_head(path)
    for name, module in IMPORTERS.items():
        if module.sniff(path, head):
            return name
    raise FormatError(
        f"{path}: cannot tell its format; name one with --format ({', '.join(FORMATS)})"
    )


_ESTIMATE_BYTES = 256 * 1024


def uncompressed_size(path: Path) -> int | None:
    """The size of the text a file holds: gzip keeps it (mod 4 GiB) in its last four bytes,
    a zip in its directory."""
    try:
        with path.open("rb") as f:
            magic = f.read(4)
            if magic[:2] == b"\x1f\x8b":
                f.seek(-4, os.SEEK_END)
                size = int.from_bytes(f.read(4), "little")
                return size if size > path.stat().st_size else None  # wrapped past 4 GiB
        if magic == b"PK\x03\x04":
            with zipfile.ZipFile(path) as z:
                members = [i for i in z.infolist() if not i.is_dir()]
                return members[0].file_size if members else None
        return path.stat().st_size
    except (OSError, zipfile.BadZipFile):
        return None


def estimate_records(path: str | os.PathLike[str], fmt: str) -> int | None:
    """Roughly how many records a file holds, for a progress display's "time left".

    The first 256 KiB are parsed with the file's own parser; their bytes per record, scaled to
    the file's (uncompressed) size, give the estimate. None when there is nothing to go on.
    """
    file = Path(path)
    size = uncompressed_size(file)
    if not size or fmt not in FORMATS:
        return None
    head = read_head(file, _ESTIMATE_BYTES)
    # The whole file, or whole lines of it only.
    sample = head if len(head.encode()) >= size else head[: head.rfind("\n") + 1]
    if not sample:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        probe = Path(tmp) / file.name.removesuffix(".gz").removesuffix(".zip")
        probe.write_text(sample, "utf-8")
        count = sum(1 for _ in FORMATS[fmt](probe))
    if count == 0:
        return None
    return max(count, round(count * size / len(sample.encode())))


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
