"""Access, logging and robustness on the edges: what a careless or curious request meets."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tildel.accounts.models import AccessLogEntry
from tildel.casework.models import Absence, Case, Letter
from tildel.casework.services import decisions, letters, revisions, routing

from .conftest import drafted, granted_line, informed, open_case, refused_line

pytestmark = pytest.mark.django_db


def decided(w, lines=None):
    case = open_case(w, codes=("hjemmesykepleie", "langtidsopphold"))
    informed(case)
    return decisions.sign(drafted(w, case, lines=lines), w.caseworker)


def test_garbage_identity_choice_gets_a_message_not_a_500(office, client):
    from tildel.casework.services import intake

    person = office.person()
    case = intake.submit_citizen_application(office=office.east_office, applicant_name="X",
                                             id_number=person.id_number, phone="1",
                                             subject="Hjelp")
    client.force_login(office.caseworker)
    response = client.post(reverse("case-identity", args=[case.pk]), {"person": "abc"},
                           follow=True)
    assert response.status_code == 200
    assert "Velg personen søknaden gjelder" in response.content.decode()


def test_a_refused_line_cannot_be_closed(office, client):
    decision = decided(office, [granted_line(office), refused_line()])
    refused = decision.lines.get(granted=False)
    client.force_login(office.caseworker)
    response = client.post(reverse("line-close", args=[refused.pk]),
                           {"end": timezone.localdate().isoformat(), "reason": "x"}, follow=True)
    assert "Bare innvilgede tjenester" in response.content.decode()
    with pytest.raises(revisions.CaseworkError):
        revisions.close_line(refused, end=timezone.localdate(), reason="x",
                             actor=office.caseworker)


def test_lists_write_every_shown_person_to_the_access_log(office, client):
    case = open_case(office)
    Case.objects.filter(pk=case.pk).update(assigned_to=office.caseworker)
    client.force_login(office.caseworker)
    client.get(reverse("my-queue"))
    assert AccessLogEntry.objects.filter(user=office.caseworker, person=case.person,
                                         what__startswith="Arbeidskø").exists()
    client.get(reverse("api-case-list"))
    assert AccessLogEntry.objects.filter(user=office.caseworker, person=case.person,
                                         what="API: saksliste").exists()


def test_conflict_of_interest_removes_access(office, client):
    case = open_case(office)
    routing.declare_conflict(case, office.caseworker, "Min tante")
    client.force_login(office.caseworker)
    assert client.get(reverse("case-detail", args=[case.pk])).status_code == 403
    assert client.get(reverse("api-case-detail", args=[case.pk])).status_code == 404


def test_cover_sees_the_absent_colleagues_open_cases(office, client):
    case = open_case(office)
    Case.objects.filter(pk=case.pk).update(assigned_to=office.caseworker, queue=None)
    today = timezone.localdate()
    Absence.objects.create(user=office.caseworker, start=today, end=today + dt.timedelta(days=3),
                           cover=office.caseworker2)
    client.force_login(office.caseworker2)
    assert case.reference in client.get(reverse("my-queue")).content.decode()


def test_acknowledgement_counts_only_when_it_has_left(office, settings):
    settings.TILDEL_DISPATCH_CHANNEL = "svarut"
    settings.TILDEL_SVARUT_URL = "http://127.0.0.1:9"
    case = open_case(office)
    letters.create_and_send(case, "acknowledgement", office.caseworker)
    case.refresh_from_db()
    assert case.acknowledgement_sent_on is None
    labels = [label for label, _ in case.outstanding_deadlines(timezone.localdate())]
    assert "Forvaltningsmelding" in labels


def test_untriaged_case_is_due_for_triage_the_same_day(office):
    case = open_case(office)
    assert ("Hastevurdering (samme dag)", case.received_on) in case.outstanding_deadlines(
        case.received_on)


def test_other_office_reaches_no_decision_letter_or_complaint(office, client):
    decision = decided(office)
    letter = letters.send_decision(decision, office.caseworker)
    from tildel.casework.services import complaints
    complaint = complaints.register(decision, received_on=timezone.localdate(),
                                    complainant="Ingrid", text="Uenig", actor=office.caseworker)
    client.force_login(office.other_caseworker)
    assert client.get(reverse("decision-detail", args=[decision.pk])).status_code == 403
    assert client.get(reverse("letter-pdf", args=[letter.pk])).status_code == 403
    assert client.get(reverse("complaint-detail", args=[complaint.pk])).status_code == 403
    assert client.get(reverse("api-decision-detail", args=[decision.pk])).status_code == 404
    assert client.get(reverse("api-complaint-detail", args=[complaint.pk])).status_code == 404
    assert AccessLogEntry.objects.filter(user=office.other_caseworker,
                                         outcome="denied").count() >= 3
    assert Letter.objects.filter(pk=letter.pk).exists()
