"""Catalogue in the admin: a change is a new version; existing versions are read-only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from tildel.accounts.models import Role
from tildel.catalogue.models import Service, ServiceVersion


@pytest.fixture
def admin_client(client, world):
    admin = world.user(Role.ADMINISTRATOR, username="admin")
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    return client


def _form_data(service, version, new=None):
    data = {
        "code": service.code, "national_type": service.national_type_id,
        "is_local": "on" if service.is_local else "",
        "versions-TOTAL_FORMS": "2" if new else "1", "versions-INITIAL_FORMS": "1",
        "versions-MIN_NUM_FORMS": "0", "versions-MAX_NUM_FORMS": "1000",
        "versions-0-id": str(version.pk), "versions-0-service": str(service.pk),
    }
    if new:
        data.update({f"versions-1-{k}": v for k, v in new.items()})
        data["versions-1-service"] = str(service.pk)
    return data


def test_adding_a_version_in_the_admin_closes_the_previous(admin_client):
    service = Service.objects.get(code="stottekontakt")
    old = service.versions.get()
    new = {"valid_from": "2026-01-01", "name": "Støttekontakt (ny ordning)", "care_level": "2",
           "legal_basis": old.legal_basis, "decision_required": "on",
           "revision_interval_months": "12", "extent_unit": "hours_week"}
    response = admin_client.post(reverse("admin:catalogue_service_change", args=[service.pk]),
                                 _form_data(service, old, new))
    assert response.status_code == 302, response.content.decode()[:2000]
    old.refresh_from_db()
    assert old.valid_to == dt.date(2025, 12, 31)
    assert old.name == "Støttekontakt"
    assert service.version_on(dt.date(2026, 2, 1)).name == "Støttekontakt (ny ordning)"


def test_a_back_dated_version_gets_a_field_message_and_nothing_changes(admin_client):
    service = Service.objects.get(code="stottekontakt")
    old = service.versions.get()
    new = {"valid_from": "2001-01-01", "name": "Feil", "care_level": "2",
           "legal_basis": "x", "revision_interval_months": "12", "extent_unit": "none"}
    response = admin_client.post(reverse("admin:catalogue_service_change", args=[service.pk]),
                                 _form_data(service, old, new))
    assert response.status_code == 200
    assert "Ny versjon må gjelde fra en dato etter forrige versjon" in response.content.decode()
    assert ServiceVersion.objects.filter(service=service).count() == 1


def test_national_codes_cannot_be_edited(admin_client):
    response = admin_client.get(reverse("admin:catalogue_nationalservicetype_changelist"))
    assert response.status_code == 200
    assert "Trygghetsalarm" in response.content.decode()
    response = admin_client.get(reverse("admin:catalogue_nationalservicetype_add"))
    assert response.status_code == 403
