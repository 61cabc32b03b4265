"""Avlastning: rotating stay plans (oppholdsplaner) of respite decisions, matched to the
respite home's rota and beds (report 001 l.1459-1461). Rules in ``tildel.rules.respite``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q

from tildel.casework.models import Decision, ServiceLine
from tildel.rules import respite as rules

from .models import RespiteHome, RespitePlan, RespiteStay
from .services import RotaError, shifts_of

#: Nights per month a plan may differ from the decision before it is flagged (a 12-week
#: cycle cannot hit every monthly figure exactly: one night more or less is 0.36 a month).
TOLERANCE = 0.5
#: The service a stay plan belongs to.
RESPITE_CODE = "avlastning-institusjon"


class RespiteError(RotaError):
    """A stay that cannot be planned; ``field`` names the form field when there is one."""


def running_lines(home: RespiteHome, today: dt.date):
    """The home's granted respite lines that have not ended."""
    return ServiceLine.objects.filter(
        provider_unit_id=home.unit_id, granted=True,
        decision__status=Decision.Status.DECIDED,
        service_version__service__code=RESPITE_CODE).filter(
        Q(end__isnull=True) | Q(end__gte=today))


def _stays_by_plan(home: RespiteHome, today: dt.date) -> dict[int, list[rules.Stay]]:
    """The stays of every running plan of the home, by plan id."""
    stays: dict[int, list[rules.Stay]] = {}
    for stay in RespiteStay.objects.filter(plan__home=home, plan__line__in=running_lines(
            home, today)).order_by("plan_id", "week", "weekday", "arrive"):
        stays.setdefault(stay.plan_id, []).append(stay.as_rule())
    return stays


def plan_for(line: ServiceLine) -> RespitePlan:
    """The line's stay plan, made on first use; refused when the line is not respite at a
    home with beds and a cycle."""
    if line.service_version.service.code != RESPITE_CODE or not line.granted:
        raise RespiteError("Oppholdsplan gjelder innvilget avlastning i institusjon.")
    try:
        home = line.provider_unit.respite_home
    except (AttributeError, RespiteHome.DoesNotExist):
        raise RespiteError("Enheten i vedtaket er ikke registrert som avlastningsbolig med "
                           "senger og syklus.") from None
    plan, _ = RespitePlan.objects.get_or_create(line=line, defaults={"home": home})
    return plan


def _locked(plan: RespitePlan, version: int) -> RespitePlan:
    """The home locked (one plan change per home at a time, so two plans cannot both take
    the last bed) and the plan re-read; refused when it changed since the form was
    opened."""
    RespiteHome.objects.select_for_update().get(pk=plan.home_id)
    current = RespitePlan.objects.select_related("home").get(pk=plan.pk)
    if current.version != version:
        raise RespiteError("Oppholdsplanen er endret av en annen siden du åpnet den. "
                           "Last siden på nytt og prøv igjen.")
    return current


def stay_refusal(home: RespiteHome, plan_id: int, new: rules.Stay,
                 today: dt.date) -> RespiteError | None:
    """Why ``new`` cannot join plan ``plan_id``: outside the cycle, overlapping the plan's
    own stays, outside the rota, or more guests than beds."""
    problem = rules.stay_problem(new, home.cycle_weeks)
    if problem:
        return RespiteError(problem, "week" if "Uken" in problem else "nights")
    stays = _stays_by_plan(home, today)
    own = stays.get(plan_id, [])
    pair = rules.clash([*own, new], home.cycle_weeks)
    if pair is not None:
        other = pair[0] if pair[1] == new else pair[1]
        return RespiteError(f"Oppholdet overlapper et annet opphold i planen: "
                            f"{rules.describe(other)}.", "week")
    gaps = rules.uncovered(new, shifts_of(home.unit))
    if gaps:
        return RespiteError("Ingen vakt i turnusen er på jobb hele oppholdet. Uten "
                            f"bemanning: {', '.join(gaps)}. Flytt oppholdet eller endre "
                            "turnusen.", "arrive")
    guests = rules.guests_per_night([*stays.values(), [new]], home.cycle_weeks)
    full = rules.over_beds(guests, home.beds)
    if full:
        return RespiteError(f"Flere gjester enn senger: {', '.join(full)}.", "week")
    return None


@transaction.atomic
def add_stay(plan: RespitePlan, stay: rules.Stay, *, version: int, user,
             today: dt.date) -> RespiteStay:
    current = _locked(plan, version)
    refusal = stay_refusal(current.home, current.pk, stay, today)
    if refusal is not None:
        raise refusal
    created = RespiteStay.objects.create(plan=current, week=stay.week, weekday=stay.weekday,
                                         arrive=stay.arrive, nights=stay.nights,
                                         leave=stay.leave)
    _bump(current, user)
    return created


