"""Cleaning of untrusted text from papers, shared by every importer and by the interface.

Paper metadata comes from the internet. An escape sequence in a title could clear the user's
screen, retitle their window or write their clipboard (OSC 52), so control characters are removed
when a record is imported and again right before anything reaches the terminal.
"""

from __future__ import annotations

import codecs
import re

# ESC-introduced sequences: CSI (ESC [ ... final byte), OSC/DCS/SOS/PM/APC strings ended by BEL or
# ST (ESC \), and two-character escapes. Removed whole so that their printable payload (an OSC 52
# base64 string, a window title) does not survive as visible junk either.
_ESCAPE_SEQUENCE = re.compile(
    r"""
    \x1b\[[0-?]*[ -/]*[@-~]                    # CSI
    | \x1b[\]PX^_].*?(?:\x07|\x1b\\|\x9c|$)    # OSC, DCS, SOS, PM, APC
    | \x9b[0-?]*[ -/]*[@-~]                    # 8-bit CSI
    | [\x90\x98\x9d\x9e\x9f].*?(?:\x07|\x1b\\|\x9c|$)  # 8-bit string introducers
    | \x1b[ -/]*[0-~]?                         # any other escape
    """,
    re.VERBOSE | re.DOTALL,
)
# C0 controls except tab and newline, DEL, C1 controls, and the bidi embedding/override/isolate
# characters that can make text display in an order other than the one stored (Trojan Source).
# The bidi marks (LRM, RLM, ALM) go too: with the others they make up Unicode's Bidi_Control
# property, they reorder the neutral characters around them, and nothing shows that they are
# there. Lone surrogates (a JSON "\ud800" escape decodes to one) are no text at all: writing one
# to the terminal or the clipboard fails with UnicodeEncodeError.
_BIDI_AND_BOM = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff"
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f" + _BIDI_AND_BOM + "\ud800-\udfff]")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_ANY_SPACE = re.compile(r"\s+")


def _cp1252_fallback(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeDecodeError):
        raise error
    bad = error.object[error.start : error.end]
    return bytes(bad).decode("cp1252", errors="replace"), error.end


codecs.register_error("paperscope-cp1252", _cp1252_fallback)


def decode_lenient(data: bytes) -> str:
    """UTF-8, with each byte that is not UTF-8 read as Windows-1252 (which Latin-1 files are too,
    nearly always).

    Decoding a whole file as Latin-1 once one byte is not UTF-8 would turn every other non-ASCII
    character of it into mojibake, and some into C1 controls: the 0x9D ending `”` (E2 80 9D) is
    the 8-bit OSC introducer, which `strip_controls` rightly removes with everything after it,
    so the rest of that field was lost. Windows-1252 has no C1 controls (its five unassigned
    bytes read as U+FFFD), so a stray byte costs one character and nothing else.
    """
    return data.decode("utf-8", errors="paperscope-cp1252")


def strip_controls(text: str) -> str:
    """Remove escape sequences and control characters, keeping newlines and tabs."""
    if not text:
        return text
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", _ESCAPE_SEQUENCE.sub("", text))


def one_line(text: str) -> str:
    """Clean text and fold all whitespace, line breaks included, to single spaces."""
    return _ANY_SPACE.sub(" ", strip_controls(text)).strip()


def tidy_paragraphs(text: str) -> str:
    """Clean text, fold runs of spaces, and keep paragraph breaks but not hard wraps."""
    text = strip_controls(text)
    paragraphs = re.split(r"\n\s*\n", text)
    return "\n\n".join(p for p in (one_line(p) for p in paragraphs) if p)
