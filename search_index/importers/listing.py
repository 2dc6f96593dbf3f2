"""The listing format: three lines a paper (header, title glued to authors, abstract).

The header glues a two-letter cs category, a date (`Sep 11, 2023`, or `Jan 14` for the latest
Jan 14 not after the reference date) and an optional `Code` flag: `CLSep 11, 2023Code`. The title
is followed by the authors with no separator at all; `split_title_authors` finds the seam.
"""

from __future__ import annotations

import bisect
import datetime as dt
import enum
import os
import re
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

import attrs

from search_index.categories import normalize_category
from search_index.ids import content_id
from search_index.links import classify_urls
from search_index.models import Paper, ParseError, Source
from search_index.text import one_line

NAME = "listing"

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("Jan", "January"),
            ("Feb", "February"),
            ("Mar", "March"),
            ("Apr", "April"),
            ("May",),
            ("Jun", "June"),
            ("Jul", "July"),
            ("Aug", "August"),
            ("Sep", "Sept", "September"),
            ("Oct", "October"),
            ("Nov", "November"),
            ("Dec", "December"),
        ),
        start=1,
    )
    for name in names
}
# Real month names only, longest first: a stray line must not pass for a header when the reader
# resynchronises after a bad entry.
_MONTH_PATTERN = "|".join(sorted(_MONTHS, key=len, reverse=True))
_HEADER = re.compile(
    rf"(?P<cat>[A-Z]{{2}})\s*(?P<month>{_MONTH_PATTERN})\.?\s*(?P<day>\d{{1,2}})"
    rf"(?:,\s*(?P<year>\d{{4}}))?\s*(?P<code>Code)?"
)
_QUOTE_LIMIT = 60


class _Bad(Exception):
    """Why an entry is rejected; becomes a ParseError at the entry's header line."""


def sniff(path: Path, head: str) -> bool:
    """Auto-detection hook used by `search_index.importing`."""
    return looks_like_listing(head)


def looks_like_listing(head: str) -> bool:
    """True when the first non-blank line is a listing header, the one thing no other format has."""
    for line in _lines(head):
        if line:
            return _HEADER.fullmatch(line) is not None
    return False


MAX_LINE_BYTES = 8 * 1024 * 1024
"""A longer line is no title and no abstract (real ones stay under a few KiB): it is skipped
unread, and its entry rejected. The file is read line by line, so neither a 100 MB line nor a
file of a million papers is ever held whole."""


def parse(
    path: str | os.PathLike[str], *, reference_date: dt.date | None = None
) -> Iterator[Paper | ParseError]:
    """Papers and errors of a listing file, in file order."""
    file = Path(path)
    with file.open("rb") as stream:
        yield from _parse_lines(
            _file_lines(stream), source_name=str(file), reference_date=reference_date
        )


def parse_text(
    text: str, *, source_name: str, reference_date: dt.date | None = None
) -> Iterator[Paper | ParseError]:
    """Papers and errors of listing text; `source_name` is what error messages call it."""
    yield from _parse_lines(
        _text_lines(text), source_name=source_name, reference_date=reference_date
    )


def _parse_lines(
    raw_lines: Iterable[str | None], *, source_name: str, reference_date: dt.date | None
) -> Iterator[Paper | ParseError]:
    """The reader itself, over lines as they come (None for a line too long to read).

    Blank lines are skipped; an entry is a header and the next two non-blank lines, cut short by
    the next header so that an entry missing its abstract costs only itself. After an unreadable
    header the reader skips to the next header.
    """
    reference = reference_date or dt.date.today()
    lines = enumerate((None if line is None else one_line(line) for line in raw_lines), start=1)
    current = next(lines, None)
    while current is not None:
        number, line = current
        if line == "":
            current = next(lines, None)
            continue
        source = Source(source_name, number)
        header = _header(line)
        if header is None:
            reason = _too_long(number) if line is None else f"unreadable header {_quote(line)}"
            yield ParseError(source, reason)
            current = next(lines, None)
            while current is not None and _header(current[1]) is None:
                current = next(lines, None)
            continue
        body: list[tuple[int, str | None]] = []
        current = next(lines, None)
        while current is not None and len(body) < 2:
            if current[1] != "":
                if _header(current[1]) is not None:
                    break
                body.append(current)
            current = next(lines, None)
        too_long = [n for n, text in body if text is None]
        if too_long:
            yield ParseError(source, _too_long(too_long[0]))
            continue
        try:
            yield _paper(header, [text for _, text in body if text is not None], reference, source)
        except _Bad as bad:
            yield ParseError(source, str(bad))


