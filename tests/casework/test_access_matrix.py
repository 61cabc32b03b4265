"""The access matrix (issue 10, item 1): every role × the screens and API endpoints that show
one person, case, decision or order × the user's own office or unit and another's. Each
cell is allowed (200), refused (403), or not found (404, where existence must not leak:
the API). Built from the same small world as the query budgets."""

from __future__ import annotations

import pytest

from tildel.accounts.models import Role

from .test_query_budgets import city  # noqa: F401 - the fixture is used below

pytestmark = pytest.mark.django_db

#: The resources, each a URL made from the world (the subject lives in the east district,
#: the east office decided, the east unit delivers).
RESOURCES = {
    "personoversikt": lambda w: f"/personer/{w.subject.pk}/",
    "sak": lambda w: f"/saker/{w.case.pk}/",
    "vedtak": lambda w: f"/vedtak/{w.decision.pk}/",
    "vedtaksutkast": lambda w: f"/vedtak/{w.draft.pk}/utkast/",
    "bestilling": lambda w: f"/bestillinger/{w.order.pk}/",
    "levert tid, person": lambda w: f"/levert-tid/enheter/{w.east_unit.pk}/personer/"
                                    f"{w.subject.pk}/",
    "individuell plan": lambda w: f"/personer/{w.subject.pk}/individuell-plan/",
    "API person": lambda w: f"/api/v1/persons/{w.subject.pk}/",
    "API sak": lambda w: f"/api/v1/cases/{w.case.pk}/",
    "API vedtak": lambda w: f"/api/v1/decisions/{w.decision.pk}/",
    "API bestilling": lambda w: f"/api/v1/orders/{w.order.pk}/",
    "API FHIR": lambda w: f"/api/v1/fhir/EpisodeOfCare?patient={w.subject.pk}",
}


def users(w) -> dict[str, object]:
    """One user per role and side: «egen» works in the east (the subject's side), «annen»
    in the west. Made once per world."""
    if hasattr(w, "matrix_users"):
        return w.matrix_users
    w.matrix_users = {
        "saksbehandler egen": w.caseworker,
        "saksbehandler annen": w.other_caseworker,
        "kontorleder egen": w.leader,
        "kontorleder annen": w.user(Role.OFFICE_LEADER, office=w.west_office,
                                    username="vestleder"),
        "tjenesteleder egen": w.provider,
        "tjenesteleder annen": w.user(Role.PROVIDER_LEADER, unit=w.west_unit,
                                      username="vestenhet"),
        "tjenesteyter egen": w.user(Role.PROVIDER_STAFF, unit=w.east_unit, username="pleier"),
        "tjenesteyter annen": w.user(Role.PROVIDER_STAFF, unit=w.west_unit,
                                     username="vestpleier"),
        "ledelse": w.user(Role.MANAGEMENT, username="ledelse"),
        "analytiker": w.analyst,
        "systemadministrator": w.user(Role.ADMINISTRATOR, username="admin"),
    }
    return w.matrix_users


def matrix(client, w) -> dict[tuple[str, str], int]:
    found = {}
    for who, user in users(w).items():
        client.force_login(user)
        for what, url in RESOURCES.items():
            found[(who, what)] = client.get(url(w)).status_code
    return found


OFFICE = {"personoversikt", "sak", "vedtak", "vedtaksutkast", "individuell plan",
          "API person", "API sak", "API vedtak", "API FHIR"}
PROVIDER = {"personoversikt", "bestilling", "levert tid, person", "API person",
            "API bestilling", "API FHIR"}
#: Where the user's own side is allowed; everyone else, and every other cell, is refused.
ALLOWED = {"saksbehandler egen": OFFICE, "kontorleder egen": OFFICE,
           "tjenesteleder egen": PROVIDER, "tjenesteyter egen": PROVIDER}


def test_every_role_sees_its_own_side_and_nothing_else(city, client):  # noqa: F811
    found = matrix(client, city)
    wrong = {}
    for (who, what), status in found.items():
        allowed = what in ALLOWED.get(who, set())
        if allowed and status != 200 or not allowed and status not in (403, 404):
            wrong[(who, what)] = status
    assert not wrong, f"cells that differ from the matrix: {wrong}"
    assert len(found) == len(users(city)) * len(RESOURCES) == 132


def test_the_api_never_tells_another_side_that_a_record_exists(city, client):  # noqa: F811
    """Where a role may use an API endpoint, the other side gets 404, as for a record that
    does not exist; 403 is only for a role that may never use it (then it says nothing of
    the record)."""
    found = matrix(client, city)
    for role in ("saksbehandler", "kontorleder", "tjenesteleder", "tjenesteyter"):
        for what in (r for r in RESOURCES if r.startswith("API")):
            own, other = found[(f"{role} egen", what)], found[(f"{role} annen", what)]
            assert other == (404 if own == 200 else 403), (role, what, own, other)
