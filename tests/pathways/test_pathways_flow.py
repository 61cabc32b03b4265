"""Pathways (pasientforløp) from the case page to closing, with the report's 14-day rule."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.casework.conftest import drafted, informed, open_case
from tildel.casework.models import ServiceLine, Task
from tildel.casework.services import decisions
from tildel.catalogue.models import Service
from tildel.pathways import services
from tildel.pathways.models import Pathway, PathwayService

pytestmark = pytest.mark.django_db


def place(client, w, case, code=1, start=None, codes=("hjemmesykepleie",)):
    client.force_login(w.caseworker)
    return client.post(reverse("pathway-new", args=[case.pk]), {
        "code": code, "start": (start or timezone.localdate()).isoformat(),
        "provider_unit": w.east_unit.pk, "goal": "Klare medisinene selv",
        "services": [s.pk for s in Service.objects.filter(code__in=codes)]}, follow=True)


def test_caseworker_places_user_in_forlop_1_and_the_unit_sees_it(units, client):
    w = units
    case = open_case(w)
    page = place(client, w, case).content.decode()
    pathway = Pathway.objects.get()
    assert "Brukeren er plassert i forløpet" in page
    assert pathway.deadline == pathway.start + dt.timedelta(days=14)
    assert pathway.services.get().service.code == "hjemmesykepleie"
    client.force_login(w.provider)
    listing = client.get(reverse("pathway-list")).content.decode()
    assert "Arne Hansen" in listing
    assert client.get(reverse("pathway-detail", args=[pathway.pk])).status_code == 200
    # Forløp 1 has no decision, yet the unit may open the person it helps.
    assert w.provider.has_perm("people.view_person", case.person)
    client.force_login(w.west_provider)
    assert client.get(reverse("pathway-detail", args=[pathway.pk])).status_code == 404
    assert "Arne Hansen" not in client.get(reverse("pathway-list")).content.decode()


def test_service_past_14_days_without_decision_gets_a_task_once_report_000_L2958_2962(
        units, client):
    w = units
    case = open_case(w)
    place(client, w, case)
    item = PathwayService.objects.get()
    with time_machine.travel(timezone.now() + dt.timedelta(days=14), tick=False):
        call_command("pathway_check", stdout=io.StringIO())
        assert not Task.objects.filter(kind=Task.Kind.PATHWAY_DECISION).exists()
    with time_machine.travel(timezone.now() + dt.timedelta(days=15), tick=False):
        call_command("pathway_check", stdout=io.StringIO())
        call_command("pathway_check", stdout=io.StringIO())
        task = Task.objects.get(kind=Task.Kind.PATHWAY_DECISION)
        assert task.case == case and task.due_on == item.start + dt.timedelta(days=15)
        client.force_login(w.caseworker)
        alerts = client.get(reverse("quality-alert-list", args=["tiltak-uten-vedtak"]))
        assert "Arne Hansen" in alerts.content.decode()
        assert reverse("case-detail", args=[case.pk]) in alerts.content.decode()


def test_a_decision_for_the_service_is_linked_and_no_task_is_made(units, client):
    w = units
    case = open_case(w)
    place(client, w, case, code=2)
    informed(case)
    decisions.sign(drafted(w, case), w.caseworker)
    with time_machine.travel(timezone.now() + dt.timedelta(days=20), tick=False):
        linked, made = services.check_decisions(timezone.localdate())
    assert (linked, made) == (1, 0)
    assert PathwayService.objects.get().service_line == ServiceLine.objects.get()


def test_closing_in_the_future_or_before_start_is_refused_with_field_messages(units, client):
    w = units
    case = open_case(w)
    place(client, w, case)
    pathway = Pathway.objects.get()
    url = reverse("pathway-close", args=[pathway.pk])
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    page = client.post(url, {"outcome": "no_further_services", "real_end": tomorrow},
                       follow=True).content.decode()
    assert "kan ikke være i framtiden" in page
    before = pathway.start - dt.timedelta(days=1)
    page = client.post(url, {"outcome": "no_further_services", "real_end": before},
                       follow=True).content.decode()
    assert "kan ikke være før forløpet startet" in page
    assert Pathway.objects.get().status == Pathway.Status.OPEN


def test_one_closing_step_ends_pathway_and_services_with_the_real_end_kept_apart(
        units, client):
    w = units
    case = open_case(w)
    start = timezone.localdate()
    place(client, w, case, code=2, start=start)
    informed(case)
    decisions.sign(drafted(w, case), w.caseworker)
    services.check_decisions(start)
    later = timezone.now() + dt.timedelta(days=40)
    with time_machine.travel(later, tick=False):
        client.force_login(w.caseworker)  # the earlier session has expired
        real_end = start + dt.timedelta(days=10)
        page = client.post(reverse("pathway-close", args=[Pathway.objects.get().pk]),
                           {"outcome": "no_further_services", "real_end": real_end},
                           follow=True).content.decode()
        assert "Forløpet og tiltakene i det er avsluttet" in page
        pathway = Pathway.objects.get()
        assert pathway.real_end == real_end
        assert timezone.localtime(pathway.closed_registered_at).date() == \
            timezone.localtime(later).date()  # local dates on both sides (00-01 Oslo time)
        assert pathway.registration_delay == 30
        assert PathwayService.objects.get().end == real_end
        assert ServiceLine.objects.get().end == real_end  # no further services
        listing = client.get(reverse("quality-alert-list", args=["sen-avslutning"]))
        assert "Arne Hansen" in listing.content.decode()
        again = client.post(reverse("pathway-close", args=[pathway.pk]),
                            {"outcome": "no_further_services", "real_end": real_end},
                            follow=True).content.decode()
        assert "allerede avsluttet" in again


def test_alerts_page_shows_overdue_pathways_with_count_and_links(units, client):
    w = units
    for n in range(3):
        person = w.person(given=f"Person{n}", family="Forløp")
        case = open_case(w, person=person)
        place(client, w, case, code=1, start=timezone.localdate() - dt.timedelta(days=20 + n))
    place(client, w, open_case(w), code=2)  # in time
    page = client.get(reverse("quality-alerts")).content.decode()
    assert "Pasientforløp over fristen" in page
    assert reverse("quality-alert-list", args=["forlop-over-frist"]) in page
    listing = client.get(reverse("quality-alert-list", args=["forlop-over-frist"]))
    text = listing.content.decode()
    assert "<strong>3</strong> i alt" in text
    for case in Pathway.objects.filter(code=1).values_list("case_id", flat=True):
        assert reverse("case-detail", args=[case]) in text
    client.force_login(w.provider)  # the unit's leader sees its own
    assert "<strong>3</strong> i alt" in client.get(
        reverse("quality-alert-list", args=["forlop-over-frist"])).content.decode()
    client.force_login(w.other_caseworker)  # another office sees none
    assert "<strong>0</strong> i alt" in client.get(
        reverse("quality-alert-list", args=["forlop-over-frist"])).content.decode()


def test_services_that_belong_in_a_pathway_are_flagged_until_they_are(units, client):
    w = units
    person = w.person(given="Hanne", family="Rehab")
    line = w.grant(person, w.east_unit, code="hverdagsrehabilitering")
    client.force_login(w.caseworker)
    text = client.get(reverse("quality-alert-list", args=["mangler-forlop"])).content.decode()
    assert "Hanne Rehab" in text
    case = open_case(w, person=person)
    place(client, w, case, code=2, codes=("hverdagsrehabilitering",))
    assert line.service_version.service.pathway_required
    text = client.get(reverse("quality-alert-list", args=["mangler-forlop"])).content.decode()
    assert "Hanne Rehab" not in text


def test_alerts_page_query_count_does_not_grow_with_the_data(units, client,
                                                             django_assert_max_num_queries):
    w = units
    client.force_login(w.caseworker)
    for n in range(2):
        place(client, w, open_case(w, person=w.person(given=f"A{n}")), code=1,
              start=timezone.localdate() - dt.timedelta(days=30))
    with django_assert_max_num_queries(20):
        client.get(reverse("quality-alerts"))
    for n in range(6):
        place(client, w, open_case(w, person=w.person(given=f"B{n}")), code=1,
              start=timezone.localdate() - dt.timedelta(days=30))
    with django_assert_max_num_queries(20):
        assert "Pasientforløp over fristen" in client.get(
            reverse("quality-alerts")).content.decode()
    with django_assert_max_num_queries(20):
        client.get(reverse("quality-alert-list", args=["forlop-over-frist"]))


def test_pathway_and_course_lists_have_bounded_queries(units, client,
                                                       django_assert_max_num_queries):
    """Overdue pathways and courses on the pages; the count stays the same with more."""
    w = units

    def add(n: int, prefix: str):
        for i in range(n):
            case = open_case(w, person=w.person(given=f"{prefix}{i}"))
            place(client, w, case, code=1, start=timezone.localdate() - dt.timedelta(days=20))
            services.start_course(person=case.person, case=case, kind="everyday_rehabilitation",
                                  provider_unit=w.east_unit, start=timezone.localdate(),
                                  goals=["Gå selv"], team=[("nurse", "Siri")],
                                  actor=w.caseworker)

    def measure() -> dict:
        seen = {}
        for url in (reverse("pathway-list"), reverse("pathway-list") + "?vis=over-frist",
                    reverse("course-list"), reverse("quality-alerts"),
                    reverse("quality-alert-list", args=["forlop-over-frist"])):
            for user in (w.caseworker, w.provider):
                client.force_login(user)
                with CaptureQueriesContext(connection) as queries:
                    assert client.get(url).status_code == 200
                seen[(url, user.username)] = len(queries)
        return seen

    add(2, "A")
    few = measure()
    add(6, "B")
    many = measure()
    assert many == few
    assert max(many.values()) <= 20
    client.force_login(w.caseworker)
    with django_assert_max_num_queries(20):
        client.get(reverse("pathway-detail", args=[Pathway.objects.first().pk]))


def test_a_decision_made_after_the_task_links_the_service_and_closes_the_task(units, client):
    w = units
    case = open_case(w)
    place(client, w, case)
    with time_machine.travel(timezone.now() + dt.timedelta(days=16), tick=False):
        services.check_decisions(timezone.localdate())
        task = Task.objects.get(kind=Task.Kind.PATHWAY_DECISION)
        informed(case)
        decisions.sign(drafted(w, case), w.caseworker)
        assert services.check_decisions(timezone.localdate()) == (1, 0)
        task.refresh_from_db()
        assert task.done_at is not None
        assert PathwayService.objects.get().service_line is not None


def test_an_older_decision_does_not_cover_new_needs(units, client):
    """An existing user with new needs: the old decision does not make the 14-day rule
    go away (report 000 L2958-2962)."""
    w = units
    person = w.person(given="Gammel", family="Bruker")
    w.grant(person, w.east_unit, start=timezone.localdate() - dt.timedelta(days=200))
    place(client, w, open_case(w, person=person))
    with time_machine.travel(timezone.now() + dt.timedelta(days=15), tick=False):
        assert services.check_decisions(timezone.localdate()) == (0, 1)


def test_a_user_has_one_open_pathway_at_a_time(units, client):
    w = units
    case = open_case(w)
    place(client, w, case, code=1)
    page = place(client, w, case, code=2).content.decode()
    assert "allerede i et åpent forløp" in page
    assert Pathway.objects.count() == 1


def test_the_unit_stops_seeing_a_closed_pathway_after_30_days(units, client):
    w = units
    case = open_case(w)
    place(client, w, case, start=timezone.localdate() - dt.timedelta(days=3))
    pathway = Pathway.objects.get()
    services.close_pathway(pathway, outcome="no_further_services",
                           real_end=timezone.localdate(), actor=w.caseworker)
    client.force_login(w.provider)
    assert client.get(reverse("pathway-detail", args=[pathway.pk])).status_code == 200
    with time_machine.travel(timezone.now() + dt.timedelta(days=31), tick=False):
        client.force_login(w.provider)
        assert client.get(reverse("pathway-detail", args=[pathway.pk])).status_code == 404
        assert "Arne Hansen" not in client.get(
            reverse("pathway-list") + "?vis=avsluttet").content.decode()
        assert not w.provider.has_perm("people.view_person", case.person)
