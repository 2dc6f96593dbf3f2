"""What a long import says while it runs: a live line on a terminal, log lines otherwise."""

from __future__ import annotations

import re
import sys
import time
from collections import Counter
from typing import TextIO

from search_index import ImportReport, ParseError, strip_controls

LOG_EVERY_SECONDS = 10.0


class ImportProgress:
    """Fed by the importer's callbacks; writes to stderr so stdout stays the summary."""

    def __init__(self, label: str, stream: TextIO | None = None) -> None:
        self.label = label
        self.stream = stream or sys.stderr
        self.live = self.stream.isatty()
        self.started = time.monotonic()
        self.report = ImportReport()
        self.reasons: Counter[str] = Counter()
        self._last_log = self.started

    def error(self, error: ParseError) -> None:
        self._clear()
        print(strip_controls(str(error)), file=self.stream)
        # Group by the reason's kind for the summary: quoted text and numbers vary per record.
        kind = re.sub(r"\s+", " ", re.sub(r"'[^']*'|\"[^\"]*\"|\d+", "…", error.reason))
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
        stored = self.report.stored
        elapsed = max(now - self.started, 1e-6)
        return f"{self.label}: {stored:,} papers stored, {stored / elapsed:,.0f}/s, {elapsed:.0f}s"

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
