"""A lab's shared, read-only library: built by root as docs/shared-server.md says, used by a
second Unix user, whose reads must work, whose writes must be refused in one clear line, and
whose copied citations must land in their own home, never in the shared directory.

The commands come out of the doc's marked blocks and run as written (paths moved into a
temporary directory), so the doc cannot drift from what works.
"""

from __future__ import annotations

import os
import pwd
import re
import shlex
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest

from search_index.library import embedded_listing
from tests.conftest import ROOT
from tests.e2e.test_tmux import SCRIPT, Tmux

pytestmark = pytest.mark.e2e

DOC = ROOT / "docs" / "shared-server.md"
DOC_LIBRARY = "/srv/paperscope"
THROWAWAY_USER = "paperscope-e2e"


def doc_block(name: str) -> str:
    found = re.search(rf"<!-- e2e: {re.escape(name)} -->\s*```\w*\n(.*?)```", DOC.read_text(), re.S)
    assert found, f"{DOC} has no block marked {name!r}"
    return found.group(1)


@attrs.frozen
class Shared:
    base: Path
    library: Path
    bin_dir: Path
    """Holds a `paperscope` that the second user can run."""
    user: str
    home: Path
    papers: Path
    """The file the admin imported, readable by everyone."""
    user_block: str
    """The doc's lines for users, with the library's temporary path."""

    def user_env(self, **extra: str) -> list[str]:
        env = {"PATH": f"{self.bin_dir}:/usr/bin:/bin", "HOME": str(self.home), "LANG": "C.UTF-8"}
        return ["env", "-i", *(f"{k}={v}" for k, v in {**env, **extra}.items())]

    def as_user(self, *command: str) -> subprocess.CompletedProcess[str]:
        """`command` in a shell of the user that first ran the doc's user lines."""
        script = f"{self.user_block}\n{shlex.join(command)}"
        return subprocess.run(
            ["runuser", "-u", self.user, "--", *self.user_env(), "bash", "-c", script],
            capture_output=True, text=True, timeout=60, check=False, cwd=self.home,
        )  # fmt: skip

    def snapshot(self) -> dict[str, tuple[int, int, int]]:
        """Every file of the library with its size, mtime and mode: what any write would change."""
        return {
            str(p.relative_to(self.library)): (
                p.stat().st_size,
                p.stat().st_mtime_ns,
                p.stat().st_mode,
            )
            for p in sorted(self.library.rglob("*"))
        }


def second_user() -> str:
    """`nobody` where it exists (Debian has it); else a system user made for the tests."""
    for name in ("nobody", THROWAWAY_USER):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            pass
    subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin",
                    THROWAWAY_USER], check=True, capture_output=True)  # fmt: skip
    return THROWAWAY_USER


def runs_for(user: str, command: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["runuser", "-u", user, "--", str(command), "--help"],
                          capture_output=True, text=True, check=False, timeout=30)  # fmt: skip


