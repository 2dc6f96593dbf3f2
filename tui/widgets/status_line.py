"""One line saying what is on screen: query, filters, sort and how many papers match."""

from __future__ import annotations

import datetime as dt

from textual.content import Content
from textual.widgets import Static

from search_index import Filters, Sort, one_line


def effective_sort(query: str, sort: Sort) -> Sort:
    """With no words to rank by, the search service lists newest first; say so."""
    return Sort.NEWEST if sort is Sort.RELEVANCE and not query.strip() else sort


def describe_filters(filters: Filters) -> list[str]:
    parts = []
    if filters.categories:
        # Chosen from the filter panel, so from paper data: cleaned like the panel's labels.
        parts.append(" or ".join(one_line(c) for c in filters.categories))
    if filters.since or filters.until:
        parts.append(describe_dates(filters.since, filters.until))
    if filters.has_code:
        parts.append("with code")
    return parts


def describe_dates(since: dt.date | None, until: dt.date | None) -> str:
    if since and until:
        if since.year == until.year and (since.month, since.day, until.month, until.day) == (
            1,
            1,
            12,
            31,
        ):
            return str(since.year)
        return f"{since.isoformat()} – {until.isoformat()}"
    if since:
        return f"since {since.isoformat()}"
    if until:
        return f"until {until.isoformat()}"
    return "any time"


class StatusLine(Static):
    def __init__(self) -> None:
        super().__init__("", id="status", markup=False)

    def show(
        self,
        query: str,
        filters: Filters,
        sort: Sort,
        shown: int,
        total: int,
        library_size: int,
        *,
        busy: bool = False,
        message: str | None = None,
        marked: int = 0,
    ) -> None:
        left = f"“{one_line(query)}”" if query.strip() else "all papers"
        shown_sort = effective_sort(query, sort)
        pieces = [left, *describe_filters(filters), f"sort: {shown_sort.value}"]
        count = f"{total} of {library_size} papers" + (
            f" ({shown} loaded)" if shown < total else ""
        )
        if busy:
            count = "searching… " + count
        if marked:
            count += f" · {marked} marked"
        text = " · ".join(pieces) + "  │  " + count
        if message:
            text += "  │  " + message
        self.update(Content(text))
