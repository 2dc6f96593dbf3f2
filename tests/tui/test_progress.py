"""What a long import says while it runs."""

from __future__ import annotations

import io

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
