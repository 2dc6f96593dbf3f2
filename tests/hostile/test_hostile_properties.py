"""Property-based tests: every parser takes any input without raising anything but our own
errors, cleans what it keeps, and reads back what we write; a search takes any text.

Settings stay modest (100 examples a test) so the folder runs in CI's time; the `slow` variants
(PAPERSCOPE_SLOW=1) run 20 times as many.

What the round trips leave out, and why (each is what the format cannot carry, or a known
mismatch reported rather than hidden):

* BibTeX: `$` (our BibTeX keeps `$...$` as math on purpose, so it reads back as math);
  `{ } \\ ~ ^` (written as `\\{`, `\\textbackslash{}`, ... by search_index/citations.py, which
  search_index/latex.py does not read back: reported); `--`, ``` `` ``` and `''` (TeX ligatures,
  written unescaped: reported, see test_bibtex_ligatures_read_back below).
* arXiv JSON: the same TeX characters, since the snapshot's text is TeX; words run as the
  snapshot runs them (no line breaks, single spaces), and names as `authors_parsed` holds them.
* Listing: the title is glued to the first author, so titles are sentence-case words ending in
  a lowercase letter and names are capitalised first and last names: other shapes are
  ambiguous by design and rejected rather than guessed (the importer's own rule).
"""

from __future__ import annotations

import datetime as dt
import json
import string
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from search_index import Library, Paper, ParseError, SearchService, cite
from search_index.errors import PaperscopeError
from search_index.importers import arxiv_json, atom, bibtex, listing, mailing
from tests.hostile.corpus import FORBIDDEN, FRAGMENTS, write_corpus

EXAMPLES = 200
QUERY_EXAMPLES = 100
SLOW_EXAMPLES = 2000
PARSERS = {
    "listing": listing.parse,
    "arxiv-json": arxiv_json.parse,
    "atom": atom.parse,
    "bibtex": bibtex.parse,
    "mailing": mailing.parse,
}
COMMON = {
    "deadline": None,
    "database": None,  # no .hypothesis/ folder left in the work tree; failures print their input
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
}


def _settings(examples: int):  # type: ignore[no-untyped-def]
    # The suite's short runs (CI) draw the same examples every time, so that a red CI is a
    # change's doing; the long runs by hand (PAPERSCOPE_SLOW=1) draw new ones.
    derandomize = examples < SLOW_EXAMPLES
    return settings(max_examples=examples, derandomize=derandomize, **COMMON)  # type: ignore[arg-type]


def _text_fields(paper: Paper) -> Iterator[str]:
    for value in attrs.asdict(paper, recurse=False).values():
        for item in value if isinstance(value, tuple) else (value,):
            if isinstance(item, str):
                yield item


def _records(parse_path: Path, fmt: str) -> list[Paper | ParseError]:
    """Parse; our own errors are fine (a whole file unreadable), anything else fails the test."""
    try:
        records = list(PARSERS[fmt](parse_path))
    except PaperscopeError:
        return []
    for record in records:
        assert isinstance(record, Paper | ParseError)
        if isinstance(record, Paper):
            dirty = [text for text in _text_fields(record) if FORBIDDEN.search(text)]
            assert dirty == [], record
        else:
            assert record.source.path == str(parse_path)
            assert not FORBIDDEN.search(str(record).replace("\n", " "))
    return records


# -- any input: no exception but ours, nothing kept uncleaned --------------------------------

