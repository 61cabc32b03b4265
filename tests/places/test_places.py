"""Places and waiting lists on screen (issue 8): free places when deciding a long-term
place, no double-booking, the waiting list with § 3-2 a, the next free place by need, and
deviations."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tildel.accounts.models import AccessLogEntry, Role
from tildel.casework.models import Case, Decision
from tildel.catalogue.models import Service
from tildel.places import services
from tildel.places.models import (
    Deviation,
    Institution,
    Occupancy,
    Place,
    PlaceKind,
    WaitingListEntry,
)
from tildel.rules.places import ListKind

#: A fixed weekday noon: the tests do not straddle midnight or depend on the day they run.
NOON = dt.datetime(2026, 11, 18, 12, 0, tzinfo=ZoneInfo("Europe/Oslo"))
TODAY = NOON.date()


@pytest.fixture(autouse=True)
def _fixed_day():
    with time_machine.travel(NOON, tick=True):
        yield
LONG_AGO = TODAY - dt.timedelta(days=400)


@pytest.fixture
def home(world):
    world.caseworker = world.user(Role.CASEWORKER, office=world.east_office)
    world.leader = world.user(Role.OFFICE_LEADER, office=world.east_office)
    world.nursing_home = Institution.objects.create(municipality=world.municipality,
                                                    name="Solheim sykehjem", district=world.east)
    world.room1 = Place.objects.create(institution=world.nursing_home, label="Rom 1",
                                       kind=PlaceKind.LONG_TERM, opened_on=LONG_AGO)
    world.room2 = Place.objects.create(institution=world.nursing_home, label="Rom 2",
                                       kind=PlaceKind.LONG_TERM, opened_on=LONG_AGO)
    world.short = Place.objects.create(institution=world.nursing_home, label="Kort 1",
                                       kind=PlaceKind.SHORT_TERM, opened_on=LONG_AGO)
    world.resident = world.person(given="Astrid")
    services.admit(place=world.room1, institution=world.nursing_home,
                   kind=PlaceKind.LONG_TERM, person=world.resident,
                   start=TODAY - dt.timedelta(days=100))
    return world


def test_free_places_are_what_is_open_and_not_taken_today(home):
    free = services.free_places(home.municipality, TODAY)
    assert [p.label for p in free] == ["Rom 2", "Kort 1"]
    assert services.free_places(home.municipality, TODAY, [PlaceKind.LONG_TERM]) == [
        home.room2]


def test_a_place_cannot_be_double_booked(home):
    with pytest.raises(services.PlaceError, match="allerede tildelt"):
        services.admit(place=home.room1, institution=home.nursing_home,
                       kind=PlaceKind.LONG_TERM, person=home.person(given="Berit"),
                       start=TODAY)
    assert Occupancy.objects.filter(place=home.room1).count() == 1


def test_a_resident_without_a_place_is_a_corridor_patient_and_a_deviation(home):
    person = home.person(given="Berit")
    services.admit(place=None, institution=home.nursing_home, kind=PlaceKind.LONG_TERM,
                   person=person, start=TODAY)
    (row,) = [r for r in services.capacity(home.municipality, TODAY)
              if r.kind == PlaceKind.LONG_TERM]
    assert (row.places, row.occupied, row.corridor, row.free) == (2, 1, 1, 1)
    assert Deviation.objects.get().kind == Deviation.Kind.CORRIDOR


def test_the_caseworker_deciding_a_long_term_place_sees_the_free_places(home, client):
    person = home.person(given="Kari")
    case = Case.objects.create(person=person, allocation_office=home.east_office,
                               kind=Case.Kind.APPLICATION, subject="Langtidsopphold",
                               assigned_to=home.caseworker)
    case.requested_services.add(Service.objects.get(code="langtidsopphold"))
    decision = Decision.objects.create(case=case, person=person,
                                       allocation_office=home.east_office)
    client.force_login(home.caseworker)
    page = client.get(f"/vedtak/{decision.pk}/utkast/").content.decode()
    assert "Ledige plasser i dag" in page and "Solheim sykehjem, Rom 2" in page
    assert "Rom 1" not in page


def test_only_safe_option_is_refused_on_the_list_with_the_legal_reason(home, client):
    client.force_login(home.caseworker)
    kari = home.person(given="Kari")
    response = client.post("/ventelister/", {
        "id_number": kari.id_number, "list": "long_term", "priority": 1,
        "qualified_on": TODAY.isoformat(), "only_safe_option": "on"})
    assert response.status_code == 400
    assert "§ 3-2 a" in response.content.decode()
    assert not WaitingListEntry.objects.exists()


def test_qualified_person_joins_the_list_and_gets_the_next_free_place_by_need(home, client):
    """Issue 8's done-when: found qualified, on the list, the next free place by need."""
    client.force_login(home.caseworker)
    kari, ola = home.person(given="Kari"), home.person(given="Ola")
    for person, priority, qualified in ((kari, 2, TODAY - dt.timedelta(days=60)),
                                        (ola, 1, TODAY - dt.timedelta(days=3))):
        response = client.post("/ventelister/", {
            "id_number": person.id_number, "list": "long_term", "priority": priority,
            "qualified_on": qualified.isoformat()})
        assert response.status_code == 302
    page = client.get("/ventelister/?liste=long_term").content.decode()
    assert page.index("Nordmann, Ola") < page.index("Nordmann, Kari")  # greatest need first
    again = client.post("/ventelister/", {"id_number": ola.id_number, "list": "long_term",
                                          "priority": 1, "qualified_on": TODAY.isoformat()})
    assert again.status_code == 400 and "allerede" in again.content.decode()
    client.force_login(home.leader)
    response = client.post(f"/plasser/{home.room2.pk}/neste/")
    assert response.status_code == 302
    placed = WaitingListEntry.objects.get(person=ola)
    assert placed.status == WaitingListEntry.Status.PLACED and placed.placed_on == TODAY
    assert placed.occupancy.place == home.room2 and placed.occupancy.person == ola
    assert WaitingListEntry.objects.get(person=kari).status == "waiting"
    assert home.room2 not in services.free_places(home.municipality, TODAY)
    client.post(f"/plasser/{home.room2.pk}/neste/")  # taken now: refused, nothing changes
    assert WaitingListEntry.objects.get(person=kari).status == "waiting"


