"""Small, measured fixes to whoosh-reloaded 2.7.5, applied once when search_index is imported.

No Whoosh fork is maintained, so fixes live here, each with the measurement that justified it.
"""

from __future__ import annotations

from typing import Any

from whoosh.codec import whoosh3
from whoosh.query import compound


def _cached_reader(self: Any, fieldname: str, column: Any) -> Any:
    """Remember that a field has no length column, too.

    The original caches only columns that exist, so every posting of an unscored field (ids,
    categories, booleans) asked the filesystem again: 470,000 stat calls and about 4.5 s of a
    30 s import of 10,000 papers, measured with cProfile.
    """
    try:
        return self._readers[fieldname]
    except KeyError:
        pass
    reader = self.column_reader(fieldname, column) if self.has_column(fieldname) else None
    self._readers[fieldname] = reader
    return reader


def apply() -> None:
    whoosh3.W3PerDocReader._cached_reader = _cached_reader
    # An Or (every query word is one, over title, authors and abstract) picks an array matcher
    # when the *segment* has under 5,000 documents, which imports in batches of 2,000 always
    # make: it allocates and scans arrays of the segment's size per word. The union tree is
    # twice as fast on 10,000 papers (plain search p50 22 -> 11 ms, bench/scale.py queries).
    compound.Or.matcher_type = compound.Or.DEFAULT_MATCHER
