"""Fixtures of the hostile-data tests: the corpus written once per run, imported once through the
installed command, and the environment every subprocess of these tests gets.

The long versions (marked `slow`) of this directory run only with PAPERSCOPE_SLOW=1; their short
versions always run.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.hostile.corpus import CorpusFile, write_corpus

SCRIPT = Path(sys.executable).parent / "paperscope"
SLOW_SWITCH = "PAPERSCOPE_SLOW"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get(SLOW_SWITCH) == "1":
        return
    here = Path(__file__).parent
    skip = pytest.mark.skip(reason=f"long version: set {SLOW_SWITCH}=1 to run it")
    for item in items:
        if item.get_closest_marker("slow") and here in Path(str(item.path)).parents:
            item.add_marker(skip)


def command_env(home: Path, library: Path) -> dict[str, str]:
    """A clean environment: no display (so no local clipboard), no tmux, our own home."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_STATE_HOME": str(home / "state"),
        "XDG_CONFIG_HOME": str(home / "config"),
        "PAPERSCOPE_HOME": str(library),
        "TERM": "xterm-256color",
        "LANG": "C.UTF-8",
    }


@dataclass(frozen=True)
class ImportRun:
    file: CorpusFile
    returncode: int
    stdout: bytes
    stderr: bytes
    seconds: float


@dataclass(frozen=True)
class HostileLibrary:
    path: Path
    home: Path
    runs: list[ImportRun]

    def env(self) -> dict[str, str]:
        return command_env(self.home, self.path)


@pytest.fixture(scope="session")
def paperscope_command() -> Path:
    if not SCRIPT.exists():
        pytest.skip("paperscope is not installed in this environment")
    return SCRIPT


@pytest.fixture(scope="session")
def hostile_library(
    tmp_path_factory: pytest.TempPathFactory, paperscope_command: Path
) -> Iterator[HostileLibrary]:
    """Every corpus file imported, one `paperscope import` each, into one new library."""
    base = tmp_path_factory.mktemp("hostile")
    files = write_corpus(base / "corpus")
    library = HostileLibrary(base / "library", base / "home", [])
    for file in files:
        started = time.monotonic()
        done = subprocess.run(
            [str(paperscope_command), "import", *file.option, str(file.path)],
            env=library.env(),
            capture_output=True,
            timeout=300,
            check=False,
        )
        library.runs.append(
            ImportRun(file, done.returncode, done.stdout, done.stderr, time.monotonic() - started)
        )
    yield library
