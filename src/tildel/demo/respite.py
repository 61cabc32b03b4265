"""Demo respite home (avlastningsbolig): the respite unit gets beds, a 12-week cycle, a
weekend rota (Thursday afternoon to Monday morning, as many respite homes run) and a
rotating stay plan for each running respite decision, placed where the rota and the beds
allow (report 001 l.1459-1461). One guest is left without a plan, so the overview shows
what a missing plan looks like."""

from __future__ import annotations

import datetime as dt

from tildel.casework.models import Decision, ServiceLine
from tildel.housing.models import RespiteHome, RespitePlan, RespiteStay, RotaShift
from tildel.organisation.models import ProviderKind, ProviderUnit
from tildel.rules import respite as rules
from tildel.rules.housing import Shift

#: Arrive Friday 15:00, home Sunday 18:00 (two nights), or Thursday 16:00 to Monday 09:00.
WEEKEND = (4, dt.time(15, 0), 2, dt.time(18, 0))
LONG_WEEKEND = (3, dt.time(16, 0), 4, dt.time(9, 0))


def _weekend_rota() -> list[Shift]:
    """Day, evening and waking-night shifts from Thursday 15:00 to Monday 10:00."""
    shifts = [Shift("Miljøarbeider kveld", 3, dt.time(15, 0), dt.time(22, 30))]
    for day in (3, 4, 5, 6):  # nights Thursday to Sunday
        shifts.append(Shift("Våken natt", day, dt.time(22, 0), dt.time(8, 0)))
    for day in (4, 5, 6):
        shifts += [Shift("Miljøarbeider dag", day, dt.time(7, 30), dt.time(15, 30)),
                   Shift("Miljøarbeider kveld", day, dt.time(15, 0), dt.time(22, 30))]
    shifts.append(Shift("Miljøarbeider dag", 0, dt.time(7, 30), dt.time(10, 0)))
    return shifts


def build_respite(municipality, as_of: dt.date, recipients: int) -> int:
    """Make the respite home and its plans; returns the number of stays planned."""
    unit = ProviderUnit.objects.filter(municipality=municipality,
                                       kind=ProviderKind.RESPITE).order_by("pk").first()
    if unit is None or RespiteHome.objects.filter(unit=unit).exists():
        return 0
    monday = as_of - dt.timedelta(days=as_of.weekday())
    home = RespiteHome.objects.create(unit=unit, beds=max(4, round(4 * recipients / 3000)),
                                      cycle_weeks=rules.CYCLE_WEEKS,
                                      cycle_start=monday - dt.timedelta(weeks=5))
    shifts = _weekend_rota()
    if not RotaShift.objects.filter(unit=unit).exists():
        RotaShift.objects.bulk_create(RotaShift(unit=unit, position=s.position,
                                                weekday=s.weekday, start=s.start, end=s.end)
                                      for s in shifts)
    lines = list(ServiceLine.objects.filter(
        provider_unit=unit, granted=True, decision__status=Decision.Status.DECIDED,
        service_version__service__code="avlastning-institusjon", start__lte=as_of).exclude(
        end__lt=as_of).order_by("pk"))
    placed: list[list[rules.Stay]] = []
    made = []
    for index, line in enumerate(lines[:-1] if len(lines) > 1 else lines):
        wanted = max(2, round(float(line.extent or 4) * rules.CYCLE_WEEKS * 7
                              / rules.DAYS_PER_MONTH))
        weekday, arrive, nights, leave = LONG_WEEKEND if wanted >= 16 else WEEKEND
        stays: list[rules.Stay] = []
        for step in range(rules.CYCLE_WEEKS):
            if rules.nights_per_cycle(stays) + nights > wanted:
                break
            stay = rules.Stay((index + step * 5) % rules.CYCLE_WEEKS + 1, weekday, arrive,
                              nights, leave)
            guests = rules.guests_per_night([*placed, [*stays, stay]])
            if (rules.over_beds(guests, home.beds) or rules.uncovered(stay, shifts)
                    or rules.clash([*stays, stay]) is not None):
                continue
            stays.append(stay)
        if not stays:
            continue
        plan = RespitePlan.objects.create(line=line, home=home)
        made += [RespiteStay(plan=plan, week=s.week, weekday=s.weekday, arrive=s.arrive,
                             nights=s.nights, leave=s.leave) for s in stays]
        placed.append(stays)
    RespiteStay.objects.bulk_create(made)
    return len(made)
