"""Hospital discharge (utskrivningsklare pasienter): waiting days, their cost and the
monthly patient flow.

Report 002 (Kristiansund 2019) counts the days (døgn) patients belonging to the
municipality waited in hospital after being declared ready for discharge (Fig 3, l.398–408)
and the monthly flow of admissions and discharges (Fig 1, l.323–364). The municipality pays
for every such day; the report gives no rate, so the daily rate is configuration, set per
year (digest 002 § 4).

Counting (as hospital bed days): a patient declared ready on day R and discharged on day D
waited D − R days: the ready day counts, the discharge day does not. Ready and discharged
the same day is no waiting day. A patient still waiting counts every day up to the end of
the period asked about.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import Enum

from tildel.rules.indicators.periods import add_months, month_end


class Destination(Enum):
    """Where a discharged patient went (Fig 1's categories)."""

    HOME = "home"  # utskrevet til hjemmet
    INSTITUTION = "institution"  # utskrevet til institusjon
    ELSEWHERE = "elsewhere"  # overført annet


@dataclass(frozen=True)
class Stay:
    """One hospital stay as the rules need it."""

    admitted: dt.date
    ready: dt.date | None = None  # utskrivningsklar
    discharged: dt.date | None = None
    destination: Destination | None = None
    died: bool = False


class InvalidStay(ValueError):
    """The dates of a stay contradict each other (message in Norwegian)."""


def check(stay: Stay) -> None:
    """Raise InvalidStay if the dates cannot all be true."""
    if stay.discharged is not None and stay.discharged < stay.admitted:
        raise InvalidStay("Utskrivningsdatoen er før innleggelsesdatoen.")
    if stay.ready is not None and stay.ready < stay.admitted:
        raise InvalidStay("Utskrivningsklar-datoen er før innleggelsesdatoen.")
    if stay.ready is not None and stay.discharged is not None and stay.ready > stay.discharged:
        raise InvalidStay("Utskrivningsklar-datoen er etter utskrivningsdatoen.")


def waiting_days(stay: Stay, first: dt.date, last: dt.date) -> int:
    """Days from ``first`` to ``last`` (both included) the patient lay ready for discharge.

    Report 002 Fig 3 counts døgn: the ready day up to the day before discharge.
    """
    if stay.ready is None:
        return 0
    start = max(stay.ready, first)
    end = last if stay.discharged is None else min(stay.discharged - dt.timedelta(days=1),
                                                   last)
    return max((end - start).days + 1, 0)


def days_per_month(stays: Iterable[Stay], first: dt.date,
                   last: dt.date) -> dict[dt.date, int]:
    """Waiting days per calendar month (keyed by its first day) from ``first`` to ``last``."""
    months = list(_months(first, last))
    result = dict.fromkeys((start for start, _ in months), 0)
    for stay in stays:
        for start, end in months:
            result[start] += waiting_days(stay, max(start, first), min(end, last))
    return result


def average_per_day(days: int, first: dt.date, last: dt.date) -> Decimal:
    """Patients ready for discharge on an average day: days ÷ calendar days in the period
    (Fig 3's "Gj sn/døgn"; half a year is ÷ 181, not ÷ 365), to one decimal, half up."""
    calendar_days = (last - first).days + 1
    return (Decimal(days) / Decimal(calendar_days)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def cost(days_by_year: Mapping[int, int], rate_by_year: Mapping[int, Decimal]) -> Decimal:
    """What the days cost at each year's daily rate. A year without a rate is an error, not
    zero: a figure must not look cheaper than it was."""
    missing = sorted(year for year, days in days_by_year.items()
                     if days and year not in rate_by_year)
    if missing:
        raise KeyError(f"Ingen døgnpris for utskrivningsklare pasienter i "
                       f"{', '.join(map(str, missing))}.")
    return sum((Decimal(days) * Decimal(rate_by_year[year])
                for year, days in days_by_year.items() if days), Decimal(0))


@dataclass(frozen=True)
class Flow:
    """One month of patient flow (Fig 1), with the residual that makes it add up."""

    month: dt.date
    admitted: int = 0
    home: int = 0
    institution: int = 0
    elsewhere: int = 0
    died: int = 0

    @property
    def residual(self) -> int:
        """Admitted less every way out: still in hospital at month end, or left in a later
        month (report 002's columns stop adding up from June 2018, digest 002 § 6.1)."""
        return self.admitted - self.home - self.institution - self.elsewhere - self.died


def flow(stays: Iterable[Stay], first: dt.date, last: dt.date) -> list[Flow]:
    """Admissions and discharges per month, each counted in the month it happened."""
    counts = {start: dict.fromkeys(("admitted", "home", "institution", "elsewhere", "died"),
                                   0) for start, _ in _months(first, last)}
    for stay in stays:
        if first <= stay.admitted <= last:
            counts[stay.admitted.replace(day=1)]["admitted"] += 1
        if stay.discharged is not None and first <= stay.discharged <= last:
            month = counts[stay.discharged.replace(day=1)]
            if stay.died:
                month["died"] += 1
            else:
                month[(stay.destination or Destination.ELSEWHERE).value] += 1
    return [Flow(month, **values) for month, values in counts.items()]


def _months(first: dt.date, last: dt.date) -> Iterable[tuple[dt.date, dt.date]]:
    month = first.replace(day=1)
    while month <= last:
        yield month, month_end(month)
        month = add_months(month, 1)
