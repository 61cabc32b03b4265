"""Deviations (avvik) as a key figure: read from the register per district, and the
drill-down lists them (issue 8; report 002 L414-420)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from tildel.accounts.models import AccessLogEntry, Role
from tildel.insight import facts
from tildel.places.models import Deviation, Institution
from tildel.rules.places import DEVIATION_KINDS

pytestmark = pytest.mark.django_db
MARCH = dt.date(2026, 3, 1)


def test_the_rules_name_the_same_kinds_as_the_register():
    assert tuple(Deviation.Kind.choices) == DEVIATION_KINDS


def corridor_drilldown() -> str:
    """The deviations behind March's corridor-patient count for the whole municipality."""
    query = {"window": f"{MARCH:%Y-%m}", "period": "month", "by": "municipality",
             "group": "*", "category": "corridor", "fersk": "1"}
    return reverse("insight:drilldown", args=["avvik-plasser"]) + "?" + urlencode(query)


@pytest.fixture
def deviations(world):
    w = world
    home = Institution.objects.create(municipality=w.municipality, name="Lia sykehjem",
                                      district=w.west)
    w.ola = w.person(given="Ola")  # east
    for kind, day, person, place in (("not_started", 2, w.ola, None),
                                     ("corridor", 5, None, home),
                                     ("corridor", 9, w.ola, home),
                                     ("not_started", 12, None, None)):
        Deviation.objects.create(municipality=w.municipality, kind=kind, person=person,
                                 occurred_on=MARCH.replace(day=day), institution=place,
                                 note="Syntetisk.")
    return w


def test_a_deviation_without_a_person_belongs_to_its_institutions_district(deviations):
    w = deviations
    everyone = facts.deviations(facts.Scope(w.municipality.pk), MARCH, dt.date(2026, 3, 31))
    assert sorted(((d.kind, d.district) for d in everyone), key=str) == sorted([
        ("corridor", w.east.pk), ("corridor", w.west.pk), ("not_started", None),
        ("not_started", w.east.pk)], key=str)
    west = facts.deviations(facts.Scope(w.municipality.pk, frozenset({w.west.pk})), MARCH,
                            dt.date(2026, 3, 31))
    assert [(d.kind, d.person) for d in west] == [("corridor", None)]


def test_the_drilldown_lists_the_deviations_in_scope_and_logs_the_named_person(deviations, client):
    w = deviations
    caseworker = w.user(Role.CASEWORKER, office=w.east_office, username="sara")
    client.force_login(caseworker)
    response = client.get(corridor_drilldown())
    assert response.status_code == 200
    html = response.content.decode()
    # The east caseworker's scope: Ola's corridor day, not the west home's own deviation.
    assert response.context["count"] == 1
    assert "Korridorpasient" in html and "Lia sykehjem" in html and "Ola Nordmann" in html
    assert AccessLogEntry.objects.filter(user=caseworker, person=w.ola).exists()
    dashboard = client.get(reverse("insight:dashboard") + "?indicators=avvik-plasser"
                           "&from=2026-03&to=2026-03&period=month&fersk=1")
    assert dashboard.status_code == 200
    assert "Avvik: tiltak som ikke kan settes i gang" in dashboard.content.decode()


def test_a_provider_leader_sees_no_deviations_or_waiting_lists_of_others(deviations, client):
    """A unit's leader reads figures for the unit's own users; deviations and waiting lists
    belong to no unit, so the leader gets none (and no names)."""
    w = deviations
    scope = facts.Scope(w.municipality.pk, unit_id=w.east_unit.pk)
    assert facts.deviations(scope, MARCH, dt.date(2026, 3, 31)) == []
    assert facts.waiting_lists(scope, MARCH, dt.date(2026, 3, 31)) == []
    leader = w.user(Role.PROVIDER_LEADER, unit=w.east_unit, username="hege")
    client.force_login(leader)
    response = client.get(corridor_drilldown())
    assert "Ola Nordmann" not in response.content.decode()
    assert not AccessLogEntry.objects.filter(user=leader).exists()
