"""The arXiv snapshot importer: every real sample, real records field by field, bad lines,
compressed and misnamed files, and a real import into a library."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import attrs
import pytest

from search_index import Paper, ParseError, SearchService
from search_index.importers import arxiv_json
from search_index.importers.arxiv_json import parse, sniff
from search_index.importing import detect_format, import_file, read_head
from search_index.library import Library

KAGGLE = "data"
HARVESTER = f"{KAGGLE}/kaggle_jsonl_arxiv_harvester_testfile/test_metadata_file.json"
UNARXIVE = f"{KAGGLE}/kaggle_jsonl_unarxive_2212_metadata/arXiv_src_2212_086.metadata.jsonl"
SPIDER = f"{KAGGLE}/kaggle_jsonl_wanng-ide_arxivSpider/arxiv-metadata-oai-snapshot.head200.json"
WEAVIATE = f"{KAGGLE}/kaggle_jsonl_weaviate_arxiv_demo"

# Line counts taken with `wc -l` (every line is one record, none blank); the .gz and .zip hold an
# older 4-record version of the harvester file.
SAMPLES = {
    HARVESTER: 6,
    f"{HARVESTER}.gz": 4,
    f"{HARVESTER}.zip": 4,
    UNARXIVE: 49,
    SPIDER: 200,
    f"{WEAVIATE}/data_metadata_10.json": 10,
    f"{WEAVIATE}/data_metadata_100.json": 100,
    f"{WEAVIATE}/data_metadata_1000.json": 1000,
    f"{WEAVIATE}/test_sample-arxiv-metadata-oai.json": 100,
}


def _papers(path: Path) -> list[Paper]:
    records = list(parse(path))
    errors = [r for r in records if isinstance(r, ParseError)]
    assert errors == []
    return [r for r in records if isinstance(r, Paper)]


def _by_id(path: Path) -> dict[str, Paper]:
    return {p.id: p for p in _papers(path)}


def _without_source(papers: list[Paper]) -> list[Paper]:
    return [attrs.evolve(p, source=None) for p in papers]


def _record(**fields: Any) -> dict[str, Any]:
    """A minimal valid snapshot record, fields overridden or (with None) removed."""
    record: dict[str, Any] = {
        "id": "2301.00001",
        "authors": "Ada Lovelace and Charles Babbage",
        "title": "A Title",
        "abstract": "  An abstract.\n",
        "categories": "cs.LG",
        "versions": [{"version": "v1", "created": "Mon, 2 Jan 2023 10:00:00 GMT"}],
        "update_date": "2023-01-03",
    }
    record.update(fields)
    return {k: v for k, v in record.items() if v is not None}


def _write(path: Path, lines: Sequence[object]) -> Path:
    """JSON lines; a str item is written as it is, anything else as JSON."""
    text = "".join((x if isinstance(x, str) else json.dumps(x)) + "\n" for x in lines)
    path.write_text(text, "utf-8")
    return path


def _one(path: Path) -> Paper:
    papers = _papers(path)
    assert len(papers) == 1
    return papers[0]


# -- every real sample ---------------------------------------------------------------------------


@pytest.mark.parametrize(("sample", "count"), SAMPLES.items())
def test_every_sample_parses_whole(shared: Path, sample: str, count: int) -> None:
    papers = _papers(shared / sample)
    assert len(papers) == count
    assert len({p.id for p in papers}) == count
    for number, paper in enumerate(papers, start=1):
        assert paper.source is not None
        assert paper.source.path == str(shared / sample)
        assert paper.source.line == number
        assert paper.url == f"https://arxiv.org/abs/{paper.id}"
        assert paper.arxiv_id == paper.id
        assert paper.authors and paper.categories
        assert paper.updated is not None and paper.published <= paper.updated
        assert "\n" not in paper.title and paper.title == paper.title.strip()
        assert "\n" not in paper.abstract.replace("\n\n", "")
        assert not paper.abstract.startswith(" ")


def test_compressed_files_give_the_plain_files_papers(shared: Path) -> None:
    plain = _without_source(_papers(shared / HARVESTER))
    for suffix in (".gz", ".zip"):
        packed = _papers(shared / f"{HARVESTER}{suffix}")
        assert _without_source(packed) == plain[:4]
        assert [p.source and p.source.line for p in packed] == [1, 2, 3, 4]


def test_reserialized_records_equal_the_originals(shared: Path) -> None:
    compact = _papers(shared / WEAVIATE / "data_metadata_100.json")
    spaced = _papers(shared / WEAVIATE / "test_sample-arxiv-metadata-oai.json")
    assert _without_source(spaced) == _without_source(compact)


@pytest.mark.parametrize(
    "sample", [HARVESTER, f"{HARVESTER}.gz", f"{HARVESTER}.zip", UNARXIVE, SPIDER]
)
def test_format_is_detected(shared: Path, sample: str) -> None:
    assert detect_format(shared / sample) == "arxiv-json"


# -- real records field by field -----------------------------------------------------------------


def test_hard_wrapped_title_and_accented_author(shared: Path) -> None:
    paper = _by_id(shared / HARVESTER)["0704.0001"]
    assert paper.title == (
        "Calculation of prompt diphoton production cross sections at Tevatron and LHC energies"
    )
    assert paper.title_tex is None
    assert paper.authors == ("C. Balázs", "E. L. Berger", "P. M. Nadolsky", "C.-P. Yuan")
    assert paper.et_al is False
    assert paper.published == dt.date(2007, 4, 2)
    assert paper.updated == dt.date(2007, 7, 24)
    assert paper.categories == ("hep-ph",)
    assert paper.doi == "10.1103/PhysRevD.76.013009"
    assert paper.journal_ref == "Phys.Rev.D76:013009,2007"
    assert paper.comments == "37 pages, 15 figures; published version"
    assert paper.url == "https://arxiv.org/abs/0704.0001"
    assert paper.abstract.startswith("A fully differential calculation in perturbative quantum")
    assert "chromodynamics is presented for" in paper.abstract
    assert paper.abstract.endswith("judicious selection of events.")
    assert paper.has_code is False


def test_tex_accents_in_names_become_unicode(shared: Path) -> None:
    papers = _by_id(shared / f"{WEAVIATE}/data_metadata_1000.json")
    assert papers["0704.0062"].authors == ("Rastislav Šrámek", "Broňa Brejová", "Tomáš Vinař")
    assert papers["0704.0049"].authors == ("Mikkel Øbro",)
    assert papers["0704.0032"].authors == ("A. Esteban-Pretel", "R. Tomàs", "J. W. F. Valle")


def test_names_from_free_text_when_authors_parsed_is_missing(shared: Path, tmp_path: Path) -> None:
    """The same real records with authors_parsed taken out must give the same names."""
    lines = (shared / f"{WEAVIATE}/data_metadata_1000.json").read_text("utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    wanted = {"0704.0001", "0704.0020", "0704.0062", "0704.0155", "0704.0802"}
    chosen = [r for r in records if r["id"] in wanted]
    for record in chosen:
        del record["authors_parsed"]
    papers = _by_id(_write(tmp_path / "free.jsonl", chosen))
    assert papers["0704.0001"].authors == (
        "C. Balázs",
        "E. L. Berger",
        "P. M. Nadolsky",
        "C.-P. Yuan",
    )
    assert papers["0704.0062"].authors == ("Rastislav Šrámek", "Broňa Brejová", "Tomáš Vinař")
    assert papers["0704.0020"].authors == ("The BABAR Collaboration", "B. Aubert")
    assert papers["0704.0020"].et_al is True
    assert papers["0704.0155"].authors == (  # affiliations in parentheses dropped
        "Floris van der Tak", "John Black", "Fredrik Schoeier", "David Jansen", "Ewine van Dishoeck"
    )  # fmt: skip
    assert papers["0704.0802"].authors == (
        "Caleb K. Lo",
        "Robert W. Heath Jr.",
        "Sriram Vishwanath",
    )


def test_et_al_is_read_from_the_free_text(shared: Path) -> None:
    papers = _by_id(shared / f"{WEAVIATE}/data_metadata_1000.json")
    babar = papers["0704.0020"]
    assert babar.authors == ("The BABAR Collaboration", "B. Aubert")
    assert babar.et_al is True
    # authors_parsed holds [["al.", "A. Abulencia et", "", "CDF Collaboration"]]
    assert papers["0704.0760"].authors == ("A. Abulencia",)
    assert papers["0704.0760"].et_al is True
    assert papers["0704.0802"].authors == (
        "Caleb K. Lo",
        "Robert W. Heath Jr.",
        "Sriram Vishwanath",
    )
    assert papers["0704.0307"].authors[-1] == "Gibor Basri"  # not the stray ";" entry


def test_withdrawn_paper_is_kept_with_its_comment(shared: Path) -> None:
    paper = _by_id(shared / HARVESTER)["0801.0495"]
    assert paper.title == "Toric Ideals of Flow Polytopes"
    assert paper.comments == "Withdrawn due to an error in the proof of the Main Theorem"
    assert paper.categories == ("math.CO", "math.AC")
    assert paper.published == dt.date(2008, 1, 3)
    assert paper.updated == dt.date(2011, 3, 4)  # third version, not update_date (2011-03-07)
    wrapped = _by_id(shared / SPIDER)["0704.0156"]
    assert wrapped.comments is not None
    assert wrapped.comments.startswith("This paper has been withdrawn by the authors. This paper")
    assert "\n" not in wrapped.comments


def test_old_style_ids(shared: Path) -> None:
    papers = _by_id(shared / HARVESTER)
    old = papers["math/9201201"]
    assert old.url == "https://arxiv.org/abs/math/9201201"
    assert old.arxiv_id == "math/9201201"
    assert old.authors == ("E. M. Chirka",)
    assert old.title == "On the Removable Singularities for Meromorphic Mappings"
    assert old.published == old.updated == dt.date(1992, 1, 6)
    assert old.categories == ("math.CV",)
    assert old.comments is None and old.doi is None and old.journal_ref is None
    quant = papers["quant-ph/0602109"]
    assert quant.title == (
        "Analytic Fits to Separable Volumes and Probabilities for Qubit-Qubit and Qubit-Qutrit Systems"
    )
    assert quant.comments is not None and "references incorporated, including" in quant.comments
    assert quant.published == dt.date(2006, 2, 14)
    assert quant.updated == dt.date(2006, 11, 1)


def test_five_digit_id_with_math_in_title(shared: Path) -> None:
    papers = _by_id(shared / UNARXIVE)
    infinity = papers["2212.11764"]
    assert infinity.url == "https://arxiv.org/abs/2212.11764"
    assert infinity.title == "Normalization and coherence for ∞-type theories"
    assert infinity.title_tex == "Normalization and coherence for $\\infty$-type theories"
    assert infinity.abstract.startswith("We develop a technique for normalization for ∞-type")
    assert infinity.categories == ("math.LO", "cs.LO", "math.CT")
    hematite = papers["2212.11887"]
    assert hematite.title == (
        "Spin wave dispersion of ultra-low damping hematite (α-Fe_2O_3) at GHz frequencies"
    )
    assert hematite.title_tex == (
        "Spin wave dispersion of ultra-low damping hematite ($\\alpha\\text{-Fe}_2\\text{O}_3$) "
        "at GHz frequencies"
    )
    assert hematite.published == dt.date(2022, 12, 22)
    assert hematite.updated == dt.date(2022, 12, 23)


def test_abstract_paragraphs_are_kept_and_hard_wraps_folded(shared: Path) -> None:
    paper = _by_id(shared / SPIDER)["0704.0010"]
    first, second = paper.abstract.split("\n\n")
    assert first.startswith("Partial cubes are isometric subgraphs of hypercubes. Structures on")
    assert "semicubes, and Djoković's and Winkler's relations" in first
    assert second.startswith("The operations of Cartesian product and pasting")
    assert second.endswith("obtained by means of these operations are calculated.")


def test_code_links_from_comments_and_urls_kept_whole(shared: Path) -> None:
    code = _by_id(shared / UNARXIVE)["2212.11839"]
    assert code.code_urls == ("https://github.com/SumitBanikGit/MBConicHulls",)
    assert code.has_code is True
    # a "~" in a URL is a path, not a LaTeX tie
    tilde = _by_id(shared / SPIDER)["0704.0036"]
    assert tilde.links == ("http://www.math.rutgers.edu/~sontag/PUBDIR/index.html",)
    assert tilde.code_urls == () and tilde.has_code is False
    assert tilde.comments is not None and "~sontag" in tilde.comments


def test_snapshot_drift_gives_two_papers_with_one_id(shared: Path) -> None:
    early = _by_id(shared / f"{WEAVIATE}/data_metadata_1000.json")["0704.0033"]
    late = _by_id(shared / SPIDER)["0704.0033"]
    assert early.id == late.id == "0704.0033"
    assert early.title == late.title
    assert early.journal_ref == "J.Opt.Soc.Am.A 23(10): 2578-2591 (2006)"
    assert late.journal_ref is not None and "Erratum" in late.journal_ref
    assert early.updated == dt.date(2007, 3, 31)
    assert late.updated == dt.date(2022, 3, 29)
    # the later snapshot lists the erratum's DOI after a space: the paper's own DOI is kept
    assert early.doi == late.doi == "10.1364/JOSAA.23.002578"


# -- files of our own ----------------------------------------------------------------------------


def test_bad_lines_are_reported_by_file_and_line_and_others_kept(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "mixed.jsonl",
        [
            _record(id="2301.00001"),  # 1
            "{not json",  # 2
            "",  # 3: blank, skipped silently
            [1, 2],  # 4
            '"a string"',  # 5
            _record(id=None),  # 6
            _record(title=None),  # 7
            _record(title=42),  # 8
            _record(authors_parsed="Lovelace, Ada"),  # 9
            _record(authors_parsed=[["Lovelace", 3, ""]]),  # 10
            _record(versions=[{"version": "v1", "created": "sometime"}]),  # 11
            _record(versions=None, update_date=None),  # 12
            _record(categories=7),  # 13
            "   ",  # 14: blank
            _record(id="2301.00002"),  # 15
        ],
    )
    records = list(parse(path))
    papers = [r for r in records if isinstance(r, Paper)]
    errors = [r for r in records if isinstance(r, ParseError)]
    assert [p.id for p in papers] == ["2301.00001", "2301.00002"]
    assert [p.source and p.source.line for p in papers] == [1, 15]
    assert [e.source.line for e in errors] == [2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]
    assert all(str(e).startswith(f"{path}:{e.source.line}: ") for e in errors)
    reasons = [e.reason for e in errors]
    assert reasons[0].startswith("not valid JSON")
    assert "title is a int" in reasons[5]
    assert "authors_parsed" in reasons[6] and "authors_parsed" in reasons[7]


def test_line_numbers_count_physical_lines_of_the_decompressed_stream(tmp_path: Path) -> None:
    lines = [_record(id="2301.00001"), "", "oops", _record(id="2301.00002")]
    plain = _write(tmp_path / "plain.jsonl", lines)
    data = plain.read_bytes()
    packed = tmp_path / "packed.json.gz"
    packed.write_bytes(gzip.compress(data))
    zipped = tmp_path / "packed.zip"
    with zipfile.ZipFile(zipped, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("inner/snapshot.json", data)
    misnamed = tmp_path / "looks-plain.json"  # gzip under a plain name
    misnamed.write_bytes(gzip.compress(data))
    for path in (plain, packed, zipped, misnamed):
        records = list(parse(path))
        assert [type(r).__name__ for r in records] == ["Paper", "ParseError", "Paper"]
        assert [r.source and r.source.line for r in records] == [1, 3, 4]
        assert detect_format(path) == "arxiv-json"


def test_truncated_archive_keeps_what_was_read(tmp_path: Path) -> None:
    data = "".join(json.dumps(_record(id=f"2301.{n:05d}")) + "\n" for n in range(1, 400))
    whole = gzip.compress(data.encode())
    path = tmp_path / "cut.json.gz"
    path.write_bytes(whole[: len(whole) * 2 // 3])
    records = list(parse(path))  # must not raise
    papers = [r for r in records if isinstance(r, Paper)]
    assert papers and papers[0].id == "2301.00001"
    assert isinstance(records[-1], ParseError)
    assert records[-1].reason.startswith("cannot read further")


def test_overlong_line_is_skipped_unread(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(arxiv_json, "MAX_LINE_BYTES", 1000)
    huge = _record(id="2301.00002", abstract="word " * 2000)
    path = _write(
        tmp_path / "long.jsonl", [_record(id="2301.00001"), huge, _record(id="2301.00003")]
    )
    records = list(parse(path))
    assert [type(r).__name__ for r in records] == ["Paper", "ParseError", "Paper"]
    assert [r.source and r.source.line for r in records] == [1, 2, 3]


def test_record_fields_are_cleaned(tmp_path: Path) -> None:
    record = _record(
        id="0704.0001v3",
        title="\x1b]52;c;ZXZpbA==\x07Evil \u202etitle\n  on $\\alpha$-two lines ",
        abstract="  First para\nwrapped.\n  Second {\\em emph} para. Code is available at\nhttps://github.com/a/b.\n",
        authors="Jos\\'e Garc\\'{\\i}a",
        categories="CS.lg quant-ph new.CAT cs.LG",
        comments="  10 pages\n  \x07",
        doi="  ",
        versions=[
            {"version": "v1", "created": "Sat, 31 Mar 2007 02:26:18 GMT"},
            {"version": "v3", "created": "Sat, 13 Dec 2008 17:26:00 GMT"},
        ],
    )
    paper = _one(_write(tmp_path / "one.jsonl", [record]))
    assert paper.id == "0704.0001"
    assert paper.url == "https://arxiv.org/abs/0704.0001"
    assert paper.title == "Evil title on α-two lines"
    assert paper.title_tex == "Evil title on $\\alpha$-two lines"
    assert paper.abstract == (
        "First para wrapped.\n\nSecond emph para. Code is available at https://github.com/a/b."
    )
    assert paper.code_urls == ("https://github.com/a/b",) and paper.has_code is True
    assert paper.authors == ("José García",)
    assert paper.categories == ("cs.LG", "quant-ph", "new.CAT")
    assert paper.comments == "10 pages"
    assert paper.doi is None
    assert paper.published == dt.date(2007, 3, 31)
    assert paper.updated == dt.date(2008, 12, 13)


def test_update_date_stands_in_for_missing_versions(tmp_path: Path) -> None:
    paper = _one(_write(tmp_path / "nov.jsonl", [_record(versions=None, update_date="2020-05-06")]))
    assert paper.published == paper.updated == dt.date(2020, 5, 6)


def test_sniff(tmp_path: Path) -> None:
    line = json.dumps(_record())
    path = tmp_path / "x.json"
    assert sniff(path, line + "\n")
    assert sniff(path, "\ufeff\n\n" + line + "\n" + line[:40])
    assert sniff(path, line[: line.index('"abstract"') + 15])  # truncated first record
    assert sniff(path, '{"id": "1", "abstract": "x"')
    assert not sniff(path, '{"title": "no id"}\n')
    assert not sniff(path, "[" + line + "]")
    assert not sniff(path, "CL Sep 11, 2023\nTitle\n")
    assert not sniff(path, "")


def test_head_of_a_large_record_still_sniffs(tmp_path: Path) -> None:
    big = _record(abstract="word " * 30000)  # longer than the 64 KiB head
    path = _write(tmp_path / "big.json", [big])
    assert not read_head(path).endswith("\n")
    assert detect_format(path) == "arxiv-json"


# -- into a library ------------------------------------------------------------------------------


def test_import_into_a_library_then_again(shared: Path, empty_library: Library) -> None:
    path = shared / f"{WEAVIATE}/data_metadata_100.json"
    first = import_file(empty_library, path)
    assert first.format == "arxiv-json"
    assert (first.added, first.updated, first.unchanged, first.errors) == (100, 0, 0, ())
    again = import_file(empty_library, path)
    assert (again.added, again.updated, again.unchanged, again.errors) == (0, 0, 100, ())
    assert empty_library.count() == 100
    stored = SearchService(empty_library).get("0704.0001")
    assert stored.authors[0] == "C. Balázs"
    assert stored.title.startswith("Calculation of prompt diphoton production")
