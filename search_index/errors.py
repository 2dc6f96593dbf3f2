"""Our exceptions. Whoosh's own are wrapped in these so that callers never import Whoosh."""

from __future__ import annotations


class PaperscopeError(Exception):
    """Base of every error paperscope reports to a user as one line, without a traceback."""


class LibraryError(PaperscopeError):
    """The library directory cannot be used: unreadable, foreign, read-only for a write."""


class LibraryLocked(LibraryError):
    """Another process is writing the library and did not finish within the wait."""


class NotFound(PaperscopeError):
    """No paper with the given id or citation key."""


class FormatError(PaperscopeError):
    """A whole file cannot be read as the format asked for (not a single bad record)."""
