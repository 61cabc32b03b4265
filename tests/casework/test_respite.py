"""Respite on a rotating stay plan matched to the rota and the beds (issue 8, report 001
l.1459-1461: Molde's time-fixed respite decisions rotate over 12 weeks so that they agree
with the rota; in Kristiansund the stay plan is not coordinated with the rota)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tildel.accounts.models import AccessLogEntry, Role
from tildel.housing import respite, services
from tildel.housing.models import RespiteHome, RespitePlan, RespiteStay
from tildel.organisation.models import ProviderKind, ProviderUnit
from tildel.rules import respite as rules

pytestmark = pytest.mark.django_db
T = dt.time
NOON = dt.datetime(2026, 11, 18, 12, 0, tzinfo=ZoneInfo("Europe/Oslo"))
TODAY = NOON.date()
CYCLE_START = dt.date(2026, 11, 2)  # a Monday: 18 November is in week 3


@pytest.fixture(autouse=True)
def _fixed_day():
    with time_machine.travel(NOON, tick=True):
        yield


@pytest.fixture
def home(office):
    """A respite home with two beds, staffed from Friday 14:00 to Sunday 20:00."""
    w = office
    w.unit = ProviderUnit.objects.create(municipality=w.municipality, name="Avlastning Lia",
                                         kind=ProviderKind.RESPITE)
    for position, weekday, start, end in (("Dag", 4, 14, 22), ("Natt", 4, 22, 8),
                                          ("Dag", 5, 8, 22), ("Natt", 5, 22, 8),
                                          ("Dag", 6, 8, 20)):
        services.add_shift(w.unit, position=position, weekday=weekday, start=T(start),
                           end=T(end))
    w.home = RespiteHome.objects.create(unit=w.unit, beds=2, cycle_weeks=12,
                                        cycle_start=CYCLE_START)
    w.home_leader = w.user(Role.PROVIDER_LEADER, unit=w.unit, username="lia")
    w.guests = [w.grant(w.person(given=name), w.unit, code="avlastning-institusjon", hours=4,
                        start=TODAY - dt.timedelta(days=30)) for name in ("Ada", "Bo", "Cy")]
    return w


def stay(week, weekday=4, arrive="15:00", nights=2, leave="18:00", version=0):
    return {"version": version, "week": week, "weekday": weekday, "arrive": arrive,
            "nights": nights, "leave": leave}


def test_the_caseworker_plans_stays_that_rotate_over_the_cycle(home, client):
    client.force_login(home.caseworker)
    url = f"/avlastning/plan/{home.guests[0].pk}/"
    page = client.get(url).content.decode()
    assert "Oppholdsplan for Ada Nordmann" in page
    assert "denne uken er uke 3" in page
    assert client.post(url, stay(1)).status_code == 302
    assert client.post(url, stay(7, version=1)).status_code == 302
    page = client.get(url).content.decode()
    assert "Uke 1: fredag 15:00 til søndag 18:00 (2 døgn)" in page
    # 4 nights in 84 days: 1.4 a month, against 4 decided.
    assert "4 døgn</strong> per syklus" in page and "1,4 døgn per måned" in page
    # Week 7's Friday is 18 December; week 1's repeats on 29 January.
    assert "fredag 18.12.2026" in page and "fredag 29.01.2027" in page
    assert AccessLogEntry.objects.filter(user=home.caseworker,
                                         person=home.guests[0].decision.person).exists()


def test_a_stay_outside_the_rota_is_refused_with_the_uncovered_time(home, client):
    """Report 001 l.1459: the stay plan must agree with the rota."""
    client.force_login(home.caseworker)
    url = f"/avlastning/plan/{home.guests[0].pk}/"
    response = client.post(url, stay(2, leave="21:00"))
    assert response.status_code == 400
    body = response.content.decode()
    assert "Turnusen har ingen vakt på jobb i deler av oppholdet" in body
    assert "uke 2 søndag 20:00–21:00" in body
    assert not RespiteStay.objects.exists()


def test_more_guests_than_beds_is_refused_and_nothing_is_saved(home, client):
    client.force_login(home.caseworker)
    for guest in home.guests[:2]:
        assert client.post(f"/avlastning/plan/{guest.pk}/", stay(4)).status_code == 302
    third = client.post(f"/avlastning/plan/{home.guests[2].pk}/", stay(4))
    assert third.status_code == 400
    # Week 4 of the cycle from 2 November is 27 November.
    assert "Flere gjester enn senger: fredag 27.11.2026 (3 gjester, 2 senger)" in \
        third.content.decode()
    assert RespiteStay.objects.count() == 2
    assert client.post(f"/avlastning/plan/{home.guests[2].pk}/", stay(5)).status_code == 302
    page = client.get("/avlastning/").content.decode()
    assert "Gjester per natt i syklusen (2 senger)" in page
    assert "Avlastning Lia" in page and "6 gjestedøgn" in page


def test_bad_input_gets_field_messages_in_norwegian(home, client):
    client.force_login(home.caseworker)
    url = f"/avlastning/plan/{home.guests[0].pk}/"
    for data, message in ((stay(13), "Uken må være fra 1 til 12."),
                          (stay(1, nights=0), "Et opphold må vare minst ett døgn."),
                          (stay(1, nights=20), "Et opphold kan vare høyst 14 døgn."),
                          (stay(1, arrive="25:00"), "Oppgi et gyldig tidspunkt.")):
        response = client.post(url, data)
        assert response.status_code == 400, data
        assert message in response.content.decode(), message
    client.post(url, stay(1))
    overlap = client.post(url, stay(1, weekday=5, arrive="10:00", nights=1, version=1))
    assert overlap.status_code == 400
    assert "overlapper et annet opphold i planen: uke 1: fredag" in overlap.content.decode()
    assert RespiteStay.objects.count() == 1


def test_a_stale_form_is_refused_not_merged(home, client):
    client.force_login(home.caseworker)
    url = f"/avlastning/plan/{home.guests[0].pk}/"
    assert client.post(url, stay(1, version=0)).status_code == 302
    stale = client.post(url, stay(3, version=0))
    assert stale.status_code == 409
    assert "endret av en annen" in stale.content.decode()
    assert RespiteStay.objects.count() == 1
    removal = client.post(f"{url}opphold/{RespiteStay.objects.get().pk}/fjern/",
                          {"version": 0}, follow=True)
    assert "endret av en annen" in removal.content.decode()
    assert RespiteStay.objects.count() == 1
    client.post(f"{url}opphold/{RespiteStay.objects.get().pk}/fjern/", {"version": 1})
    assert not RespiteStay.objects.exists()


def test_access_follows_role_district_and_unit(home, client):
    url = f"/avlastning/plan/{home.guests[0].pk}/"
    client.force_login(home.other_caseworker)  # the west office
    assert client.get(url).status_code == 403
    client.force_login(home.provider)  # leader of another unit
    assert client.get(url).status_code == 403
    client.force_login(home.home_leader)
    assert client.get(url).status_code == 200
    management = home.user(Role.MANAGEMENT, username="ledelse")
    client.force_login(management)
    assert client.get("/avlastning/").status_code == 403


def test_a_home_cannot_shrink_below_its_plans(home, client):
    client.force_login(home.leader)
    for guest in home.guests[:2]:
        client.post(f"/avlastning/plan/{guest.pk}/", stay(9))
    url = f"/avlastning/bolig/{home.home.pk}/"
    shorter = client.post(url, {"beds": 2, "cycle_weeks": 8,
                                "cycle_start": CYCLE_START.isoformat()})
    assert shorter.status_code == 400
    assert "Planene har opphold i uke 9" in shorter.content.decode()
    fewer = client.post(url, {"beds": 1, "cycle_weeks": 12,
                              "cycle_start": CYCLE_START.isoformat()})
    assert "flere gjester enn 1 seng:" in fewer.content.decode()
    tuesday = client.post(url, {"beds": 3, "cycle_weeks": 12, "cycle_start": "2026-11-03"})
    assert "Syklusen må starte på en mandag." in tuesday.content.decode()
    assert RespiteHome.objects.get().beds == 2
    assert client.post(url, {"beds": 3, "cycle_weeks": 10,
                             "cycle_start": CYCLE_START.isoformat()}).status_code == 302
    assert RespiteHome.objects.get().beds == 3


def test_a_line_at_a_unit_without_a_respite_home_is_explained(home, client):
    other = home.grant(home.person(given="Dag"), home.east_unit, code="avlastning-institusjon")
    client.force_login(home.caseworker)
    response = client.get(f"/avlastning/plan/{other.pk}/")
    assert response.status_code == 409
    assert "ikke registrert som avlastningsbolig" in response.content.decode()
    assert not RespitePlan.objects.exists()


def test_the_overview_costs_the_same_queries_for_3_or_30_guests(home, client):
    client.force_login(home.caseworker)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/avlastning/").status_code == 200
        return len(captured)

    for n, guest in enumerate(home.guests):
        respite.add_stay(guest, rules.Stay(n + 1, 4, T(15), 1, T(12)), version=0,
                         user=home.caseworker, today=TODAY)
    few = queries()
    for n in range(27):
        home.grant(home.person(given=f"G{n}", birth=dt.date(1950, 1, 1) + dt.timedelta(days=n)),
                   home.unit, code="avlastning-institusjon")
    for n in range(3):  # more homes, each with a guest on a plan
        unit = ProviderUnit.objects.create(municipality=home.municipality, name=f"Hus {n}",
                                           kind=ProviderKind.RESPITE)
        services.add_shift(unit, position="Dag", weekday=4, start=T(8), end=T(22))
        services.add_shift(unit, position="Natt", weekday=4, start=T(22), end=T(12))
        RespiteHome.objects.create(unit=unit, beds=1, cycle_weeks=12, cycle_start=CYCLE_START)
        guest = home.grant(home.person(given=f"H{n}", birth=dt.date(1960, 1, 1 + n)), unit,
                           code="avlastning-institusjon")
        respite.add_stay(guest, rules.Stay(1, 4, T(9), 1, T(12)), version=0,
                         user=home.caseworker, today=TODAY)
    assert queries() == few


def test_the_home_leader_edits_the_respite_rota_and_plans_follow_it(home, client):
    client.force_login(home.home_leader)
    rota = client.get(f"/bo-og-habilitering/{home.unit.pk}/turnus/").content.decode()
    assert "← Avlastning" in rota and "bare planlegges når en vakt er på jobb" in rota
    url = f"/avlastning/plan/{home.guests[0].pk}/"
    assert client.post(url, stay(2, leave="21:00")).status_code == 400
    assert client.post(f"/bo-og-habilitering/{home.unit.pk}/turnus/", {
        "position": "Kveld", "weekday": 6, "start": "19:00", "end": "22:00"}).status_code == 302
    assert client.post(url, stay(2, leave="21:00")).status_code == 302
    # A later rota change that leaves the stay uncovered is shown on the overview.
    from tildel.housing.models import RotaShift

    RotaShift.objects.filter(unit=home.unit, position="Kveld").delete()
    page = client.get("/avlastning/").content.decode()
    assert "Turnusen dekker ikke: uke 2 søndag 20:00–21:00" in page



def test_only_a_running_decided_line_gets_a_plan_and_a_look_creates_nothing(home, client):
    from tildel.casework.models import Decision

    client.force_login(home.caseworker)
    ada, bo = home.guests[0], home.guests[1]
    assert client.get(f"/avlastning/plan/{ada.pk}/").status_code == 200
    assert not RespitePlan.objects.exists()  # opening the page makes no plan
    Decision.objects.filter(pk=ada.decision_id).update(status=Decision.Status.DRAFT)
    draft = client.post(f"/avlastning/plan/{ada.pk}/", stay(4))
    assert draft.status_code == 409 and "fattet vedtak" in draft.content.decode()
    bo.end = TODAY - dt.timedelta(days=1)
    bo.save()
    ended = client.post(f"/avlastning/plan/{bo.pk}/", stay(4))
    assert ended.status_code == 409 and "kan ikke planlegges flere" in ended.content.decode()
    assert not RespiteStay.objects.exists()
    other = home.grant(home.person(given="Hjem"), home.east_unit)  # home nursing
    removal = client.post(f"/avlastning/plan/{other.pk}/opphold/1/fjern/", {"version": 0},
                          follow=True)
    assert removal.status_code == 409 and "ingen oppholdsplan" in removal.content.decode()
    empty = client.post(f"/avlastning/plan/{home.guests[2].pk}/", {})
    assert empty.status_code == 400 and "Dette feltet er påkrevd" in empty.content.decode()


def test_beds_are_counted_on_dates_within_each_decisions_period(home, client):
    """A decision that ends before a date holds no bed that date, and its stays after the
    end are not listed."""
    client.force_login(home.caseworker)
    for guest in home.guests[:2]:
        guest.end = TODAY + dt.timedelta(days=1)
        guest.save()
        assert client.post(f"/avlastning/plan/{guest.pk}/", stay(8)).status_code == 302
    # Week 8 is 25 December, after both decisions end: the third guest gets the bed.
    assert client.post(f"/avlastning/plan/{home.guests[2].pk}/", stay(8)).status_code == 302
    page = client.get(f"/avlastning/plan/{home.guests[0].pk}/").content.decode()
    assert "25.12.2026" not in page
    third = client.get(f"/avlastning/plan/{home.guests[2].pk}/").content.decode()
    assert "fredag 25.12.2026" in third


def test_a_revised_decision_copies_the_previous_plan(home, client):
    from tildel.casework.models import ServiceLine

    client.force_login(home.caseworker)
    old = home.guests[0]
    client.post(f"/avlastning/plan/{old.pk}/", stay(2))
    client.post(f"/avlastning/plan/{old.pk}/", stay(6, version=1))
    old.end = TODAY
    old.save()
    new = ServiceLine.objects.get(pk=home.grant(
        old.decision.person, home.unit, code="avlastning-institusjon",
        start=TODAY + dt.timedelta(days=1)).pk)
    url = f"/avlastning/plan/{new.pk}/"
    assert "Kopier oppholdene fra forrige vedtak" in client.get(url).content.decode()
    copied = client.post(f"{url}kopier/", follow=True)
    assert "2 opphold er kopiert fra forrige vedtak" in copied.content.decode()
    assert RespiteStay.objects.filter(plan__line=new).count() == 2
    again = client.post(f"{url}kopier/", follow=True)
    assert "kopier bare til en tom plan" in again.content.decode()


def test_removing_a_shift_that_stays_need_warns_the_leader(home, client):
    from tildel.housing.models import RotaShift

    client.force_login(home.home_leader)
    client.post(f"/avlastning/plan/{home.guests[0].pk}/", stay(2))
    shift = RotaShift.objects.get(unit=home.unit, weekday=6)
    response = client.post(f"/bo-og-habilitering/{home.unit.pk}/turnus/{shift.pk}/slett/",
                           follow=True)
    assert "dekker ikke lenger hele oppholdet for 1 gjest i" in response.content.decode()


def test_a_short_cycle_refuses_a_stay_as_long_as_itself(home, client):
    client.force_login(home.leader)
    url = f"/avlastning/bolig/{home.home.pk}/"
    assert client.post(url, {"beds": 2, "cycle_weeks": 1,
                             "cycle_start": CYCLE_START.isoformat()}).status_code == 302
    response = client.post(f"/avlastning/plan/{home.guests[0].pk}/",
                           stay(1, weekday=0, arrive="10:00", nights=7, leave="09:00"))
    assert response.status_code == 400
    assert "like lenge som syklusen" in response.content.decode()