def _header(line: str | None) -> re.Match[str] | None:
    return None if line is None else _HEADER.fullmatch(line)


def _too_long(number: int) -> str:
    return f"line {number} is longer than {MAX_LINE_BYTES // 2**20} MiB; it was not read"


def _file_lines(stream: BinaryIO) -> Iterator[str | None]:
    """The file's lines as `_text_lines` gives them, read one at a time; None for a line longer
    than MAX_LINE_BYTES, whose rest is skipped unread.

    UTF-8 decoding line by line gives what decoding the whole file would: no byte of a UTF-8
    sequence is a newline, so no sequence spans two lines.
    """
    first = True
    while raw := stream.readline(MAX_LINE_BYTES + 1):
        if first:
            raw = raw.removeprefix(b"\xef\xbb\xbf")
            first = False
        if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
            while (rest := stream.readline(MAX_LINE_BYTES)) and not rest.endswith(b"\n"):
                pass
            yield None
            continue
        text = raw.decode("utf-8", errors="replace").removesuffix("\n").removesuffix("\r")
        yield from text.split("\r")  # a lone CR ends a line too, as in old Mac files


def _text_lines(text: str) -> list[str]:
    """Lines as an editor numbers them.

    Split on newlines only: `str.splitlines` would also split at form feeds, NEL and U+2028, so a
    hostile title could shift every later line number.
    """
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _lines(text: str) -> list[str]:
    """Cleaned lines, numbered as an editor numbers them."""
    return [one_line(line) for line in _text_lines(text)]


def _quote(text: str) -> str:
    return repr(text if len(text) <= _QUOTE_LIMIT else text[:_QUOTE_LIMIT] + "…")


def _paper(header: re.Match[str], body: list[str], reference: dt.date, source: Source) -> Paper:
    category = normalize_category(header["cat"])
    if category is None:
        raise _Bad(f"unknown category code {header['cat']!r}")
    published = _date(header["month"], int(header["day"]), header["year"], reference)
    if not body:
        raise _Bad("entry ends before its title")
    if len(body) < 2:
        raise _Bad("entry ends before its abstract")
    try:
        split = split_title_authors(body[0])
    except SplitError as error:
        raise _Bad(str(error)) from None
    abstract = body[1]
    code_urls, links = classify_urls(abstract)
    return Paper(
        id=content_id(split.title, split.authors[0]),
        title=split.title,
        authors=split.authors,
        et_al=split.et_al,
        affiliation=split.affiliation,
        categories=(category,),
        published=published,
        abstract=abstract,
        has_code=header["code"] is not None,
        code_urls=code_urls,
        links=links,
        source=source,
    )


def _date(month_name: str, day: int, year: str | None, reference: dt.date) -> dt.date:
    month = _MONTHS[month_name]
    if year is not None:
        try:
            return dt.date(int(year), month, day)
        except ValueError:
            raise _Bad(f"impossible date {month_name} {day}, {year}") from None
    # A year-less date is the latest such day not after the reference date; eight years back
    # always reaches a leap year, for Feb 29.
    for candidate_year in range(reference.year, reference.year - 9, -1):
        try:
            candidate = dt.date(candidate_year, month, day)
        except ValueError:
            continue
        if candidate <= reference:
            return candidate
    raise _Bad(f"impossible date {month_name} {day}")


# -- splitting the title from the authors -----------------------------------------------------
#
# The title's last character is immediately followed by the first author's first character, so
# the seam is at a "candidate": an uppercase (or uncased-script) letter, or a lowercase name
# particle followed by a space, right after a non-space character. The seam is the candidate
# whose remainder reads as an author list. Every candidate before the seam carries the seam's
# junction ("LLMsJohn", "SignalsOliver", "Mirage?Rylan") inside its authors, and such a word is
# no name: a capital inside a word is allowed only after a known prefix (McDonald, LeCun) or
# between romanised name syllables (HongSheng). Candidates after the seam fall inside names,
# mostly inside a word that is a name by itself (the C of LeCun, the T of Goldfarb-Tarrant).
#
# So candidates are tried in tiers: (1) capitals not inside a name word, earliest first;
# (2) lowercase particles ("...Datavan der Maaten"); (3) capitals inside a name word, when only
# one of them reads. A run of capitals is never split ("DELPH|I Collaboration"). When two readings
# remain equally good the line is rejected rather than guessed.


