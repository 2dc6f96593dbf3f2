"""What a long import says while it runs."""

from __future__ import annotations

import io
import re

from search_index import ImportReport, ParseError, Source
from tui.progress import ImportProgress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_gets_a_live_line_with_time_left() -> None:
    screen = Terminal()
    progress = ImportProgress("big.jsonl", screen, expected=10_000)
    progress.batch(ImportReport(added=1_500, updated=500))
    line = screen.getvalue().split("\r\x1b[K")[-1]
    assert line.startswith("big.jsonl: 2,000 of ~10,000 records, ")
    assert line.endswith(" left")


def test_a_pipe_gets_no_control_sequences_and_errors_are_grouped() -> None:
    log = io.StringIO()
    progress = ImportProgress("x.txt", log)
    progress.batch(ImportReport(added=10))
    progress.error(ParseError(Source("x.txt", 4), "impossible date Feb 30, 2024"))
    progress.error(ParseError(Source("x.txt", 9), "impossible date Feb 31, 2023"))
    progress.error(ParseError(Source("x.txt", 12), "unreadable header 'XYZ'"))
    assert "\x1b" not in log.getvalue() and "\r" not in log.getvalue()
    assert "x.txt:4: impossible date Feb 30, 2024" in log.getvalue()
    assert progress.grouped_reasons() == ("2 × impossible date Feb …, …; 1 × unreadable header …")


def test_file_names_and_reasons_reach_the_terminal_as_one_clean_line_each() -> None:
    """A reason can quote the record's text, and a file name can hold anything."""
    screen = Terminal()
    name = "evil\x1b]0;retitled\x07.txt"
    progress = ImportProgress(name, screen)
    reason = "unreadable header 'X'\x1b]52;c;aGk=\x07 then\nmore\x9b2J"
    progress.error(ParseError(Source(name, 4), reason))
    progress.batch(ImportReport(added=1))
    written = screen.getvalue().replace("\r\x1b[K", "")  # our own live-line refresh
    assert re.findall("[\x00-\x1f\x7f-\x9f]", written) == ["\n"]  # the end of the error line
    assert written.startswith("evil.txt:4: unreadable header 'X' then more\n")
    assert written.split("\n")[1].startswith("evil.txt: 2 records")
    assert progress.grouped_reasons() == "1 × unreadable header … then more"
