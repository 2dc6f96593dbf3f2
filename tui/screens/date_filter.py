"""The date filter dialog: presets and a validated custom range."""

from __future__ import annotations

import datetime as dt

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from tui.dates import parse_date

DateRange = tuple[dt.date | None, dt.date | None]


def preset_range(name: str, today: dt.date) -> DateRange:
    if name == "month":
        return today - dt.timedelta(days=30), None
    if name == "year":
        return today - dt.timedelta(days=365), None
    return None, None


class DateFilterScreen(ModalScreen[DateRange | None]):
    """Returns (since, until), (None, None) for any time, or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="dates.cancel")]

    def __init__(
        self, since: dt.date | None, until: dt.date | None, today: dt.date | None = None
    ) -> None:
        super().__init__()
        self.since = since
        self.until = until
        self.today = today or dt.date.today()

    def compose(self) -> ComposeResult:
        with Vertical(id="dates-dialog"):
            yield Label("Published", classes="dialog-title", markup=False)
            yield OptionList(
                Option(Content("Any time"), id="any"),
                Option(Content("Past month"), id="month"),
                Option(Content("Past year"), id="year"),
                id="date-presets",
                markup=False,
            )
            yield Label("Or type a year, or a range (YYYY, YYYY-MM or YYYY-MM-DD):", markup=False)
            with Horizontal(id="date-inputs"):
                yield Input(
                    value=self.since.isoformat() if self.since else "",
                    placeholder="from",
                    id="date-from",
                )
                yield Input(
                    value=self.until.isoformat() if self.until else "",
                    placeholder="to",
                    id="date-to",
                )
            yield Static("", id="date-error", markup=False)
            with Horizontal(id="date-buttons"):
                yield Button("Apply", id="date-apply", variant="primary")
                yield Button("Cancel", id="date-cancel")

    def on_mount(self) -> None:
        self.query_one("#date-presets", OptionList).focus()

    def on_key(self, event: events.Key) -> None:
        # `d 2 0 2 3 enter` should just work: a digit typed on the presets starts a new date in
        # "from" (and clears "to", which belonged to the range being replaced). The key is
        # handed on after the focus, so the input's select-on-focus has nothing to select.
        presets = self.query_one("#date-presets", OptionList)
        if presets.has_focus and event.character is not None and event.character.isdigit():
            event.stop()
            start = self.query_one("#date-from", Input)
            start.value = ""
            self.query_one("#date-to", Input).value = ""
            self.set_focus(start)
            start.post_message(events.Key(event.key, event.character))

    @on(OptionList.OptionSelected, "#date-presets")
    def _preset(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(preset_range(event.option.id or "any", self.today))

    @on(Input.Submitted)
    @on(Button.Pressed, "#date-apply")
    def _apply(self) -> None:
        error = self.query_one("#date-error", Static)
        raw_from = self.query_one("#date-from", Input).value.strip()
        raw_to = self.query_one("#date-to", Input).value.strip()
        try:
            since = parse_date(raw_from) if raw_from else None
            # A lone year in "from" means that year: 2023 -> 2023-01-01 .. 2023-12-31.
            if raw_from and not raw_to and len(raw_from) == 4:
                until: dt.date | None = parse_date(raw_from, end=True)
            else:
                until = parse_date(raw_to, end=True) if raw_to else None
        except ValueError as exc:
            error.update(Content(str(exc)))
            return
        if since and until and since > until:
            error.update(Content(f"'from' ({since}) is after 'to' ({until})"))
            return
        self.dismiss((since, until))

    @on(Button.Pressed, "#date-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
