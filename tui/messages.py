"""Messages between the search worker, the widgets and the screens."""

from __future__ import annotations

from dataclasses import dataclass

import attrs
from textual.message import Message

from search_index import Filters, Paper, SearchResults, Sort


@attrs.frozen
class SearchRequest:
    """Everything a search depends on; `generation` tells a stale answer from a current one."""

    text: str
    filters: Filters
    sort: Sort
    generation: int
    offset: int = 0


@dataclass
class SearchCompleted(Message):
    request: SearchRequest
    results: SearchResults


@dataclass
class SearchFailed(Message):
    request: SearchRequest
    error: str
    """One line for the user; the traceback goes to the log only."""


@dataclass
class PaperHighlighted(Message):
    """The cursor moved to a paper (or to none): the viewer follows."""

    paper: Paper | None
    hit_index: int


@dataclass
class MoreResultsWanted(Message):
    """The cursor is near the end of what is loaded and more papers match."""

    offset: int
