"""paperscope as its users run it: on a server, over SSH, often inside tmux at one or both ends.

A real `sshd` listens on 127.0.0.1 only, the real `ssh` client runs inside tmux, and the
citation must travel back through SSH (and a server-side tmux) as OSC 52 into the tmux on the
"desk". The tmux settings come from docs/ssh-and-tmux.md, so the doc is what is tested.
"""

from __future__ import annotations

import base64
import os
import pty
import re
import select
import shlex
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import attrs
import pytest

from tests.conftest import ROOT
from tests.e2e.test_tmux import SCRIPT, Tmux

pytestmark = pytest.mark.e2e

SSHD = Path("/usr/sbin/sshd")
DOC = ROOT / "docs" / "ssh-and-tmux.md"
CITATION = "@misc{dang2024rlhf,"
FIRST_CITATION = "@misc{bolton2026simmerge,"  # the newest paper, under the cursor at start
OSC52 = re.compile(rb"\x1b\]52;[^;\x07\x1b]*;([A-Za-z0-9+/=]*)(?:\x07|\x1b\\)")


def doc_block(name: str) -> str:
    """The fenced block after `<!-- e2e: NAME -->` in the doc: the settings users copy."""
    found = re.search(rf"<!-- e2e: {re.escape(name)} -->\s*```\w*\n(.*?)```", DOC.read_text(), re.S)
    assert found, f"{DOC} has no block marked {name!r}"
    return found.group(1)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@attrs.frozen
class Sshd:
    port: int
    key: Path
    log: Path

    def ssh(self, remote: str) -> list[str]:
        """The client command: this key only, no user config, no known_hosts, 127.0.0.1 only."""
        return [
            "ssh", "-F", "/dev/null", "-tt", "-p", str(self.port), "-i", str(self.key),
            "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
            "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes", "-o", "LogLevel=ERROR",
            "root@127.0.0.1", remote,
        ]  # fmt: skip


@pytest.fixture(scope="session")
def sshd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sshd]:
    """A throwaway sshd on 127.0.0.1 with its own keys and config; stopped after the session."""
    if os.geteuid() != 0:
        pytest.skip("sshd must run as root to log anyone in; these tests run as a normal user")
    if not SSHD.exists():
        pytest.skip(f"{SSHD} is absent (Debian: apt-get install openssh-server)")
    for tool in ("ssh", "ssh-keygen", "tmux"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed")
    if not SCRIPT.exists():
        pytest.skip("paperscope is not installed in this environment")
    home = tmp_path_factory.mktemp("sshd")
    for name in ("host_key", "client_key"):
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(home / name)],
                       check=True, capture_output=True, timeout=30)  # fmt: skip
    shutil.copy(home / "client_key.pub", home / "authorized_keys")
    port = free_port()
    config = home / "sshd_config"
    config.write_text(
        f"ListenAddress 127.0.0.1\n"
        f"Port {port}\n"
        f"HostKey {home / 'host_key'}\n"
        f"PidFile {home / 'sshd.pid'}\n"
        f"AuthorizedKeysFile {home / 'authorized_keys'}\n"
        "PubkeyAuthentication yes\n"
        "PasswordAuthentication no\n"
        "KbdInteractiveAuthentication no\n"
        "UsePAM no\n"
        "PermitRootLogin prohibit-password\n"
        "StrictModes no\n"
        "UseDNS no\n"
        "PrintMotd no\n"
        "PrintLastLog no\n"
    )
    # The privilege separation directory; Debian creates it only when the service starts.
    Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)
    checked = subprocess.run([str(SSHD), "-t", "-f", str(config)],
                             capture_output=True, text=True, check=False)  # fmt: skip
    assert checked.returncode == 0, f"sshd rejects its config: {checked.stderr}"
    log = home / "sshd.log"
    with log.open("wb") as out:
        server = subprocess.Popen([str(SSHD), "-D", "-e", "-f", str(config)],
                                  stdin=subprocess.DEVNULL, stdout=out, stderr=out)  # fmt: skip
    try:
        deadline = time.monotonic() + 10
        while True:
            assert server.poll() is None, f"sshd exited: {log.read_text()}"
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, f"sshd never listened: {log.read_text()}"
                time.sleep(0.05)
        yield Sshd(port=port, key=home / "client_key", log=log)
    finally:
        server.terminate()
        try:
            server.wait(timeout=5)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@attrs.define
