"""Nødrett (break-glass, issue 10 item 1): a user may open a record outside their scope
only by stating a reason; it lasts two hours, every read is logged with the reason, and
the user's leader reviews it."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from tildel.accounts.models import AccessLogEntry, AccessOutcome, EmergencyAccess, Role

pytestmark = pytest.mark.django_db
NOON = dt.datetime(2026, 11, 18, 12, 0, tzinfo=ZoneInfo("Europe/Oslo"))
REASON = "Ringt fra legevakten, bruker funnet forvirret, trenger medisinliste nå"


@pytest.fixture
def setting(world):
    world.caseworker = world.user(Role.CASEWORKER, office=world.east_office, username="øst")
    world.leader = world.user(Role.OFFICE_LEADER, office=world.east_office, username="leder")
    world.other_leader = world.user(Role.OFFICE_LEADER, office=world.west_office,
                                    username="vestleder")
    world.outside = world.person(world.west, given="Vera", family="Vestby")
    return world


def overview(w):
    return reverse("person-overview", args=[w.outside.pk])


def test_outside_scope_is_refused_and_offers_emergency_access_with_a_reason(client, setting):
    w = setting
    client.force_login(w.caseworker)
    with time_machine.travel(NOON, tick=False):
        refused = client.get(overview(w))
        assert refused.status_code == 403
        emergency = reverse("person-emergency", args=[w.outside.pk])
        assert emergency in refused.content.decode()
        assert "Vestby" not in refused.content.decode()
        # No reason, too short a reason, or no confirmation: field messages, nothing opened.
        for data, message in [({"confirm": "on"}, "Skriv en begrunnelse."),
                              ({"reason": "haster", "confirm": "on"}, "minst 15 tegn"),
                              ({"reason": REASON}, "Bekreft at du forstår")]:
            page = client.post(emergency, data)
            assert page.status_code == 400 and message in page.content.decode()
        assert not EmergencyAccess.objects.exists()
        assert client.get(overview(w)).status_code == 403

        opened = client.post(emergency, {"reason": REASON, "confirm": "on"})
        assert opened.status_code == 302 and opened["Location"] == overview(w)
        page = client.get(overview(w))
        assert page.status_code == 200 and "Vestby" in page.content.decode()
    log = list(AccessLogEntry.objects.filter(person=w.outside, user=w.caseworker)
               .order_by("id").values_list("what", "purpose", "outcome"))
    assert [o for _, _, o in log].count(AccessOutcome.DENIED) == 2  # the two refused views
    assert log[-2][:2] == ("Nødrett åpnet", f"Nødrett: {REASON}")
    assert log[-1][1] == f"Nødrett: {REASON}" and log[-1][2] == AccessOutcome.SHOWN
    # Two hours later the record is closed again (and the idle session has ended).
    with time_machine.travel(NOON + dt.timedelta(hours=2, minutes=1), tick=False):
        assert client.get(overview(w))["Location"].startswith(reverse("login"))
        client.force_login(w.caseworker)
        assert client.get(overview(w)).status_code == 403


def test_only_roles_that_work_with_persons_may_break_the_glass(client, setting):
    w = setting
    client.force_login(w.user(Role.MANAGEMENT, username="ledelse"))
    emergency = reverse("person-emergency", args=[w.outside.pk])
    assert client.post(emergency, {"reason": REASON, "confirm": "on"}).status_code == 403
    assert not EmergencyAccess.objects.exists()
    client.force_login(w.caseworker)
    assert client.get(reverse("person-emergency", args=[999999])).status_code == 404
    # Within scope there is nothing to break: straight to the record, nothing logged as such.
    own = w.person(w.east)
    response = client.get(reverse("person-emergency", args=[own.pk]))
    assert response.status_code == 302 and not EmergencyAccess.objects.exists()


def test_the_leader_reviews_her_own_staffs_openings_once(client, setting):
    w = setting
    client.force_login(w.caseworker)
    client.post(reverse("person-emergency", args=[w.outside.pk]),
                {"reason": REASON, "confirm": "on"})
    entry = EmergencyAccess.objects.get()
    client.force_login(w.other_leader)  # another office's leader does not see it
    page = client.get(reverse("emergency-review")).content.decode()
    assert REASON not in page
    assert client.post(reverse("emergency-review-done", args=[entry.pk])).status_code == 404
    client.force_login(w.leader)
    page = client.get(reverse("emergency-review")).content.decode()
    assert REASON in page and "Ikke gjennomgått (1)" in page
    assert w.outside.id_number[:6] in page and w.outside.id_number not in page
    assert "Vestby" not in page  # the leader judges the reason, not the record
    done = client.post(reverse("emergency-review-done", args=[entry.pk]),
                       {"note": "Riktig bruk."})
    assert done.status_code == 302
    entry.refresh_from_db()
    assert entry.reviewed_by == w.leader and entry.review_note == "Riktig bruk."
    again = client.post(reverse("emergency-review-done", args=[entry.pk]), {"note": "x"},
                        follow=True)
    assert "allerede gjennomgått" in again.content.decode()
    entry.refresh_from_db()
    assert entry.review_note == "Riktig bruk."
    assert "Ikke gjennomgått (0)" in client.get(reverse("emergency-review")).content.decode()
