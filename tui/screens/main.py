"""The main screen: search bar, results, viewer, filters, status line, and the search worker."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import TYPE_CHECKING, cast

import attrs
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Input, OptionList, SelectionList
from textual.worker import get_current_worker

from search_index import (
    Filters,
    Paper,
    PaperscopeError,
    SearchResults,
    SearchService,
    Sort,
)
from tui.marks import Marks
from tui.messages import (
    MoreResultsWanted,
    PaperHighlighted,
    SearchCompleted,
    SearchFailed,
    SearchRequest,
)
from tui.widgets.filter_panel import CategoryList, FilterPanel
from tui.widgets.results import PAGE_SIZE, ResultsList
from tui.widgets.search_bar import SearchBar
from tui.widgets.status_line import StatusLine
from tui.widgets.viewer import AbstractViewer

if TYPE_CHECKING:
    from tui.app import PaperscopeApp

DEBOUNCE_SECONDS = 0.06
SORT_CYCLE = (Sort.RELEVANCE, Sort.NEWEST, Sort.OLDEST)


class MainScreen(Screen[None]):
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-normal"), (160, "-wide")]

    BINDINGS = [
        Binding("slash", "focus_search", "Search", id="main.search"),
        Binding("enter", "read", "Read", show=False, id="main.read"),
        Binding("escape", "back", "Back", show=False, id="main.back"),
        Binding("c", "copy_citation", "Cite", id="main.copy_citation"),
        Binding("C", "pick_style", "Cite as…", id="main.pick_style"),
        Binding("y", "copy_id", "Copy id", id="main.copy_id"),
        Binding("space", "toggle_mark", "Mark", show=False, id="main.mark"),
        Binding("U", "clear_marks", "Unmark all", show=False, id="main.clear_marks"),
        Binding("e", "export", "Export", show=False, id="main.export"),
        Binding("o", "open_link", "Open", show=False, id="main.open_link"),
        Binding("t", "focus_categories", "Categories", show=False, id="main.categories"),
        Binding("d", "date_filter", "Dates", id="main.date_filter"),
        Binding("h", "toggle_has_code", "Has code", show=False, id="main.has_code"),
        Binding("s", "cycle_sort", "Sort", id="main.sort"),
        Binding("x", "clear_filters", "Clear", show=False, id="main.clear_filters"),
        Binding("f", "toggle_filters", "Filters", show=False, id="main.toggle_filters"),
        Binding("j", "cursor_down", "Down", show=False, id="main.down"),
        Binding("k", "cursor_up", "Up", show=False, id="main.up"),
        Binding("g", "cursor_first", "First", show=False, id="main.first"),
        Binding("G", "cursor_last", "Last", show=False, id="main.last"),
    ]

    def __init__(
        self, service: SearchService, initial_query: str = "", marks: Marks | None = None
    ) -> None:
        super().__init__()
        self.service = service
        self.marks = marks if marks is not None else Marks(Path(os.devnull))
        self.query_text = initial_query
        self.filters = Filters()
        self.sort = Sort.RELEVANCE
        self.results: SearchResults | None = None
        self._generation = 0
        self._busy = False
        self._message: str | None = None

    def compose(self) -> ComposeResult:
        yield SearchBar()
        with Horizontal(id="body"):
            with Vertical(id="main-pane"):
                yield ResultsList(self.marks)
                yield AbstractViewer()
            yield FilterPanel(id="filters")
        yield StatusLine()
        yield Footer()

    def on_mount(self) -> None:
        search = self.query_one(SearchBar)
        with search.prevent(Input.Changed):
            search.value = self.query_text
        self.query_one(ResultsList).focus()
        self.start_search(debounce=False)

    # -- searching --------------------------------------------------------------------------

    def start_search(self, *, debounce: bool = True) -> None:
        self._generation += 1
        request = SearchRequest(self.query_text, self.filters, self.sort, self._generation)
        self._busy = True
        self._refresh_status()
        self.run_search(request, DEBOUNCE_SECONDS if debounce else 0.0)

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def run_search(self, request: SearchRequest, debounce: float) -> None:
        worker = get_current_worker()
        # A newer keystroke cancels this worker: waiting on the event ends the wait at once.
        if debounce and worker.cancelled_event.wait(debounce):
            return
        if worker.is_cancelled:
            return
        self._search(request, facets=True)

    @work(thread=True, exclusive=True, group="more", exit_on_error=False)
    def load_more(self, request: SearchRequest) -> None:
        self._search(request, facets=False)

    def _search(self, request: SearchRequest, *, facets: bool) -> None:
        worker = get_current_worker()
        try:
            results = self.service.search(
                request.text,
                request.filters,
                request.sort,
                limit=PAGE_SIZE,
                offset=request.offset,
                facets=facets,
            )
        except PaperscopeError as exc:
            self.post_message(SearchFailed(request, str(exc)))
            return
        except Exception as exc:  # never a traceback on screen: say it, log the rest
            self.log.error("search failed", exc)
            self.post_message(SearchFailed(request, f"search failed: {type(exc).__name__}: {exc}"))
            return
        if not worker.is_cancelled:
            self.post_message(SearchCompleted(request, results))

    @on(SearchCompleted)
    def _search_completed(self, message: SearchCompleted) -> None:
        if message.request.generation != self._generation:
            return  # an answer to a question nobody is asking any more
        results = message.results
        results_list = self.query_one(ResultsList)
        if message.request.offset == 0:
            self.results = results
            self._busy = False
            self._message = results.notice
            if results.total == 0:
                self._message = (
                    f"no match; did you mean: {results.suggestion}"
                    if results.suggestion
                    else (results.notice or "no papers match")
                )
            self.query_one(FilterPanel).show(
                results.facets, self.filters, self.sort, self.query_text
            )
        results_list.show(results)
        if results.total == 0 and message.request.offset == 0:
            self.query_one(AbstractViewer).show(None, empty_message=self._message or "")
        self._refresh_status()

    @on(SearchFailed)
    def _search_failed(self, message: SearchFailed) -> None:
        if message.request.generation != self._generation:
            return
        self._busy = False
        self._message = message.error
        self.notify(message.error, title="Search failed", severity="error", markup=False)
        self._refresh_status()

    @on(MoreResultsWanted)
    def _more_wanted(self, message: MoreResultsWanted) -> None:
        request = SearchRequest(
            self.query_text, self.filters, self.sort, self._generation, offset=message.offset
        )
        self.load_more(request)

    @on(PaperHighlighted)
    def _paper_highlighted(self, message: PaperHighlighted) -> None:
        self.query_one(AbstractViewer).show(self.query_one(ResultsList).current)

    def _refresh_status(self) -> None:
        results_list = self.query_one(ResultsList)
        size = self.results.library_size if self.results else 0
        self.query_one(StatusLine).show(
            self.query_text,
            self.filters,
            self.sort,
            len(results_list.hits),
            results_list.total,
            size,
            busy=self._busy,
            message=self._message,
            marked=len(self.marks),
        )

    # -- input --------------------------------------------------------------------------------

    @on(Input.Changed, "#search")
    def _query_changed(self, event: Input.Changed) -> None:
        self.query_text = event.value
        self.start_search()

    @on(Input.Submitted, "#search")
    def _query_submitted(self, event: Input.Submitted) -> None:
        self.query_one(ResultsList).focus()

    @on(OptionList.OptionSelected, "#results")
    def _result_chosen(self, event: OptionList.OptionSelected) -> None:
        self.action_read()

    @on(SelectionList.SelectedChanged, "#categories")
    def _categories_changed(self, event: SelectionList.SelectedChanged[str]) -> None:
        chosen = tuple(event.selection_list.selected)
        self.set_filters(attrs.evolve(self.filters, categories=chosen))

    @on(FilterPanel.HasCodeToggled)
    def _has_code_toggled(self, event: FilterPanel.HasCodeToggled) -> None:
        self.set_filters(attrs.evolve(self.filters, has_code=event.value))

    def set_filters(self, filters: Filters) -> None:
        if filters != self.filters:
            self.filters = filters
            self.start_search(debounce=False)

    def set_sort(self, sort: Sort) -> None:
        if sort is not self.sort:
            self.sort = sort
            self.start_search(debounce=False)

    # -- actions ------------------------------------------------------------------------------

    def action_focus_search(self) -> None:
        self.remove_class("-reading")
        self.query_one(SearchBar).focus()

    def action_read(self) -> None:
        if self.query_one(ResultsList).current is None:
            return
        self.add_class("-reading")
        self.query_one(AbstractViewer).focus()

    def action_back(self) -> None:
        if self.has_class("-reading"):
            self.remove_class("-reading")
        if self.has_class("-show-filters"):
            self.remove_class("-show-filters")
        self.query_one(ResultsList).focus()

    def _cursor(self, action: str) -> None:
        if self.has_class("-reading"):
            viewer = self.query_one(AbstractViewer)
            {
                "down": viewer.scroll_down,
                "up": viewer.scroll_up,
                "first": viewer.scroll_home,
                "last": viewer.scroll_end,
            }[action]()
            return
        results_list = self.query_one(ResultsList)
        {
            "down": results_list.action_cursor_down,
            "up": results_list.action_cursor_up,
            "first": results_list.action_first,
            "last": results_list.action_last,
        }[action]()

    def action_cursor_down(self) -> None:
        self._cursor("down")

    def action_cursor_up(self) -> None:
        self._cursor("up")

    def action_cursor_first(self) -> None:
        self._cursor("first")

    def action_cursor_last(self) -> None:
        self._cursor("last")

    @property
    def explorer(self) -> PaperscopeApp:
        return cast("PaperscopeApp", self.app)

    @property
    def current_paper(self) -> Paper | None:
        hit = self.query_one(ResultsList).current
        return hit.paper if hit else None

    @property
    def chosen_papers(self) -> list[Paper]:
        """What citing acts on: the marked papers if any, else the one under the cursor."""
        if len(self.marks):
            return list(self.marks)
        paper = self.current_paper
        return [paper] if paper else []

    def action_copy_citation(self) -> None:
        self.explorer.copy_citations(self.chosen_papers)

    def action_toggle_mark(self) -> None:
        results_list = self.query_one(ResultsList)
        hit, index = results_list.current, results_list.highlighted
        if hit is None or index is None:
            return
        self.marks.toggle(hit.paper)
        results_list.redraw_marks(index)
        self._refresh_status()
        results_list.action_cursor_down()

    def action_clear_marks(self) -> None:
        if len(self.marks):
            self.marks.clear()
            self.query_one(ResultsList).redraw_marks()
            self._refresh_status()
            self.notify("All marks cleared", timeout=2)

    def action_export(self) -> None:
        self.explorer.export_citations(self.chosen_papers)

    def action_pick_style(self) -> None:
        self.explorer.pick_citation_style(self.current_paper)

    def action_copy_id(self) -> None:
        self.explorer.copy_identifier(self.current_paper)

    def action_open_link(self) -> None:
        self.explorer.open_paper_link(self.current_paper)

    def action_focus_categories(self) -> None:
        self.remove_class("-reading")
        self.add_class("-show-filters")
        self.query_one(CategoryList).focus()

    def action_toggle_filters(self) -> None:
        self.toggle_class("-show-filters")

    def action_toggle_has_code(self) -> None:
        self.set_filters(attrs.evolve(self.filters, has_code=not self.filters.has_code))

    def action_cycle_sort(self) -> None:
        index = SORT_CYCLE.index(self.sort)
        self.set_sort(SORT_CYCLE[(index + 1) % len(SORT_CYCLE)])
        self.notify(f"Sorted by {self.sort.value}", timeout=2)

    def action_clear_filters(self) -> None:
        self.set_filters(Filters())
        self.notify("Filters cleared", timeout=2)

    def action_date_filter(self) -> None:
        from tui.screens.date_filter import DateFilterScreen

        def chosen(value: tuple[dt.date | None, dt.date | None] | None) -> None:
            if value is not None:
                since, until = value
                self.set_filters(attrs.evolve(self.filters, since=since, until=until))

        self.app.push_screen(DateFilterScreen(self.filters.since, self.filters.until), chosen)
