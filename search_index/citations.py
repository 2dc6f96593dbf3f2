"""Paper -> citation text a researcher can paste as it is, in any of a few thousand styles.

Styles are named by strings: our own formats (`BUILTIN_STYLES`: bibtex, biblatex, ris,
csl-json, markdown, plain, key, url), short names of common CSL styles (apa, mla, chicago,
ieee, harvard, nature, acm, ...) and the file name of any style in the CSL collection
(``elsevier-harvard``). `cite` renders one paper; `cite_many` streams a whole export without
holding the papers or the output. The `Style` enum remains for the callers that name the three
original styles by it.
"""

from __future__ import annotations

import difflib
import enum
import re
from collections.abc import Callable, Iterable, Iterator

import attrs

from search_index import csl
from search_index.csl import CitationError
from search_index.models import Paper
from search_index.reference_formats import (
    csl_json,
    csl_json_chunks,
    markdown,
    ris,
    url_of,
)

_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "#": r"\#",
    "_": r"\_",
    "$": r"\$",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_UNPAIRED_BRACES = {"{": r"\textbraceleft{}", "}": r"\textbraceright{}"}
_MATH = re.compile(r"(\$[^$]+\$)")
# The first character of a ligature: `--` (–), `---` (—), ``` `` ``` (“), `''` (”), `!``, `?``.
_LIGATURE = re.compile(r"([-`'])(?=\1)")


class Style(enum.Enum):
    """The original three styles; every style, these included, is also named by its string."""

    BIBTEX = "bibtex"
    PLAIN = "plain"
    KEY = "key"


class UnknownStyle(CitationError):
    """A style name that is neither ours nor in the CSL collection (a PaperscopeError)."""


@attrs.frozen
class _Builtin:
    render: Callable[[Paper], str]
    label: str
    extension: str
    separator: str = ""
    """Put between entries in an export: a blank line between BibTeX entries and RIS records."""
    line_prefix: str = ""
    """Put before each entry in an export: "- " makes markdown lines a list, not a paragraph."""


def cite(paper: Paper, style: str | Style = Style.BIBTEX) -> str:
    """One paper in `style`. CSL styles give the reference-list entry ("[1] ..." when numbered)."""
    name = _resolve(style)
    builtin = BUILTIN_STYLES.get(name)
    if builtin is not None:
        return builtin.render(paper)
    return csl.render(paper, name)


def cite_many(papers: Iterable[Paper], style: str | Style) -> Iterator[str]:
    """The contents of an export file, in chunks, reading `papers` only as far as needed.

    Concatenated, the chunks are the file: BibTeX entries and RIS records separated by blank
    lines, one CSL-JSON array, one line per paper otherwise (a Markdown list for markdown), with
    numbered CSL styles numbering from 1 in the order given. Nothing holds all papers or all
    output, so exporting a whole library takes constant memory. The style is checked now, not
    at the first chunk; a paper a CSL style cannot render stops the export with CitationError
    rather than leaving a silent gap.
    """
    name = _resolve(style)
    if name == "csl-json":
        return csl_json_chunks(papers)
    builtin = BUILTIN_STYLES.get(name)
    if builtin is None:
        return (line + "\n" for line in csl.render_many(iter(papers), name))
    return _builtin_chunks(papers, builtin)


def _builtin_chunks(papers: Iterable[Paper], builtin: _Builtin) -> Iterator[str]:
    first = True
    for paper in papers:
        text = builtin.render(paper)
        if not text:
            continue  # a paper with no link has no line in a list of links
        yield ("" if first else builtin.separator) + builtin.line_prefix + text + "\n"
        first = False


def available_styles() -> list[str]:
    """Our formats, then the common CSL styles by short name, then the whole CSL collection."""
    names = list(BUILTIN_STYLES) + list(csl.ALIASES)
    seen = set(names)
    return names + [n for n in csl.collection_names() if n not in seen]


def style_label(style: str | Style) -> str:
    """A human name for a style: "BibTeX entry", or the CSL file's title ("APA Style 7th
    edition")."""
    name = _resolve(style)
    builtin = BUILTIN_STYLES.get(name)
    return builtin.label if builtin is not None else csl.style_title(name)


def export_extension(style: str | Style) -> str:
    """The file extension an export in `style` should get: ".bib", ".ris", ".json", ".md",
    else ".txt"."""
    name = _resolve(style)
    builtin = BUILTIN_STYLES.get(name)
    return builtin.extension if builtin is not None else ".txt"


def featured_styles() -> list[str]:
    """The styles offered first in pickers: our formats and the common CSL styles."""
    return list(BUILTIN_STYLES) + list(csl.ALIASES)


