"""Papers in the exchange formats of reference managers, and as short pasteable lines.

RIS and CSL-JSON are for importing into Zotero, EndNote, Mendeley or pandoc; markdown and url
are for notes and chat. Each function here renders one paper; streaming many papers into one
file is `search_index.citations.cite_many`'s job (a CSL-JSON file is one array, so it has
`csl_json_chunks` for that).
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterable, Iterator

from search_index.csl import (
    arxiv_doi,
    csl_item,
    is_preprint,
    parse_journal_ref,
    plain_title,
    split_name,
)
from search_index.models import Paper


def _one_line(text: str) -> str:
    return " ".join(text.split())


# -- RIS -----------------------------------------------------------------------------------


def _ris_name(name: str) -> str:
    """RIS wants "Family, Given, Suffix"; particles stay with the family name."""
    parts = split_name(name)
    if "literal" in parts:
        return parts["literal"]
    family = " ".join(p for p in (parts.get("non-dropping-particle"), parts["family"]) if p)
    return ", ".join(p for p in (family, parts.get("given"), parts.get("suffix")) if p)


def ris(paper: Paper) -> str:
    """One RIS record, ``TY  - `` to ``ER  - ``.

    Preprints are ``UNPB`` (unpublished work), the RIS type list's word for a work made public
    without formal publication: EndNote, Zotero and Mendeley import it as a preprint or
    manuscript and keep the repository and number, where ``GEN`` (generic) keeps little and
    ``JOUR`` would call arXiv a journal. Published papers are ``JOUR``. RIS has no way to say
    "and others", so a truncated author list is flagged in a note (N1) instead.
    """
    journal = parse_journal_ref(paper.journal_ref) if paper.journal_ref else None
    preprint = is_preprint(paper)
    kind = "UNPB" if preprint or not (paper.journal_ref or paper.doi) else "JOUR"
    lines: list[tuple[str, str]] = [("TY", kind)]
    lines += [("AU", _ris_name(a)) for a in paper.authors]
    lines.append(("TI", plain_title(paper)))
    if journal:
        lines += [("PY", str(journal.year)), ("T2", journal.journal), ("VL", journal.volume)]
        if journal.issue:
            lines.append(("IS", journal.issue))
        first, _, last = journal.page.partition("-")
        lines.append(("SP", first))
        if last:
            lines.append(("EP", last))
    else:
        date = paper.published
        year, month, day = f"{date.year:04d}", f"{date.month:02d}", f"{date.day:02d}"
        if paper.date_precision == "year":
            month = day = ""
        elif paper.date_precision == "month":
            day = ""
        lines += [("PY", year), ("DA", f"{year}/{month}/{day}/")]
        if paper.journal_ref:
            lines.append(("T2", _one_line(paper.journal_ref)))
    if paper.arxiv_id:
        if preprint:
            lines.append(("PB", "arXiv"))
        lines.append(("AN", f"arXiv:{paper.arxiv_id}"))
    doi = paper.doi or (arxiv_doi(paper.arxiv_id) if paper.arxiv_id else None)
    if doi:
        lines.append(("DO", doi))
    if paper.first_url:
        lines.append(("UR", paper.first_url))
    if paper.abstract:
        lines.append(("AB", _one_line(paper.abstract)))
    lines += [("KW", c) for c in paper.categories]
    if paper.et_al:
        lines.append(("N1", "Author list incomplete: the source named only the first authors."))
    lines.append(("ID", paper.citation_key or paper.id))
    return "\n".join(f"{tag}  - {value}" for tag, value in lines) + "\nER  - "


# -- CSL-JSON ------------------------------------------------------------------------------


def _csl_json_item(paper: Paper) -> str:
    return json.dumps(csl_item(paper), ensure_ascii=False, indent=2)


def csl_json(paper: Paper) -> str:
    """A CSL-JSON array holding the one paper: a file reference managers import as it is."""
    return "".join(csl_json_chunks([paper])).rstrip("\n")


def csl_json_chunks(papers: Iterable[Paper]) -> Iterator[str]:
    """One JSON array, written item by item so that no list of all items is ever held."""
    first = True
    for paper in papers:
        yield ("[\n" if first else ",\n") + textwrap.indent(_csl_json_item(paper), "  ")
        first = False
    yield "[]\n" if first else "\n]\n"


# -- short forms ---------------------------------------------------------------------------


def author_phrase(paper: Paper) -> str:
    """ "A", "A and B", "A, B and C", or "A, B, C et al." when there are more or the list is cut."""
    shown = list(paper.authors[:3])
    if not shown:
        return "Anonymous"
    if len(paper.authors) > 3 or paper.et_al:
        return ", ".join(shown) + " et al."
    if len(shown) == 1:
        return shown[0]
    return ", ".join(shown[:-1]) + " and " + shown[-1]


_MARKDOWN_SPECIAL = str.maketrans({c: "\\" + c for c in "\\[]*_`<>"})


def markdown(paper: Paper) -> str:
    """``[Title](url) — Authors, year``: a link that survives any Markdown renderer.

    Brackets and emphasis characters in the title are escaped; parentheses and spaces in the
    URL are percent-encoded so that they do not end the link early.
    """
    title = plain_title(paper).translate(_MARKDOWN_SPECIAL)
    url = url_of(paper)
    link = f"[{title}]({_markdown_url(url)})" if url else title
    authors = author_phrase(paper).translate(_MARKDOWN_SPECIAL)
    return f"{link} — {authors}, {paper.published.year}"


def _markdown_url(url: str) -> str:
    return url.replace(" ", "%20").replace("(", "%28").replace(")", "%29")


def url_of(paper: Paper) -> str:
    """The paper's own link (see `Paper.first_url`), or "" when none is known."""
    return paper.first_url or ""
