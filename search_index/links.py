"""URLs in abstracts, and which of them the authors announce as their code."""

from __future__ import annotations

import re

_URL = re.compile(r"https?://[^\s<>\"'{}|\\^`]+", re.IGNORECASE)
_TRAILING = ".,;:!?)]}'\""
_CODE_WORDS = re.compile(
    r"\b(code|codes|implementation|implementations|source|repository|repo|software|toolkit|"
    r"library|package|publicly available|open[- ]source|released)\b",
    re.IGNORECASE,
)
# Links to a paper's own record are never its code, whatever the sentence around them says.
_NOT_CODE = re.compile(r"^https?://(dx\.)?(doi\.org|arxiv\.org)/", re.I)
_CODE_HOSTS = re.compile(r"^https?://(www\.)?(github\.com|gitlab\.com|bitbucket\.org)/", re.I)
_SENTENCE_END = re.compile(r"[.!?]\s+(?=[A-Z])")


def _trim(url: str) -> str:
    """Drop sentence punctuation after a URL, but keep a closing parenthesis it opened."""
    while url and url[-1] in _TRAILING:
        if url[-1] == ")" and url.count("(") >= url.count(")"):
            break
        url = url[:-1]
    return url


def find_urls(text: str) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for match in _URL.finditer(text):
        url = _trim(match.group(0))
        if len(url) > len("https://"):
            seen.setdefault(url, None)
    return tuple(seen)


def classify_urls(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(code URLs, other URLs): a URL is code when its sentence announces code or its host is a
    code forge."""
    code: dict[str, None] = {}
    other: dict[str, None] = {}
    for match in _URL.finditer(text):
        url = _trim(match.group(0))
        if len(url) <= len("https://"):
            continue
        sentence_start = 0
        for end in _SENTENCE_END.finditer(text, 0, match.start()):
            sentence_start = end.end()
        sentence = text[sentence_start : match.start()]
        if not _NOT_CODE.match(url) and (_CODE_HOSTS.match(url) or _CODE_WORDS.search(sentence)):
            code.setdefault(url, None)
        else:
            other.setdefault(url, None)
    return tuple(code), tuple(u for u in other if u not in code)
