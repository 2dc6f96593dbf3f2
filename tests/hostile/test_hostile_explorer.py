"""The installed `paperscope` in a real pty (100x30) over the hostile library: every paper is
moved to (j), opened (enter) and copied (c), the filter panel is shown (f), and the bytes written
to the terminal are checked for anything that came from the data.

What Textual itself writes is learnt from the same walk over a clean library: a screen clear or a
device query is fine when Textual sends it at start-up, not when a title does. The `c` copies are
the only OSC 52 allowed, and each must decode to our own citation of a paper, free of control
characters. The `[@click=app.quit]` titles are clicked where they are shown: nothing may run, and
the explorer quits on `q` only.
"""

from __future__ import annotations

import base64
import codecs
import datetime as dt
import fcntl
import os
import pty
import re
import select
import signal
import struct
import termios
import time
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from search_index import Library, Paper, SearchService, cite
from tests.hostile.conftest import HostileLibrary, command_env
from tests.hostile.corpus import (
    CLIPBOARD_TEXT,
    FORBIDDEN,
    FRAGMENT,
    FRAGMENTS,
    OSC52_PAYLOAD,
    TITLE_MARKER,
)

pytestmark = pytest.mark.e2e

WIDTH, HEIGHT = 100, 30
CLICK = FRAGMENT["click"].kept
OSC52 = b"\x1b]52;"
_OSC52_BYTES = re.compile(rb"\x1b\]52;c;([A-Za-z0-9+/=]*)(?:\x07|\x1b\\)")
OPENING_SECONDS = 3.0
"""Longest a paper may take to show once opened, on a busy CI machine (it takes well under 1 s)."""
ESCAPE = b"\x1b[27u"
"""The escape key as the kitty keyboard protocol (which Textual asks for) sends it: a lone ESC
byte is only taken for the key after a delay, and followed by `j` it reads as alt+j."""

# Escape sequences as a terminal reads them (7-bit forms: Textual writes no C1 bytes).
_SEQUENCE = re.compile(
    r"\x1b\[(?P<csi>[0-?]*)(?P<inter>[ -/]*)(?P<final>[@-~])"
    r"|\x1b\](?P<osc>.*?)(?:\x07|\x1b\\)"
    r"|\x1b[P^_X](?P<string>.*?)\x1b\\"
    r"|\x1b(?P<esc>[ -/]*[0-~])",
    re.DOTALL,
)


# -- a terminal we can read -------------------------------------------------------------------


class Screen:
    """Enough of a terminal to know what text stands where: cursor moves, text, line breaks."""

    def __init__(self) -> None:
        self.rows = [[" "] * WIDTH for _ in range(HEIGHT)]
        self.row = self.col = 0

    def feed(self, text: str) -> None:
        position = 0
        for m in _SEQUENCE.finditer(text):
            self._text(text[position : m.start()])
            position = m.end()
            if m.group("final") == "H":
                parts = (m.group("csi") or "").split(";")
                self.row = int(parts[0] or 1) - 1
                self.col = int(parts[1] or 1) - 1 if len(parts) > 1 else 0
        self._text(text[position:])

    def _text(self, text: str) -> None:
        for char in text:
            if char == "\r":
                self.col = 0
            elif char == "\n":
                self.row = min(self.row + 1, HEIGHT - 1)
            elif char.isprintable() and not unicodedata.combining(char):
                if 0 <= self.row < HEIGHT and 0 <= self.col < WIDTH:
                    self.rows[self.row][self.col] = char
                self.col += 2 if unicodedata.east_asian_width(char) in "WF" else 1

    def line(self, row: int) -> str:
        return "".join(self.rows[row])

    def shows_a_paper(self) -> bool:
        """The reading view: a paper full width, its "Authors" row under the title."""
        authors = any(self.line(row).startswith("  Authors ") for row in range(2, 8))
        return authors and not self.shows_the_list()

    def shows_the_list(self) -> bool:
        """The results list is on screen: at this size, the rule between it and the viewer."""
        return any(self.line(row).startswith("─" * 30) for row in range(HEIGHT))

    def find(self, text: str) -> tuple[int, int] | None:
        for row in range(HEIGHT):
            col = self.line(row).find(text)
            if col >= 0:
                return row, col
        return None


