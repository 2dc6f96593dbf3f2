"""The Whoosh schema of a paperscope library and the analyzers behind it."""

from __future__ import annotations

import re

from whoosh import columns, fields
from whoosh.analysis import (
    STOP_WORDS,
    Analyzer,
    CharsetFilter,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
)
from whoosh.support.charset import accent_map

from search_index import fast_analysis, whoosh_patches

whoosh_patches.apply()

# Bump when a field changes. The index name carries it, so an index written by another version
# is never opened with the wrong schema: it is rebuilt from its stored records instead.
SCHEMA_VERSION = 2
INDEX_NAME = f"papers_v{SCHEMA_VERSION}"

# Words keep inner hyphens' parts apart ("multi-task" -> multi, task) but keep digits and letters
# together ("gpt4", "7b"), which is how people type model names.
_WORD = r"\w+(?:\.\w+)*"


def text_analyzer() -> Analyzer:
    """Prose: accent-folded, stop words out, stemmed so that "optimizing" finds "optimization"."""
    return (
        RegexTokenizer(_WORD)
        | LowercaseFilter()
        | CharsetFilter(accent_map)
        | StopFilter(minsize=1)
        | StemFilter(cachesize=50000)
    )


_WORD_RE = re.compile(_WORD)
SPELL_FIELD = "spell"
"""The unstemmed words of the stemmed fields (title and abstract), for "did you mean" and for
wildcards. One field for both: a word is as much a word in a title as in an abstract."""


def spell_words(text: str, seen: set[str]) -> str:
    """The words of `text` as the index's prose analyzer sees them before stemming, minus `seen`.

    Suggestions and wildcard expansion only ask which words exist, never in which papers, so a
    word is indexed once per batch, on the first paper that has it, instead of on every paper:
    that was 43% of all postings, and of the time to write and merge them. Words are added to
    `seen`.
    """
    words = {w for w in _WORD_RE.findall(text.lower().translate(accent_map)) if w not in STOP_WORDS}
    words -= seen
    seen |= words
    return " ".join(sorted(words))


def name_analyzer() -> Analyzer:
    """Names: accent-folded so that `ustun` finds Üstün, never stemmed (Jones is not Jone)."""
    return RegexTokenizer(r"\w+") | LowercaseFilter() | CharsetFilter(accent_map)


fast_analysis.register(text_analyzer())
fast_analysis.register(name_analyzer())
fast_analysis.apply()


def build_schema() -> fields.Schema:
    return fields.Schema(
        # The paper's identity: update_document replaces by it, so re-imports never duplicate.
        id=fields.ID(unique=True, stored=True),
        # The same paper under another identity (a listing entry and its arXiv record) shares
        # this key; the writer looks it up to merge rather than duplicate.
        match=fields.ID(),
        # Looked up by `cite KEY` and checked for uniqueness when a new paper gets its key.
        citekey=fields.ID(stored=True),
        # Ranked text. Title words count more than abstract words (field_boost).
        title=fields.TEXT(analyzer=text_analyzer(), field_boost=2.0),
        abstract=fields.TEXT(analyzer=text_analyzer()),
        # Their unstemmed words (see spell_words), so that "did you mean" suggests words, not
        # stems, and `optimiz*` finds "optimizing" although its stem is "optim".
        spell=fields.KEYWORD(scorable=False),
        authors=fields.TEXT(analyzer=name_analyzer(), field_boost=1.5),
        # Exact codes, lowercased so `cat:cs.cl` works; not scored, they only filter and count.
        categories=fields.KEYWORD(commas=True, lowercase=True, scorable=False),
        # The same codes in their canonical case as a per-document column: facet counts read it
        # for the matching documents only, without touching stored records.
        category_list=fields.COLUMN(columns.VarBytesColumn()),
        # Sortable columns give newest/oldest ordering and cheap per-document lookups.
        # The day as a proleptic ordinal. One term each (shift_step=0): no query ranges over these
        # terms by the million (dates are checked against the column), and Whoosh's default of
        # 8 terms for a date and 8 for a year was 12% of all postings.
        published=fields.NUMERIC(numtype=int, bits=32, sortable=True, shift_step=0),
        year=fields.NUMERIC(numtype=int, bits=32, sortable=True, shift_step=0),
        has_code=fields.BOOLEAN(),
        # The whole Paper as JSON: enough to rebuild it, and to rebuild the index, without the
        # source file. Only this and the ids are stored, which keeps the index small.
        record=fields.STORED(),
    )
