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

from search_index import Paper, cite_many, export_extension, strip_controls, style_label


def citation_text(papers: Sequence[Paper], style: str) -> str:
    """The citations as `paperscope cite` prints them: control characters from the data removed,
    newlines and tabs kept."""
    return "".join(strip_controls(chunk) for chunk in cite_many(papers, style))


def default_export_path(style: str, today: dt.date | None = None) -> Path:
    day = (today or dt.date.today()).isoformat()
    return Path.home() / f"paperscope-{day}{export_extension(style)}"


class ExportScreen(ModalScreen[Path | None]):
    """Returns the path written, or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="export.cancel")]

    def __init__(self, papers: list[Paper], style: str, path: Path) -> None:
        super().__init__()
        self.papers = papers
        self.style = style
        self.default_path = path

    def compose(self) -> ComposeResult:
        with Vertical(id="export-dialog"):
            yield Label(
                f"Export {len(self.papers)} citations as {style_label(self.style)} to:",
                markup=False,
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
            with path.open("w", encoding="utf-8") as out:
                out.writelines(strip_controls(c) for c in cite_many(self.papers, self.style))
        except OSError as exc:
            error.update(Content(f"Cannot write {path}: {exc.strerror or exc}"))
            return
        self.dismiss(path)

    def action_cancel(self) -> None:
        self.dismiss(None)
