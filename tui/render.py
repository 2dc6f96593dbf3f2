"""The one place where paper text becomes styled `Content`, never through markup.

Paper text is untrusted: `[bold]` or `[@click=app.quit]` in a title must show literally. Content
built from plain strings and spans cannot run markup, and control characters are stripped again
here in case a record predates the importer's cleaning.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual.content import Content

from search_index import Paper, SearchHit, Span, category_name, one_line, strip_controls

MATCH_STYLE = "bold reverse"


def plain(text: str) -> Content:
    return Content(one_line(text))


def highlighted(text: str, spans: Iterable[Span]) -> Content:
    """Text with the matched spans styled; spans are dropped if cleaning moved the characters."""
    cleaned = strip_controls(text)
    content = Content(cleaned)
    if cleaned != text:
        return content
    for span in spans:
        content = content.stylize(MATCH_STYLE, span.start, span.end)
    return content


def authors_line(paper: Paper, most: int = 3) -> str:
    names = list(paper.authors[:most])
    more = len(paper.authors) > most or paper.et_al
    return one_line(", ".join(names) + (" et al." if more else ""))


def result_row(hit: SearchHit, *, marked: bool = False) -> Content:
    """Two lines for the results list: title, then authors, date, categories, code."""
    paper = hit.paper
    title = highlighted(paper.title, hit.title_spans)
    facts = [paper.published_text, *paper.categories[:2]]
    meta = Content.assemble(
        (authors_line(paper), "dim"),
        ("  ", ""),
        (" · ".join(facts), "italic"),
        ("  · code" if (paper.has_code or paper.code_urls) else "", "bold"),
    )
    if marked:
        title = Content.assemble(("● ", "bold"), title)
    return Content("").join([title, Content("\n"), meta])


def categories_text(paper: Paper) -> str:
    return ", ".join(f"{c} ({category_name(c) or 'unknown'})" for c in paper.categories)
