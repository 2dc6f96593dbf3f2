"""The wheel carries the stylesheets and the embedded listing, and declares the command."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w",
         str(out), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=300,
    )  # fmt: skip
    (built,) = out.glob("paperscope-*.whl")
    return built


def test_wheel_contains_styles_listing_and_both_packages(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for style in (ROOT / "styles").glob("*.tcss"):
        assert f"tui/styles/{style.name}" in names
    assert "search_index/data/listing.txt" in names
    assert "search_index/__init__.py" in names and "tui/app.py" in names
    assert not [n for n in names if n.startswith("tests/")]


def test_wheel_declares_the_command_and_pins(wheel: Path) -> None:
    archive = zipfile.ZipFile(wheel)
    entry_points = next(n for n in archive.namelist() if n.endswith("entry_points.txt"))
    assert "paperscope = tui.cli:main" in archive.read(entry_points).decode()
    metadata = archive.read(next(n for n in archive.namelist() if n.endswith("METADATA"))).decode()
    assert "Requires-Dist: whoosh-reloaded==2.7.5" in metadata
    assert "Requires-Dist: textual<8.3,>=8.2" in metadata


def test_embedded_listing_matches_the_shared_seed(seed_listing: Path) -> None:
    packaged = ROOT / "search_index" / "data" / "listing.txt"
    assert packaged.read_bytes() == seed_listing.read_bytes()
