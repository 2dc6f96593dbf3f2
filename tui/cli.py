"""The `paperscope` command: argument parsing, the subcommands, and the explorer's start.

The command-line output is a contract that scripts rely on: `--json` prints one object per line,
exit status 0 is success, 1 means some records were rejected, 2 a usage error or unreadable file.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import textwrap
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import NoReturn

from search_index import (
    DEFAULT_ENDPOINT,
    FORMATS,
    FetchError,
    FetchPage,
    Filters,
    Library,
    Paper,
    PaperscopeError,
    ParseError,
    SearchService,
    Sort,
    category_name,
    cite_many,
    detect_format,
    estimate_records,
    fetch_into,
    import_file,
    normalize_category,
    one_line,
    paper_to_json_dict,
    parse_file,
    resolve_style,
    strip_controls,
    style_label,
)
from tui.dates import parse_date
from tui.progress import ImportProgress

EXIT_OK, EXIT_REJECTED, EXIT_USAGE = 0, 1, 2
WIDTH = 80


class UsageError(Exception):
    """A mistake in the command line: one line on stderr, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: {message} (see {self.prog} --help)\n")


def _date_arg(end: bool = False) -> Callable[[str], dt.date]:
    def convert(text: str) -> dt.date:
        try:
            return parse_date(text, end=end)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    return convert


def _category_arg(text: str) -> str:
    code = normalize_category(text)
    if code is None:
        raise argparse.ArgumentTypeError(f"unknown arXiv category '{text}'")
    return code


