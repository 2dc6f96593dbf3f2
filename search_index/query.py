"""Query text -> Whoosh query, forgiving: malformed syntax is searched as plain words."""

from __future__ import annotations

import copy
import fnmatch
import heapq
import itertools
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator

import attrs
from whoosh import qparser, query
from whoosh.analysis import STOP_WORDS, Analyzer
from whoosh.fields import Schema
from whoosh.reading import IndexReader

from search_index.schema import SPELL_FIELD
from search_index.text import strip_controls

DEFAULT_FIELDS = ("title", "abstract", "authors")
ALIASES = {
    "title": ["ti"],
    "abstract": ["abs"],
    "authors": ["author", "au"],
    "categories": ["cat", "category"],
}
_FIELD_NAMES = {name for names in ALIASES.values() for name in names} | set(ALIASES) | {"year"}
_OPERATOR = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"}


@attrs.frozen
class ParsedQuery:
    query: query.Query
    plain: bool
    """The text was malformed and was searched as plain words instead."""
    problem: str | None = None


def make_parser(schema: Schema) -> qparser.QueryParser:
    parser = qparser.MultifieldParser(list(DEFAULT_FIELDS), schema, group=qparser.AndGroup)
    parser.add_plugin(qparser.FieldAliasPlugin(ALIASES))
    parser.add_plugin(qparser.FuzzyTermPlugin())
    parser.add_plugin(qparser.GtLtPlugin())
    return parser


def find_problem(text: str) -> str | None:
    """Say what is wrong with query text that Whoosh would silently misread, if anything."""
    if text.count('"') % 2:
        return "an unbalanced quote"
    depth = 0
    for char in _without_quoted(text):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            return "an unbalanced parenthesis"
    if depth:
        return "an unbalanced parenthesis"
    words = _without_quoted(text).replace("(", " ").replace(")", " ").split()
    for word in words:
        field, colon, rest = word.partition(":")
        if colon and field.lower() in _FIELD_NAMES and not rest:
            return f"'{word}' with nothing after it"
        term = rest if colon and field.lower() in _FIELD_NAMES else word
        if term and not term.strip("*?~"):
            return f"a lone '{term}'"
    if words and (words[0] in _OPERATOR - {"NOT"} or words[-1] in _OPERATOR):
        return "an operator with nothing on one side"
    return None


def _without_quoted(text: str) -> str:
    return re.sub(r'"[^"]*"', " ", text)


def plain_words(text: str) -> str:
    """The words of the text with every piece of syntax removed (operators lowercased)."""
    words = re.findall(r"\w+", text)
    return " ".join(w.lower() if w in _OPERATOR else w for w in words)


def parse(parser: qparser.QueryParser, text: str) -> ParsedQuery:
    # Control characters and lone surrogates are no search terms. A surrogate is what the
    # command line makes of a byte that is not UTF-8 (`paperscope search $'\xff*'`), and Whoosh
    # raised UnicodeEncodeError on it, through every layer, as a traceback.
    text = strip_controls(text).strip()
    if not text:
        return ParsedQuery(query.Every(), plain=False)
    problem = find_problem(text)
    if problem is None:
        try:
            q = parser.parse(text)
        except Exception as exc:  # Whoosh raises bare Exceptions and worse on odd input
            problem = f"syntax Whoosh could not read ({type(exc).__name__})"
        else:
            if not _has_errors(q):
                return ParsedQuery(_drop_stop_words(q, text), plain=False)
            problem = "syntax that could not be read"
    words = plain_words(text)
    q = _drop_stop_words(parser.parse(words), words) if words else query.NullQuery
    return ParsedQuery(q, plain=True, problem=problem)


def _drop_stop_words(q: query.Query, text: str) -> query.Query:
    """Forget stop words that only the unstemmed authors field kept.

    "back to basics" must not require an author called "to": the prose fields drop stop words,
    the names field cannot (Yi An, Will Smith), so a bare author term that is a stop word and
    was not asked for with an author prefix is removed.
    """
    if re.search(r"\b(author|au|authors):", text, re.IGNORECASE):
        return q

    def visit(node: query.Query) -> query.Query:
        if (
            isinstance(node, query.Term)
            and node.fieldname == "authors"
            and str(node.text) in STOP_WORDS
        ):
            return query.NullQuery
        return node

    return q.accept(visit).normalize()


_STEMMED = ("title", "abstract")
MAX_EXPANSION = 256
"""Index words a wildcard stands for at most, per field. `a*` over a library with 40,000 author
names made a query of 40,000 terms, and a search of 48 s; the words that most papers have are
kept. A few hundred words keep a search well under a second."""

MAX_EDITS = 2
"""Edits a fuzzy term may make at most. Whoosh builds a Levenshtein automaton per fuzzy term,
whose size grows exponentially with the distance: `optimizaton~8` did not finish in a minute
(found by tests/hostile/test_hostile_properties.py); two edits catch the misspellings people
make, as in Lucene, which caps it at two too."""


