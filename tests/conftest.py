"""Fixtures shared by every test: libraries in tmp_path, the real samples in ../shared."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from search_index import Library, SearchService

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
REFERENCE_DATE = dt.date(2026, 11, 26)


@pytest.fixture(autouse=True)
def _isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No test may read or write the real user's library or state."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / "state"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.delenv("PAPERSCOPE_HOME", raising=False)
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "TMUX"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def shared() -> Path:
    if not SHARED.is_dir():
        pytest.skip("../shared is absent")
    return SHARED


@pytest.fixture
def seed_listing(shared: Path) -> Path:
    path = shared / "seeds" / "listing.txt"
    if not path.exists():
        pytest.skip("../shared/seeds/listing.txt is absent")
    return path


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    """A library seeded with the embedded listing, as a new user gets it."""
    yield Library.open(tmp_path / "library", reference_date=REFERENCE_DATE)


@pytest.fixture
def service(library: Library) -> SearchService:
    return SearchService(library)


@pytest.fixture
def empty_library(tmp_path: Path) -> Library:
    return Library.open(tmp_path / "empty", seed=False)


def write_listing(path: Path, entries: list[tuple[str, str, str]]) -> Path:
    """Write a listing file from (header, title+authors, abstract) triples."""
    path.write_text("".join(f"{h}\n{t}\n{a}\n" for h, t, a in entries), "utf-8")
    return path


def cli_env(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PAPERSCOPE_HOME"] = str(tmp_path / "cli-library")
    return env
