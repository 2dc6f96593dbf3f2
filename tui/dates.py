"""Dates as people type them on a command line or in a filter box."""

from __future__ import annotations

import calendar
import datetime as dt
import re

_PARTIAL = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


def parse_date(text: str, *, end: bool = False) -> dt.date:
    """`2024`, `2024-06` or `2024-06-03`; a partial date is its first day, or last with `end`.

    `--until 2024` then means the whole of 2024, which is what people mean by it.
    """
    m = _PARTIAL.match(text.strip())
    if not m:
        raise ValueError(f"'{text}' is not a date; use YYYY, YYYY-MM or YYYY-MM-DD")
    year = int(m.group(1))
    month = int(m.group(2)) if m.group(2) else (12 if end else 1)
    if not 1 <= month <= 12:
        raise ValueError(f"'{text}' has no month {month}")
    last = calendar.monthrange(year, month)[1]
    if m.group(3):
        day = int(m.group(3))
        if not 1 <= day <= last:
            raise ValueError(f"'{text}' is not a day of {calendar.month_name[month]} {year}")
    else:
        day = last if end else 1
    return dt.date(year, month, day)
