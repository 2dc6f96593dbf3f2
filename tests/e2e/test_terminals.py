"""The installed explorer in the terminals people reach a lab server with: TERM values, colour
limits, NO_COLOR, a C locale, small and huge windows, and a resize while running.

Each case drives the same user path (start, move, search, quit) so that a terminal the app
mishandles shows up as a broken step a user would notice, not as a snapshot difference.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import attrs
import pytest

from tests.e2e.test_tmux import SCRIPT, Tmux

pytestmark = pytest.mark.e2e

# With no query the list is sorted newest first: these two papers are the first two rows, and the
# viewer shows the title of the one under the cursor, so each appears twice while selected.
FIRST = "SimMerge: Learning"
SECOND = "Programming by Backprop: LLMs"
QUERY = "merging"
UNMATCHED = "Programming by Backprop"  # not about merging: gone once the query narrows the list
PANEL = "Categories  [t]"  # the filter panel's heading, shown from 120 columns

_SGR = re.compile(r"\x1b\[([0-9;]*)m")


class Pane(Tmux):
    """A tmux session running paperscope under a shell that writes its exit status to a file.

    tmux 3.3a sometimes marks a pane dead without its exit status, so the shell records it; after
    a failure the shell keeps the pane open, so the traceback is still there to be shown.
    """

    def __init__(self, socket: Path, status_file: Path) -> None:
        super().__init__(socket)
        self.status_file = status_file

    def exit_status(self) -> int | None:
        try:
            return int(self.status_file.read_text())
        except (OSError, ValueError):
            return None

    def everything(self) -> str:
        """The screen and what scrolled off it (a traceback is often longer than the window)."""
        return self("capture-pane", "-p", "-J", "-S", "-200", "-t", "e2e")

    def colours(self) -> str:
        return self("capture-pane", "-e", "-p", "-t", "e2e")

    def wait_until(self, check: Callable[[str], bool], what: str, timeout: float = 15) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if check(screen):
                return screen
            code = self.exit_status()
            if code is not None:
                time.sleep(0.2)  # let the last of a traceback reach the pane
                raise AssertionError(
                    f"paperscope exited with status {code} before {what}:\n{self.everything()}"
                )
            time.sleep(0.05)
        raise AssertionError(f"{what} never happened; the screen was:\n{screen}")

    def wait_for(self, text: str, timeout: float = 15) -> str:
        return self.wait_until(lambda screen: text in screen, repr(text) + " appeared", timeout)


@attrs.frozen
class Case:
    width: int = 80
    height: int = 24
    term: str = "xterm-256color"
    env: tuple[tuple[str, str], ...] = ()

    @property
    def id(self) -> str:
        extra = "-".join(f"{k}={v}" for k, v in self.env)
        return f"{self.term}-{self.width}x{self.height}" + (f"-{extra}" if extra else "")


CASES = [
    Case(term="xterm-256color"),
    Case(term="screen-256color"),
    Case(term="tmux-256color"),
    Case(term="xterm"),  # 16 colours
    Case(term="linux"),  # the console; 8 colours and bold
    Case(env=(("NO_COLOR", "1"),)),
    # A server with no locale forwarded over SSH: Python 3.7+ coerces the C locale to UTF-8
    # (PEP 538/540), so the app must still start and draw its lines and dots readably.
    Case(env=(("LANG", "C"),)),
    Case(width=60, height=20),
    Case(width=120, height=40),
    Case(width=250, height=70),
]


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One library for the whole matrix, seeded once, so each case starts in under a second."""
    if not SCRIPT.exists():
        pytest.skip("paperscope is not installed in this environment")
    path = tmp_path_factory.mktemp("terminals") / "library"
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(path.parent), "LANG": "C.UTF-8"}
    subprocess.run([str(SCRIPT), "--library", str(path), "stats"],
                   env=env, check=True, capture_output=True, timeout=60)  # fmt: skip
    return path


@pytest.fixture
def launch(tmp_path: Path, library: Path) -> Iterator[Callable[[Case], Pane]]:
    """Start the installed explorer in a fresh tmux server; kill the server whatever happens."""
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed")
    started: list[Pane] = []

    def start(case: Case) -> Pane:
        env = {
            "PAPERSCOPE_HOME": str(library),
            "XDG_STATE_HOME": str(tmp_path / "state"),
            "XDG_CONFIG_HOME": str(tmp_path / "config"),
            "HOME": str(tmp_path),
            "TERM": case.term,
            "LANG": "C.UTF-8",
            "PATH": os.environ.get("PATH", ""),
            **dict(case.env),
        }
        pane = Pane(tmp_path / "tmux.sock", tmp_path / "exit-status")
        explorer = shlex.join(["env", "-i", *(f"{k}={v}" for k, v in env.items()), str(SCRIPT)])
        status = shlex.quote(str(pane.status_file))
        command = f"{explorer}; s=$?; echo $s > {status}; [ $s -eq 0 ] || sleep 600"
        started.append(pane)
        # One client command: the option holds before the program starts, with no race.
        pane("-f", "/dev/null", "start-server", ";",
             "set-option", "-s", "escape-time", "10", ";",
             "new-session", "-d", "-s", "e2e", "-x", str(case.width), "-y", str(case.height),
             command)  # fmt: skip
        return pane

    try:
        yield start
    finally:
        for pane in started:
            subprocess.run(["tmux", "-S", str(pane.socket), "kill-server"],
                           capture_output=True, check=False)  # fmt: skip


