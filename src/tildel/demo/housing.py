"""Demo staffed houses (bo og habilitering, report 001) with residents, decisions, a rota
and monthly accounts. The houses are made before the application history, so their
decisions get cases like every other; the accounts after the financing demo.

Three houses with six residents each (more for the city): each resident has a decision on
a home in the house (code 29) and training in daily tasks from its staff (15-45 hours a
week). The rota of the first house is about 13 % below what is decided for its residents
(report 001: 13-23 % overspending, decided hours above the normed capacity, l.684-688);
the others are within it. Accounts per month follow the rostered hours at an example
hourly cost.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from tildel.casework.models import Decision, ServiceLine
from tildel.catalogue.models import Service
from tildel.financing import services as financing
from tildel.financing.models import AccountEntry, FinancingModel, KostraFunction
from tildel.housing.models import RotaShift
from tildel.organisation.models import AllocationOffice, ProviderKind, ProviderUnit
from tildel.people.models import Person
from tildel.rules import housing as rules
from tildel.rules.financing.frame import frame_budget

HOUSES = (("Furulia bofellesskap (demo)", 0.88), ("Strandveien bolig (demo)", 1.02),
          ("Løkkeveien bofellesskap (demo)", 1.08))  # rostered ÷ decided
HOURLY_COST = Decimal(720)  # example cost of one rostered hour, kr


def build_housing(municipality, as_of: dt.date, seed: int, recipients: int) -> int:
    """Add the houses; returns the number of residents."""
    rng = random.Random(seed * 89 + 5)
    per_house = 6 if recipients < 10000 else 18
    taken = set(ServiceLine.objects.filter(provider_unit__kind=ProviderKind.HOUSING_HABILITATION)
                .values_list("decision__person_id", flat=True))
    adults = [p for p in Person.objects.filter(
        municipality=municipality, birth_date__gt=as_of - dt.timedelta(days=365 * 60),
        birth_date__lte=as_of - dt.timedelta(days=365 * 20)).select_related(
        "district").order_by("id") if p.pk not in taken]
    if len(adults) < per_house * len(HOUSES):
        return 0
    rng.shuffle(adults)
    offices = dict(AllocationOffice.districts.through.objects.filter(
        district__municipality=municipality).values_list("district_id", "allocationoffice_id"))
    home = Service.objects.get(code="bolig").version_on(as_of)
    training = Service.objects.get(code="praktisk-bistand-opplaering").version_on(as_of)
    residents = 0
    for index, (name, ratio) in enumerate(HOUSES):
        house = ProviderUnit.objects.create(municipality=municipality, name=name,
                                            kind=ProviderKind.HOUSING_HABILITATION)
        chosen = adults[index * per_house:(index + 1) * per_house]
        decisions = Decision.objects.bulk_create(
            Decision(person=p, allocation_office_id=offices.get(p.district_id),
                     status=Decision.Status.DECIDED,
                     decided_on=as_of - dt.timedelta(days=rng.randint(60, 900)),
                     reasons="Syntetisk demovedtak (bo og habilitering).") for p in chosen)
        lines, weekly = [], 0
        for decision in decisions:
            hours = rng.randint(15, 45)
            weekly += hours
            start = decision.decided_on + dt.timedelta(days=7)
            lines += [ServiceLine(decision=decision, service_version=home, provider_unit=house,
                                  extent_unit=home.extent_unit, start=start),
                      ServiceLine(decision=decision, service_version=training,
                                  provider_unit=house, extent=Decimal(hours),
                                  extent_unit=training.extent_unit, start=start)]
        ServiceLine.objects.bulk_create(lines)
        shifts = _rota(weekly * ratio)
        RotaShift.objects.bulk_create(RotaShift(unit=house, position=s.position,
                                                weekday=s.weekday, start=s.start, end=s.end)
                                      for s in shifts)
        residents += len(chosen)
    return residents


def build_house_accounts(municipality, as_of: dt.date, seed: int) -> None:
    """Monthly accounts of the demo houses that the financing demo left without."""
    rng = random.Random(seed * 97 + 1)
    frames = {}
    for name, _ in HOUSES:
        house = ProviderUnit.objects.filter(municipality=municipality, name=name).first()
        if house is None:
            continue
        shifts = [s.as_rule() for s in RotaShift.objects.filter(unit=house)]
        weekly = rules.weekly_hours(shifts)
        # The year's frame is the rota's cost: what the house is normed to spend.
        frames[name] = (Decimal(weekly) * Decimal("52.18") * HOURLY_COST).quantize(Decimal(1))
        if not AccountEntry.objects.filter(provider_unit=house).exists():
            _accounts(house, weekly, as_of, rng)
    if frames and financing.latest(municipality, FinancingModel.FRAME, as_of.year) is None:
        financing.store(municipality, frame_budget(as_of.year, fixed=frames))


def _rota(target_weekly: float) -> list[rules.Shift]:
    """A night watch every night, then 7.5-hour day and evening shifts, a position at a
    time, a day at a time, as long as the target is not passed."""
    shifts = [rules.Shift("Nattvakt", day, dt.time(22, 30), dt.time(7, 30)) for day in range(7)]
    for slot in range(1000):
        if rules.weekly_hours(shifts) + 7.5 > target_weekly:
            break
        position, day = divmod(slot, 7)
        start = dt.time(7, 30) if position % 2 == 0 else dt.time(15, 0)
        end = dt.time(15, 0) if position % 2 == 0 else dt.time(22, 30)
        shifts.append(rules.Shift(f"Miljøarbeider {position + 1}", day, start, end))
    return shifts


def _accounts(house, weekly: float, as_of: dt.date, rng) -> None:
    month, rows = as_of.replace(month=1, day=1), []
    while month < as_of.replace(day=1):
        following = (month + dt.timedelta(days=32)).replace(day=1)
        days = (following - month).days
        cost = Decimal(weekly * days / 7) * HOURLY_COST * Decimal(str(rng.uniform(0.97, 1.1)))
        rows.append(AccountEntry(provider_unit=house, month=month,
                                 kostra_function=KostraFunction.HOME,
                                 amount=cost.quantize(Decimal(1)), file_name="demo"))
        month = following
    AccountEntry.objects.bulk_create(rows)


def build_bpa(municipality, as_of: dt.date, seed: int) -> int:
    """BPA arrangements for most running BPA decisions: municipal or a private provider,
    a work supervisor, a contract and the last inspection; some with the contract missing,
    expired or the inspection overdue, as the BPA page is meant to find (report 001
    l.1504-1533)."""
    from tildel.housing.models import BpaArrangement

    rng = random.Random(seed * 53 + 7)
    lines = list(ServiceLine.objects.active_on(as_of).filter(
        decision__person__municipality=municipality, granted=True,
        decision__status=Decision.Status.DECIDED, service_version__service__code="bpa",
        bpa__isnull=True).select_related("decision__person").order_by("pk"))
    made = []
    for line in lines:
        roll = rng.random()
        if roll < 0.1:
            continue  # no arrangement registered: "Mangler avtale"
        private = rng.random() < 0.4
        contract_from = line.start
        contract_to = None
        if roll > 0.9:
            contract_to = max(contract_from,  # expired
                              as_of - dt.timedelta(days=rng.randint(5, 60)))
        last = as_of - dt.timedelta(days=rng.randint(20, 500))
        made.append(BpaArrangement(
            line=line, provider=BpaArrangement.Provider.PRIVATE if private
            else BpaArrangement.Provider.MUNICIPAL,
            provider_name="Assistanse Nord AS (demo)" if private else "",
            work_supervisor=f"{line.decision.person.given_name} selv" if rng.random() < 0.6
            else "Pårørende (demo)", contract_from=contract_from, contract_to=contract_to,
            last_inspection=last if last >= contract_from else None))
    BpaArrangement.objects.bulk_create(made)
    return len(made)
