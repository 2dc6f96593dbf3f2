"""Citation styles by name: CSL styles read as their guides print, exchange formats parse back.

The expected APA, MLA and IEEE strings are written from the style guides (APA 7 §10.1 and §10.8,
preprint form "Title (arXiv:ID). arXiv. DOI"; MLA 9 core elements, repository as container;
the IEEE Reference Guide), applied to these papers, in plain text: no italics, curly quotes.
Titles are kept as the authors cased them; the guides would sentence-case an APA title.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import attrs
import bibtexparser
import pybtex.database
import pytest

from search_index import PaperscopeError, SearchService
from search_index.citations import (
    Style,
    UnknownStyle,
    available_styles,
    cite,
    cite_many,
    export_extension,
    style_label,
)
from search_index.csl import csl_item, parse_journal_ref, split_name
from search_index.importers import bibtex as bibtex_importer
from search_index.models import Paper

ACCENTED = Paper(
    id="2402.14740",
    title=(
        "Back to Basics: Revisiting REINFORCE Style Optimization for Learning from Human "
        "Feedback in LLMs"
    ),
    authors=("Arash Ahmadian", "Chris Cremer", "Matthias Gallé"),
    published=dt.date(2024, 2, 22),
    categories=("cs.LG", "cs.CL"),
    citation_key="ahmadian2024back",
)
TRUNCATED = Paper(
    id="2402.07827",
    title="Aya Model: An Instruction Finetuned Open-Access Multilingual Language Model",
    authors=("Ahmet Üstün", "Viraat Aryabumi", "Zheng-Xin Yong"),
    et_al=True,
    published=dt.date(2024, 2, 12),
    categories=("cs.CL",),
    citation_key="ustun2024aya",
)
MATH = Paper(
    id="2306.17366",
    title="λ-models: Effective Decision-Aware Reinforcement Learning with Latent Models",
    title_tex=(
        "$\\lambda$-models: Effective Decision-Aware Reinforcement Learning with Latent Models"
    ),
    authors=("Claas A Voelcker", "Arash Ahmadian", "Romina Abachi"),
    published=dt.date(2023, 6, 30),
    categories=("cs.LG",),
    citation_key="voelcker2023models",
)
OLD_STYLE = Paper(
    id="math/9201201",
    title="Siegel modular forms and their applications",
    authors=("Gerard van der Geer",),
    published=dt.date(1992, 1, 1),
    date_precision="year",
    categories=("math.AG",),
    citation_key="geer1992siegel",
)
PUBLISHED = Paper(
    id="0704.0001",
    title=("Calculation of prompt diphoton production cross sections at Tevatron and LHC energies"),
    authors=("C. Balázs", "E. L. Berger", "P. M. Nadolsky", "C.-P. Yuan"),
    published=dt.date(2007, 4, 2),
    journal_ref="Phys.Rev.D76:013009,2007",
    doi="10.1103/PhysRevD.76.013009",
    categories=("hep-ph",),
    citation_key="balazs2007calculation",
)
ORGANISATION = Paper(
    id="ps-3f2a9c",
    title="Command R: Retrieval-Augmented Generation at Production Scale",
    authors=("Team Cohere", "Aakanksha"),
    published=dt.date(2024, 3, 1),
    date_precision="month",
    url="https://cohere.com/research/command-r",
    citation_key="cohere2024command",
)
PAPERS = (ACCENTED, TRUNCATED, MATH, OLD_STYLE, PUBLISHED, ORGANISATION)


# -- APA 7, MLA 9, IEEE: exact text ---------------------------------------------------------

APA = {
    ACCENTED: (
        "Ahmadian, A., Cremer, C., & Gallé, M. (2024). Back to Basics: Revisiting REINFORCE "
        "Style Optimization for Learning from Human Feedback in LLMs (arXiv:2402.14740). "
        "arXiv. https://doi.org/10.48550/arXiv.2402.14740"
    ),
    TRUNCATED: (
        "Üstün, A., Aryabumi, V., Yong, Z.-X., et al. (2024). Aya Model: An Instruction "
        "Finetuned Open-Access Multilingual Language Model (arXiv:2402.07827). arXiv. "
        "https://doi.org/10.48550/arXiv.2402.07827"
    ),
    MATH: (
        "Voelcker, C. A., Ahmadian, A., & Abachi, R. (2023). λ-models: Effective "
        "Decision-Aware Reinforcement Learning with Latent Models (arXiv:2306.17366). arXiv. "
        "https://doi.org/10.48550/arXiv.2306.17366"
    ),
    OLD_STYLE: (
        "van der Geer, G. (1992). Siegel modular forms and their applications "
        "(arXiv:math/9201201). arXiv. https://doi.org/10.48550/arXiv.math/9201201"
    ),
    PUBLISHED: (
        "Balázs, C., Berger, E. L., Nadolsky, P. M., & Yuan, C.-P. (2007). Calculation of "
        "prompt diphoton production cross sections at Tevatron and LHC energies. Phys.Rev.D, "
        "76, 013009. https://doi.org/10.1103/PhysRevD.76.013009"
    ),
}

MLA = {
    ACCENTED: (
        "Ahmadian, Arash, et al. “Back to Basics: Revisiting REINFORCE Style Optimization for "
        "Learning from Human Feedback in LLMs.” arXiv, 22 Feb. 2024, "
        "https://doi.org/10.48550/arXiv.2402.14740."
    ),
    TRUNCATED: (
        "Üstün, Ahmet, et al. “Aya Model: An Instruction Finetuned Open-Access Multilingual "
        "Language Model.” arXiv, 12 Feb. 2024, https://doi.org/10.48550/arXiv.2402.07827."
    ),
    OLD_STYLE: (
        "van der Geer, Gerard. “Siegel Modular Forms and Their Applications.” arXiv, 1992, "
        "https://doi.org/10.48550/arXiv.math/9201201."
    ),
    PUBLISHED: (
        "Balázs, C., et al. “Calculation of Prompt Diphoton Production Cross Sections at "
        "Tevatron and LHC Energies.” Phys.Rev.D, vol. 76, 2007, p. 013009, "
        "https://doi.org/10.1103/PhysRevD.76.013009."
    ),
}

IEEE = {
    ACCENTED: (
        "[1] A. Ahmadian, C. Cremer, and M. Gallé, “Back to Basics: Revisiting REINFORCE Style "
        "Optimization for Learning from Human Feedback in LLMs,” Feb. 22, 2024, "
        "arXiv:2402.14740. doi: 10.48550/arXiv.2402.14740."
    ),
    TRUNCATED: (
        "[1] A. Üstün et al., “Aya Model: An Instruction Finetuned Open-Access Multilingual "
        "Language Model,” Feb. 12, 2024, arXiv:2402.07827. doi: 10.48550/arXiv.2402.07827."
    ),
    OLD_STYLE: (
        "[1] G. van der Geer, “Siegel modular forms and their applications,” 1992, "
        "arXiv:math/9201201. doi: 10.48550/arXiv.math/9201201."
    ),
    PUBLISHED: (
        "[1] C. Balázs, E. L. Berger, P. M. Nadolsky, and C.-P. Yuan, “Calculation of prompt "
        "diphoton production cross sections at Tevatron and LHC energies,” Phys.Rev.D, vol. 76, "
        "p. 013009, 2007, doi: 10.1103/PhysRevD.76.013009."
    ),
}


@pytest.mark.parametrize(
    ("style", "paper", "expected"),
    [
        *(("apa", p, text) for p, text in APA.items()),
        *(("mla", p, text) for p, text in MLA.items()),
        *(("ieee", p, text) for p, text in IEEE.items()),
    ],
    ids=lambda v: v.citation_key if isinstance(v, Paper) else (v if len(v) < 10 else None),
)
def test_style_guide_text(style: str, paper: Paper, expected: str) -> None:
    assert cite(paper, style) == expected


def test_numbered_styles_number_consecutively_in_an_export() -> None:
    lines = "".join(cite_many([ACCENTED, TRUNCATED, OLD_STYLE], "ieee")).splitlines()
    assert [line[:4] for line in lines] == ["[1] ", "[2] ", "[3] "]
    assert lines[1] == "[2] " + IEEE[TRUNCATED].removeprefix("[1] ")
    nature = "".join(cite_many([ACCENTED, PUBLISHED], "nature")).splitlines()
    assert nature[0].startswith("1. Ahmadian, A.") and nature[1].startswith("2. Balázs, C.")


# -- every CSL style we name: properties the guides share -----------------------------------

NAMED_CSL = ["apa", "mla", "chicago", "ieee", "harvard", "nature", "acm", "elsevier-harvard"]


@pytest.mark.parametrize("style", NAMED_CSL)
@pytest.mark.parametrize("paper", PAPERS, ids=lambda p: p.citation_key)
def test_csl_output_is_clean_plain_text(style: str, paper: Paper) -> None:
    text = cite(paper, style)
    assert text and text == text.strip() and "  " not in text and "\n" not in text
    assert not re.search(r"</?[a-z]+[^>]*>|&[a-z]+;", text), text  # no HTML
    assert "ArXiv" not in text and "In arXiv" not in text and "Preprint ArXiv" not in text
    assert "others" not in text.casefold() and "\ue000" not in text
    assert "arXiv: arXiv:" not in text and "?." not in text and "”." not in text
    assert "$" not in text  # the math is shown as λ, never as TeX
    assert re.match(r"^(\[\d+\] |\d+\. )?\S", text)  # "[1] A. ...", never "[1]A. ..."
    if paper.arxiv_id and not paper.journal_ref:
        assert paper.arxiv_id in text  # the preprint can be found from the citation


@pytest.mark.parametrize("style", NAMED_CSL)
def test_truncated_author_list_reads_et_al(style: str) -> None:
    text = cite(TRUNCATED, style)
    assert "et al" in text
    assert "Üstün" in text
    # Never a fake complete list: no "and"/"&" joining the last known author as if final.
    assert not re.search(r"(&|\band\b) (Z\.|Zheng-Xin|Yong)", text), text


def test_full_given_names_where_the_style_wants_them() -> None:
    # MLA and Chicago say initialize="false"; citeproc-py used to print "Ahmadian, A."
    assert cite(ACCENTED, "mla").startswith("Ahmadian, Arash, et al.")
    assert cite(ACCENTED, "chicago").startswith("Ahmadian, Arash, Chris Cremer, and Matthias")


def test_any_collection_style_by_file_name() -> None:
    text = cite(PUBLISHED, "elsevier-harvard")
    assert text.startswith("Balázs, C., Berger, E.L., Nadolsky, P.M., Yuan, C.-P., 2007.")
    assert cite(PUBLISHED, "chicago-author-date") == cite(PUBLISHED, "chicago")
    # A dependent style renders as its parent.
    assert cite(ACCENTED, "nature-communications") == cite(ACCENTED, "nature")
    assert cite(ACCENTED, " APA ") == cite(ACCENTED, "apa.csl") == cite(ACCENTED, "apa")


def test_rendering_is_thread_safe_with_et_al_overrides() -> None:
    """The et-al override changes the shared style tree; concurrent renderings must not see it."""
    expected = {p.citation_key: cite(p, "apa") for p in PAPERS}
    work = list(PAPERS) * 8
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda p: (p.citation_key, cite(p, "apa")), work))
    assert all(text == expected[key] for key, text in results)


def test_every_seed_paper_cites_cleanly_in_every_named_style(service: SearchService) -> None:
    papers = [hit.paper for hit in service.search("", limit=100).hits]
    assert papers
    for style in NAMED_CSL:
        lines = "".join(cite_many(papers, style)).splitlines()
        assert len(lines) == len(papers)
        for line in lines:
            assert not re.search(r"</?[a-z]+[^>]*>|\bothers\b|\ue000|  |\?\.|”\.", line), line
    assert len(read_ris("".join(cite_many(papers, "ris")))) == len(papers)
    assert len(json.loads("".join(cite_many(papers, "csl-json")))) == len(papers)
    for paper in papers:
        _bibtexparser_fields(cite(paper, "biblatex"))


# -- CSL-JSON items ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "parts"),
    [
        (
            "Jan van der Beek",
            {"family": "Beek", "given": "Jan", "non-dropping-particle": "van der"},
        ),
        (
            "van der Beek, Jan",
            {"family": "Beek", "given": "Jan", "non-dropping-particle": "van der"},
        ),
        ("Matthias Gallé", {"family": "Gallé", "given": "Matthias"}),
        ("Claas A Voelcker", {"family": "Voelcker", "given": "Claas A."}),
        ("Martin Luther King Jr.", {"family": "King", "given": "Martin Luther", "suffix": "Jr."}),
        ("Aakanksha", {"literal": "Aakanksha"}),
        ("Team Cohere", {"literal": "Team Cohere"}),
        ("Google DeepMind", {"literal": "Google DeepMind"}),
    ],
)
def test_names_split_for_csl(name: str, parts: dict[str, str]) -> None:
    assert split_name(name) == parts


def test_csl_items_carry_the_known_precision_and_identifiers() -> None:
    preprint = csl_item(ACCENTED)
    assert preprint["type"] == "article" and preprint["publisher"] == "arXiv"
    assert preprint["number"] == "arXiv:2402.14740"
    assert preprint["DOI"] == "10.48550/arXiv.2402.14740"
    assert preprint["URL"] == "https://arxiv.org/abs/2402.14740"
    assert preprint["issued"] == {"date-parts": [[2024, 2, 22]]}
    assert csl_item(OLD_STYLE)["issued"] == {"date-parts": [[1992]]}
    assert csl_item(ORGANISATION)["issued"] == {"date-parts": [[2024, 3]]}
    assert csl_item(MATH)["title"].startswith("λ-models")
    article = csl_item(PUBLISHED)
    assert article["type"] == "article-journal"
    assert (article["container-title"], article["volume"], article["page"]) == (
        "Phys.Rev.D",
        "76",
        "013009",
    )
    assert "publisher" not in article and article["DOI"] == "10.1103/PhysRevD.76.013009"
    truncated = csl_item(TRUNCATED)
    assert [a.get("family") for a in truncated["author"]] == ["Üstün", "Aryabumi", "Yong"]
    assert "incomplete" in truncated["note"]


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("Phys.Rev.D76:013009,2007", ("Phys.Rev.D", "76", "013009", 2007)),
        ("Phys. Rev. D 76, 013009 (2007)", ("Phys. Rev. D", "76", "013009", 2007)),
        ("Nature 521, 436-444 (2015)", ("Nature", "521", "436-444", 2015)),
        (
            "J. Mach. Learn. Res. 15 (2014) 1929-1958",
            ("J. Mach. Learn. Res.", "15", "1929-1958", 2014),
        ),
        ("Astrophys.J.658:L5-L8,2007", ("Astrophys.J.", "658", "L5-L8", 2007)),
    ],
)
def test_journal_references_split(text: str, parts: tuple[str, str, str, int]) -> None:
    ref = parse_journal_ref(text)
    assert ref is not None and (ref.journal, ref.volume, ref.page, ref.year) == parts


@pytest.mark.parametrize("text", ["ICLR 2024", "Proceedings of NeurIPS 2023, pp. 1-9", "Nature"])
def test_unusual_journal_references_stay_whole(text: str) -> None:
    assert parse_journal_ref(text) is None


def test_csl_json_is_an_array_of_the_items() -> None:
    data = json.loads(cite(PUBLISHED, "csl-json"))
    assert data == [csl_item(PUBLISHED)]
    exported = json.loads("".join(cite_many(PAPERS, "csl-json")))
    assert [item["id"] for item in exported] == [p.citation_key for p in PAPERS]
    assert exported[0]["author"][2] == {"family": "Gallé", "given": "Matthias"}
    assert json.loads("".join(cite_many([], "csl-json"))) == []


# -- BibTeX and biblatex parse back, with two parsers ---------------------------------------


def _bibtexparser_fields(text: str) -> tuple[str, dict[str, str]]:
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks
    (entry,) = library.entries
    return entry.entry_type, {k.casefold(): str(f.value) for k, f in entry.fields_dict.items()}


def _pybtex_fields(text: str) -> tuple[str, dict[str, str], list[str]]:
    data = pybtex.database.parse_string(text, "bibtex")
    ((_key, entry),) = data.entries.items()
    persons = entry.persons.get("author", [])
    families = [" ".join(p.prelast_names + p.last_names) for p in persons]
    return entry.type, {k.casefold(): v for k, v in entry.fields.items()}, families


def _families(paper: Paper) -> list[str]:
    names = [split_name(a) for a in paper.authors]
    return [
        " ".join(filter(None, (n.get("non-dropping-particle"), n.get("family")))) or n["literal"]
        for n in names
    ]


@pytest.mark.parametrize("style", ["bibtex", "biblatex"])
@pytest.mark.parametrize("paper", PAPERS, ids=lambda p: p.citation_key)
def test_bibtex_family_parses_back_the_same_with_both_parsers(style: str, paper: Paper) -> None:
    text = cite(paper, style)
    kind, fields = _bibtexparser_fields(text)
    py_kind, py_fields, families = _pybtex_fields(text)
    assert kind == py_kind
    authors = fields.pop("author")
    # BibTeX's month macros: bibtexparser keeps "feb", pybtex expands it to "February".
    if "month" in py_fields:
        py_fields["month"] = py_fields["month"][:3].casefold()
    assert py_fields == fields  # every other field, to the character
    expected_families = [f.strip("{}") for f in _families(paper)]
    if paper.et_al:
        expected_families.append("others")
    assert [f.strip("{}") for f in families] == expected_families
    assert authors.count(" and ") == len(expected_families) - 1


@pytest.mark.parametrize("style", ["bibtex", "biblatex"])
@pytest.mark.parametrize(
    ("title", "written"),
    [
        ("a--b and a---b", "a-{}-b and a-{}-{}-b"),
        ("``quoted''", "`{}`quoted'{}'"),
        ("a {b} c", r"a \{b\} c"),
        ("a { b", r"a \textbraceleft{} b"),
        ("a } b { c", r"a \textbraceright{} b \textbraceleft{} c"),
        ("x\\y ~ ^", r"x\textbackslash{}y \textasciitilde{} \textasciicircum{}"),
    ],
)
def test_special_characters_parse_back_the_same_with_both_parsers(
    style: str, title: str, written: str
) -> None:
    """Ligatures are broken and braces that do not pair are named: pybtex (like BibTeX) counts
    an escaped brace too, and an unpaired one made the whole file unreadable to it."""
    text = cite(attrs.evolve(ACCENTED, title=title), style)
    _, fields = _bibtexparser_fields(text)
    _, py_fields, _ = _pybtex_fields(text)
    assert fields["title"] == py_fields["title"] == written
    [back] = list(bibtex_importer.parse_text(text, source_name="round.bib"))
    assert isinstance(back, Paper) and back.title == title


# A real DOI with an underscore (Springer chapters have them) and a URL with an escape in it.
UNDERSCORED = attrs.evolve(
    PUBLISHED,
    id="ps-springer",
    doi="10.1007/978-3-540-24605-3_37",
    url="https://link.springer.com/chapter/10.1007/978-3-540-24605-3_37?a=b%20c#sec_1",
)


@pytest.mark.parametrize("style", ["bibtex", "biblatex"])
def test_doi_and_url_come_back_as_they_were(style: str) -> None:
    """biblatex reads doi and url verbatim, so they are written raw (a `\\_` there would be
    printed and linked as part of the DOI); BibTeX's are escaped for the styles that typeset
    them. Either way, both parsers agree and our own importer reads back the very same DOI."""
    text = cite(UNDERSCORED, style)
    _, fields = _bibtexparser_fields(text)
    _, py_fields, _ = _pybtex_fields(text)
    assert fields["doi"] == py_fields["doi"]
    if style == "biblatex":
        assert fields["doi"] == UNDERSCORED.doi and fields["url"] == UNDERSCORED.url
    else:
        assert fields["doi"] == r"10.1007/978-3-540-24605-3\_37"
    [back] = list(bibtex_importer.parse_text(text, source_name="round.bib"))
    assert isinstance(back, Paper)
    assert (back.doi, back.url) == (UNDERSCORED.doi, UNDERSCORED.url)


def test_braces_that_do_not_pair_in_a_biblatex_url_are_percent_encoded() -> None:
    paper = attrs.evolve(UNDERSCORED, url="https://example.org/a{b")
    _, fields = _bibtexparser_fields(cite(paper, "biblatex"))
    assert fields["url"] == "https://example.org/a%7Bb"


def test_biblatex_fields() -> None:
    _, preprint = _bibtexparser_fields(cite(ACCENTED, "biblatex"))
    assert preprint["date"] == "2024-02-22"
    assert (preprint["eprinttype"], preprint["eprint"], preprint["eprintclass"]) == (
        "arxiv",
        "2402.14740",
        "cs.LG",
    )
    kind, article = _bibtexparser_fields(cite(PUBLISHED, "biblatex"))
    assert kind == "article"
    assert (article["journaltitle"], article["volume"], article["pages"]) == (
        "Phys.Rev.D",
        "76",
        "013009",
    )
    assert article["doi"] == "10.1103/PhysRevD.76.013009" and article["date"] == "2007"
    assert _bibtexparser_fields(cite(OLD_STYLE, "biblatex"))[1]["date"] == "1992"
    assert _bibtexparser_fields(cite(ORGANISATION, "biblatex"))[1]["date"] == "2024-03"
    kind, online = _bibtexparser_fields(cite(ACCENTED, "biblatex"))
    assert kind == "online" and "journaltitle" not in online
    _, math = _bibtexparser_fields(cite(MATH, "biblatex"))
    assert math["title"].startswith("$\\lambda$-models")
    _, bib = _bibtexparser_fields(cite(TRUNCATED, "biblatex"))
    assert bib["author"].endswith(" and others")


# -- RIS -----------------------------------------------------------------------------------

_RIS_LINE = re.compile(r"^([A-Z][A-Z0-9])  - ?(.*)$")


def read_ris(text: str) -> list[dict[str, list[str]]]:
    """A small RIS reader: tag lines into records, TY opening and ER closing each one."""
    records: list[dict[str, list[str]]] = []
    current: dict[str, list[str]] | None = None
    for line in text.splitlines():
        if not line.strip():
            continue
        m = _RIS_LINE.match(line)
        assert m, f"not a RIS line: {line!r}"
        tag, value = m.groups()
        if tag == "TY":
            assert current is None, "TY inside a record"
            current = {}
        assert current is not None, f"{tag} outside a record"
        if tag == "ER":
            records.append(current)
            current = None
            continue
        current.setdefault(tag, []).append(value)
    assert current is None, "record without ER"
    return records


def test_ris_records_parse_back() -> None:
    records = read_ris("".join(cite_many(PAPERS, "ris")))
    assert len(records) == len(PAPERS)
    preprint, truncated, _, old, article, organisation = records
    assert preprint["TY"] == ["UNPB"] and preprint["PB"] == ["arXiv"]
    assert preprint["AU"] == ["Ahmadian, Arash", "Cremer, Chris", "Gallé, Matthias"]
    assert preprint["DA"] == ["2024/02/22/"] and preprint["PY"] == ["2024"]
    assert preprint["DO"] == ["10.48550/arXiv.2402.14740"]
    assert preprint["KW"] == ["cs.LG", "cs.CL"] and preprint["ID"] == ["ahmadian2024back"]
    assert truncated["AU"] == ["Üstün, Ahmet", "Aryabumi, Viraat", "Yong, Zheng-Xin"]
    assert "incomplete" in truncated["N1"][0]
    assert old["AU"] == ["van der Geer, Gerard"] and old["DA"] == ["1992///"]
    assert old["AN"] == ["arXiv:math/9201201"]
    assert article["TY"] == ["JOUR"] and article["T2"] == ["Phys.Rev.D"]
    assert (article["VL"], article["SP"], article["PY"]) == (["76"], ["013009"], ["2007"])
    assert article["DO"] == ["10.1103/PhysRevD.76.013009"]
    assert organisation["AU"] == ["Team Cohere", "Aakanksha"]
    assert organisation["DA"] == ["2024/03//"]
    assert organisation["UR"] == ["https://cohere.com/research/command-r"]


def test_single_ris_record_ends_with_er() -> None:
    text = cite(ACCENTED, "ris")
    assert text.startswith("TY  - UNPB\n") and text.endswith("\nER  - ")


# -- short forms ---------------------------------------------------------------------------


def test_markdown_url_and_key() -> None:
    assert cite(ACCENTED, "markdown") == (
        "[Back to Basics: Revisiting REINFORCE Style Optimization for Learning from Human "
        "Feedback in LLMs](https://arxiv.org/abs/2402.14740) — Arash Ahmadian, Chris Cremer "
        "and Matthias Gallé, 2024"
    )
    assert cite(TRUNCATED, "markdown").endswith(
        "— Ahmet Üstün, Viraat Aryabumi, Zheng-Xin Yong et al., 2024"
    )
    odd = Paper(
        id="ps-1",
        title="[Re] *Bold* claims_",
        authors=("A B",),
        published=dt.date(2020, 1, 1),
        url="https://example.org/a (b)",
    )
    assert cite(odd, "markdown") == (
        r"[\[Re\] \*Bold\* claims\_](https://example.org/a%20%28b%29) — A B, 2020"
    )
    assert cite(OLD_STYLE, "url") == "https://arxiv.org/abs/math/9201201"
    assert cite(OLD_STYLE, "key") == "geer1992siegel"
    assert "".join(cite_many(PAPERS[:2], "markdown")).count("\n- ") == 1


def test_plain_title_ending_in_a_question_mark_takes_no_period() -> None:
    paper = Paper(id="x", title="Is it?", authors=("A B",), published=dt.date(2020, 1, 1))
    assert cite(paper, "plain") == "A B (2020). Is it?"


# -- the API -------------------------------------------------------------------------------


def test_style_enum_and_names_agree() -> None:
    for style in Style:
        assert cite(ACCENTED, style) == cite(ACCENTED, style.value)


def test_available_styles_builtins_first_then_the_collection() -> None:
    names = available_styles()
    assert names[:8] == ["bibtex", "biblatex", "ris", "csl-json", "markdown", "plain", "key", "url"]
    assert names.index("apa") < names.index("2d-materials")
    assert {"mla", "chicago", "ieee", "harvard", "nature", "acm", "elsevier-harvard"} <= set(names)
    assert len(names) == len(set(names)) > 2000


def test_labels_and_extensions() -> None:
    assert style_label("apa") == "APA Style 7th edition"
    assert style_label("bibtex") == "BibTeX entry"
    assert style_label(Style.KEY) == "Citation key only"
    assert "MLA" in style_label("mla")
    assert [
        export_extension(s) for s in ("bibtex", "biblatex", "ris", "csl-json", "markdown", "apa")
    ] == [".bib", ".bib", ".ris", ".json", ".md", ".txt"]


def test_unknown_style_names_close_ones() -> None:
    with pytest.raises(UnknownStyle) as caught:
        cite(ACCENTED, "chicgo")
    assert isinstance(caught.value, PaperscopeError)
    assert "chicago" in str(caught.value)
    with pytest.raises(UnknownStyle):
        cite_many(PAPERS, "nonsense-style-name")  # at once, not at the first chunk
    with pytest.raises(UnknownStyle):
        style_label("apa8th")


# -- streaming -----------------------------------------------------------------------------


class CountingPapers:
    """An iterator of 10,000 papers that records how many have been taken."""

    def __init__(self, total: int = 10_000) -> None:
        self.total = total
        self.taken = 0

    def __iter__(self) -> Iterator[Paper]:
        return self

    def __next__(self) -> Paper:
        if self.taken >= self.total:
            raise StopIteration
        self.taken += 1
        n = self.taken
        return Paper(
            id=f"2401.{n:05d}",
            title=f"Paper number {n}",
            authors=(f"Author{n} Family{n}", "Second Author"),
            published=dt.date(2024, 1, 1 + n % 28),
            citation_key=f"family{n}2024paper",
        )


@pytest.mark.parametrize("style", ["bibtex", "biblatex", "ris", "csl-json", "markdown", "apa"])
def test_cite_many_streams(style: str) -> None:
    papers = CountingPapers()
    chunks = cite_many(papers, style)
    first = next(chunks)
    assert first and papers.taken <= 2
    second = next(chunks)
    assert second and papers.taken <= 3


def test_csl_json_export_of_10000_papers_is_one_valid_array() -> None:
    papers = CountingPapers()
    text = "".join(cite_many(papers, "csl-json"))
    items = json.loads(text)
    assert papers.taken == 10_000 and len(items) == 10_000
    assert items[-1]["id"] == "family100002024paper"


def test_bibtex_export_separates_entries_with_blank_lines() -> None:
    text = "".join(cite_many(PAPERS, "bibtex"))
    assert text.count("\n\n@") == len(PAPERS) - 1 and text.endswith("}\n")
    assert len(bibtexparser.parse_string(text).entries) == len(PAPERS)
