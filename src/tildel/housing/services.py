"""Housing and habilitation: the rota, the capacity check before a decision, and the
monthly overview per house (users, decided hours, rostered hours, cost against budget)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Q, Sum

from tildel.casework.models import Decision, ServiceLine
from tildel.financing import services as financing
from tildel.financing.models import AccountEntry, FinancingModel
from tildel.insight.models import UnitStaffing
from tildel.organisation.models import ProviderKind, ProviderUnit
from tildel.rules import housing as rules
from tildel.rules.hours import weekly_hours
from tildel.rules.indicators.periods import month_end

from .models import RotaShift


class RotaError(ValueError):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def shifts_of(unit) -> list[rules.Shift]:
    return [s.as_rule() for s in RotaShift.objects.filter(unit=unit)]


@transaction.atomic
def add_shift(unit: ProviderUnit, *, position: str, weekday: int, start: dt.time,
              end: dt.time) -> RotaShift:
    """Add a shift; refused if it overlaps another shift of the same position."""
    if start == end:
        raise RotaError("En vakt kan ikke starte og slutte samme klokkeslett.", "end")
    ProviderUnit.objects.select_for_update().get(pk=unit.pk)  # one rota edit at a time
    clash = rules.overlapping(rules.Shift(position, weekday, start, end), shifts_of(unit))
    if clash is not None:
        raise RotaError(rules.overlap_message(clash), "start")
    return RotaShift.objects.create(unit=unit, position=position, weekday=weekday,
                                    start=start, end=end)


def _weekly(line) -> float:
    return weekly_hours(line.extent, line.extent_unit) or 0.0


def decided_weekly(unit_id: int, day: dt.date, exclude_decisions=()) -> float:
    """Hours per week decided for the unit's residents on ``day``."""
    lines = ServiceLine.objects.filter(
        provider_unit_id=unit_id, granted=True, decision__status=Decision.Status.DECIDED,
        start__lte=day).filter(Q(end__isnull=True) | Q(end__gte=day)).exclude(
        decision_id__in=exclude_decisions).only("extent", "extent_unit")
    return sum(_weekly(line) for line in lines)


@dataclass(frozen=True)
class UnitCheck:
    unit: ProviderUnit
    check: rules.CapacityCheck


def capacity_checks(decision: Decision) -> list[UnitCheck]:
    """For each housing-and-habilitation unit with a rota that the decision's granted lines
    go to: its normed capacity, what is decided, and what the decision adds (less the lines
    of the decision it replaces)."""
    lines = [line for line in decision.lines.select_related("provider_unit")
             if line.granted and line.provider_unit_id and line.provider_unit.kind
             == ProviderKind.HOUSING_HABILITATION]
    if not lines:
        return []
    result = []
    by_unit: dict[int, list] = defaultdict(list)
    for line in lines:
        by_unit[line.provider_unit_id].append(line)
    for unit_id, unit_lines in by_unit.items():
        shifts = shifts_of(unit_id)
        if not shifts:
            continue  # no rota entered: no normed capacity to check against
        starts = [line.start for line in unit_lines if line.start]
        day = min(starts) if starts else decision.valid_from or dt.date.today()
        # What is decided today includes the decision this one replaces; what this one
        # adds is its hours less the replaced decision's hours running that day.
        replaced = 0.0
        if decision.replaces_id:
            replaced = sum(_weekly(line) for line in ServiceLine.objects.filter(
                decision_id=decision.replaces_id, provider_unit_id=unit_id, granted=True,
                start__lte=day).filter(Q(end__isnull=True) | Q(end__gte=day)))
        added = sum(_weekly(line) for line in unit_lines) - replaced
        result.append(UnitCheck(unit_lines[0].provider_unit, rules.CapacityCheck(
            rules.weekly_hours(shifts), decided_weekly(unit_id, day, [decision.pk]), added)))
    return result


def over_capacity(decision: Decision) -> list[UnitCheck]:
    return [c for c in capacity_checks(decision) if c.check.exceeds]


@dataclass(frozen=True)
class HouseMonth:
    """One house in one month (report 001: users, decided hours, rostered hours, cost)."""

    unit: ProviderUnit
    users: int
    decided: float  # hours in the month
    rostered: float | None  # hours in the month (the rota, else imported staffing)
    rostered_source: str
    cost: Decimal | None  # accounts for the month
    budget: Decimal | None  # the month's share of the year's latest budget

    @property
    def decided_share(self) -> float | None:
        return self.decided / self.rostered if self.rostered else None

    @property
    def cost_share(self) -> float | None:
        return float(self.cost / self.budget) if self.cost is not None and self.budget else None


