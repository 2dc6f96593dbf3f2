"""One writer at a time, across processes, with a name to give when someone has to wait.

Whoosh's own write lock fails at once or after a silent wait; ours waits a bounded time and then
says which process holds the library. flock locks die with their process, so a killed import never
leaves a stale lock behind.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import os
import socket
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from search_index.errors import LibraryError, LibraryLocked

LOCK_FILE = "write.lock"


def _describe_self() -> str:
    command = " ".join(Path(sys.argv[0]).name if i == 0 else a for i, a in enumerate(sys.argv))
    started = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    return f"pid {os.getpid()} on {socket.gethostname()} ({command}) since {started}"


@contextlib.contextmanager
def write_lock(directory: Path, timeout: float = 10.0) -> Iterator[None]:
    path = directory / LOCK_FILE
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise LibraryError(f"cannot write to the library {directory}: {exc.strerror}") from exc
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = Path(path).read_text(errors="replace").strip() or "another process"
                    raise LibraryLocked(
                        f"the library {directory} is being written by {holder}; "
                        f"gave up after {timeout:g} s"
                    ) from None
                time.sleep(0.05)
        # Who holds the lock is a courtesy to the next writer; the flock is the lock. On a full
        # disk the write fails (ENOSPC), which used to escape as a traceback before the import
        # could even say that the disk is full.
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
            os.pwrite(fd, _describe_self().encode(), 0)
        try:
            yield
        finally:
            with contextlib.suppress(OSError):
                os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
