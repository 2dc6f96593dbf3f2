"""Choosing a citation style, with the citation of the current paper previewed live."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from search_index import Paper, Style, cite, strip_controls

DESCRIPTIONS = {
    Style.BIBTEX: "BibTeX entry",
    Style.PLAIN: "One-line reference",
    Style.KEY: "Citation key only",
}


class StylePicker(ModalScreen[Style | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="styles.cancel")]

    def __init__(self, paper: Paper, current: Style) -> None:
        super().__init__()
        self.paper = paper
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="styles-dialog"):
            yield Label("Copy citation as…  (enter copies, esc cancels)", markup=False)
            with Horizontal():
                yield OptionList(
                    *(Option(Content(DESCRIPTIONS[s]), id=s.value) for s in Style),
                    id="style-list",
                    markup=False,
                )
                with VerticalScroll(id="style-preview-box"):
                    yield Static("", id="style-preview", markup=False)

    def on_mount(self) -> None:
        styles = self.query_one("#style-list", OptionList)
        styles.highlighted = list(Style).index(self.current)
        styles.focus()
        self._preview(self.current)

    def _preview(self, style: Style) -> None:
        self.query_one("#style-preview", Static).update(
            Content(strip_controls(cite(self.paper, style)))
        )

    @on(OptionList.OptionHighlighted, "#style-list")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._preview(Style(event.option.id))

    @on(OptionList.OptionSelected, "#style-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(Style(event.option.id))

    def action_cancel(self) -> None:
        self.dismiss(None)
