"""Paper identities: arXiv ids and the stable ids given to papers that have none."""

from __future__ import annotations

import hashlib
import re
import unicodedata

# New style since 2007 (0704.0001, 2212.11867) and old style (math/9201201, hep-th/9901001,
# math.AG/0101001), each optionally versioned.
_NEW = r"\d{4}\.\d{4,5}"
_OLD = r"[a-z]+(?:-[a-z]+)*(?:\.[A-Z]{2})?/\d{7}"
ARXIV_ID_RE = re.compile(rf"^(?P<id>{_NEW}|{_OLD})(?:v(?P<version>\d+))?$")
ARXIV_ID_IN_TEXT_RE = re.compile(
    rf"(?<![\w./-])(?P<id>{_NEW}|{_OLD})(?:v(?P<version>\d+))?(?![\w])"
)

CONTENT_ID_PREFIX = "ps-"


def is_arxiv_id(value: str) -> bool:
    return ARXIV_ID_RE.match(value) is not None


def split_version(value: str) -> tuple[str, int | None]:
    """``2104.12255v1`` -> (``2104.12255``, 1); an id without version keeps ``None``."""
    m = ARXIV_ID_RE.match(value)
    if m is None:
        return value, None
    version = m.group("version")
    return m.group("id"), int(version) if version else None


def fold_text(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[^0-9a-z]+", " ", stripped.casefold()).strip()


def content_id(title: str, first_author: str) -> str:
    """An id that survives re-imports and small edits to everything but title and first author.

    Listing entries carry no arXiv id; hashing the folded title and first author means that
    importing the same file twice, or a copy with a corrected abstract, updates rather than
    duplicates.
    """
    digest = hashlib.sha1(f"{fold_text(title)}\x1f{fold_text(first_author)}".encode()).hexdigest()
    return CONTENT_ID_PREFIX + digest[:12]
