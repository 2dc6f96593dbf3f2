"""The results list: two lines a paper, loaded a page at a time as the cursor nears the end."""

from __future__ import annotations

from collections.abc import Container

from textual.binding import Binding
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from search_index import SearchHit, SearchResults
from tui.messages import MoreResultsWanted, PaperHighlighted
from tui.render import result_row

PAGE_SIZE = 200
PREFETCH_MARGIN = 25
"""Ask for the next page when the cursor is this close to the last loaded paper."""


class ResultsList(OptionList):
    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False, id="results.down"),
        Binding("k", "cursor_up", "Up", show=False, id="results.up"),
        Binding("g", "first", "First", show=False, id="results.first"),
        Binding("G", "last", "Last", show=False, id="results.last"),
    ]

    def __init__(self, marked: Container[str] = frozenset()) -> None:
        super().__init__(id="results", markup=False)
        self.hits: list[SearchHit] = []
        self.total = 0
        self.marked = marked
        """Ids of marked papers; shared with the screen, which owns the marks."""
        self._requested_offset = -1

    def show(self, results: SearchResults) -> None:
        """Replace the list (offset 0) or append a page (offset = what is loaded)."""
        if results.offset == 0:
            self.hits = list(results.hits)
            self.clear_options()
            self._requested_offset = -1
        elif results.offset == len(self.hits):
            self.hits.extend(results.hits)
        else:
            return  # a page for a list that has changed since it was asked for
        self.total = results.total
        self.add_options(
            Option(result_row(hit, marked=hit.paper.id in self.marked), id=str(results.offset + i))
            for i, hit in enumerate(results.hits)
        )
        if results.offset == 0:
            self.highlighted = 0 if self.hits else None
            self._announce()

    def redraw_marks(self, index: int | None = None) -> None:
        """Show the marks again after they changed: one row after a toggle, else all."""
        indexes = range(len(self.hits)) if index is None else [index]
        for i in indexes:
            hit = self.hits[i]
            self.replace_option_prompt_at_index(
                i, result_row(hit, marked=hit.paper.id in self.marked)
            )

    @property
    def current(self) -> SearchHit | None:
        index = self.highlighted
        if index is None or not 0 <= index < len(self.hits):
            return None
        return self.hits[index]

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._announce()

    def _announce(self) -> None:
        index = self.highlighted
        hit = self.current
        self.post_message(
            PaperHighlighted(hit.paper if hit else None, index if index is not None else -1)
        )
        loaded = len(self.hits)
        if (
            index is not None
            and loaded < self.total
            and index >= loaded - PREFETCH_MARGIN
            and self._requested_offset != loaded
        ):
            self._requested_offset = loaded
            self.post_message(MoreResultsWanted(loaded))