_HOSTILE = st.sampled_from([f.text for f in FRAGMENTS])
# Text that is mostly like the format, with hostile pieces and arbitrary characters mixed in.
_PIECES = {
    "listing": [
        "LGSep 11, 2023\n", "CLJan 14\n", "CVFeb 29, 2024Code\n", "XXMay 1, 2020\n",
        "Deep nets for graphsAnn Lee, Bo Li\n", "TitleAnn Lee et al. · MIT\n",
        "An abstract https://github.com/a/b here.\n", "\n", "\r", "\r\n", "\ufeff", "\u2028",
    ],
    "arxiv-json": [
        '{"id": "2401.00001", "title": "T", "authors": "A B and C D", "update_date": "2024-01-01"}\n',
        '{"id": "hep-th/9901001v2", "title": "$\\\\alpha$ x", "versions": [{"created": "Mon, 2 Apr 2007 19:18:42 GMT"}],'
        ' "authors_parsed": [["Lee", "Ann", ""], [null]], "categories": "cs.LG math.CO", "abstract": "  a\\n  b"}\n',
        '{"id": 1}\n', "[]\n", "null\n", "{\n", '{"id": "x", "title": ' + "[" * 3000 + "\n",
        '"\\ud800"', '"\\u001b]0;x\\u0007"', "\n",
    ],
    "atom": [
        '<?xml version="1.0"?>\n',
        '<feed xmlns="http://www.w3.org/2005/Atom" xmlns:arxiv="http://arxiv.org/schemas/atom">\n',
        "<entry>", "</entry>\n", "<id>http://arxiv.org/abs/2401.00001v1</id>",
        "<id>http://arxiv.org/api/errors#x</id>", "<title>T ", "</title>", "<summary>",
        "</summary>", "<published>2024-01-02T00:00:00Z</published>",
        "<author><name>Ann Lee</name></author>", '<arxiv:primary_category term="cs.LG"/>',
        "</feed>\n", "&amp;", "&#x9b;", "&#x202e;", "<![CDATA[x]]>", "\n",
    ],
    "bibtex": [
        "@article{k,\n", "@misc(k,\n", '@string{s = "x"}\n', "  title = {T},\n",
        '  title = "T",\n', "  author = {Lee, Ann and others},\n", "  year = 2020,\n",
        "  month = feb,\n", "  eprint = {2401.00001},\n", "  abstract = {x},\n", "}\n", "{", "}",
        '"', "\\", "%", "#", "@comment{", "\n",
    ],
    "mailing": [
        "\\\\\n", "arXiv:2601.15305\n", "arXiv:2601.15305 (*cross-listing*)\n",
        "Date: Mon, 12 Jan 2026 20:33:39 GMT   (215kb)\n",
        "replaced with revised version Tue, 13 Jan 2026 10:00:00 GMT   (10kb)\n",
        "Title: T\n", "  continued\n", "Authors: A B (MIT), C and D ((1) X)\n",
        "Categories: cs.AI\n", "Comments: c\n", "  abstract line\n",
        "\\\\ ( https://arxiv.org/abs/2601.15305 ,  215kb)\n", "-" * 78 + "\n", "%%--%%--%%\n", "\n",
    ],
}  # fmt: skip


def _format_text(fmt: str) -> st.SearchStrategy[bytes]:
    piece = st.sampled_from(_PIECES[fmt]) | _HOSTILE | st.text(max_size=8)
    return st.lists(piece, max_size=40).map(lambda p: "".join(p).encode("utf-8", "surrogatepass"))


def _any_input(fmt: str) -> st.SearchStrategy[bytes]:
    return st.binary(max_size=400) | _format_text(fmt)


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("properties")


def _check_any_input(scratch: Path, fmt: str, data: bytes) -> None:
    path = scratch / f"input.{fmt}"
    path.write_bytes(data)
    _records(path, fmt)


@pytest.mark.parametrize("fmt", PARSERS)
@_settings(EXAMPLES)
@given(data=st.data())
def test_any_input_gives_papers_and_errors_only(
    scratch: Path, fmt: str, data: st.DataObject
) -> None:
    _check_any_input(scratch, fmt, data.draw(_any_input(fmt)))


@pytest.mark.slow
@pytest.mark.parametrize("fmt", PARSERS)
@_settings(SLOW_EXAMPLES)
@given(data=st.data())
def test_any_input_gives_papers_and_errors_only_long(
    scratch: Path, fmt: str, data: st.DataObject
) -> None:
    _check_any_input(scratch, fmt, data.draw(_any_input(fmt)))


