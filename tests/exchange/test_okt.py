"""OKT: a person's services as FHIR EpisodeOfCare at /api/v1/fhir/EpisodeOfCare
(standards.md § OKT: IPLOS code, weekly extent, period, temporaryCessation → on-hold)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.episodeofcare import EpisodeOfCare

from tildel.accounts.models import AccessLogEntry, Role
from tildel.casework.models import Decision, ServicePause
from tildel.exchange import okt

URL = "/api/v1/fhir/EpisodeOfCare"
TODAY = dt.date.today()


@pytest.fixture
def okt_world(world):
    world.east_unit.organisation_number = "974256959"
    world.east_unit.save()
    world.kari = world.person()
    world.active = world.grant(world.kari, world.east_unit, hours=Decimal("10"),
                               start=TODAY - dt.timedelta(days=30))
    world.paused = world.grant(world.kari, world.east_unit, code="praktisk-bistand",
                               hours=Decimal("8"), start=TODAY - dt.timedelta(days=60))
    ServicePause.objects.create(line=world.paused, reason=ServicePause.Reason.HOSPITAL,
                                start=TODAY - dt.timedelta(days=2))
    world.planned = world.grant(world.kari, world.east_unit, start=TODAY + dt.timedelta(days=7),
                                end=TODAY + dt.timedelta(days=60))
    world.ended = world.grant(world.kari, world.east_unit, start=TODAY - dt.timedelta(days=90),
                              end=TODAY - dt.timedelta(days=1))
    world.caseworker = world.user(Role.CASEWORKER, office=world.east_office)
    return world


def by_id(data: dict) -> dict:
    return {e["resource"]["id"]: e["resource"] for e in data["entry"]}


def test_a_persons_services_as_a_valid_fhir_bundle(okt_world, client):
    client.force_login(okt_world.caseworker)
    response = client.get(URL, {"patient": okt_world.kari.pk})
    assert response.status_code == 200 and response["Content-Type"] == "application/fhir+json"
    data = response.json()
    bundle = Bundle.model_validate(data)
    assert bundle.type == "searchset" and bundle.total == 3
    found = by_id(data)
    assert set(found) == {f"tjeneste-{line.pk}" for line in (
        okt_world.active, okt_world.paused, okt_world.planned)}  # not the ended one
    active = EpisodeOfCare.model_validate(found[f"tjeneste-{okt_world.active.pk}"])
    assert active.status == "active"
    assert (active.type[0].coding[0].system, active.type[0].coding[0].code) == (
        okt.IPLOS_SYSTEM, "15")
    weekly = next(e for e in active.extension if e.url == okt.WEEKLY_EXTENT)
    # Home nursing is decided per month: 10 hours a month is 2.5 a week (IPLOS: ÷ 4).
    assert okt_world.active.extent_unit == "hours_month"
    assert float(weekly.valueQuantity.value) == 2.5 and weekly.valueQuantity.code == "h"
    assert active.period.start.isoformat() == okt_world.active.start.isoformat()
    assert active.managingOrganization.identifier.value == "974256959"
    assert active.patient.identifier.value == okt_world.kari.id_number
    assert found[f"tjeneste-{okt_world.paused.pk}"]["status"] == "on-hold"
    assert found[f"tjeneste-{okt_world.planned.pk}"]["status"] == "planned"
    assert found[f"tjeneste-{okt_world.planned.pk}"]["period"]["end"] == (
        okt_world.planned.end.isoformat())
    assert AccessLogEntry.objects.filter(user=okt_world.caseworker, person=okt_world.kari,
                                         what="FHIR: tjenesteoversikt (OKT)").count() == 1


def test_an_annulled_decision_is_not_shown(okt_world, client):
    Decision.objects.filter(pk=okt_world.active.decision_id).update(
        status=Decision.Status.ANNULLED)
    client.force_login(okt_world.caseworker)
    data = client.get(URL, {"patient": f"Patient/{okt_world.kari.pk}"}).json()
    assert f"tjeneste-{okt_world.active.pk}" not in by_id(data) and data["total"] == 2


def test_no_access_and_no_person_give_the_same_answer(okt_world, client):
    outsider = okt_world.user(Role.CASEWORKER, office=okt_world.west_office)
    client.force_login(outsider)
    refused = client.get(URL, {"patient": okt_world.kari.pk})
    missing = client.get(URL, {"patient": 999999})
    assert refused.status_code == missing.status_code == 404
    assert refused.json() == missing.json()
    assert refused.json()["resourceType"] == "OperationOutcome"
    assert AccessLogEntry.objects.filter(user=outsider, outcome="denied").count() == 1
    client.force_login(okt_world.user(Role.MANAGEMENT))
    assert client.get(URL, {"patient": okt_world.kari.pk}).status_code == 404


@pytest.mark.parametrize("value", ["", "abc", "01017012345678", "Patient/", "-1", "1;2"])
def test_a_bad_patient_parameter_is_a_400_operation_outcome(okt_world, client, value):
    client.force_login(okt_world.caseworker)
    response = client.get(URL, {"patient": value})
    assert response.status_code == 400
    issue = response.json()["issue"][0]
    assert issue["expression"] == ["patient"] and "patient=123" in issue["diagnostics"]


def test_not_signed_in_is_refused(okt_world, client):
    assert client.get(URL, {"patient": okt_world.kari.pk}).status_code in (401, 403)


def test_queries_do_not_grow_with_the_number_of_services(okt_world, client):
    client.force_login(okt_world.caseworker)
    with CaptureQueriesContext(connection) as few:
        client.get(URL, {"patient": okt_world.kari.pk})
    for _ in range(20):
        line = okt_world.grant(okt_world.kari, okt_world.east_unit)
        ServicePause.objects.create(line=line, reason=ServicePause.Reason.PAUSED,
                                    start=TODAY - dt.timedelta(days=3),
                                    end=TODAY - dt.timedelta(days=1))
    with CaptureQueriesContext(connection) as many:
        data = client.get(URL, {"patient": okt_world.kari.pk}).json()
    assert data["total"] == 23
    assert len(many) == len(few)


def test_not_signed_in_gets_an_operation_outcome(okt_world, client):
    response = client.get(URL, {"patient": okt_world.kari.pk})
    assert response.status_code == 401
    assert response.json()["resourceType"] == "OperationOutcome"