@attrs.frozen
class TitleAuthors:
    title: str
    authors: tuple[str, ...]
    et_al: bool = False
    affiliation: str | None = None


class SplitError(ValueError):
    """A title line with no confident split; the message says why, for the ParseError."""


class _Kind(enum.Enum):
    NAME = "name"  # Ahmadian, Goldfarb-Tarrant, D'souza, LeCun, Üstün
    INITIAL = "initial"  # S., J.-P., A
    PARTICLE = "particle"  # van, de, la
    CAPS = "caps"  # AI in "Cohere For AI": only after another word
    ORGANISATION = "organisation"  # OpenAI: a known word with odd capitals
    UNCASED = "uncased"  # 李明: scripts without case
    SUFFIX = "suffix"  # Jr., III
    LOOSE = "loose"  # JoAnne: any capitalised word, tolerated in later authors only


_PARTICLES = frozenset({
    "van", "von", "der", "den", "de", "del", "della", "delle", "degli", "dei", "da", "das", "dos",
    "do", "du", "la", "le", "lo", "di", "ter", "ten", "te", "zu", "zur", "y", "e", "bin", "ibn",
    "bint", "al", "el", "af", "av", "op",
})  # fmt: skip
# Particles that can open an author's name right after the title ("...Graphsvan Dijk"). "al",
# "el", "y" and the like end too many title words ("Neural", "Study") to be tried there.
_OPENING_PARTICLES = frozenset({
    "van", "von", "de", "del", "della", "da", "das", "dos", "du", "la", "le", "di", "ter", "ten",
    "zu",
})  # fmt: skip
# Beginnings after which a capital inside a word is normal in names.
_CAMEL_PREFIXES = (
    "Mc", "Mac", "De", "Des", "Del", "Della", "Di", "Du", "Da", "Le", "La", "Lo", "Van", "Vander",
    "Von", "Fitz", "St", "Ten", "Ter", "Al", "El", "Ó", "Ní", "Mhic",
    # Persian compound given names: MohammadTaghi, AmirHossein, AliReza.
    "Mohammad", "Mohammed", "Muhammad", "Mohamad", "Amir", "Ali", "Seyed", "Seyyed", "Abdol",
    "Abdul", "Gholam",
    # Hebrew and Arabic patronymics: BenZvi, AbuBakr.
    "Ben", "Abu",
)  # fmt: skip
# Syllables of romanised Chinese (pinyin, Wade-Giles), Korean and Cantonese given names, which are
# often written in CamelCase: HongSheng, WooSeok, KaHou. A word made only of these is a name;
# "SimMerge" or "SignalsOliver" is not.
_PINYIN_FINALS = {
    "": "a o e ai ei ao ou an en ang eng er",
    "b": "a o ai ei ao an en ang eng i ie iao ian in ing u",
    "p": "a o ai ei ao ou an en ang eng i ie iao ian in ing u",
    "m": "a o e ai ei ao ou an en ang eng i ie iao iu ian in ing u",
    "f": "a o ei ou an en ang eng u",
    "d": "a e ai ei ao ou an en ang eng ong i ia ie iao iu ian ing u uo ui uan un",
    "t": "a e ai ao ou an ang eng ong i ie iao ian ing u uo ui uan un",
    "n": "a e ai ei ao ou an en ang eng ong i ie iao iu ian in iang ing u uo uan v ve",
    "l": "a e ai ei ao ou an ang eng ong i ia ie iao iu ian in iang ing u uo uan un v ve",
    "g": "a e ai ei ao ou an en ang eng ong u ua uo uai ui uan un uang",
    "k": "a e ai ei ao ou an en ang eng ong u ua uo uai ui uan un uang",
    "h": "a e ai ei ao ou an en ang eng ong u ua uo uai ui uan un uang",
    "j": "i ia ie iao iu ian in iang ing iong u ue uan un",
    "q": "i ia ie iao iu ian in iang ing iong u ue uan un",
    "x": "i ia ie iao iu ian in iang ing iong u ue uan un",
    "zh": "a e ai ei ao ou an en ang eng ong i u ua uo uai ui uan un uang",
    "ch": "a e ai ao ou an en ang eng ong i u ua uo uai ui uan un uang",
    "sh": "a e ai ei ao ou an en ang eng i u ua uo uai ui uan un uang",
    "r": "e ao ou an en ang eng ong i u ua uo ui uan un",
    "z": "a e ai ei ao ou an en ang eng ong i u uo ui uan un",
    "c": "a e ai ao ou an en ang eng ong i u uo ui uan un",
    "s": "a e ai ao ou an en ang eng ong i u uo ui uan un",
    "y": "a e ao ou an in ang ing ong i u ue uan un",
    "w": "a o ai ei an en ang eng u",
}
_OTHER_SYLLABLES = (
    # Wade-Giles and Taiwanese spellings
    "hsi hsia hsieh hsiao hsiu hsien hsin hsiang hsing hsiung hsu hsueh hsuan hsun chih chia",
    "chieh chiao chiu chien chin chiang ching chiung chueh tzu tsu tsai tsao tsou tsan tsen",
    "tsang tseng tsung tso tsui tsuan tsun ssu szu kuo kuei kuan kun kuang jui jen jung yung yen",
    "yeh yuan yun shih",
    # Korean
    "ae bae baek beom bo bok bong byeong byung byeoung chae chan cheol chul cheon chi choi chong",
    "chung dae dal deok do doo eon eun gi gil gu gun gwang gyu ha hae han hee heon ho hoon hong",
    "hun hwa hwan hye hyo hyuk hyun hyeon hyung hyeong il im in jae jeong je ji jin jo jong joo",
    "ju joon ka keun ki kil kook kwan kwang kyu kyung kyoung gyeong mi min mo mok moon mun myung",
    "myeong na nam ok pil ra rae ri rim ryu sa seo seok suk seon seong sung seung so sol son soo",
    "sook soon tae uk ung won woo wook ya yeol yeon yeop yong yoo yoon yul young yeong",
    # Cantonese
    "hou wai kit wing yiu kwok siu hoi pui cheuk tsz lok sze kin fai",
)
_NAME_SYLLABLES = frozenset(
    [initial + final for initial, finals in _PINYIN_FINALS.items() for final in finals.split()]
    + [syllable for group in _OTHER_SYLLABLES for syllable in group.split()]
)
# Last words that make a group of an author whose name opens with an acronym: CLEO Collaboration.
_GROUP_WORDS = frozenset(
    {"Collaboration", "Collaborations", "Consortium", "Team", "Group", "Project", "Lab", "Labs",
     "Research", "Inc.", "Initiative", "Alliance", "Survey"}
)  # fmt: skip
_ORGANISATIONS = frozenset(
    [
        "OpenAI",
        "DeepMind",
        "MosaicML",
        "HuggingFace",
        "NVIDIA",
        "EleutherAI",
        "BigScience",
        "BigCode",
        "LAION",
        "IBM",
        "DeepSeek-AI",
        "xAI",
        "AI2",
        "ServiceNow",
        "SambaNova",
        "AllenAI",
    ]
)
_SUFFIXES = frozenset(["Jr.", "Jr", "Sr.", "Sr", "II", "III", "IV"])
_APOSTROPHES = "'’ʼ"
# Before an apostrophe: one capital (O'Brien, D'souza) or one of these (d'Alembert, Dell'Amico).
_APOSTROPHE_PREFIXES = frozenset({"d", "l", "Dell", "Dall", "Sant", "Nell"})
# Arabic and Hebrew articles glued by a hyphen: al-Khwarizmi, el-Sayed, ben-David.
_HYPHEN_ARTICLES = frozenset(
    {"al", "el", "ad", "ar", "as", "ash", "az", "abu", "ben", "bin", "ibn"}
)
_MAX_NAME_WORDS = 7
_MAX_NAME_CHARS = 120
_MAX_WORD_CHARS = 40
# Every candidate is read to the end of the line, so the work grows with the square of its length:
# a bound keeps a hostile file from stalling an import. Real lines stay under 1,000 characters.
_MAX_LINE = 5000
_ET_AL = re.compile(r",?\s*\bet\s+al\b\.?$")
_AFFILIATION = " · "
_SOLID = frozenset({_Kind.NAME, _Kind.ORGANISATION, _Kind.UNCASED, _Kind.LOOSE})