@transaction.atomic
def remove_stay(plan: RespitePlan, stay_id: int, *, version: int, user) -> None:
    current = _locked(plan, version)
    deleted, _ = RespiteStay.objects.filter(plan=current, pk=stay_id).delete()
    if not deleted:
        raise RespiteError("Oppholdet finnes ikke lenger i planen.")
    _bump(current, user)


@transaction.atomic
def save_home(home: RespiteHome, *, beds: int, cycle_weeks: int, cycle_start: dt.date,
              today: dt.date) -> RespiteHome:
    """Change a home's beds or cycle; refused when a running plan would no longer fit
    (a stay in a week past the new cycle, or more guests than the new beds)."""
    home = RespiteHome.objects.select_for_update().get(pk=home.pk)
    stays = _stays_by_plan(home, today)
    late = [stay for own in stays.values() for stay in own if stay.week > cycle_weeks]
    if late:
        raise RespiteError(f"Planene har opphold i uke {max(s.week for s in late)}; "
                           f"syklusen kan ikke bli kortere enn det.", "cycle_weeks")
    full = rules.over_beds(rules.guests_per_night(stays.values(), cycle_weeks), beds)
    if full:
        raise RespiteError(f"Planene har flere gjester enn {beds} senger: "
                           f"{', '.join(full[:5])}.", "beds")
    home.beds, home.cycle_weeks, home.cycle_start = beds, cycle_weeks, cycle_start
    home.full_clean()
    home.save()
    return home


def _bump(plan: RespitePlan, user) -> None:
    plan.version += 1
    plan.changed_by = user
    plan.save(update_fields=["version", "changed_by", "changed_at"])


@dataclass
class Guest:
    """One running respite line of a home and its plan."""

    line: ServiceLine
    stays: list[rules.Stay]
    per_month: float
    decided: float | None
    gaps: list[str] = field(default_factory=list)  # times the rota no longer covers
    upcoming: list[tuple[dt.date, dt.date]] = field(default_factory=list)

    @property
    def over_decided(self) -> bool:
        return self.decided is not None and self.per_month > self.decided + TOLERANCE

    @property
    def under_decided(self) -> bool:
        """The plan gives less than the decision grants (the decision is not fulfilled)."""
        return bool(self.stays) and self.decided is not None and \
            self.per_month < self.decided - TOLERANCE


@dataclass
class HomeOverview:
    home: RespiteHome
    guests: list[Guest]
    nights: list[int]  # guests per night of the cycle
    full: list[str]  # nights with more guests than beds
    current_week: int

    @property
    def weeks(self) -> list[tuple[int, list[tuple[int, bool]]]]:
        """Per week of the cycle: each night's guests, and whether they exceed the beds."""
        return [(w + 1, [(n, n > self.home.beds) for n in self.nights[w * 7:(w + 1) * 7]])
                for w in range(self.home.cycle_weeks)]

    @property
    def nights_used(self) -> int:
        return sum(self.nights)


def home_overview(home: RespiteHome, today: dt.date, horizon_days: int = 28) -> HomeOverview:
    """Guests per night of the cycle against beds, each guest's plan against the decision
    and the rota, and the stays of the coming weeks (a fixed number of queries)."""
    lines = list(running_lines(home, today).select_related(
        "decision__person", "service_version").order_by(
        "decision__person__family_name", "decision__person__given_name", "pk"))
    plans = {p.line_id: p.pk for p in RespitePlan.objects.filter(line__in=lines)}
    stays = _stays_by_plan(home, today)
    shifts = shifts_of(home.unit)
    last = today + dt.timedelta(days=horizon_days)
    guests = []
    for line in lines:
        own = stays.get(plans.get(line.pk), [])
        upcoming = sorted(pair for stay in own for pair in rules.dates_of(
            stay, home.cycle_start, today, last, home.cycle_weeks))
        guests.append(Guest(
            line=line, stays=own, per_month=rules.nights_per_month(own, home.cycle_weeks),
            decided=float(line.extent) if line.extent is not None else None,
            gaps=[gap for stay in own for gap in rules.uncovered(stay, shifts)],
            upcoming=upcoming))
    nights = rules.guests_per_night(stays.values(), home.cycle_weeks)
    return HomeOverview(home=home, guests=guests, nights=nights,
                        full=rules.over_beds(nights, home.beds),
                        current_week=rules.week_of_cycle(today, home.cycle_start,
                                                         home.cycle_weeks))
