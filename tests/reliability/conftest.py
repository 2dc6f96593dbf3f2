"""Fixtures of the fault tests: a tiny filesystem, a second Unix user, and the long runs' switch.

Everything made here (mounts, throwaway venvs, directories outside pytest's private tmp) is
undone in `finally` blocks, so a failing test leaves nothing mounted or lying around.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest

SLOW_SWITCH = "PAPERSCOPE_SLOW"
SECOND_USER = "nobody"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The long versions (marked `slow`) of this directory run only with PAPERSCOPE_SLOW=1.

    Their short versions always run; `-m "not slow"` deselects the long ones as usual.
    """
    if os.environ.get(SLOW_SWITCH) == "1":
        return
    here = Path(__file__).parent
    skip = pytest.mark.skip(reason=f"long version: set {SLOW_SWITCH}=1 to run it")
    for item in items:
        if item.get_closest_marker("slow") and here in Path(str(item.path)).parents:
            item.add_marker(skip)


@pytest.fixture
def tiny_filesystem(tmp_path: Path) -> Iterator[Path]:
    """A 1 MiB tmpfs, unmounted afterwards; skips where mounting is not allowed."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root and mount(8)")
    point = tmp_path / "tiny"
    point.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m,mode=0755", "tmpfs", str(point)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield point
    finally:
        done = subprocess.run(["umount", str(point)], capture_output=True, check=False)
        if done.returncode != 0:  # something still has a file open: detach it anyway
            subprocess.run(["umount", "-l", str(point)], capture_output=True, check=False)


@attrs.frozen
class OtherUser:
    """A second Unix user that can run this checkout's `paperscope`."""

    name: str
    base: Path
    """A directory outside pytest's private tmp (root-only), readable by the user."""
    bin_dir: Path
    home: Path

    def env(self, **extra: str) -> list[str]:
        values = {"PATH": f"{self.bin_dir}:/usr/bin:/bin", "HOME": str(self.home),
                  "LANG": "C.UTF-8", **extra}  # fmt: skip
        return ["env", "-i", *(f"{k}={v}" for k, v in values.items())]

    def command(self, *args: str, **env: str) -> list[str]:
        return ["runuser", "-u", self.name, "--", *self.env(**env), *args]


def _runs_as(user: str, command: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["runuser", "-u", user, "--", str(command), "--help"],
                          capture_output=True, text=True, check=False, timeout=60)  # fmt: skip


@pytest.fixture(scope="module")
def other_user() -> Iterator[OtherUser]:
    """`nobody`, with a `paperscope` it can run.

    The interpreter of this test run may live where `nobody` cannot go (a pyenv under /root,
    mode 0700), so, as tests/e2e/test_shared_library.py does, a throwaway venv is made from the
    system python of the same version with a .pth pointing at this run's site-packages: the code
    under test is the installed (editable) one.
    """
    if os.geteuid() != 0:
        pytest.skip("acting as a second user needs root")
    if shutil.which("runuser") is None:
        pytest.skip("runuser (util-linux) is not installed")
    try:
        pwd.getpwnam(SECOND_USER)
    except KeyError:
        pytest.skip(f"there is no user {SECOND_USER!r} to read the library as")
    base = Path(tempfile.mkdtemp(prefix="paperscope-reliability-"))
    try:
        base.chmod(0o755)
        version = f"{sys.version_info.major}.{sys.version_info.minor}"
        python = shutil.which(f"python{version}", path="/usr/local/bin:/usr/bin:/bin")
        if python is None:
            pytest.skip(f"no system python{version} for a venv {SECOND_USER} can run")
        venv = base / "venv"
        subprocess.run([python, "-m", "venv", "--without-pip", str(venv)], check=True,
                       timeout=120, capture_output=True)  # fmt: skip
        purelib = subprocess.run(
            [str(venv / "bin" / "python"), "-c",
             "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            capture_output=True, text=True, check=True,
        ).stdout.strip()  # fmt: skip
        ours = sysconfig.get_paths()["purelib"]
        Path(purelib, "paperscope-under-test.pth").write_text(
            f"import site; site.addsitedir({ours!r})\n"
        )
        command = venv / "bin" / "paperscope"
        command.write_text(
            f"#!{venv / 'bin' / 'python'}\nimport sys\nfrom tui.cli import main\nsys.exit(main())\n"
        )
        command.chmod(0o755)
        subprocess.run(["chmod", "-R", "a+rX", str(venv)], check=True)
        probe = _runs_as(SECOND_USER, command)
        if probe.returncode != 0:
            pytest.skip(f"{SECOND_USER} cannot run paperscope from {ours}: "
                        f"{probe.stderr.strip()[-300:]}")  # fmt: skip
        home = base / "home"
        home.mkdir()
        shutil.chown(home, SECOND_USER)
        yield OtherUser(name=SECOND_USER, base=base, bin_dir=command.parent, home=home)
    finally:
        subprocess.run(["chmod", "-R", "u+w", str(base)], capture_output=True, check=False)
        shutil.rmtree(base, ignore_errors=True)