def split_title_authors(line: str) -> TitleAuthors:
    """Split a title line into title, authors, `et al.` and affiliation; raise SplitError when no
    reading is clearly the right one."""
    if len(line) > _MAX_LINE:
        raise SplitError(f"title line of {len(line)} characters is too long to be one")
    line, affiliation = _take_affiliation(line.strip())
    line, et_al = _take_et_al(line)
    seam = _find_seam(line)
    title = line[:seam].strip()
    authors = tuple(name.strip() for name in line[seam:].split(","))
    return TitleAuthors(title, authors, et_al, affiliation)


def _take_affiliation(line: str) -> tuple[str, str | None]:
    if _AFFILIATION not in line:
        return line, None
    rest, affiliation = line.rsplit(_AFFILIATION, 1)
    return rest.rstrip(), affiliation.strip() or None


def _take_et_al(line: str) -> tuple[str, bool]:
    m = _ET_AL.search(line)
    return (line[: m.start()].rstrip(), True) if m else (line, False)


def _find_seam(line: str) -> int:
    """Where the authors start: the best candidate, tier by tier."""
    leading: list[tuple[int, bool]] = []  # (candidate, strict reading) in order
    demoted: list[int] = []
    particles: list[int] = []
    readings = _Readings(line)
    for i, is_particle in _candidates(line):
        if line[i - 1] == "-" or not line[:i].strip() or _cuts_an_acronym(line, i):
            continue  # "Pre-|Training" cuts a word, and a title is never empty
        strict, loose = readings.at(i)
        if not loose:
            continue
        if is_particle:
            particles.append(i)
        elif _cuts_a_name(line, i):
            demoted.append(i)
        else:
            leading.append((i, strict))
    if leading:
        return _pick_leading(line, leading)
    if particles:
        return _pick_particle(line, particles)
    if len(demoted) == 1:
        return demoted[0]
    if demoted:
        raise SplitError(f"title or authors? {_quote(line)} reads more than one way")
    raise SplitError(f"cannot tell the title from the authors in {_quote(line)}")


