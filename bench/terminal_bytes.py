"""Bytes the explorer writes to the terminal: start-up, a keystroke in the search bar, a cursor
move and a page down, plus what an idle screen costs.

Over SSH every byte of a redraw is paid for in latency, so this counts what a user's link
carries. The installed `paperscope` runs in a real pty (no tmux, which would redraw on its own
terms); the master side is read and timed. A small screen model replays the bytes to tell how
many cells each step wrote and how many of those actually changed: a step that writes about a
screenful is a full repaint.

Prints figures; asserts nothing. Run: python bench/terminal_bytes.py [--size 80x24] [--json PATH]
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import platform
import pty
import re
import select
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
import unicodedata
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path
from typing import Any

SCRIPT = Path(sys.executable).parent / "paperscope"
READY = b"of 19 papers"

_TOKEN = re.compile(
    r"\x1b\[(?P<csi>[0-?]*)[ -/]*(?P<final>[@-~])"  # CSI
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"  # OSC
    r"|\x1bP.*?\x1b\\"  # DCS
    r"|\x1b[@-Z\\-_=>78]"  # other escapes
    r"|(?P<ctl>[\r\n\b])"
    r"|(?P<text>[^\x00-\x1f\x1b]+)",
    re.S,
)


class Screen:
    """Just enough of a terminal to see which cells a stream of output writes and changes."""

    def __init__(self, width: int, height: int) -> None:
        self.width, self.height = width, height
        self.cells: dict[tuple[int, int], tuple[str, str]] = {}
        self.row = self.col = 0
        self.sgr = ""

    def feed(self, data: bytes) -> tuple[int, int, set[int]]:
        """Replay output; returns (cells written, cells changed, rows touched)."""
        written = changed = 0
        rows: set[int] = set()
        for m in _TOKEN.finditer(data.decode("utf-8", "replace")):
            if m.group("text"):
                for char in m.group("text"):
                    if unicodedata.combining(char):
                        continue
                    cell = (char, self.sgr)
                    key = (self.row, self.col)
                    written += 1
                    rows.add(self.row)
                    if self.cells.get(key) != cell:
                        changed += 1
                        self.cells[key] = cell
                    self.col += 2 if unicodedata.east_asian_width(char) in "WF" else 1
            elif m.group("ctl"):
                ctl = m.group("ctl")
                if ctl == "\r":
                    self.col = 0
                elif ctl == "\n":
                    self.row = min(self.row + 1, self.height - 1)
                else:
                    self.col = max(self.col - 1, 0)
            elif m.group("final") == "H":
                parts = (m.group("csi") or "").split(";")
                self.row = int(parts[0] or 1) - 1
                self.col = int(parts[1] or 1) - 1 if len(parts) > 1 else 0
            elif m.group("final") == "m":
                params = m.group("csi") or ""
                self.sgr = "" if params in ("", "0") else params
        return written, changed, rows


class Terminal:
    """paperscope on the slave side of a pty of a fixed size; we are the terminal."""

    def __init__(self, width: int, height: int, env: dict[str, str]) -> None:
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", height, width, 0, 0))
            os.execve(str(SCRIPT), [str(SCRIPT)], env)
        self.screen = Screen(width, height)

    def read(self, quiet: float, until: bytes | None = None, most: float = 20) -> bytes:
        """Read until `until` was seen (if given) and then nothing came for `quiet` seconds."""
        got = b""
        started = last = time.monotonic()
        while True:
            now = time.monotonic()
            if now - started > most:
                raise TimeoutError(f"still writing after {most} s; last: {got[-200:]!r}")
            if (until is None or until in got) and now - last >= quiet:
                return got
            ready, _, _ = select.select([self.fd], [], [], 0.01)
            if ready:
                try:
                    chunk = os.read(self.fd, 65536)
                except OSError:
                    return got
                if not chunk:
                    return got
                got += chunk
                last = time.monotonic()

    def read_for(self, seconds: float) -> bytes:
        """Everything written in a fixed window: for an idle screen, which may never be quiet."""
        got = b""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            ready, _, _ = select.select([self.fd], [], [], min(left, 0.05))
            if ready:
                try:
                    got += os.read(self.fd, 65536)
                except OSError:
                    break
        return got

    def press(self, key: bytes, quiet: float) -> bytes:
        os.write(self.fd, key)
        return self.read(quiet)

    def close(self) -> None:
        try:
            os.kill(self.pid, signal.SIGTERM)
            os.waitpid(self.pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
        os.close(self.fd)


def one_run(width: int, height: int, env: dict[str, str]) -> Iterator[tuple[str, bytes, Screen]]:
    """The steps in order, each with what it wrote; the screen model is fed as we go."""
    term = Terminal(width, height, env)
    try:
        yield (
            "start-up (until results drawn, quiet 0.5 s)",
            term.read(0.5, until=READY),
            term.screen,
        )
        yield "idle on the results, 2 s", term.read_for(2.0), term.screen
        yield "cursor move (j)", term.press(b"j", 0.3), term.screen
        yield "page down (pgdn)", term.press(b"\x1b[6~", 0.3), term.screen
        yield "open the search bar (/)", term.press(b"/", 0.3), term.screen
        yield "one keystroke in the search bar (m)", term.press(b"m", 0.4), term.screen
        yield "idle in the search bar, 2 s (cursor blink)", term.read_for(2.0), term.screen
    finally:
        term.close()


def measure(width: int, height: int, repeat: int, term_name: str) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        library = Path(tmp) / "library"
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": tmp,
            "XDG_STATE_HOME": str(Path(tmp) / "state"),
            "XDG_CONFIG_HOME": str(Path(tmp) / "config"),
            "PAPERSCOPE_HOME": str(library),
            "TERM": term_name,
            "LANG": "C.UTF-8",
        }
        # A library that exists already, as for every start after the first.
        subprocess.run([str(SCRIPT), "stats"], env=env, check=True, capture_output=True)
        runs: dict[str, list[dict[str, int]]] = {}
        for _ in range(repeat):
            for label, data, screen in one_run(width, height, env):
                written, changed, rows = screen.feed(data)
                runs.setdefault(label, []).append(
                    {
                        "bytes": len(data),
                        "cells_written": written,
                        "cells_changed": changed,
                        "rows_touched": len(rows),
                    }
                )
    area = width * height
    steps = {}
    for label, figures in runs.items():
        median = {k: int(statistics.median(f[k] for f in figures)) for k in figures[0]}
        steps[label] = {
            **median,
            "screens_written": round(median["cells_written"] / area, 2),
            # Every row of the screen written again, whether or not it changed.
            "full_repaint": median["rows_touched"] >= height,
            "bytes_each_run": [f["bytes"] for f in figures],
        }
    return {
        "size": f"{width}x{height}",
        "term": term_name,
        "repeat": repeat,
        "textual": metadata.version("textual"),
        "python": platform.python_version(),
        "steps": steps,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", default="80x24", help="WIDTHxHEIGHT (default 80x24)")
    parser.add_argument("--term", default="xterm-256color")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write the figures here")
    args = parser.parse_args()
    if not SCRIPT.exists():
        sys.exit(f"{SCRIPT} is missing: pip install -e . first")
    width, height = (int(n) for n in args.size.lower().split("x"))
    result = measure(width, height, args.repeat, args.term)
    print(f"paperscope at {result['size']}, TERM={result['term']}, Textual {result['textual']}, "
          f"median of {result['repeat']} runs")  # fmt: skip
    print("cells: cells written (a cell written twice counts twice); changed: of those, cells "
          "whose text or style changed; screens: cells / screen area")  # fmt: skip
    print(f"{'step':<46}{'bytes':>8}{'cells':>8}{'changed':>9}{'rows':>8}{'screens':>9}")
    for label, s in result["steps"].items():
        mark = "  full repaint" if s["full_repaint"] else ""
        rows = f"{s['rows_touched']}/{height}"
        print(f"{label:<46}{s['bytes']:>8}{s['cells_written']:>8}{s['cells_changed']:>9}"
              f"{rows:>8}{s['screens_written']:>9.2f}{mark}")  # fmt: skip
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")
        print(f"written to {args.json}")


if __name__ == "__main__":
    main()