class Terminal:
    """The installed command on the slave side of a pty of a fixed size; we are the terminal."""

    def __init__(self, command: Path, env: dict[str, str]) -> None:
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: set the size, become paperscope
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", HEIGHT, WIDTH, 0, 0))
            os.execve(str(command), [str(command)], env)
        self.output = bytearray()
        self.screen = Screen()
        self._decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self._pending = ""
        self.status: int | None = None

    def read(self, quiet: float, until: Callable[[], bool] | None = None, most: float = 60) -> None:
        """Read until `until()` holds (if given) and then nothing came for `quiet` seconds."""
        started = last = time.monotonic()
        while True:
            now = time.monotonic()
            if now - started > most:
                screen = "\n".join(self.screen.line(row) for row in range(HEIGHT))
                raise AssertionError(f"waited {most} s; the screen:\n{screen}")
            if (until is None or until()) and now - last >= quiet:
                break
            ready, _, _ = select.select([self.fd], [], [], 0.01)
            if ready:
                try:
                    chunk = os.read(self.fd, 1 << 16)
                except OSError:  # the child has gone
                    break
                if not chunk:
                    break
                self.output += chunk
                self._feed(chunk)
                last = time.monotonic()

    def _feed(self, chunk: bytes) -> None:
        """The screen, kept up to date as output comes; a sequence cut in two waits for its end."""
        text = self._pending + self._decoder.decode(chunk)
        self._pending = ""
        cut = text.rfind("\x1b")
        if cut >= 0:
            m = _SEQUENCE.match(text, cut)
            kind = text[cut + 1 : cut + 2]
            if (
                m is None
                or (kind == "[" and m.group("final") is None)
                or (kind in "]P^_X" and m.group("osc") is None and m.group("string") is None)
            ):
                text, self._pending = text[:cut], text[cut:]
        self.screen.feed(text)

    def press(self, keys: bytes) -> None:
        os.write(self.fd, keys)

    def click(self, row: int, col: int) -> None:
        """A left click in SGR mouse mode (which Textual turns on), press and release."""
        x, y = col + 1, row + 1
        self.press(f"\x1b[<0;{x};{y}M".encode())
        self.press(f"\x1b[<0;{x};{y}m".encode())

    def alive(self) -> bool:
        if self.status is not None:
            return False
        pid, status = os.waitpid(self.pid, os.WNOHANG)
        if pid == 0:
            return True
        self.status = os.waitstatus_to_exitcode(status)
        return False

    def wait_exit(self, seconds: float) -> int | None:
        deadline = time.monotonic() + seconds
        while self.alive() and time.monotonic() < deadline:
            self.read(0.05, most=seconds)
        return self.status

    def close(self) -> None:
        if self.alive():
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        os.close(self.fd)


# -- the walk ---------------------------------------------------------------------------------


@dataclass
class Walk:
    output: bytes = b""
    clicks: list[str] = field(default_factory=list)
    """Where `[@click=app.quit]` was clicked, and whether the explorer still ran afterwards."""
    opening: list[tuple[int, float]] = field(default_factory=list)
    """(paper's place in the list, seconds from enter until it was shown)."""
    filters_at: int = 0
    """How many bytes had been written when `f` showed the filter panel."""
    alive_before_quit: bool = False
    status: int | None = None


def walk(command: Path, env: dict[str, str], papers: int, *, copy: bool = True) -> Walk:
    """Open (and copy) every paper, click every `[@click=...]` shown, show the filters, quit."""
    term = Terminal(command, env)
    result = Walk()
    try:
        term.read(0.3, until=lambda: b" papers" in term.output)
        for _ in range(papers):
            # Open the paper full width (and copy its citation); go on once it is shown.
            copies = term.output.count(OSC52)
            started = time.monotonic()
            term.press(b"\rc" if copy else b"\r")
            term.read(
                0.02,
                until=lambda c=copies: (
                    term.screen.shows_a_paper() and (not copy or term.output.count(OSC52) > c)
                ),
            )
            result.opening.append((len(result.opening), time.monotonic() - started))
            _click_markup(term, result, copy=copy)
            # Back to the list, and once it is shown again (till then `j` would scroll the
            # viewer), on to the next paper.
            term.press(ESCAPE)
            term.read(0.02, until=term.screen.shows_the_list)
            term.press(b"j")
        result.filters_at = len(term.output)
        term.press(b"f")  # the filter panel: category codes as the data wrote them
        term.read(0.3)
        result.alive_before_quit = term.alive()
        term.press(b"q")
        result.status = term.wait_exit(15)
    finally:
        term.close()
        result.output = bytes(term.output)
    return result


def _click_markup(term: Terminal, result: Walk, *, copy: bool) -> None:
    """Click every `[@click=app.quit]` in the open paper's title and authors.

    Only once the screen shows the reading view (its "Authors" row under the title), where no
    click can land in the results list: one there would move the cursor, and the walk with it.
    The list's row of such a paper is "entered" instead, by the walk's own enter.
    """
    if copy:
        last = list(_OSC52_BYTES.finditer(term.output))[-1:]
        if not last or CLICK.encode() not in base64.b64decode(last[0].group(1)):
            return  # this paper has no markup to click (the citation quotes the title)
    authors = next(r for r in range(2, 8) if term.screen.line(r).startswith("  Authors "))
    for row in range(1, authors + 1):
        col = term.screen.line(row).find(CLICK)
        if col >= 0:
            term.click(row, col + 3)  # on "click" inside the markup
            term.read(0.1)
            result.clicks.append(f"({row}, {col}): {'running' if term.alive() else 'exited'}")


