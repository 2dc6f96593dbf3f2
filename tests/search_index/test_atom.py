"""The Atom importer: every recorded arXiv API feed, chosen records field by field, error and
empty feeds, malformed XML, and overlapping pages imported into a real library."""

from __future__ import annotations

import datetime as dt
import gzip
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest

from search_index import Library, Paper, ParseError
from search_index.importers import atom
from search_index.importing import detect_format, import_file, read_head

FEEDS = "data/arxiv_api_atom_arxivpy"

# (papers, parse errors) per recorded feed, counted from the files' <entry> elements.
COUNTS = {
    "current_2026/id_0000.0000_s0_m100_8b51d9633a68.xml": (0, 0),
    "current_2026/id_0808.05394_1707.08567_s0_m100_42e5aa0ec3af.xml": (1, 0),
    "current_2026/id_0808.05394_s0_m100_7b0c7d0a7cdd.xml": (0, 0),
    "current_2026/id_1605.08386_s0_m100_199195aa31ad.xml": (1, 0),
    "current_2026/id_1707.08567_s0_m100_6a1afebfc6a3.xml": (1, 0),
    "current_2026/id_2104.12255v1_s0_m100_6ae69987ffe1.xml": (1, 0),
    "current_2026/id_abc_s0_m100_b79c8dcf6bc3.xml": (0, 1),
    "current_2026/id_astro-ph_0601001_s0_m100_3150dca9dc76.xml": (1, 0),
    "current_2026/id_quant-ph_0201082v1_s0_m100_86989fe779ef.xml": (1, 0),
    "current_2026/q_testing_s0_m100_cfe7536492ca.xml": (100, 0),
    "current_2026/q_testing_s0_m10_bc5a6c384fe9.xml": (10, 0),
    "current_2026/q_testing_s0_m15_80c242b59d59.xml": (15, 0),
    "current_2026/q_testing_s10_m10_34e56e15aaac.xml": (10, 0),
    "current_2026/q_testing_s20_m10_348a237fecab.xml": (10, 0),
    "current_2026/q_testing_s30_m10_f2e39f0143dc.xml": (10, 0),
    "current_2026/q_testing_s40_m10_96dd32eb854c.xml": (10, 0),
    "current_2026/q_testing_s50_m10_7f488ab8598c.xml": (10, 0),
    "current_2026/q_testing_s5_m10_c0e94a259d4a.xml": (10, 0),
    "current_2026/q_testing_s5_m15_bbcf6b23085b.xml": (15, 0),
    "current_2026/q_testing_s9_m15_0b78d4b4d476.xml": (15, 0),
    "legacy_2016/id_list=1111.2011v2.xml": (1, 0),
    "legacy_2016/search_query=au_del_maestro+AND+ti__quantum+criticality_.xml": (2, 0),
    "legacy_2016/search_query=au_del_maestro+AND+ti_checkerboard.xml": (1, 0),
    "legacy_2016/search_query=au_del_maestro+ANDNOT+_28ti_checkerboard+OR+ti_Pyrochlore_29.xml": (10, 0),
    "legacy_2016/search_query=au_del_maestro.xml": (10, 0),
}  # fmt: skip
UNIQUE_CURRENT = 105  # 221 papers in 2026 (+1 error entry), 105 distinct ids
UNIQUE_LEGACY = 12  # 24 papers in 2016, 12 distinct ids
UNIQUE_TESTING = 100  # the ten overlapping pages of search_query=testing


@pytest.fixture
def feeds(shared: Path) -> Path:
    folder = shared / FEEDS
    if not folder.is_dir():
        pytest.skip(f"../shared/{FEEDS} is absent")
    return folder


def _one(feeds: Path, pattern: str) -> Path:
    (path,) = sorted(feeds.glob(pattern))
    return path


def _split(records: list[Paper | ParseError]) -> tuple[list[Paper], list[ParseError]]:
    return (
        [r for r in records if isinstance(r, Paper)],
        [r for r in records if isinstance(r, ParseError)],
    )