@_settings(EXAMPLES)
@given(data=st.data())
def test_a_listing_file_reads_as_its_text_does(scratch: Path, data: st.DataObject) -> None:
    """The file is read line by line (so a 100 MB line is never held), the text all at once:
    both must give the same records, line numbers included."""
    raw = data.draw(_format_text("listing") | st.binary(max_size=300))
    path = scratch / "same.txt"
    path.write_bytes(raw)
    text = raw.decode("utf-8", "replace")
    reference = dt.date(2026, 11, 26)
    assert list(listing.parse(path, reference_date=reference)) == list(
        listing.parse_text(text, source_name=str(path), reference_date=reference)
    )


@_settings(EXAMPLES)
@given(data=st.data())
def test_a_bibtex_file_reads_as_its_text_does(scratch: Path, data: st.DataObject) -> None:
    """Reading the file with its lines bounded changes nothing for a file of ordinary lines."""
    raw = data.draw(_format_text("bibtex") | st.binary(max_size=300))
    path = scratch / "same.bib"
    path.write_bytes(raw)
    assert list(bibtex.parse(path)) == list(
        bibtex.parse_text(bibtex._decode(raw), source_name=str(path))
    )


# Valid records whose every text field is arbitrary text with hostile pieces in it: whatever is
# kept must be clean, whatever is rejected must be reported.
_FIELD = st.lists(_HOSTILE | st.text(max_size=12), min_size=1, max_size=6).map("".join)


def _hostile_record(fmt: str, title: str, author: str, abstract: str, other: str) -> bytes:
    if fmt == "listing":
        text = f"LGSep 11, 2023\nHostile {title} paperAnn Lee, {author}\n{abstract}\n"
    elif fmt == "arxiv-json":
        record = {
            "id": "2401.00001", "title": title, "authors": f"Ann Lee and {author}",
            "authors_parsed": [["Lee", "Ann", ""], [author, other, ""]], "abstract": abstract,
            "categories": f"cs.LG {other}", "comments": other, "journal-ref": other,
            "doi": other, "update_date": "2024-01-15",
        }  # fmt: skip
        text = json.dumps(record, ensure_ascii=len(title) % 2 == 0) + "\n"
    elif fmt == "atom":
        esc = _xml_text
        text = (
            '<feed xmlns="http://www.w3.org/2005/Atom" xmlns:arxiv="http://arxiv.org/schemas/atom">'
            "<entry><id>http://arxiv.org/abs/2401.00001v1</id>"
            f"<published>2024-01-02T00:00:00Z</published><title>{esc(title)}</title>"
            f"<summary>{esc(abstract)}</summary><author><name>{esc(author)}</name>"
            f"<arxiv:affiliation>{esc(other)}</arxiv:affiliation></author>"
            f"<arxiv:comment>{esc(other)}</arxiv:comment><arxiv:doi>{esc(other)}</arxiv:doi>"
            f'<category term="{esc(other)}"/></entry></feed>\n'
        )
    elif fmt == "bibtex":
        # Braces are BibTeX's own syntax; unbalanced ones are tested with any input above.
        t, a, b, o = (
            v.replace("{", "(").replace("}", ")") for v in (title, author, abstract, other)
        )
        text = (
            f"@article{{k{o[:5]},\n  title = {{{t}}},\n  author = {{Lee, Ann and {a}}},\n"
            f"  year = 2023,\n  abstract = {{{b}}},\n  journal = {{{o}}},\n  note = {{{o}}},\n"
            f"  url = {{{o}}},\n}}\n"
        )
    else:
        one = {k: " ".join(v.split()) for k, v in (("t", title), ("a", author), ("o", other))}
        text = (
            f"\\\\\narXiv:2601.15305\nDate: Mon, 12 Jan 2026 20:33:39 GMT   (215kb)\n\n"
            f"Title: {one['t']}\nAuthors: Ann Lee, {one['a']}\nCategories: cs.AI {one['o']}\n"
            f"Comments: {one['o']}\nJournal-ref: {one['o']}\n\\\\\n  {abstract}\n"
            "\\\\ ( https://arxiv.org/abs/2601.15305 ,  215kb)\n"
        )
    return text.encode("utf-8", "surrogatepass")


