"""Complaints (klage): register, re-assess, forward to Statsforvalteren, record the outcome.

Pasient- og brukerrettighetsloven §§ 7-2 and 7-5: four weeks from when the decision reached
the party. A late complaint is flagged and the office decides whether to consider it
(forvaltningsloven § 31); it is never refused at registration.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from tildel.casework.models import Complaint, Decision, LetterKind, Task

from . import CaseworkError
from .decisions import create_draft
from .journal import log
from .letters import create_and_send


@transaction.atomic
def register(decision: Decision, *, received_on: dt.date, complainant: str, text: str,
             actor, decision_reached_party_on: dt.date | None = None) -> Complaint:
    if decision.status != Decision.Status.DECIDED:
        raise CaseworkError({"decision": ["Det kan bare klages på et fattet vedtak."]})
    if received_on > timezone.localdate():
        raise CaseworkError({"received_on": ["Mottatt-datoen kan ikke være i framtiden."]})
    # A decision never sent has not reached the party: the limit has not started, so the
    # complaint is in time (pbrl § 7-5 counts from when the party was informed).
    reached = decision_reached_party_on or decision.reached_party_on or received_on
    if received_on < decision.decided_on:
        raise CaseworkError({"received_on": ["Klagen kan ikke være mottatt før vedtaket ble "
                                             "fattet."]})
    if not text.strip():
        raise CaseworkError({"text": ["Skriv hva klagen gjelder."]})
    complaint = Complaint.objects.create(decision=decision, received_on=received_on,
                                         complainant=complainant, text=text,
                                         registered_by=actor,
                                         decision_reached_party_on=reached)
    if decision.case_id:
        note = " Klagen kom etter fristen; kontoret vurderer om den likevel skal behandles " \
               "(fvl. § 31)." if complaint.is_late else ""
        log(decision.case, f"Klage registrert, mottatt {received_on:%d.%m.%Y}.{note}", actor,
            problem=complaint.is_late)
        Task.objects.create(case=decision.case, kind=Task.Kind.COMPLAINT,
                            title="Vurdere klage på vedtak", assigned_to=decision.case.assigned_to,
                            due_on=received_on + dt.timedelta(weeks=3))
        if decision.case.person_id:
            create_and_send(decision.case, LetterKind.COMPLAINT_RECEIVED, actor,
                            complaint=complaint)
    return complaint


def _close_task(complaint: Complaint) -> None:
    if complaint.decision.case_id:
        complaint.decision.case.tasks.filter(kind=Task.Kind.COMPLAINT,
                                             done_at__isnull=True).update(done_at=timezone.now())


@transaction.atomic
def reassess(complaint: Complaint, *, outcome: str, note: str, actor) -> Complaint:
    """The office's own review. Reversed: a new draft that replaces the decision."""
    if complaint.reassessment:
        raise CaseworkError({"reassessment": ["Klagen er allerede vurdert av kontoret."]})
    if outcome not in (Complaint.Reassessment.REVERSED, Complaint.Reassessment.UPHELD):
        raise CaseworkError({"reassessment": ["Velg om vedtaket omgjøres eller opprettholdes."]})
    if not note.strip():
        raise CaseworkError({"reassessment_note": ["Begrunn vurderingen."]})
    complaint.reassessment, complaint.reassessment_note = outcome, note
    complaint.reassessed_on = timezone.localdate()
    if outcome == Complaint.Reassessment.REVERSED and complaint.decision.case_id:
        complaint.new_decision = create_draft(complaint.decision.case, actor,
                                              replaces=complaint.decision)
    complaint.save()
    if complaint.decision.case_id:
        log(complaint.decision.case,
            f"Klagen er vurdert: {complaint.get_reassessment_display().lower()}.", actor)
    if outcome == Complaint.Reassessment.REVERSED:
        _close_task(complaint)
    return complaint


@transaction.atomic
def forward(complaint: Complaint, actor) -> Complaint:
    """Upheld by the office: sent to Statsforvalteren with the case documents."""
    if complaint.reassessment != Complaint.Reassessment.UPHELD:
        raise CaseworkError("Bare klager kontoret har opprettholdt vedtaket i, sendes til "
                            "Statsforvalteren.")
    if complaint.forwarded_on:
        raise CaseworkError("Klagen er allerede sendt til Statsforvalteren.")
    complaint.forwarded_on = timezone.localdate()
    complaint.bundle_pdf = case_documents(complaint)
    complaint.save(update_fields=["forwarded_on", "bundle_pdf"])
    _close_task(complaint)
    case = complaint.decision.case
    if case is not None:
        send_to_authority(complaint)
        log(case, "Klagen er sendt til Statsforvalteren med sakens dokumenter.", actor)
        create_and_send(case, LetterKind.COMPLAINT_FORWARDED, actor, complaint=complaint)
    return complaint


def case_documents(complaint: Complaint) -> bytes:
    """Oversendelse til Statsforvalteren: a cover with the complaint, the office's review,
    the decision, the frozen assessment and the case's history, then the decision letter."""
    import io

    from django.template.loader import render_to_string
    from pypdf import PdfWriter

    from tildel.letters.pdf import render_pdf

    decision = complaint.decision
    case = decision.case
    html = render_to_string("casework/authority_bundle.html", {
        "complaint": complaint, "decision": decision, "case": case,
        "office": decision.allocation_office, "today": timezone.localdate(),
        "lines": decision.lines.select_related("service_version"),
        "events": case.events.order_by("at") if case else []})
    writer = PdfWriter()
    writer.append(io.BytesIO(render_pdf(html)))
    for letter in decision.letters.filter(kind=LetterKind.DECISION, pdf__isnull=False):
        writer.append(io.BytesIO(bytes(letter.pdf)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def send_to_authority(complaint: Complaint) -> None:
    """The case documents go to Statsforvalteren through the outbox (post room / eDialog)."""
    from django.conf import settings

    from tildel.dispatch.base import ChannelUnavailable, OutgoingLetter
    from tildel.dispatch.outbox import OutboxChannel

    reference = f"tildel-klage-{complaint.pk}"
    try:
        OutboxChannel(settings.TILDEL_OUTBOX_DIR / "statsforvalteren").send(OutgoingLetter(
            reference=reference, title="Oversendelse av klagesak",
            recipient_name="Statsforvalteren", recipient_id_number="", recipient_address="",
            recipient_postcode="", recipient_city="", pdf=complaint.bundle_pdf,
            filename=f"{reference}.pdf", confidential=True))
    except ChannelUnavailable as error:
        log(complaint.decision.case, f"Sakens dokumenter kunne ikke legges i utboksen: {error}",
            problem=True)


@transaction.atomic
def record_authority_outcome(complaint: Complaint, *, outcome: str, decided_on: dt.date,
                             note: str, actor) -> Complaint:
    if not complaint.forwarded_on:
        raise CaseworkError("Klagen er ikke sendt til Statsforvalteren.")
    if outcome not in Complaint.AuthorityOutcome.values or not outcome:
        raise CaseworkError({"authority_outcome": ["Velg Statsforvalterens avgjørelse."]})
    if decided_on < complaint.forwarded_on:
        raise CaseworkError({"authority_outcome_on": [
            "Avgjørelsen kan ikke være før klagen ble sendt."]})
    complaint.authority_outcome, complaint.authority_outcome_on = outcome, decided_on
    complaint.authority_note = note
    complaint.save()
    case = complaint.decision.case
    if case is not None:
        log(case, f"Statsforvalterens avgjørelse: "
                  f"{complaint.get_authority_outcome_display().lower()}.", actor)
    return complaint
