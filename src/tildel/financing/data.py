"""Decided hours per user, unit and month, read from the decisions in Tildel.

The financing models take plain rows (``rules.financing``); this module builds them from
the service lines of the home-based units in one query, with stays and pauses from
``ServicePause`` and short-term stay decisions. Conventions (docs/financing.md):

- hours per week × 4 = hours per month (the IPLOS rule, ``rules.hours``);
- a line that starts or ends inside a month counts its share of the month's days;
- a month counts as "in stay" or "paused" when the stay or pause covers at least half of it.
"""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal

from django.db.models import Q

from tildel.casework.models import Decision, ServiceLine, ServicePause
from tildel.catalogue.models import CareLevel, ExtentUnit, ServiceVersion
from tildel.financing.textfiles import gc_paused
from tildel.organisation.models import ProviderKind, ProviderUnit
from tildel.rules.financing.budget import NO_MONTHS, UserYear, months_of
from tildel.rules.financing.frame import ServiceMonth
from tildel.rules.financing.levels import HOME_BASED_UNIT_KINDS
from tildel.rules.hours import monthly_from_weekly

ZERO = Decimal(0)

# The user-directed part covers practical help, home nursing and the environmental service
# (report 000 L1996-2004); the key figures' level distribution uses the same rule.
HOME_BASED_KINDS = tuple(sorted(ProviderKind(kind) for kind in HOME_BASED_UNIT_KINDS))


def home_based_units(municipality) -> list[ProviderUnit]:
    return list(ProviderUnit.objects.filter(municipality=municipality,
                                            kind__in=HOME_BASED_KINDS).order_by("name"))


def _overlap_days(start: dt.date, end: dt.date | None, month: dt.date) -> int:
    last = month.replace(day=calendar.monthrange(month.year, month.month)[1])
    first_day = max(start, month)
    last_day = min(end or last, last)
    return max(0, (last_day - first_day).days + 1)


def _granted_in_year(year: int):
    return ServiceLine.objects.filter(
        Q(end__isnull=True) | Q(end__gte=dt.date(year, 1, 1)),
        decision__status=Decision.Status.DECIDED, granted=True,
        start__lte=dt.date(year, 12, 31))


def _home_based_lines(municipality, year: int, *fields, unit=None):
    lines = _granted_in_year(year)
    if unit is not None:
        lines = lines.filter(provider_unit=unit)
    return lines.filter(
        provider_unit__municipality=municipality, provider_unit__kind__in=HOME_BASED_KINDS,
        extent__isnull=False,
        extent_unit__in=(ExtentUnit.HOURS_PER_WEEK, ExtentUnit.HOURS_PER_MONTH),
    ).values_list("provider_unit__name", "decision__person_id", *fields, "extent",
                  "extent_unit", "start", "end").iterator(chunk_size=5000)


class _Year:
    """Month bounds of a year as ordinals, to spread a line's hours over its months."""

    def __init__(self, year: int):
        self.months = months_of(year)
        self.bounds = [(m.toordinal(), m.toordinal() + calendar.monthrange(year, m.month)[1] - 1,
                        calendar.monthrange(year, m.month)[1]) for m in self.months]
        self.first, self.last = self.bounds[0][0], self.bounds[-1][1]

    def spread(self, slots: list, extent: Decimal, extent_unit: str, start: dt.date,
               end: dt.date | None) -> None:
        """Add the line's decided hours per month into the 12 ``slots``."""
        monthly = (monthly_from_weekly(extent) if extent_unit == ExtentUnit.HOURS_PER_WEEK
                   else extent)
        begin = start.toordinal()
        finish = end.toordinal() if end else self.last
        if begin <= self.first and finish >= self.last:
            slots[:] = [hours + monthly for hours in slots]
            return
        for index, (low, high, days) in enumerate(self.bounds):
            covered = min(finish, high) - max(begin, low) + 1
            if covered == days:
                slots[index] += monthly
            elif covered > 0:
                slots[index] += monthly * covered / days


def service_months(municipality, year: int) -> list[ServiceMonth]:
    """One row per home-based service, user and month of ``year`` with decided hours."""
    calendar_year = _Year(year)
    slots: dict[tuple, list] = {}
    for unit, person, service, extent, extent_unit, start, end in _home_based_lines(
            municipality, year, "service_version__name"):
        key = (unit, str(person), service)
        calendar_year.spread(slots.setdefault(key, [ZERO] * 12), extent, extent_unit, start,
                             end)
    return [ServiceMonth(unit, person, service, calendar_year.months[index], hours)
            for (unit, person, service), months in slots.items()
            for index, hours in enumerate(months) if hours]


def stay_and_pause_months(municipality, year: int) -> tuple[set, set]:
    """(person, month) pairs in a stay, and (unit, person, month) triples paused."""
    months = months_of(year)
    half = {m: calendar.monthrange(year, m.month)[1] / 2 for m in months}
    in_stay: set[tuple[str, dt.date]] = set()
    paused: set[tuple[str, str, dt.date]] = set()
    pauses = ServicePause.objects.filter(
        Q(end__isnull=True) | Q(end__gte=dt.date(year, 1, 1)),
        start__lte=dt.date(year, 12, 31),
        line__provider_unit__municipality=municipality,
    ).values_list("line__provider_unit__name", "line__decision__person_id", "reason", "start",
                  "end")
    for unit, person, reason, start, end in pauses:
        for month in months:
            if _overlap_days(start, end, month) >= half[month]:
                if reason in ServicePause.STAYS:
                    in_stay.add((str(person), month))
                else:
                    paused.add((unit, str(person), month))
    short_stay_versions = list(ServiceVersion.objects.filter(
        care_level=CareLevel.SHORT_STAY).values_list("pk", flat=True))
    short_stays = _granted_in_year(year).filter(
        decision__person__municipality=municipality,
        service_version_id__in=short_stay_versions,  # by its index, not a join over all lines
    ).values_list("decision__person_id", "start", "end")
    for person, start, end in short_stays:
        for month in months:
            if _overlap_days(start, end, month) >= half[month]:
                in_stay.add((str(person), month))
    return in_stay, paused


def user_years(municipality, year: int, unit=None) -> list[UserYear]:
    """Decided hours per unit, user and month (all home-based services summed), as one
    twelve-month row per unit and user."""
    with gc_paused():
        calendar_year = _Year(year)
        slots: dict[tuple[str, str], list] = {}
        lines = _home_based_lines(municipality, year, unit=unit)
        for name, person, extent, extent_unit, start, end in lines:
            key = (name, str(person))
            calendar_year.spread(slots.get(key) or slots.setdefault(key, [ZERO] * 12),
                                 extent, extent_unit, start, end)
        in_stay, paused = stay_and_pause_months(municipality, year)
        index = {month: i for i, month in enumerate(calendar_year.months)}
        stays: dict[str, frozenset[int]] = {}
        for person, month in in_stay:
            stays[person] = stays.get(person, NO_MONTHS) | {index[month]}
        pauses: dict[tuple[str, str], frozenset[int]] = {}
        for name, person, month in paused:
            pauses[(name, person)] = pauses.get((name, person), NO_MONTHS) | {index[month]}
        make = tuple.__new__  # UserYear(...) costs twice as much at 60,000 rows
        return [make(UserYear, (name, person, tuple(hours), stays.get(person, NO_MONTHS),
                                pauses.get((name, person), NO_MONTHS)))
                for (name, person), hours in slots.items()]
