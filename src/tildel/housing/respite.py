"""Avlastning: rotating stay plans (oppholdsplaner) of respite decisions, matched to the
respite home's rota and beds (report 001 l.1459-1461). Rules in ``tildel.rules.respite``.

Beds are checked on calendar dates, each plan only within its decision's period, from
today to one cycle after the latest start (plans repeat, so one cycle shows every
combination). The grid of the cycle's weeks on the overview is the plans' pattern.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Exists, OuterRef, Q

from tildel.casework.models import Decision, ServiceLine
from tildel.organisation.models import ProviderUnit
from tildel.rules import respite as rules
from tildel.rules.housing import Shift

from .models import RespiteHome, RespitePlan, RespiteStay, RotaShift
from .services import RotaError, shifts_of

#: The service a stay plan belongs to.
RESPITE_CODE = "avlastning-institusjon"
#: Nights per month a plan may differ from the decision before it is flagged (a 12-week
#: cycle cannot hit every monthly figure exactly: one night more or less is 0.36 a month).
TOLERANCE = 0.5
#: The extent unit read as døgn per month (module docstring of tildel.rules.respite).
DAYS_UNIT = "days"
STALE = ("Oppholdsplanen er endret av en annen siden du åpnet den. Last siden på nytt og "
         "prøv igjen.")


class RespiteError(RotaError):
    """A stay that cannot be planned; ``field`` names the form field when there is one."""


def running_lines(home_ids, today: dt.date):
    """Granted, decided respite lines at the homes that have not ended."""
    return ServiceLine.objects.filter(
        provider_unit__respite_home__in=home_ids, granted=True,
        decision__status=Decision.Status.DECIDED,
        service_version__service__code=RESPITE_CODE).filter(
        Q(end__isnull=True) | Q(end__gte=today))


def home_of(line: ServiceLine, today: dt.date) -> RespiteHome:
    """The respite home a line's stays are planned at; refused unless the line is granted
    respite in a decided decision that has not ended, at a home with beds and a cycle."""
    if (line.service_version.service.code != RESPITE_CODE or not line.granted
            or line.decision.status != Decision.Status.DECIDED):
        raise RespiteError("Oppholdsplan lages for innvilget avlastning i institusjon i et "
                           "fattet vedtak.")
    if line.end is not None and line.end < today:
        raise RespiteError(f"Vedtaket om avlastning varte til {line.end:%d.%m.%Y}; det kan "
                           "ikke planlegges flere opphold.")
    try:
        return line.provider_unit.respite_home
    except (AttributeError, RespiteHome.DoesNotExist):
        raise RespiteError("Enheten i vedtaket er ikke registrert som avlastningsbolig med "
                           "senger og syklus.") from None


def _period_stays(home: RespiteHome, today: dt.date, exclude_plan: int | None = None
                  ) -> list[tuple[ServiceLine, list[rules.Stay]]]:
    """The running lines of the home that have stays, with them."""
    stays: dict[int, list[rules.Stay]] = {}
    for stay in RespiteStay.objects.filter(
            plan__home=home, plan__line__in=running_lines([home.pk], today)).exclude(
            plan_id=exclude_plan).select_related("plan__line").order_by(
            "plan_id", "week", "weekday", "arrive"):
        stays.setdefault(stay.plan.line, []).append(stay.as_rule())
    return list(stays.items())


def _horizon(home: RespiteHome, lines, today: dt.date) -> tuple[dt.date, dt.date]:
    latest = max([today, *(line.start for line in lines if line.start)])
    return today, latest + dt.timedelta(days=home.cycle_weeks * 7)


def _nights(line: ServiceLine, stays, home: RespiteHome, first: dt.date, last: dt.date):
    """The calendar nights of a line's stays in [first, last], within its own period."""
    first = max(first, line.start or first)
    last = min(last, line.end or last)
    return [night for stay in stays for night in rules.nights_between(
        stay, home.cycle_start, first, last, home.cycle_weeks)]


def crowded(home: RespiteHome, plans, today: dt.date, beds: int | None = None) -> list[str]:
    """Dates with more guests than beds, for ``plans`` of (line, stays)."""
    first, last = _horizon(home, [line for line, _ in plans], today)
    guests = Counter(night for line, stays in plans
                     for night in _nights(line, stays, home, first, last))
    return rules.crowded_dates(guests, beds if beds is not None else home.beds)


