"""Intake (mottak): enquiries and applications, triage, immediate measures, case clock.

MISSION.md § process 1–2; report 004 (intake by e-form, paper, phone and e-message; urgency
triage the same day; strakstiltak regularised by a decision).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from tildel.casework.models import (
    Case,
    CaseExtension,
    CaseSuspension,
    Channel,
    Enquiry,
    ImmediateMeasure,
    SenderRole,
    Task,
)
from tildel.people.models import Person
from tildel.rules import identity

from . import CaseworkError
from .journal import log
from .routing import assign_by_rules


@transaction.atomic
def register_enquiry(*, office, person: Person | None, channel: str, sender_name: str,
                     sender_role: str, text: str, subject: str, services=(),
                     sender_phone: str = "", received_at: dt.datetime | None = None,
                     scan=None, actor=None, case: Case | None = None) -> Case:
    """Register an enquiry; open a new case unless ``case`` is given. Routes new cases."""
    received_at = received_at or timezone.now()
    if received_at > timezone.now() + dt.timedelta(minutes=5):
        raise CaseworkError({"received_at": ["Mottakstidspunktet kan ikke være i framtiden."]})
    new = case is None
    if new:
        case = Case.objects.create(allocation_office=office, person=person, subject=subject,
                                   received_at=received_at,
                                   identity_confirmed_at=timezone.now() if person else None,
                                   identity_confirmed_by=actor if person else None)
        case.requested_services.set(services)
    Enquiry.objects.create(case=case, channel=channel, sender_name=sender_name,
                           sender_role=sender_role, sender_phone=sender_phone,
                           received_at=received_at, text=text, scan=scan or "",
                           registered_by=actor)
    log(case, f"Henvendelse registrert ({Channel(channel).label.lower()}, "
              f"fra {SenderRole(sender_role).label.lower()}).", actor)
    if new:
        assign_by_rules(case, actor)
    return case


def office_for_applicant(id_number: str):
    """The office covering the registered applicant's district (the address register's role)."""
    person = Person.objects.filter(id_number=id_number).select_related("district").first()
    if person is None or person.district is None:
        return None
    return person.district.allocation_offices.first()


@transaction.atomic
def submit_citizen_application(*, office, applicant_name: str, id_number: str, phone: str,
                               subject: str, services=(), sender_name: str = "",
                               sender_role: str = SenderRole.APPLICANT) -> Case:
    """Søknad from the public e-form. The office confirms the identity before it is used."""
    parsed = identity.parse(id_number, allow_synthetic=True)
    case = Case.objects.create(allocation_office=office, subject=subject,
                               applicant_name=applicant_name, applicant_id_number=parsed.number,
                               applicant_phone=phone)
    case.requested_services.set(services)
    Enquiry.objects.create(case=case, channel=Channel.E_FORM,
                           sender_name=sender_name or applicant_name, sender_role=sender_role,
                           sender_phone=phone, text=subject)
    log(case, "Søknad mottatt fra elektronisk skjema. Identitet må bekreftes.")
    assign_by_rules(case)  # rules that need the person's district wait for the identity
    return case


@transaction.atomic
def confirm_identity(case: Case, person: Person, actor) -> Case:
    """The office has checked who applied; the case is linked to the person."""
    if case.applicant_id_number and person.id_number != case.applicant_id_number:
        raise CaseworkError({"person": ["Personen har et annet fødselsnummer enn det "
                                        "søknaden oppgir."]})
    case.person = person
    case.identity_confirmed_at = timezone.now()
    case.identity_confirmed_by = actor
    case.save(update_fields=["person", "identity_confirmed_at", "identity_confirmed_by"])
    log(case, "Søkerens identitet er bekreftet.", actor)
    if case.assigned_to_id is None:
        assign_by_rules(case, actor)  # now the district and portfolio rules can apply
    return case


@transaction.atomic
def triage(case: Case, urgency: str, note: str, actor) -> Case:
    """Hastevurdering, the same day the case arrives."""
    if urgency == Case.Urgency.UNTRIAGED:
        raise CaseworkError({"urgency": ["Velg hvor mye saken haster."]})
    case.urgency, case.triage_note = urgency, note
    case.triaged_at, case.triaged_by = timezone.now(), actor
    case.save(update_fields=["urgency", "triage_note", "triaged_at", "triaged_by"])
    log(case, f"Hastevurdert: {Case.Urgency(urgency).label}.", actor)
    return case


@transaction.atomic
def start_immediate_measure(case: Case, *, service, provider_unit, started_on: dt.date,
                            description: str, actor) -> ImmediateMeasure:
    """Strakstiltak: a task to regularise it with a decision falls due with the decision."""
    if started_on < case.received_on:
        raise CaseworkError({"started_on": ["Strakstiltaket kan ikke starte før saken kom inn."]})
    due = case.deadlines().decision_due
    task = Task.objects.create(case=case, kind=Task.Kind.REGULARISE, due_on=due,
                               assigned_to=case.assigned_to,
                               title=f"Regularisere strakstiltak med vedtak: {service}")
    measure = ImmediateMeasure.objects.create(case=case, service=service,
                                              provider_unit=provider_unit,
                                              started_on=started_on, description=description,
                                              task=task)
    log(case, f"Strakstiltak startet: {service} hos {provider_unit}.", actor)
    return measure


@transaction.atomic
def suspend(case: Case, start: dt.date, reason: str, actor) -> CaseSuspension:
    """Stans: every deadline that depends on the case clock moves by the days suspended."""
    if case.is_suspended():
        raise CaseworkError({"start": ["Saken er allerede stanset."]})
    if start < case.received_on:
        raise CaseworkError({"start": ["Stansen kan ikke begynne før saken kom inn."]})
    suspension = CaseSuspension.objects.create(case=case, start=start, reason=reason)
    log(case, f"Saksbehandlingen er stanset fra {start:%d.%m.%Y}: {reason}", actor)
    return suspension


@transaction.atomic
def resume(case: Case, end: dt.date, actor) -> CaseSuspension:
    suspension = case.suspensions.filter(end__isnull=True).first()
    if suspension is None:
        raise CaseworkError({"end": ["Saken er ikke stanset."]})
    if end < suspension.start:
        raise CaseworkError({"end": ["Saken kan ikke gjenopptas før den ble stanset."]})
    suspension.end = end
    suspension.save(update_fields=["end"])
    log(case, f"Saksbehandlingen er gjenopptatt {end:%d.%m.%Y}.", actor)
    return suspension


@transaction.atomic
def extend(case: Case, days: int, reason: str, actor) -> CaseExtension:
    if days < 1 or days > 180:
        raise CaseworkError({"days": ["Forlengelsen må være mellom 1 og 180 dager."]})
    extension = CaseExtension.objects.create(case=case, days=days, reason=reason)
    log(case, f"Saksbehandlingstiden er forlenget med {days} dager: {reason}", actor)
    return extension