def _xml_text(text: str) -> str:
    """What XML 1.0 can carry: no C0 control but tab and newline, no surrogate."""
    kept = (
        "".join(c for c in text if (c >= " " or c in "\t\n") and not "\ud800" <= c <= "\udfff")
        .replace("\ufffe", "")
        .replace("\uffff", "")
    )
    return (
        kept.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def _check_hostile_fields(
    scratch: Path, fmt: str, title: str, author: str, abstract: str, other: str
) -> None:
    path = scratch / f"fields.{fmt}"
    path.write_bytes(_hostile_record(fmt, title, author, abstract, other))
    records = _records(path, fmt)
    assert len(records) >= 1


@pytest.mark.parametrize("fmt", PARSERS)
@_settings(EXAMPLES)
@given(title=_FIELD, author=_FIELD, abstract=_FIELD, other=_FIELD)
def test_hostile_fields_are_cleaned_or_the_record_rejected(
    scratch: Path, fmt: str, title: str, author: str, abstract: str, other: str
) -> None:
    _check_hostile_fields(scratch, fmt, title, author, abstract, other)


@pytest.mark.slow
@pytest.mark.parametrize("fmt", PARSERS)
@_settings(SLOW_EXAMPLES)
@given(title=_FIELD, author=_FIELD, abstract=_FIELD, other=_FIELD)
def test_hostile_fields_are_cleaned_or_the_record_rejected_long(
    scratch: Path, fmt: str, title: str, author: str, abstract: str, other: str
) -> None:
    _check_hostile_fields(scratch, fmt, title, author, abstract, other)


# -- search ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> SearchService:
    """The 19 papers a new library gets, and the hostile corpus's arXiv JSON records but its
    two giants (a prefix query over 10,000 author names takes seconds: a Whoosh matter, and
    reported, not what is tested here)."""
    base = tmp_path_factory.mktemp("search")
    library = Library.open(base / "library", reference_date=dt.date(2026, 11, 26))
    [hostile] = [f for f in write_corpus(base / "corpus") if f.format == "arxiv-json"]
    library.add(
        r
        for r in arxiv_json.parse(hostile.path)
        if isinstance(r, Paper) and len(r.authors) < 100 and len(r.abstract) < 100_000
    )
    return SearchService(library)


_QUERY_PIECES = st.sampled_from(
    ['"', "(", ")", "*", "?", "~", "~2", ":", "^", "[", "]", "{", "}", " TO ", "-", "+", "!",
     "AND ", "OR ", "NOT ", "ANDNOT ", "ANDMAYBE ", "title:", "au:", "author:", "abs:", "cat:",
     "year:", "year:>2020", "year:[2020 TO 2024]", "cs.LG", "merging", "quantiz*", "optimizaton~",
     "\x00", "\x1b[2J", "\ud800", "\udcff*", "é", "中文", "\u202e", "'", "\\", "/", " "]
)  # fmt: skip
_QUERY = st.lists(_QUERY_PIECES | st.text(max_size=6), max_size=12).map("".join) | st.text()


def _check_search(service: SearchService, text: str) -> None:
    results = service.search(text)  # raises nothing, whatever the text
    assert 0 <= len(results.hits) <= results.total <= results.library_size
    for hit in results.hits:
        for span in hit.title_spans:
            assert 0 <= span.start < span.end <= len(hit.paper.title)


@_settings(QUERY_EXAMPLES)
@given(text=_QUERY)
def test_any_query_text_searches_without_raising(service: SearchService, text: str) -> None:
    _check_search(service, text)


@pytest.mark.slow
@_settings(SLOW_EXAMPLES)
@given(text=_QUERY)
def test_any_query_text_searches_without_raising_long(service: SearchService, text: str) -> None:
    _check_search(service, text)


def test_a_surrogate_from_the_command_line_searches(service: SearchService) -> None:
    """`paperscope search $'\\xff*'`: Python gives argv's undecodable byte as a lone surrogate,
    and Whoosh raised UnicodeEncodeError on it."""
    assert service.search("\udcff*").total >= 0
    assert service.search("title:\udcff").total >= 0


# -- round trips ----------------------------------------------------------------------------

_LETTERS = string.ascii_letters + "éüößøåçñ"
_WORD = st.text(alphabet=_LETTERS + string.digits, min_size=1, max_size=9)
_PUNCT = st.sampled_from([*".,:;!?()-'/+*=<>@|\"&%#_[]", "—", "–", "“", "”", "’", "α", "λ"])
_TITLE = st.lists(st.one_of(_WORD, _WORD, _WORD, _PUNCT), min_size=1, max_size=12).map(" ".join)
_NAME_PART = st.builds(
    lambda first, rest: first + rest,
    st.sampled_from(string.ascii_uppercase + "ÉÖ"),
    st.text(alphabet=string.ascii_lowercase + "éüöø", min_size=1, max_size=8),
)
_NAME = st.builds(lambda a, b: f"{a} {b}", _NAME_PART, _NAME_PART).filter(
    lambda n: n.split()[0].casefold() not in ("and", "others") and "Et Al" not in n
)
_ARXIV_ID = st.builds(
    lambda yymm, n: f"{yymm}.{n:05d}",
    st.sampled_from(["0704", "1501", "2001", "2312", "2402"]),
    st.integers(1, 99999),
)
_DAY = st.dates(dt.date(1991, 1, 1), dt.date(2030, 12, 31))


def _bibtex_round_trip(
    title: str, authors: list[str], arxiv_id: str, day: dt.date, style: str
) -> None:
    paper = Paper(
        id=arxiv_id, title=title, authors=tuple(authors), published=day, categories=("cs.LG",)
    )
    [back] = list(bibtex.parse_text(cite(paper, style), source_name="round.bib"))
    assert isinstance(back, Paper), back
    assert (back.title, back.authors, back.published.year, back.arxiv_id) == (
        title,
        tuple(authors),
        day.year,
        arxiv_id,
    )


@_settings(EXAMPLES)
@given(
    title=_TITLE,
    authors=st.lists(_NAME, min_size=1, max_size=5),
    arxiv_id=_ARXIV_ID,
    day=_DAY,
    style=st.sampled_from(["bibtex", "biblatex"]),
)
def test_our_bibtex_reads_back(
    title: str, authors: list[str], arxiv_id: str, day: dt.date, style: str
) -> None:
    _bibtex_round_trip(title, authors, arxiv_id, day, style)


# Characters that BibTeX must escape, ligatures that it must break, and braces that do not
# pair up (an escaped brace still counts for BibTeX, so those are written by name).
@pytest.mark.parametrize(
    "title",
    [
        "a {b} c", "a\\b", "x~y", "x~2", "x^2", "a--b", "a---b", "GPT--4 LLMs", "``q''",
        "a\\textbf{x} \\emph{y}", "100% of $5 & #1 a_b", "a { b", "a } b { c", "a \\ b",
        "x\\\\y", "\ue000 private {use} \ue000",
    ],
)  # fmt: skip
@pytest.mark.parametrize("style", ["bibtex", "biblatex"])
def test_bibtex_special_characters_read_back(title: str, style: str) -> None:
    _bibtex_round_trip(title, ["Ann Lee"], "2401.00001", dt.date(2024, 1, 1), style)


_ABSTRACT = st.lists(st.one_of(_WORD, _PUNCT), min_size=0, max_size=30).map(" ".join)
_CATEGORIES = st.lists(
    st.sampled_from(["cs.LG", "cs.CL", "math.CO", "hep-th", "quant-ph", "stat.ML"]),
    min_size=1,
    max_size=3,
    unique=True,
)


@_settings(EXAMPLES)
@given(
    arxiv_id=_ARXIV_ID,
    title=_TITLE,
    names=st.lists(st.tuples(_NAME_PART, _NAME_PART), min_size=1, max_size=5),
    abstract=_ABSTRACT,
    categories=_CATEGORIES,
    days=st.lists(_DAY, min_size=1, max_size=3).map(sorted),
    doi=st.none() | st.builds(lambda n: f"10.{n}/x.{n}", st.integers(1000, 99999)),
)
def test_arxiv_json_we_write_reads_back(
    scratch: Path,
    arxiv_id: str,
    title: str,
    names: list[tuple[str, str]],
    abstract: str,
    categories: list[str],
    days: list[dt.date],
    doi: str | None,
) -> None:
    record = {
        "id": arxiv_id,
        "title": title,
        "authors": ", ".join(f"{first} {last}" for first, last in names),
        "authors_parsed": [[last, first, ""] for first, last in names],
        "abstract": abstract,
        "categories": " ".join(categories),
        "doi": doi,
        "versions": [
            {"version": f"v{n}", "created": d.strftime("%a, %-d %b %Y 10:00:00 GMT")}
            for n, d in enumerate(days, start=1)
        ],
    }
    path = scratch / "round.jsonl"
    path.write_text(json.dumps(record) + "\n", "utf-8")
    [back] = list(arxiv_json.parse(path))
    assert isinstance(back, Paper), back
    assert (back.id, back.title, back.abstract, back.categories, back.doi) == (
        arxiv_id,
        title,
        abstract.strip(),
        tuple(categories),
        doi,
    )
    assert back.authors == tuple(f"{first} {last}" for first, last in names)
    assert (back.published, back.updated) == (days[0], days[-1])


_SENTENCE = st.lists(
    st.text(alphabet=string.ascii_lowercase + "éü", min_size=1, max_size=9), min_size=1, max_size=10
).map(lambda words: " ".join(words).capitalize())
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@_settings(EXAMPLES)
@given(
    entries=st.lists(
        st.tuples(
            st.sampled_from(["CL", "LG", "CV", "AI", "IR"]),
            _DAY,
            st.booleans(),
            # A title ends in a lower-case letter here: "A" glued to the author "Jr Aa" reads
            # "AJr Aa", which no reader of the format can split (nor can a person).
            _SENTENCE.filter(lambda t: t[-1].islower()),
            st.lists(_NAME, min_size=1, max_size=4),
            _ABSTRACT.filter(lambda a: a.strip()),
        ),
        min_size=1,
        max_size=5,
    )
)
def test_listing_lines_we_write_read_back(
    entries: list[tuple[str, dt.date, bool, str, list[str], str]],
) -> None:
    text = "".join(
        f"{cat}{_MONTHS[day.month - 1]} {day.day}, {day.year}{'Code' if code else ''}\n"
        f"{title}{', '.join(names)}\n{abstract}\n\n"
        for cat, day, code, title, names, abstract in entries
    )
    records = list(listing.parse_text(text, source_name="round.txt"))
    assert [r for r in records if not isinstance(r, Paper)] == []
    got = [(p.title, p.authors, p.published, p.has_code, p.abstract) for p in records]  # type: ignore[union-attr]
    assert got == [
        (title, tuple(names), day, code, " ".join(abstract.split()))
        for _, day, code, title, names, abstract in entries
    ]


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing here may reach out: a parser that tried would fail loudly."""
    import socket

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a parser tried to use the network")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
