"""Every paper's category combination, year and publication date, in arrays indexed by
document number.

Facet counts and date filters look up each matched paper; reading Whoosh's columns paper by
paper cost ~1 s for the 200,000 matches of a 200,000-paper library's first screen. These arrays
are read once per searcher (the pool keeps it until the next commit), a whole segment's column
at a time: at 1,000,000 papers that took 5 s through Whoosh's per-document readers and takes a
fraction of a second here, because the bytes are decoded by C code (`array`, `map`) rather than
a Python loop.
"""

from __future__ import annotations

import operator
from array import array
from collections import Counter
from collections.abc import Iterable
from typing import Any

from whoosh import columns
from whoosh.searching import Searcher

from search_index.models import Facets

CATEGORY_COLUMN = "category_list"
YEAR_COLUMN = "year"
PUBLISHED_COLUMN = "published"


class _Numbering(dict[bytes, int]):
    """Numbers values in the order they are first seen; lookups of known values stay in C."""

    def __missing__(self, key: bytes) -> int:
        number = self[key] = len(self)
        return number


class DocArrays:
    """Categories are kept as the number of their combination (there are a few thousand
    combinations, not one a paper); years in the column's raw form, translated only for the
    few distinct values a count finds; publication dates raw too, for date filters to compare
    with bounds put in the same form."""

    def __init__(self, s: Searcher) -> None:
        reader = s.reader()
        numbering = _Numbering()
        self.combination_of = array("I")
        self.year_raw = array("I")
        self.published_raw = array("I")
        self._year_field = s.schema[YEAR_COLUMN]
        for leaf, _offset in reader.leaf_readers():
            self.combination_of.extend(_combinations(leaf, numbering))
            self.year_raw.extend(_numbers(leaf, YEAR_COLUMN))
            self.published_raw.extend(_numbers(leaf, PUBLISHED_COLUMN))
        self.combinations = [tuple(raw.decode().split(",")) if raw else () for raw in numbering]

    def count(self, docs: Iterable[int]) -> Facets:
        categories: Counter[str] = Counter()
        docs = docs if isinstance(docs, (set, frozenset, list)) else list(docs)
        for combination, n in Counter(map(self.combination_of.__getitem__, docs)).items():
            for code in self.combinations[combination]:
                categories[code] += n
        years: Counter[int] = Counter()
        for raw, n in Counter(map(self.year_raw.__getitem__, docs)).items():
            years[self._year_field.from_column_value(raw)] += n
        return Facets(
            categories=tuple(sorted(categories.items(), key=lambda kv: (-kv[1], kv[0]))),
            years=tuple(sorted(years.items())),
        )


def doc_arrays(s: Searcher) -> DocArrays:
    found: DocArrays | None = s.__dict__.get("_paperscope_doc_arrays")
    if found is None:
        found = s.__dict__["_paperscope_doc_arrays"] = DocArrays(s)
    return found


def _combinations(leaf: Any, numbering: _Numbering) -> array[int]:
    column = leaf.column_reader(CATEGORY_COLUMN, translate=False)
    doccount = leaf.doc_count_all()
    if isinstance(column, columns.VarBytesColumn.Reader):
        lengths, offsets = column._lengths, column._offsets
        if len(lengths) == doccount:
            size = offsets[-1] + lengths[-1] if doccount else 0
            blob = column._dbfile.get(column._basepos, size)
            ends = map(operator.add, offsets, lengths)
            values = map(blob.__getitem__, map(slice, offsets, ends))
            return array("I", map(numbering.__getitem__, values))
    # Another layout (a segment without the column, a future Whoosh): value by value.
    return array("I", (numbering[raw or b""] for raw in column))


def _numbers(leaf: Any, field: str) -> array[int]:
    column = leaf.column_reader(field, translate=False)
    return whole_column(column, "I", leaf.doc_count_all())


def whole_column(column: Any, typecode: str, doccount: int) -> array[int]:
    """A numeric column's value for every document, read in one go when it is Whoosh's fixed
    layout of this type (else value by value)."""
    if isinstance(column, columns.NumericColumn.Reader) and column._typecode == typecode:
        stored = min(column._count, doccount)
        values: array[int] = column._dbfile.get_array(column._basepos, typecode, stored)
        if stored < doccount:  # Whoosh leaves trailing defaults unwritten
            values.extend(array(typecode, [column[stored]]) * (doccount - stored))
        return values
    return array(typecode, (column[d] for d in range(doccount)))
