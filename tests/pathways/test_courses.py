"""Everyday rehabilitation courses and reablement after hospital (report 000 § 4; report
002 l.528-574)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.casework.conftest import open_case
from tildel.pathways.models import Course

pytestmark = pytest.mark.django_db


def start(client, w, case, kind, unit, origin="decision", goals="Gå til butikken\nDusje selv",
          team="Fysioterapeut: Per Fysio\nErgoterapeut: Eva Ergo"):
    client.force_login(w.caseworker)
    return client.post(reverse("course-new", args=[case.pk]), {
        "kind": kind, "origin": origin, "provider_unit": unit.pk,
        "start": timezone.localdate().isoformat(), "what_matters": "Klare meg selv hjemme",
        "goals": goals, "team": team}, follow=True)


def scores(course, **values):
    return {f"goal_{g.pk}": values.get(g.goal, "") for g in course.goals.all()}


def test_everyday_rehabilitation_lasts_four_weeks_and_is_scored_0_to_10(units, client):
    w = units
    case = open_case(w, codes=("hverdagsrehabilitering",))
    page = start(client, w, case, "everyday_rehabilitation", w.east_unit).content.decode()
    course = Course.objects.get()
    assert "Hverdagsrehabilitering er startet" in page
    assert course.planned_end == course.start + dt.timedelta(weeks=4)
    assert course.evaluation_on == course.start + dt.timedelta(days=14)
    assert [m.get_role_display() for m in course.team.all()] == ["Ergoterapeut", "Fysioterapeut"]
    client.force_login(w.provider)
    action = reverse("course-action", args=[course.pk, "skar"])
    bad = client.post(action, {"stage": "start", **scores(course, **{"Gå til butikken": 11})},
                      follow=True).content.decode()
    assert "Skåren må være fra 0 til 10" in bad
    client.post(action, {"stage": "start", **scores(course, **{"Gå til butikken": 2,
                                                                "Dusje selv": 4})})
    client.post(reverse("course-action", args=[course.pk, "evaluer"]),
                {"note": "God framgang", **scores(course, **{"Gå til butikken": 5})})
    client.post(reverse("course-action", args=[course.pk, "avslutt"]), {
        "outcome": "goals_met", "ended_on": timezone.localdate().isoformat(),
        "note": "Klarer seg selv", **scores(course, **{"Gå til butikken": 8,
                                                        "Dusje selv": 9})})
    course.refresh_from_db()
    assert course.status == Course.Status.ENDED and course.evaluated_at is not None
    changes = {g.goal: g.change for g in course.goals.all()}
    assert changes == {"Gå til butikken": 6, "Dusje selv": 5}
    detail = client.get(reverse("course-detail", args=[course.pk])).content.decode()
    assert "+6" in detail


def test_a_course_needs_a_goal(units, client):
    w = units
    page = start(client, w, open_case(w), "everyday_rehabilitation", w.east_unit,
                 goals="  ").content.decode()
    assert "Feltet må fylles ut" in page and not Course.objects.exists()


def test_discharged_patient_starts_reablement_and_is_handed_over_to_home_nursing(
        units, client):
    w = units
    case = open_case(w)
    start(client, w, case, "reablement", w.mastery_unit, origin="discharge")
    course = Course.objects.get()
    assert course.planned_end is None  # no fixed end (report 002 l.534-535)
    client.force_login(w.mastery_staff)
    assert "Arne Hansen" in client.get(reverse("course-list")).content.decode()
    handover = reverse("course-action", args=[course.pk, "overfor"])
    refused = client.post(handover, {"handover_to": w.mastery_unit.pk, "outcome": "goals_met",
                                     "ended_on": timezone.localdate().isoformat(),
                                     "function": "Går med rullator"}, follow=True)
    assert "Velg et av alternativene" in refused.content.decode()  # only home nursing
    client.post(handover, {"handover_to": w.east_unit.pk, "outcome": "partly_met",
                           "ended_on": timezone.localdate().isoformat(),
                           "function": "Går med rullator, trenger hjelp med dusj",
                           "goals": "Dusje selv innen to måneder",
                           "practical": "Multidose. Fallrisiko på badet.",
                           "contact": "Mona, hverdagsmestring"})
    course.refresh_from_db()
    assert course.status == Course.Status.HANDED_OVER and course.handover_to == w.east_unit
    assert course.handover_practical == "Multidose. Fallrisiko på badet."
    client.force_login(w.provider)  # home nursing sees the handover it received
    page = client.get(reverse("course-detail", args=[course.pk])).content.decode()
    assert "Overføring til Hjemmetjenesten Øst" in page and "Fallrisiko" in page
    assert "Overført til" in page or "overført" in page.lower()


def test_handover_in_the_future_is_refused(units, client):
    w = units
    start(client, w, open_case(w), "reablement", w.mastery_unit, origin="discharge")
    course = Course.objects.get()
    client.force_login(w.mastery_staff)
    page = client.post(reverse("course-action", args=[course.pk, "overfor"]), {
        "handover_to": w.east_unit.pk, "outcome": "goals_met", "function": "Stabil",
        "ended_on": (timezone.localdate() + dt.timedelta(days=3)).isoformat()},
        follow=True).content.decode()
    assert "kan ikke være i framtiden" in page
    assert Course.objects.get().status == Course.Status.ACTIVE


def test_a_blank_score_field_keeps_the_saved_score(units, client):
    w = units
    start(client, w, open_case(w), "everyday_rehabilitation", w.east_unit)
    course = Course.objects.get()
    client.force_login(w.provider)
    action = reverse("course-action", args=[course.pk, "skar"])
    client.post(action, {"stage": "start", **scores(course, **{"Gå til butikken": 3})})
    client.post(action, {"stage": "start", **scores(course, **{"Dusje selv": 4})})
    assert {g.goal: g.score_start for g in course.goals.all()} == {
        "Gå til butikken": 3, "Dusje selv": 4}


def test_reablement_needs_a_referral_not_a_decision(units, client):
    w = units
    page = start(client, w, open_case(w), "reablement", w.mastery_unit,
                 origin="decision").content.decode()
    assert "startes ved utskrivning" in page and not Course.objects.exists()


def test_home_nursing_refers_a_decline_to_the_reablement_unit(units, client):
    """Report 002 l.573-574: home nursing refers to the unit when a user declines."""
    from tests.casework.conftest import drafted, informed
    from tildel.casework.models import Order
    from tildel.casework.services import decisions

    w = units
    case = open_case(w)
    informed(case)
    decisions.sign(drafted(w, case), w.caseworker)
    order = Order.objects.get()
    client.force_login(w.provider)
    page = client.get(reverse("order-detail", args=[order.pk])).content.decode()
    assert "Meld funksjonsfall til hverdagsmestring" in page
    client.post(reverse("decline-referral", args=[order.pk]), {
        "provider_unit": w.mastery_unit.pk, "goals": "Reise seg fra stolen selv"})
    course = Course.objects.get()
    assert course.kind == "reablement" and course.origin == "decline"
    client.force_login(w.mastery_staff)
    assert client.get(reverse("course-detail", args=[course.pk])).status_code == 200