def _by_id(path: Path) -> dict[str, Paper]:
    papers, errors = _split(list(atom.parse(path)))
    assert errors == []
    return {p.id: p for p in papers}


FEED = """<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:arxiv="http://arxiv.org/schemas/atom"
      xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">
  <opensearch:totalResults>{total}</opensearch:totalResults>
{entries}</feed>
"""
ENTRY = """  <entry>
    <id>http://arxiv.org/abs/{id}</id>
    <title>{title}</title>
    <summary>{summary}</summary>
    <published>2024-01-02T03:04:05Z</published>
    <updated>2024-02-03T03:04:05Z</updated>
    <author><name>{author}</name></author>
    <arxiv:primary_category term="cs.CL"/>
    <category term="cs.CL"/>
    <category term="D.2.5"/>
    <category term="68T50"/>
    <category term="CS.lg"/>
    <link href="http://arxiv.org/abs/{id}" rel="alternate" type="text/html"/>
  </entry>
"""


def _feed(*entries: dict[str, str], total: int | None = None) -> bytes:
    body = "".join(
        ENTRY.format(**{"id": "2401.00001v1", "title": "T", "summary": "S", "author": "A B"} | e)
        for e in entries
    )
    return FEED.format(total=len(entries) if total is None else total, entries=body).encode()


def _write(tmp_path: Path, data: bytes, name: str = "feed.xml") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


# -- every recorded feed ---------------------------------------------------------------------------


def test_the_recorded_feeds_are_all_listed(feeds: Path) -> None:
    on_disk = {str(p.relative_to(feeds)) for p in feeds.rglob("*.xml")}
    assert on_disk == set(COUNTS)


@pytest.mark.parametrize("name", sorted(COUNTS))
def test_every_recorded_feed_parses_with_exact_counts(feeds: Path, name: str) -> None:
    path = feeds / name
    info = atom.FeedInfo()
    with path.open("rb") as f:
        papers, errors = _split(list(atom.parse_stream(f, source_name=str(path), info=info)))
    assert (len(papers), len(errors)) == COUNTS[name]
    assert info.entries == len(papers) + len(errors)
    assert info.failure is None
    for paper in papers:
        assert paper.arxiv_id == paper.id
        assert paper.title and paper.authors and paper.categories
        assert paper.url == f"https://arxiv.org/abs/{paper.id}"
        assert paper.source is not None and paper.source.path == str(path)
        assert paper.source.line is not None and paper.source.line > 1
        assert "\n" not in paper.title and paper.title == paper.title.strip()
        assert "  " not in paper.title
    # parse(path) and parse_stream agree
    assert list(atom.parse(path)) == [*papers, *errors]


@pytest.mark.parametrize("name", sorted(COUNTS))
def test_detect_format_says_atom(feeds: Path, name: str) -> None:
    assert detect_format(feeds / name) == "atom"


def test_unique_ids_across_the_recorded_feeds(feeds: Path) -> None:
    current = {p.id for f in feeds.glob("current_2026/*.xml") for p in _by_id_or_error(f)}
    legacy = {p.id for f in feeds.glob("legacy_2016/*.xml") for p in _by_id_or_error(f)}
    assert (len(current), len(legacy)) == (UNIQUE_CURRENT, UNIQUE_LEGACY)
    assert not current & legacy


def _by_id_or_error(path: Path) -> Iterator[Paper]:
    return (r for r in atom.parse(path) if isinstance(r, Paper))


def test_recorded_json_decoys_are_not_atom(feeds: Path) -> None:
    decoys = sorted(feeds.glob("current_2026/recorded_json/*.json"))
    assert len(decoys) == 20
    for path in decoys:
        assert "<feed" in path.read_text("utf-8")  # the trap: a feed inside a JSON string
        assert not atom.sniff(path, read_head(path))
        papers, errors = _split(list(atom.parse(path)))
        assert papers == []
        assert len(errors) == 1 and errors[0].source.line == 1
        assert "malformed XML" in errors[0].reason


