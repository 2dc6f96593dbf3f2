"""Explorer fixtures: an app over a real library in tmp_path, and a way to wait for searches."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot

from search_index import Library, Paper, SearchService
from tests.conftest import REFERENCE_DATE
from tui.app import PaperscopeApp


@pytest.fixture
def make_app(tmp_path: Path):  # type: ignore[no-untyped-def]
    def make(library: Library | None = None, **kwargs: object) -> PaperscopeApp:
        lib = library or Library.open(tmp_path / "library", reference_date=REFERENCE_DATE)
        return PaperscopeApp(
            SearchService(lib),
            state_dir=tmp_path / "state",
            use_local_clipboard=False,
            **kwargs,  # type: ignore[arg-type]
        )

    return make


async def settle(pilot: Pilot[None]) -> None:
    """Wait until searches have finished and their results are on screen."""
    for _ in range(3):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def big_library(path: Path, count: int) -> Library:
    import datetime as dt

    library = Library.open(path, seed=False)
    words = ["alignment", "merging", "quantization", "retrieval", "diffusion", "robotics"]
    library.add(
        Paper(
            id=f"2401.{i:05d}",
            title=f"Paper {i} on {words[i % len(words)]} and model scaling",
            authors=(f"Author {i}", "Second Person"),
            published=dt.date(2000 + i % 26, 1 + i % 12, 1 + i % 28),
            abstract=f"We study {words[i % len(words)]} in setting {i}.",
            categories=("cs.LG", "cs.CL") if i % 2 else ("cs.CV",),
        )
        for i in range(count)
    )
    return library
