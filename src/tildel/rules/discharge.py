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
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import Enum


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
    accepted: dt.date | None = None  # the day the municipality can take the patient


class InvalidStay(ValueError):
    """The dates of a stay contradict each other (message in Norwegian)."""


def check(stay: Stay, today: dt.date | None = None) -> None:
    """Raise InvalidStay if the dates cannot all be true (``today``: none may be later)."""
    if today is not None and any(day is not None and day > today
                                 for day in (stay.ready, stay.discharged, stay.accepted)):
        raise InvalidStay("Datoen kan ikke være frem i tid.")
    if stay.accepted is not None and (stay.ready is None or stay.accepted < stay.ready):
        raise InvalidStay("Kommunen kan ikke ta imot før pasienten er utskrivningsklar.")
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


def average_per_day(days: int, first: dt.date, last: dt.date) -> Decimal:
    """Patients ready for discharge on an average day: days ÷ calendar days in the period
    (Fig 3's "Gj sn/døgn"; half a year is ÷ 181, not ÷ 365), to one decimal, half up."""
    calendar_days = (last - first).days + 1
    return (Decimal(days) / Decimal(calendar_days)).quantize(Decimal("0.1"), ROUND_HALF_UP)
