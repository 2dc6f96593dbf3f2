"""Pictures of the explorer: main screen at two sizes, the reader, help and the style picker.

Textual is pinned to a minor range and the cursor does not blink, so these only change when
the interface does. Update with `python -m pytest tests/snapshots --snapshot-update` and look.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot

from search_index import Library, SearchService
from tests.conftest import REFERENCE_DATE
from tui.app import PaperscopeApp
from tui.widgets.search_bar import SearchBar

SnapCompare = Callable[..., bool]
# Shown on the help screen, so it must not depend on tmp_path; nothing is written there.
STATE_DIR = Path("/home/user/.local/state/paperscope")


def app_for(tmp_path: Path) -> PaperscopeApp:
    library = Library.open(tmp_path / "library", reference_date=REFERENCE_DATE)
    return PaperscopeApp(SearchService(library), state_dir=STATE_DIR, use_local_clipboard=False)


def settled(*keys: str) -> Callable[[Pilot[None]], Awaitable[None]]:
    async def run_before(pilot: Pilot[None]) -> None:
        pilot.app.screen.query_one(SearchBar).cursor_blink = False
        for key in keys:
            await pilot.press(key)
            await pilot.pause()
            await pilot.app.workers.wait_for_complete()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    return run_before


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_main_screen(snap_compare: SnapCompare, tmp_path: Path, size: tuple[int, int]) -> None:
    keys = ("slash", *"merging", "enter", "j")
    assert snap_compare(app_for(tmp_path), terminal_size=size, run_before=settled(*keys))


def test_main_screen_wide(snap_compare: SnapCompare, tmp_path: Path) -> None:
    assert snap_compare(app_for(tmp_path), terminal_size=(200, 60), run_before=settled())


def test_reader(snap_compare: SnapCompare, tmp_path: Path) -> None:
    keys = ("slash", *"quantization", "enter", "enter")
    assert snap_compare(app_for(tmp_path), terminal_size=(80, 24), run_before=settled(*keys))


def test_help(snap_compare: SnapCompare, tmp_path: Path) -> None:
    assert snap_compare(
        app_for(tmp_path), terminal_size=(100, 50), run_before=settled("question_mark")
    )


def test_style_picker(snap_compare: SnapCompare, tmp_path: Path) -> None:
    keys = ("slash", *"back to basics", "enter", "C", "down")
    assert snap_compare(app_for(tmp_path), terminal_size=(120, 30), run_before=settled(*keys))