# -- records field by field ------------------------------------------------------------------------


def test_versioned_id(feeds: Path) -> None:
    path = _one(feeds, "current_2026/id_2104.12255v1_*.xml")
    (paper,) = _by_id(path).values()
    assert paper.id == "2104.12255"
    assert paper.title == "0"
    assert paper.title_tex is None
    assert paper.authors == ("Quan Thoi Minh Nguyen",)
    assert paper.affiliation is None
    assert paper.categories == ("cs.CR",)
    assert paper.published == dt.date(2021, 4, 20)
    assert paper.updated is None  # v1: never revised
    assert paper.url == "https://arxiv.org/abs/2104.12255"
    assert paper.doi is None and paper.journal_ref is None and paper.comments is None
    assert paper.abstract.startswith("What is the funniest number in cryptography? 0. ")
    # a lone dollar is money, not the start of math
    assert paper.abstract.endswith("generously awarded $35,000 in total for the reported bugs.")
    assert paper.source is not None and paper.source.line == 10


def test_old_style_id_with_affiliations(feeds: Path) -> None:
    (paper,) = _by_id(_one(feeds, "current_2026/id_astro-ph_0601001_*.xml")).values()
    assert paper.id == "astro-ph/0601001"
    assert paper.arxiv_id == "astro-ph/0601001"
    assert paper.title == (
        "Frequency of Hot Jupiters and Very Hot Jupiters from the OGLE-III Transit Surveys "
        "Toward the Galactic Bulge and Carina"
    )
    assert paper.authors == ("Andrew Gould", "Susan Dorsher", "B. Scott Gaudi", "Andrzej Udalski")
    assert paper.affiliation == "Ohio State"  # the first author's
    assert paper.categories == ("astro-ph",)
    assert paper.published == dt.date(2006, 1, 2)
    assert paper.journal_ref == "ActaAstron.56:1-50,2006"
    assert paper.comments is not None and paper.comments.startswith("62 pages including 16 figures")
    # the comment's URL keeps its ~ (LaTeX would make it a space)
    assert paper.links == ("http://www.astronomy.ohio-state.edu/~gould/ogle_hot_jupiters.ps.gz",)
    assert paper.code_urls == ()
    assert paper.url == "https://arxiv.org/abs/astro-ph/0601001"
    assert paper.abstract.startswith("We derive the frequencies of hot Jupiters (HJs) with 3–5 day")
    assert "Gould & Morgan (2003)" in paper.abstract  # &amp; unescaped once
    assert "V_max<17.5" in paper.abstract


def test_old_style_versioned_id_and_cross_listing(feeds: Path) -> None:
    (paper,) = _by_id(_one(feeds, "current_2026/id_quant-ph_0201082v1_*.xml")).values()
    assert paper.id == "quant-ph/0201082"
    assert paper.categories == ("quant-ph", "cs.PL")
    assert paper.authors == ("Stephen Blaha",)
    assert paper.comments == "32 pages"
    assert paper.abstract.startswith("We show a representation of Quantum Computers")  # untrimmed


def test_unicode_inside_math_in_title_and_abstract(feeds: Path) -> None:
    papers = _by_id(_one(feeds, "current_2026/q_testing_s0_m100_*.xml"))
    paper = papers["2306.03845"]
    assert paper.title == "ωTest: WebView-Oriented Testing for Android Applications"
    assert paper.title_tex == "$ω$Test: WebView-Oriented Testing for Android Applications"
    assert "We develop ωTest, a test generation technique" in paper.abstract
    assert "$" not in paper.abstract
    assert paper.doi == "10.1145/3597926.3598112"
    assert paper.authors == ("Jiajun Hu", "Lili Wei", "Yepang Liu", "Shing-Chi Cheung")
    assert paper.source is not None and paper.source.line == 542
    assert papers["2403.16981"].categories == ("math.ST", "cs.IT", "stat.ML")
    assert "distributions p and q in either" in papers["2403.16981"].abstract


