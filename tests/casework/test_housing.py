"""Housing and habilitation (issue 8, report 001): the rota, the capacity check that routes
a decision beyond the normed capacity for approval, and decided against rostered hours per
house and month."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tildel.accounts.models import Role
from tildel.casework.models import Decision, Task
from tildel.casework.services import decisions
from tildel.housing import services
from tildel.housing.models import RotaShift
from tildel.organisation.models import ProviderKind, ProviderUnit

from .conftest import drafted, granted_line, informed, open_case

pytestmark = pytest.mark.django_db
T = dt.time
#: A fixed weekday noon: the tests do not straddle midnight or depend on the day they run.
NOON = dt.datetime(2026, 11, 18, 12, 0, tzinfo=ZoneInfo("Europe/Oslo"))
TODAY = NOON.date()


@pytest.fixture(autouse=True)
def _fixed_day():
    with time_machine.travel(NOON, tick=True):
        yield


@pytest.fixture
def house(office):
    w = office
    w.house = ProviderUnit.objects.create(municipality=w.municipality,
                                          name="Furulia bofellesskap",
                                          kind=ProviderKind.HOUSING_HABILITATION)
    w.other_house = ProviderUnit.objects.create(municipality=w.municipality,
                                                name="Strandveien bolig",
                                                kind=ProviderKind.HOUSING_HABILITATION)
    for day in range(7):  # 10 hours a day: 70 hours a week of normed capacity
        services.add_shift(w.house, position="Miljøarbeider", weekday=day, start=T(8),
                           end=T(18))
    w.house_leader = w.user(Role.PROVIDER_LEADER, unit=w.house, username="bo")
    resident = w.person(given="Rune")
    w.grant(resident, w.house, code="praktisk-bistand-opplaering", hours=50,
            start=TODAY - dt.timedelta(days=60))
    return w


def signed(w, hours: int):
    case = open_case(w, person=w.person(given="Siri"), codes=("praktisk-bistand-opplaering",))
    informed(case)
    line = granted_line(w, code="praktisk-bistand-opplaering", provider_unit=w.house,
                        extent=hours)
    return decisions.sign(drafted(w, case, lines=[line]), w.caseworker)


def test_a_decision_within_the_normed_capacity_is_decided_at_once(house):
    decision = signed(house, 15)  # 50 + 15 ≤ 70
    assert decision.status == Decision.Status.DECIDED


def test_a_decision_beyond_the_normed_capacity_waits_for_a_leaders_approval(house, client):
    decision = signed(house, 30)  # 50 + 30 > 70
    assert decision.status == Decision.Status.AWAITING_SECOND
    task = Task.objects.get(case=decision.case, kind=Task.Kind.SECOND_SIGNATURE)
    assert task.title == "Godkjenning: over normert kapasitet"
    assert decision.case.events.filter(
        text__contains="normert kapasitet ved Furulia bofellesskap").exists()
    approved = decisions.second_sign(decision, house.leader)
    assert approved.status == Decision.Status.DECIDED


def test_the_draft_shows_the_capacity_check(house, client):
    case = open_case(house, person=house.person(given="Siri"),
                     codes=("praktisk-bistand-opplaering",))
    informed(case)
    line = granted_line(house, code="praktisk-bistand-opplaering", provider_unit=house.house,
                        extent=30)
    decision = drafted(house, case, lines=[line])
    client.force_login(house.caseworker)
    page = client.get(f"/vedtak/{decision.pk}/utkast/").content.decode()
    assert "Kapasitetssjekk: Furulia bofellesskap" in page
    assert "går ut over normert kapasitet" in page


def test_a_shift_overlapping_another_of_the_same_position_is_refused(house, client):
    client.force_login(house.house_leader)
    response = client.post(f"/bo-og-habilitering/{house.house.pk}/turnus/", {
        "position": "Miljøarbeider", "weekday": 0, "start": "17:00", "end": "23:00"})
    assert response.status_code == 400
    assert "overlapper en annen vakt" in response.content.decode()
    assert RotaShift.objects.filter(unit=house.house).count() == 7
    night = client.post(f"/bo-og-habilitering/{house.house.pk}/turnus/", {
        "position": "Nattvakt", "weekday": 0, "start": "22:00", "end": "08:00"})
    assert night.status_code == 302
    assert "80,0" in client.get(f"/bo-og-habilitering/{house.house.pk}/turnus/"
                                ).content.decode()  # 70 + 10 hours a week


def test_the_leader_sees_decided_against_rostered_hours_for_the_month(house, client):
    """Issue 8's done-when: decided vs. rostered hours per house for the month."""
    first = TODAY.replace(day=1)
    last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    days = (last - first).days + 1
    (row,) = services.month_overview(house.municipality, first, [house.house])
    assert row.users == 1
    assert row.decided == pytest.approx(50 * days / 7)
    assert row.rostered == pytest.approx(70 * days / 7) and row.rostered_source == "turnus"
    client.force_login(house.house_leader)
    page = client.get(f"/bo-og-habilitering/?maned={first:%Y-%m}").content.decode()
    assert "Furulia bofellesskap" in page and "Strandveien bolig" not in page  # own house
    assert "71 %" in page  # 50 of 70
    assert client.get("/bo-og-habilitering/?maned=2026-13").status_code == 400
    client.force_login(house.leader)
    assert "Strandveien bolig" in client.get("/bo-og-habilitering/").content.decode()


def test_another_houses_leader_cannot_edit_this_rota(house, client):
    other = house.user(Role.PROVIDER_LEADER, unit=house.other_house, username="strand")
    client.force_login(other)
    assert client.get(f"/bo-og-habilitering/{house.house.pk}/turnus/").status_code == 404


