"""The help screen: every key the explorer knows, and where copied citations also go."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

KEYS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    (
        "Searching",
        (
            ("/", "focus the search box; typing searches as you type"),
            ("enter / esc", "(in the search box) back to the results"),
            ("ctrl+p", "command palette: every action by name"),
        ),
    ),
    (
        "Moving",
        (
            ("j / k / ↓ / ↑", "next / previous paper (scroll, when reading)"),
            ("g / G", "first / last paper"),
            ("pgup / pgdn", "a page up / down"),
            ("enter", "read the paper full width"),
            ("esc", "back from reading, a dialog or the filters"),
            ("tab / shift+tab", "next / previous pane"),
        ),
    ),
    (
        "Citing",
        (
            ("c", "copy the citation in the current style"),
            ("C", "choose a citation style, with a preview, and copy"),
            ("y", "copy the paper's id and link"),
            ("o", "open the paper's link (copies it when there is no display)"),
            ("space", "mark or unmark a paper; c and e then act on all marks"),
            ("U", "unmark all"),
            ("e", "export the marked papers' citations to a file"),
        ),
    ),
    (
        "Filtering",
        (
            ("t", "categories: space toggles one, several at once"),
            ("d", "dates: any time, past month or year; or type a year, or from/to"),
            ("h", "only papers with code"),
            ("s", "sort: relevance, newest, oldest"),
            ("x", "clear all filters"),
            ("f", "show or hide the filter panel on a narrow terminal"),
        ),
    ),
    (
        "General",
        (
            ("?", "this help"),
            ("q", "quit"),
        ),
    ),
)

QUERY_SYNTAX = (
    ("words", "all of them, in title, authors or abstract (stemmed, accents ignored)"),
    ('"a phrase"', "the words in this order"),
    ("author:ustun", "field prefixes: title: abstract: author: cat: year:"),
    ("a OR b, NOT c", "operators; parentheses group"),
    ("optim*  merg~", "wildcards and fuzzy matches"),
    ("year:[2020 TO 2024]", "ranges"),
)


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss", "Close", id="help.close"),
    ]

    def __init__(self, citation_file: Path) -> None:
        super().__init__()
        self.citation_file = citation_file

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body"):
            yield Static(self._text(), markup=False)

    def _text(self) -> Content:
        parts: list[Content] = [Content.styled("paperscope — keys", "bold"), Content("")]
        for section, keys in KEYS:
            parts.append(Content.styled(section, "bold underline"))
            parts += [Content.assemble((f"  {key:<16}", "bold"), (what, "")) for key, what in keys]
            parts.append(Content(""))
        parts.append(Content.styled("Query syntax", "bold underline"))
        parts += [
            Content.assemble((f"  {example:<20}", "bold"), (what, ""))
            for example, what in QUERY_SYNTAX
        ]
        parts += [
            Content(""),
            Content.styled("Clipboard", "bold underline"),
            Content("  Copies go to the terminal clipboard (OSC 52), which works over SSH;"),
            Content("  in tmux it needs `set -g set-clipboard on`. A local clipboard is used"),
            Content("  too when there is one. The last copied text is always saved in:"),
            Content(f"  {self.citation_file}"),
            Content(""),
            Content.styled("esc closes this help", "dim"),
        ]
        return Content("\n").join(parts)

    def action_dismiss(self) -> None:  # type: ignore[override]
        self.dismiss(None)
