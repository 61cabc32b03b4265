"""The hospital board (issue 8, report 002): the office sees its inhabitants in hospital,
marks one ready for discharge, plans and accepts the same day, records the discharge; the
waiting days and their cost are counted; bad dates and stale edits are refused."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tildel.accounts.models import AccessLogEntry, Role
from tildel.hospital import services
from tildel.hospital.models import DischargeRate, HospitalStay
from tildel.insight import services as insight
from tildel.rules import indicators as ind

#: A fixed weekday noon: the tests do not straddle midnight or depend on the day they run.
NOON = dt.datetime(2026, 11, 18, 12, 0, tzinfo=ZoneInfo("Europe/Oslo"))
TODAY = NOON.date()


@pytest.fixture(autouse=True)
def _fixed_day():
    with time_machine.travel(NOON, tick=True):
        yield


def moment(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def admit(person, days_ago: int = 5, **fields) -> HospitalStay:
    return HospitalStay.objects.create(person=person, hospital="Sykehuset Testby",
                                       admitted_at=moment(TODAY - dt.timedelta(days=days_ago)),
                                       **fields)


@pytest.fixture
def ward(world):
    world.caseworker = world.user(Role.CASEWORKER, office=world.east_office)
    world.kari = world.person()
    world.stay = admit(world.kari, 5)
    world.ola = world.person(given="Ola")
    world.waiting = admit(world.ola, 10, ready_on=TODAY - dt.timedelta(days=3),
                          status=HospitalStay.Status.READY)
    world.per = world.person(world.west, given="Per")  # another office's inhabitant
    admit(world.per, 2)
    return world


def test_the_board_shows_the_offices_inhabitants_ready_first_and_logs_the_read(ward, client):
    client.force_login(ward.caseworker)
    page = client.get("/sykehus/").content.decode()
    assert "Nordmann, Ola" in page and "Nordmann, Kari" in page and "Nordmann, Per" not in page
    assert page.index("Nordmann, Ola") < page.index("Nordmann, Kari")  # the ready one first
    logged = set(AccessLogEntry.objects.filter(user=ward.caseworker).values_list(
        "person_id", flat=True))
    assert logged == {ward.kari.pk, ward.ola.pk}


def test_the_board_reads_a_bounded_number_of_queries(ward, client):
    client.force_login(ward.caseworker)
    client.get("/sykehus/")
    with CaptureQueriesContext(connection) as few:
        client.get("/sykehus/")
    for n in range(20):
        admit(ward.person(given=f"Extra{n}"), 3, ready_on=TODAY - dt.timedelta(days=1),
              status=HospitalStay.Status.READY)
    with CaptureQueriesContext(connection) as many:
        assert client.get("/sykehus/").status_code == 200
    assert len(many) == len(few)


def test_ready_plan_accept_and_discharge_the_same_day(ward, client):
    """The done-when of issue 8: mark ready, plan, accept and discharge on one day."""
    client.force_login(ward.caseworker)
    url = f"/sykehus/{ward.stay.pk}/"
    day = TODAY.isoformat()
    response = client.post(url + "klar/", {"version": 0, "day": day})
    assert response.status_code == 302
    client.post(url + "plan/", {"version": 1, "plan_assistive_devices": "on",
                                "plan_welfare_technology": "on", "unit": ward.east_unit.pk,
                                "note": "Trygghetsalarm og rullator før hjemreise."})
    client.post(url + "ta-imot/", {"version": 2, "day": day})
    response = client.post(url + "utskrevet/", {"version": 3, "day": day,
                                                "destination": "home"})
    assert response.status_code == 302
    stay = HospitalStay.objects.get(pk=ward.stay.pk)
    assert stay.status == HospitalStay.Status.DISCHARGED
    assert (stay.ready_on, stay.accepted_on, stay.accepted_by) == (TODAY, TODAY,
                                                                   ward.caseworker)
    assert stay.plan_assistive_devices and not stay.plan_home_adaptation
    assert stay.responsible_unit == ward.east_unit
    assert stay.destination == "home"
    assert services.waiting_days_of(stay, TODAY, TODAY) == 0  # home the day it was ready


def test_a_discharge_before_admission_is_refused_with_the_reason(ward, client):
    client.force_login(ward.caseworker)
    before = (TODAY - dt.timedelta(days=9)).isoformat()
    response = client.post(f"/sykehus/{ward.stay.pk}/utskrevet/",
                           {"version": 0, "day": before, "destination": "home"})
    assert response.status_code == 400
    assert "før innleggelsesdatoen" in response.content.decode()
    stay = HospitalStay.objects.get(pk=ward.stay.pk)
    assert stay.status == HospitalStay.Status.ADMITTED and stay.discharged_at is None


def test_a_ready_date_after_the_discharge_is_refused(ward):
    stay = services.discharge(ward.stay, day=TODAY - dt.timedelta(days=1),
                              destination="institution", version=0)
    stay.status = HospitalStay.Status.ADMITTED  # pretend the form was opened before
    stay.save()
    with pytest.raises(services.DischargeError, match="etter utskrivningsdatoen"):
        services.mark_ready(stay, day=TODAY, version=stay.version)
    assert HospitalStay.objects.get(pk=stay.pk).ready_on is None


def test_accepting_before_ready_is_refused(ward, client):
    client.force_login(ward.caseworker)
    response = client.post(f"/sykehus/{ward.stay.pk}/ta-imot/",
                           {"version": 0, "day": TODAY.isoformat()})
    assert response.status_code == 400
    assert "ikke meldt utskrivningsklar" in response.content.decode()


def test_a_stale_edit_is_refused_and_nothing_is_overwritten(ward, client):
    client.force_login(ward.caseworker)
    url = f"/sykehus/{ward.stay.pk}/plan/"
    client.post(url, {"version": 0, "plan_home_adaptation": "on", "note": "Først"})
    response = client.post(url, {"version": 0, "note": "Andre"})  # opened before the first
    assert response.status_code == 400
    assert "endret av en annen" in response.content.decode()
    stay = HospitalStay.objects.get(pk=ward.stay.pk)
    assert stay.plan_note == "Først" and stay.plan_home_adaptation


def test_another_offices_stay_is_refused_and_the_attempt_logged(ward, client):
    client.force_login(ward.caseworker)
    other = HospitalStay.objects.get(person=ward.per)
    assert client.get(f"/sykehus/{other.pk}/").status_code == 403
    assert client.post(f"/sykehus/{other.pk}/klar/",
                       {"version": 0, "day": TODAY.isoformat()}).status_code == 403
    assert AccessLogEntry.objects.filter(user=ward.caseworker, person=ward.per,
                                         outcome="denied").count() == 2
    assert HospitalStay.objects.get(pk=other.pk).ready_on is None


def test_last_months_waiting_days_and_their_cost(ward, client):
    ward.waiting.delete()  # ready three days ago: last month, early in a month
    first = (TODAY.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    last = TODAY.replace(day=1) - dt.timedelta(days=1)
    # Ready on the 3rd, discharged on the 8th: five days (3, 4, 5, 6, 7).
    admit(ward.person(given="Eva"), (TODAY - first).days,
          ready_on=first + dt.timedelta(days=2), status=HospitalStay.Status.DISCHARGED,
          discharged_at=moment(first + dt.timedelta(days=7)), destination="home")
    # Ready on the last day of the month and still there: one day last month.
    admit(ward.person(given="Liv"), (TODAY - last).days + 3, ready_on=last,
          status=HospitalStay.Status.READY)
    figures = services.month_figures(services.visible_stays(ward.caseworker), first)
    assert figures.days == 6 and figures.cost is None
    DischargeRate.objects.create(year=first.year, daily_rate=Decimal(5036))
    figures = services.month_figures(services.visible_stays(ward.caseworker), first)
    assert figures.cost == Decimal(6 * 5036)
    client.force_login(ward.caseworker)
    page = client.get("/sykehus/").content.decode()
    assert "30\xa0216 kr" in page or "30 216 kr" in page


def test_the_board_links_to_the_key_figures_and_they_show_last_months_days(ward, client):
    """Issue 8's done-when: last month's waiting days appear on the dashboard."""
    first = (TODAY.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    ward.waiting.delete()
    admit(ward.person(given="Eva"), (TODAY - first).days,
          ready_on=first + dt.timedelta(days=2), status=HospitalStay.Status.DISCHARGED,
          discharged_at=moment(first + dt.timedelta(days=7)), destination="home")
    client.force_login(ward.caseworker)
    board = client.get("/sykehus/").content.decode()
    link = board.split('href="/nokkeltall/?', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    page = client.get(f"/nokkeltall/?{link}&fersk=1").content.decode()
    assert "Døgn med utskrivningsklare pasienter" in page
    assert "Pasientflyt: innlagt og utskrevet" in page
    last = TODAY.replace(day=1) - dt.timedelta(days=1)
    request = insight.FigureRequest((ind.get("utskrivningsklare-dogn"),), first, last)
    figures = insight.figures_for(ward.caseworker, request, fresh=True)
    totals = [v.value for v in figures.values["utskrivningsklare-dogn"] if v.group == ind.TOTAL]
    assert totals == [5.0]  # ready on the 3rd, home on the 8th


def test_dates_in_the_future_and_accepting_after_discharge_are_refused(ward, client):
    client.force_login(ward.caseworker)
    future = (TODAY + dt.timedelta(days=3)).isoformat()
    response = client.post(f"/sykehus/{ward.stay.pk}/utskrevet/",
                           {"version": 0, "day": future, "destination": "home"})
    assert response.status_code == 400 and "frem i tid" in response.content.decode()
    stay = services.discharge(ward.waiting, day=TODAY, destination="home", version=0)
    with pytest.raises(services.DischargeError, match="allerede utskrevet"):
        services.accept(stay, day=TODAY, actor=ward.caseworker, version=stay.version)
