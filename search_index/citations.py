"""Paper -> citation text a researcher can paste as it is."""

from __future__ import annotations

import enum
import re

from search_index.models import Paper

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
_MATH = re.compile(r"(\$[^$]+\$)")
# Names that are not a person's: BibTeX would otherwise split them into given and family names.
_ORGANISATION = re.compile(
    r"\b(team|collaboration|consortium|group|lab|laboratory|institute|inc|ltd|project|openai|"
    r"deepmind|research)\b",
    re.IGNORECASE,
)


class Style(enum.Enum):
    BIBTEX = "bibtex"
    PLAIN = "plain"
    KEY = "key"


def cite(paper: Paper, style: Style = Style.BIBTEX) -> str:
    if style is Style.BIBTEX:
        return bibtex(paper)
    if style is Style.PLAIN:
        return plain(paper)
    return paper.citation_key or paper.id


def escape_latex(text: str) -> str:
    """Escape BibTeX's special characters, leaving `$...$` math as written."""
    pieces = _MATH.split(text)
    return "".join(
        piece if i % 2 else "".join(_SPECIAL.get(c, c) for c in piece)
        for i, piece in enumerate(pieces)
    )


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
    if _ORGANISATION.search(name) or " " not in name.strip():
        return "{" + escape_latex(name) + "}"
    return escape_latex(name)


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
    width = max(len(name) for name, _ in fields)
    body = ",\n".join(f"  {name.ljust(width)} = {value}" for name, value in fields)
    return f"@{entry_type}{{{key},\n{body}\n}}"


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
    parts = [f"{names} ({paper.published.year}). {paper.title.rstrip('.')}."]
    if paper.journal_ref:
        parts.append(f"{paper.journal_ref}.")
    if paper.arxiv_id:
        parts.append(f"arXiv:{paper.arxiv_id}.")
    if paper.doi:
        parts.append(f"https://doi.org/{paper.doi}")
    elif paper.first_url:
        parts.append(paper.first_url)
    return " ".join(parts)