def resolve_style(style: str | Style) -> str:
    """The canonical name of a style; UnknownStyle (with suggestions) when there is none."""
    return _resolve(style)


def _resolve(style: str | Style) -> str:
    """Our format name or a CSL collection file name; UnknownStyle otherwise."""
    if isinstance(style, Style):
        return style.value
    name = style.strip().casefold()
    if name in BUILTIN_STYLES:
        return name
    found = csl.resolve(name)
    if found is not None:
        return found
    close = difflib.get_close_matches(name, available_styles(), n=5, cutoff=0.6)
    hint = ", ".join(close or list(BUILTIN_STYLES)[:4] + list(csl.ALIASES)[:4])
    raise UnknownStyle(f"Unknown citation style {style!r}. Did you mean: {hint}?")


def escape_latex(text: str) -> str:
    r"""Escape BibTeX's special characters, leaving `$...$` math as written.

    Every character reads back as itself, in LaTeX and in our own importer: `--`, ``` `` ``` and
    `''` are ligatures (an en dash, curly quotes) unless an empty group parts them, and braces
    that do not pair up are written as `\textbraceleft{}`/`\textbraceright{}`, because BibTeX
    counts `\{` as a brace too: one unpaired made the whole file unreadable to pybtex and BibTeX.
    """
    pieces = _MATH.split(text)
    special = _SPECIAL if _braces_pair(pieces[::2]) else {**_SPECIAL, **_UNPAIRED_BRACES}
    return "".join(
        piece if i % 2 else _LIGATURE.sub(r"\1{}", "".join(special.get(c, c) for c in piece))
        for i, piece in enumerate(pieces)
    )


def _braces_pair(pieces: Iterable[str]) -> bool:
    depth = 0
    for char in "".join(pieces):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def protect_capitals(title: str) -> str:
    """Brace words whose capitals must survive a style that lowercases titles (LLMs, MoE, GPT-4)."""

    def protect(match: re.Match[str]) -> str:
        word = match.group(0)
        return f"{{{word}}}" if any(c.isupper() for c in word[1:]) else word

    pieces = _MATH.split(title)
    return "".join(
        piece if i % 2 else re.sub(r"[^\s{}]+", protect, piece) for i, piece in enumerate(pieces)
    )


def bibtex_name(name: str) -> str:
    if csl.ORGANISATION.search(name) or " " not in name.strip():
        return "{" + escape_latex(name) + "}"
    return escape_latex(name)


def _field_block(entry_type: str, key: str, fields: list[tuple[str, str]]) -> str:
    width = max(len(name) for name, _ in fields)
    body = ",\n".join(f"  {name.ljust(width)} = {value}" for name, value in fields)
    return f"@{entry_type}{{{key},\n{body}\n}}"


def bibtex(paper: Paper) -> str:
    key = paper.citation_key or paper.id
    entry_type = "article" if paper.journal_ref or paper.doi else "misc"
    authors = [bibtex_name(a) for a in paper.authors]
    if paper.et_al:
        authors.append("others")
    fields: list[tuple[str, str]] = [
        ("title", "{" + _title_source(paper) + "}"),
        ("author", "{" + " and ".join(authors) + "}"),
        ("year", "{" + str(paper.published.year) + "}"),
    ]
    if paper.date_precision != "year":
        fields.append(("month", _MONTHS[paper.published.month - 1]))
    if paper.journal_ref:
        fields.append(("journal", "{" + escape_latex(paper.journal_ref) + "}"))
    if paper.doi:
        fields.append(("doi", "{" + escape_latex(paper.doi) + "}"))
    if paper.arxiv_id:
        fields += [("eprint", "{" + paper.arxiv_id + "}"), ("archivePrefix", "{arXiv}")]
        if paper.primary_category:
            fields.append(("primaryClass", "{" + paper.primary_category + "}"))
        if entry_type == "misc" and not paper.journal_ref:
            fields.append(("howpublished", "{arXiv preprint arXiv:" + paper.arxiv_id + "}"))
    url = paper.first_url
    if url:
        fields.append(("url", "{" + _url(url) + "}"))
    if paper.code_urls and paper.code_urls[0] != url:
        fields.append(("note", "{Code: \\url{" + _url(paper.code_urls[0]) + "}}"))
    return _field_block(entry_type, key, fields)


