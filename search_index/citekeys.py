"""Citation keys in the usual style, `ahmadian2024back`, unique within a library."""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Callable

from search_index.models import Paper

# Words that never make a key: articles, prepositions, conjunctions and the like, as in the keys
# Google Scholar and most reference managers produce.
_SKIP = frozenset(
    [
        "a",
        "an",
        "the",
        "on",
        "of",
        "in",
        "for",
        "to",
        "and",
        "or",
        "with",
        "via",
        "from",
        "by",
        "at",
        "as",
        "is",
        "are",
        "be",
        "do",
        "does",
        "can",
        "towards",
        "toward",
        "into",
        "onto",
        "over",
        "under",
        "about",
        "what",
        "when",
        "why",
        "how",
        "which",
        "who",
        "whose",
        "this",
        "that",
        "these",
        "those",
        "we",
        "our",
        "you",
        "your",
        "it",
        "its",
        "not",
        "no",
    ]
)


def _ascii_words(text: str) -> list[str]:
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_text = decomposed.encode("ascii", "ignore").decode().lower()
    return re.findall(r"[a-z0-9]+", ascii_text)


def family_name(author: str) -> str:
    """The last word of a name, folded to ASCII: `Ahmet Üstün` -> `ustun`."""
    words = _ascii_words(author)
    return words[-1] if words else ""


def base_key(paper: Paper) -> str:
    family = family_name(paper.authors[0]) if paper.authors else "anon"
    title_words = [w for w in _ascii_words(paper.title) if w not in _SKIP and not w.isdigit()]
    first = title_words[0] if title_words else ""
    return f"{family or 'anon'}{paper.published.year}{first}"


def suffix(n: int) -> str:
    """0 -> "", 1 -> "a", 26 -> "z", 27 -> "aa": bijective base 26, as BibTeX tools count."""
    letters = ""
    while n > 0:
        n, rest = divmod(n - 1, 26)
        letters = string.ascii_lowercase[rest] + letters
    return letters


def unique_key(paper: Paper, taken: Callable[[str], bool], start: int = 0) -> tuple[str, int]:
    """The base key with the first free suffix at or after `start`, and that suffix's number.

    Callers that assign many keys remember the number per base, so a popular base ("wang2024
    learning") is not probed from the beginning for every paper.
    """
    base = base_key(paper)
    n = start
    while taken(base + suffix(n)):
        n += 1
    return base + suffix(n), n