def test_untrimmed_and_double_spaced_summaries_keep_paragraphs_only(feeds: Path) -> None:
    papers = _by_id(_one(feeds, "current_2026/q_testing_s0_m100_*.xml"))
    white_box = papers["cs/0503050"].abstract  # "  A systematic ...\n  The number ..."
    assert white_box.startswith("A systematic, language-independent method")
    assert white_box.count("\n\n") == 1
    assert "arrows.\n\nThe number of independent paths" in white_box
    structured = papers["2206.10210"].abstract
    assert [p.split(":")[0] for p in structured.split("\n\n")] == [
        "Context", "Objective", "Methods", "Results", "Conclusion",
    ]  # fmt: skip
    for paper in papers.values():
        for paragraph in paper.abstract.split("\n\n"):
            assert (
                paragraph == paragraph.strip() and "  " not in paragraph and "\n" not in paragraph
            )
    assert papers["2206.10210"].updated == dt.date(2023, 4, 16)


def test_legacy_hard_wrapped_title_and_inline_namespaces(feeds: Path) -> None:
    (paper,) = _by_id(feeds / "legacy_2016/id_list=1111.2011v2.xml").values()
    assert paper.id == "1111.2011"
    assert paper.title == (
        "Quantum Criticality for Extended Nodes on a Bethe Lattice in the Large Connectivity Limit"
    )
    assert paper.authors == ("James M. Murray", "Adrian Del Maestro", "Zlatko Tesanovic")
    # arxiv: declared inline on each element
    assert paper.categories == ("cond-mat.str-el", "cond-mat.stat-mech")
    assert paper.doi == "10.1103/PhysRevB.85.115117"
    assert paper.journal_ref == "Phys. Rev. B 85, 115117 (2012)"
    assert paper.comments == "8 pages, 3 figures. Published version"
    assert paper.published == dt.date(2011, 11, 8)
    assert paper.updated == dt.date(2012, 4, 2)
    assert paper.url == "https://arxiv.org/abs/1111.2011"
    # hard wraps joined into one paragraph
    assert "\n" not in paper.abstract
    assert paper.abstract.startswith(
        "Theoretical description of anisotropic systems, such as layered superconductors and "
        "coupled spin chains"
    )
    # opensearch: declared inline too
    info = atom.FeedInfo()
    list(atom.parse_bytes((feeds / "legacy_2016/search_query=au_del_maestro.xml").read_bytes(), source_name="x", info=info))  # fmt: skip
    assert (info.total_results, info.start_index, info.items_per_page, info.entries) == (
        31,
        0,
        10,
        10,
    )


def test_legacy_old_style_ids(feeds: Path) -> None:
    papers = _by_id(
        feeds / "legacy_2016/search_query=au_del_maestro+AND+ti__quantum+criticality_.xml"
    )
    assert sorted(papers) == ["1111.2011", "cond-mat/0607501"]
    title = papers["cond-mat/0607501"].title
    assert "\n" not in title and "  " not in title
    assert title.startswith(
        "A striped supersolid phase and the search for deconfined quantum criticality"
    )


# -- the API's error and empty answers -------------------------------------------------------------


def test_error_feed_is_one_error_and_no_paper(feeds: Path) -> None:
    path = _one(feeds, "current_2026/id_abc_*.xml")
    info = atom.FeedInfo()
    papers, errors = _split(
        list(atom.parse_bytes(path.read_bytes(), source_name=str(path), info=info))
    )
    assert papers == []
    (error,) = errors
    assert error.source.path == str(path) and error.source.line == 9
    assert (
        str(error) == f"{path}:9: the arXiv API answered with an error: incorrect id format for abc"
    )
    assert info.error == "incorrect id format for abc"
    assert info.total_results == 1  # the API counts its error entry as a result