# -- what the bytes hold ----------------------------------------------------------------------


@dataclass
class Bytes:
    osc: list[tuple[str, str]]
    """(number, payload) of every OSC."""
    csi: Counter[tuple[str, str, str]]
    """(parameters, intermediates, final) -> count."""
    escapes: Counter[str]
    """Other ESC sequences (ESC c, ESC 7, ...) -> count."""
    strings: int
    """DCS, APC, PM and SOS strings."""
    text: str
    """Everything outside escape sequences."""


def parse_output(output: bytes) -> Bytes:
    decoded = output.decode("utf-8")  # strict: a lone surrogate or a stray byte fails here
    osc: list[tuple[str, str]] = []
    csi: Counter[tuple[str, str, str]] = Counter()
    escapes: Counter[str] = Counter()
    strings = 0
    text: list[str] = []
    position = 0
    for m in _SEQUENCE.finditer(decoded):
        text.append(decoded[position : m.start()])
        position = m.end()
        if m.group("final") is not None:
            csi[(m.group("csi"), m.group("inter"), m.group("final"))] += 1
        elif m.group("osc") is not None:
            number, _, payload = m.group("osc").partition(";")
            osc.append((number, payload))
        elif m.group("string") is not None:
            strings += 1
        else:
            escapes[m.group("esc")] += 1
    text.append(decoded[position:])
    return Bytes(osc, csi, escapes, strings, "".join(text))


def _kinds(csi: Counter[tuple[str, str, str]]) -> set[tuple[str, str, str]]:
    """A CSI's private marker, intermediates and final byte: what kind of command it is."""
    return {(p[:1] if p[:1] in "<=>?" else "", i, f) for p, i, f in csi}


_ONE_OFF = re.compile(r"[23]J|.*[nc]|.*[hl]|.*p|.*q|.*t")
"""Screen clears, device queries, mode switches, resets, window operations: fine from Textual
at start-up and exit, never from a paper. Their counts must equal the clean walk's."""


def _one_offs(csi: Counter[tuple[str, str, str]]) -> Counter[str]:
    found: Counter[str] = Counter()
    for (params, inter, final), count in csi.items():
        if final in "Hm":  # cursor moves and colours: as many as there is text
            continue
        name = f"{params}{inter}{final}"
        if _ONE_OFF.fullmatch(name):
            found[name] += count
    return found


def assert_nothing_from_the_data(hostile: Bytes, clean: Bytes) -> None:
    # No OSC but Textual's: no window title (0, 1, 2), no clipboard write but the copies. The
    # pointer shape (22) is Textual's too, set again on every click.
    assert {n for n, _ in hostile.osc} - {"52"} <= {n for n, _ in clean.osc}
    for number in ("0", "1", "2"):
        assert [p for n, p in hostile.osc if n == number] == []
    assert {p for n, p in hostile.osc if n == "22"} <= {"default", "pointer", "text"}
    # No screen clear, query, reset or mode switch beyond Textual's own (the clean walk's counts
    # are all start-up and exit; a walk cut short has fewer).
    assert _one_offs(hostile.csi) - _one_offs(clean.csi) == Counter()
    assert _kinds(hostile.csi) <= _kinds(clean.csi)
    assert hostile.escapes - clean.escapes == Counter()
    assert hostile.strings <= clean.strings
    # No raw C1, bidi or other control character in the text: only line breaks.
    assert FORBIDDEN.findall(hostile.text.replace("\r", "").replace("\n", "")) == []
    # Nor what an escape sequence carried, shown as junk.
    for marker in (TITLE_MARKER, OSC52_PAYLOAD, CLIPBOARD_TEXT):
        assert marker not in hostile.text


def copied(parsed: Bytes) -> list[str]:
    return [
        base64.b64decode(payload.split(";", 1)[1]).decode("utf-8")
        for number, payload in parsed.osc
        if number == "52"
    ]


# -- the tests --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def clean_walk(tmp_path_factory: pytest.TempPathFactory, paperscope_command: Path) -> Bytes:
    """The same walk over a new library (the 19 papers it is seeded with)."""
    base = tmp_path_factory.mktemp("clean-walk")
    result = walk(paperscope_command, command_env(base / "home", base / "library"), 19)
    assert result.status == 0
    return parse_output(result.output)


