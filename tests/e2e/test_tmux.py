"""The installed `paperscope` in a real terminal (tmux): search, move, read, copy via OSC 52."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

SCRIPT = Path(sys.executable).parent / "paperscope"


class Tmux:
    def __init__(self, socket: Path) -> None:
        self.socket = socket

    def __call__(self, *args: str) -> str:
        return subprocess.run(
            ["tmux", "-S", str(self.socket), *args],
            capture_output=True,
            text=True,
            check=True,
            timeout=20,
        ).stdout

    def alive(self) -> bool:
        probe = ["tmux", "-S", str(self.socket), "has-session", "-t", "e2e"]
        return subprocess.run(probe, capture_output=True, check=False).returncode == 0

    def screen(self) -> str:
        return self("capture-pane", "-p", "-t", "e2e")

    def wait_for(self, text: str, timeout: float = 20) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never appeared; the screen was:\n{screen}")

    def keys(self, *keys: str, literal: bool = False) -> None:
        self("send-keys", "-t", "e2e", *(["-l"] if literal else []), *keys)
        time.sleep(0.15)


@pytest.fixture
def tmux(tmp_path: Path) -> Iterator[Tmux]:
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed")
    if not SCRIPT.exists():
        pytest.skip("paperscope is not installed in this environment")
    session = Tmux(tmp_path / "tmux.sock")
    env = {
        "PAPERSCOPE_HOME": str(tmp_path / "library"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "HOME": str(tmp_path),
        "TERM": "xterm-256color",
        "LANG": "C.UTF-8",
        "PATH": os.environ.get("PATH", ""),
    }
    command = " ".join([*(f"{k}={v!s}" for k, v in env.items()), str(SCRIPT)])
    session("-f", "/dev/null", "new-session", "-d", "-s", "e2e", "-x", "80", "-y", "24",
            "env -i " + command)  # fmt: skip
    session("set-option", "-g", "set-clipboard", "on")
    session("set-option", "-s", "escape-time", "10")
    try:
        yield session
    finally:
        subprocess.run(["tmux", "-S", str(session.socket), "kill-server"], check=False)


def test_search_move_read_and_copy_through_osc52(tmux: Tmux) -> None:
    tmux.wait_for("19 of 19 papers")
    tmux.keys("/")
    tmux.keys("preference optimization", literal=True)
    tmux.wait_for("6 of 19 papers")
    tmux.keys("Enter")
    tmux.keys("j")
    screen = tmux.wait_for("RLHF Can Speak Many Languages")
    assert "Preference Optimization" in screen
    tmux.keys("Enter")  # read full width
    screen = tmux.wait_for("Kelly Marchisio")
    assert "Categories cs.CL (Computation and Language)" in screen
    tmux.keys("c")
    screen = tmux.wait_for("sent to the terminal clipboard")
    buffer = tmux("show-buffer")
    assert buffer.startswith("@misc{dang2024rlhf,")
    assert "John Dang and Arash Ahmadian and Kelly Marchisio and others" in buffer
    tmux.keys("Escape")
    tmux.keys("q")
    # The explorer exits, and with it the only window of the session.
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and tmux.alive():
        time.sleep(0.1)
    assert not tmux.alive()


@pytest.mark.parametrize(
    ("inner_settings", "arrives", "said"),
    [
        # tmux swallows the copy, but passes the DCS-wrapped one paperscope adds.
        ("set -g set-clipboard off\nset -g allow-passthrough on\n", True, "sent to the terminal"),
        # Nothing gets out: paperscope says so instead of claiming a copy.
        ("set -g set-clipboard off\nset -g allow-passthrough off\n", False, "was not copied"),
    ],
    ids=["passthrough", "swallowed"],
)
def test_inner_tmux_without_set_clipboard(
    tmp_path: Path, inner_settings: str, arrives: bool, said: str
) -> None:
    """A tmux inside the outer one (as on a server), with set-clipboard not on."""
    if shutil.which("tmux") is None or not SCRIPT.exists():
        pytest.skip("tmux or the installed paperscope is missing")
    tmux = Tmux(tmp_path / "outer.sock")
    conf = tmp_path / "inner.conf"
    conf.write_text(inner_settings + "set -s escape-time 10\n")
    env = " ".join(
        f"{k}={v}"
        for k, v in {
            "PAPERSCOPE_HOME": tmp_path / "library",
            "XDG_STATE_HOME": tmp_path / "state",
            "HOME": tmp_path,
            "LANG": "C.UTF-8",
            "PATH": os.environ.get("PATH", ""),
        }.items()
    )
    inner = f"tmux -u -S {tmp_path / 'inner.sock'} -f {conf} new-session 'env {env} {SCRIPT}'"
    tmux("-f", "/dev/null", "new-session", "-d", "-s", "e2e", "-x", "80", "-y", "24",
         f"env -i TERM=xterm-256color PATH={os.environ.get('PATH', '')} {inner}")  # fmt: skip
    tmux("set-option", "-g", "set-clipboard", "on")
    tmux("set-option", "-s", "escape-time", "10")
    try:
        tmux.wait_for("19 of 19 papers", timeout=30)
        tmux.keys("/")
        tmux.keys("quantization", literal=True)
        tmux.wait_for("1 of 19 papers")
        tmux.keys("Enter")
        tmux.keys("c")
        tmux.wait_for(said)
        time.sleep(0.5)
        buffers = subprocess.run(
            ["tmux", "-S", str(tmux.socket), "show-buffer"], capture_output=True, text=True,
            check=False,
        ).stdout  # fmt: skip
        if arrives:
            assert buffers.startswith("@misc{ahmadian2023intriguing,")
        else:
            assert buffers == ""
    finally:
        for sock in ("inner.sock", "outer.sock"):
            subprocess.run(["tmux", "-S", str(tmp_path / sock), "kill-server"],
                           capture_output=True, check=False)  # fmt: skip
