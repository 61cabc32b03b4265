"""Query budgets (issue 9, item 3): the main screens and API endpoints of each role cost
the same number of database queries whether the data is small or has grown: a person
with 3 or 300 decisions, an office with a few or many open cases, a unit with a few or many
users. A screen that grows with the data is what makes a page slow at city scale."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tildel.accounts.models import Role
from tildel.casework.models import Order
from tildel.casework.services import decisions, letters
from tildel.catalogue.models import (
    CareLevel,
    ExtentUnit,
    NationalServiceType,
    Service,
    ServiceVersion,
)

from .conftest import drafted, informed, open_case

pytestmark = pytest.mark.django_db
NOON = dt.datetime(2026, 11, 18, 12, 0, tzinfo=ZoneInfo("Europe/Oslo"))


@pytest.fixture(autouse=True)
def _fixed_day():
    with time_machine.travel(NOON, tick=True):
        yield


def sent_case(w, person=None):
    case = open_case(w, person=person)
    informed(case)
    decision = decisions.sign(drafted(w, case), w.caseworker)
    letters.send_decision(decision, w.caseworker)
    return case, decision


@pytest.fixture
def city(office):
    """A small world: one person with a sent decision (and its order), three more lines."""
    w = office
    w.analyst = w.user(Role.ANALYST, username="analytiker")
    w.case, w.decision = sent_case(w)
    w.subject = w.case.person
    w.order = Order.objects.filter(decision=w.decision).first()
    for _ in range(3):
        w.grant(w.subject, w.east_unit)
    second = open_case(w, person=w.subject)
    informed(second)
    w.draft = drafted(w, second)
    w.open_case = second
    return w


def grow(w) -> None:
    """The same world at scale: 300 more decisions for the person, 30 more open cases for
    the office, 40 more people served by the unit, 20 more services in the catalogue (each
    named in the case page's choice of immediate help)."""
    national = NationalServiceType.objects.filter(code="15").first()
    for n in range(20):
        service = Service.objects.create(code=f"lokal-{n}", national_type=national,
                                         is_local=True)
        ServiceVersion.objects.create(service=service, name=f"Lokal tjeneste {n}",
                                      care_level=CareLevel.PREVENTIVE, legal_basis="hol § 3-1",
                                      extent_unit=ExtentUnit.HOURS_PER_WEEK,
                                      valid_from=dt.date(2020, 1, 1))
    for n in range(300):
        w.grant(w.subject, w.east_unit, start=dt.date(2020, 1, 1) + dt.timedelta(days=n))
    for n in range(30):
        open_case(w, person=w.person(given=f"Sak{n}", birth=dt.date(1930, 1, 1)
                                     + dt.timedelta(days=n)))
    for n in range(40):
        w.grant(w.person(given=f"Bruker{n}", birth=dt.date(1935, 1, 1) + dt.timedelta(days=n)),
                w.east_unit)


SCREENS = {
    # (role attribute on the world, url from the world)
    "hjem (saksbehandler)": ("caseworker", lambda w: "/"),
    "mine saker": ("caseworker", lambda w: "/saker/"),
    "kontorets køer": ("leader", lambda w: "/saker/oversikt/"),
    "sak": ("caseworker", lambda w: f"/saker/{w.case.pk}/"),
    "sak under arbeid": ("caseworker", lambda w: f"/saker/{w.open_case.pk}/"),
    "vedtak": ("caseworker", lambda w: f"/vedtak/{w.decision.pk}/"),
    "vedtaksutkast": ("caseworker", lambda w: f"/vedtak/{w.draft.pk}/utkast/"),
    "personoversikt": ("caseworker", lambda w: f"/personer/{w.subject.pk}/"),
    "revurderinger": ("caseworker", lambda w: "/revurderinger/"),
    "varsler": ("leader", lambda w: "/varsler/"),
    "hjem (tjenesteyter)": ("provider", lambda w: "/"),
    "bestillinger": ("provider", lambda w: "/bestillinger/"),
    "bestilling": ("provider", lambda w: f"/bestillinger/{w.order.pk}/"),
    "levert tid, enhet": ("provider", lambda w: f"/levert-tid/enheter/{w.east_unit.pk}/"),
    "levert tid, person": ("provider", lambda w: f"/levert-tid/enheter/{w.east_unit.pk}/"
                                                 f"personer/{w.subject.pk}/"),
    "sykehus": ("caseworker", lambda w: "/sykehus/"),
    "plasser": ("caseworker", lambda w: "/plasser/"),
    "ventelister": ("caseworker", lambda w: "/ventelister/"),
    "BPA": ("caseworker", lambda w: "/bpa/"),
    "avlastning": ("caseworker", lambda w: "/avlastning/"),
    "API personer": ("caseworker", lambda w: "/api/v1/persons/"),
    "API person": ("caseworker", lambda w: f"/api/v1/persons/{w.subject.pk}/"),
    "API vedtak": ("caseworker", lambda w: f"/api/v1/decisions/{w.decision.pk}/"),
    "API besøk": ("provider", lambda w: "/api/v1/visits/"),
    "API saker": ("caseworker", lambda w: "/api/v1/cases/"),
    "API bestillinger": ("provider", lambda w: "/api/v1/orders/"),
}


def count(client, url: str) -> int:
    client.get(url)  # warm caches (session, content types) outside the count
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured)


def count_all(client, w) -> dict[str, int]:
    found = {}
    for name, (role, url) in SCREENS.items():
        client.force_login(getattr(w, role))
        found[name] = count(client, url(w))
    return found


def test_screens_cost_the_same_queries_when_the_data_grows(city, client):
    before = count_all(client, city)
    grow(city)
    grown = count_all(client, city)
    changed = {name: (before[name], grown[name]) for name in SCREENS
               if grown[name] != before[name]}
    assert not changed, f"queries grew with the data (before, after): {changed}"
    # A budget in absolute terms too: no main screen needs more than 40 queries.
    assert max(grown.values()) <= 40, grown
