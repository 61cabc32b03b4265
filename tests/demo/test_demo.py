"""The demo municipality: deterministic, synthetic, calibrated, and careful with data."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tildel.accounts.models import AccessLogEntry
from tildel.casework.models import ServiceLine
from tildel.demo.calibration import LEVEL_SHARES_2021
from tildel.demo.generator import DatabaseNotEmpty, generate
from tildel.people.models import Person
from tildel.rules import identity
from tildel.rules.financing.levels import LEVELS_IN_ORDER, classify

AS_OF = dt.date(2026, 11, 23)


def snapshot():
    return list(Person.objects.order_by("id_number").values_list(
        "id_number", "given_name", "family_name", "district__name"))


@pytest.mark.django_db
def test_same_seed_same_municipality_and_reset_replaces_it():
    generate(size="small", seed=5, as_of=AS_OF)
    first = snapshot()
    lines = ServiceLine.objects.count()
    generate(size="small", seed=5, as_of=AS_OF, reset=True)
    assert snapshot() == first
    assert ServiceLine.objects.count() == lines
    generate(size="small", seed=6, as_of=AS_OF, reset=True)
    assert snapshot() != first


@pytest.mark.django_db
def test_non_empty_database_is_refused_and_left_unchanged():
    generate(size="small", seed=5, as_of=AS_OF)
    before = snapshot()
    with pytest.raises(DatabaseNotEmpty):
        generate(size="small", seed=9, as_of=AS_OF)
    with pytest.raises(CommandError, match="--reset"):
        call_command("demo", "--size", "small", "--seed", "9", verbosity=0)
    assert snapshot() == before


@pytest.mark.django_db
def test_reset_also_clears_the_access_log_of_the_old_demo(client):
    result = generate(size="small", seed=5, as_of=AS_OF)
    person = Person.objects.first()
    user = result.logins[0].username
    from tildel.accounts.models import User

    AccessLogEntry.objects.create(user=User.objects.get(username=user), person=person,
                                  what="x", purpose="y", role="caseworker")
    generate(size="small", seed=5, as_of=AS_OF, reset=True)
    assert AccessLogEntry.objects.count() == 0


@pytest.mark.django_db
def test_every_number_is_synthetic_valid_and_unique():
    generate(size="small", seed=5, as_of=AS_OF)
    numbers = list(Person.objects.values_list("id_number", "birth_date"))
    assert len(numbers) == 240
    for number, birth in numbers:
        parsed = identity.parse(number, today=AS_OF)
        assert parsed.synthetic
        assert parsed.birth_date == birth
    assert Person.objects.exclude(phone__startswith="0").count() == 0


@pytest.mark.django_db
def test_demo_logins_cover_every_role():
    result = generate(size="small", seed=5, as_of=AS_OF)
    roles = {login.role for login in result.logins}
    assert roles == {"Saksbehandler", "Leder tildelingskontor", "Leder tjenesteenhet",
                     "Tjenesteyter", "Ledelse", "Analytiker", "Systemadministrator"}


@pytest.mark.slow
@pytest.mark.django_db
def test_medium_level_shares_are_near_report_000_table_2():
    """Report 000 table 2 (L2092-2116): share of users per financing level per district.

    Decided home-nursing hours per month of the active users on the as-of date,
    classified with the level model, must land near the report's shares.
    """
    result = generate(size="medium", seed=2022, as_of=AS_OF)
    assert 2900 <= result.persons <= 3100
    lines = ServiceLine.objects.active_on(AS_OF).filter(
        service_version__service__code="hjemmesykepleie").values_list(
        "decision__person__district__name", "extent")
    by_district: dict[str, Counter] = {}
    for district, hours in lines:
        by_district.setdefault(district, Counter())[classify(hours)] += 1
    assert set(by_district) == set(LEVEL_SHARES_2021)
    for district, counts in by_district.items():
        total = sum(counts.values())
        assert total > 300, district  # report 000 I16: about 750 users in one district
        expected = LEVEL_SHARES_2021[district]
        base = 100 * counts[LEVELS_IN_ORDER[0]] / total
        assert abs(base - expected[LEVELS_IN_ORDER[0]]) < 4, (district, base)
        above_base = 100 - base
        assert abs(above_base - (100 - expected[LEVELS_IN_ORDER[0]])) < 4, district
    focus = sum(c[LEVELS_IN_ORDER[-1]] for c in by_district.values())
    assert 10 <= focus <= 45  # report 000 §4.2: about 35-40 focus users city-wide


@pytest.mark.django_db
def test_demo_has_casework_at_every_stage():
    """A new user finds open cases (some overdue), a case from the citizen form awaiting
    identity, and a decided case whose order waits in the home-nursing unit's inbox."""
    from tildel.accounts.models import User
    from tildel.casework.models import Case, Order

    generate(size="small", seed=5, as_of=AS_OF)
    caseworker = User.objects.get(username="saksbehandler")
    open_cases = Case.objects.filter(allocation_office=caseworker.allocation_office,
                                     status=Case.Status.OPEN)
    assert open_cases.count() >= 8
    assert any(c.deadlines(AS_OF).acknowledgement_due < AS_OF and not c.acknowledgement_sent_on
               for c in open_cases)
    assert open_cases.filter(person__isnull=True).exists()
    unit = User.objects.get(username="leder.hjemmetjeneste").provider_unit
    assert Order.objects.filter(provider_unit=unit, acknowledged_at__isnull=True).count() == 1


