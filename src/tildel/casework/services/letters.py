"""Letters: build the context, render to PDF/A, queue for dispatch.

A template error or a missing value stops the letter: nothing is sent, and the case says
why (``Letter.status = failed`` and a problem on the timeline).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from tildel.casework.models import (
    Case,
    Complaint,
    Decision,
    Dispatch,
    Letter,
    LetterKind,
    LetterTemplate,
)
from tildel.letters.defaults import default_template
from tildel.letters.pdf import LetterRenderError, render_pdf
from tildel.letters.rendering import LetterTemplateError, render_letter_html
from tildel.rules import deadlines

from . import CaseworkError
from .journal import log


def extent_text(line) -> str:
    if line.extent is None or line.extent_unit == "none":
        return "Uten fastsatt omfang"
    amount = f"{line.extent.normalize():f}".replace(".", ",")
    unit = {"hours_week": "timer per uke", "hours_month": "timer per måned",
            "days": "døgn"}[line.extent_unit]
    return f"{amount} {unit}"


def template_source(kind: str) -> str:
    stored = LetterTemplate.objects.filter(kind=kind).first()
    return stored.body if stored else default_template(kind)


def build_context(case: Case, *, decision: Decision | None = None,
                  complaint: Complaint | None = None) -> dict:
    person = case.person
    office = case.allocation_office
    d = case.deadlines()
    context = {
        "municipality": office.districts.first().municipality.name
        if office.districts.exists() else "",
        "office": {"name": office.name, "address": getattr(office, "address", ""),
                   "phone": getattr(office, "phone", "")},
        "today": timezone.localdate(),
        "reference": case.reference,
        "recipient": {"name": person.full_name if person else case.applicant_name,
                      "address": person.address if person else "",
                      "postcode": person.postal_code if person else "",
                      "city": person.postal_place if person else ""},
        "case": {"received_on": case.received_on, "expected_decision_by": d.decision_due,
                 "caseworker_name": case.assigned_to.get_full_name()
                 if case.assigned_to_id else office.name},
    }
    if decision is not None:
        lines = list(decision.lines.select_related("service_version"))
        signers = [u.get_full_name() for u in (decision.decided_by, decision.second_signed_by)
                   if u is not None]
        context["decision"] = {
            "outcome": decision.outcome, "outcome_text": decision.get_outcome_display(),
            "decided_on": decision.decided_on, "legal_basis": decision.legal_basis,
            "facts": decision.facts, "reasons": decision.reasons,
            "alternative_offered": decision.alternative_offered,
            "granted_lines": [{"service": line.service_version.name, "extent": extent_text(line),
                               "start": line.start, "end": line.end,
                               "revision_due": line.revision_due, "goal": line.goal,
                               "frame": line.frame} for line in lines if line.granted],
            "refused_lines": [{"service": line.service_version.name,
                               "alternative": line.alternative_offered
                               or decision.alternative_offered}
                              for line in lines if not line.granted],
            "complaint_deadline_text": "Fristen for å klage er fire uker fra du mottok "
                                       "dette brevet.",
            "signed_by": signers,
            "chargeable": any(line.service_version.chargeable and line.granted
                              for line in lines),
        }
    if complaint is not None:
        context["complaint"] = {"received_on": complaint.received_on,
                                "decision_reference": complaint.decision.reference}
    return context


TITLES = {
    LetterKind.ACKNOWLEDGEMENT: "Vi har mottatt søknaden din",
    LetterKind.PRELIMINARY_REPLY: "Foreløpig svar på søknaden din",
    LetterKind.DECISION: "Vedtak om helse- og omsorgstjenester",
    LetterKind.COMPLAINT_RECEIVED: "Vi har mottatt klagen din",
    LetterKind.COMPLAINT_FORWARDED: "Klagen din er sendt til Statsforvalteren",
}


@transaction.atomic
def create_letter(case: Case, kind: str, actor, *, decision: Decision | None = None,
                  complaint: Complaint | None = None) -> Letter:
    """Render one letter. On a template error the letter is kept as failed, with why."""
    if case.person_id is None:
        raise CaseworkError("Søkerens identitet må bekreftes før det sendes brev.")
    letter = Letter(case=case, kind=kind, title=TITLES[LetterKind(kind)], decision=decision,
                    complaint=complaint, created_by=actor)
    try:
        html = render_letter_html(template_source(kind),
                                  build_context(case, decision=decision, complaint=complaint))
        letter.pdf = render_pdf(html)
        letter.status = Letter.Status.RENDERED
    except (LetterTemplateError, LetterRenderError) as error:
        letter.status, letter.error = Letter.Status.FAILED, str(error)
    letter.save()
    if letter.status == Letter.Status.FAILED:
        log(case, f"Brevet «{letter.title}» kunne ikke lages og er ikke sendt: {letter.error}",
            actor, problem=True)
    else:
        log(case, f"Brevet «{letter.title}» er laget.", actor)
    return letter


def send(letter: Letter, actor=None) -> Dispatch | None:
    """Queue the letter on the configured channel and try to send it at once."""
    from tildel.casework.services import dispatching

    if letter.status != Letter.Status.RENDERED:
        return None
    dispatch = Dispatch.objects.create(letter=letter, channel=dispatching.channel_name(),
                                       next_attempt_at=timezone.now())
    log(letter.case, f"Brevet «{letter.title}» er lagt i kø for sending "
                     f"({dispatch.channel}).", actor)
    return dispatching.attempt(dispatch)


def mark_sent(letter: Letter, day: dt.date) -> None:
    """What a letter that has left fulfils; called when a dispatch succeeds, never before.

    Only the first successful dispatch counts: a resend does not move the dates.
    """
    case = Case.objects.get(pk=letter.case_id)
    if letter.kind == LetterKind.ACKNOWLEDGEMENT and not case.acknowledgement_sent_on:
        Case.objects.filter(pk=case.pk).update(acknowledgement_sent_on=day)
    if letter.kind == LetterKind.PRELIMINARY_REPLY and not case.preliminary_reply_sent_on:
        Case.objects.filter(pk=case.pk).update(preliminary_reply_sent_on=day)
    if letter.kind == LetterKind.DECISION and letter.decision_id:
        Decision.objects.filter(pk=letter.decision_id, reached_party_on__isnull=True).update(
            reached_party_on=reached_party_on(day))


def create_and_send(case: Case, kind: str, actor, **kwargs) -> Letter:
    letter = create_letter(case, kind, actor, **kwargs)
    send(letter, actor)
    return letter


def reached_party_on(sent_on: dt.date) -> dt.date:
    """When a sent decision is taken to have reached the party, for the complaint limit.

    Digital post is taken as received when sent; we use the next working day, the cautious
    reading in the party's favour.
    """
    return deadlines.add_working_days(sent_on, 1)


@transaction.atomic
def send_decision(decision: Decision, actor) -> Letter:
    """Render and send the decision letter; the complaint clock starts when it arrives."""
    if decision.status != Decision.Status.DECIDED:
        raise CaseworkError("Vedtaket må være fattet før det sendes.")
    if decision.case_id is None:
        raise CaseworkError("Vedtaket hører ikke til en sak.")
    letter = create_letter(decision.case, LetterKind.DECISION, actor, decision=decision)
    if letter.status == Letter.Status.RENDERED:
        send(letter, actor)
    return letter