class Expansion(query.MultiTerm):  # type: ignore[misc]
    """A wildcard cut to the `MAX_EXPANSION` index words of its field that most papers have.

    Searched like the wildcard it replaces (constant score), but over the chosen words only, so
    that matching, highlighting and the facet counts all stay bounded.
    """

    def __init__(self, fieldname: str, pattern: str, btexts: Iterable[bytes], boost: float = 1.0):
        self.fieldname = fieldname
        self.text = pattern
        """The wildcard as the user gave it, for display."""
        self.btexts = tuple(btexts)
        self.boost = boost
        self.constantscore = True

    def _btexts(self, ixreader: IndexReader) -> Iterator[bytes]:
        return iter(self.btexts)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Expansion) and (
            self.fieldname,
            self.text,
            self.btexts,
            self.boost,
        ) == (other.fieldname, other.text, other.btexts, other.boost)

    def __hash__(self) -> int:
        return hash((self.fieldname, self.text, self.btexts, self.boost))

    def __repr__(self) -> str:
        return f"Expansion({self.fieldname!r}, {self.text!r}, {len(self.btexts)} terms)"

    def __str__(self) -> str:
        return f"{self.fieldname}:{self.text}"


def _pattern(node: query.PatternQuery) -> tuple[str, Callable[[str], object] | None]:
    """The literal prefix of a wildcard and, unless the prefix says it all, a test of the rest."""
    text = str(node.text)
    if isinstance(node, query.Prefix):
        return text, None
    prefix = re.split(r"[*?\[]", text, maxsplit=1)[0]
    return prefix, re.compile(fnmatch.translate(text)).match


def _pattern_words(
    reader: IndexReader, fieldname: str, node: query.PatternQuery
) -> Iterator[bytes]:
    """The field's index words that the wildcard matches, in order, read lazily."""
    if fieldname not in reader.schema:
        return
    prefix, matches = _pattern(node)
    field = reader.schema[fieldname]
    candidates = reader.expand_prefix(fieldname, prefix) if prefix else reader.lexicon(fieldname)
    for btext in candidates:
        if matches is None or matches(field.from_bytes(btext)):
            yield btext


def bound(node: query.PatternQuery, reader: IndexReader) -> query.Query:
    """The wildcard itself when it stands for at most `MAX_EXPANSION` words, else an `Expansion`
    to the words most papers have (ties alphabetically)."""
    fieldname = node.field()
    if fieldname not in reader.schema or not str(node.text).strip("*"):
        return node  # `*` and an empty prefix are Every, which Whoosh runs without words
    words = _pattern_words(reader, fieldname, node)
    if sum(1 for _ in itertools.islice(words, MAX_EXPANSION + 1)) <= MAX_EXPANSION:
        return node
    # Frequencies from each segment's own term list: the MultiReader merges the segments' lists
    # in Python, and read 40,000 terms with their frequencies in 1.2 s, the segments in 0.1 s.
    prefix, matches = _pattern(node)
    field = reader.schema[fieldname]
    papers: Counter[bytes] = Counter()
    for segment, _ in reader.leaf_readers():
        for btext, info in segment.iter_prefix(fieldname, prefix):
            if matches is None or matches(field.from_bytes(btext)):
                papers[btext] += info.doc_frequency()
    chosen = heapq.nsmallest(MAX_EXPANSION, papers.items(), key=lambda kv: (-kv[1], kv[0]))
    # Shown as the user typed it: a prefix's text is the part before its `*`.
    typed = f"{node.text}*" if isinstance(node, query.Prefix) else str(node.text)
    return Expansion(fieldname, typed, sorted(b for b, _ in chosen), boost=node.boost)


def widen(q: query.Query, reader: IndexReader, analyzer: Analyzer) -> query.Query:
    """Bound what wildcards stand for, and let wildcards and fuzzy terms on stemmed fields also
    match the words as written.

    `quantizaton~` is one edit from "quantization" but four from its stem "quantiz", and
    `optimiz*` is no prefix of the stem "optim". The spelling field holds the unstemmed words:
    expand the pattern there, stem what it finds, and search the stems too. A wildcard that
    stands for more than `MAX_EXPANSION` words is cut to those most papers have (see `bound`).
    """

    def visit(node: query.Query) -> query.Query:
        if not isinstance(node, query.PatternQuery | query.FuzzyTerm):
            return node
        if isinstance(node, query.PatternQuery) and not str(node.text).strip("*"):
            return node  # Every: every paper, no words
        if isinstance(node, query.FuzzyTerm) and node.maxdist > MAX_EDITS:
            node = copy.copy(node)
            node.maxdist = MAX_EDITS
        searched = bound(node, reader) if isinstance(node, query.PatternQuery) else node
        if node.field() not in _STEMMED:
            return searched
        if isinstance(node, query.PatternQuery):
            # Read lazily, so that `a*` stops after a few hundred words instead of checking
            # every word of the library.
            words: Iterable[bytes | str] = _pattern_words(reader, SPELL_FIELD, node)
        else:
            twin = copy.copy(node)
            twin.fieldname = SPELL_FIELD
            words = (word for _, word in twin.existing_terms(reader, expand=True))
        stems: set[str] = set()
        for word in words:
            text = word.decode("utf-8") if isinstance(word, bytes) else str(word)
            stems.update(t.text for t in analyzer(text))
            if len(stems) >= MAX_EXPANSION:
                break
        if not stems:
            return searched
        return query.Or([searched, *(query.Term(node.field(), stem) for stem in sorted(stems))])

    return q.accept(visit)


def _has_errors(q: query.Query) -> bool:
    if isinstance(q, query.qcore._NullQuery):
        return True
    return any(isinstance(sub, query.qcore._NullQuery) for sub in q.leaves())
