"""Citations: BibTeX that parses back, escaping, capitals, truncated author lists."""

from __future__ import annotations

import datetime as dt

import bibtexparser
import pytest

from search_index import Paper, SearchService, Style, cite
from search_index.citations import escape_latex, protect_capitals
from search_index.citekeys import base_key, suffix


def _parse(entry: str) -> dict[str, str]:
    library = bibtexparser.parse_string(entry)
    assert not library.failed_blocks
    (parsed,) = library.entries
    return {
        "ENTRYTYPE": parsed.entry_type,
        "ID": parsed.key,
        **{k: str(f.value) for k, f in parsed.fields_dict.items()},
    }


ARXIV = Paper(
    id="2402.14740",
    title="Back to Basics: Revisiting REINFORCE Style Optimization for Learning from Human Feedback in LLMs",
    authors=("Arash Ahmadian", "Chris Cremer", "Matthias Gallé"),
    et_al=True,
    published=dt.date(2024, 2, 22),
    categories=("cs.LG", "cs.CL"),
    citation_key="ahmadian2024back",
)


def test_arxiv_preprint_bibtex_parses_back() -> None:
    fields = _parse(cite(ARXIV, Style.BIBTEX))
    assert fields["ENTRYTYPE"] == "misc" and fields["ID"] == "ahmadian2024back"
    assert fields["author"] == "Arash Ahmadian and Chris Cremer and Matthias Gallé and others"
    assert fields["title"] == (
        "Back to Basics: Revisiting {REINFORCE} Style Optimization for Learning from Human "
        "Feedback in {LLMs}"
    )
    assert fields["eprint"] == "2402.14740"
    assert fields["archivePrefix"] == "arXiv" and fields["primaryClass"] == "cs.LG"
    assert fields["year"] == "2024" and fields["month"] == "feb"
    assert fields["url"] == "https://arxiv.org/abs/2402.14740"


def test_published_paper_is_an_article_with_journal_and_doi() -> None:
    paper = Paper(
        id="0704.0001",
        title="Calculation of prompt diphoton production cross sections",
        authors=("C. Balázs", "E. L. Berger"),
        published=dt.date(2007, 4, 2),
        journal_ref="Phys.Rev.D76:013009,2007",
        doi="10.1103/PhysRevD.76.013009",
        categories=("hep-ph",),
    )
    fields = _parse(cite(paper))
    assert fields["ENTRYTYPE"] == "article"
    assert fields["journal"] == "Phys.Rev.D76:013009,2007"
    assert fields["doi"] == "10.1103/PhysRevD.76.013009"
    assert fields["author"] == "C. Balázs and E. L. Berger"


def test_special_characters_are_escaped_and_math_kept() -> None:
    paper = Paper(
        id="ps-1",
        title="$λ$-models: 100% of {braces} & under_scores #1 ~ ^",
        authors=("Team Cohere", "Aakanksha"),
        published=dt.date(2023, 6, 30),
        code_urls=("https://github.com/x/y%20z",),
    )
    fields = _parse(cite(paper))
    assert fields["title"] == (
        r"$λ$-models: 100\% of \{braces\} \& under\_scores \#1 \textasciitilde{} "
        r"\textasciicircum{}"
    )
    # Organisations and single names are braced so BibTeX does not split them.
    assert fields["author"] == "{Team Cohere} and {Aakanksha}"


def test_escape_and_protect_helpers() -> None:
    assert escape_latex("a_b $x_1$") == r"a\_b $x_1$"
    assert protect_capitals("Fine-tuning GPT-4 with LoRA on data") == (
        "Fine-tuning {GPT-4} with {LoRA} on data"
    )


def test_plain_and_key_styles() -> None:
    assert cite(ARXIV, Style.PLAIN) == (
        "Arash Ahmadian, Chris Cremer, Matthias Gallé et al. (2024). Back to Basics: Revisiting "
        "REINFORCE Style Optimization for Learning from Human Feedback in LLMs. arXiv:2402.14740. "
        "https://arxiv.org/abs/2402.14740"
    )
    assert cite(ARXIV, Style.KEY) == "ahmadian2024back"


@pytest.mark.parametrize(
    ("title", "author", "key"),
    [
        ("Back to Basics", "Arash Ahmadian", "ahmadian2024back"),
        ("The Multilingual Alignment Prism", "Aakanksha", "aakanksha2024multilingual"),
        ("$λ$-models: Effective", "Claas A Voelcker", "voelcker2024models"),
        ("On the Origin", "Ahmet Üstün", "ustun2024origin"),
        ("If You Can't Use Them", "Muhammad Khalifa", "khalifa2024if"),
    ],
)
def test_citation_key_style(title: str, author: str, key: str) -> None:
    paper = Paper(id="x", title=title, authors=(author,), published=dt.date(2024, 1, 1))
    assert base_key(paper) == key


def test_key_suffixes_never_run_out() -> None:
    assert [suffix(n) for n in (0, 1, 26, 27, 702, 703)] == ["", "a", "z", "aa", "zz", "aaa"]


def test_every_seed_paper_cites_as_valid_bibtex(service: SearchService) -> None:
    for hit in service.search("", limit=100).hits:
        fields = _parse(cite(hit.paper))
        assert fields["ID"] == hit.paper.citation_key
        assert fields["title"].replace("{", "").replace("}", "") == hit.paper.title
