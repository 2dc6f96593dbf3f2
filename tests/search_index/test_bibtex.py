"""The BibTeX importer: the real .bib samples entry by entry, arXiv ids, broken files, imports."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from search_index import Library, Paper, ParseError
from search_index.ids import content_id
from search_index.importers import bibtex
from search_index.importers.bibtex import (
    arxiv_id_in_text,
    is_only_arxiv,
    parse,
    parse_text,
    sniff,
    split_names,
)
from search_index.importing import detect_format, import_file


@pytest.fixture
def d2l(shared: Path) -> Path:
    path = shared / "data" / "bibtex_d2l" / "d2l.bib"
    if not path.exists():
        pytest.skip("d2l.bib is absent")
    return path


@pytest.fixture
def gem(shared: Path) -> Path:
    path = shared / "data" / "bibtex_awesome_gem" / "papers.bib"
    if not path.exists():
        pytest.skip("papers.bib is absent")
    return path


def _papers(path: Path) -> list[Paper]:
    records = list(parse(path))
    assert [r for r in records if isinstance(r, ParseError)] == []
    return [r for r in records if isinstance(r, Paper)]


def _by_line(papers: list[Paper]) -> dict[int, Paper]:
    return {p.source.line: p for p in papers if p.source is not None and p.source.line is not None}


# Counted with grep: `grep -c '^@' FILE` gives 488 and 23, every one an entry
# (`grep -ci '^@\(string\|comment\|preamble\)'` gives 0 for both, and `grep -c '@'` gives the
# same 488 and 23, so no entry starts mid-line). d2l.bib holds ten papers twice under two keys
# (YFCC100M, eight Vapnik papers, 1607.06450 "Layer normalization" and Vapnik 1994), so it has
# 477 distinct papers. arXiv ids: d2l.bib names one in 128 entries (`grep -ci
# 'ar{x}iv:\|arxiv.org/abs\|eprint'`), 127 distinct; papers.bib in 22 (`grep -c
# 'arxiv.org/abs'`: 21 say "arXiv preprint arXiv:" in journal too, one is a conference paper).
SAMPLES = [("d2l", 488, 477, 128), ("gem", 23, 23, 22)]


@pytest.mark.parametrize(("sample", "entries", "distinct", "with_arxiv"), SAMPLES)
def test_both_samples_parse_every_entry(
    request: pytest.FixtureRequest, sample: str, entries: int, distinct: int, with_arxiv: int
) -> None:
    papers = _papers(request.getfixturevalue(sample))
    assert len(papers) == entries
    assert len({p.id for p in papers}) == distinct
    assert sum(p.arxiv_id is not None for p in papers) == with_arxiv
    for paper in papers:
        assert paper.title and "{" not in paper.title and "\\" not in paper.title
        assert all("{" not in a and "\\" not in a for a in paper.authors)
        assert paper.citation_key is None
        assert paper.published.month == paper.published.day == 1  # year only, in both files


def test_a_conference_paper_with_tex_accents_and_et_al(d2l: Path) -> None:
    paper = _by_line(_papers(d2l))[1]
    assert paper.title == "TensorFlow: A system for large-scale machine learning"
    assert paper.title_tex == "Tensor{F}low: A system for large-scale machine learning"
    assert paper.authors == (
        "Martín Abadi", "Paul Barham", "Jianmin Chen", "Zhifeng Chen", "Andy Davis",
        "Jeffrey Dean", "Matthieu Devin", "Sanjay Ghemawat", "Geoffrey Irving", "Michael Isard",
    )  # fmt: skip
    assert paper.et_al is True  # "and et al."
    assert paper.journal_ref == (
        "12th USENIX Symposium on Operating Systems Design and Implementation (OSDI 16)"
    )
    assert paper.published == dt.date(2016, 1, 1)
    assert paper.id == content_id(paper.title, "Martín Abadi")
    assert paper.arxiv_id is None
    assert paper.abstract == ""  # no entry in either file has one; they are kept all the same
    assert (paper.doi, paper.url, paper.comments, paper.categories) == (None, None, None, ())


def test_a_journal_article_with_accents_across_lines(d2l: Path) -> None:
    by_line = _by_line(_papers(d2l))
    paper = by_line[106]  # Bengio, Ducharme, Vincent, Jauvin 2003
    assert paper.title == "A neural probabilistic language model"
    assert paper.authors == (
        "Yoshua Bengio",
        "Réjean Ducharme",
        "Pascal Vincent",
        "Christian Jauvin",
    )
    assert paper.journal_ref == "Journal of Machine Learning Research"
    assert paper.published == dt.date(2003, 1, 1)
    book = by_line[302]  # "Ram{\'o}n y {C}ajal, Santiago, and Azoulay, L." (a stray comma)
    assert book.authors == ("Santiago Ramón y Cajal", "L. Azoulay")
    assert book.title == (
        "Les Nouvelles Idées sur la Structure du Système Nerveux chez l'Homme et chez les Vertébrés"
    )
    assert book.published == dt.date(1894, 1, 1)
    assert by_line[331].journal_ref == "Rend. Accad. Lincei"  # "Rend.\ {A}ccad.\ {L}incei"
    assert by_line[331].authors == ("F. P. Cantelli",)  # "F.~P. Cantelli"


def test_arxiv_ids_in_d2l_journal_fields(d2l: Path) -> None:
    by_line = _by_line(_papers(d2l))
    cho = by_line[380]  # journal = {Ar{X}iv:1409.1259}
    assert cho.id == "1409.1259"
    assert (
        cho.title == "On the properties of neural machine translation: Encoder–decoder approaches"
    )
    assert cho.authors == (
        "Kyunghyun Cho",
        "Bart Van Merriënboer",
        "Dzmitry Bahdanau",
        "Yoshua Bengio",
    )
    assert cho.journal_ref is None  # a pointer to arXiv is no venue
    feurer = by_line[4074]  # journal = {Ar{X}iv:1802.02219 [stat.ML]}
    assert (feurer.id, feurer.categories) == ("1802.02219", ("stat.ML",))
    kojima = by_line[4386]  # journal = {arxiv.org/abs/2205.11916}
    assert (kojima.id, kojima.journal_ref) == ("2205.11916", None)
    llama = by_line[4479]  # year = {2023a}, "and et al."
    assert (llama.id, llama.published, llama.et_al) == ("2302.13971", dt.date(2023, 1, 1), True)
    assert llama.title == "LLaMA: Open and efficient foundation language models"
    edited = by_line[4191]  # an edited book: no author, only editors
    assert edited.authors == ("F. Hutter", "L. Kotthoff", "J. Vanschoren")


def test_gem_entries_field_by_field(gem: Path) -> None:
    by_line = _by_line(_papers(gem))
    conference = by_line[1]
    assert conference.title == (
        "GEM-Bench: A Benchmark for Ad-Injected Response Generation within Generative Engine "
        "Marketing"
    )
    assert conference.authors == ("Silan Hu", "Shiqi Zhang", "Yimin Shi", "Xiaokui Xiao")
    assert conference.journal_ref == (
        "Proceedings of the 32nd ACM SIGKDD Conference on Knowledge Discovery and Data Mining "
        "V.2 (KDD '26)"
    )
    assert conference.doi == "10.1145/3770855.3817474"
    assert conference.url == "https://doi.org/10.1145/3770855.3817474"
    assert conference.published == dt.date(2026, 1, 1)
    assert conference.arxiv_id is None

    geo = by_line[11]  # journal = {arXiv preprint arXiv:2311.09735}
    assert geo.id == "2311.09735"
    assert geo.title == "GEO: Generative Engine Optimization"
    assert geo.title_tex is None
    assert geo.journal_ref is None
    assert geo.url == "https://arxiv.org/abs/2311.09735"
    assert geo.published == dt.date(2023, 1, 1)

    # A conference paper whose only link to arXiv is its url.
    native_ads = by_line[91]
    assert native_ads.id == "2402.04889"
    assert native_ads.journal_ref == "Companion Proceedings of the ACM Web Conference 2024"
    assert native_ads.doi == "10.1145/3589335.3651489"

    buying = by_line[43]
    assert buying.id == "2508.02630"
    assert buying.title == (
        "What Is Your AI Agent Buying? Evaluation, Biases, Model Dependence, & Emerging "
        "Implications for Agentic E-Commerce"
    )
    assert buying.title_tex is not None and "\\&" in buying.title_tex
    # Josu{\\'e}: a doubled backslash in the file, read as the accent it was meant to be.
    assert buying.authors == (
        "Amine Allouah", "Omar Besbes", "Josué D. Figueroa", "Yash Kanoria", "Akshit Kumar",
    )  # fmt: skip


EPRINTS = r"""@Misc{vaswani2017,
  title         = {Attention Is All You Need},
  author        = {Vaswani, Ashish and Shazeer, Noam and others},
  year          = {2017},
  month         = jun,
  eprint        = {1706.03762v7},
  archivePrefix = {arXiv},
  primaryClass  = {cs.CL},
  keywords      = {transformers, attention},
  abstract      = {The dominant sequence transduction models are based on
                   recurrent networks.

                   Code is at \url{https://github.com/tensorflow/tensor2tensor}.},
}
@article{from-doi, title = {From a DOI}, author = {Lee, Ann}, year = 2020, month = {3},
  doi = {https://doi.org/10.48550/arXiv.2001.08361}}
@article{from-url, title = {From a URL}, author = {Li, Bo}, year = 2022,
  url = {https://arxiv.org/pdf/2203.15556v1.pdf}}
@article{from-note, title = {From a Note}, author = {van Beethoven, Ludwig}, year = 1999,
  journal = {Phys. Rev. D}, note = {arXiv:hep-th/9901001}}
@article{not-arxiv, title = {Numbers Are Not Ids}, author = {Hoane, Jr., A. Joseph}, year = 2001,
  pages = {1234.5678}, eprint = {12345678}, archivePrefix = {PubMed}}
"""


def test_arxiv_ids_from_eprint_doi_url_and_note() -> None:
    papers = [r for r in parse_text(EPRINTS, source_name="own.bib") if isinstance(r, Paper)]
    assert [p.id for p in papers[:4]] == [
        "1706.03762",
        "2001.08361",
        "2203.15556",
        "hep-th/9901001",
    ]
    attention = papers[0]
    assert attention.categories == ("cs.CL",)
    assert attention.published == dt.date(2017, 6, 1)
    assert attention.authors == ("Ashish Vaswani", "Noam Shazeer")
    assert attention.et_al is True
    assert attention.abstract == (
        "The dominant sequence transduction models are based on recurrent networks.\n\n"
        "Code is at https://github.com/tensorflow/tensor2tensor."
    )
    assert attention.code_urls == ("https://github.com/tensorflow/tensor2tensor",)
    assert papers[1].published == dt.date(2020, 3, 1)
    assert papers[1].doi == "10.48550/arXiv.2001.08361"
    assert papers[3].authors == ("Ludwig van Beethoven",)
    assert papers[3].journal_ref == "Phys. Rev. D"
    assert papers[3].comments is None  # the note only pointed at arXiv
    other = papers[4]
    assert other.arxiv_id is None and other.id == content_id(
        "Numbers Are Not Ids", "A. Joseph Hoane Jr."
    )
    assert other.authors == ("A. Joseph Hoane Jr.",)


BROKEN = """% a comment, then a macro
@string{jmlr = "Journal of Machine Learning Research"}

@article{good,
  title   = {Good One},
  author  = {Smith, John},
  journal = jmlr,
  year    = 2020
}

@article{broken,
  title  = {An {unterminated brace,
  author = {Doe, Jane},
  year   = {2021}
}

@inproceedings{after,
  title     = {After the Break},
  author    = {Roe, Richard},
  booktitle = {Proc. Something},
  year      = {2022},
}

@misc{undated, title = {No Year}, author = {X, Y}}

@comment{not a paper}
@preamble{"\\newcommand{\\foo}{}"}

@article{last,
  title  = {Open at the End},
  author = {Last, First},
  year   = {2023}
"""


def test_syntax_errors_are_reported_with_lines_and_the_rest_kept(tmp_path: Path) -> None:
    path = tmp_path / "broken.bib"
    path.write_text(BROKEN, "utf-8")
    records = list(parse(path))
    papers = [r for r in records if isinstance(r, Paper)]
    errors = [r for r in records if isinstance(r, ParseError)]
    assert [(p.title, p.source.line if p.source else None) for p in papers] == [
        ("Good One", 4),
        ("After the Break", 17),
    ]
    assert papers[0].journal_ref == "Journal of Machine Learning Research"  # @string resolved
    assert papers[1].journal_ref == "Proc. Something"
    assert [e.source.line for e in errors] == [11, 24, 29]
    assert "@article{broken," in errors[0].reason and "brace or quote" in errors[0].reason
    assert errors[1].reason == "@misc{undated}: no year"
    assert "end of file" in errors[2].reason
    assert all(str(e).startswith(f"{path}:") for e in errors)


def test_a_file_over_the_limit_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "huge.bib"
    with path.open("wb") as f:
        f.write(b"@article{a, title = {A}, author = {B}, year = 2020}\n")
        f.truncate(bibtex.MAX_BYTES + 1)  # sparse: takes no disk
    [error] = list(parse(path))
    assert isinstance(error, ParseError)
    assert error.source.path == str(path) and error.source.line is None
    assert "too large" in error.reason


def test_latin1_files_are_read() -> None:
    text = "@book{b, title = {Théorie}, author = {Müller, Jörg}, year = 1990}\n"
    path_text = text.encode("latin-1")
    decoded = bibtex._decode(path_text)
    [paper] = list(parse_text(decoded, source_name="l.bib"))
    assert isinstance(paper, Paper)
    assert (paper.title, paper.authors) == ("Théorie", ("Jörg Müller",))


def test_import_then_reimport_adds_nothing(d2l: Path, gem: Path, empty_library: Library) -> None:
    first = import_file(empty_library, d2l)
    assert (first.format, first.added, first.updated, first.errors) == ("bibtex", 477, 0, ())
    assert import_file(empty_library, gem).added == 23
    again = import_file(empty_library, d2l)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 477)
    assert import_file(empty_library, gem).added == 0
    assert empty_library.count() == 500


def test_detection(d2l: Path, gem: Path, tmp_path: Path) -> None:
    assert detect_format(d2l) == "bibtex"
    assert detect_format(gem) == "bibtex"
    assert sniff(tmp_path, "% refs\n\n@Misc( key, title = {T} )\n")
    assert sniff(tmp_path, "@InProceedings{\t  Abadi.2016,\n")
    assert not sniff(tmp_path, "LGJun 3, 2024\nTitleAnn Lee\nAbstract.\n")
    assert not sniff(tmp_path, "mail me at ann@example.org {or not}\n")


NAMES = [
    ("Abadi, Mart{\\'\\i}n and Barham, Paul", ("Martín Abadi", "Paul Barham"), False),
    ("{Le Cun}, Yann and Bottou, {L\\'eon}", ("Yann Le Cun", "Léon Bottou"), False),
    ("{Google Research} and others", ("Google Research",), True),
    ("Doe, Jane and et al.", ("Jane Doe",), True),
    ("{Simon and Schuster}", ("Simon and Schuster",), False),
    ('Sch{\\"o}lkopf, Bernhard', ("Bernhard Schölkopf",), False),
    ("", (), False),
]


@pytest.mark.parametrize(("text", "names", "et_al"), NAMES)
def test_names(text: str, names: tuple[str, ...], et_al: bool) -> None:
    assert split_names(text) == (names, et_al)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("arXiv preprint arXiv:2311.09735", ("2311.09735", None)),
        ("ArXiv:1905.01392 [cs.LG]", ("1905.01392", "cs.LG")),
        ("arxiv.org/abs/2205.11916", ("2205.11916", None)),
        ("https://arxiv.org/abs/math/0601001v2", ("math/0601001", None)),
        ("Proc. 1234.5678 pages", None),
        ("CoRR abs/1512.01274", None),
    ],
)
def test_arxiv_ids_in_text(text: str, found: tuple[str, str | None] | None) -> None:
    assert arxiv_id_in_text(text) == found


def test_arxiv_only_journals() -> None:
    assert is_only_arxiv("arXiv preprint arXiv:2311.09735")
    assert is_only_arxiv("ArXiv:1802.02219 [stat.ML]")
    assert not is_only_arxiv("Journal of Machine Learning Research")
    assert not is_only_arxiv("Workshop on arXiv Tools 2020")


def test_a_year_only_entry_cites_without_inventing_a_month(tmp_path: Path) -> None:
    from search_index import Style, cite

    path = tmp_path / "year.bib"
    path.write_text(
        "@article{a, title={Only a Year}, author={Lee, Ann}, year={2019}, journal={J}}\n"
        "@article{b, title={With a Month}, author={Lee, Ann}, year={2019}, month=mar, journal={J}}\n"
    )
    by_title = {p.title: p for p in bibtex.parse(path) if isinstance(p, Paper)}
    year_only, with_month = by_title["Only a Year"], by_title["With a Month"]
    assert year_only.date_precision == "year" and year_only.published_text == "2019"
    assert with_month.date_precision == "month" and with_month.published_text == "2019-03"
    assert "month" not in cite(year_only, Style.BIBTEX)
    assert re.search(r"month\s+= mar,", cite(with_month, Style.BIBTEX))
