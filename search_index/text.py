"""Cleaning of untrusted text from papers, shared by every importer and by the interface.

Paper metadata comes from the internet. An escape sequence in a title could clear the user's
screen, retitle their window or write their clipboard (OSC 52), so control characters are removed
when a record is imported and again right before anything reaches the terminal.
"""

from __future__ import annotations

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
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufeff]")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_ANY_SPACE = re.compile(r"\s+")


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
