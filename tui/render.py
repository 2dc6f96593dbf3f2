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
MOST_SHOWN = 20_000
"""Characters of one text shown at most. Textual lays a text out whole before drawing it: opening
a paper with a 5 MB abstract froze the explorer for 7 s (13 s on a busy machine; keys, and the
copy asked for, waited), and no real abstract comes near this (arXiv allows 1,920 characters)."""


def plain(text: str) -> Content:
    return Content(one_line(text))


def highlighted(text: str, spans: Iterable[Span], *, most: int = MOST_SHOWN) -> Content:
    """Text with the matched spans styled; spans are dropped if cleaning moved the characters.

    A text longer than `most` characters is cut there, and says how much is not shown.
    """
    cleaned = strip_controls(text)
    moved = cleaned != text
    if len(cleaned) > most:
        hidden = len(cleaned) - most
        cleaned = f"{cleaned[:most]}… ({hidden:,} more characters not shown)"
    content = Content(cleaned)
    if moved:
        return content
    for span in spans:
        if span.end <= most:
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
    # Cleaned like every other text from a paper: a category an importer keeps as written (an
    # unknown code) went to the terminal raw here, and an OSC 52 in one wrote the clipboard.
    facts = [paper.published_text, *(one_line(c) for c in paper.categories[:2])]
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
    return one_line(", ".join(f"{c} ({category_name(c) or 'unknown'})" for c in paper.categories))