def biblatex(paper: Paper) -> str:
    """A biblatex entry: @online for preprints, @article for published papers.

    biblatex has what BibTeX lacks: ``date`` to the precision known, ``eprinttype = {arxiv}``
    with ``eprintclass`` (printed as "arXiv: 2402.14740 [cs.LG]"), and ``journaltitle`` with
    volume and pages split out of a journal reference when it has the usual shape.
    """
    key = paper.citation_key or paper.id
    journal = csl.parse_journal_ref(paper.journal_ref) if paper.journal_ref else None
    authors = [bibtex_name(a) for a in paper.authors]
    if paper.et_al:
        authors.append("others")
    fields: list[tuple[str, str]] = [("title", "{" + _title_source(paper) + "}")]
    if authors:
        fields.append(("author", "{" + " and ".join(authors) + "}"))
    fields.append(("date", "{" + (str(journal.year) if journal else paper.published_text) + "}"))
    if paper.journal_ref:
        entry_type = "article"
        if journal:
            fields += [
                ("journaltitle", "{" + escape_latex(journal.journal) + "}"),
                ("volume", "{" + journal.volume + "}"),
            ]
            if journal.issue:
                fields.append(("number", "{" + journal.issue + "}"))
            fields.append(("pages", "{" + journal.page.replace("-", "--") + "}"))
        else:
            fields.append(
                ("journaltitle", "{" + escape_latex(" ".join(paper.journal_ref.split())) + "}")
            )
    else:
        entry_type = "online" if paper.first_url else "misc"
    if paper.doi and not (paper.arxiv_id and paper.doi.casefold().startswith("10.48550/")):
        fields.append(("doi", "{" + _verbatim(paper.doi) + "}"))
    if paper.arxiv_id:
        fields += [("eprinttype", "{arxiv}"), ("eprint", "{" + paper.arxiv_id + "}")]
        if paper.primary_category:
            fields.append(("eprintclass", "{" + paper.primary_category + "}"))
    url = paper.first_url
    if url:
        fields.append(("url", "{" + _verbatim(url) + "}"))
    if paper.code_urls and paper.code_urls[0] != url:
        fields.append(("note", "{Code: \\url{" + _url(paper.code_urls[0]) + "}}"))
    return _field_block(entry_type, key, fields)


def _verbatim(value: str) -> str:
    """A biblatex verbatim field (doi, url): written as it is, because biblatex prints a
    backslash there literally (`10.1007/978-3-540-24605-3\\_37` is no DOI). Only braces that do
    not pair are percent-encoded, as a URL would have them, so the entry still parses."""
    if _braces_pair([value]):
        return value
    return value.replace("{", "%7B").replace("}", "%7D")


def _title_source(paper: Paper) -> str:
    if paper.title_tex:
        # Already LaTeX: keep it as the authors wrote it, only folding the line breaks.
        return protect_capitals(" ".join(paper.title_tex.split()))
    return protect_capitals(escape_latex(paper.title))


def _url(url: str) -> str:
    # Inside \url{} and url fields only braces and percent signs need care.
    return url.replace("%", r"\%").replace("{", r"\%7B").replace("}", r"\%7D")


def plain(paper: Paper) -> str:
    """One line in a common author-year form, for a note or a chat message."""
    shown = list(paper.authors[:3])
    if len(paper.authors) > 3 or paper.et_al:
        names = ", ".join(shown) + " et al."
    elif len(shown) > 1:
        names = ", ".join(shown[:-1]) + " and " + shown[-1]
    else:
        names = shown[0] if shown else "Anonymous"
    title = paper.title.rstrip(".")
    # "Is it?." is never right: a title ending in ? or ! takes no period.
    title += "" if title.endswith(("?", "!")) else "."
    parts = [f"{names} ({paper.published.year}). {title}"]
    if paper.journal_ref:
        parts.append(f"{paper.journal_ref}.")
    if paper.arxiv_id:
        parts.append(f"arXiv:{paper.arxiv_id}.")
    if paper.doi:
        parts.append(f"https://doi.org/{paper.doi}")
    elif paper.first_url:
        parts.append(paper.first_url)
    return " ".join(parts)


def _key(paper: Paper) -> str:
    return paper.citation_key or paper.id


BUILTIN_STYLES: dict[str, _Builtin] = {
    "bibtex": _Builtin(bibtex, "BibTeX entry", ".bib", "\n"),
    "biblatex": _Builtin(biblatex, "BibLaTeX entry", ".bib", "\n"),
    "ris": _Builtin(ris, "RIS record (EndNote, Zotero, Mendeley)", ".ris", "\n"),
    "csl-json": _Builtin(csl_json, "CSL-JSON (Zotero, pandoc)", ".json"),
    "markdown": _Builtin(markdown, "Markdown link", ".md", line_prefix="- "),
    "plain": _Builtin(plain, "One-line reference", ".txt"),
    "key": _Builtin(_key, "Citation key only", ".txt"),
    "url": _Builtin(url_of, "Link only", ".txt"),
}
"""Our own formats, in the order pickers should list them."""
