"""Registering a person: field-level Norwegian messages, nothing saved on bad input."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from tildel.accounts.models import Role
from tildel.people.models import Person

from ..conftest import make_number


@pytest.fixture
def caseworker_client(client, world):
    client.force_login(world.user(Role.CASEWORKER, office=world.east_office))
    return client


def form(world, **overrides):
    data = {"id_number": make_number(dt.date(1950, 3, 9), seed=99), "given_name": "Ola",
            "family_name": "Hansen", "district": str(world.east.pk), "address": "Storgata 2",
            "postal_code": "4006", "postal_place": "Stavanger", "phone": "", "date_of_death": ""}
    data.update(overrides)
    return data


def test_valid_person_is_saved_with_derived_birth_date_and_sex(caseworker_client, world):
    response = caseworker_client.post(reverse("person-create"), form(world))
    person = Person.objects.get(family_name="Hansen")
    assert response.status_code == 302
    assert response["Location"] == reverse("person-overview", args=[person.pk])
    assert person.birth_date == dt.date(1950, 3, 9)
    assert person.legal_sex == "K"
    assert person.municipality == world.municipality
    assert person.access_log.filter(what="Registrering av person").count() == 1


@pytest.mark.parametrize(("field", "value", "message"), [
    ("id_number", "12345678901", "Kontrollsifrene stemmer ikke"),
    ("id_number", "1234", "11 sifre"),
    ("date_of_death", "2024-02-31", "Oppgi en gyldig dato"),
    ("date_of_death", "1900-01-01", "Dødsdato kan ikke være før fødselsdato"),
    ("postal_code", "40a6", "Postnummer har fire sifre"),
    ("given_name", "", "Dette feltet er påkrevd"),
])
def test_bad_input_gets_a_field_message_and_nothing_is_saved(caseworker_client, world, field,
                                                             value, message):
    response = caseworker_client.post(reverse("person-create"), form(world, **{field: value}))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count(message) == 2  # once in the summary, once at the field
    assert f'id="id_{field}_error"' in page
    assert f'aria-describedby="id_{field}_error"' in page and 'aria-invalid="true"' in page
    assert not Person.objects.filter(family_name="Hansen").exists()


def test_district_outside_the_office_is_refused(caseworker_client, world):
    response = caseworker_client.post(reverse("person-create"),
                                      form(world, district=str(world.west.pk)))
    assert "Velg et distrikt du har tilgang til" in response.content.decode()
    response = caseworker_client.post(reverse("person-create"), form(world, district="99999"))
    assert "Velg et distrikt du har tilgang til" in response.content.decode()
    assert not Person.objects.filter(family_name="Hansen").exists()


def test_duplicate_person_is_refused(caseworker_client, world):
    existing = world.person()
    response = caseworker_client.post(reverse("person-create"),
                                      form(world, id_number=existing.id_number))
    assert "allerede registrert" in response.content.decode()
    assert Person.objects.filter(id_number=existing.id_number).count() == 1


def test_synthetic_numbers_refused_when_the_installation_turns_them_off(
        caseworker_client, world, settings):
    settings.SYNTHETIC_IDS_ALLOWED = False
    response = caseworker_client.post(reverse("person-create"), form(world))
    assert "Syntetiske testnummer er ikke tillatt" in response.content.decode()
    assert not Person.objects.exists()


def test_provider_staff_cannot_register_persons(client, world):
    client.force_login(world.user(Role.PROVIDER_STAFF, unit=world.east_unit))
    assert client.get(reverse("person-create")).status_code == 403