def install_for_everyone(user: str, base: Path) -> Path:
    """The directory of a `paperscope` that `user` can run.

    The doc's install step (a venv from the system python3, `pip install`) needs the network, so
    when the interpreter of this test run is out of the user's reach (a pyenv under /root,
    mode 0700) the same thing is made here without it: a venv from the system python3 of the same
    version that adds this run's site-packages, so the code under test is the installed one.
    """
    if runs_for(user, SCRIPT).returncode == 0:
        return SCRIPT.parent
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    python = shutil.which(f"python{version}", path="/usr/local/bin:/usr/bin:/bin")
    if python is None:
        pytest.skip(f"{user} cannot run {SCRIPT}, and there is no system python{version} to "
                    "install paperscope for everyone with")  # fmt: skip
    venv = base / "opt" / "paperscope"
    subprocess.run([python, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=60)
    purelib = subprocess.run([str(venv / "bin" / "python"), "-c",
                              "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
    ours = sysconfig.get_paths()["purelib"]
    Path(purelib, "paperscope-under-test.pth").write_text(
        f"import site; site.addsitedir({ours!r})\n"
    )
    command = venv / "bin" / "paperscope"
    command.write_text(
        f"#!{venv / 'bin' / 'python'}\nimport sys\nfrom tui.cli import main\nsys.exit(main())\n"
    )
    command.chmod(0o755)
    subprocess.run(["chmod", "-R", "a+rX", str(base / "opt")], check=True)
    probe = runs_for(user, command)
    if probe.returncode != 0:
        pytest.skip(f"{user} cannot run paperscope from {ours}: {probe.stderr.strip()[-300:]}")
    return command.parent


@pytest.fixture(scope="module")
def shared() -> Iterator[Shared]:
    """The library built from scratch by the doc's admin lines, as root; removed afterwards."""
    if os.geteuid() != 0:
        pytest.skip("acting as a second user needs root")
    if shutil.which("runuser") is None:
        pytest.skip("runuser (util-linux) is not installed")
    if not SCRIPT.exists():
        pytest.skip("paperscope is not installed in this environment")
    user = second_user()
    # Outside pytest's tmp dirs, which are private to root: the user must be able to walk in.
    base = Path(tempfile.mkdtemp(prefix="paperscope-shared-"))
    try:
        base.chmod(0o755)
        bin_dir = install_for_everyone(user, base)
        admin = base / "admin"
        admin.mkdir(mode=0o755)
        papers = admin / "lab-papers.txt"
        papers.write_text(embedded_listing(), "utf-8")
        papers.chmod(0o644)
        library = base / "srv" / "paperscope"
        script = doc_block("admin").replace(DOC_LIBRARY, str(library))
        built = subprocess.run(
            ["env", "-i", f"PATH={bin_dir}:/usr/bin:/bin", f"HOME={admin}", "LANG=C.UTF-8",
             "bash", "-euo", "pipefail", "-c", script],
            capture_output=True, text=True, timeout=60, check=False, cwd=admin,
        )  # fmt: skip
        assert built.returncode == 0, f"the doc's admin lines failed:\n{built.stderr}"
        assert "19 added" in built.stdout, built.stdout
        home = base / "home"
        home.mkdir()
        shutil.chown(home, user)
        yield Shared(
            base=base,
            library=library,
            bin_dir=bin_dir,
            user=user,
            home=home,
            papers=papers,
            user_block=doc_block("user").replace(DOC_LIBRARY, str(library)),
        )
    finally:
        shutil.rmtree(base, ignore_errors=True)


def test_the_user_reads_the_shared_library_and_cannot_change_it(shared: Shared) -> None:
    before = shared.snapshot()
    found = shared.as_user("paperscope", "search", "preference optimization")
    assert (found.returncode, found.stderr) == (0, ""), found.stderr
    assert "6 of 19 papers match" in found.stdout
    assert "RLHF Can Speak Many Languages" in found.stdout

    shown = shared.as_user("paperscope", "show", "dang2024rlhf")
    assert (shown.returncode, shown.stderr) == (0, ""), shown.stderr
    assert "Kelly Marchisio" in shown.stdout

    cited = shared.as_user("paperscope", "cite", "dang2024rlhf")
    assert (cited.returncode, cited.stderr) == (0, ""), cited.stderr
    assert cited.stdout.startswith("@misc{dang2024rlhf,")

    refused = shared.as_user("paperscope", "import", str(shared.papers))
    assert refused.returncode == 2, refused
    assert refused.stdout == ""
    lines = refused.stderr.strip().splitlines()
    assert lines == [
        f"paperscope: the library {shared.library} is read-only; nothing was imported"
    ], refused.stderr

    assert shared.snapshot() == before, "reading (or a refused import) changed the library"


def test_the_explorer_runs_as_the_user_and_keeps_the_copy_in_their_home(shared: Shared) -> None:
    before = shared.snapshot()
    term = Tmux(shared.base / "tmux.sock")
    script = f"{shared.user_block}\nexec paperscope"
    command = shlex.join(["runuser", "-u", shared.user, "--",
                          *shared.user_env(TERM="xterm-256color"), "bash", "-c", script])  # fmt: skip
    term("-f", "/dev/null", "start-server", ";", "set-option", "-g", "set-clipboard", "on", ";",
         "set-option", "-s", "escape-time", "10", ";",
         "new-session", "-d", "-s", "e2e", "-x", "80", "-y", "24", command)  # fmt: skip
    try:
        term.wait_for("19 of 19 papers")
        term.keys("c")
        term.wait_for("sent to the terminal clipboard")
        saved = shared.home / ".local" / "state" / "paperscope" / "last-citation.txt"
        deadline = time.monotonic() + 5
        while not saved.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert saved.read_text().startswith("@misc{bolton2026simmerge,")
        assert saved.stat().st_uid == pwd.getpwnam(shared.user).pw_uid
        assert term("show-buffer").startswith("@misc{bolton2026simmerge,")
        term.keys("q")
        deadline = time.monotonic() + 10
        while term.alive() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not term.alive(), f"the explorer did not quit:\n{term.screen()}"
    finally:
        subprocess.run(["tmux", "-S", str(term.socket), "kill-server"],
                       capture_output=True, check=False)  # fmt: skip
    assert shared.snapshot() == before, "the explorer wrote into the shared library"


def test_an_import_under_a_private_umask_is_reported_in_one_line(shared: Shared) -> None:
    """The mistake the doc warns about: a later import as root under umask 077 writes index
    files only root can read. Users should be told what is wrong, not shown a traceback."""
    private = shared.base / "srv" / "private"
    script = doc_block("admin").replace(DOC_LIBRARY, str(private))
    subprocess.run(["bash", "-euo", "pipefail", "-c", script], env={
        "PATH": f"{shared.bin_dir}:/usr/bin:/bin", "HOME": str(shared.base), "LANG": "C.UTF-8"},
        cwd=shared.papers.parent, check=True, capture_output=True, timeout=60)  # fmt: skip
    changed = shared.base / "admin" / "changed.txt"
    listing = shared.papers.read_text().splitlines()
    listing[2] += " Revised."  # one paper's abstract: the import writes a new segment
    changed.write_text("\n".join(listing) + "\n")
    subprocess.run(["bash", "-c", f"umask 077; paperscope import {shlex.quote(str(changed))}"],
                   env={"PATH": f"{shared.bin_dir}:/usr/bin:/bin", "PAPERSCOPE_HOME": str(private),
                        "HOME": str(shared.base), "LANG": "C.UTF-8"},
                   check=True, capture_output=True, timeout=60)  # fmt: skip
    found = subprocess.run(
        ["runuser", "-u", shared.user, "--", *shared.user_env(PAPERSCOPE_HOME=str(private)),
         "paperscope", "search", "merging"],
        capture_output=True, text=True, check=False, timeout=60, cwd=shared.home,
    )  # fmt: skip
    assert found.returncode == 2
    assert "Traceback" not in found.stderr, found.stderr
    assert len(found.stderr.strip().splitlines()) == 1, found.stderr