def test_error_feed_imports_nothing(feeds: Path, empty_library: Library) -> None:
    report = import_file(empty_library, _one(feeds, "current_2026/id_abc_*.xml"))
    assert (report.added, report.format, len(report.errors)) == (0, "atom", 1)
    assert "incorrect id format for abc" in report.errors[0].reason
    assert empty_library.count() == 0


def test_empty_feed_gives_nothing(feeds: Path) -> None:
    for pattern in ("id_0000.0000_*.xml", "id_0808.05394_s0_*.xml"):
        info = atom.FeedInfo()
        path = _one(feeds, f"current_2026/{pattern}")
        assert list(atom.parse_bytes(path.read_bytes(), source_name="x", info=info)) == []
        assert (info.total_results, info.entries, info.error) == (0, 0, None)


# -- a real library --------------------------------------------------------------------------------


def test_overlapping_pages_make_no_duplicates_and_reimport_adds_nothing(
    feeds: Path, empty_library: Library
) -> None:
    pages = sorted(feeds.glob("current_2026/q_testing_*.xml"))
    assert len(pages) == 11
    added = 0
    for page in pages:
        report = import_file(empty_library, page)
        assert report.format == "atom" and report.errors == ()
        added += report.added
    assert added == empty_library.count() == UNIQUE_TESTING
    for page in pages:
        report = import_file(empty_library, page)
        assert (report.added, report.updated) == (0, 0)
        assert report.unchanged == COUNTS[str(page.relative_to(feeds))][0]
    assert empty_library.count() == UNIQUE_TESTING


def test_every_feed_into_one_library(feeds: Path, empty_library: Library) -> None:
    errors: list[ParseError] = []
    for path in sorted(feeds.rglob("*.xml")):
        errors += import_file(empty_library, path).errors
    assert empty_library.count() == UNIQUE_CURRENT + UNIQUE_LEGACY
    assert [e.reason for e in errors] == [
        "the arXiv API answered with an error: incorrect id format for abc"
    ]


# -- built feeds: cleaning, malformed XML, streaming ------------------------------------------------


def test_titles_are_folded_cleaned_and_latex_kept_aside(tmp_path: Path) -> None:
    data = _feed(
        {"title": "  Attention   Is\n   All \x9b31mYou\u202e Need  ", "author": "  Bal\\'azs   Kov\\'acs "},
        {"id": "2401.00002v3", "title": "The $\\lambda$-Calculus --- {\\em revisited}", "summary": "Cost \\$5 or $x$, see https://github.com/a/b--c~d."},
    )  # fmt: skip
    first, second = _split(list(atom.parse(_write(tmp_path, data))))[0]
    assert first.title == "Attention Is All You Need"
    assert first.title_tex is None
    assert first.authors == ("Balázs Kovács",)
    assert first.categories == ("cs.CL", "cs.LG")  # ACM and MSC terms dropped, case fixed
    assert first.updated == dt.date(2024, 2, 3) and first.published == dt.date(2024, 1, 2)
    assert second.id == "2401.00002"
    assert second.title == "The λ-Calculus — revisited"
    assert second.title_tex == "The $\\lambda$-Calculus --- {\\em revisited}"
    assert second.abstract == "Cost $5 or x, see https://github.com/a/b--c~d."
    assert second.code_urls == ("https://github.com/a/b--c~d",)


def test_malformed_xml_keeps_earlier_entries_and_names_the_line(tmp_path: Path) -> None:
    good = _feed({"id": "2401.00001v1"}, {"id": "2401.00002v1"}, {"id": "2401.00003v1"})
    lines = good.decode().splitlines(keepends=True)
    third = max(i for i, line in enumerate(lines) if "<entry>" in line)
    broken = "".join(lines[: third + 3]) + "    <summary>oops</title>\n"
    path = _write(tmp_path, broken.encode())
    records = list(atom.parse(path))
    papers, errors = _split(records)
    assert [p.id for p in papers] == ["2401.00001", "2401.00002"]
    (error,) = errors
    assert records[-1] is error
    assert error.source.line == third + 4
    assert error.reason.startswith("malformed XML (mismatched tag at column ")