class Server:
    """What the SSH session runs on the server: paperscope with its own library and state."""

    tmp: Path
    inner_socket: Path
    inner_conf: Path

    @property
    def state_dir(self) -> Path:
        return self.tmp / "state" / "paperscope"

    def explorer(self, *env: str) -> str:
        return shlex.join([
            "env",
            f"PAPERSCOPE_HOME={self.tmp / 'library'}",
            f"XDG_STATE_HOME={self.tmp / 'state'}",
            f"XDG_CONFIG_HOME={self.tmp / 'config'}",
            "LANG=C.UTF-8",
            *env,
            str(SCRIPT),
        ])  # fmt: skip

    def in_tmux(self, conf: str) -> str:
        """paperscope inside a tmux started on the server, as a user would after logging in.

        `-u`: SSH passes no LANG here, and without it tmux draws `_` for every line and dot.
        """
        self.inner_conf.write_text(conf)
        tmux = ["tmux", "-u", "-S", str(self.inner_socket), "-f", str(self.inner_conf)]
        return shlex.join([*tmux, "new-session", "-s", "inner", self.explorer()])

    def inner_buffer(self) -> str | None:
        shown = subprocess.run(["tmux", "-S", str(self.inner_socket), "show-buffer"],
                               capture_output=True, text=True, check=False)  # fmt: skip
        return shown.stdout if shown.returncode == 0 else None


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    """The server side; its tmux, which outlives the SSH session as tmux does, is killed after."""
    side = Server(tmp_path, tmp_path / "inner.sock", tmp_path / "inner.conf")
    try:
        yield side
    finally:
        subprocess.run(["tmux", "-S", str(side.inner_socket), "kill-server"],
                       capture_output=True, check=False)  # fmt: skip


@pytest.fixture
def desk(tmp_path: Path, sshd: Sshd) -> Iterator[Callable[[str], Tmux]]:
    """The user's desk: an 80x24 tmux with the documented settings, running `ssh` to the server."""
    started: list[Tmux] = []

    def connect(remote: str) -> Tmux:
        outer = Tmux(tmp_path / "outer.sock")
        started.append(outer)
        conf = tmp_path / "outer.conf"
        conf.write_text(doc_block("outer-tmux.conf"))
        # -f /dev/null: nothing from the machine's own tmux.conf; then exactly the doc's lines.
        outer("-f", "/dev/null", "start-server", ";", "source-file", str(conf), ";",
              "new-session", "-d", "-s", "e2e", "-x", "80", "-y", "24",
              shlex.join(sshd.ssh(remote)))  # fmt: skip
        return outer

    try:
        yield connect
    finally:
        for outer in started:
            subprocess.run(["tmux", "-S", str(outer.socket), "kill-server"],
                           capture_output=True, check=False)  # fmt: skip


def outer_buffer(outer: Tmux) -> str | None:
    shown = subprocess.run(["tmux", "-S", str(outer.socket), "show-buffer"],
                           capture_output=True, text=True, check=False)  # fmt: skip
    return shown.stdout if shown.returncode == 0 else None


def find_read_and_cite(term: Tmux, expect: str = "sent to the terminal clipboard") -> str:
    """Search, move, read and press `c`, as in the README; returns the screen after the copy."""
    term.wait_for("19 of 19 papers", timeout=30)
    term.keys("/")
    term.keys("preference optimization", literal=True)
    term.wait_for("6 of 19 papers")
    term.keys("Enter")
    term.keys("j")
    term.wait_for("RLHF Can Speak Many Languages")
    term.keys("Enter")  # read full width
    screen = term.wait_for("Kelly Marchisio")
    assert "Categories cs.CL (Computation and Language)" in screen
    term.keys("c")
    return term.wait_for(expect)


