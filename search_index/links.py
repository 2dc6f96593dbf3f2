"""URLs in abstracts, and which of them the authors announce as their code.

Every importer finds links the same way, so that a paper imported from a listing and the same
paper imported from arXiv JSON end up with the same code links.
"""

from __future__ import annotations

import re

# A URL with a scheme, or a bare `www.` / code-forge address ("code at github.com/a/b"), which
# abstracts often write without one. Quotes, braces and angle brackets end a URL: they are the
# delimiters of `\url{...}`, `<...>` and quoted text, and never unescaped parts of one.
_URL = re.compile(
    r"https?://[^\s<>\"'{}|\\^`]+"
    r"|(?<![\w.@/-])(?:www\.|(?:github\.com|gitlab\.com|bitbucket\.org|codeberg\.org)/)"
    r"[^\s<>\"'{}|\\^`]+",
    re.IGNORECASE,
)
_SCHEME = re.compile(r"https?://", re.IGNORECASE)
_TRAILING = ".,;:!?)]}…"
_CLOSERS = {")": "(", "]": "[", "}": "{"}

_FORGE = re.compile(
    r"^(?:https?://)?(?:www\.)?(?:github\.com|gitlab\.com|bitbucket\.org|codeberg\.org|gitee\.com"
    r"|git\.sr\.ht|gitlab\.[a-z0-9.-]+)/",
    re.IGNORECASE,
)
# Where papers live: a DOI or an arXiv page is a reference, whatever the sentence around it says
# ("Journal of Open Source Software https://doi.org/...").
_PAPER_HOSTS = re.compile(
    r"^https?://(?:www\.|dx\.|export\.)?(?:doi\.org|arxiv\.org|openreview\.net|aclanthology\.org"
    r"|dl\.acm\.org|ieeexplore\.ieee\.org|link\.springer\.com|papers\.nips\.cc"
    r"|proceedings\.neurips\.cc|proceedings\.mlr\.press)/",
    re.IGNORECASE,
)
# Words that make a link a code link wherever it points.
_CODE_WORDS = re.compile(
    r"\b(?:code(?:s|base)?|source[- ]code|implementations?|repo(?:s|sitory|sitories)?|software"
    r"|toolkit|toolbox|librar(?:y|ies)|packages?|scripts?)\b",
    re.IGNORECASE,
)
# Words that announce something other than code: a data set on GitHub is still not code.
_DATA_WORDS = re.compile(
    r"\b(?:data(?:sets?)?|benchmarks?|corpus|corpora|leaderboards?|demos?|websites?|homepage"
    r"|project (?:page|website)|videos?|supplementary|appendix|annotations?)\b",
    re.IGNORECASE,
)
# Trained artefacts: a Hugging Face model page is not code, a GitHub repo of models usually is.
_MODEL_WORDS = re.compile(r"\b(?:models?|weights|checkpoints?)\b", re.IGNORECASE)
# Phrases that announce code when nothing else in the sentence says what the link is:
# "...is publicly available here: https://...", "we open-source it at https://...".
_RELEASE_WORDS = re.compile(
    r"\b(?:publicly available|open[- ]?sourced?|release[sd]?)\b", re.IGNORECASE
)
_SENTENCE_END = re.compile(r"[.!?;](?=\s)|\n\s*\n")
# Full stops that do not end a sentence, so "(e.g. https://...)" keeps its context.
_ABBREVIATIONS = ("e.g.", "i.e.", "cf.", "al.", "etc.", "vs.", "Fig.", "Sec.", "Eq.", "resp.")
_PARENTHESIS_AFTER = re.compile(r"\s*\(([^()]*)\)")
_CONNECTIVES = frozenset({"and", "or", "as", "well", "also", "respectively", "resp"})


def _trim(url: str) -> str:
    """Drop sentence punctuation after a URL, but keep a closing bracket the URL itself opened.

    `https://en.wikipedia.org/wiki/Foo_(bar)` is whole; in `(see https://x.org/a).` the `).` is
    the sentence's.
    """
    while url and url[-1] in _TRAILING:
        opener = _CLOSERS.get(url[-1])
        if opener is not None and url.count(opener) >= url.count(url[-1]):
            break
        url = url[:-1]
    return url


def _plausible(url: str) -> bool:
    """Something must be left after the scheme, and a host has a dot in it."""
    rest = _SCHEME.sub("", url, count=1)
    host = rest.split("/", 1)[0]
    return "." in host and not host.startswith(".") and not host.endswith(".")


def _spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, URL) for each URL; a bare address gets `https://` so that it can be opened."""
    spans = []
    for match in _URL.finditer(text):
        url = _trim(match.group(0))
        if _plausible(url):
            whole = url if _SCHEME.match(url) else f"https://{url}"
            spans.append((match.start(), match.start() + len(url), whole))
    return spans


def find_urls(text: str) -> tuple[str, ...]:
    """Every URL in the text, in order, once each, without the sentence's punctuation."""
    return tuple(dict.fromkeys(url for _, _, url in _spans(text)))


def _sentence_start(text: str, position: int) -> int:
    start = 0
    for end in _SENTENCE_END.finditer(text, 0, position):
        if not text.endswith(_ABBREVIATIONS, 0, end.end()):
            start = end.end()
    return start


def _sentence_end(text: str, position: int) -> int:
    for end in _SENTENCE_END.finditer(text, position):
        if not text.endswith(_ABBREVIATIONS, 0, end.end()):
            return end.start()
    return len(text)


def _says_code(url: str, context: str) -> bool:
    """Decide from the words that introduce a URL whether it is the paper's code."""
    if _PAPER_HOSTS.match(url):
        return False
    if _CODE_WORDS.search(context):
        return True
    if _FORGE.match(url):
        return not _DATA_WORDS.search(context)
    if _DATA_WORDS.search(context) or _MODEL_WORDS.search(context):
        return False
    return _RELEASE_WORDS.search(context) is not None


def _only_connectives(context: str) -> bool:
    words = re.findall(r"\w+", context)
    return all(w.lower() in _CONNECTIVES for w in words)


def classify_urls(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(code URLs, other URLs), each in order and without duplicates.

    A URL's context is the part of its sentence before it and after any earlier URL, so that in
    "data at URL1 and code at URL2" each gets its own words. A URL introduced by nothing but "and"
    or a comma shares the previous URL's kind ("code: URL1 and URL2"); a URL that opens its
    sentence is judged by the rest of the sentence ("URL1 hosts our code").
    """
    code: dict[str, None] = {}
    other: dict[str, None] = {}
    spans = _spans(text)
    previous: tuple[int, bool] | None = None  # (end, was code) of the last URL
    for k, (start, end, url) in enumerate(spans):
        sentence_start = _sentence_start(text, start)
        same_sentence = previous is not None and previous[0] > sentence_start
        context = text[previous[0] if previous and same_sentence else sentence_start : start]
        if previous is not None and same_sentence and _only_connectives(context):
            is_code = previous[1]
        else:
            if _only_connectives(context):
                following = spans[k + 1][0] if k + 1 < len(spans) else len(text)
                context = text[end : min(following, _sentence_end(text, end))]
            aside = _PARENTHESIS_AFTER.match(text, end)  # "https://... (code)"
            is_code = _says_code(url, (context + " " + aside.group(1)) if aside else context)
        (code if is_code else other).setdefault(url, None)
        previous = (end, is_code)
    return tuple(code), tuple(u for u in other if u not in code)
