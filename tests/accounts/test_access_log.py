"""The access log (tilgangslogg): every look is recorded; nothing can be changed."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from tildel.accounts.models import AccessLogEntry, Role


@pytest.fixture
def seen(client, world):
    """A caseworker opens one person's overview."""
    caseworker = world.user(Role.CASEWORKER, office=world.east_office, username="sara")
    person = world.person(given="Eva", family="Østby")
    world.grant(person, world.east_unit)
    client.force_login(caseworker)
    client.get(reverse("person-overview", args=[person.pk]))
    return caseworker, person


def test_opening_an_overview_records_who_when_what_and_why(seen):
    caseworker, person = seen
    entry = AccessLogEntry.objects.get(person=person)
    assert entry.user == caseworker
    assert entry.role == Role.CASEWORKER
    assert "Personoversikt" in entry.what
    assert entry.purpose == "Saksbehandling"
    assert entry.at is not None


def test_search_hits_are_logged_one_per_person(client, world):
    user = world.user(Role.CASEWORKER, office=world.east_office)
    a = world.person(given="Anne", family="Berg")
    b = world.person(given="Arne", family="Berg")
    world.person(world.west, given="Alf", family="Berg")  # other district: not shown
    client.force_login(user)
    response = client.post(reverse("person-search"), {"q": "berg"})
    assert response.status_code == 200
    logged = set(AccessLogEntry.objects.filter(user=user).values_list("person", flat=True))
    assert logged == {a.pk, b.pk}


def test_entries_cannot_be_changed_or_deleted_by_the_application(seen):
    entry = AccessLogEntry.objects.get()
    entry.purpose = "Endret"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AccessLogEntry.objects.all().delete()
    with pytest.raises(PermissionError):
        AccessLogEntry.objects.update(purpose="Endret")
    assert AccessLogEntry.objects.get().purpose == "Saksbehandling"


def test_the_database_refuses_an_update_too(seen):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE accounts_accesslogentry SET purpose = 'x'")
    assert AccessLogEntry.objects.get().purpose == "Saksbehandling"


def test_administrator_searches_the_log_by_person_number_in_the_body(client, world, seen):
    _, person = seen
    client.force_login(world.user(Role.ADMINISTRATOR))
    response = client.post(reverse("access-log"), {"person_number": person.id_number})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Personoversikt" in page and "sara" in page
    assert person.id_number not in response.request["PATH_INFO"]


def test_access_report_for_an_access_request_lists_every_entry(client, world, seen):
    caseworker, person = seen
    admin = world.user(Role.ADMINISTRATOR)
    client.force_login(admin)
    response = client.post(reverse("access-log-report"), {"person_number": person.id_number})
    page = response.content.decode()
    assert "Innsyn i logg" in page and "Test Saksbehandler" in page
    csv_response = client.post(reverse("access-log-report"),
                               {"person_number": person.id_number, "format": "csv"})
    rows = csv_response.content.decode().strip().splitlines()
    assert rows[0].startswith("Tidspunkt;Bruker")
    # the caseworker's look, the report shown as a page, and this download
    assert len(rows) == 1 + 3
    # Producing the report is itself a logged access.
    assert AccessLogEntry.objects.filter(user=admin, person=person).count() == 2


def test_log_search_needs_a_criterion_and_names_unknown_numbers(client, world):
    client.force_login(world.user(Role.ADMINISTRATOR))
    page = client.post(reverse("access-log"), {}).content.decode()
    assert "Oppgi minst ett søkekriterium" in page
    page = client.post(reverse("access-log"), {"person_number": "00000000000"}).content.decode()
    assert "Fant ingen person med dette nummeret" in page
    response = client.post(reverse("access-log-report"), {"username": "ingen"})
    assert response.status_code == 400


def test_only_the_administrator_reads_the_log(client, world):
    client.force_login(world.user(Role.CASEWORKER, office=world.east_office))
    assert client.get(reverse("access-log")).status_code == 403
