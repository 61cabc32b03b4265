"""A year of delivered visits for the demo municipality, through the import's bulk path.

Shaped by report 004 (Blådal, L4049–4095): staff log each home-nursing visit, and most
users get about what was decided. Some do not: one unit delivers more than decided across
the board, about one user in eight gets much more or much less (the report's "to timer i
stedet for 20 minutter"), and a few get help on days without a decision (before the
decision starts, or with none at all, as in a forløp 1).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterator

from django.db.models import Q

from tildel.casework.models import Decision, ServiceLine
from tildel.organisation.models import ProviderKind, ProviderUnit
from tildel.people.models import Person
from tildel.rules import delivered_time as rules
from tildel.rules.trust_model import decided_weekly_hours

from . import importer

# Visit start times in a day (hour, minute), three hours apart: visits never overlap.
SLOTS = [(7, 30), (10, 30), (13, 30), (16, 30), (19, 30)]
JITTER = 40  # minutes after the slot a visit may start
LONGEST = 180 - JITTER  # minutes: a visit ends before the next slot's earliest start
ROLES = ["HFA", "HFA", "HFA", "SPL", "SPL", "ASS"]


def generate_visits(as_of: dt.date, seed: int,
                    progress: Callable[[str, int, int | None], None] | None = None) -> int:
    """Visits from ``as_of`` − 365 days to the day before ``as_of`` for every home-nursing
    line with decided hours; returns how many were stored."""
    rng = random.Random(seed * 7919 + 4004)
    first, last = as_of - dt.timedelta(days=365), as_of - dt.timedelta(days=1)
    lines = list(ServiceLine.objects.filter(
        Q(end__isnull=True) | Q(end__gte=first), decision__status=Decision.Status.DECIDED,
        granted=True, provider_unit__kind=ProviderKind.HOME_NURSING, start__lte=last,
    ).order_by("id").values_list("decision__person_id", "provider_unit_id", "start", "end",
                                 "extent", "extent_unit"))
    units = list(ProviderUnit.objects.filter(kind=ProviderKind.HOME_NURSING).order_by("name")
                 .values_list("id", flat=True))
    generous = units[0] if units else None  # this unit delivers 15 % more than decided
    midnight: dict[dt.date, int] = {}
    # Persons with two lines at one unit (a revised decision) share the day's slots.
    seen, shared = set(), set()
    for person_id, unit_id, *_ in lines:
        (shared if (person_id, unit_id) in seen else seen).add((person_id, unit_id))
    taken: set[tuple] = set()
    # Read before the rows stream: nothing may query the connection while COPY runs.
    served = {line[0] for line in lines}
    strangers = list(Person.objects.filter(date_of_death__isnull=True).exclude(
        pk__in=served).order_by("id").values_list("id", flat=True)[:400])

    def visits_for(person_id, unit_id, start, end, weekly_minutes, factor) -> Iterator[tuple]:
        minutes = weekly_minutes * factor
        per_week = max(1, min(35, round(minutes / 40)))
        length = minutes / per_week
        for n in range((end - start).days + 1):
            day = start + dt.timedelta(days=n)
            today = (n + 1) * per_week // 7 - n * per_week // 7
            if not today:
                continue
            if day not in midnight:
                midnight[day] = int(dt.datetime.combine(day, dt.time(),
                                                        tzinfo=rules.OSLO).timestamp())
            base = midnight[day]
            for hour, minute in rng.sample(SLOTS, min(today, len(SLOTS))):
                if (person_id, unit_id) in shared:
                    if (person_id, unit_id, day, hour) in taken:
                        continue
                    taken.add((person_id, unit_id, day, hour))
                begin = base + (hour * 60 + minute + rng.randrange(0, JITTER)) * 60
                duration = max(5, min(LONGEST, round(length * rng.uniform(0.8, 1.2))))
                yield (person_id, unit_id, begin, begin + duration * 60, rng.choice(ROLES))

    def rows() -> Iterator[tuple]:
        line_no = 0
        for index, (person_id, unit_id, start, end, extent, unit) in enumerate(lines):
            weekly = decided_weekly_hours(extent, unit)
            if weekly is None or weekly <= 0:
                continue
            factor = 1.15 if unit_id == generous else 1.0
            roll = rng.random()
            if roll < 0.06:
                factor *= rng.uniform(1.3, 1.8)
            elif roll < 0.12:
                factor *= rng.uniform(0.5, 0.7)
            else:
                factor *= rng.uniform(0.95, 1.05)
            begin, stop = max(start, first), min(end or last, last)
            if roll > 0.97 and start > first:  # help before the decision starts
                begin = max(first, start - dt.timedelta(days=rng.randint(3, 12)))
            for visit in visits_for(person_id, unit_id, begin, stop, float(weekly) * 60,
                                    factor):
                line_no += 1
                yield (line_no, *visit)
            if progress is not None and index % 200 == 199:
                progress("Besøk (levert tid)", 200, len(lines))
        # A few persons get visits with no decision at all.
        for person_id in rng.sample(strangers, min(8, len(strangers))):
            if not units:
                break
            day = last - dt.timedelta(days=rng.randint(5, 60))
            for visit in visits_for(person_id, rng.choice(units), day,
                                    day + dt.timedelta(days=rng.randint(2, 10)), 120, 1.0):
                line_no += 1
                yield (line_no, *visit)
        if progress is not None:
            progress("Besøk (levert tid)", len(lines) % 200, len(lines))

    run = importer.import_rows(rows(), "Demodata: besøk siste år (generert)")
    return run.rows_imported