def test_long_term_coordinated_services_without_an_individual_plan_raise_an_alert(house,
                                                                                  client):
    """Report 001 l.1861-1863: an individual plan and a coordinator for long-term,
    coordinated services (here: two units, one for half a year)."""
    from tildel.quality.alerts import alerts_for

    def flagged():
        (alert,) = [a for a in alerts_for(house.caseworker) if a.key == "mangler-individuell-plan"]
        return {row.person.pk for row in alert.rows()[:50]}

    ida = house.person(given="Ida")
    house.grant(ida, house.east_unit, start=TODAY - dt.timedelta(days=200))
    house.grant(ida, house.house, code="praktisk-bistand-opplaering",
                start=TODAY - dt.timedelta(days=20))
    recent = house.person(given="Jon")  # two units, but both only a month old
    house.grant(recent, house.east_unit, start=TODAY - dt.timedelta(days=30))
    house.grant(recent, house.house, code="praktisk-bistand-opplaering",
                start=TODAY - dt.timedelta(days=30))
    assert flagged() == {ida.pk}
    client.force_login(house.caseworker)
    url = f"/personer/{ida.pk}/individuell-plan/"
    future = client.post(url, {"coordinator": house.caseworker.pk,
                               "established_on": (TODAY + dt.timedelta(days=2)).isoformat()})
    assert future.status_code == 400 and "frem i tid" in future.content.decode()
    assert client.post(url, {"coordinator": house.caseworker.pk,
                             "established_on": TODAY.isoformat()}).status_code == 302
    assert flagged() == set()
    assert "Test" in client.get(url).content.decode()  # the coordinator's name


def test_a_revision_counts_the_replaced_hours_once(house):
    """Review finding: the replaced decision's hours must leave the sum once, not twice.
    Rota 70; Rune 50 and Siri 20 decided (70). Siri's revision to 30 makes 80: over."""
    first = signed(house, 20)
    assert first.status == Decision.Status.DECIDED
    case = open_case(house, person=first.person, codes=("praktisk-bistand-opplaering",))
    informed(case)
    draft = decisions.create_draft(case, house.caseworker, replaces=first)
    line = granted_line(house, code="praktisk-bistand-opplaering", provider_unit=house.house,
                        extent=30)
    draft = decisions.save_draft(draft, expected_version=draft.version, actor=house.caseworker,
                                 fields={"legal_basis": "hol § 3-2 første ledd nr. 6 b",
                                         "facts": "Mer hjelp.", "reasons": "Økt behov.",
                                         "alternative_offered": ""}, lines=[line])
    (check,) = services.capacity_checks(draft)
    assert (check.check.decided, check.check.added, check.check.after) == (70, 10, 80)
    assert check.check.exceeds
    assert decisions.sign(draft, house.caseworker).status == Decision.Status.AWAITING_SECOND


def test_a_month_outside_the_years_tildel_shows_is_refused_not_a_crash(house, client):
    client.force_login(house.leader)
    for month in ("0000-01", "0001-01", "9999-12"):
        assert client.get(f"/bo-og-habilitering/?maned={month}").status_code == 400


def test_bpa_follow_up_lists_what_is_missing_and_records_the_arrangement(house, client):
    """Report 001 l.1504-1533: provider (municipal or private), work supervisor, contract
    and a yearly inspection for every BPA allocation."""
    from tildel.housing.models import BpaArrangement

    eva = house.person(given="Eva")
    line = house.grant(eva, house.east_unit, code="bpa", hours=30,
                       start=TODAY - dt.timedelta(days=500))
    per = house.person(house.west, given="Per")
    other = house.grant(per, house.west_unit, code="bpa", start=TODAY - dt.timedelta(days=10))
    client.force_login(house.caseworker)
    page = client.get("/bpa/").content.decode()
    assert "Nordmann, Eva" in page and "Mangler avtale" in page and "Nordmann, Per" not in page
    url = f"/bpa/{line.pk}/"
    bad = client.post(url, {"version": 0, "provider": "private", "work_supervisor": "Eva selv",
                            "contract_from": (TODAY - dt.timedelta(days=400)).isoformat(),
                            "contract_to": (TODAY - dt.timedelta(days=500)).isoformat()})
    assert bad.status_code == 400
    body = bad.content.decode()
    assert "Oppgi den private leverandøren" in body and "slutte før den starter" in body
    assert not BpaArrangement.objects.exists()
    ok = client.post(url, {"version": 0, "provider": "private", "provider_name": "Assistent AS",
                           "work_supervisor": "Eva selv",
                           "contract_from": (TODAY - dt.timedelta(days=400)).isoformat()})
    assert ok.status_code == 302
    page = client.get("/bpa/").content.decode()
    assert "Assistent AS" in page and "Tilsyn skulle vært gjort" in page  # none in 400 days
    stale = client.post(url, {"version": 0, "provider": "municipal", "work_supervisor": "X",
                              "contract_from": TODAY.isoformat()})
    assert stale.status_code == 409 and BpaArrangement.objects.get().provider == "private"
    client.post(url, {"version": 1, "provider": "private", "provider_name": "Assistent AS",
                      "work_supervisor": "Eva selv", "last_inspection": TODAY.isoformat(),
                      "contract_from": (TODAY - dt.timedelta(days=400)).isoformat()})
    assert "Tilsyn skulle" not in client.get("/bpa/").content.decode()
    assert client.get(f"/bpa/{other.pk}/").status_code == 403  # another district