def test_truncated_feed(tmp_path: Path, feeds: Path) -> None:
    data = _one(feeds, "current_2026/q_testing_s0_m10_*.xml").read_bytes()
    cut = data[: data.index(b"<entry>", data.index(b"<entry>") + 1) + 20]
    papers, errors = _split(list(atom.parse(_write(tmp_path, cut))))
    assert len(papers) == 1
    assert len(errors) == 1 and errors[0].source.line == cut.count(b"\n") + 1


def test_entry_without_arxiv_id_is_a_parse_error(tmp_path: Path) -> None:
    data = _feed({"id": "2401.00001v1"}).replace(b"http://arxiv.org/abs/2401.00001v1", b"urn:x")
    (error,) = list(atom.parse(_write(tmp_path, data)))
    assert isinstance(error, ParseError)
    assert "'urn:x' is not an arXiv abstract link" in error.reason


def test_not_an_atom_document(tmp_path: Path) -> None:
    path = _write(tmp_path, b"<?xml version='1.0'?>\n<rss><channel/></rss>\n")
    assert not atom.sniff(path, read_head(path))
    (error,) = list(atom.parse(path))
    assert isinstance(error, ParseError) and "not an Atom feed" in error.reason


def test_gzipped_feed(tmp_path: Path) -> None:
    path = _write(tmp_path, gzip.compress(_feed({"id": "2401.00009v2"})), "feed.xml.gz")
    assert detect_format(path) == "atom"
    assert [p.id for p in atom.parse(path) if isinstance(p, Paper)] == ["2401.00009"]


def test_papers_arrive_before_the_feed_ends() -> None:
    """A saved search of any size is read as it streams, not loaded first."""
    lines = _feed({"id": "2401.00001v1"}, {"id": "2401.00002v1"}).splitlines(keepends=True)
    fed: list[int] = []

    def chunks() -> Iterator[bytes]:
        for i, line in enumerate(lines):
            fed.append(i)
            yield line

    records = atom.parse_stream(chunks(), source_name="stream")
    first = next(records)
    assert isinstance(first, Paper) and first.id == "2401.00001"
    assert len(fed) < len(lines) - 5


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        ('<?xml version="1.0"?>\n<feed xmlns="http://www.w3.org/2005/Atom" xmlns:arxiv="http://arxiv.org/schemas/atom">', True),
        ('<feed xmlns="http://www.w3.org/2005/Atom">\n<link href="http://arxiv.org/api/query?x"/>\n<opensearch:totalResults xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">1', True),
        ('<feed xmlns="http://www.w3.org/2005/Atom"><title>My blog</title>', False),
        ('{"url": "x", "body": "<feed xmlns=\\"http://www.w3.org/2005/Atom\\" xmlns:arxiv=\\"http://arxiv.org/schemas/atom\\">"}', False),
        ('<rss xmlns:arxiv="http://arxiv.org/schemas/atom">', False),
    ],
)  # fmt: skip
def test_sniff(head: str, expected: bool) -> None:
    assert atom.sniff(Path("x"), head) is expected


def test_memory_stays_flat_however_long_the_feed() -> None:
    """Entries already turned into papers are dropped from the tree."""
    entry = (
        "<entry><id>http://arxiv.org/abs/2401.{n:05d}v1</id><title>Title {n}</title>"
        "<summary>{summary}</summary><published>2024-01-02T03:04:05Z</published>"
        "<author><name>A B</name></author></entry>\n"
    )

    def chunks() -> Iterator[bytes]:
        yield b'<feed xmlns="http://www.w3.org/2005/Atom">\n'
        for n in range(1000):
            yield entry.format(n=n, summary="word " * 400).encode()
        yield b"</feed>\n"

    tracemalloc.start()
    try:
        count = sum(1 for _ in atom.parse_stream(chunks(), source_name="big"))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert count == 1000
    assert peak < 1_500_000  # the whole tree would be about 4 MB
