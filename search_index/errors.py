"""Our exceptions. Whoosh's own are wrapped in these so that callers never import Whoosh."""

from __future__ import annotations

from whoosh.index import IndexError as WhooshIndexError
from whoosh.index import LockError as WhooshLockError

# Whoosh's own failures (a damaged or foreign index) surface as these; callers see ours.
# Reading an index can fail with these: permissions, a damaged or truncated index.
READ_FAILURES: tuple[type[Exception], ...] = (
    OSError,
    WhooshIndexError,
    WhooshLockError,
    EOFError,
)


def describe(exc: BaseException) -> str:
    """One line about an OS or Whoosh failure, without a traceback."""
    if isinstance(exc, OSError) and exc.strerror:
        where = f" ({exc.filename})" if exc.filename else ""
        return f"{exc.strerror}{where}"
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


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
