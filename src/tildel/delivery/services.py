"""Decided vs. planned vs. delivered time per user, and manual registration of visits.

Every computed value comes from ``tildel.rules.delivered_time``; this module only fetches
what the rules need, in a fixed number of queries per page.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Func, IntegerField, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from tildel.accounts.access import persons_visible_to
from tildel.casework.models import Decision, ServiceLine
from tildel.idlists import any_of
from tildel.organisation.models import ProviderUnit
from tildel.provision.models import Adjustment
from tildel.rules import delivered_time as rules
from tildel.rules.delivered_time import Comparison, LineTerms

from . import month_cache
from .models import Visit


def threshold_minutes() -> int:
    """Minutes per week above which a deviation is flagged (report 004 L4089–4090)."""
    return int(getattr(settings, "TILDEL_DELIVERY_THRESHOLD_MINUTES",
                       rules.DEFAULT_THRESHOLD_MINUTES))


# -- who sees which unit and which users ---------------------------------------------


def units_visible_to(user) -> QuerySet[ProviderUnit]:
    """Provider roles: their own unit. Office roles: units that serve their districts."""
    if user.is_provider_role and user.provider_unit_id:
        return ProviderUnit.objects.filter(pk=user.provider_unit_id)
    if user.is_office_role:
        return ProviderUnit.objects.filter(districts__in=user.district_ids()).distinct()
    return ProviderUnit.objects.none()


def users_visible_to(user, first: dt.date):
    """The persons whose delivered time ``user`` may see for a period starting ``first``:
    ``accounts.access.persons_visible_to`` as of the period's first day, so a leader
    reconciling last month still sees a user whose service has since ended."""
    return persons_visible_to(user, day=first)


# -- periods --------------------------------------------------------------------------


def local_bounds(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    return (dt.datetime.combine(first, dt.time.min, tzinfo=tz),
            dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tzinfo=tz))


def month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    first = dt.date(year, month, 1)
    nxt = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return first, nxt - dt.timedelta(days=1)


# -- the data the rules need -----------------------------------------------------------


def decided_lines(unit_id: int, persons, first: dt.date, last: dt.date
                  ) -> dict[int, list[LineTerms]]:
    """Decided, granted lines at the unit in force some day in [first, last], per person
    (of ``persons``; None: all), with the planned hours of every adjustment within the
    frame. Two queries."""
    lines = ServiceLine.objects.filter(
        Q(end__isnull=True) | Q(end__gte=first), decision__status=Decision.Status.DECIDED,
        granted=True, provider_unit_id=unit_id, start__lte=last)
    if persons is not None:
        lines = lines.filter(decision__person__in=persons)
    rows = list(lines.values_list("id", "decision__person_id", "start", "end", "extent",
                                  "extent_unit"))
    planned: dict[int, list[tuple]] = defaultdict(list)
    for line_id, effective_from, hours in Adjustment.objects.filter(
            service_line_id__in=any_of(r[0] for r in rows), planned_weekly_hours__isnull=False,
            effective_from__lte=last).order_by("effective_from", "made_at", "id").values_list(
            "service_line_id", "effective_from", "planned_weekly_hours"):
        planned[line_id].append((effective_from, hours))
    lines: dict[int, list[LineTerms]] = defaultdict(list)
    for line_id, person_id, start, end, extent, unit in rows:
        lines[person_id].append(LineTerms.of(start, end, extent, unit, planned[line_id]))
    return lines


def delivered_by_person(unit_id: int, persons, first: dt.date, last: dt.date
                        ) -> dict[int, dict[dt.date, int]]:
    """Minutes delivered per person and local day at the unit, as
    ``rules.delivered_by_day`` counts them, summed by the database (a unit's month is some
    35,000 visits; reading each one's times cost a second). ``persons``: a list of ids, or
    None for all. One query."""
    start, end = local_bounds(first, last)
    queryset = Visit.objects.filter(provider_unit_id=unit_id, start__gte=start, start__lt=end)
    if persons is not None:
        queryset = queryset.filter(person_id__in=any_of(persons))
    sums = queryset.values("person_id", day=TruncDate("start")).annotate(
        minutes=Sum(WholeMinutes("start", "end"))).values_list("person_id", "day", "minutes")
    if connection.vendor == "postgresql":
        # PostgreSQL gives the day as a date already: read the rows without Django's
        # per-value converters (a unit's month is some 26,000 rows; 50 ms of converting).
        sql, params = sums.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            sums = cursor.fetchall()
    found: dict[int, dict[dt.date, int]] = defaultdict(dict)
    for person_id, day, minutes in sums:
        found[person_id][day] = minutes
    return dict(found)


class WholeMinutes(Func):
    """Whole minutes from the first datetime to the second, as ``rules.minutes`` counts."""

    output_field = IntegerField()
    arity = 2

    def as_sql(self, compiler, connection, **extra):
        start, end = (compiler.compile(e) for e in self.source_expressions)
        if connection.vendor == "postgresql":
            sql = f"FLOOR(EXTRACT(EPOCH FROM ({end[0]} - {start[0]})) / 60)::integer"
        else:  # SQLite: milliseconds between the two, divided as integers
            sql = (f"(CAST(ROUND((julianday({end[0]}) - julianday({start[0]})) * 86400000) "
                   f"AS INTEGER) / 60000)")
        return sql, (*end[1], *start[1])


def _pathway_days(unit_id: int, person_ids: list[int], first: dt.date, last: dt.date
                  ) -> dict[int, set[dt.date]]:
    """Days a pathway service at the unit covers without a decision: from its start, for
    at most the office's 14 days (``tildel.rules.pathways``)."""
    from tildel.pathways.models import PathwayService
    from tildel.rules import pathways as pathway_rules

    found: dict[int, set[dt.date]] = {}
    items = PathwayService.objects.filter(
        provider_unit_id=unit_id, pathway__person_id__in=any_of(person_ids),
        start__lte=last).filter(Q(end__isnull=True) | Q(end__gte=first)).values_list(
        "pathway__person_id", "start", "end")
    for person_id, start, end in items:
        limit = start + dt.timedelta(days=pathway_rules.DECISION_AFTER_DAYS)
        stop = min(end or limit, limit, last)
        found.setdefault(person_id, set()).update(
            rules.days(max(start, first), stop) if max(start, first) <= stop else ())
    return found


def days_without_decision(unit_id: int, delivered: dict[int, dict[dt.date, int]],
                          first: dt.date, last: dt.date,
                          lines: dict[int, list[LineTerms]] | None = None
                          ) -> dict[int, list[dt.date]]:
    """Hjelp uten vedtak: per person, the days in [first, last] with visits from the unit
    and no decided service line at that unit in force. This is the one place that decides
    whether delivered help is covered by a decision.

    Services inside a patient pathway (pasientforløp) count as covered for their first 14
    days: forløp 1 runs without a decision that long (report 000 L2958-2962); after that,
    help without a decision is flagged again.
    """
    if lines is None:
        lines = decided_lines(unit_id, list(delivered), first, last)
    in_pathway = _pathway_days(unit_id, list(delivered), first, last)
    result = {}
    for person_id, by_day in delivered.items():
        missing = rules.days_without_line(lines.get(person_id, ()), by_day, first, last,
                                          in_pathway.get(person_id, set()))
        if missing:
            result[person_id] = missing
    return result


# -- pages ----------------------------------------------------------------------------


@dataclass
class PeriodRow:
    """One period (a week or a month) of one user's comparison."""

    label: str
    first: dt.date
    last: dt.date
    comparison: Comparison
    flagged: bool
    days_without_decision: int = 0

    @property
    def decided_h(self):
        return rules.hours_text(self.comparison.decided)

    @property
    def planned_h(self):
        return rules.hours_text(self.comparison.planned)

    @property
    def delivered_h(self):
        return rules.hours_text(self.comparison.delivered)

    @property
    def deviation_h(self):
        return rules.hours_text(self.comparison.deviation)


def _period_row(label, first, last, lines, by_day, uncovered, threshold) -> PeriodRow:
    comparison = rules.compare(lines, by_day, first, last)
    return PeriodRow(label, first, last, comparison,
                     comparison.flagged(threshold),
                     sum(1 for d in uncovered if first <= d <= last))


@dataclass(frozen=True, slots=True)
class UserName:
    """What the unit overview shows of a user: a unit has thousands, and a full person
    object each cost the page 20 ms."""

    pk: int
    given_name: str
    family_name: str

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"


@dataclass
class UserMonth:
    person: UserName
    month: PeriodRow
    weeks: list[PeriodRow] = field(default_factory=list)
    without_decision: list[dt.date] = field(default_factory=list)

    @property
    def weeks_flagged(self) -> int:
        return sum(1 for w in self.weeks if w.flagged)


def week_label(year: int, week: int) -> str:
    return f"Uke {week} {year}"


@dataclass(frozen=True)
class UnitMonthFacts:
    """What a unit's month is for every user, whoever looks: kept between views
    (``month_cache``) and never changed once made."""

    first: dt.date
    last: dt.date
    weeks: list[tuple[dt.date, dt.date, str]]
    threshold: int
    lines: dict[int, list[LineTerms]]
    delivered: dict[int, dict[dt.date, int]]
    uncovered: dict[int, list[dt.date]]
    months: dict[int, PeriodRow]  # every user with a line or a visit at the unit


def unit_month_facts(unit_id: int, year: int, month: int, threshold: int) -> UnitMonthFacts:
    """Everyone's lines and visits at the unit over the month's span (its ISO weeks may
    reach into the months beside it), help without a decision, and the month compared."""
    first, last = month_bounds(year, month)
    weeks = [rules.week_days(y, w) + (week_label(y, w),)
             for y, w in rules.weeks_in_month(year, month)]
    span_first, span_last = min(first, weeks[0][0]), max(last, weeks[-1][1])
    lines = decided_lines(unit_id, None, span_first, span_last)
    delivered = delivered_by_person(unit_id, None, span_first, span_last)
    uncovered = days_without_decision(unit_id, delivered, span_first, span_last, lines)
    months = {pk: _period_row(f"{month:02d}.{year}", first, last, lines.get(pk, []),
                              delivered.get(pk, {}), uncovered.get(pk, []), threshold)
              for pk in set(lines) | set(delivered)}
    return UnitMonthFacts(first, last, weeks, threshold, lines, delivered, uncovered, months)


def unit_month(unit: ProviderUnit, persons, year: int, month: int) -> dict:
    """The unit overview: every visible user with decided hours or visits at the unit in
    the month; the month and its ISO weeks compared; help without a decision.

    The facts are computed once per change at the unit (``month_cache``); who of the users
    the viewer may see is asked on every view, once per person (asked per line and per
    visit, it took a second at a unit of 2,700)."""
    threshold = threshold_minutes()
    facts = month_cache.facts(unit.pk, year, month, threshold,
                              lambda: unit_month_facts(unit.pk, year, month, threshold))
    first, last = facts.first, facts.last
    people = {pk: UserName(pk, given, family) for pk, given, family in persons.filter(
        pk__in=any_of(facts.months)).values_list("id", "given_name", "family_name")}
    rows = []
    for person_id, person in people.items():
        row = UserMonth(person, facts.months[person_id])
        row.without_decision = [d for d in facts.uncovered.get(person_id, [])
                                if first <= d <= last]
        rows.append(row)
    rows.sort(key=lambda r: (r.person.family_name, r.person.given_name, r.person.pk))

    def with_weeks(chosen: list[UserMonth]) -> list[UserMonth]:
        """The ISO weeks of the month for ``chosen`` rows only: a unit of thousands of
        users shows a page at a time, and each week is five comparisons more per user."""
        for row in chosen:
            pid = row.person.pk
            row.weeks = [_period_row(label, a, b, facts.lines.get(pid, []),
                                     facts.delivered.get(pid, {}),
                                     facts.uncovered.get(pid, []), facts.threshold)
                         for a, b, label in facts.weeks]
        return chosen

    return {"rows": rows, "first": first, "last": last, "weeks": facts.weeks,
            "threshold": facts.threshold, "with_weeks": with_weeks,
            "flagged": sum(1 for r in rows if r.month.flagged),
            "without_decision": sum(1 for r in rows if r.without_decision)}


def person_year(unit: ProviderUnit, person, year: int, today: dt.date) -> dict:
    """One user at one unit: every ISO week and month of the year up to today."""
    first, last = dt.date(year, 1, 1), min(dt.date(year, 12, 31), today)
    weeks = sorted({rules.week_of(d) for d in rules.days(first, last)})
    span_first = min(first, rules.week_days(*weeks[0])[0])
    span_last = max(last, rules.week_days(*weeks[-1])[1])
    persons = [person.pk]
    lines = decided_lines(unit.pk, persons, span_first, span_last).get(person.pk, [])
    by_day = delivered_by_person(unit.pk, persons, span_first, span_last).get(person.pk, {})
    missing = days_without_decision(unit.pk, {person.pk: by_day}, span_first, span_last,
                                    {person.pk: lines}).get(person.pk, [])
    threshold = threshold_minutes()
    week_rows = [_period_row(week_label(y, w), *rules.week_days(y, w), lines, by_day,
                             missing, threshold) for y, w in weeks]
    month_rows = []
    for month in range(1, last.month + 1):
        a, b = month_bounds(year, month)
        month_rows.append(_period_row(f"{month:02d}.{year}", a, min(b, last), lines, by_day,
                                      missing, threshold))
    return {"weeks": list(reversed(week_rows)), "months": list(reversed(month_rows)),
            "threshold": threshold, "without_decision": [d for d in missing
                                                         if first <= d <= last]}


# -- manual registration ---------------------------------------------------------------


def check_visit(person_id: int, unit_id: int, start: dt.datetime, end: dt.datetime
                ) -> dict[str, str]:
    """Field errors for a manual visit, in Norwegian (the same rules as the import)."""
    problem = rules.check_interval(start, end, timezone.now())
    if problem:
        return {"end": {rules.END_BEFORE_START: "Slutt må være etter start.",
                        rules.ZERO_LENGTH: "Slutt må være etter start.",
                        rules.TOO_LONG: "Et besøk kan ikke vare mer enn 24 timer.",
                        rules.IN_FUTURE: "Besøket kan ikke slutte i framtiden."}[problem]}
    clash = Visit.objects.filter(person_id=person_id, provider_unit_id=unit_id,
                                 start__lt=end, end__gt=start).order_by("start").first()
    if clash is not None:
        a, b = timezone.localtime(clash.start), timezone.localtime(clash.end)
        return {"start": f"Overlapper et besøk som er registrert {a:%d.%m.%Y} kl. "
                         f"{a:%H:%M}–{b:%H:%M}."}
    return {}


def register_visit(*, person, unit_id: int, start: dt.datetime, end: dt.datetime, role: str,
                   actor) -> Visit:
    """Manual registration (provider staff): refused with field errors like the import."""
    errors = check_visit(person.pk, unit_id, start, end)
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            return Visit.objects.create(person=person, provider_unit_id=unit_id, start=start,
                                        end=end, staff_role=role, source=Visit.Source.MANUAL,
                                        registered_by=actor)
    except IntegrityError:
        raise ValidationError({"start": "Et besøk med samme start er allerede registrert."}
                              ) from None


def recent_visits(unit_id: int, person_ids: Iterable[int], limit: int = 20):
    return Visit.objects.filter(provider_unit_id=unit_id, person_id__in=person_ids).order_by(
        "-start")[:limit]