def month_overview(municipality, first: dt.date, units=None) -> list[HouseMonth]:
    """Every housing-and-habilitation unit (or ``units``) for the month of ``first``."""
    last = month_end(first)
    houses = list(ProviderUnit.objects.filter(
        municipality=municipality, kind=ProviderKind.HOUSING_HABILITATION).order_by("name")
        if units is None else units)
    ids = [u.pk for u in houses]
    lines: dict[int, list] = defaultdict(list)
    persons: dict[int, set] = defaultdict(set)
    for unit, person, extent, extent_unit, start, end in ServiceLine.objects.filter(
            provider_unit_id__in=ids, granted=True, decision__status=Decision.Status.DECIDED,
            start__lte=last).filter(Q(end__isnull=True) | Q(end__gte=first)).values_list(
            "provider_unit_id", "decision__person_id", "extent", "extent_unit", "start", "end"):
        lines[unit].append(rules.DecidedLine(weekly_hours(extent, extent_unit) or 0.0, start,
                                             end))
        persons[unit].add(person)
    staffing = dict(UnitStaffing.objects.filter(provider_unit_id__in=ids, month=first)
                    .values_list("provider_unit_id", "rostered_hours"))
    rota: dict[int, list] = defaultdict(list)
    for shift in RotaShift.objects.filter(unit_id__in=ids):
        rota[shift.unit_id].append(shift.as_rule())
    costs = dict(AccountEntry.objects.filter(provider_unit_id__in=ids, month=first).values(
        "provider_unit_id").annotate(total=Sum("amount")).values_list("provider_unit_id",
                                                                      "total"))
    # The month's share of the year's budget, as on Budsjett og regnskap (financing.md):
    # the level model's where it covers the house, else a frame (ramme), as houses are
    # often financed.
    budgets: dict[int, Decimal] = {}
    for model in (FinancingModel.LEVELS, FinancingModel.FRAME):
        stored = financing.latest(municipality, model, first.year)
        if stored is not None:
            for unit, total in stored.units.filter(provider_unit_id__in=ids).values_list(
                    "provider_unit_id", "total"):
                budgets.setdefault(unit, total / 12)
    days = (last - first).days + 1
    result = []
    for unit in houses:
        if rota[unit.pk]:
            rostered, source = rules.weekly_hours(rota[unit.pk]) * days / 7, "turnus"
        elif unit.pk in staffing:
            rostered, source = float(staffing[unit.pk]), "bemanning"
        else:
            rostered, source = None, ""
        result.append(HouseMonth(unit, len(persons[unit.pk]),
                                 rules.hours_in(lines[unit.pk], first, last), rostered, source,
                                 costs.get(unit.pk), budgets.get(unit.pk)))
    return result


@dataclass(frozen=True)
class BpaRow:
    line: ServiceLine
    weekly: float
    arrangement: object | None  # BpaArrangement
    problems: list[str]


def bpa_rows(persons, today: dt.date) -> list[BpaRow]:
    """The granted BPA lines running today for ``persons``, with their follow-up and what
    is missing (report 001 l.1504-1533), in two queries."""
    from .models import BpaArrangement

    lines = list(ServiceLine.objects.active_on(today).filter(
        granted=True, decision__status=Decision.Status.DECIDED,
        service_version__service__code="bpa", decision__person__in=persons).select_related(
        "decision__person", "provider_unit").order_by("decision__person__family_name", "pk"))
    found = {b.line_id: b for b in BpaArrangement.objects.filter(line__in=lines)}
    rows = []
    for line in lines:
        bpa = found.get(line.pk)
        problems = rules.bpa_problems(bpa.contract_from if bpa else None,
                                      bpa.contract_to if bpa else None,
                                      bpa.last_inspection if bpa else None, today)
        rows.append(BpaRow(line, _weekly(line), bpa, problems))
    return rows


@transaction.atomic
def save_bpa(line: ServiceLine, *, version: int, **values):
    """Register or change a BPA arrangement; a stale form is refused."""
    from .models import BpaArrangement

    current = BpaArrangement.objects.select_for_update().filter(line=line).first()
    if (current.version if current else 0) != version:
        raise RotaError("Ordningen ble endret av en annen etter at du åpnet den. Åpne den på "
                        "nytt.")
    if current is None:
        return BpaArrangement.objects.create(line=line, version=1, **values)
    for name, value in values.items():
        setattr(current, name, value)
    current.version += 1
    current.save()
    return current
