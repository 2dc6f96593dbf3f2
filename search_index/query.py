"""Query text -> Whoosh query, forgiving: malformed syntax is searched as plain words."""

from __future__ import annotations

import copy
import re

import attrs
from whoosh import qparser, query
from whoosh.analysis import STOP_WORDS, Analyzer
from whoosh.fields import Schema
from whoosh.reading import IndexReader

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
_MAX_EXPANSION = 256


def widen(q: query.Query, reader: IndexReader, analyzer: Analyzer) -> query.Query:
    """Let wildcards and fuzzy terms on stemmed fields also match the words as written.

    `quantizaton~` is one edit from "quantization" but four from its stem "quantiz", and
    `optimiz*` is no prefix of the stem "optim". The spelling fields hold the unstemmed words:
    expand the pattern there, stem what it finds, and search the stems too.
    """

    def visit(node: query.Query) -> query.Query:
        if not (isinstance(node, query.PatternQuery | query.FuzzyTerm)) or (
            node.field() not in _STEMMED
        ):
            return node
        twin = copy.copy(node)
        twin.fieldname = f"spell_{node.field()}"
        stems: set[str] = set()
        for _, word in twin.existing_terms(reader, expand=True):
            text = word.decode("utf-8") if isinstance(word, bytes) else str(word)
            stems.update(t.text for t in analyzer(text))
            if len(stems) >= _MAX_EXPANSION:
                break
        if not stems:
            return node
        return query.Or([node, *(query.Term(node.field(), stem) for stem in sorted(stems))])

    return q.accept(visit)


def _has_errors(q: query.Query) -> bool:
    if isinstance(q, query.qcore._NullQuery):
        return True
    return any(isinstance(sub, query.qcore._NullQuery) for sub in q.leaves())
