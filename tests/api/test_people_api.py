"""/api/v1/persons/ (with rights), /api/v1/pathways/, /api/v1/visits/, token authentication
and the OpenAPI document: the same access and access log as the screens."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.authtoken.models import Token

from tildel.accounts.models import AccessLogEntry, Role
from tildel.casework.models import Case
from tildel.delivery.models import Visit
from tildel.pathways.models import Pathway

TODAY = dt.date.today()


@pytest.fixture
def api_world(world):
    w = world
    w.kari = w.person()
    w.ola = w.person(w.west, given="Ola")
    w.line = w.grant(w.kari, w.east_unit, start=TODAY - dt.timedelta(days=10))
    w.ended = w.grant(w.kari, w.east_unit, start=TODAY - dt.timedelta(days=90),
                      end=TODAY - dt.timedelta(days=50))
    w.grant(w.ola, w.west_unit)
    case = Case.objects.create(allocation_office=w.east_office, person=w.kari, subject="Forløp")
    w.pathway = Pathway.objects.create(case=case, person=w.kari, provider_unit=w.east_unit,
                                       code=1, start=TODAY - dt.timedelta(days=5),
                                       deadline=TODAY + dt.timedelta(days=9))
    start = timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0)
    w.visit = Visit.objects.create(person=w.kari, provider_unit=w.east_unit, start=start,
                                   end=start + dt.timedelta(minutes=45), staff_role="SPL")
    w.caseworker = w.user(Role.CASEWORKER, office=w.east_office)
    return w


def test_persons_with_their_current_rights_for_the_callers_districts(api_world, client):
    client.force_login(api_world.caseworker)
    data = client.get("/api/v1/persons/").json()
    assert [p["id"] for p in data["results"]] == [api_world.kari.pk]  # not Ola (west)
    kari = client.get(f"/api/v1/persons/{api_world.kari.pk}/").json()
    assert [r["id"] for r in kari["rights"]] == [api_world.line.pk]  # not the ended line
    assert kari["rights"][0]["iplos_code"] == "15"
    assert AccessLogEntry.objects.filter(user=api_world.caseworker, person=api_world.kari,
                                         what="API: person med rettigheter").exists()
    assert client.get(f"/api/v1/persons/{api_world.ola.pk}/").status_code == 404
    assert client.get("/api/v1/persons/", {"search": "Kari"}).json()["count"] == 1
    assert client.get("/api/v1/persons/", {"search": "Zzz"}).json()["count"] == 0
    assert client.get("/api/v1/persons/", {"search": "x" * 101}).status_code == 400


def test_person_list_queries_do_not_grow_with_persons_or_rights(api_world, client):
    client.force_login(api_world.caseworker)
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/persons/")
    for i in range(15):
        person = api_world.person(given=f"Ny{i}")
        api_world.grant(person, api_world.east_unit)
        api_world.grant(person, api_world.east_unit, code="praktisk-bistand")
    with CaptureQueriesContext(connection) as many:
        assert client.get("/api/v1/persons/").json()["count"] == 16
    assert len(many) == len(few)


def test_pathways_and_visits(api_world, client):
    client.force_login(api_world.caseworker)
    pathways = client.get("/api/v1/pathways/", {"person": api_world.kari.pk}).json()
    assert [p["id"] for p in pathways["results"]] == [api_world.pathway.pk]
    visits = client.get("/api/v1/visits/", {"person": api_world.kari.pk,
                                            "from": TODAY.isoformat()}).json()
    assert visits["results"][0]["minutes"] == 45
    bad = client.get("/api/v1/visits/", {"from": "i går"})
    assert bad.status_code == 400 and "from" in bad.json()["felt"]
    backwards = client.get("/api/v1/visits/", {"from": "2026-02-01", "to": "2026-01-01"})
    assert backwards.status_code == 400
    assert client.get("/api/v1/pathways/", {"person": "abc"}).status_code == 400
    staff = api_world.user(Role.PROVIDER_STAFF, unit=api_world.west_unit)
    client.force_login(staff)
    assert client.get("/api/v1/visits/").json()["count"] == 0


def test_token_for_a_machine_client_acts_as_its_user(api_world, client, capsys):
    call_command("api_token", api_world.caseworker.username)
    token = Token.objects.get(user=api_world.caseworker).key
    assert token in capsys.readouterr().out
    response = client.get("/api/v1/persons/", HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 200 and response.json()["count"] == 1
    call_command("api_token", api_world.caseworker.username, "--rotate")
    assert client.get("/api/v1/persons/", HTTP_AUTHORIZATION=f"Token {token}"
                      ).status_code in (401, 403)
    assert client.get("/api/v1/persons/").status_code in (401, 403)


def test_openapi_document_lists_the_endpoints(client, db):
    document = client.get("/api/v1/openapi.json").json()
    assert document["openapi"].startswith("3.")
    for path in ("/api/v1/persons/", "/api/v1/pathways/", "/api/v1/visits/",
                 "/api/v1/figures/", "/api/v1/fhir/EpisodeOfCare", "/api/v1/plo/"):
        assert path in document["paths"], path
