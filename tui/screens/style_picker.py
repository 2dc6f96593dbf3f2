"""Choosing a citation style, with the citation of the current paper previewed live.

The common styles are listed; any of the CSL collection's thousands can be typed by name.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from search_index import (
    Paper,
    PaperscopeError,
    cite,
    featured_styles,
    resolve_style,
    strip_controls,
    style_label,
)


class StylePicker(ModalScreen[str | None]):
    """Returns the chosen style's name, or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="styles.cancel")]

    def __init__(self, paper: Paper, current: str) -> None:
        super().__init__()
        self.paper = paper
        self.current = current
        self.style_names = featured_styles()
        if current not in self.style_names:
            self.style_names.insert(0, current)

    def compose(self) -> ComposeResult:
        with Vertical(id="styles-dialog"):
            yield Label("Copy citation as…  (enter copies, esc cancels)", markup=False)
            with Horizontal():
                with Vertical(id="style-column"):
                    yield OptionList(
                        *(Option(Content(style_label(s)), id=s) for s in self.style_names),
                        id="style-list",
                        markup=False,
                    )
                    yield Input(placeholder="any CSL style by name", id="style-other")
                with VerticalScroll(id="style-preview-box"):
                    yield Static("", id="style-preview", markup=False)

    def on_mount(self) -> None:
        styles = self.query_one("#style-list", OptionList)
        styles.highlighted = self.style_names.index(self.current)
        styles.focus()
        self._preview(self.current)

    def _preview(self, style: str) -> bool:
        preview = self.query_one("#style-preview", Static)
        try:
            preview.update(Content(strip_controls(cite(self.paper, style))))
        except PaperscopeError as exc:
            preview.update(Content(str(exc)))
            return False
        return True

    @on(OptionList.OptionHighlighted, "#style-list")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id:
            self._preview(event.option.id)

    @on(OptionList.OptionSelected, "#style-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    @on(Input.Changed, "#style-other")
    def _typed(self, event: Input.Changed) -> None:
        if event.value.strip():
            self._preview(event.value.strip())

    @on(Input.Submitted, "#style-other")
    def _other(self, event: Input.Submitted) -> None:
        try:
            name = resolve_style(event.value.strip())
        except PaperscopeError:
            return  # the preview already says what is wrong and what was meant
        self.dismiss(name)

    def action_cancel(self) -> None:
        self.dismiss(None)