def _stored(library: Path) -> list[Paper]:
    return list(SearchService(Library.open(library, seed=False)).iter_papers(""))


def test_the_hostile_corpus_reaches_the_screen_as_text_only(
    hostile_library: HostileLibrary, paperscope_command: Path, clean_walk: Bytes
) -> None:
    papers = _stored(hostile_library.path)
    result = walk(paperscope_command, hostile_library.env(), len(papers))
    parsed = parse_output(result.output)

    assert_nothing_from_the_data(parsed, clean_walk)
    # One copy per `c`, each our own citation of a paper, with no control character in it; and
    # as `c` cites the paper the cursor is on, every paper was reached, and opened on the way.
    citations = Counter(copied(parsed))
    expected = Counter(cite(p, "bibtex") for p in papers)
    assert (citations - expected, expected - citations) == (Counter(), Counter())
    assert [c for c in citations if FORBIDDEN.search(c.replace("\n", ""))] == []

    # The markup was shown as text, clicked where it stood, and nothing ran.
    assert len([c for c in result.clicks if c.startswith("(1, ")]) == 5, result.clicks  # titles
    assert all(c.endswith("running") for c in result.clicks), result.clicks
    assert result.alive_before_quit
    assert result.status == 0  # and `q` quit it

    # Opening a paper never freezes the explorer: a 5 MB abstract took 13 s to lay out.
    slowest = max(result.opening, key=lambda o: o[1])
    assert slowest[1] < OPENING_SECONDS, slowest


# A library written by another program, or before the importers cleaned everything: the screen
# must still show text only. The interface cleans again what it draws (tui/render.py).


def _raw_papers() -> list[Paper]:
    papers = []
    for n, fragment in enumerate(FRAGMENTS):
        if fragment.surrogate:
            continue  # Library.add cannot store one (UTF-8 has no lone surrogates)
        dirty = fragment.text
        papers.append(
            Paper(
                id=f"2405.{n:05d}",
                title=f"Raw {fragment.name} {dirty} title",
                authors=(f"Ada {dirty} Lovelace", "Alan Turing"),
                published=dt.date(2024, 5, 1 + n),
                abstract=f"A raw abstract {dirty} about {fragment.name}.",
                categories=("cs.LG", f"x{dirty}"),
                affiliation=f"MIT {dirty}",
                comments=f"5 pages {dirty}",
                journal_ref=f"J. Raw {dirty} 1",
            )
        )
    return papers


@pytest.fixture(scope="module")
def raw_library(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Paper]]:
    base = tmp_path_factory.mktemp("raw")
    Library.open(base / "library", seed=False).add(_raw_papers())
    return base, _stored(base / "library")


@pytest.fixture(scope="module")
def raw_walk(raw_library: tuple[Path, list[Paper]], paperscope_command: Path) -> Walk:
    """Every raw paper opened, without copying: the notification of a copy is tested apart."""
    base, papers = raw_library
    env = command_env(base / "home", base / "library")
    return walk(paperscope_command, env, len(papers), copy=False)


def test_records_stored_uncleaned_still_reach_the_screen_as_text_only(
    raw_walk: Walk, clean_walk: Bytes
) -> None:
    assert raw_walk.status == 0 and raw_walk.alive_before_quit
    assert raw_walk.clicks and all(c.endswith("running") for c in raw_walk.clicks)
    parsed = parse_output(raw_walk.output[: raw_walk.filters_at])  # the panel: tested apart
    assert [p for n, p in parsed.osc if n == "52"] == []
    assert_nothing_from_the_data(parsed, clean_walk)


def test_records_stored_uncleaned_reach_the_filter_panel_as_text_only(raw_walk: Walk) -> None:
    parsed = parse_output(raw_walk.output[raw_walk.filters_at :])
    assert [p for n, p in parsed.osc if n == "52"] == []
    assert FORBIDDEN.findall(parsed.text.replace("\r", "").replace("\n", "")) == []


@pytest.fixture(scope="module")
def raw_copies(raw_library: tuple[Path, list[Paper]], paperscope_command: Path) -> Bytes:
    """The raw papers opened and copied."""
    base, papers = raw_library
    env = command_env(base / "home", base / "library")
    return parse_output(walk(paperscope_command, env, len(papers)).output)


def test_copying_records_stored_uncleaned_notifies_in_text_only(
    raw_copies: Bytes, clean_walk: Bytes
) -> None:
    assert_nothing_from_the_data(raw_copies, clean_walk)


def test_copying_records_stored_uncleaned_copies_no_control_character(raw_copies: Bytes) -> None:
    assert [c for c in copied(raw_copies) if FORBIDDEN.search(c.replace("\n", ""))] == []
