"""A terminal driver that also hands clipboard writes to tmux's passthrough when needed.

Inside tmux with `set-clipboard` not on, tmux swallows an application's OSC 52; with
`allow-passthrough on`, the same sequence wrapped in tmux's DCS passthrough still reaches the
terminal on the user's desk. Textual writes OSC 52 itself (`App.copy_to_clipboard`); this
driver adds the wrapped copy next to it, through the driver's public `write`.
"""

from __future__ import annotations

import re

from textual.driver import Driver

_OSC52 = re.compile(r"\x1b\]52;c;([A-Za-z0-9+/=]*)\x07")


def tmux_wrapped(payload: str) -> str:
    """OSC 52 in tmux's DCS passthrough: ESC P tmux; <sequence, ESCs doubled> ESC \\."""
    return f"\x1bPtmux;\x1b\x1b]52;c;{payload}\x07\x1b\\"


def with_tmux_passthrough(base: type[Driver]) -> type[Driver]:
    class TmuxPassthroughDriver(base):  # type: ignore[valid-type,misc]
        def write(self, data: str) -> None:
            super().write(data)
            if "\x1b]52;" in data:
                for payload in _OSC52.findall(data):
                    super().write(tmux_wrapped(payload))

    return TmuxPassthroughDriver