def stay_refusal(home: RespiteHome, line: ServiceLine, own: list[rules.Stay],
                 new: rules.Stay, today: dt.date) -> RespiteError | None:
    """Why ``new`` cannot join a line's plan (whose stays are ``own``): outside the cycle,
    overlapping its own stays, outside the rota, or more guests than beds on a date."""
    problem = rules.stay_problem(new, home.cycle_weeks)
    if problem:
        return RespiteError(problem, "week" if "Uken" in problem else "nights")
    pair = rules.clash([*own, new], home.cycle_weeks)
    if pair is not None:
        other = pair[0] if pair[1] == new else pair[1]
        return RespiteError(f"Oppholdet overlapper et annet opphold i planen: "
                            f"{rules.describe(other)}.", "week")
    gaps = rules.uncovered(new, shifts_of(home.unit), home.cycle_weeks)
    if gaps:
        return RespiteError("Turnusen har ingen vakt på jobb i deler av oppholdet: "
                            f"{', '.join(gaps)}. Flytt oppholdet eller endre turnusen.",
                            "arrive")
    plan_id = RespitePlan.objects.filter(line=line).values_list("pk", flat=True).first()
    others = _period_stays(home, today, exclude_plan=plan_id)
    full = crowded(home, [*others, (line, [*own, new])], today)
    if full:
        return RespiteError(f"Flere gjester enn senger: {', '.join(full[:5])}"
                            f"{' …' if len(full) > 5 else ''}.", "week")
    return None


def _lock(home: RespiteHome) -> None:
    """One plan or rota change per home at a time, so two plans cannot both take the last
    bed and a shift cannot go while a stay that needs it is checked (the rota locks the
    unit too, tildel.housing.services.add_shift)."""
    ProviderUnit.objects.select_for_update().get(pk=home.unit_id)
    RespiteHome.objects.select_for_update().get(pk=home.pk)


def _own(plan: RespitePlan | None) -> list[rules.Stay]:
    if plan is None:
        return []
    return [s.as_rule() for s in plan.stays.order_by("week", "weekday", "arrive")]


@transaction.atomic
def add_stay(line: ServiceLine, stay: rules.Stay, *, version: int, user,
             today: dt.date) -> RespiteStay:
    """Add a stay to the line's plan (made on the first stay); refused with the reason,
    or as stale when the plan changed since ``version`` was read."""
    home = home_of(line, today)
    _lock(home)
    plan = RespitePlan.objects.filter(line=line).first()
    if (plan.version if plan else 0) != version:
        raise RespiteError(STALE)
    refusal = stay_refusal(home, line, _own(plan), stay, today)
    if refusal is not None:
        raise refusal
    if plan is None:
        plan = RespitePlan.objects.create(line=line, home=home)
    created = RespiteStay.objects.create(plan=plan, week=stay.week, weekday=stay.weekday,
                                         arrive=stay.arrive, nights=stay.nights,
                                         leave=stay.leave)
    _bump(plan, user)
    return created


@transaction.atomic
def remove_stay(line: ServiceLine, stay_id: int, *, version: int, user) -> None:
    plan = RespitePlan.objects.filter(line=line).select_related("home").first()
    if plan is None:
        raise RespiteError("Vedtaket har ingen oppholdsplan.")
    _lock(plan.home)
    plan.refresh_from_db()
    if plan.version != version:
        raise RespiteError(STALE)
    deleted, _ = RespiteStay.objects.filter(plan=plan, pk=stay_id).delete()
    if not deleted:
        raise RespiteError("Oppholdet finnes ikke lenger i planen.")
    _bump(plan, user)


def previous_plan(line: ServiceLine) -> RespitePlan | None:
    """The plan of the person's latest earlier respite line at the same unit (the decision
    this one replaced, typically), to copy from."""
    return RespitePlan.objects.filter(
        line__decision__person_id=line.decision.person_id,
        line__provider_unit_id=line.provider_unit_id, line__start__lt=line.start or
        dt.date.max).exclude(line=line).order_by("-line__start", "-pk").first()


