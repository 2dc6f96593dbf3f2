"""URLs in abstracts: where they end, and which ones the authors announce as their code."""

from __future__ import annotations

import pytest

from search_index.links import classify_urls, find_urls

FIND = [
    ("Code is available from https://github.com/mahdihosseini/PIBConv.", ("https://github.com/mahdihosseini/PIBConv",)),
    ("see https://a.org/x, https://b.org/y; and https://c.org/z!", ("https://a.org/x", "https://b.org/y", "https://c.org/z")),
    ("(see https://x.org/a).", ("https://x.org/a",)),
    ("Wiki https://en.wikipedia.org/wiki/Foo_(bar).", ("https://en.wikipedia.org/wiki/Foo_(bar)",)),
    ("at https://x.org/a?b=1&c=2#frag.", ("https://x.org/a?b=1&c=2#frag",)),
    ("\\url{https://x.org/tex} and <https://y.org/angle>", ("https://x.org/tex", "https://y.org/angle")),
    ('quoted "https://x.org/q" here', ("https://x.org/q",)),
    ("home http://www.math.rutgers.edu/~sontag/PUBDIR/index.html", ("http://www.math.rutgers.edu/~sontag/PUBDIR/index.html",)),
    ("twice https://x.org/a and https://x.org/a.", ("https://x.org/a",)),
    ("bare github.com/a/b and www.example.org/page.", ("https://github.com/a/b", "https://www.example.org/page")),
    ("mail me@github.com/x or see web.archive.org/github.com/y", ()),
    ("nothing at https:// or https://. here", ()),
    ("no urls at all", ()),
]  # fmt: skip


@pytest.mark.parametrize(("text", "urls"), FIND, ids=[f[0][:30] for f in FIND])
def test_find_urls(text: str, urls: tuple[str, ...]) -> None:
    assert find_urls(text) == urls


CLASSIFY = [
    # (text, code URLs, other URLs)
    ("Our code used in all the experiments is publicly available here: https://github.com/for-ai/parameter-efficient-moe.", ("https://github.com/for-ai/parameter-efficient-moe",), ()),
    ("Code is available from https://github.com/mahdihosseini/PIBConv.", ("https://github.com/mahdihosseini/PIBConv",), ()),
    ("Our implementation is publicly available here: https://example.org/impl.", ("https://example.org/impl",), ()),
    ("Everything is publicly available here: https://example.org/x.", ("https://example.org/x",), ()),
    ("code: https://example.org/c", ("https://example.org/c",), ()),
    ("The repository https://sourcehut.example/r holds it.", ("https://sourcehut.example/r",), ()),
    ("See https://github.com/a/b--c~d.", ("https://github.com/a/b--c~d",), ()),
    ("Data at https://a.org/d and code at https://b.org/c.", ("https://b.org/c",), ("https://a.org/d",)),
    ("Code and data: https://a.org/x and https://b.org/y.", ("https://a.org/x", "https://b.org/y"), ()),
    ("We evaluate on https://example.org/bench. Code: https://gitlab.com/a/b.", ("https://gitlab.com/a/b",), ("https://example.org/bench",)),
    ("Our dataset is publicly available at https://huggingface.co/datasets/x.", (), ("https://huggingface.co/datasets/x",)),
    ("We release our benchmark at https://github.com/x/bench.", (), ("https://github.com/x/bench",)),
    ("Model weights are released at https://huggingface.co/m.", (), ("https://huggingface.co/m",)),
    ("First paragraph see https://example.org/data .", (), ("https://example.org/data",)),
    ("A demo is at https://demo.example.org. Our code (e.g. https://example.org/src) is released.", ("https://example.org/src",), ("https://demo.example.org",)),
    ("https://example.org/r hosts our implementation.", ("https://example.org/r",), ()),
    ("Results at https://example.org/r (code) are shown.", ("https://example.org/r",), ()),
    ("Our project page is https://x.github.io/p.", (), ("https://x.github.io/p",)),
    ("Code accompanies the JOSS paper https://doi.org/10.21105/joss.01234 and arXiv https://arxiv.org/abs/2401.00001.", (), ("https://doi.org/10.21105/joss.01234", "https://arxiv.org/abs/2401.00001")),
    ("We released the code.\n\nProject page: https://example.org/p", (), ("https://example.org/p",)),
]  # fmt: skip


@pytest.mark.parametrize(("text", "code", "other"), CLASSIFY, ids=[c[0][:30] for c in CLASSIFY])
def test_classify_urls(text: str, code: tuple[str, ...], other: tuple[str, ...]) -> None:
    assert classify_urls(text) == (code, other)


def test_a_url_is_never_both_code_and_other() -> None:
    text = "See https://github.com/a/b. The data is also at https://github.com/a/b."
    assert classify_urls(text) == (("https://github.com/a/b",), ())