def _pick_leading(line: str, leading: list[tuple[int, bool]]) -> int:
    """The earliest reading wins when every author in it looks like a name.

    A reading that needs a tolerated odd word in a later author ("JoAnne") wins only when it is
    the sole reading: otherwise the odd word may be a title word glued to a name.
    """
    first, strict = leading[0]
    if strict or len(leading) == 1:
        return first
    raise SplitError(f"title or authors? {_quote(line)} reads more than one way")


def _pick_particle(line: str, particles: list[int]) -> int:
    """The earliest particle reading whose first author holds no other particle reading.

    In "Learning to Decode Graphsvan Dijk", "de Graphsvan Dijk" is a well-formed name, but it
    contains the reading "van Dijk"; a particle inside a later author ("Ivan" -> "van") comes
    after the right reading and loses to it.
    """
    for i in particles:
        first_author_end = line.find(",", i)
        end = len(line) if first_author_end < 0 else first_author_end
        if not any(i < j < end for j in particles):
            return i
    raise SplitError(f"title or authors? {_quote(line)} reads more than one way")


def _candidates(line: str) -> Iterator[tuple[int, bool]]:
    """(position, is a particle) wherever a name could start right after the title."""
    for i in range(1, len(line)):
        before, here = line[i - 1], line[i]
        if before.isspace():
            continue
        if here.isupper() or (_is_uncased_letter(here) and not _is_uncased_letter(before)):
            yield i, False
        elif here.islower() and _opens_with_particle(line, i):
            yield i, True


def _opens_with_particle(line: str, i: int) -> bool:
    word, space, _ = line[i:].partition(" ")
    if word in _OPENING_PARTICLES and space:
        return True
    article, hyphen, rest = word.partition("-")
    if article in _HYPHEN_ARTICLES and hyphen and rest[:1].isupper():
        return True
    # d'Alembert, l'Hôpital
    return len(word) > 2 and word[0] in "dl" and word[1] in _APOSTROPHES and word[2].isupper()


