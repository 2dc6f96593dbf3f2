"""Exporting citations to a file whose path the user confirms."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from search_index import Paper, Style, cite

EXTENSIONS = {Style.BIBTEX: ".bib", Style.PLAIN: ".txt", Style.KEY: ".txt"}


def citation_text(papers: Sequence[Paper], style: Style) -> str:
    separator = "\n\n" if style is Style.BIBTEX else "\n"
    return separator.join(cite(p, style) for p in papers) + "\n"


def default_export_path(style: Style, today: dt.date | None = None) -> Path:
    day = (today or dt.date.today()).isoformat()
    return Path.home() / f"paperscope-{day}{EXTENSIONS[style]}"


class ExportScreen(ModalScreen[Path | None]):
    """Returns the path written, or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="export.cancel")]

    def __init__(self, papers: list[Paper], style: Style, path: Path) -> None:
        super().__init__()
        self.papers = papers
        self.style = style
        self.default_path = path

    def compose(self) -> ComposeResult:
        with Vertical(id="export-dialog"):
            yield Label(
                f"Export {len(self.papers)} citations as {self.style.value} to:", markup=False
            )
            yield Input(value=str(self.default_path), id="export-path")
            yield Static("enter writes the file, esc cancels", id="export-error", markup=False)

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted, "#export-path")
    def _write(self, event: Input.Submitted) -> None:
        path = Path(event.value.strip()).expanduser()
        error = self.query_one("#export-error", Static)
        if not event.value.strip():
            error.update(Content("Give a file name."))
            return
        if path.is_dir():
            error.update(Content(f"{path} is a directory; give a file name."))
            return
        try:
            path.write_text(citation_text(self.papers, self.style), "utf-8")
        except OSError as exc:
            error.update(Content(f"Cannot write {path}: {exc.strerror or exc}"))
            return
        self.dismiss(path)

    def action_cancel(self) -> None:
        self.dismiss(None)
