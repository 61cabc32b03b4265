"""Housing and habilitation (bo og habilitering): the rota, decided hours against it, and
the capacity check before a decision (report 001).

Report 001 finds these services overspending 13-23 % a year, with the sum of decided
hours above the normed capacity ("Misforholdet mellom sum vedtak og ressursbruk opp mot
normert ramme", l.684-688), and proposes a decision point: a new or changed need beyond
the normed capacity releases no resources until it is within the approved frame
(l.457-485, 674-693, 839-851; digest 001 § 3 step 5).

Here the normed capacity of a house is its rota (turnus): the planned hours per week of
its positions. A decision that would take the decided hours of the house above it is
routed for a leader's approval (the second signature) before it takes effect.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable
from dataclasses import dataclass

from tildel.rules.deadlines import add_months

MINUTES_PER_DAY = 24 * 60
DAYS = ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag")


@dataclass(frozen=True)
class Shift:
    """One shift of one position on one weekday (0 Monday); ending at or before its start
    means it runs past midnight (a night shift)."""

    position: str
    weekday: int
    start: dt.time
    end: dt.time

    def minutes(self) -> int:
        first = self.start.hour * 60 + self.start.minute
        last = self.end.hour * 60 + self.end.minute
        return last - first if last > first else MINUTES_PER_DAY - first + last

    def span(self) -> tuple[int, int]:
        """Minutes from Monday 00:00 to the shift's start and end (the end may pass into
        the next week)."""
        first = self.weekday * MINUTES_PER_DAY + self.start.hour * 60 + self.start.minute
        return first, first + self.minutes()


def weekly_hours(shifts: Iterable[Shift]) -> float:
    """Planned hours per week (turnustimer per uke)."""
    return sum(shift.minutes() for shift in shifts) / 60


def overlap(a: Shift, b: Shift) -> bool:
    """Do two shifts of the same position overlap (a week wraps: Sunday night runs into
    Monday)?"""
    if a.position != b.position:
        return False
    week = 7 * MINUTES_PER_DAY
    (a1, a2), (b1, b2) = a.span(), b.span()
    return any(a1 < b2 + shift and b1 + shift < a2 for shift in (-week, 0, week))


def overlapping(new: Shift, existing: Iterable[Shift]) -> Shift | None:
    """The first shift of ``existing`` that ``new`` overlaps, or None."""
    return next((shift for shift in existing if overlap(new, shift)), None)


def overlap_message(shift: Shift) -> str:
    return f"Vakten overlapper en annen vakt i samme stilling: {describe(shift)}."


def clashes(shifts: Iterable[Shift]) -> list[tuple[Shift, Shift]]:
    """Pairs of shifts of one position that overlap (a rota with these is refused)."""
    return [(a, b) for a, b in itertools.combinations(list(shifts), 2) if overlap(a, b)]


def describe(shift: Shift) -> str:
    return f"{shift.position}, {DAYS[shift.weekday]} {shift.start:%H:%M}–{shift.end:%H:%M}"


@dataclass(frozen=True)
class CapacityCheck:
    """The house's normed capacity against decided hours, before and after a decision."""

    rostered: float  # hours per week in the rota
    decided: float  # hours per week already decided for the house's residents
    added: float  # what the decision adds (less what it replaces)

    @property
    def after(self) -> float:
        return self.decided + self.added

    @property
    def exceeds(self) -> bool:
        """The decision takes the house above its normed capacity (and adds hours)."""
        return self.added > 0 and self.after > self.rostered


@dataclass(frozen=True)
class DecidedLine:
    weekly: float
    start: dt.date
    end: dt.date | None


def hours_in(lines: Iterable[DecidedLine], first: dt.date, last: dt.date) -> float:
    """Decided hours in [first, last]: each line's hours per week for the days it runs."""
    total = 0.0
    for line in lines:
        start, end = max(line.start, first), min(line.end or last, last)
        days = (end - start).days + 1
        if days > 0:
            total += line.weekly * days / 7
    return total


#: A service that has run this long is long-term (langvarig) for the individual-plan rule.
LONG_TERM_DAYS = 180
#: Services from this many units or more are coordinated services.
COORDINATED_UNITS = 2


def needs_individual_plan(units: int, longest_days: int) -> bool:
    """Long-term and coordinated services: from at least two units, one of them for at
    least half a year (report 001 l.1861-1863: an individual plan and a coordinator are
    made when long-term, coordinated services are needed; hol. § 7-1)."""
    return units >= COORDINATED_UNITS and longest_days >= LONG_TERM_DAYS


#: BPA allocations are inspected (tilsyn) with a template (report 001 l.1531); the report
#: gives no interval, so Tildel asks for one a year (a setting a municipality may change).
BPA_INSPECTION_MONTHS = 12


def next_inspection(last: dt.date | None, contract_from: dt.date,
                    months: int = BPA_INSPECTION_MONTHS) -> dt.date:
    """The day the next BPA inspection is due: ``months`` after the last one, or after
    the contract started when there has been none."""
    return add_months(last or contract_from, months)


def bpa_problems(contract_from: dt.date | None, contract_to: dt.date | None,
                 last_inspection: dt.date | None, today: dt.date) -> list[str]:
    """What is wrong with one BPA allocation's follow-up (report 001 l.1504-1533)."""
    if contract_from is None:
        return ["Mangler avtale med tjenesteyter (kommunal eller privat)."]
    found = []
    if contract_to is not None and contract_to < today:
        found.append(f"Avtalen gikk ut {contract_to:%d.%m.%Y}.")
    due = next_inspection(last_inspection, contract_from)
    if due < today:
        found.append(f"Tilsyn skulle vært gjort innen {due:%d.%m.%Y}.")
    return found