def _cuts_an_acronym(line: str, i: int) -> bool:
    """DELPH|I Collaboration, LIG|O Scientific: a run of capitals is never split between the title
    and a name that opens with an acronym or a bare initial."""
    if not line[i - 1].isupper():
        return False
    word = line[i:].split(" ", 1)[0].rstrip(",")
    return len(word) == 1 or (word.isalpha() and word.isupper())


def _cuts_a_name(line: str, i: int) -> bool:
    """Does the seam at `i` fall inside a word that is a name by itself (Le|Cun, Yi-|Chern), just
    after an apostrophe (d'|Alembert), or inside an acronym's plural (LL|Msvan)?"""
    if line[i - 1] in _APOSTROPHES:
        return True
    start = line.rfind(" ", 0, i) + 1
    end = line.find(" ", i)
    word = line[start : len(line) if end < 0 else end].rstrip(",")
    if _kind(word) in (_Kind.NAME, _Kind.INITIAL, _Kind.CAPS, _Kind.ORGANISATION):
        return True
    return line[i - 1].isupper() and line[i + 1 : i + 2] == "s"


class _Readings:
    """Whether the rest of a line, from a candidate on, reads as a list of names.

    The first author must be a plausible name; later ones may, in the lenient reading, contain
    words with odd capitals. Candidates between the same two commas share their later authors,
    so those are judged once per comma, from the end: the work stays linear in the line.
    """

    def __init__(self, line: str) -> None:
        self._line = line
        self._commas = [m.start() for m in re.finditer(",", line)]
        names = [name.strip() for name in line.split(",")[1:]]
        # _strict[k] / _loose[k]: every name after the k-th comma (0-based) reads as a name.
        self._strict = [True] * (len(names) + 1)
        self._loose = [True] * (len(names) + 1)
        for k in range(len(names) - 1, -1, -1):
            name = names[k]
            self._strict[k] = self._strict[k + 1] and _is_name(
                name, first_author=False, lenient=False
            )
            self._loose[k] = self._loose[k + 1] and _is_name(name, first_author=False, lenient=True)

    def at(self, i: int) -> tuple[bool, bool]:
        """(strict, lenient) reading of the authors starting at position `i`."""
        k = bisect.bisect_left(self._commas, i)  # commas before i; the first author ends at k
        end = self._commas[k] if k < len(self._commas) else len(self._line)
        if not _is_name(self._line[i:end].strip(), first_author=True, lenient=False):
            return False, False
        return self._strict[k], self._loose[k]


def _is_name(name: str, *, first_author: bool, lenient: bool) -> bool:
    if len(name) > _MAX_NAME_CHARS:
        return False  # also keeps a candidate's check cheap on a long line
    words = name.split()
    if not 1 <= len(words) <= _MAX_NAME_WORDS:
        return False
    kinds = [_kind(word, lenient=lenient) for word in words]
    if any(kind is None for kind in kinds):
        return False
    if kinds[0] is _Kind.SUFFIX or kinds[-1] is _Kind.PARTICLE:
        return False
    if kinds[0] is _Kind.CAPS and not _acronym_may_open(words, first_author=first_author):
        return False
    if first_author and kinds[0] is _Kind.LOOSE:
        return False
    if _Kind.SUFFIX in kinds[:-1] or not any(kind in _SOLID for kind in kinds):
        return False
    if kinds[0] is _Kind.PARTICLE:
        # van den Oord, de la Cruz: particles first, then surnames, no initials.
        return _Kind.INITIAL not in kinds
    return True


def _acronym_may_open(words: list[str], *, first_author: bool) -> bool:
    """ "CLEO Collaboration" anywhere; "JM Thomas", "ANK Zaman" (initials without dots) only after
    the first author, where no title can be glued to them."""
    return words[-1] in _GROUP_WORDS or (not first_author and len(words[0]) <= 3)