def test_a_caseworker_sees_only_their_districts_on_the_list(home, client):
    west = home.person(home.west, given="Per")
    services.add_to_list(person=west, kind=ListKind.LONG_TERM, qualified_on=TODAY,
                         priority=1, only_safe_option=False)
    east = home.person(given="Kari")
    services.add_to_list(person=east, kind=ListKind.LONG_TERM, qualified_on=TODAY,
                         priority=2, only_safe_option=False)
    client.force_login(home.caseworker)
    page = client.get("/ventelister/").content.decode()
    assert "Nordmann, Kari" in page and "Nordmann, Per" not in page
    assert "1 person fra andre distrikter" in page
    logged = set(AccessLogEntry.objects.filter(user=home.caseworker).values_list(
        "person_id", flat=True))
    assert logged == {east.pk}


def test_the_places_page_shows_capacity_and_months_without_naming_anyone(home, client):
    client.force_login(home.leader)
    page = client.get("/plasser/").content.decode()
    assert "Solheim sykehjem" in page and "Langtidsplass" in page
    assert "Astrid" not in page
    month = (TODAY.replace(day=1) - dt.timedelta(days=1))
    history = dict(services.history(home.municipality, [(month.replace(day=1), month)]))
    assert history[month.replace(day=1)].occupancy == pytest.approx(1 / 3)


def test_a_deviation_in_the_future_is_refused_and_one_today_is_recorded(home, client):
    client.force_login(home.caseworker)
    future = client.post("/avvik/", {"kind": "not_started", "note": "Ingen ledig plass",
                                     "occurred_on": (TODAY + dt.timedelta(days=1)).isoformat()})
    assert future.status_code == 400 and "frem i tid" in future.content.decode()
    assert client.post("/avvik/", {"kind": "not_started", "note": "Ingen ledig plass",
                                   "occurred_on": TODAY.isoformat(),
                                   "institution": home.nursing_home.pk}).status_code == 302
    assert Deviation.objects.get().institution == home.nursing_home


def test_withdrawing_after_a_place_was_given_changes_nothing(home, client):
    ola = home.person(given="Ola")
    entry = services.add_to_list(person=ola, kind=ListKind.LONG_TERM, qualified_on=TODAY,
                                 priority=1, only_safe_option=False)
    services.give_next(home.room2, TODAY)
    client.force_login(home.caseworker)
    client.post(f"/ventelister/{entry.pk}/ta-av/")
    entry.refresh_from_db()
    assert entry.status == WaitingListEntry.Status.PLACED and entry.occupancy is not None


def test_the_next_place_to_someone_the_leader_may_not_see_is_not_named(home, client):
    per = home.person(home.west, given="Per", family="Vestmann")
    services.add_to_list(person=per, kind=ListKind.LONG_TERM, qualified_on=TODAY,
                         priority=1, only_safe_option=False)
    client.force_login(home.leader)
    page = client.post(f"/plasser/{home.room2.pk}/neste/", follow=True).content.decode()
    assert "Vestmann" not in page and "annet distrikt" in page
    assert WaitingListEntry.objects.get(person=per).status == WaitingListEntry.Status.PLACED


def test_the_admin_refuses_a_double_booking_too(home):
    from django.core.exceptions import ValidationError

    twice = Occupancy(institution=home.nursing_home, place=home.room1,
                      kind=PlaceKind.LONG_TERM, person=home.person(given="Berit"), start=TODAY)
    with pytest.raises(ValidationError, match="allerede tildelt"):
        twice.full_clean()