def build_parser() -> argparse.ArgumentParser:
    common = _Parser(add_help=False)
    common.add_argument(
        "--library",
        metavar="DIR",
        default=argparse.SUPPRESS,
        help="library directory (default: $PAPERSCOPE_HOME, else $XDG_DATA_HOME/paperscope, "
        "else ~/.local/share/paperscope)",
    )
    reference = _Parser(add_help=False)
    reference.add_argument(
        "--reference-date",
        type=_date_arg(),
        metavar="YYYY-MM-DD",
        help="the day a year-less listing date is counted back from (default: today)",
    )
    fmt = _Parser(add_help=False)
    fmt.add_argument("--format", default="auto", choices=["auto", *FORMATS])

    parser = _Parser(
        prog="paperscope",
        description="Find papers, read their abstracts and copy citations, in the terminal.",
        parents=[common],
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    p = sub.add_parser(
        "import", parents=[common, fmt, reference], help="add papers from files to the library"
    )
    p.add_argument("paths", nargs="+", metavar="PATH")

    p = sub.add_parser(
        "parse",
        parents=[common, fmt, reference],
        help="print parsed records; the index is untouched",
    )
    p.add_argument("path", metavar="PATH")
    p.add_argument("--json", action="store_true", help="one JSON object per line")

    p = sub.add_parser("fetch", parents=[common], help="fetch papers from the arXiv API")
    p.add_argument(
        "--query", metavar="QUERY", help="arXiv search, e.g. 'au:Ahmadian_A AND cat:cs.LG'"
    )
    p.add_argument("--id", action="append", default=[], metavar="ID", dest="ids")
    p.add_argument(
        "--max", type=int, default=100, metavar="N", help="at most N papers (default 100)"
    )
    p.add_argument(
        "--endpoint",
        default=os.environ.get("PAPERSCOPE_ARXIV_API", DEFAULT_ENDPOINT),
        metavar="URL",
        help="the arXiv API (default: $PAPERSCOPE_ARXIV_API, else %(default)s)",
    )

    p = sub.add_parser("search", parents=[common], help="search the library")
    p.add_argument("query", metavar="QUERY", nargs="?", default="")
    p.add_argument("--category", action="append", type=_category_arg, default=[], metavar="CODE")
    p.add_argument("--since", type=_date_arg(), metavar="DATE")
    p.add_argument("--until", type=_date_arg(end=True), metavar="DATE")
    p.add_argument("--has-code", action="store_true")
    p.add_argument("--sort", choices=[s.value for s in Sort], default=Sort.RELEVANCE.value)
    p.add_argument("--limit", type=int, default=20, metavar="N")
    p.add_argument("--json", action="store_true", help="one JSON object per line")

    p = sub.add_parser("show", parents=[common], help="show one paper in full")
    p.add_argument("id", metavar="ID")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("cite", parents=[common], help="print citations")
    p.add_argument("ids", nargs="+", metavar="ID")
    p.add_argument(
        "--style",
        default="bibtex",
        metavar="STYLE",
        help="bibtex (default), biblatex, ris, csl-json, markdown, plain, key, url, apa, mla, "
        "chicago, ieee, harvard, nature, acm, or any CSL style by name",
    )

    p = sub.add_parser("export", parents=[common], help="export the citations of a search")
    p.add_argument("query", metavar="QUERY", nargs="?", default="", help="default: all papers")
    p.add_argument("--category", action="append", type=_category_arg, default=[], metavar="CODE")
    p.add_argument("--since", type=_date_arg(), metavar="DATE")
    p.add_argument("--until", type=_date_arg(end=True), metavar="DATE")
    p.add_argument("--has-code", action="store_true")
    p.add_argument("--sort", choices=[s.value for s in Sort], default=Sort.RELEVANCE.value)
    p.add_argument("--style", default="bibtex", metavar="STYLE", help="as for cite")
    p.add_argument("-o", "--output", metavar="FILE", help="write here instead of stdout")

    p = sub.add_parser("stats", parents=[common], help="what the library holds")
    p.add_argument("--json", action="store_true")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(errors="replace")
    args = build_parser().parse_args(argv)
    try:
        return _run(args)
    except (PaperscopeError, UsageError) as exc:
        # Messages name files and quote data (a server's error text, a path given on the
        # command line): no control character of theirs reaches the terminal.
        print(f"paperscope: {strip_controls(str(exc))}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("paperscope: interrupted; everything committed before is kept", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK


def _run(args: argparse.Namespace) -> int:
    library_dir = getattr(args, "library", None)
    command = args.command
    if command is None:
        from tui.app import run_explorer

        return run_explorer(library_dir)
    if command == "parse":
        return _parse(args)
    if command == "import":
        return _import(Library.open(library_dir, seed=False), args)
    if command == "fetch":
        return _fetch(Library.open(library_dir, seed=False), args)
    service = SearchService(Library.open(library_dir))
    if command == "search":
        return _search(service, args)
    if command == "show":
        return _show(service, args)
    if command == "cite":
        return _cite(service, args)
    if command == "export":
        return _export(service, args)
    return _stats(service, args)


def _print_error(error: ParseError) -> None:
    print(one_line(str(error)), file=sys.stderr)


def _parse(args: argparse.Namespace) -> int:
    chosen, records = parse_file(args.path, args.format, reference_date=args.reference_date)
    print(f"paperscope: reading {one_line(args.path)} as {chosen}", file=sys.stderr)
    rejected = 0
    for record in records:
        if isinstance(record, ParseError):
            rejected += 1
            _print_error(record)
        elif args.json:
            print(json.dumps(paper_to_json_dict(record), ensure_ascii=False))
        else:
            print(_summary(record, None))
    return EXIT_REJECTED if rejected else EXIT_OK


def _import(library: Library, args: argparse.Namespace) -> int:
    rejected = 0
    for path in args.paths:
        name = one_line(path)  # a file name can hold control characters too
        fmt = args.format if args.format != "auto" else detect_format(Path(path))
        progress = ImportProgress(path, expected=estimate_records(path, fmt))
        try:
            report = import_file(
                library,
                path,
                args.format,
                reference_date=args.reference_date,
                on_error=progress.error,
                progress=progress.batch,
            )
        except KeyboardInterrupt:
            progress.finish()
            kept = progress.report
            print(
                f"{name}: interrupted; {kept.added} added and {kept.updated} updated before "
                "were committed and are kept; run the same import again to finish it",
                file=sys.stderr,
            )
            return 130
        progress.finish()
        rejected += len(report.errors)
        summary = (
            f"{name} ({report.format}): {report.added} added, {report.updated} updated, "
            f"{report.unchanged} unchanged, {len(report.errors)} rejected"
        )
        if report.errors:
            summary += f" ({progress.grouped_reasons()})"
        print(summary + f" in {progress.elapsed:.1f}s")
    return EXIT_REJECTED if rejected else EXIT_OK


def _fetch(library: Library, args: argparse.Namespace) -> int:
    if not args.query and not args.ids:
        raise UsageError("fetch needs --query or --id")
    progress = ImportProgress("arXiv")

    def page(p: FetchPage) -> None:
        print(f"arXiv: {p.start + p.entries} of {p.total} results read", file=sys.stderr)

    try:
        report = fetch_into(
            library,
            args.query,
            args.ids,
            max_results=args.max,
            endpoint=args.endpoint,
            on_error=progress.error,
            progress=progress.batch,
            on_page=page,
        )
    except FetchError as exc:
        progress.finish()
        kept = getattr(exc, "report", None)
        if kept is not None and (kept.added or kept.updated):
            print(f"arXiv: {kept.added} added and {kept.updated} updated before the error are kept",
                  file=sys.stderr)  # fmt: skip
        raise
    progress.finish()
    print(
        f"arXiv: {report.added} added, {report.updated} updated, {report.unchanged} unchanged, "
        f"{len(report.errors)} rejected in {progress.elapsed:.1f}s"
    )
    return EXIT_REJECTED if report.errors else EXIT_OK


def _search(service: SearchService, args: argparse.Namespace) -> int:
    if args.limit < 0:
        raise UsageError("--limit must be 0 or more")
    results = service.search(
        args.query,
        Filters(
            categories=tuple(args.category),
            since=args.since,
            until=args.until,
            has_code=args.has_code,
        ),
        Sort(args.sort),
        limit=args.limit,
        facets=False,
        highlight=False,
    )
    if results.notice:
        print(f"paperscope: {results.notice}", file=sys.stderr)
    if args.json:
        for hit in results.hits:
            print(
                json.dumps(
                    {**paper_to_json_dict(hit.paper), "score": hit.score}, ensure_ascii=False
                )
            )
        return EXIT_OK
    shown = len(results.hits)
    print(f"{results.total} of {results.library_size} papers match; showing {shown}")
    if results.suggestion:
        print(f"Did you mean: {results.suggestion}")
    for number, hit in enumerate(results.hits, 1):
        print()
        print(_summary(hit.paper, number))
    return EXIT_OK


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _authors(paper: Paper, most: int = 3) -> str:
    names = list(paper.authors[:most])
    more = len(paper.authors) > most or paper.et_al
    return ", ".join(names) + (" et al." if more else "")


def _summary(paper: Paper, number: int | None) -> str:
    """Three lines of at most 80 columns: title, authors and facts, ids."""
    indent = "    " if number is not None else ""
    first = f"{number:>2}. " if number is not None else ""
    facts = [paper.published_text, *(one_line(c) for c in paper.categories[:3])]
    if paper.has_code or paper.code_urls:
        facts.append("code")
    lines = [
        first + _clip(one_line(paper.title), WIDTH - len(first)),
        indent + _clip(one_line(_authors(paper)), WIDTH - len(indent)),
        indent + _clip(" · ".join(facts), WIDTH - len(indent)),
        indent + _clip(one_line(f"{paper.id}  [{paper.citation_key}]"), WIDTH - len(indent)),
    ]
    return "\n".join(lines)


def _show(service: SearchService, args: argparse.Namespace) -> int:
    paper = service.get(args.id)
    if args.json:
        print(json.dumps(paper_to_json_dict(paper), ensure_ascii=False))
        return EXIT_OK
    wrap = textwrap.TextWrapper(width=WIDTH, subsequent_indent="  ", break_long_words=True)
    lines = [*wrap.wrap(one_line(paper.title)), ""]
    rows: list[tuple[str, str]] = [
        ("Authors", ", ".join(paper.authors) + (" et al." if paper.et_al else "")),
        ("Affiliation", paper.affiliation or ""),
        (
            "Categories",
            ", ".join(f"{c} ({category_name(c) or 'unknown'})" for c in paper.categories),
        ),
        ("Published", paper.published_text),
        ("Updated", paper.updated.isoformat() if paper.updated else ""),
        ("Id", paper.id),
        ("Key", paper.citation_key or ""),
        ("DOI", paper.doi or ""),
        ("Journal", paper.journal_ref or ""),
        ("Link", paper.first_url or ""),
        ("Code", " ".join(paper.code_urls) or ("yes" if paper.has_code else "")),
        ("Comments", paper.comments or ""),
        ("Source", str(paper.source) if paper.source else ""),
    ]
    for label, value in rows:
        if value:
            field = textwrap.TextWrapper(
                width=WIDTH, initial_indent=f"{label + ':':<13}", subsequent_indent=" " * 13
            )
            lines += field.wrap(one_line(value))
    if paper.abstract:
        lines.append("")
        for paragraph in strip_controls(paper.abstract).split("\n\n"):
            lines += [*textwrap.wrap(one_line(paragraph), WIDTH), ""]
    print("\n".join(lines).rstrip())
    return EXIT_OK


def _cite(service: SearchService, args: argparse.Namespace) -> int:
    style = resolve_style(args.style)
    papers = [service.get(i) for i in args.ids]
    for chunk in cite_many(papers, style):
        sys.stdout.write(strip_controls(chunk))
    return EXIT_OK


def _export(service: SearchService, args: argparse.Namespace) -> int:
    """Streamed: papers are read, cited and written one at a time, whatever the count."""
    style = resolve_style(args.style)
    filters = Filters(
        categories=tuple(args.category), since=args.since, until=args.until, has_code=args.has_code
    )
    papers = service.iter_papers(args.query, filters, Sort(args.sort))
    count = 0

    def counted() -> Iterator[Paper]:
        nonlocal count
        for paper in papers:
            count += 1
            yield paper

    if args.output:
        try:
            with Path(args.output).open("w", encoding="utf-8") as out:
                out.writelines(strip_controls(c) for c in cite_many(counted(), style))
        except OSError as exc:
            raise UsageError(f"cannot write {args.output}: {exc.strerror or exc}") from exc
        print(f"{count} citations ({style_label(style)}) written to {args.output}", file=sys.stderr)
    else:
        sys.stdout.writelines(strip_controls(c) for c in cite_many(counted(), style))
    return EXIT_OK


def _stats(service: SearchService, args: argparse.Namespace) -> int:
    stats = service.stats()
    if args.json:
        print(
            json.dumps(
                {
                    "path": stats.path,
                    "papers": stats.papers,
                    "with_code": stats.with_code,
                    "schema_version": stats.schema_version,
                    "categories": dict(stats.categories),
                    "years": {str(y): n for y, n in stats.years},
                }
            )
        )
        return EXIT_OK
    print(f"Library     {stats.path}")
    print(f"Papers      {stats.papers} ({stats.with_code} with code)")
    if stats.years:
        print(f"Years       {stats.years[0][0]}–{stats.years[-1][0]}")
    for code, count in stats.categories[:10]:
        print(f"  {count:>6}  {one_line(code):<10} {_clip(category_name(code) or '', 56)}")
    return EXIT_OK