@transaction.atomic
def copy_plan(line: ServiceLine, *, user, today: dt.date) -> int:
    """Copy the stays of the previous decision's plan into this line's empty plan, each
    checked as if added by hand; returns the number copied."""
    source = previous_plan(line)
    if source is None:
        raise RespiteError("Det finnes ingen tidligere oppholdsplan å kopiere.")
    home = home_of(line, today)
    _lock(home)
    if RespiteStay.objects.filter(plan__line=line).exists():
        raise RespiteError("Planen har allerede opphold; kopier bare til en tom plan.")
    copied: list[rules.Stay] = []
    for stay in _own(source):
        refusal = stay_refusal(home, line, copied, stay, today)
        if refusal is not None:
            raise RespiteError(f"{rules.describe(stay).capitalize()} kan ikke kopieres: "
                               f"{refusal}")
        copied.append(stay)
    plan, _ = RespitePlan.objects.get_or_create(line=line, defaults={"home": home})
    RespiteStay.objects.bulk_create(
        RespiteStay(plan=plan, week=s.week, weekday=s.weekday, arrive=s.arrive,
                    nights=s.nights, leave=s.leave) for s in copied)
    _bump(plan, user)
    return len(copied)


@transaction.atomic
def save_home(home: RespiteHome, *, beds: int, cycle_weeks: int, cycle_start: dt.date,
              today: dt.date) -> RespiteHome:
    """Change a home's beds or cycle; refused when a running plan would no longer fit
    (a stay past the new cycle or as long as it, stays that now overlap, or more guests
    than the new beds on a date)."""
    _lock(home)
    home = RespiteHome.objects.get(pk=home.pk)
    plans = _period_stays(home, today)
    for _, stays in plans:
        late = [stay for stay in stays if stay.week > cycle_weeks]
        if late:
            raise RespiteError(f"Planene har opphold i uke {late[0].week}; syklusen kan ikke "
                               "bli kortere enn det.", "cycle_weeks")
        problems = [rules.stay_problem(stay, cycle_weeks) for stay in stays]
        if any(problems) or rules.clash(stays, cycle_weeks) is not None:
            raise RespiteError("Med denne syklusen ville opphold i en plan overlappe "
                               "hverandre.", "cycle_weeks")
    home.beds, home.cycle_weeks, home.cycle_start = beds, cycle_weeks, cycle_start
    full = crowded(home, plans, today)
    if full:
        raise RespiteError(f"Planene har flere gjester enn {rules.beds_text(beds)}: "
                           f"{', '.join(full[:5])}.", "beds")
    home.full_clean(validate_unique=False)
    home.save()
    return home


def _bump(plan: RespitePlan, user) -> None:
    plan.version += 1
    plan.changed_by = user
    plan.save(update_fields=["version", "changed_by", "changed_at"])


def decided_per_month(line: ServiceLine) -> float | None:
    """The decided døgn read as per month, when the decision states døgn."""
    if line.extent is None or line.extent_unit != DAYS_UNIT:
        return None
    return float(line.extent)


def upcoming(line: ServiceLine, stays, home: RespiteHome, today: dt.date
             ) -> list[tuple[dt.date, dt.date]]:
    """Arrival and departure of the stays from today (one under way included) through one
    cycle, within the decision's period."""
    first = max(today - dt.timedelta(days=rules.MAX_NIGHTS), line.start or today)
    last = min(today + dt.timedelta(days=home.cycle_weeks * 7), line.end or dt.date.max)
    return sorted(pair for stay in stays for pair in rules.dates_of(
        stay, home.cycle_start, first, last, home.cycle_weeks) if pair[1] >= today)


