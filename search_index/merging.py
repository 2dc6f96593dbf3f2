"""One paper from several records: a newer snapshot, a new version, a listing entry and its
arXiv record. Pure functions, so the rules can be read and tested apart from the index."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import attrs

from search_index.citekeys import family_name
from search_index.ids import fold_text, is_arxiv_id
from search_index.models import Paper

# A listing entry and an arXiv record are the same paper only if their dates are this close:
# the listing shows the announcement date, arXiv the first version's.
SAME_PAPER_DAYS = 120

_OPTIONAL = (
    "abstract",
    "affiliation",
    "url",
    "doi",
    "journal_ref",
    "comments",
    "title_tex",
    "links",
    "categories",
)


def match_key(paper: Paper) -> str:
    """Folded title and first author's family name: equal for one paper seen in two formats.

    Unlike the content id it ignores given names, which formats write differently
    ("Claas A Voelcker", "Claas A. Voelcker", "C. Voelcker").
    """
    author = family_name(paper.authors[0]) if paper.authors else ""
    return hashlib.sha1(f"{fold_text(paper.title)}\x1f{author}".encode()).hexdigest()[:16]


def freshness(paper: Paper) -> dt.date:
    return paper.updated or paper.published


def merge(old: Paper, new: Paper) -> Paper:
    """The newest record wins where both say something; either fills what the other lacks.

    A replaced mailing entry (no abstract) must not erase the stored abstract, and re-importing
    an older snapshot must not roll back a newer one. The arXiv identity wins over a
    content-derived one; the listing's code flag survives.
    """
    if is_arxiv_id(old.id) != is_arxiv_id(new.id):
        # A listing entry and its arXiv record: arXiv's metadata is the fuller one.
        newer, older = (old, new) if is_arxiv_id(old.id) else (new, old)
    else:
        newer, older = (new, old) if freshness(new) >= freshness(old) else (old, new)
    fields: dict[str, Any] = {
        name: getattr(older, name) if not getattr(newer, name) else getattr(newer, name)
        for name in _OPTIONAL
    }
    authors, et_al = newer.authors, newer.et_al
    if not authors or (newer.et_al and not older.et_al and len(older.authors) > len(authors)):
        authors, et_al = older.authors, older.et_al
    ids = [p.id for p in (old, new) if is_arxiv_id(p.id)]
    updates = [d for d in (old.updated, new.updated) if d]
    return attrs.evolve(
        newer,
        id=ids[0] if ids else old.id,
        authors=authors,
        et_al=et_al,
        published=min(old.published, new.published),
        date_precision=_precision(old, new),
        updated=max(updates) if updates else None,
        has_code=old.has_code or new.has_code,
        code_urls=tuple(dict.fromkeys(newer.code_urls + older.code_urls)),
        citation_key=old.citation_key or new.citation_key,
        **fields,
    )


def _precision(old: Paper, new: Paper) -> str:
    earliest = old if old.published <= new.published else new
    return earliest.date_precision


def same_paper(a: Paper, b: Paper) -> bool:
    """Records under different ids that describe one paper (a listing entry and its arXiv
    record): same match key and close dates."""
    return match_key(a) == match_key(b) and abs((a.published - b.published).days) <= SAME_PAPER_DAYS
