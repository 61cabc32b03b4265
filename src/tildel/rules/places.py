"""Places, capacity and waiting lists (plasser og ventelister).

Report 004 finds caseworkers asking what places the municipality has and keeping waiting
lists by hand; report 002 names corridor patients and "measures that cannot be started"
as the deviations to record (digest 002 § 5, l.414-420).

The long-term rule, helse- og omsorgstjenesteloven § 3-2 a (report 002 l.457-491): a
person who needs a long-term place (langtidsopphold) in a nursing home, and for whom it is
the only safe option (det eneste forsvarlige tilbudet), has a right to it; the person is
granted the place, not put on a waiting list (l.465-473). Otherwise the person can be
found qualified and put on the waiting list with a date (l.481-491), and when a place
frees up the list is taken by need, then by how long the person has waited.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum


class ListKind(Enum):
    """The waiting lists (ventelister), with their Norwegian names."""

    LONG_TERM = ("long_term", "Langtidsplass i sykehjem")
    STAFFED_HOUSING = ("staffed_housing", "Bolig med heldøgns tjenester")
    SUPPORT_CONTACT = ("support_contact", "Støttekontakt")
    BPA = ("bpa", "Brukerstyrt personlig assistanse (BPA)")
    RESPITE = ("respite", "Avlastning")

    def __init__(self, key: str, label: str):
        self.key, self.label = key, label


#: Kinds of deviation (avvik) recorded for places (report 002 L414-420: waiting lists and
#: deviations such as a measure that cannot be started; corridor patients, overcrowding).
DEVIATION_KINDS = (("not_started", "Tiltak kan ikke settes i gang"),
                   ("corridor", "Korridorpasient"), ("overcrowded", "Overbelegg"))


ONLY_SAFE_OPTION = ("Når langtidsopphold i sykehjem er det eneste forsvarlige tilbudet, har "
                    "personen rett til plass og skal tildeles den, ikke settes på venteliste "
                    "(helse- og omsorgstjenesteloven § 3-2 a). Fatt vedtak om langtidsopphold "
                    "i stedet.")


class Refused(ValueError):
    """A change the rules refuse (message in Norwegian)."""


def check_entry(kind: ListKind, only_safe_option: bool, qualified_on: dt.date,
                today: dt.date) -> None:
    """A waiting-list entry may be made: refused for a long-term place when it is the only
    safe option (§ 3-2 a), and for a qualification date in the future."""
    if kind is ListKind.LONG_TERM and only_safe_option:
        raise Refused(ONLY_SAFE_OPTION)
    if qualified_on > today:
        raise Refused("Datoen personen ble funnet kvalifisert kan ikke være frem i tid.")


@dataclass(frozen=True)
class Entry:
    """One person waiting: ``priority`` 1 is the greatest need."""

    entry_id: int
    priority: int
    qualified_on: dt.date


def in_order(entries: Iterable[Entry]) -> list[Entry]:
    """The list as it is taken when a place frees up: greatest need first, then who has
    waited longest, then who was put on it first."""
    return sorted(entries, key=lambda e: (e.priority, e.qualified_on, e.entry_id))


def waiting_days(qualified_on: dt.date, placed_on: dt.date | None, today: dt.date) -> int:
    """Days on the list: from the day found qualified to the day given a place (or today)."""
    return max(((placed_on or today) - qualified_on).days, 0)


@dataclass(frozen=True)
class Spell:
    """One occupancy of a place (or of no place: a corridor patient)."""

    start: dt.date
    end: dt.date | None  # the last night; None while the resident stays


def overlaps(a: Spell, b: Spell) -> bool:
    """Do two spells share a day (both ends inclusive; an open end runs on)?"""
    return (a.end is None or b.start <= a.end) and (b.end is None or a.start <= b.end)


def clash(new: Spell, existing: Sequence[Spell]) -> Spell | None:
    """The first existing spell of the same place ``new`` would double-book, if any."""
    return next((spell for spell in existing if overlaps(new, spell)), None)


def occupied_days(spells: Iterable[Spell], first: dt.date, last: dt.date) -> int:
    """Days in [first, last] the spells fill (a spell counts each day from its start to its
    end)."""
    total = 0
    for spell in spells:
        start, end = max(spell.start, first), min(spell.end or last, last)
        total += max((end - start).days + 1, 0)
    return total


@dataclass(frozen=True)
class Period:
    """Occupancy figures for one period and one group of places."""

    places: float  # on an average day of the period
    place_days: int
    occupied_days: int
    departures: int
    finished_stays_days: int  # the lengths of the stays that ended in the period

    @property
    def occupancy(self) -> float | None:
        """Belegg: occupied place-days ÷ available place-days (over 1.0 is overcrowding)."""
        return self.occupied_days / self.place_days if self.place_days else None

    @property
    def turnover(self) -> float | None:
        """Omløp: departures per place in the period."""
        return self.departures / self.places if self.places else None

    @property
    def average_stay(self) -> float | None:
        """Average length in days of the stays that ended in the period."""
        return self.finished_stays_days / self.departures if self.departures else None


def period(places: Sequence[Spell], spells: Sequence[Spell], first: dt.date,
           last: dt.date) -> Period:
    """Occupancy, turnover and length of stay of ``places`` (each open from its first to
    its last day) with ``spells``; a place opened mid-period counts for its days only."""
    ended = [s for s in spells if s.end is not None and first <= s.end <= last]
    place_days = occupied_days(places, first, last)
    return Period(place_days / ((last - first).days + 1), place_days,
                  occupied_days(spells, first, last), len(ended),
                  sum((s.end - s.start).days + 1 for s in ended))
