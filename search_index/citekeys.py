"""Citation keys in the usual style, `ahmadian2024back`, unique within a library."""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Callable, Iterator

from search_index.models import Paper

# Words that never make a key: articles, prepositions, conjunctions and the like, as in the keys
# Google Scholar and most reference managers produce.
_SKIP = frozenset(
    """a an the on of in for to and or with via from by at as is are be do does can
    towards toward into onto over under about what when why how which who whose this that these
    those we our you your it its not no""".split()
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


def _suffixes() -> Iterator[str]:
    yield ""
    for letter in string.ascii_lowercase:
        yield letter
    for first in string.ascii_lowercase:
        for second in string.ascii_lowercase:
            yield first + second


def unique_key(paper: Paper, taken: Callable[[str], bool]) -> str:
    """The base key, or the base key with the first free suffix (`a`, `b`, ... `aa`)."""
    base = base_key(paper)
    for suffix in _suffixes():
        if not taken(base + suffix):
            return base + suffix
    raise RuntimeError(f"no free citation key for {base}")  # 703 papers with one key: not real
