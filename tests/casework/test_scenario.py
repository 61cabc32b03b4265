"""The issue's walk-through, as a caseworker, a leader and a provider would do it.

A daughter phones about her father on the Wednesday before Easter 2027; the office
triages, visits, scores IPLOS, grants 6 hours a week of home nursing and refuses a
long-term stay offering a short-term stay; the leader counter-signs; the letter lands in
the outbox; the home-nursing unit sees and acknowledges the order; a complaint is upheld,
forwarded and decided by Statsforvalteren.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from pypdf import PdfReader

from tildel.casework.models import Case, Complaint, Decision, Dispatch, Letter, Order

from .conftest import father

pytestmark = pytest.mark.django_db


def post(client, name, data=None, pk=None, follow=False):
    url = reverse(name, args=[pk] if pk is not None else [])
    return client.post(url, data or {}, follow=follow)


def test_phone_enquiry_to_decision_order_and_complaint(office, easter, client, tmp_path):
    w = office
    person = father(w)
    client.force_login(w.caseworker)

    # 1. Register the daughter's phone call.
    response = post(client, "case-new", {
        "person": person.pk, "channel": "phone", "sender_name": "Ingrid Hansen",
        "sender_role": "next_of_kin", "sender_phone": "41234567",
        "received_at": "2027-03-24T10:00", "subject": "Far klarer ikke medisinene og "
        "vil ikke lenger bo alene.", "text": "Ringte kl. 10.",
        "services": [s.pk for s in _services("hjemmesykepleie", "langtidsopphold")]})
    assert response.status_code == 302, response.content.decode()[:2000]
    case = Case.objects.get(person=person)

    # Deadlines across Easter 2027 (report 004 L2666-2667: 3 working days; L3104: 3 weeks).
    deadlines = case.deadlines()
    assert deadlines.acknowledgement_due == dt.date(2027, 4, 1)
    assert deadlines.decision_due == dt.date(2027, 4, 14)
    page = client.get(reverse("case-detail", args=[case.pk])).content.decode()
    assert "01.04.2027" in page and "14.04.2027" in page

    # 2. Triage the same day, send the acknowledgement.
    post(client, "case-triage", {"urgency": "priority", "note": "Bor alene"}, pk=case.pk)
    post(client, "case-letter", {"kind": "acknowledgement"}, pk=case.pk)
    case.refresh_from_db()
    assert case.urgency == Case.Urgency.PRIORITY
    assert case.acknowledgement_sent_on == dt.date(2027, 3, 24)

    # 3. Home visit with IPLOS scores and goals.
    response = post(client, "assessment-edit", {
        "kind": "home_visit", "next_of_kin_invited": "on", "held_on": "2027-03-24",
        "participants": "Arne, datteren Ingrid", "what_matters": "Å bo hjemme med katten.",
        "goals": "Ta medisinene riktig hver dag.", "findings": "Bor alene, glemmer medisiner.",
        "rehabilitation_screening": "no",
        "lower_levels_considered": "Trygghetsalarm og medisindispenser er prøvd.",
        "lower_levels_why_not": "Glemmer fortsatt doser.", "consent_to_collect": "on",
        "sufficiently_informed": "on", **_iplos_scores()}, pk=case.pk)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert case.assessment.scores.count() >= 3

    # 4. Draft: 6 h/week home nursing granted, long-term stay refused, short-term offered.
    post(client, "decision-new", pk=case.pk)
    decision = Decision.objects.get(case=case)
    form = _decision_form(decision, w)
    response = client.post(reverse("decision-edit", args=[decision.pk]), {**form, "sign": "1"})
    assert response.status_code == 302, response.content.decode()[:3000]
    decision.refresh_from_db()
    assert decision.status == Decision.Status.AWAITING_SECOND
    assert decision.outcome == Decision.Outcome.PARTIAL

    # 5. The leader counter-signs.
    client.force_login(w.leader)
    post(client, "decision-second-sign", pk=decision.pk)
    decision.refresh_from_db()
    assert decision.status == Decision.Status.DECIDED
    assert decision.second_signed_by == w.leader
    assert decision.frozen_basis["assessment"]["what_matters"] == "Å bo hjemme med katten."

    # 6. Send: the PDF is in the outbox.
    client.force_login(w.caseworker)
    post(client, "decision-send", pk=decision.pk)
    letter = Letter.objects.get(decision=decision)
    assert letter.status == Letter.Status.RENDERED
    assert letter.dispatches.get().status in (Dispatch.Status.DELIVERED, Dispatch.Status.SENT)
    pdfs = list(w.outbox.glob("*.pdf"))
    assert any(p.name.startswith(letter.reference) for p in pdfs)
    assert not any(person.id_number in p.name for p in w.outbox.iterdir())
    text = "".join(page.extract_text() for page in PdfReader(
        next(p for p in pdfs if p.name.startswith(letter.reference))).pages)
    assert "Korttidsopphold" in text and "Statsforvalteren" in text

    # 7. The home-nursing unit sees the order and acknowledges it.
    client.force_login(w.provider)
    inbox = client.get(reverse("orders-inbox")).content.decode()
    order = Order.objects.get(decision=decision)
    assert order.provider_unit == w.east_unit
    assert "Arne Hansen" in inbox and "Ny" in inbox
    post(client, "order-acknowledge", pk=order.pk)
    order.refresh_from_db()
    assert order.acknowledged_by == w.provider

    # 8. A complaint two weeks later: upheld, forwarded, decided by Statsforvalteren.
    easter.move_to(dt.datetime(2027, 4, 7, 12, 0))
    client.force_login(w.caseworker)
    response = post(client, "complaint-new", {
        "received_on": "2027-04-07", "complainant": "Ingrid Hansen",
        "text": "Far trenger sykehjemsplass."}, pk=decision.pk)
    complaint = Complaint.objects.get(decision=decision)
    assert not complaint.is_late
    client.post(reverse("complaint-action", args=[complaint.pk, "reassess"]),
                {"outcome": "upheld", "note": "Behovet dekkes hjemme."})
    client.post(reverse("complaint-action", args=[complaint.pk, "forward"]))
    client.post(reverse("complaint-action", args=[complaint.pk, "outcome"]),
                {"outcome": "confirmed", "decided_on": "2027-04-07", "note": ""})
    complaint.refresh_from_db()
    assert complaint.forwarded_on == dt.date(2027, 4, 7)
    assert complaint.authority_outcome == Complaint.AuthorityOutcome.CONFIRMED
    bundle = w.outbox / "statsforvalteren" / f"tildel-klage-{complaint.pk}.pdf"
    bundle_text = "".join(p.extract_text() for p in PdfReader(bundle).pages)
    assert "Oversendelse av klage" in bundle_text and "Far trenger sykehjemsplass" in bundle_text
    assert "Å bo hjemme med katten" in bundle_text  # the frozen assessment
    assert len(PdfReader(bundle).pages) > len(PdfReader(
        next(p for p in pdfs if p.name.startswith(letter.reference))).pages)
    download = client.get(reverse("complaint-documents", args=[complaint.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    kinds = set(Letter.objects.filter(case=case).values_list("kind", flat=True))
    assert {"acknowledgement", "decision", "complaint_received",
            "complaint_forwarded"} <= kinds


def _services(*codes):
    from tildel.catalogue.models import Service
    return Service.objects.filter(code__in=codes)


def _iplos_scores():
    from tildel.rules import iplos
    return {f"iplos_{v.code}": 3 for v in iplos.FUNCTIONAL_VARIABLES[:3]}


def _decision_form(decision, w):
    from django.utils import timezone

    from tildel.catalogue.models import Service
    today = timezone.localdate()
    nursing = Service.objects.get(code="hjemmesykepleie").version_on(today)
    long_stay = Service.objects.get(code="langtidsopphold").version_on(today)
    return {
        "version": decision.version, "legal_basis": "hol § 3-2 første ledd nr. 6 a og c",
        "facts": "Bor alene og glemmer medisiner.", "reasons": "Behovet kan dekkes hjemme.",
        "alternative_offered": "",
        "lines-TOTAL_FORMS": "2", "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0", "lines-MAX_NUM_FORMS": "1000",
        "lines-0-service_version": nursing.pk, "lines-0-granted": "1",
        "lines-0-provider_unit": w.east_unit.pk, "lines-0-extent": "6",
        "lines-0-extent_unit": "hours_week", "lines-0-start": "2027-03-29",
        "lines-0-goal": "Riktige medisiner hver dag",
        "lines-1-service_version": long_stay.pk, "lines-1-granted": "0",
        "lines-1-extent_unit": "none",
        "lines-1-alternative_offered": "Korttidsopphold i fire uker for utredning",
    }