def _kind(word: str, *, lenient: bool = False) -> _Kind | None:
    if len(word) > _MAX_WORD_CHARS:
        return None
    if word in _ORGANISATIONS:
        return _Kind.ORGANISATION
    if word in _PARTICLES:
        return _Kind.PARTICLE
    if word in _SUFFIXES:
        return _Kind.SUFFIX
    letters = _base_letters(word)
    if _is_initials(letters):
        return _Kind.INITIAL
    if _is_capitalised(letters) or _is_glued_initials(letters):
        return _Kind.NAME
    if letters.isalpha() and not any(c.isupper() or c.islower() for c in letters):
        return _Kind.UNCASED
    if 2 <= len(letters) <= 8 and letters.isalpha() and letters.isupper():
        return _Kind.CAPS
    if lenient and _is_loose(letters):
        return _Kind.LOOSE
    return None


def _base_letters(word: str) -> str:
    """The word without combining marks, so that "Gallé" typed as e + U+0301 and Devanagari
    vowel signs still count as letters."""
    decomposed = unicodedata.normalize("NFD", word)
    return "".join(c for c in decomposed if not unicodedata.category(c).startswith("M"))


def _is_uncased_letter(char: str) -> bool:
    return char.isalpha() and not char.isupper() and not char.islower()


def _is_initials(word: str) -> bool:
    """A, S., S.P., J.-P., Ch.: an uppercase letter, or abbreviations each ending in a dot."""
    if len(word) == 1:
        return word.isupper()
    if not word.endswith("."):
        return False
    return all(_is_abbreviation(part) for part in re.split(r"\.-?", word[:-1]))


def _is_glued_initials(word: str) -> bool:
    """M.Hadi, N.Zhang: initials written without the space before the name."""
    head, dot, tail = word.rpartition(".")
    return bool(dot) and _is_initials(head + dot) and len(tail) > 1 and _is_plain_capitalised(tail)


def _is_abbreviation(part: str) -> bool:
    return (
        1 <= len(part) <= 2
        and part.isalpha()
        and part[0].isupper()
        and part[1:] == part[1:].lower()
    )


def _is_capitalised(word: str) -> bool:
    """Yi-Chern, Goldfarb-Tarrant, Hyun-woo, al-Hassan, O'Brien, McDonald."""
    first, *rest = word.split("-")
    if not (_is_name_part(first) or (rest and first in _PARTICLES | _HYPHEN_ARTICLES)):
        return False
    return all(_is_name_part(part) or (part.isalpha() and part.islower()) for part in rest)


def _is_name_part(part: str) -> bool:
    for apostrophe in _APOSTROPHES:
        if apostrophe in part:
            return _is_apostrophe_name(*part.split(apostrophe, 1))
    if _is_plain_capitalised(part) or _is_syllabic(part):
        return True
    return any(
        part.startswith(prefix) and _is_plain_capitalised(part[len(prefix) :])
        for prefix in _CAMEL_PREFIXES
    )


def _is_apostrophe_name(before: str, after: str) -> bool:
    """D'souza, O'Brien, N'Diaye, d'Alembert, Dell'Amico, Sa'd, Nur'aini."""
    if not (1 <= len(before) <= 4 and before.isalpha() and after.isalpha()):
        return False
    if _is_plain_capitalised(before):
        if after.islower():
            return True
        return (len(before) == 1 or before in _APOSTROPHE_PREFIXES) and _is_plain_capitalised(after)
    return before in _APOSTROPHE_PREFIXES and _is_plain_capitalised(after)


def _is_syllabic(word: str) -> bool:
    """HongSheng, WooSeok, KaHou: two or more capitalised name syllables.

    One-letter syllables do not count: "QAPo-Jen" must not read as the name "APo-Jen".
    """
    humps = re.findall(r"[A-Z][a-z]+", word)
    return (
        len(humps) >= 2
        and "".join(humps) == word
        and all(hump.lower() in _NAME_SYLLABLES for hump in humps)
    )


def _is_plain_capitalised(part: str) -> bool:
    return (
        part.isalpha()
        and part[0].isupper()
        and part[1:] == part[1:].lower()
        and (len(part) == 1 or any(c.islower() for c in part[1:]))
    )


def _is_loose(word: str) -> bool:
    """Any capitalised run of letters with hyphens or apostrophes inside: JoAnne, DeepSeek-AI."""
    parts = re.split(r"[-'’ʼ.]", word.rstrip("."))
    return word[:1].isupper() and all(part.isalpha() for part in parts)
