"""The filter panel: categories with counts, a per-year strip, dates, code, sort."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Checkbox, Label, SelectionList, Sparkline, Static
from textual.widgets.selection_list import Selection

from search_index import Facets, Filters, Sort, category_name, one_line
from tui.widgets.status_line import describe_dates, effective_sort


class CategoryList(SelectionList[str]):
    """Categories present for the current query; space or enter toggles one."""


class FilterPanel(VerticalScroll):
    class HasCodeToggled(Message):
        def __init__(self, value: bool) -> None:
            super().__init__()
            self.value = value

    def compose(self) -> ComposeResult:
        yield Label("Categories  [t]", classes="panel-heading", markup=False)
        yield CategoryList(id="categories")
        yield Label("Papers per year", classes="panel-heading", markup=False)
        yield Sparkline([], id="years")
        yield Static("", id="year-range", markup=False)
        yield Label("Date  [d]", classes="panel-heading", markup=False)
        yield Static("any time", id="date-range", markup=False)
        yield Checkbox("Has code  [h]", id="has-code")
        yield Static("", id="sort", markup=False)

    def show(self, facets: Facets, filters: Filters, sort: Sort, query: str = "") -> None:
        categories = self.query_one(CategoryList)
        counts = dict(facets.categories)
        # Keep chosen categories listed even when the query no longer matches any of them.
        codes = [code for code, _ in facets.categories]
        codes += [c for c in filters.categories if c not in counts]
        highlighted = categories.highlighted
        with categories.prevent(SelectionList.SelectedChanged):
            categories.clear_options()
            categories.add_options(
                Selection(
                    _category_label(code, counts.get(code, 0)), code, code in filters.categories
                )
                for code in codes
            )
            if highlighted is not None and codes:
                categories.highlighted = min(highlighted, len(codes) - 1)
        years = facets.years
        self.query_one(Sparkline).data = [count for _, count in _dense(years)]
        self.query_one("#year-range", Static).update(
            Content(f"{years[0][0]} … {years[-1][0]}" if years else "no papers")
        )
        self.query_one("#date-range", Static).update(
            Content(describe_dates(filters.since, filters.until))
        )
        checkbox = self.query_one(Checkbox)
        with checkbox.prevent(Checkbox.Changed):
            checkbox.value = filters.has_code
        self.query_one("#sort", Static).update(
            Content(f"Sort: {effective_sort(query, sort).value}  [s]")
        )

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        event.stop()
        self.post_message(self.HasCodeToggled(event.value))


def _category_label(code: str, count: int) -> Content:
    """A category's line, cleaned like all paper text: an importer keeps a code it does not know
    as written, and one stored with an OSC 52 in it wrote the clipboard when the panel showed."""
    return Content(f"{one_line(code):<10} {count:>5}  {category_name(code) or ''}")


def _dense(years: tuple[tuple[int, int], ...]) -> list[tuple[int, int]]:
    """Every year from the first to the last, with zeros, so the strip's x-axis is time."""
    if not years:
        return []
    counts = dict(years)
    return [(y, counts.get(y, 0)) for y in range(years[0][0], years[-1][0] + 1)]
