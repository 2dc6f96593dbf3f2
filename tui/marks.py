"""Marked papers: what `c` and `e` act on when there are any, kept between sessions.

The marks live in this user's own state directory, never in the library, which may be a
read-only one shared by a lab.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from search_index import NotFound, Paper, SearchService

MARKS_FILE = "marks.txt"


class Marks:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._papers: dict[str, Paper] = {}

    @property
    def ids(self) -> set[str]:
        return set(self._papers)

    def __len__(self) -> int:
        return len(self._papers)

    def __iter__(self) -> Iterator[Paper]:
        return iter(self._papers.values())

    def __contains__(self, paper_id: object) -> bool:
        return paper_id in self._papers

    def toggle(self, paper: Paper) -> bool:
        """Mark or unmark; returns whether the paper is now marked."""
        if paper.id in self._papers:
            del self._papers[paper.id]
            marked = False
        else:
            self._papers[paper.id] = paper
            marked = True
        self.save()
        return marked

    def clear(self) -> None:
        self._papers.clear()
        self.save()

    def load(self, service: SearchService) -> None:
        """Marks from an earlier session; papers no longer in the library are dropped."""
        try:
            ids = self.path.read_text("utf-8").split()
        except OSError:
            return
        for paper_id in ids:
            try:
                self._papers[paper_id] = service.get(paper_id)
            except NotFound:
                continue

    def save(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.path.write_text("".join(f"{i}\n" for i in self._papers), "utf-8")
        except OSError:
            pass  # marks are a convenience: a read-only home must not break the explorer
