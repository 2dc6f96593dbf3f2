"""The fast path of indexing gives exactly what Whoosh's analyzer chain gives: the same words,
positions (phrase searches read them), frequencies, weights and encoded postings, for real
titles, abstracts and names and for any text; analyzers it does not know go through Whoosh."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh.analysis import Analyzer, StemFilter, StopFilter

from search_index import Paper, fast_analysis
from search_index.importing import parse_file
from search_index.schema import build_schema, name_analyzer, text_analyzer

SCHEMA = build_schema()
SAMPLES = [
    ("kaggle_jsonl_wanng-ide_arxivSpider/arxiv-metadata-oai-snapshot.head200.json", "arxiv-json"),
    ("kaggle_jsonl_unarxive_2212_metadata/arXiv_src_2212_086.metadata.jsonl", "arxiv-json"),
    ("bibtex_d2l/d2l.bib", "bibtex"),
    ("bibtex_awesome_gem/papers.bib", "bibtex"),
]


def _both(field: str, text: str) -> tuple[list[object], list[object]]:
    fmt = SCHEMA[field].format
    analyzer = SCHEMA[field].analyzer
    whoosh = list(fast_analysis._original_word_values(fmt, text, analyzer, mode="index"))
    fast = list(fmt.word_values(text, analyzer, mode="index"))
    return fast, whoosh


def test_the_schema_fields_take_the_fast_path() -> None:
    for field in ("title", "abstract", "authors"):
        assert fast_analysis._lookup(SCHEMA[field].analyzer) is not None, field


def test_real_papers_index_the_same(shared: Path) -> None:
    texts = 0
    for name, fmt in SAMPLES:
        _, records = parse_file(shared / "data" / name, fmt)
        for paper in records:
            if not isinstance(paper, Paper):
                continue
            for field, text in (
                ("title", paper.title),
                ("abstract", paper.abstract),
                ("authors", "\n".join(paper.authors)),
            ):
                fast, whoosh = _both(field, text)
                assert fast == whoosh, (name, paper.id, field)
                texts += 1
    assert texts > 1000


# Words that the chain treats specially: stop words (dropped, positions renumbered), accents
# (folded), letters whose lowercase is longer (İ), dotted and numeric words, underscores.
_PIECES = st.sampled_from(
    [
        "the", "a", "of", "and", "is", "The", "AND", "optimizing", "optimization", "Optimized",
        "naïve", "Ünter", "İstanbul", "straße", "ΣΊΣΥΦΟΣ", "gpt-4", "7b", "v1.2.3", "e.g.",
        "x_1", "_", "Llama", "models'", "日本語", "a\u0301", "ﬁne", "3.14", "...", "\t", "\n",
    ]
)  # fmt: skip
_TEXT = st.one_of(
    st.lists(_PIECES, max_size=40).map(" ".join),
    st.text(max_size=200),
)


@settings(max_examples=300, derandomize=True, deadline=None)
@given(text=_TEXT)
def test_any_text_indexes_the_same(text: str) -> None:
    for field in ("title", "abstract", "authors"):
        fast, whoosh = _both(field, text)
        assert fast == whoosh, field


@pytest.mark.parametrize(
    "variant",
    [
        text_analyzer() | StopFilter(minsize=3),  # a second stop filter
        name_analyzer() | StemFilter(lang="en"),
        text_analyzer().items[0] | StopFilter(minsize=2),
    ],
    ids=["two-stop-filters", "stemmer-by-language", "other-stop-size"],
)
def test_other_analyzers_go_through_whoosh(variant: Analyzer) -> None:
    assert fast_analysis._lookup(variant) is None
    fmt = SCHEMA["abstract"].format
    text = "The optimizing of a naïve model"
    expected = list(fast_analysis._original_word_values(fmt, text, variant, mode="index"))
    assert list(fmt.word_values(text, variant, mode="index")) == expected
