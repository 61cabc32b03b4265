"""Routing by rule, absence cover, conflict of interest, and queues with overdue first."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tildel.casework.models import Absence, Case, RoutingRule, WorkQueue
from tildel.casework.services import routing
from tildel.catalogue.models import Service

from .conftest import open_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def rules(office):
    w = office
    w.board = WorkQueue.objects.create(allocation_office=w.east_office, name="Tildelingsnemnd",
                                       kind=WorkQueue.Kind.BOARD)
    w.intake = WorkQueue.objects.create(allocation_office=w.east_office, name="Inntaksteam",
                                        kind=WorkQueue.Kind.INTAKE)
    w.intake.members.add(w.caseworker, w.caseworker2)
    RoutingRule.objects.create(allocation_office=w.east_office, priority=1, name="Sykehjem",
                               service=Service.objects.get(code="langtidsopphold"),
                               target_queue=w.board)
    RoutingRule.objects.create(allocation_office=w.east_office, priority=10, name="1.–15.",
                               birth_day_from=1, birth_day_to=15, target_user=w.caseworker)
    RoutingRule.objects.create(allocation_office=w.east_office, priority=11, name="16.–31.",
                               birth_day_from=16, birth_day_to=31, target_user=w.caseworker2)
    RoutingRule.objects.create(allocation_office=w.east_office, priority=99, name="Resten",
                               target_queue=w.intake)
    return w


def test_date_of_birth_portfolio(rules):
    """Report 004: caseworkers hold portfolios by the applicant's day of birth."""
    early = open_case(rules, rules.person(birth=dt.date(1940, 3, 4)))
    late = open_case(rules, rules.person(birth=dt.date(1940, 3, 24)))
    assert early.assigned_to == rules.caseworker
    assert late.assigned_to == rules.caseworker2


def test_service_goes_to_the_decision_forum(rules):
    case = open_case(rules, codes=("langtidsopphold",))
    assert case.queue == rules.board and case.assigned_to is None


def test_absent_caseworker_is_covered(rules):
    today = timezone.localdate()
    Absence.objects.create(user=rules.caseworker, start=today, end=today + dt.timedelta(days=7),
                           cover=rules.caseworker2)
    case = open_case(rules, rules.person(birth=dt.date(1940, 3, 4)))
    assert case.assigned_to == rules.caseworker2


def test_conflict_of_interest_moves_the_case(rules, client):
    case = open_case(rules, rules.person(birth=dt.date(1940, 3, 4)))
    assert case.assigned_to == rules.caseworker
    client.force_login(rules.caseworker)
    client.post(reverse("case-conflict", args=[case.pk]), {"reason": "Naboen min"})
    case.refresh_from_db()
    assert case.assigned_to != rules.caseworker
    assert case.queue == rules.intake
    with pytest.raises(routing.CaseworkError):
        routing.reassign(case, user=rules.caseworker, actor=rules.leader)


def test_queue_shows_overdue_cases_first(rules, client):
    today = timezone.localdate()
    person = rules.person(birth=dt.date(1940, 3, 4))
    fresh = open_case(rules, person)
    old = open_case(rules, rules.person(birth=dt.date(1941, 3, 5)),
                    received_at=timezone.now() - dt.timedelta(days=40))
    client.force_login(rules.caseworker)
    page = client.get(reverse("my-queue")).content.decode()
    assert page.index(old.reference) < page.index(fresh.reference)
    assert "Forfalt" in page
    assert old.deadlines(today).decision_due < today


def test_leader_sees_every_queue_and_its_load(rules, client):
    open_case(rules, rules.person(birth=dt.date(1940, 3, 4)))
    open_case(rules, codes=("langtidsopphold",))
    client.force_login(rules.leader)
    page = client.get(reverse("office-queues")).content.decode()
    assert "Tildelingsnemnd" in page and rules.caseworker.get_full_name() in page
    client.force_login(rules.caseworker)
    assert client.get(reverse("office-queues")).status_code == 403


def test_queue_query_count_does_not_grow_with_cases(rules, client):
    client.force_login(rules.caseworker)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("my-queue")).status_code == 200
        return len(ctx.captured_queries)

    for day in range(3):
        open_case(rules, rules.person(birth=dt.date(1940, 3, 1 + day)))
    count()  # the first visit creates the office's default settings
    few = count()
    for day in range(12):
        open_case(rules, rules.person(birth=dt.date(1942, 4, 1 + day)))
    assert count() == few


def test_other_office_cannot_open_the_case(rules, client):
    case = open_case(rules)
    client.force_login(rules.other_caseworker)
    assert client.get(reverse("case-detail", args=[case.pk])).status_code == 403
    assert client.get(reverse("api-case-detail", args=[case.pk])).status_code == 404
    client.force_login(rules.provider)
    assert client.get(reverse("case-detail", args=[case.pk])).status_code == 403


def test_reading_a_case_is_logged(rules, client):
    from tildel.accounts.models import AccessLogEntry

    case = open_case(rules)
    client.force_login(rules.caseworker)
    client.get(reverse("case-detail", args=[case.pk]))
    entry = AccessLogEntry.objects.filter(person=case.person, user=rules.caseworker).last()
    assert entry is not None and entry.what.startswith("Sak")
    assert Case.objects.filter(pk=case.pk).exists()


def test_work_area_counts_the_offices_open_cases_three_ways(rules, client):
    """Mine (day 1–15 of birth), the office's, and those in a queue or unassigned (the
    decision forum's long-term place); a decided case is not open."""
    open_case(rules, rules.person(birth=dt.date(1940, 3, 4)))
    open_case(rules, rules.person(birth=dt.date(1940, 3, 24)))
    open_case(rules, codes=("langtidsopphold",))
    done = open_case(rules, rules.person(birth=dt.date(1940, 3, 5)))
    Case.objects.filter(pk=done.pk).update(status=Case.Status.DECIDED)
    client.force_login(rules.caseworker)
    page = re.sub(r"\s+", " ", client.get(reverse("home")).content.decode())
    assert ("<strong>1</strong> åpne saker tildelt deg. Kontoret har <strong>3</strong> "
            "åpne saker, <strong>1</strong> i køer eller ufordelt.") in page


def test_work_area_counts_my_cases_and_the_units_new_orders(rules, client):
    open_case(rules, rules.person(birth=dt.date(1940, 3, 4)))
    client.force_login(rules.caseworker)
    page = client.get(reverse("home")).content.decode()
    assert "<strong>1</strong> åpne saker tildelt deg" in page
    client.force_login(rules.provider)
    assert "<strong>0</strong> nye som ikke er kvittert" in client.get(
        reverse("home")).content.decode()
