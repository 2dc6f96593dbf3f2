"""The explorer driven by Pilot: every key and panel, against a real library."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from textual.widgets import Input

from search_index import Library, Paper, Sort
from tests.tui.conftest import big_library, settle
from tui.screens.date_filter import DateFilterScreen
from tui.screens.help import HelpScreen
from tui.screens.main import MainScreen
from tui.screens.style_picker import StylePicker
from tui.widgets.results import PAGE_SIZE, ResultsList
from tui.widgets.search_bar import SearchBar
from tui.widgets.status_line import StatusLine
from tui.widgets.viewer import AbstractViewer


def status(app) -> str:  # type: ignore[no-untyped-def]
    return str(app.screen.query_one(StatusLine).render())


def results(app) -> ResultsList:  # type: ignore[no-untyped-def]
    return app.screen.query_one(ResultsList)


def titles(app) -> list[str]:  # type: ignore[no-untyped-def]
    return [h.paper.title for h in results(app).hits]


async def test_starts_with_every_seed_paper(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "19 of 19 papers" in status(app)
        assert len(results(app).hits) == 19
        assert isinstance(app.focused, ResultsList)
        viewer = app.screen.query_one(AbstractViewer)
        assert viewer.paper == results(app).hits[0].paper


async def test_typing_narrows_results_and_keys_are_text_in_the_search_box(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        assert isinstance(app.focused, SearchBar)
        # j, k, g, q, c are letters here, not navigation, quitting or copying.
        await pilot.press(*"quantization")
        await settle(pilot)
        assert app.screen.query_one(SearchBar).value == "quantization"
        assert titles(app) == ["Intriguing Properties of Quantization at Scale"]
        assert "1 of 19 papers" in status(app)
        assert app.clipboard == ""
        await pilot.press("escape")
        assert isinstance(app.focused, ResultsList)


async def test_a_burst_of_typing_runs_one_search_for_the_final_text(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"merging", "backspace", *"ng")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        assert screen.results is not None and screen.results.query == "merginng"[:-2] + "ng"


async def test_navigation_keys_move_the_cursor_and_the_viewer_follows(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        listing = results(app)
        viewer = app.screen.query_one(AbstractViewer)
        await pilot.press("j", "j")
        assert listing.highlighted == 2
        assert viewer.paper == listing.hits[2].paper
        await pilot.press("k")
        assert listing.highlighted == 1
        await pilot.press("G")
        assert listing.highlighted == 18
        await pilot.press("g")
        assert listing.highlighted == 0
        await pilot.press("down", "down", "up")
        assert listing.highlighted == 1
        await pilot.press("pagedown")
        assert listing.highlighted > 1


async def test_enter_reads_full_width_and_escape_returns(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        assert app.screen.has_class("-reading")
        assert not results(app).display
        assert isinstance(app.focused, AbstractViewer)
        viewer = app.screen.query_one(AbstractViewer)
        assert viewer.outer_size.width == 80
        await pilot.press("escape")
        assert not app.screen.has_class("-reading")
        assert isinstance(app.focused, ResultsList)


async def test_c_copies_bibtex_and_says_how(make_app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"back to basics", "enter")
        await settle(pilot)
        await pilot.press("c")
        await pilot.pause()
        assert app.clipboard.startswith("@misc{ahmadian2024back,")
        assert "Arash Ahmadian and Chris Cremer and Matthias Gallé and others" in app.clipboard
        saved = tmp_path / "state" / "last-citation.txt"
        assert saved.read_text("utf-8").strip() == app.clipboard.strip()
        messages = [n.message for n in app._notifications]
        assert any(
            "BibTeX for 'Back to Basics" in m and "terminal clipboard" in m and str(saved) in m
            for m in messages
        )


async def test_style_picker_previews_and_copies(make_app) -> None:  # type: ignore[no-untyped-def]
    from textual.widgets import Input as TextInput
    from textual.widgets import OptionList

    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"quantization", "enter")
        await settle(pilot)
        await pilot.press("C")
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, StylePicker)
        preview = picker.query_one("#style-preview")
        assert str(preview.render()).startswith("@misc{ahmadian2023intriguing,")
        styles = picker.query_one("#style-list", OptionList)
        styles.highlighted = picker.style_names.index("apa")
        await pilot.pause()
        apa = str(preview.render())
        assert apa == (
            "Ahmadian, A., Dash, S., Chen, H., et al. (2023). "
            "Intriguing Properties of Quantization at Scale."
        )
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert app.clipboard == apa
        # The chosen style sticks for `c`.
        await pilot.press("y", "c")
        assert app.clipboard == apa
        # Any style of the collection can be typed; a typo is explained in the preview.
        await pilot.press("C")
        await pilot.pause()
        other = app.screen.query_one("#style-other", TextInput)
        other.focus()
        await pilot.press(*"chicgo")
        await pilot.pause()
        assert "Did you mean" in str(app.screen.query_one("#style-preview").render())
        await pilot.press("enter")
        assert isinstance(app.screen, StylePicker)  # not accepted
        await pilot.press("ctrl+u", *"ieee", "enter")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert app.clipboard.startswith("[1] A. Ahmadian et al., “Intriguing Properties")


async def test_y_copies_id_and_link(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"quantization", "enter")
        await settle(pilot)
        await pilot.press("y")
        paper = results(app).hits[0].paper
        assert app.clipboard.startswith(paper.id)


async def test_o_without_a_display_copies_the_link(make_app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    library = Library.open(tmp_path / "lib", seed=False)
    library.add(
        [
            Paper(
                id="2402.14740",
                title="Back to Basics",
                authors=("Arash Ahmadian",),
                published=dt.date(2024, 2, 22),
                categories=("cs.LG",),
            )
        ]
    )
    app = make_app(library)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("o")
        assert app.clipboard == "https://arxiv.org/abs/2402.14740"


async def test_sort_cycles_and_changes_order_and_status(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"merging", "enter")
        await settle(pilot)
        assert "sort: relevance" in status(app)
        await pilot.press("s")
        await settle(pilot)
        assert "sort: newest" in status(app)
        dates = [h.paper.published for h in results(app).hits]
        assert dates == sorted(dates, reverse=True)
        await pilot.press("s")
        await settle(pilot)
        assert "sort: oldest" in status(app)
        dates = [h.paper.published for h in results(app).hits]
        assert dates == sorted(dates)
        assert isinstance(app.screen, MainScreen) and app.screen.sort is Sort.OLDEST


async def test_category_filter_toggles_and_counts(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("t")
        categories = app.screen.query_one("#categories")
        assert app.focused is categories
        labels = [
            str(categories.get_option_at_index(i).prompt) for i in range(categories.option_count)
        ]
        assert labels[0].split()[:2] == ["cs.LG", "10"]
        assert any(label.startswith("cs.AI") and " 1 " in label for label in labels)
        # cs.AI is last (fewest): toggle it.
        await pilot.press("end", "space")
        await settle(pilot)
        assert "1 of 19 papers" in status(app)
        assert "cs.AI" in status(app)
        # A second category at once: any-of.
        await pilot.press("home", "space")
        await settle(pilot)
        assert "11 of 19 papers" in status(app)
        await pilot.press("x")
        await settle(pilot)
        assert "19 of 19 papers" in status(app)


async def test_date_filter_presets_custom_and_validation(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("d")
        assert isinstance(app.screen, DateFilterScreen)
        # A year typed alone means that whole year.
        app.screen.query_one("#date-from", Input).value = "2023"
        await pilot.click("#date-apply")
        await settle(pilot)
        assert "3 of 19 papers" in status(app)
        assert "2023" in status(app)
        await pilot.press("d")
        app.screen.query_one("#date-from", Input).value = "2024-13"
        app.screen.query_one("#date-from", Input).focus()
        await pilot.press("enter")
        assert isinstance(app.screen, DateFilterScreen)
        assert "no month 13" in str(app.screen.query_one("#date-error").render())
        app.screen.query_one("#date-from", Input).value = "2025-01-01"
        app.screen.query_one("#date-to", Input).value = "2024-01-01"
        await pilot.press("enter")
        assert "after" in str(app.screen.query_one("#date-error").render())
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        await pilot.press("d")
        await pilot.press("enter")  # "Any time"
        await settle(pilot)
        assert "19 of 19 papers" in status(app)


async def test_typing_a_year_in_the_date_dialog_needs_no_tab(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("d", "2", "0", "2", "3", "enter")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert "3 of 19 papers" in status(app)
        # The next range typed replaces the whole of the last one, "to" included.
        await pilot.press("d")
        app.screen.query_one("#date-to", Input).value = "2023-12-31"
        app.screen.query_one("#date-presets").focus()
        await pilot.press("2", "0", "2", "5", "enter")
        await settle(pilot)
        assert "2025" in status(app) and "2023-12-31" not in status(app)


async def test_has_code_filter(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        assert "2 of 19 papers" in status(app) and "with code" in status(app)


async def test_help_lists_every_key_and_the_citation_file(make_app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=(100, 60)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = str(app.screen.query_one("#help-body Static").render())
        for key in ("/", "j / k", "g / G", "pgup / pgdn", "enter", "esc", "tab", "c ", "C ",
                    "y ", "o ", "space", "U ", "e ", "t ", "d ", "h ", "s ", "x ", "f ", "?", "q",
                    "ctrl+p"):  # fmt: skip
            assert f"  {key}" in text, key
        assert str(tmp_path / "state" / "last-citation.txt") in text
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)


async def test_palette_offers_every_action(make_app) -> None:  # type: ignore[no-untyped-def]
    from tui.commands import EXPLORER_COMMANDS

    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        titles_offered = {c.title for c in app.get_system_commands(app.screen)}
        assert {title for title, _, _ in EXPLORER_COMMANDS} <= titles_offered
        bound = {b.action for b in MainScreen.BINDINGS}
        palette_actions = {action for _, _, action in EXPLORER_COMMANDS}
        assert bound - palette_actions <= {"back", "cursor_down", "cursor_up"}
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"cycle sort", "enter")
        await settle(pilot)
        assert "sort: newest" in status(app)


async def test_q_quits(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("q")
        await pilot.pause()
        assert app.return_code == 0 and not app.is_running


async def test_results_arrive_in_pages(make_app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    library = big_library(tmp_path / "big", 3000)
    app = make_app(library)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        listing = results(app)
        assert listing.total == 3000
        assert len(listing.hits) == PAGE_SIZE
        assert f"3000 of 3000 papers ({PAGE_SIZE} loaded)" in status(app)
        await pilot.press("G")
        await settle(pilot)
        assert len(listing.hits) == 2 * PAGE_SIZE
        ids = [h.paper.id for h in listing.hits]
        assert len(set(ids)) == len(ids)
        await pilot.press("slash", *"quantization", "enter")
        await settle(pilot)
        assert listing.total == 500 and len(listing.hits) == PAGE_SIZE


async def test_hostile_text_shows_literally_and_runs_nothing(make_app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    library = Library.open(tmp_path / "lib", seed=False)
    title = "[bold]Bold[/] [@click=app.quit]click[/] [/] \x1b]52;c;aGk=\x07 end"
    library.add(
        [
            Paper(
                id="2401.00001",
                title=title,
                authors=("Eve [red]Mallory[/]",),
                published=dt.date(2024, 1, 1),
                abstract="Abstract with [link=https://evil]link[/link] and \x1b[2J clear.",
            )
        ]
    )
    app = make_app(library)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        viewer = app.screen.query_one(AbstractViewer)
        shown = str(viewer.query_one("#viewer-title").render())
        assert "[bold]Bold[/] [@click=app.quit]click[/] [/]" in shown
        assert "\x1b" not in shown and "\x07" not in shown
        abstract = str(viewer.query_one("#viewer-abstract").render())
        assert "[link=https://evil]link[/link]" in abstract and "\x1b" not in abstract
        await pilot.click("#viewer-title")
        await pilot.pause()
        assert app.is_running


# A record stored before the importers cleaned everything, or by another program: escape
# sequences (OSC 52 writes the clipboard, OSC 0 retitles the window), 8-bit C1 controls.
DIRTY = "\x1b]52;c;aGk=\x07\x1b]0;retitled\x07\x9b2J\x07"
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _dirty_library(path: Path) -> Library:
    library = Library.open(path, seed=False)
    library.add(
        [
            Paper(
                id="2401.00001",
                title=f"Dirty {DIRTY} title",
                authors=(f"Eve {DIRTY} Mallory", "Bob Builder"),
                published=dt.date(2024, 1, 1),
                abstract=f"An abstract {DIRTY} here.",
                categories=("cs.LG", f"x{DIRTY}"),
            )
        ]
    )
    return library


async def test_the_filter_panel_and_status_line_show_stored_category_codes_as_text(
    make_app, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    app = make_app(_dirty_library(tmp_path / "lib"))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("t")
        categories = app.screen.query_one("#categories")
        labels = [
            str(categories.get_option_at_index(i).prompt) for i in range(categories.option_count)
        ]
        assert len(labels) == 2 and [_CONTROL.findall(label) for label in labels] == [[], []]
        assert labels[-1].split()[:2] == ["x", "1"], labels  # the sequences removed whole
        await pilot.press("end", "space")  # the dirty code is last (alphabetically after cs.LG)
        await settle(pilot)
        assert "1 of 1 papers" in status(app)
        assert _CONTROL.findall(status(app)) == []


async def test_copying_a_stored_uncleaned_record_copies_and_says_text_only(
    make_app, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    app = make_app(_dirty_library(tmp_path / "lib"))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        for key, style in (("c", "bibtex"), ("y", None)):
            if style:
                app.citation_style = style
            await pilot.press(key)
            await pilot.pause()
            # Newlines stay: the BibTeX entry is several lines, as `paperscope cite` prints it.
            assert _CONTROL.findall(app.clipboard.replace("\n", "")) == []
        saved = (tmp_path / "state" / "last-citation.txt").read_text("utf-8")
        assert _CONTROL.findall(saved.replace("\n", "")) == []
        messages = [n.message for n in app._notifications]
        assert any("BibTeX for 'Dirty" in m for m in messages), messages
        assert any("Id of 'Dirty" in m for m in messages), messages
        assert [m for m in messages if _CONTROL.search(m)] == []
        app.citation_style = "ris"
        await pilot.press("c")
        await pilot.pause()
        assert app.clipboard.count("\n") > 3 and _CONTROL.findall(app.clipboard) == []


async def test_empty_library_and_no_match_say_so(make_app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    app = make_app(Library.open(tmp_path / "none", seed=False))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "0 of 0 papers" in status(app)
        await pilot.press("c")
        assert app.clipboard == ""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"quantizaton", "enter")
        await settle(pilot)
        assert "did you mean: quantization" in status(app)
        await pilot.press("slash", "ctrl+u", *'"unbalanced', "enter")
        await settle(pilot)
        assert "plain words" in status(app)


async def test_settings_choose_the_style_and_rebind_keys(make_app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from tui.config import load_config

    path = tmp_path / "config.toml"
    path.write_text('citation_style = "key"\n[keymap]\n"main.copy_citation" = "ctrl+y"\n')
    app = make_app(config=load_config(path))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("c")  # no longer bound
        assert app.clipboard == ""
        await pilot.press("ctrl+y")
        assert app.clipboard == results(app).hits[0].paper.citation_key


async def test_a_broken_settings_file_is_reported_not_fatal(make_app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from tui.config import load_config

    path = tmp_path / "config.toml"
    path.write_text('citation_style = "apa-ish"\n[keymap\n')
    config = load_config(path)
    assert config.problems and str(path) in config.problems[0]
    app = make_app(config=config)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "19 of 19 papers" in status(app)
        assert any(str(path) in n.message for n in app._notifications)


async def test_marks_copy_and_export_several_papers(make_app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from textual.widgets import Input as TextInput

    from tui.screens.export import ExportScreen

    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"merging", "enter")
        await settle(pilot)
        first, second = results(app).hits[0].paper, results(app).hits[1].paper
        await pilot.press("space", "space")  # marks the first two (space moves down)
        assert "2 marked" in status(app)
        assert str(results(app).get_option_at_index(0).prompt).startswith("● ")
        await pilot.press("c")
        assert app.clipboard.count("@misc{") == 2
        assert first.citation_key in app.clipboard and second.citation_key in app.clipboard
        # Marks survive a new search and a restart; the export writes them all.
        await pilot.press("slash", "ctrl+u", *"quantization", "enter")
        await settle(pilot)
        assert "2 marked" in status(app)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ExportScreen)
        target = tmp_path / "out.bib"
        app.screen.query_one(TextInput).value = str(target)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        written = target.read_text()
        assert written.count("@misc{") == 2 and first.citation_key in written
    again = make_app()
    async with again.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert (tmp_path / "state" / "marks.txt").read_text().count("\n") == 2
        assert "2 marked" in status(again)
        await pilot.press("U")
        assert "marked" not in status(again)
    assert (tmp_path / "state" / "marks.txt").read_text() == ""


async def test_export_to_an_unwritable_place_says_why(make_app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from textual.widgets import Input as TextInput

    from tui.screens.export import ExportScreen

    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ExportScreen)
        app.screen.query_one(TextInput).value = str(tmp_path / "no" / "such" / "dir" / "x.bib")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ExportScreen)
        assert "Cannot write" in str(app.screen.query_one("#export-error").render())
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)
