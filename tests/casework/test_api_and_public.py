"""The REST API with the screens' rules, the OpenAPI document, and the citizen form."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tildel.casework.models import Case, Decision, ForumMeeting, Order, WorkQueue
from tildel.casework.services import routing

from .conftest import father, informed

pytestmark = pytest.mark.django_db


def test_openapi_document_is_served(office, client):
    client.force_login(office.caseworker)
    response = client.get(reverse("api-schema"), HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    body = response.content.decode()
    assert "/api/v1/decisions/{id}/sign/" in body and "/api/v1/orders/" in body


def test_api_walks_a_case_from_enquiry_to_order(office, client):
    w = office
    person = father(w)
    client.force_login(w.caseworker)
    created = client.post(reverse("api-case-list"), {
        "person": person.pk, "channel": "phone", "sender_name": "Ingrid Hansen",
        "sender_role": "next_of_kin", "subject": "Hjelp med medisiner",
        "services": ["hjemmesykepleie"]}, content_type="application/json")
    assert created.status_code == 201, created.content
    case = Case.objects.get(pk=created.json()["id"])
    assert created.json()["deadlines"]["decision_due"]
    informed(case)
    draft = client.post(reverse("api-case-decisions", args=[case.pk]))
    assert draft.status_code == 201
    decision_id, version = draft.json()["id"], draft.json()["version"]
    saved = client.put(reverse("api-decision-detail", args=[decision_id]), {
        "version": version, "legal_basis": "hol § 3-2 første ledd nr. 6 a",
        "facts": "Bor alene.", "reasons": "Trenger hjelp.",
        "lines": [{"service": "hjemmesykepleie", "provider_unit": w.east_unit.pk,
                   "extent": "6", "extent_unit": "hours_week",
                   "start": timezone.localdate().isoformat()}]},
        content_type="application/json")
    assert saved.status_code == 200, saved.content
    assert saved.json()["version"] == version + 1
    signed = client.post(reverse("api-decision-sign", args=[decision_id]))
    assert signed.json()["status"] == Decision.Status.DECIDED
    sent = client.post(reverse("api-decision-send", args=[decision_id]))
    assert sent.status_code == 200 and sent.json()["reached_party_on"]
    client.force_login(w.provider)
    orders = client.get(reverse("api-order-list") + "?new=1").json()
    assert orders["count"] == 1
    order_id = orders["results"][0]["id"]
    client.post(reverse("api-order-acknowledge", args=[order_id]))
    assert Order.objects.get(pk=order_id).acknowledged_by == w.provider


def test_api_follows_roles(office, client):
    client.force_login(office.provider)
    assert client.get(reverse("api-case-list")).status_code == 403
    client.force_login(office.caseworker)
    assert client.get(reverse("api-order-list")).status_code == 403
    client.logout()
    assert client.get(reverse("api-case-list")).status_code in (401, 403)


def test_citizen_applies_without_login_and_the_office_confirms_identity(office, client):
    person = father(office)
    page = client.get(reverse("citizen-apply"))
    assert page.status_code == 200
    bad = client.post(reverse("citizen-apply"), {"applicant_name": "Arne Hansen",
                                                 "id_number": "12345678901", "phone": "1",
                                                 "subject": "Hjelp", "consent": "on"})
    assert "Kontrollsifrene stemmer ikke" in bad.content.decode()
    assert not Case.objects.exists()
    done = client.post(reverse("citizen-apply"), {
        "applicant_name": "Arne Hansen", "id_number": person.id_number, "phone": "41234567",
        "subject": "Trenger hjelp med dusj", "consent": "on"}, follow=True)
    assert "Søknaden er sendt" in done.content.decode()
    case = Case.objects.get()
    assert case.person is None and case.applicant_id_number == person.id_number
    assert person.id_number not in done.redirect_chain[-1][0]
    client.force_login(office.caseworker)
    page = client.get(reverse("case-detail", args=[case.pk])).content.decode()
    assert "Identitet må bekreftes" in page
    client.post(reverse("case-identity", args=[case.pk]), {"person": person.pk})
    case.refresh_from_db()
    assert case.person == person and case.identity_confirmed_by == office.caseworker


def test_identity_must_match_the_number_given(office):
    from tildel.casework.services import intake

    person, other = father(office), office.person(given="Per")
    case = intake.submit_citizen_application(office=office.east_office,
                                             applicant_name="Arne", id_number=person.id_number,
                                             phone="1", subject="Hjelp")
    with pytest.raises(intake.CaseworkError):
        intake.confirm_identity(case, other, office.caseworker)


def test_forum_meeting_is_recorded_and_attached_to_the_decision(office, client):
    from .conftest import open_case

    board = WorkQueue.objects.create(allocation_office=office.east_office,
                                     name="Tildelingsnemnd", kind=WorkQueue.Kind.BOARD)
    case = open_case(office)
    client.force_login(office.leader)
    client.post(reverse("case-forum", args=[case.pk]), {
        "queue": board.pk, "held_on": timezone.localdate().isoformat(),
        "participants": "Leder, to saksbehandlere", "outcome": "Innvilge hjemmesykepleie"})
    meeting = ForumMeeting.objects.get(case=case)
    informed(case)
    from tildel.casework.services import decisions
    assert decisions.create_draft(case, office.caseworker).forum_meeting == meeting
    with pytest.raises(routing.CaseworkError):
        routing.record_forum_meeting(case, queue=board, actor=office.leader,
                                     held_on=timezone.localdate() + dt.timedelta(days=1),
                                     participants="x", outcome="y")


def test_paper_enquiry_keeps_the_scan_under_a_random_name(office, client, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tildel.casework.models import Enquiry

    settings.MEDIA_ROOT = tmp_path / "media"
    person = father(office)
    client.force_login(office.caseworker)
    base = {"person": person.pk, "channel": "paper", "sender_name": "Arne Hansen",
            "sender_role": "applicant", "received_at": "2026-01-05T09:00",
            "subject": "Søknad om hjemmesykepleie"}
    missing = client.post(reverse("case-new"), base)
    assert "Last opp det skannede brevet" in missing.content.decode()
    scan = SimpleUploadedFile("Arne_Hansen_soknad.pdf", b"%PDF-1.4 test",
                              content_type="application/pdf")
    response = client.post(reverse("case-new"), {**base, "scan": scan})
    assert response.status_code == 302
    enquiry = Enquiry.objects.get(case__person=person)
    assert "Hansen" not in enquiry.scan.name
    download = client.get(reverse("enquiry-scan", args=[enquiry.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 test"
    client.force_login(office.other_caseworker)
    assert client.get(reverse("enquiry-scan", args=[enquiry.pk])).status_code == 403