def bottom_has(screen: str, text: str) -> bool:
    """`text` is on one of the last three rows: the status line, not pushed off or left behind."""
    return any(text in line for line in screen.rstrip("\n").split("\n")[-3:])


def status_line_at_bottom(pane: Pane, total: int = 19) -> str:
    """The count sits in the status line just above the key bar, where the user looks for it."""
    return pane.wait_until(
        lambda s: bottom_has(s, f"of {total} papers"), "the status line at the bottom"
    )


def moves_with_j(pane: Pane) -> None:
    """`j` moves the cursor: the viewer's title becomes the second paper's."""
    pane.wait_until(
        lambda s: s.count(FIRST) == 2 and s.count(SECOND) == 1, "the viewer showing the 1st paper"
    )
    pane.keys("j")
    pane.wait_until(
        lambda s: s.count(SECOND) == 2 and s.count(FIRST) == 1, "the viewer showing the 2nd paper"
    )


def search_narrows(pane: Pane) -> None:
    """`/` and typing narrow the results as you type."""
    pane.keys("/")
    pane.keys(QUERY, literal=True)

    def narrowed(screen: str) -> bool:
        found = re.search(r"(\d+) of 19 papers", screen)
        if found is None:
            return False
        return 0 < int(found.group(1)) < 19 and UNMATCHED not in screen

    screen = pane.wait_until(narrowed, f"the results narrowing to {QUERY!r}")
    assert "SimMerge" in screen
    pane.keys("Enter")  # back to the results; `q` would otherwise be typed into the search


def quits_cleanly(pane: Pane) -> None:
    """`q` ends paperscope with status 0, and with it the only window: the tmux session ends."""
    pane.keys("q")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and pane.alive():
        time.sleep(0.05)
    code = pane.exit_status()
    assert code is not None, f"paperscope did not quit on q:\n{pane.screen()}"
    assert code == 0, f"paperscope exited with status {code}:\n{pane.everything()}"
    assert not pane.alive(), "the tmux session outlived paperscope"


def sgr_colours(screen: str) -> list[str]:
    """Every colour parameter set on screen, e.g. '38;5;32', '97', '48;2;1;2;3'."""
    found: list[str] = []
    for params in _SGR.findall(screen):
        parts = params.split(";")
        i = 0
        while i < len(parts):
            p = parts[i]
            if p in ("38", "48") and i + 1 < len(parts):
                width = 3 if parts[i + 1] == "5" else 5
                found.append(";".join(parts[i : i + width]))
                i += width
                continue
            if p and (30 <= int(p) <= 37 or 40 <= int(p) <= 47 or 90 <= int(p) <= 107):
                found.append(p)
            i += 1
    return found


def is_grey(colour: str) -> bool:
    parts = [int(p) for p in colour.split(";")]
    if len(parts) == 1:  # black, white, bright black, bright white; fore- or background
        return parts[0] % 10 in (0, 7) or parts[0] in (90, 97, 100, 107)
    if parts[1] == 2:
        return parts[2] == parts[3] == parts[4]
    n = parts[2]
    cube = n - 16
    return (
        n in (0, 7, 8, 15)
        or n >= 232
        or (16 <= n <= 231 and cube // 36 == cube // 6 % 6 == cube % 6)
    )


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_start_move_search_quit(launch: Callable[[Case], Pane], case: Case) -> None:
    """The whole path in one terminal: readable start, colours the terminal can show (and none
    under NO_COLOR), `j`, `/` and typing, and `q` ending the program with status 0."""
    pane = launch(case)
    screen = status_line_at_bottom(pane)
    assert "─" in screen or "│" in screen, f"box drawing lost (locale?):\n{screen}"
    colours = sgr_colours(pane.colours())
    if case.term in ("xterm", "linux"):
        extended = sorted({c for c in colours if ";" in c})
        assert not extended, f"TERM={case.term} has 16 colours, but the app sent {extended[:5]}"
    if dict(case.env).get("NO_COLOR"):
        coloured = sorted({c for c in colours if not is_grey(c)})
        assert not coloured, f"NO_COLOR=1, but the screen has colours {coloured[:5]}"
    else:
        assert any(not is_grey(c) for c in colours), "no colour at all on a colour terminal"
    moves_with_j(pane)
    search_narrows(pane)
    quits_cleanly(pane)


def test_resize_while_running(launch: Callable[[Case], Pane]) -> None:
    """A window resized while the explorer runs is laid out again at once, bigger and smaller,
    and keeps the user's place: the status line stays on the last rows, the cursor stays put."""
    pane = launch(Case(width=80, height=24))
    status_line_at_bottom(pane)
    assert PANEL not in pane.screen()  # no filter panel at 80 columns

    pane("resize-window", "-t", "e2e", "-x", "120", "-y", "40")
    pane.wait_until(
        lambda s: PANEL in s and bottom_has(s, "of 19 papers"), "the 120x40 layout with its panel"
    )
    moves_with_j(pane)

    pane("resize-window", "-t", "e2e", "-x", "60", "-y", "20")
    screen = pane.wait_until(
        lambda s: PANEL not in s and bottom_has(s, "of 19 papers") and s.count(SECOND) == 2,
        "the 60x20 layout, without the panel, the cursor still on the 2nd paper",
    )
    assert max(len(line) for line in screen.split("\n")) <= 60, screen
    search_narrows(pane)
    quits_cleanly(pane)
