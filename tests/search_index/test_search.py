"""Searching the seeded library: ranking, syntax, filters, sorting, facets, highlights."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable

import pytest

from search_index import Filters, SearchService, Sort

RLHF = "RLHF Can Speak Many Languages: Unlocking Multilingual Preference Optimization for LLMs"
SRPO = "Self-Improving Robust Preference Optimization"
MOE = (
    "Pushing Mixture of Experts to the Limit: Extremely Parameter Efficient MoE for Instruction "
    "Tuning"
)


def titles(service: SearchService, text: str, **kwargs: object) -> list[str]:
    results = service.search(text, limit=50, **kwargs)  # type: ignore[arg-type]
    return [h.paper.title for h in results.hits]


def test_the_library_starts_with_the_embedded_listing(service: SearchService) -> None:
    results = service.search("")
    assert results.total == results.library_size == 19


def test_preference_optimization_ranks_the_title_matches_first(service: SearchService) -> None:
    found = titles(service, "preference optimization")
    assert set(found[:2]) == {RLHF, SRPO}
    # Every hit has both words (stemmed): the default is AND.
    assert "Intriguing Properties of Quantization at Scale" not in found
    assert len(found) >= 3


def test_author_search_ignores_accents(service: SearchService) -> None:
    assert titles(service, "author:ustun") == [MOE]
    assert titles(service, "author:Üstün") == [MOE]
    assert titles(service, "ustun") == [MOE]


def test_field_prefixes(service: SearchService) -> None:
    assert titles(service, "title:quantization") == [
        "Intriguing Properties of Quantization at Scale"
    ]
    assert set(titles(service, "cat:cs.AI")) == {
        "Programming by Backprop: LLMs Acquire Reusable Algorithmic Abstractions During Code "
        "Training"
    }
    assert titles(service, "cat:CS.ai") == titles(service, "cat:cs.AI")
    in_2023 = service.search("year:2023", limit=50)
    assert in_2023.total == 3
    assert all(h.paper.published.year == 2023 for h in in_2023.hits)


def test_boolean_operators_phrases_wildcards_fuzzy(service: SearchService) -> None:
    merging = set(titles(service, "merging"))
    assert set(titles(service, "merging NOT multilingual")) < merging
    assert set(titles(service, "quantization OR darts")) == {
        "Intriguing Properties of Quantization at Scale",
        "Pseudo-Inverted Bottleneck Convolution for DARTS Search Space",
    }
    phrase = titles(service, '"model merging"')
    assert phrase and all(t in merging for t in phrase)
    assert titles(service, "quantiz*") == ["Intriguing Properties of Quantization at Scale"]
    assert titles(service, "quantizaton~") == ["Intriguing Properties of Quantization at Scale"]


def _finishing(fn: Callable[[], list[str]], limit: float = 60.0) -> list[str]:
    """fn's result, or a failure if it has not returned within `limit` seconds: a search that
    hangs must fail the test, not stop the suite (its daemon thread is left behind)."""
    found: list[list[str]] = []
    thread = threading.Thread(target=lambda: found.append(fn()), daemon=True)
    thread.start()
    thread.join(limit)
    assert found, f"still searching after {limit:.0f} s"
    return found[0]


def test_a_fuzzy_distance_above_two_searches_as_two(service: SearchService) -> None:
    """`optimizaton~8` built a Levenshtein automaton that did not finish in a minute."""
    two = titles(service, "optimizaton~2")
    assert two and _finishing(lambda: titles(service, "optimizaton~8")) == two
    eight = _finishing(lambda: titles(service, "optimizaton~8 merging"))
    assert eight == titles(service, "optimizaton~2 merging")


@pytest.mark.parametrize(
    "text",
    ['"unbalanced quote', "(merging", "merging)", "*", "author:", "title: merging", "?", "AND"],
)
def test_malformed_queries_never_raise_and_say_so(service: SearchService, text: str) -> None:
    results = service.search(text)
    assert results.notice is not None
    assert "plain words" in results.notice


def test_malformed_query_still_finds_its_words(service: SearchService) -> None:
    results = service.search('"model merging')
    assert results.notice and results.total > 0


def test_category_filter_is_any_of(service: SearchService) -> None:
    ai = service.search("", Filters(categories=("cs.AI",)))
    cl = service.search("", Filters(categories=("cs.CL",)))
    both = service.search("", Filters(categories=("cs.AI", "CL")))
    assert ai.total == 1
    assert both.total == ai.total + cl.total
    assert all(set(h.paper.categories) & {"cs.AI", "cs.CL"} for h in both.hits)


def test_date_range_is_inclusive(service: SearchService) -> None:
    since_2025 = service.search("", Filters(since=dt.date(2025, 1, 1)), limit=50)
    assert {h.paper.published for h in since_2025.hits} == {
        dt.date(2025, 4, 1),
        dt.date(2025, 5, 13),
        dt.date(2025, 5, 28),
        dt.date(2025, 6, 23),
        dt.date(2026, 1, 14),
    }
    one_day = service.search("", Filters(since=dt.date(2024, 12, 5), until=dt.date(2024, 12, 5)))
    assert one_day.total == 2


def test_has_code_filter(service: SearchService) -> None:
    with_code = service.search("", Filters(has_code=True))
    assert {h.paper.title for h in with_code.hits} == {
        MOE,
        "Pseudo-Inverted Bottleneck Convolution for DARTS Search Space",
    }


def test_sorting(service: SearchService) -> None:
    newest = service.search("", sort=Sort.NEWEST, limit=50).hits
    oldest = service.search("", sort=Sort.OLDEST, limit=50).hits
    dates = [h.paper.published for h in newest]
    assert dates == sorted(dates, reverse=True)
    assert newest[0].paper.published == dt.date(2026, 1, 14)
    assert [h.paper.id for h in oldest] == [h.paper.id for h in reversed(newest)] or [
        h.paper.published for h in oldest
    ] == sorted(dates)
    by_date = service.search("merging", sort=Sort.NEWEST, limit=50).hits
    assert [h.paper.published for h in by_date] == sorted(
        (h.paper.published for h in by_date), reverse=True
    )


def test_paging(service: SearchService) -> None:
    everything = [h.paper.id for h in service.search("", sort=Sort.NEWEST, limit=50).hits]
    page2 = service.search("", sort=Sort.NEWEST, limit=5, offset=5)
    assert [h.paper.id for h in page2.hits] == everything[5:10]
    assert page2.total == 19 and page2.offset == 5


def test_facets_count_the_current_query(service: SearchService) -> None:
    facets = service.search("").facets
    assert dict(facets.categories) == {"cs.LG": 10, "cs.CL": 8, "cs.AI": 1}
    assert sum(n for _, n in facets.years) == 19
    assert dict(facets.years)[2024] == 9
    merging = service.search("merging")
    assert sum(n for _, n in merging.facets.categories) == merging.total


def test_category_counts_ignore_the_category_filter(service: SearchService) -> None:
    """So the panel shows what choosing another category would give."""
    filtered = service.search("", Filters(categories=("cs.AI",)))
    assert filtered.total == 1
    assert dict(filtered.facets.categories)["cs.LG"] == 10
    assert sum(n for _, n in filtered.facets.years) == 1


def test_highlight_spans_cover_matched_words(service: SearchService) -> None:
    hit = next(h for h in service.search("preference optimization").hits if h.paper.title == RLHF)
    marked = [RLHF[s.start : s.end] for s in hit.title_spans]
    assert marked == ["Preference", "Optimization"]
    abstract_marked = {hit.paper.abstract[s.start : s.end].lower() for s in hit.abstract_spans}
    assert "preference" in abstract_marked


def test_did_you_mean(service: SearchService) -> None:
    results = service.search("quantizaton")
    assert results.total == 0
    assert results.suggestion == "quantization"


def test_did_you_mean_corrects_only_the_word_no_field_has(service: SearchService) -> None:
    # "preference" is in titles and abstracts though no author is called so: it stays.
    results = service.search("preference quantizaton")
    assert results.total == 0
    assert results.suggestion == "preference quantization"
    # Every word is somewhere; they only never meet: nothing to correct.
    apart = service.search("ustun quantization")
    assert apart.total == 0 and apart.suggestion is None


def test_get_by_id_key_and_missing(service: SearchService) -> None:
    hit = service.search("quantization").hits[0]
    assert service.get(hit.paper.id) == hit.paper
    assert hit.paper.citation_key == "ahmadian2023intriguing"
    assert service.get("ahmadian2023intriguing") == hit.paper
    from search_index import NotFound

    with pytest.raises(NotFound):
        service.get("nope")


def test_stop_words_do_not_have_to_be_author_names(service: SearchService) -> None:
    assert titles(service, "back to basics") == [
        "Back to Basics: Revisiting REINFORCE Style Optimization for Learning from Human "
        "Feedback in LLMs"
    ]