@dataclass
class Guest:
    """One running respite line of a home and its plan."""

    line: ServiceLine
    stays: list[rules.Stay]
    per_month: float
    decided: float | None
    gaps: list[str] = field(default_factory=list)  # times the rota no longer covers
    upcoming: list[tuple[dt.date, dt.date]] = field(default_factory=list)
    visible: bool = True

    @property
    def over_decided(self) -> bool:
        return self.decided is not None and self.per_month > self.decided + TOLERANCE

    @property
    def under_decided(self) -> bool:
        """The plan gives less than the decision grants (the decision is not fulfilled)."""
        return bool(self.stays) and self.decided is not None and \
            self.per_month < self.decided - TOLERANCE

    @property
    def notes(self) -> list[str]:
        found = [] if self.stays else ["Mangler oppholdsplan"]
        if self.over_decided:
            found.append("Planen gir mer enn vedtatt")
        if self.under_decided:
            found.append("Planen gir mindre enn vedtatt")
        if self.gaps:
            found.append(f"Turnusen dekker ikke: {', '.join(self.gaps)}")
        return found


@dataclass
class HomeOverview:
    home: RespiteHome
    guests: list[Guest]
    nights: list[int]  # guests per night of the cycle (the plans' pattern)
    full: list[str]  # dates with more guests than beds
    current_week: int

    @property
    def weeks(self) -> list[tuple[int, list[tuple[int, bool]]]]:
        """Per week of the cycle: each night's guests, and whether they exceed the beds."""
        return [(w + 1, [(n, n > self.home.beds) for n in self.nights[w * 7:(w + 1) * 7]])
                for w in range(self.home.cycle_weeks)]

    @property
    def nights_used(self) -> int:
        return sum(self.nights)

    @property
    def hidden(self) -> int:
        return sum(1 for g in self.guests if not g.visible)


def overviews(homes, today: dt.date, visible_persons=None) -> list[HomeOverview]:
    """For each home: guests per night of the cycle against beds, each guest's plan against
    the decision and the rota, and the stays of the coming cycle. A fixed number of
    queries whatever the number of homes and guests; ``visible_persons`` (a queryset)
    marks the guests the reader may see named."""
    homes = list(homes)
    lines = running_lines([h.pk for h in homes], today).select_related(
        "decision__person", "service_version").order_by(
        "decision__person__family_name", "decision__person__given_name", "pk")
    if visible_persons is not None:
        lines = lines.annotate(visible=Exists(visible_persons.filter(
            pk=OuterRef("decision__person_id"))))
    lines = list(lines)
    stays: dict[int, list[rules.Stay]] = {}
    for stay in RespiteStay.objects.filter(plan__line__in=[line.pk for line in lines]).values(
            "plan__line_id", "week", "weekday", "arrive", "nights", "leave").order_by(
            "plan__line_id", "week", "weekday", "arrive"):
        stays.setdefault(stay.pop("plan__line_id"), []).append(rules.Stay(**stay))
    shifts: dict[int, list[Shift]] = {}
    for shift in RotaShift.objects.filter(unit__in=[h.unit_id for h in homes]):
        shifts.setdefault(shift.unit_id, []).append(
            shift.as_rule())
    result = []
    for home in homes:
        own_lines = [line for line in lines if line.provider_unit_id == home.unit_id]
        guests = []
        for line in own_lines:
            own = stays.get(line.pk, [])
            guests.append(Guest(
                line=line, stays=own, per_month=rules.nights_per_month(own, home.cycle_weeks),
                decided=decided_per_month(line),
                gaps=[gap for stay in own for gap in rules.uncovered(
                    stay, shifts.get(home.unit_id, []), home.cycle_weeks)],
                upcoming=upcoming(line, own, home, today),
                visible=getattr(line, "visible", True)))
        plans = [(g.line, g.stays) for g in guests if g.stays]
        nights = rules.guests_per_night([stays for _, stays in plans], home.cycle_weeks)
        result.append(HomeOverview(
            home=home, guests=guests, nights=nights, full=crowded(home, plans, today),
            current_week=rules.week_of_cycle(today, home.cycle_start, home.cycle_weeks)))
    return result


def uncovered_guests(unit: ProviderUnit, today: dt.date) -> int:
    """How many running plans at the unit's respite home have stays the rota no longer
    covers (after a shift is removed)."""
    home = RespiteHome.objects.filter(unit=unit).first()
    if home is None:
        return 0
    shifts = shifts_of(unit)
    return sum(1 for _, stays in _period_stays(home, today)
               if any(rules.uncovered(stay, shifts, home.cycle_weeks) for stay in stays))
