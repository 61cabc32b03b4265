"""Budgets from the decisions in Tildel: decided hours per month, stays and pauses, stored
versions and the tertial review (report 000 L1951-1963, L2071-2075)."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.management import call_command

from tildel.casework.models import ServicePause
from tildel.financing import data, services
from tildel.financing.models import Budget
from tildel.rules.financing.level_model import FOCUS_PART, USER_PART

YEAR = 2025
LONG_AGO = dt.date(2024, 6, 1)


@pytest.fixture
def city(world):
    """East: a base user (12 h), a level-1 user (20 h); west: a focus user (130 h)."""
    w = world
    w.base = w.grant(w.person(), w.east_unit, hours=D(12), start=LONG_AGO)
    w.level1 = w.grant(w.person(), w.east_unit, hours=D(20), start=LONG_AGO)
    w.focus = w.grant(w.person(w.west), w.west_unit, hours=D(130), start=LONG_AGO)
    return w


def test_decided_hours_per_month_are_prorated_and_weekly_hours_times_four(city):
    w = city
    late = w.grant(w.person(), w.east_unit, hours=D(31), start=dt.date(YEAR, 3, 17))
    practical = w.grant(late.decision.person, w.east_unit, code="praktisk-bistand",
                        hours=D(2), start=LONG_AGO)
    assert practical.extent_unit == "hours_week"
    hours = {u.person: u.hours for u in data.user_years(w.municipality, YEAR)}
    person = str(late.decision.person_id)
    assert hours[person][1] == 8  # February: 2 h/week × 4 (IPLOS)
    assert hours[person][2] == 8 + D(31) * 15 / 31  # March: from the 17th
    assert hours[person][3] == 8 + 31


def test_stays_and_pauses_set_the_month_flags_when_they_cover_half_of_it(city):
    w = city
    ServicePause.objects.create(line=w.focus, reason=ServicePause.Reason.HOSPITAL,
                                start=dt.date(YEAR, 2, 1), end=dt.date(YEAR, 2, 20))
    ServicePause.objects.create(line=w.focus, reason=ServicePause.Reason.PAUSED,
                                start=dt.date(YEAR, 3, 1), end=dt.date(YEAR, 3, 10))
    ServicePause.objects.create(line=w.focus, reason=ServicePause.Reason.PAUSED,
                                start=dt.date(YEAR, 4, 1), end=dt.date(YEAR, 4, 30))
    user = next(u for u in data.user_years(w.municipality, YEAR)
                if u.person == str(w.focus.decision.person_id))
    assert user.in_stay == {1}  # February (index 1)
    assert 2 not in user.paused  # ten days is less than half of March
    assert user.paused == {3}  # April
    budget = services.compute(w.municipality, "levels", YEAR)
    west = budget.units[w.west_unit.name]
    # Focus all year; February's stay zeroes the excess, April's pause stops all focus
    # financing: excess (130 − 90) × 799 in the ten other months.
    assert west.parts[FOCUS_PART] == 10 * 40 * 799
    assert west.parts[USER_PART] == 90 * 799 * 12 - 90 * 799


def test_budget_command_stores_versions_and_the_review_says_why(city, capsys):
    w = city
    call_command("budget", "levels", "--year", str(YEAR))
    first = Budget.objects.get(version=1)
    east = first.units.get(provider_unit=w.east_unit)
    assert east.users["Grunnfinansiering"] == 1 and east.users["Nivå 1"] == 1
    assert east.parts[USER_PART] == "321773.28"  # 34 133,28 + 287 640 (L2067-2069)
    # In April the level-1 user's hours fall to 15 h: at the tertial review she is base.
    w.level1.end = dt.date(YEAR, 3, 31)
    w.level1.save()
    w.grant(w.level1.decision.person, w.east_unit, hours=D(15), start=dt.date(YEAR, 4, 1))
    call_command("budget", "levels", "--year", str(YEAR), "--tertial", "2")
    out = capsys.readouterr().out
    second = Budget.objects.get(version=2)
    assert second.tertial == 2
    east = second.units.get(provider_unit=w.east_unit)
    assert east.previous_total == first.units.get(provider_unit=w.east_unit).total
    assert east.total == east.previous_total  # volume fell: no deduction (L2145-2147)
    assert any("fra nivå 1 til grunnfinansiering" in r for r in east.reasons)
    assert "fra nivå 1 til grunnfinansiering" in out
    assert Budget.objects.count() == 2  # the first version is kept


def test_abi_from_documented_visit_time(city):
    from django.utils import timezone

    from tildel.delivery.models import Visit

    w = city
    start = timezone.make_aware(dt.datetime(YEAR, 5, 5, 8, 0))
    Visit.objects.create(provider_unit=w.east_unit, person=w.base.decision.person,
                         start=start, end=start + dt.timedelta(minutes=25), staff_role="HJP")
    budget = services.compute(w.municipality, "abi", YEAR, price=D(600))
    assert budget.units[w.east_unit.name].total == D(25) / 60 * 600


def test_unknown_year_without_decisions_gives_an_empty_budget_not_an_error(city):
    budget = services.compute(city.municipality, "levels", 1999)
    assert budget.units == {}


def test_fixed_price_per_service_from_the_decisions(city):
    """Report 004: some municipalities pay a price per service hour."""
    w = city
    budget = services.compute(w.municipality, "price", YEAR, price=D(500))
    east = budget.units[w.east_unit.name]
    assert east.total == (12 + 20) * 12 * 500  # hours per month × 12 months × price
    assert "(hjemmesykepleie): 384 t × 500 kr = 192 000,00 kr" in east.lines[0]
