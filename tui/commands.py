"""Every explorer action in the command palette, named as a person would look for it."""

from __future__ import annotations

from collections.abc import Iterable

from textual.app import SystemCommand
from textual.screen import Screen

# (title, help, action on the main screen)
EXPLORER_COMMANDS: tuple[tuple[str, str, str], ...] = (
    ("Search", "Focus the search box (/)", "focus_search"),
    ("Read paper", "Show the current paper full width (enter)", "read"),
    ("Copy citation", "Copy the citation in the current style (c)", "copy_citation"),
    ("Copy citation as…", "Choose a citation style with a preview (C)", "pick_style"),
    (
        "Mark paper",
        "Mark or unmark the paper: c and e then act on all marks (space)",
        "toggle_mark",
    ),
    ("Unmark all", "Clear every mark (U)", "clear_marks"),
    ("Export citations", "Write the marked papers' citations to a file (e)", "export"),
    ("Copy id and link", "Copy the paper's id and URL (y)", "copy_id"),
    ("Open link", "Open the paper's link, or copy it without a display (o)", "open_link"),
    ("Filter by category", "Toggle categories in the filter panel (t)", "focus_categories"),
    ("Filter by date", "Any time, past month, past year, a year, a range (d)", "date_filter"),
    ("Toggle has code", "Only papers with code (h)", "toggle_has_code"),
    ("Cycle sort", "Relevance, newest, oldest (s)", "cycle_sort"),
    ("Clear filters", "Remove every filter (x)", "clear_filters"),
    ("Toggle filter panel", "Show or hide the filters on a narrow terminal (f)", "toggle_filters"),
    ("First paper", "Go to the first result (g)", "cursor_first"),
    ("Last paper", "Go to the last loaded result (G)", "cursor_last"),
)


def explorer_commands(screen: Screen[object]) -> Iterable[SystemCommand]:
    from tui.screens.main import MainScreen

    if not isinstance(screen, MainScreen):
        return
    for title, help_text, action in EXPLORER_COMMANDS:
        yield SystemCommand(title, help_text, getattr(screen, f"action_{action}"))
