"""Indexing the words of titles, abstracts and names without Whoosh's token pipeline.

Whoosh analyses a field through a chain of generators (tokenizer, lowercase, accent folding,
stop words, stemming), each passing a `Token` object along per word, and then groups positions
by word: about a quarter of an import's time. For paperscope's own two analyzers the same words,
positions, weights and encoded postings come out of one regular expression, two string methods
and a dictionary of stems. Whoosh's `Positions.word_values` is replaced by a version that takes
this path when a field's analyzer is one of the two, checked part by part (an index written by an
older paperscope, or a future analyzer, with any difference goes through Whoosh as before).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from whoosh import formats
from whoosh.analysis import (
    Analyzer,
    CharsetFilter,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
)
from whoosh.analysis.analyzers import CompositeAnalyzer

Words = Callable[[str], dict[str, list[int]]]
"""Each word of a text (as indexed) and its positions."""

_STEMS_KEPT = 200_000
"""Stems remembered; the dictionary starts again beyond this (a million papers' vocabulary,
numbers and misspellings included, would otherwise grow without bound)."""

_original_word_values = formats.Positions.word_values
_fast: dict[int, tuple[Analyzer, Words | None]] = {}
_known: list[tuple[tuple[object, ...], Words]] = []


def register(analyzer: Analyzer) -> None:
    """Index fields analysed like `analyzer` (one of schema.py's) on the fast path."""
    signature = _signature(analyzer)
    if signature is None:
        raise ValueError(f"no fast path for {analyzer!r}")
    if all(known != signature for known, _ in _known):
        _known.append((signature, _words_for(analyzer)))


def _signature(analyzer: Analyzer) -> tuple[object, ...] | None:
    """What decides the words an analyzer of these parts makes, or None for other analyzers."""
    if not isinstance(analyzer, CompositeAnalyzer) or not analyzer.items:
        return None
    parts: list[tuple[Any, ...]] = []
    for item in analyzer.items:
        kind = type(item)
        if kind is RegexTokenizer:
            parts.append((kind, item.expression.pattern, item.expression.flags, item.gaps))
        elif kind is LowercaseFilter:
            parts.append((kind,))
        elif kind is CharsetFilter:
            parts.append((kind, tuple(sorted(item.charmap.items()))))
        elif kind is StopFilter:
            parts.append((kind, item.stops, item.min, item.max, item.renumber))
        elif kind is StemFilter:
            parts.append((kind, item.stemfn, item.lang, frozenset(item.ignore)))
        else:
            return None
    if parts[0][0] is not RegexTokenizer or any(p[0] is RegexTokenizer for p in parts[1:]):
        return None
    return tuple(parts)


def _words_for(analyzer: Analyzer) -> Words:
    """The analyzer's chain as one function, for the chains schema.py builds: a tokenizer that
    matches words, then lowercase, accent folding, stop words (renumbering positions) and
    stemming, each optional, in that order."""
    tokenizer, *filters = analyzer.items
    kinds = [type(f) for f in filters]
    expected = [LowercaseFilter, CharsetFilter, StopFilter, StemFilter]
    if kinds != [k for k in expected if k in kinds] or tokenizer.gaps:
        raise ValueError(f"no fast path for {analyzer!r}")
    find = tokenizer.expression.findall
    if tokenizer.expression.groups:
        raise ValueError(f"no fast path for {analyzer!r}")
    by_kind = {type(f): f for f in filters}
    lower = LowercaseFilter in by_kind
    charmap = by_kind[CharsetFilter].charmap if CharsetFilter in by_kind else None
    stop = by_kind.get(StopFilter)
    stem_filter = by_kind.get(StemFilter)
    if stem_filter is not None and stem_filter.lang:
        raise ValueError(f"no fast path for {analyzer!r}")
    stemming = stem_filter is not None
    stemfn: Callable[[str], str] = stem_filter.stemfn if stem_filter is not None else str
    ignore = frozenset(stem_filter.ignore) if stem_filter is not None else frozenset()
    stems: dict[str, str] = {}

    def stem(word: str) -> str:
        if len(stems) >= _STEMS_KEPT:
            stems.clear()
        found = word if word in ignore else stemfn(word)
        stems[word] = found
        return found

    def words(text: str) -> dict[str, list[int]]:
        positions: dict[str, list[int]] = {}
        kept = None  # the renumbered position of the last word kept
        for pos, word in enumerate(find(text)):
            if lower:
                word = word.lower()
            if charmap is not None:
                word = word.translate(charmap)
            if stop is not None:
                if (
                    len(word) < stop.min
                    or (stop.max is not None and len(word) > stop.max)
                    or word in stop.stops
                ):
                    continue
                if stop.renumber:
                    # Whoosh keeps the first word's position and numbers the rest after it.
                    pos = kept = pos if kept is None else kept + 1
            if stemming:
                known = stems.get(word)
                word = stem(word) if known is None else known
            found = positions.get(word)
            if found is None:
                positions[word] = [pos]
            else:
                found.append(pos)
        return positions

    return words


def _lookup(analyzer: Analyzer) -> Words | None:
    entry = _fast.get(id(analyzer))
    if entry is not None and entry[0] is analyzer:
        return entry[1]
    signature = _signature(analyzer)
    found = next((words for known, words in _known if known == signature), None)
    if len(_fast) > 256:  # analyzers of schemas long gone
        _fast.clear()
    _fast[id(analyzer)] = (analyzer, found)
    return found


def _word_values(self: Any, value: Any, analyzer: Analyzer, **kwargs: Any) -> Iterator[Any]:
    # Only as the writer calls it (fields.index): a whole text, positions from 0.
    plain = isinstance(value, str) and set(kwargs) <= {"mode"}
    words = _lookup(analyzer) if plain else None
    if words is None:
        yield from _original_word_values(self, value, analyzer, **kwargs)
        return
    boost = self.field_boost
    encode = self.encode
    for word, positions in words(value).items():
        yield (word, len(positions), float(len(positions)) * boost, encode(positions))


def apply() -> None:
    formats.Positions.word_values = _word_values
