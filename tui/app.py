"""The explorer application: owns the search service, the clipboard and the citation style."""

from __future__ import annotations

import sys
import webbrowser
from collections.abc import Iterable, Sequence
from importlib import resources
from pathlib import Path

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.driver import Driver
from textual.screen import Screen

from search_index import (
    Library,
    Paper,
    PaperscopeError,
    SearchService,
    one_line,
    strip_controls,
    style_label,
)
from tui import clipboard
from tui.commands import explorer_commands
from tui.config import Config, load_config
from tui.driver import with_tmux_passthrough
from tui.marks import MARKS_FILE, Marks
from tui.screens.export import ExportScreen, citation_text, default_export_path
from tui.screens.help import HelpScreen
from tui.screens.main import MainScreen
from tui.screens.style_picker import StylePicker


def styles_dir() -> Path:
    """`styles/` of a source checkout, or `tui/styles` inside an installed wheel."""
    packaged = Path(str(resources.files("tui"))) / "styles"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "styles"


TMUX_ADVICE = (
    "tmux's set-clipboard is not on, so copies do not reach your clipboard; "
    "add `set -g set-clipboard on` to ~/.tmux.conf (see the help screen)."
)

# How a notification names what was copied: "BibTeX for 'Back to Basics…'".
SHORT_LABELS = {
    "bibtex": "BibTeX",
    "biblatex": "BibLaTeX",
    "ris": "RIS",
    "csl-json": "CSL-JSON",
    "markdown": "Markdown",
    "plain": "Reference",
    "key": "Citation key",
    "url": "Link",
}


def _short(title: str, most: int = 48) -> str:
    """A title for a notification, cleaned: Textual drops a BEL but writes an ESC through, so a
    stored title holding an OSC 0 retitled the user's window when its copy was announced."""
    title = one_line(title)
    return title if len(title) <= most else title[: most - 1].rstrip() + "…"


class PaperscopeApp(App[None]):
    TITLE = "paperscope"
    CSS_PATH = [str(styles_dir() / name) for name in ("app.tcss", "main.tcss", "dialogs.tcss")]
    BINDINGS = [
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("question_mark", "help", "Help", id="app.help"),
        Binding("ctrl+p", "command_palette", "Commands", show=False, id="app.palette"),
    ]

    def __init__(
        self,
        service: SearchService,
        *,
        state_dir: Path | None = None,
        initial_query: str = "",
        use_local_clipboard: bool | None = None,
        config: Config | None = None,
    ) -> None:
        super().__init__()
        self.service = service
        self.state_dir = state_dir or clipboard.user_state_dir()
        self.initial_query = initial_query
        self.config = config or Config()
        self.citation_style = self.config.citation_style
        self.use_local_clipboard = use_local_clipboard
        self.tmux_drops_copies = self._tmux.drops_copies

    def get_driver_class(self) -> type[Driver]:
        """Textual's driver, wrapping copies for tmux's passthrough when tmux needs that."""
        # Called by App.__init__ before ours continues, so the tmux answer is kept here.
        self._tmux = clipboard.tmux_clipboard()
        base = super().get_driver_class()
        return with_tmux_passthrough(base) if self._tmux.needs_wrapping else base

    def get_default_screen(self) -> Screen[None]:
        marks = Marks(self.state_dir / MARKS_FILE)
        marks.load(self.service)
        return MainScreen(self.service, self.initial_query, marks)

    def on_mount(self) -> None:
        if self.config.keymap:
            self.set_keymap(dict(self.config.keymap))
        for problem in self.config.problems:
            self.notify(problem, title="Settings", severity="warning", markup=False, timeout=10)
        if self.tmux_drops_copies:
            self.notify(TMUX_ADVICE, severity="warning", timeout=10, markup=False)

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from explorer_commands(screen)
        yield from super().get_system_commands(screen)

    @property
    def citation_file(self) -> Path:
        return self.state_dir / clipboard.LAST_CITATION_FILE

    def action_help(self) -> None:
        self.push_screen(HelpScreen(self.citation_file))

    # -- copying ------------------------------------------------------------------------------

    def _copy(self, text: str, what: str) -> None:
        # Whatever is copied came from paper data: a record stored before the importers cleaned
        # everything put its escape sequences on the clipboard. Newlines and tabs stay, as in
        # `paperscope cite`, for a citation of several lines.
        text = strip_controls(text)
        outcome = clipboard.copy(self, text, self.state_dir, use_local=self.use_local_clipboard)
        if self.tmux_drops_copies and not outcome.local:
            # Saying "sent to the terminal clipboard" would be untrue: tmux keeps it.
            where = f" It is saved in {outcome.file}." if outcome.file else ""
            self.notify(f"{what} was not copied: {TMUX_ADVICE}{where}", title="Not copied",
                        severity="warning", markup=False, timeout=10)  # fmt: skip
            return
        self.notify(f"{what} {outcome.how()}", title="Copied", markup=False, timeout=5)

    def copy_citation(self, paper: Paper | None, style: str | None = None) -> None:
        self.copy_citations([paper] if paper else [], style)

    def copy_citations(self, papers: Sequence[Paper], style: str | None = None) -> None:
        if not papers:
            self.notify("No paper under the cursor to cite.", severity="warning")
            return
        style = style or self.citation_style
        try:
            text = citation_text(papers, style).rstrip("\n")
            label = SHORT_LABELS.get(style) or style_label(style)
        except PaperscopeError as exc:
            self.notify(str(exc), title="Cannot cite", severity="error", markup=False)
            return
        what = (
            f"'{_short(papers[0].title)}'" if len(papers) == 1 else f"{len(papers)} marked papers"
        )
        self._copy(text, f"{label} for {what}")

    def export_citations(self, papers: Sequence[Paper]) -> None:
        if not papers:
            self.notify("Nothing to export: mark papers with space.", severity="warning")
            return
        style = self.citation_style

        def done(path: Path | None) -> None:
            if path is not None:
                self.notify(
                    f"Exported {len(papers)} citations ({style_label(style)}) to {path}",
                    title="Exported",
                    markup=False,
                )

        self.push_screen(ExportScreen(list(papers), style, default_export_path(style)), done)

    def pick_citation_style(self, paper: Paper | None) -> None:
        if paper is None:
            self.notify("No paper under the cursor to cite.", severity="warning")
            return

        def chosen(style: str | None) -> None:
            if style is not None:
                self.citation_style = style
                self.copy_citation(paper, style)

        self.push_screen(StylePicker(paper, self.citation_style), chosen)

    def copy_identifier(self, paper: Paper | None) -> None:
        if paper is None:
            self.notify("No paper under the cursor.", severity="warning")
            return
        text = paper.id + (f" {paper.first_url}" if paper.first_url else "")
        self._copy(text, f"Id of '{_short(paper.title)}'")

    def open_paper_link(self, paper: Paper | None) -> None:
        if paper is None or not paper.first_url:
            self.notify("This paper has no link.", severity="warning")
            return
        url = paper.first_url
        if clipboard.local_clipboard_possible():
            try:
                if webbrowser.open(url):
                    self.notify(f"Opened {one_line(url)}", markup=False)
                    return
            except webbrowser.Error:
                pass
        self._copy(url, "No display here: the link")


def run_explorer(library_dir: str | None) -> int:
    try:
        service = SearchService(Library.open(library_dir))
    except PaperscopeError as exc:
        print(f"paperscope: {strip_controls(str(exc))}", file=sys.stderr)
        return 2
    PaperscopeApp(service, config=load_config()).run()
    return 0