@pytest.mark.django_db
def test_hospital_stays_are_shaped_by_report_002():
    """Report 002: about 106 admissions a month (l.579-580) for a municipality of the
    medium demo's size; about two in three go home (Fig 1, l.362-364); a few patients a
    day lie ready for discharge (Fig 3, l.403-408); one open stay per person."""
    from tildel.hospital.models import DischargeRate, HospitalStay
    from tildel.hospital.services import as_rule
    from tildel.rules import discharge

    generate(size="medium", seed=2022, as_of=AS_OF)
    stays = list(HospitalStay.objects.all())
    first, last = dt.date(2025, 11, 1), dt.date(2026, 10, 31)
    rules = [as_rule(s) for s in stays]
    admitted = sum(1 for s in rules if first <= s.admitted <= last) / 12
    assert 95 <= admitted <= 117
    out = [s for s in rules if s.discharged and first <= s.discharged <= last]
    home = sum(1 for s in out if s.destination is discharge.Destination.HOME) / len(out)
    assert 0.60 <= home <= 0.72
    per_day = sum(discharge.waiting_days(s, first, last) for s in rules) / 365
    assert 1.5 <= per_day <= 7
    open_stays = [s.person_id for s in stays if s.discharged_at is None]
    assert open_stays and len(open_stays) == len(set(open_stays))
    assert DischargeRate.objects.filter(year=AS_OF.year).exists()


@pytest.mark.django_db
def test_places_are_nearly_full_with_a_queue_houses_over_their_rota_and_respite_plans():
    """Issue 8's demo: a caseworker deciding a long-term place finds one free, and a
    person found qualified can join the list and get the next one; one staffed house has
    more decided hours than its rota (report 001: 13-23 % over, l.684-688)."""
    from tildel.housing.services import month_overview
    from tildel.places import services
    from tildel.places.models import PlaceKind, WaitingListEntry

    result = generate(size="medium", seed=2022, as_of=AS_OF)
    rows = services.capacity(result.municipality, AS_OF)
    assert {r.kind for r in rows} == set(PlaceKind.values)
    assert any(r.institution.seller for r in rows)  # places bought elsewhere
    assert services.free_places(result.municipality, AS_OF, [PlaceKind.LONG_TERM])
    month = [(dt.date(2026, 10, 1), dt.date(2026, 10, 31))]
    ((_, october),) = services.history(result.municipality, month)
    assert 0.85 <= october.occupancy <= 1.0 and october.departures > 20
    assert WaitingListEntry.objects.filter(list="long_term", status="waiting").count() >= 10
    houses = {row.unit.name: row for row in month_overview(result.municipality,
                                                           dt.date(2026, 10, 1))}
    furulia = houses["Furulia bofellesskap (demo)"]
    assert furulia.users == 6 and 1.1 <= furulia.decided_share <= 1.25
    assert furulia.cost and houses["Strandveien bolig (demo)"].decided_share <= 1.0
    # Each house has a frame budget (the rota's cost) to set its accounts against.
    assert all(houses[name].budget and 0.9 <= houses[name].cost_share <= 1.15
               for name in houses if name.endswith("(demo)"))
    # The respite home: guests on rotating plans within its weekend rota and beds, and one
    # guest without a plan (report 001 l.1459-1461).
    from tildel.housing import respite
    from tildel.housing.models import RespiteHome

    (overview,) = respite.overviews(RespiteHome.objects.all(), AS_OF)
    planned = [g for g in overview.guests if g.stays]
    assert len(planned) >= 3 and len(planned) == len(overview.guests) - 1
    assert not overview.full and not any(g.gaps for g in overview.guests)
    assert 0 < max(overview.nights) <= overview.home.beds
    # BPA follow-up: most running BPA decisions have an arrangement, and the page has
    # something to find (a missing contract, an expired one or an overdue inspection).
    from tildel.housing.services import bpa_rows
    from tildel.people.models import Person

    bpa = bpa_rows(Person.objects.all(), AS_OF)
    assert len(bpa) >= 10
    assert sum(1 for r in bpa if r.arrangement is not None) >= 0.7 * len(bpa)
    assert any(r.problems for r in bpa) and any(not r.problems for r in bpa)
