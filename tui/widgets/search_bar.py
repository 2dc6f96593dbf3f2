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
        # A blinking cursor rewrites the bar twice a second: ~360 B/s at 80x24 over SSH for
        # as long as the bar has focus (bench/terminal_bytes.py).
        self.cursor_blink = False

    def action_leave(self) -> None:
        self.screen.focus_next("#results")
