"""Midlertidig stans registered by the provider on the order (report 000 footnote 33)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.provision.test_trust_model_flow import order  # noqa: F401
from tildel.accounts.models import AccessLogEntry
from tildel.casework.models import ServicePause

pytestmark = pytest.mark.django_db


def stop(client, order, **fields):  # noqa: F811
    line = order.lines.get()
    data = {"service_line": line.pk, "reason": "hospital",
            "start": timezone.localdate().isoformat(), **fields}
    return client.post(reverse("order-pause", args=[order.pk]), data, follow=True)


def test_hospital_stay_is_registered_shown_and_ended(office, order, client):  # noqa: F811
    client.force_login(office.provider)
    page = stop(client, order).content.decode()
    assert "Den midlertidige stansen er registrert" in page
    assert "Sykehusopphold fra" in page and "pågår" in page
    pause = ServicePause.objects.get()
    assert pause.registered_by == office.provider and pause.end is None
    assert AccessLogEntry.objects.filter(what__contains="midlertidig stans").exists()
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    client.post(reverse("order-pause-end", args=[order.pk, pause.pk]),
                {"end": tomorrow.isoformat()})
    pause.refresh_from_db()
    assert pause.end == tomorrow


def test_overlapping_or_backwards_stops_are_refused_with_a_reason(office, order, client):  # noqa: F811
    client.force_login(office.provider)
    stop(client, order)
    page = stop(client, order, reason="paused").content.decode()
    assert "allerede stanset" in page
    today = timezone.localdate()
    page = stop(client, order, start=(today + dt.timedelta(days=30)).isoformat(),
                end=(today + dt.timedelta(days=20)).isoformat()).content.decode()
    assert "Slutten kan ikke være før starten" in page
    page = stop(client, order, start="").content.decode()
    assert ServicePause.objects.count() == 1
    assert "Feltet må fylles ut" in page


def test_another_unit_cannot_stop_the_service(office, order, client):  # noqa: F811
    from tildel.accounts.models import Role

    stranger = office.user(Role.PROVIDER_STAFF, unit=office.west_unit, username="vest2")
    client.force_login(stranger)
    assert stop(client, order).status_code == 404
    assert not ServicePause.objects.exists()
