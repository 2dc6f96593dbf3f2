"""URLs in abstracts: trailing punctuation, code announcements, forges, DOIs."""

from __future__ import annotations

import pytest

from search_index.links import classify_urls, find_urls


@pytest.mark.parametrize(
    ("text", "code", "other"),
    [
        (
            "Our code used in all the experiments is publicly available here: "
            "https://github.com/for-ai/parameter-efficient-moe.",
            ("https://github.com/for-ai/parameter-efficient-moe",),
            (),
        ),
        (
            "Code is available from https://github.com/mahdihosseini/PIBConv. "
            "Data at https://example.org/data (mirror).",
            ("https://github.com/mahdihosseini/PIBConv",),
            ("https://example.org/data",),
        ),
        (
            "See https://project.example.org/page, and more.",
            (),
            ("https://project.example.org/page",),
        ),
        ("Implementation: https://example.com/impl;", ("https://example.com/impl",), ()),
        (
            "Journal of Open Source Software https://doi.org/10.21105/joss.01",
            (),
            ("https://doi.org/10.21105/joss.01",),
        ),
        (
            "Wikipedia https://en.wikipedia.org/wiki/Foo_(bar) is cited.",
            (),
            ("https://en.wikipedia.org/wiki/Foo_(bar)",),
        ),
        ("No links here.", (), ()),
    ],
)
def test_classify_urls(text: str, code: tuple[str, ...], other: tuple[str, ...]) -> None:
    assert classify_urls(text) == (code, other)


def test_find_urls_deduplicates_in_order() -> None:
    text = "https://a.example/x and https://b.example/y, again https://a.example/x."
    assert find_urls(text) == ("https://a.example/x", "https://b.example/y")
