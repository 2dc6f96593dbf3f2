"""The search box: everything typed here is text, never a navigation key."""

from __future__ import annotations

from textual.binding import Binding
from textual.widgets import Input

PLACEHOLDER = 'Search: words, "a phrase", author:name, cat:cs.CL, year:2024, title:word~'


class SearchBar(Input):
    BINDINGS = [
        Binding("escape", "leave", "Back to results", id="search.leave"),
    ]

    def __init__(self) -> None:
        super().__init__(placeholder=PLACEHOLDER, id="search", select_on_focus=False)

    def action_leave(self) -> None:
        self.screen.focus_next("#results")
