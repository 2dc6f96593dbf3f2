"""Getting a citation to the user's clipboard, wherever they sit, and saying honestly how.

OSC 52 through the terminal works over SSH and in tmux but is silently ignored by some terminals,
so the text also goes through a local clipboard tool when one can work (not over SSH, a display
present) and always into a file whose path we show.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import attrs
import pyperclip
from textual.app import App

LAST_CITATION_FILE = "last-citation.txt"


@attrs.frozen
class CopyOutcome:
    terminal: bool
    """Sent as OSC 52 through the terminal (there is no acknowledgement to check)."""
    local: bool
    """A local clipboard tool took it and gave it back."""
    file: Path | None
    """Where the text was also written, if that worked."""

    def how(self) -> str:
        ways = []
        if self.local:
            ways.append("the system clipboard")
        if self.terminal:
            ways.append("the terminal clipboard")
        said = " and ".join(ways) if ways else "no clipboard"
        return f"sent to {said}" + (f"; also saved in {self.file}" if self.file else "")


def user_state_dir(environ: Mapping[str, str] | None = None) -> Path:
    """This user's own directory, even when the library is a shared one on a server."""
    env = os.environ if environ is None else environ
    if env.get("XDG_STATE_HOME"):
        return Path(env["XDG_STATE_HOME"]) / "paperscope"
    return Path.home() / ".local" / "state" / "paperscope"


def local_clipboard_possible(environ: Mapping[str, str] | None = None) -> bool:
    """A local clipboard exists on macOS and Windows, or with a display and no SSH session."""
    env = os.environ if environ is None else environ
    if env.get("SSH_CONNECTION") or env.get("SSH_TTY"):
        return False
    if sys.platform in ("darwin", "win32"):
        return True
    return bool(env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"))


@attrs.frozen
class TmuxClipboard:
    """What the tmux we run in does with an application's OSC 52."""

    inside: bool = False
    set_clipboard: str = ""
    """"on" keeps it in tmux's buffer and passes it on; "external" (the default) and "off"
    swallow it."""
    passthrough: bool = False
    """`allow-passthrough` is on: a DCS-wrapped sequence reaches the outer terminal."""

    @property
    def swallows(self) -> bool:
        return self.inside and self.set_clipboard in ("off", "external")

    @property
    def needs_wrapping(self) -> bool:
        return self.swallows and self.passthrough

    @property
    def drops_copies(self) -> bool:
        return self.swallows and not self.passthrough


def _tmux_option(socket: str, name: str) -> str:
    try:
        answer = subprocess.run(
            ["tmux", "-S", socket, "show-options", "-gv", name],
            capture_output=True,
            text=True,
            timeout=2,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return answer.stdout.strip() if answer.returncode == 0 else ""


def tmux_clipboard(environ: Mapping[str, str] | None = None) -> TmuxClipboard:
    env = os.environ if environ is None else environ
    if not env.get("TMUX"):
        return TmuxClipboard()
    # $TMUX is "socket,pid,session": ask the tmux we run in, even on a socket of its own.
    socket = env["TMUX"].split(",")[0]
    return TmuxClipboard(
        inside=True,
        set_clipboard=_tmux_option(socket, "set-clipboard"),
        passthrough=_tmux_option(socket, "allow-passthrough") in ("on", "all"),
    )


def tmux_drops_osc52(environ: Mapping[str, str] | None = None) -> bool:
    """Inside tmux whose set-clipboard is off or external (tmux's default) and that passes
    nothing through, an application's copy never reaches a clipboard: tell the user."""
    return tmux_clipboard(environ).drops_copies


@contextlib.contextmanager
def _quiet_stderr() -> Iterator[None]:
    """pyperclip's xclip backend lets xclip's complaints reach the screen; send them nowhere."""
    try:
        saved = os.dup(2)
    except OSError:
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def copy_local(text: str) -> bool:
    """Copy with pyperclip and read it back: its xclip backend does not report failures."""
    try:
        with _quiet_stderr():
            pyperclip.copy(text)
            return bool(pyperclip.paste() == text)
    except Exception:  # pyperclip raises its own and OS errors; no tool is not a crash
        return False


def save_last(text: str, directory: Path) -> Path | None:
    try:
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / LAST_CITATION_FILE
        path.write_text(text + ("" if text.endswith("\n") else "\n"), "utf-8")
    except OSError:
        return None
    return path


def copy(
    app: App[Any], text: str, state_dir: Path, *, use_local: bool | None = None
) -> CopyOutcome:
    """OSC 52 through Textual, then a local tool where one can work, then the file."""
    app.copy_to_clipboard(text)
    local = (local_clipboard_possible() if use_local is None else use_local) and copy_local(text)
    return CopyOutcome(terminal=True, local=local, file=save_last(text, state_dir))
