"""The local clipboard path: pyperclip with a real (fake) xclip, a broken one, none at all."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tui import clipboard


def _fake_xclip(bin_dir: Path, *, works: bool) -> None:
    store = bin_dir / "clip.txt"
    if works:
        body = f"""#!/bin/sh
for a in "$@"; do [ "$a" = "-o" ] && exec cat "{store}"; done
cat > "{store}"
"""
    else:
        body = """#!/bin/sh
echo "Error: Can't open display: :99" >&2
exit 1
"""
    script = bin_dir / "xclip"
    script.write_text(body)
    script.chmod(0o755)


@pytest.fixture
def display(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    monkeypatch.setenv("PATH", f"{bin_dir}:/usr/bin:/bin")
    monkeypatch.setenv("DISPLAY", ":99")
    monkeypatch.delenv("SSH_CONNECTION", raising=False)
    monkeypatch.delenv("SSH_TTY", raising=False)
    # pyperclip picks its backend once; make it look again in this PATH.
    import pyperclip

    pyperclip.determine_clipboard()
    monkeypatch.setattr(pyperclip, "copy", pyperclip.lazy_load_stub_copy)
    monkeypatch.setattr(pyperclip, "paste", pyperclip.lazy_load_stub_paste)
    return bin_dir


def test_a_working_local_clipboard_is_used(display: Path) -> None:
    _fake_xclip(display, works=True)
    assert clipboard.local_clipboard_possible()
    assert clipboard.copy_local("@misc{x}") is True
    assert (display / "clip.txt").read_text() == "@misc{x}"


def test_a_broken_clipboard_tool_fails_quietly(
    display: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    _fake_xclip(display, works=False)
    assert clipboard.copy_local("@misc{x}") is False
    captured = capfd.readouterr()
    assert "Can't open display" not in captured.err + captured.out


def test_no_clipboard_tool_at_all(display: Path) -> None:
    assert not (display / "xclip").exists()
    assert clipboard.copy_local("text") is False


def test_over_ssh_there_is_no_local_clipboard(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.setenv("SSH_CONNECTION", "10.0.0.1 5000 10.0.0.2 22")
    assert not clipboard.local_clipboard_possible()
    monkeypatch.delenv("SSH_CONNECTION")
    monkeypatch.delenv("DISPLAY")
    assert not clipboard.local_clipboard_possible()


def test_the_last_copy_is_saved_where_the_user_can_find_it(tmp_path: Path) -> None:
    path = clipboard.save_last("@misc{x}", tmp_path / "state")
    assert path == tmp_path / "state" / "last-citation.txt"
    assert path.read_text() == "@misc{x}\n"
    assert clipboard.save_last("x", Path("/proc/no/such/dir")) is None


def test_tmux_with_set_clipboard_off_is_detected(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "tmux"
    fake.write_text('#!/bin/sh\necho "$FAKE_SET_CLIPBOARD"\n')
    fake.chmod(0o755)
    env = {"TMUX": "/tmp/tmux-0/default,1,0", "PATH": f"{bin_dir}:{os.environ['PATH']}"}
    monkeypatch.setenv("PATH", env["PATH"])
    monkeypatch.setenv("FAKE_SET_CLIPBOARD", "off")
    assert clipboard.tmux_drops_osc52(env)
    monkeypatch.setenv("FAKE_SET_CLIPBOARD", "external")  # tmux's default: apps are ignored
    assert clipboard.tmux_drops_osc52(env)
    monkeypatch.setenv("FAKE_SET_CLIPBOARD", "on")
    assert not clipboard.tmux_drops_osc52(env)
    assert not clipboard.tmux_drops_osc52({})
