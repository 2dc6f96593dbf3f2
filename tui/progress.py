"""What a long import says while it runs: a live line on a terminal, log lines otherwise."""

from __future__ import annotations

import re
import sys
import time
from collections import Counter
from typing import TextIO

from search_index import ImportReport, ParseError, one_line

LOG_EVERY_SECONDS = 10.0


def _clock(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class ImportProgress:
    """Fed by the importer's callbacks; writes to stderr so stdout stays the summary."""

    def __init__(
        self, label: str, stream: TextIO | None = None, expected: int | None = None
    ) -> None:
        self.label = one_line(label)
        """The file's name, cleaned: names and reasons can hold anything, escape sequences too."""
        self.expected = expected
        """About how many records the file holds, when that could be estimated."""
        self.stream = stream or sys.stderr
        self.live = self.stream.isatty()
        self.started = time.monotonic()
        self.report = ImportReport()
        self.reasons: Counter[str] = Counter()
        self._last_log = self.started

    def error(self, error: ParseError) -> None:
        self._clear()
        # One line each, cleaned: a reason can quote the record's text, control characters and
        # line breaks included, and the summary on stdout repeats the reasons.
        print(one_line(str(error)), file=self.stream)
        # Group by the reason's kind for the summary: quoted text and numbers vary per record.
        kind = re.sub(r"\s+", " ", re.sub(r"'[^']*'|\"[^\"]*\"|\d+", "…", one_line(error.reason)))
        self.reasons[kind.strip()] += 1

    def batch(self, report: ImportReport) -> None:
        self.report = report
        now = time.monotonic()
        if self.live:
            self.stream.write("\r\x1b[K" + self._line(now))
            self.stream.flush()
        elif now - self._last_log >= LOG_EVERY_SECONDS:
            self._last_log = now
            print(self._line(now), file=self.stream)

    def _line(self, now: float) -> str:
        done = self.report.stored + sum(self.reasons.values())
        elapsed = max(now - self.started, 1e-6)
        rate = done / elapsed
        line = f"{self.label}: {done:,}"
        if self.expected and self.expected > done:
            left = (self.expected - done) / rate if rate else 0
            line += f" of ~{self.expected:,} records, {rate:,.0f}/s, {_clock(left)} left"
        else:
            line += f" records, {rate:,.0f}/s, {_clock(elapsed)} so far"
        return line

    def _clear(self) -> None:
        if self.live:
            self.stream.write("\r\x1b[K")

    def finish(self) -> None:
        self._clear()

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def grouped_reasons(self) -> str:
        return "; ".join(f"{count} × {reason}" for reason, count in self.reasons.most_common())