def wait_gone(term: Tmux, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and term.alive():
        time.sleep(0.1)
    assert not term.alive(), f"the SSH session did not end after q:\n{term.screen()}"


def test_over_ssh_the_citation_reaches_the_desk_tmux(
    desk: Callable[[str], Tmux], server: Server
) -> None:
    """The README's path over SSH: what `c` copies lands in the desk's tmux, and in the file."""
    term = desk(server.explorer("TERM=xterm-256color"))
    screen = find_read_and_cite(term)
    # Over SSH there is no local clipboard to claim; the file is named for the user to find.
    assert "system clipboard" not in screen
    saved = server.state_dir / "last-citation.txt"
    assert saved.read_text().startswith(CITATION)
    deadline = time.monotonic() + 5
    while outer_buffer(term) is None and time.monotonic() < deadline:
        time.sleep(0.1)
    buffer = outer_buffer(term)
    assert buffer is not None, "no OSC 52 reached the tmux on the desk"
    assert buffer.startswith(CITATION)
    assert "John Dang and Arash Ahmadian and Kelly Marchisio and others" in buffer
    assert buffer.strip() == saved.read_text().strip()
    term.keys("Escape")
    term.keys("q")
    wait_gone(term)


def test_nested_tmux_with_the_documented_settings_forwards_the_citation(
    desk: Callable[[str], Tmux], server: Server
) -> None:
    """tmux on the desk, SSH, tmux on the server, paperscope: the doc's settings carry `c` home."""
    term = desk(server.in_tmux(doc_block("server-tmux.conf")))
    screen = find_read_and_cite(term)
    assert "Cite as…" in screen, f"the server's tmux drew non-ASCII as '_':\n{screen}"
    deadline = time.monotonic() + 5
    while outer_buffer(term) is None and time.monotonic() < deadline:
        time.sleep(0.1)
    buffer = outer_buffer(term)
    assert buffer is not None, "the server's tmux did not pass the citation on"
    assert buffer.startswith(CITATION)
    term.keys("Escape")
    term.keys("q")
    wait_gone(term)


def test_nested_tmux_with_defaults_keeps_the_citation_on_the_server(
    desk: Callable[[str], Tmux], server: Server
) -> None:
    """Why the doc asks for `set-clipboard on` on the server: without it nothing arrives."""
    term = desk(server.in_tmux(""))
    # paperscope asks the server's tmux and says the copy went nowhere, rather than claim it.
    screen = find_read_and_cite(term, expect="was not copied")
    assert "set-clipboard on" in screen
    time.sleep(1)  # the documented case arrives within ~0.1 s
    assert outer_buffer(term) is None
    assert server.inner_buffer() is None, "tmux's default is said to drop what programs send"


def read_until(fd: int, done: Callable[[bytes], bool], timeout: float) -> bytes:
    seen = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not done(seen):
        ready, _, _ = select.select([fd], [], [], 0.05)
        if ready:
            try:
                seen += os.read(fd, 65536)
            except OSError:  # the session ended
                break
    return seen


@pytest.mark.parametrize("with_features_line", [True, False], ids=["documented", "without"])
def test_server_tmux_in_a_terminal_it_cannot_recognise(
    sshd: Sshd, server: Server, with_features_line: bool
) -> None:
    """A terminal with TERM=screen-256color that does not answer tmux's questions (like many):
    the server's tmux forwards OSC 52 only with the documented `terminal-features` line."""
    conf = doc_block("server-tmux.conf")
    if not with_features_line:
        conf = "".join(line for line in conf.splitlines(True) if "terminal-features" not in line)
        assert "set-clipboard on" in conf
    command = sshd.ssh(server.in_tmux(conf))
    pid, fd = pty.fork()
    if pid == 0:  # the child: the ssh client in a bare terminal that records every byte
        os.environ["TERM"] = "screen-256color"
        try:
            os.execvp(command[0], command)
        finally:
            os._exit(127)
    try:
        shown = read_until(fd, lambda seen: b"19 of 19 papers" in seen, 30)
        assert b"19 of 19 papers" in shown, f"no explorer over SSH: {shown[-2000:]!r}"
        time.sleep(0.3)  # let the explorer settle after its first frame
        os.write(fd, b"c")
        output = read_until(fd, lambda seen: OSC52.search(seen) is not None, 2)
        assert (server.inner_buffer() or "").startswith(FIRST_CITATION), "paperscope sent nothing"
        found = OSC52.search(output)
        if with_features_line:
            assert found, "the server's tmux kept the citation to itself"
            assert base64.b64decode(found.group(1)).decode().startswith(FIRST_CITATION)
        else:
            assert found is None, "tmux forwards without the line: the doc says more than needed"
    finally:
        os.kill(pid, signal.SIGTERM)
        os.waitpid(pid, 0)
        os.close(fd)
