"""Periods a figure is computed for: months, tertials or years (måned, tertial, år)."""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections.abc import Sequence
from typing import NamedTuple

MONTH_NAMES = ["jan", "feb", "mar", "apr", "mai", "jun", "jul", "aug", "sep", "okt", "nov",
               "des"]
PERIOD_KINDS = {"month": "Måned", "tertial": "Tertial", "year": "År",
                "range": "Hele perioden"}


class PeriodError(ValueError):
    """A period that cannot be used; the message is Norwegian and meant for the user."""


class Window(NamedTuple):
    """One period, both ends inclusive."""

    start: dt.date
    end: dt.date
    label: str
    key: str  # stable machine key: "2024-03", "2024-T1", "2024"

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def parse_month(text: str) -> dt.date:
    """'2024-03' → 1 March 2024; anything else raises PeriodError."""
    match = re.fullmatch(r"\s*(\d{4})-(\d{1,2})\s*", text or "")
    if (not match or not 1 <= int(match.group(2)) <= 12
            or not 1900 <= int(match.group(1)) <= 2200):
        raise PeriodError(f"«{text}» er ikke en måned på formen ÅÅÅÅ-MM (år 1900–2200).")
    return dt.date(int(match.group(1)), int(match.group(2)), 1)


def month_end(first: dt.date) -> dt.date:
    nxt = dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def add_months(first: dt.date, months: int) -> dt.date:
    index = first.year * 12 + first.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def windows(first: dt.date, last: dt.date, kind: str = "month") -> list[Window]:
    """The periods from the month of ``first`` to the month of ``last``.

    Tertials and years are whole (a range starting in March gives the whole first tertial):
    a figure for part of a tertial would be mislabelled. "range" is one window over all the
    months, e.g. February 2021 to January 2022 as in report 000 (L1058-1062).
    """
    if kind not in PERIOD_KINDS:
        raise PeriodError(f"Ukjent periodetype «{kind}». Velg måned, tertial eller år.")
    first, last = first.replace(day=1), last.replace(day=1)
    if last < first:
        raise PeriodError("Sluttmåneden er før startmåneden.")
    if (last.year - first.year) * 12 + last.month - first.month >= 12 * 20:
        raise PeriodError("Perioden kan ikke være lengre enn 20 år.")
    result: list[Window] = []
    if kind == "range":
        end = month_end(last)
        label = (f"{MONTH_NAMES[first.month - 1]} {first.year} – "
                 f"{MONTH_NAMES[last.month - 1]} {last.year}")
        return [Window(first, end, label, f"{first:%Y-%m}..{last:%Y-%m}")]
    if kind == "month":
        month = first
        while month <= last:
            result.append(Window(month, month_end(month),
                                 f"{MONTH_NAMES[month.month - 1]} {month.year}",
                                 f"{month:%Y-%m}"))
            month = add_months(month, 1)
    elif kind == "tertial":
        year, tertial = first.year, (first.month - 1) // 4
        while (year, tertial) <= (last.year, (last.month - 1) // 4):
            start = dt.date(year, tertial * 4 + 1, 1)
            result.append(Window(start, month_end(add_months(start, 3)),
                                 f"{tertial + 1}. tertial {year}", f"{year}-T{tertial + 1}"))
            year, tertial = (year + 1, 0) if tertial == 2 else (year, tertial + 1)
    else:
        for year in range(first.year, last.year + 1):
            result.append(Window(dt.date(year, 1, 1), dt.date(year, 12, 31), str(year),
                                 str(year)))
    return result


class Timeline:
    """Sorted windows with fast look-up of the ones a date or a span touches."""

    def __init__(self, periods: Sequence[Window]):
        self.windows = list(periods)
        self.starts = [w.start for w in self.windows]
        self.ends = [w.end for w in self.windows]

    def __len__(self) -> int:
        return len(self.windows)

    def at(self, day: dt.date | None) -> int | None:
        """Index of the window containing ``day``, or None."""
        if day is None:
            return None
        i = bisect.bisect_right(self.starts, day) - 1
        if i >= 0 and day <= self.ends[i]:
            return i
        return None

    def overlapping(self, start: dt.date | None, end: dt.date | None) -> range:
        """Indices of the windows that share at least one day with [start, end]."""
        if start is None:
            return range(0)
        first = bisect.bisect_left(self.ends, start)
        last = len(self.windows) if end is None else bisect.bisect_right(self.starts, end)
        return range(first, max(first, last))

    def ending_in(self, start: dt.date, stop: dt.date | None) -> range:
        """Indices of windows whose last day d satisfies start ≤ d < stop (stop None: ∞)."""
        first = bisect.bisect_left(self.ends, start)
        last = len(self.windows) if stop is None else bisect.bisect_left(self.ends, stop)
        return range(first, max(first, last))

    def ending_after(self, day: dt.date) -> range:
        """Indices of windows whose last day is on or after ``day`` (snapshots at the end)."""
        return range(bisect.bisect_left(self.ends, day), len(self.windows))


def overlap_days(start: dt.date, end: dt.date | None, window: Window) -> int:
    lo = max(start, window.start)
    hi = window.end if end is None else min(end, window.end)
    return max(0, (hi - lo).days + 1)


def age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))
