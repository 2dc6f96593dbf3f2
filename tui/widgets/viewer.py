"""The abstract viewer: the whole paper under the cursor, scrollable, plain text only."""

from __future__ import annotations

from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from search_index import Paper, SearchHit, one_line
from tui.render import categories_text, highlighted


def _row(label: str, value: str) -> Content:
    return Content.assemble((f"{label:<11}", "bold"), (one_line(value), ""))


class AbstractViewer(VerticalScroll):
    BINDINGS = [
        Binding("j", "scroll_down", "Scroll down", show=False, id="viewer.down"),
        Binding("k", "scroll_up", "Scroll up", show=False, id="viewer.up"),
        Binding("g", "scroll_home", "Top", show=False, id="viewer.top"),
        Binding("G", "scroll_end", "Bottom", show=False, id="viewer.bottom"),
    ]

    def __init__(self) -> None:
        super().__init__(id="viewer")
        self.can_focus = True
        self.paper: Paper | None = None

    def compose(self):  # type: ignore[no-untyped-def]
        yield Static(id="viewer-title", markup=False)
        yield Static(id="viewer-meta", markup=False)
        yield Static(id="viewer-abstract", markup=False)

    def show(self, hit: SearchHit | None, *, empty_message: str = "No paper selected.") -> None:
        title = self.query_one("#viewer-title", Static)
        meta = self.query_one("#viewer-meta", Static)
        abstract = self.query_one("#viewer-abstract", Static)
        self.paper = hit.paper if hit else None
        if hit is None:
            title.update(Content(empty_message))
            meta.update(Content(""))
            abstract.update(Content(""))
            return
        paper = hit.paper
        title.update(highlighted(paper.title, hit.title_spans))
        rows = [
            _row("Authors", ", ".join(paper.authors) + (", et al." if paper.et_al else "")),
        ]
        if paper.affiliation:
            rows.append(_row("Affiliation", paper.affiliation))
        if paper.categories:
            rows.append(_row("Categories", categories_text(paper)))
        dates = paper.published_text
        if paper.updated and paper.updated != paper.published:
            dates += f" (updated {paper.updated.isoformat()})"
        rows.append(_row("Published", dates))
        rows.append(_row("Id", f"{paper.id}   key: {paper.citation_key or '—'}"))
        if paper.arxiv_id:
            rows.append(_row("arXiv", f"https://arxiv.org/abs/{paper.arxiv_id}"))
        if paper.doi:
            rows.append(_row("DOI", f"https://doi.org/{paper.doi}"))
        for url in paper.code_urls:
            rows.append(_row("Code", url))
        if paper.has_code and not paper.code_urls:
            rows.append(_row("Code", "yes (no link given)"))
        if paper.url and paper.url != paper.first_url:
            rows.append(_row("Link", paper.url))
        if paper.journal_ref:
            rows.append(_row("Journal", paper.journal_ref))
        if paper.comments:
            rows.append(_row("Comments", paper.comments))
        meta.update(Content("\n").join(rows))
        abstract.update(highlighted(paper.abstract or "(no abstract)", hit.abstract_spans))
        self.scroll_home(animate=False)
