"""The arXiv mailing-digest importer: the real digests entry by entry, broken entries, imports."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import pytest

from search_index import Library, Paper, ParseError, SearchService
from search_index.importers.mailing import (
    EntryKind,
    MailEntry,
    iter_entries,
    parse,
    parse_entries,
    sniff,
    split_authors,
)
from search_index.importing import detect_format, import_file

BIG = "arxiv_cs_AI_LG_SE_2026-01-16_to_01-20.txt"
HISTORY = "history_2026-01-23.txt"
FIXTURE_23 = "tests_fixture_2026-01-23.txt"
FIXTURE_26 = "tests_fixture_2026-01-26.txt"

# (new, cross-lists, replaced, of the replaced how many are cross-lists), counted with grep:
#   entries     grep -c '^\\\\ ( https://arxiv.org/abs'   (one trailer each: 1141, 382, 5, 10;
#               `grep -c '^arXiv:'` says 1142 for BIG because one abstract line starts with
#               "arXiv:2601.00638], this work generalizes")
#   replaced    grep -c '^replaced with revised version'                      (434, 157, 0, 0)
#   cross-lists grep '^arXiv:.*(\*cross-listing\*)', split at the %%--%% line: before it are
#               new + cross-lists (362 and 109 marked), after it the replacements (49 and 17)
#   new         the rest: 1141 - 434 - 362 = 345, 382 - 157 - 109 = 116
COUNTS = {
    BIG: (345, 362, 434, 49),
    HISTORY: (116, 109, 157, 17),
    FIXTURE_23: (5, 0, 0, 0),
    FIXTURE_26: (10, 0, 0, 0),
}


@pytest.fixture
def digests(shared: Path) -> Path:
    folder = shared / "data" / "arxiv_email_listing_subscription_viewer"
    if not folder.is_dir():
        pytest.skip("the mailing samples are absent")
    return folder


def _entries(path: Path) -> dict[str, MailEntry]:
    records = list(parse_entries(path))
    assert [r for r in records if isinstance(r, ParseError)] == []
    entries = [r for r in records if isinstance(r, MailEntry)]
    by_id = {e.paper.id: e for e in entries}
    assert len(by_id) == len(entries), "an id appears twice in one digest"
    return by_id


@pytest.mark.parametrize("name", list(COUNTS))
def test_every_sample_parses_with_the_counted_entries(digests: Path, name: str) -> None:
    entries = _entries(digests / name)
    kinds = Counter(e.kind for e in entries.values())
    replaced_cross = sum(e.cross_listed for e in entries.values() if e.kind is EntryKind.REPLACED)
    assert (
        kinds[EntryKind.NEW],
        kinds[EntryKind.CROSS_LIST],
        kinds[EntryKind.REPLACED],
        replaced_cross,
    ) == COUNTS[name]
    for entry in entries.values():
        paper = entry.paper
        assert paper.arxiv_id == paper.id
        assert paper.title and paper.authors and paper.categories
        assert paper.source is not None and paper.source.line is not None
        if entry.kind is EntryKind.REPLACED:
            assert paper.abstract == ""
            assert paper.updated == paper.published
        else:
            assert paper.abstract
            assert paper.updated is None
        assert paper.published.year in (2025, 2026)


def test_a_multi_line_title_and_comments(digests: Path) -> None:
    entry = _entries(digests / FIXTURE_23)["2601.15305"]
    paper = entry.paper
    assert entry.kind is EntryKind.NEW
    assert paper.title == (
        "Gated Sparse Attention: Combining Computational Efficiency with Training "
        "Stability for Long-Context Language Models"
    )
    assert paper.title_tex is None
    assert paper.authors == ("Alfred Shen", "Aaron Shen")
    assert paper.categories == ("cs.AI",)
    assert paper.published == dt.date(2026, 1, 12)
    assert paper.comments == (
        "15 pages, 1 figure, attention mechanism, sparse attention, gating, long-context"
    )
    assert paper.abstract.startswith("The computational burden of attention in long-context")
    assert paper.abstract.endswith("with loss spikes reduced by 98%.")
    assert "\n" not in paper.abstract
    assert paper.journal_ref is None and paper.doi is None
    assert paper.source is not None and paper.source.line == 16


def test_continuation_line_authors_and_a_doi(digests: Path) -> None:
    entries = _entries(digests / FIXTURE_23)
    assert entries["2601.15307"].paper.authors == (
        "Guo-Biao Zhang", "Ding-Yuan Liu", "Da-Yi Wu", "Tian Lan", "Heyan Huang", "Zhijing Wu",
        "Xian-Ling Mao",
    )  # fmt: skip
    paper = entries["2601.15316"].paper
    # "..., Zhixiong He,\n  and Keqin Li": the continuation starts with "and".
    assert paper.authors == (
        "Wei Ai", "Yilong Tan", "Yuntao Shou", "Tao Meng", "Haowen Chen", "Zhixiong He", "Keqin Li",
    )  # fmt: skip
    assert paper.categories == ("cs.AI", "cs.CV")
    assert paper.doi == "10.1016/j.cosrev.2026.100893"
    assert paper.published == dt.date(2026, 1, 16)
    # \href{url}{url} in the abstract is one URL, not the URL glued to itself.
    assert paper.code_urls == ("https://github.com/Tan-YiLong/Overview-of-Fake-News-Detection",)


def test_an_entry_with_journal_ref_and_doi(digests: Path) -> None:
    entry = _entries(digests / HISTORY)["2504.02321"]
    paper = entry.paper
    assert entry.kind is EntryKind.REPLACED
    assert paper.title == (
        "On shallow feedforward neural networks with inputs from a topological space"
    )
    assert paper.authors == ("Vugar Ismailov",)
    assert paper.categories == ("cs.LG", "math.FA")
    assert paper.comments == (
        "Major revision (14 pages): improved exposition, expanded references, and additional "
        "subsections"
    )
    assert paper.journal_ref == "V.E. Ismailov, Ann. Math. Artif. Intell. (2026)"
    assert paper.doi == "10.1007/s10472-026-10003-7"


def test_a_replaced_cross_list_without_abstract(digests: Path) -> None:
    entry = _entries(digests / HISTORY)["2511.13520"]
    paper = entry.paper
    assert entry.kind is EntryKind.REPLACED and entry.cross_listed
    assert paper.title == "Towards Quantum Software for Quantum Simulation"
    assert paper.authors == (
        "Maja Franz", "Lukas Schmidbauer", "Joshua Ammermann", "Ina Schaefer", "Wolfgang Mauerer",
    )  # fmt: skip
    assert paper.categories == ("quant-ph", "cs.SE")
    assert paper.abstract == ""
    assert paper.updated == paper.published == dt.date(2026, 1, 22)
    assert paper.journal_ref == (
        "Proceedings of the 48th International Conference of Software Engineering 2026, "
        "Workshop on Quantum Software Engineering (Q-SE@ICSE'26)"
    )
    assert paper.doi == "10.1145/3786150.3788611"
    assert paper.source is not None and paper.source.line == 8586


def test_tex_in_title_authors_and_comments(digests: Path) -> None:
    entries = _entries(digests / BIG)
    paper = entries["2512.22222"].paper
    assert (
        paper.title == "Müntz-Szász Networks: Neural Architectures with Learnable Power-Law Bases"
    )
    assert paper.title_tex == (
        "M\\\"untz-Sz\\'asz Networks: Neural Architectures with Learnable Power-Law Bases"
    )
    assert paper.comments is not None and paper.comments.startswith("V3: Corrected Full Müntz")
    # The code link is in the comments of a replacement, which has no abstract.
    assert paper.code_urls == ("https://github.com/ReFractals/muntz-szasz-networks",)
    history = _entries(digests / HISTORY)
    assert history["2408.06219"].paper.authors[-1] == "Tim Güneysu"  # on a continuation line


def test_an_abstract_line_starting_with_arxiv_stays_in_the_abstract(digests: Path) -> None:
    entries = _entries(digests / BIG)
    paper = entries["2601.11594"].paper
    assert entries["2601.11594"].kind is EntryKind.CROSS_LIST
    assert "[Hou, arXiv:2601.00638], this work generalizes" in paper.abstract
    assert paper.categories == ("physics.comp-ph", "cs.LG", "nlin.AO", "physics.bio-ph")
    assert paper.published == dt.date(2026, 1, 6)
    assert "2601.00638" not in entries


def test_every_sample_is_detected_as_mailing(digests: Path) -> None:
    for name in COUNTS:
        assert detect_format(digests / name) == "mailing"


def test_import_adds_each_id_once_and_a_reimport_adds_nothing(
    digests: Path, empty_library: Library
) -> None:
    first = import_file(empty_library, digests / HISTORY)
    assert (first.format, first.added, first.updated, first.errors) == ("mailing", 382, 0, ())
    again = import_file(empty_library, digests / HISTORY)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 382)
    assert empty_library.count() == 382


@pytest.fixture
def browse(shared: Path) -> Path:
    folder = shared / "data" / "arxiv_abs_files_arxiv_browse"
    if not folder.is_dir():
        pytest.skip("the arxiv-browse samples are absent")
    return folder


def test_older_listings_and_abs_records_read_the_same_way(browse: Path) -> None:
    listings = browse / "listings" / "ftp"
    # January 2000: `grep -c '^Paper: '` 546, `grep -c '^Paper (\*cross-listing\*): '` 59.
    old = _entries(listings / "astro-ph" / "listings" / "0001")
    assert Counter(e.kind for e in old.values()) == {EntryKind.NEW: 546, EntryKind.CROSS_LIST: 59}
    assert all(e.paper.abstract == "" for e in old.values())  # those listings had none
    wallace = next(e.paper for e in old.values() if e.paper.authors[0] == "Lloyd Wallace")
    assert wallace.authors == (
        "Lloyd Wallace",
        "Michael R. Meyer",
        "Kenneth Hinkle",
        "Suzan Edwards",
    )
    # March 2023, q-fin: `grep -c '^arXiv:'` 16, `grep -c 'replaced with'` 3, no cross-lists.
    qfin = _entries(listings / "q-fin" / "listings" / "new")
    assert Counter(e.kind for e in qfin.values()) == {EntryKind.NEW: 13, EntryKind.REPLACED: 3}

    record = browse / "abs_files" / "ftp" / "arxiv" / "papers" / "0704" / "0704.0001.abs"
    assert detect_format(record) == "mailing"
    [entry] = _entries(record).values()
    paper = entry.paper
    assert paper.id == "0704.0001"
    assert paper.authors == ("C. Balázs", "E. L. Berger", "P. M. Nadolsky", "C.-P. Yuan")
    assert paper.published == dt.date(2007, 4, 2)
    assert paper.updated == dt.date(2007, 7, 24)  # Date (revised v2)
    assert paper.journal_ref == "Phys.Rev.D76:013009,2007"
    assert paper.doi == "10.1103/PhysRevD.76.013009"
    assert paper.abstract.startswith("A fully differential calculation in perturbative")
    assert paper.abstract.endswith("with judicious selection of events.")


# -- files of our own ------------------------------------------------------------------------

DASHES = "-" * 78


def _entry(
    arxiv: str,
    *header: str,
    abstract: str | None = "  An abstract\nthat wraps.",
    trailer: bool = True,
) -> str:
    lines = ["\\\\", arxiv, *header]
    if abstract is not None:
        lines += ["\\\\", abstract]
    if trailer:
        lines.append("\\\\ ( https://arxiv.org/abs/0000.00000 ,  1kb)")
    return "\n".join(lines) + "\n" + DASHES + "\n"


NEW = (
    "Date: Fri, 16 Jan 2026 18:59:59 GMT   (1234kb)",
    "",
    "Title: A Good Paper",
    "Authors: Ann Lee and Bo Li",
    "Categories: cs.LG stat.ML",
)


def _write(tmp_path: Path, *entries: str, preamble: bool = True) -> Path:
    head = f"{DASHES}\n Submissions to:\nMachine Learning\n received from  Fri 16 Jan 26\n"
    path = tmp_path / "digest.txt"
    path.write_text((head if preamble else "") + DASHES + "\n" + "".join(entries), "utf-8")
    return path


def test_malformed_entries_are_reported_with_lines_and_the_rest_kept(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        _entry("arXiv:2601.00001", *NEW),
        _entry("arXiv:2601.00002", *NEW[:3], "this line belongs nowhere", *NEW[3:]),
        _entry("arXiv:not-an-id", *NEW),
        _entry("arXiv:2601.00004", *NEW[:2], *NEW[3:]),  # no title
        _entry("arXiv:2601.00005", "Date: Fri, 32 Jan 2026 18:59:59 GMT", *NEW[1:]),
        _entry("arXiv:2601.00006", *NEW, trailer=False),  # ended by the dashes: fine
        _entry("arXiv:2601.00007", *NEW, trailer=False).removesuffix(DASHES + "\n"),  # truncated
    )
    line_of = {text: n for n, text in enumerate(path.read_text("utf-8").splitlines(), start=1)}
    records = list(parse(path))
    papers = [r for r in records if isinstance(r, Paper)]
    errors = [r for r in records if isinstance(r, ParseError)]
    assert [p.id for p in papers] == ["2601.00001", "2601.00006"]
    assert [e.source.line for e in errors] == [
        line_of["this line belongs nowhere"],  # the offending line itself
        line_of["arXiv:not-an-id"],
        line_of["arXiv:2601.00004"],
        line_of["arXiv:2601.00005"],
        line_of["arXiv:2601.00007"],
    ]
    reasons = [e.reason for e in errors]
    assert reasons[0].startswith("arXiv:2601.00002: unexpected line")
    assert "this line belongs nowhere" in reasons[0]
    assert "not an arXiv id" in reasons[1]
    assert reasons[2] == "arXiv:2601.00004: entry has no title"
    assert reasons[3].startswith("arXiv:2601.00005: impossible date")
    assert "ends inside this entry" in reasons[4]
    assert all(str(e).startswith(f"{path}:") for e in errors)


def test_a_new_entry_field_by_field(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        _entry(
            "arXiv:2601.00001v2 (*cross-listing*)",
            "Date: Fri, 9 Jan 2026 18:59:59 GMT   (1234kb,D)",
            "",
            'Title: $\\lambda$-Models for Schr\\"odinger',
            "  Equations",
            "Authors: Ann Lee (1), Bo Li (1 and 2), and Cy Wu ((1) MIT, (2) ETH)",
            "Categories: CS.lg cs.AI",
            "Comments: 9 pages. Code: https://example.org/code",
            "Journal-ref: Proc.\\ Foo 2026",
            "DOI: 10.1/abc",
            "Report-no: X-1",
            abstract="  First paragraph see\nhttps://example.org/data .\n  Second \\emph{one}.",
        ),
    )
    [entry] = [r for r in parse_entries(path) if isinstance(r, MailEntry)]
    paper = entry.paper
    assert entry.kind is EntryKind.CROSS_LIST and entry.cross_listed
    assert paper.id == "2601.00001"
    assert paper.title == "λ-Models for Schrödinger Equations"
    assert paper.title_tex == '$\\lambda$-Models for Schr\\"odinger Equations'
    assert paper.authors == ("Ann Lee", "Bo Li", "Cy Wu")
    assert paper.affiliation == "(1) MIT, (2) ETH"
    assert paper.categories == ("cs.LG", "cs.AI")
    assert paper.published == dt.date(2026, 1, 9)
    assert paper.updated is None
    assert paper.abstract == "First paragraph see https://example.org/data .\n\nSecond one."
    assert paper.links == ("https://example.org/data",)
    assert paper.code_urls == ("https://example.org/code",)
    assert paper.comments == "9 pages. Code: https://example.org/code"
    assert paper.journal_ref == "Proc. Foo 2026"
    assert paper.doi == "10.1/abc"


def test_a_replacement_merges_into_the_stored_paper(tmp_path: Path, empty_library: Library) -> None:
    new = _write(tmp_path, _entry("arXiv:2601.00001", *NEW))
    import_file(empty_library, new)
    replaced = tmp_path / "later.txt"
    replaced.write_text(
        _entry(
            "arXiv:2601.00001",
            "replaced with revised version Tue, 20 Jan 2026 17:44:29 GMT   (306kb)",
            "",
            "Title: A Good Paper, Revised",
            "Authors: Ann Lee and Bo Li",
            "Categories: cs.LG stat.ML",
            "Comments: Added experiments",
            abstract=None,
        ),
        "utf-8",
    )
    [record] = list(parse(replaced))
    assert isinstance(record, Paper)
    assert record.published == record.updated == dt.date(2026, 1, 20)
    report = import_file(empty_library, replaced)
    assert (report.added, report.updated) == (0, 1)
    stored = SearchService(empty_library).get("2601.00001")
    assert stored.title == "A Good Paper, Revised"
    assert stored.abstract == "An abstract that wraps."
    assert stored.published == dt.date(2026, 1, 16)
    assert stored.updated == dt.date(2026, 1, 20)
    assert stored.comments == "Added experiments"


def test_bom_crlf_and_mail_headers_are_tolerated() -> None:
    text = (
        "\ufeffFrom: no-reply@arxiv.org\r\nSubject: cs daily\r\n\r\n"
        + _entry("arXiv:2601.00001", *NEW).replace("\n", "\r\n")
        + "%%--%%--%%--%%\r\n"
        + _entry("Paper: math/0601001", *NEW)
    )
    records = list(iter_entries(text.splitlines(keepends=True), source_name="mail"))
    assert [r.paper.id for r in records if isinstance(r, MailEntry)] == [
        "2601.00001",
        "math/0601001",
    ]


def test_latin1_lines_and_a_last_entry_closed_by_its_delimiter(tmp_path: Path) -> None:
    path = tmp_path / "old.txt"
    text = (
        "\\\\\nPaper (*cross-listing*): hep-th/9901001\n"
        "Date: Fri, 1 Jan 1999 10:00:00 GMT   (10kb)\n"
        "Date (revised v2): Sat, 2 Jan 1999 10:00:00 GMT   (10kb)\n"
        "Date (revised v3): Sun, 3 Jan 1999 10:00:00 GMT   (10kb)\n\n"
        "Title: Old Physics\nAuthors: J. M\xfcller\nCategories: hep-th\n\\\\\n"
    )
    path.write_bytes(text.encode("latin-1"))
    [entry] = list(parse_entries(path))
    assert isinstance(entry, MailEntry)
    assert entry.kind is EntryKind.CROSS_LIST
    assert entry.paper.id == "hep-th/9901001"
    assert entry.paper.authors == ("J. Müller",)
    assert entry.paper.updated == dt.date(1999, 1, 3)


def test_sniff_recognises_digests_and_nothing_else(tmp_path: Path) -> None:
    entries_only = _write(tmp_path, _entry("arXiv:2601.00001", *NEW), preamble=False)
    assert detect_format(entries_only) == "mailing"
    head = entries_only.read_text("utf-8")
    assert sniff(entries_only, head)
    assert sniff(tmp_path, " Submissions to:\nMachine Learning\n received from  Fri 16 Jan 26\n")
    assert not sniff(tmp_path, "LGJun 3, 2024\nTitleAnn Lee\nAbstract.\n")
    assert not sniff(tmp_path, "@article{a,\n  title = {arXiv: a paper}\n}\n")
    assert not sniff(tmp_path, "\\\\\nnot an entry\n")


AUTHORS = [
    ("Ann Lee, Bo Li and Cy Wu", ("Ann Lee", "Bo Li", "Cy Wu"), False, None),
    ("Ann Lee, Bo Li, and Cy Wu", ("Ann Lee", "Bo Li", "Cy Wu"), False, None),
    ("Sk\\l{}odowska, Tr\\'e Guillory", ("Skłodowska", "Tré Guillory"), False, None),
    ("The BABAR Collaboration, B. Aubert, et al", ("The BABAR Collaboration", "B. Aubert"), True, None),
    ("Ren He (Tsinghua University), Jian Song (Tsinghua University), Jo Watson (Canterbury)", ("Ren He", "Jian Song", "Jo Watson"), False, "Tsinghua University; Canterbury"),
    ("Chun-Fu (Richard) Chen, Haewon Jeong", ("Chun-Fu Chen", "Haewon Jeong"), False, None),
    ("Xu Wang (1)((1) Jilin Jianzhu University)", ("Xu Wang",), False, "(1) Jilin Jianzhu University"),
    ("A. Smith (MIT, Ann Lee", ("A. Smith (MIT", "Ann Lee"), False, None),
    ("Al Wu (Kitt Peak, NOAO) Bo Li (U. Arizona) Cy Ng", ("Al Wu", "Bo Li", "Cy Ng"), False, "Kitt Peak, NOAO; U. Arizona"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "names", "et_al", "affiliation"), AUTHORS)
def test_author_lists(
    text: str, names: tuple[str, ...], et_al: bool, affiliation: str | None
) -> None:
    assert split_authors(text) == (names, et_al, affiliation)
