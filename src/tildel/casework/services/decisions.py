"""Decisions: draft, save with optimistic locking, sign, counter-sign, replace.

On signing the assessment and the facts are frozen into the decision, revision dates are
set from the catalogue, a decision that replaces an older one closes the older one's
validity, orders go to the provider units, and immediate measures are regularised.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from tildel.accounts.models import Role
from tildel.casework.models import Case, Decision, ImmediateMeasure, Order, ServiceLine, Task
from tildel.housing.services import over_capacity
from tildel.organisation.models import ProviderKind, ProviderUnit
from tildel.rules import deadlines
from tildel.rules import decisions as decision_rules

from . import CaseworkError, StaleEdit
from .journal import log

DECISION_FIELDS = ("legal_basis", "facts", "reasons", "alternative_offered", "valid_from",
                   "forum_meeting")
LINE_FIELDS = ("service_version", "granted", "provider_unit", "extent", "extent_unit", "start",
               "end", "goal", "frame", "alternative_offered")


def _assessment(case: Case | None):
    return getattr(case, "assessment", None) if case is not None else None


def to_draft(decision: Decision, lines=None) -> decision_rules.DecisionDraft:
    """The decision as plain values for ``tildel.rules.decisions``."""
    lines = list(decision.lines.select_related("service_version")) if lines is None else lines
    assessment = _assessment(decision.case)
    return decision_rules.DecisionDraft(
        legal_basis=decision.legal_basis, facts=decision.facts, reasons=decision.reasons,
        alternative_offered=decision.alternative_offered,
        lines=tuple(decision_rules.LineDraft(
            service_name=line.service_version.name, granted=line.granted,
            care_level=line.service_version.care_level,
            extent=Decimal(line.extent) if line.extent is not None else None,
            extent_unit=line.extent_unit, start=line.start, end=line.end,
            has_provider_unit=line.provider_unit_id is not None,
            alternative_offered=line.alternative_offered) for line in lines),
        sufficiently_informed=bool(assessment and assessment.sufficiently_informed),
        rehabilitation_screened=bool(assessment and assessment.rehabilitation_screening),
        lower_levels_considered=assessment.lower_levels_considered if assessment else "",
    )


@transaction.atomic
def create_draft(case: Case, actor, *, replaces: Decision | None = None) -> Decision:
    """A new draft on the case. Needs a confirmed identity and a sufficiently informed case."""
    if not case.person_id:
        raise CaseworkError("Søkerens identitet må bekreftes før vedtak kan skrives.")
    assessment = _assessment(case)
    if assessment is None or not assessment.sufficiently_informed:
        raise CaseworkError({"sufficiently_informed": [
            "Saken må være bekreftet tilstrekkelig opplyst før vedtak kan skrives "
            "(forvaltningsloven § 17)."]})
    if replaces is None and case.kind == Case.Kind.REVISION:
        revision = getattr(case, "revision", None)
        replaces = revision.decision if revision is not None else None
    legal_bases = sorted({v.legal_basis for v in _requested_versions(case)})
    decision = Decision.objects.create(
        person=case.person, allocation_office=case.allocation_office, case=case,
        drafted_by=actor, updated_by=actor, replaces=replaces,
        legal_basis="; ".join(legal_bases), facts=assessment.findings,
        forum_meeting=case.forum_meetings.order_by("-held_on", "-id").first())
    log(case, "Vedtaksutkast opprettet.", actor)
    return decision


def _requested_versions(case: Case):
    today = timezone.localdate()
    return [v for v in (s.version_on(today) for s in case.requested_services.all()) if v]


@transaction.atomic
def save_draft(decision: Decision, *, expected_version: int, fields: dict, lines: list[dict],
               actor) -> Decision:
    """Save a draft. Refused if another user saved it since ``expected_version``.

    ``lines`` is the full list of lines (dicts with LINE_FIELDS, and ``id`` for existing
    ones); lines not in the list are removed.
    """
    locked = Decision.objects.select_for_update().get(pk=decision.pk)
    if locked.version != expected_version:
        who = locked.updated_by.get_full_name() if locked.updated_by else "en annen bruker"
        when = timezone.localtime(locked.updated_at).strftime("%d.%m.%Y kl. %H:%M")
        raise StaleEdit(f"Vedtaket ble endret av {who} {when}, etter at du åpnet det. "
                        "Endringene dine er ikke lagret. Åpne vedtaket på nytt og gjør "
                        "endringene der.")
    if locked.status != Decision.Status.DRAFT:
        raise CaseworkError("Vedtaket er signert og kan ikke endres. Lag et nytt vedtak "
                            "som erstatter det.")
    for name in DECISION_FIELDS:
        if name in fields:
            setattr(locked, name, fields[name])
    drafts = [ServiceLine(decision=locked, **{k: line.get(k) for k in LINE_FIELDS
                                             if k in line}) for line in lines]
    for line in drafts:
        if line.extent_unit is None:
            line.extent_unit = line.service_version.extent_unit
        for name in ("goal", "frame", "alternative_offered"):
            if getattr(line, name) is None:
                setattr(line, name, "")
        if not line.granted:
            line.provider_unit = None
    problems = decision_rules.draft_problems(to_draft(locked, drafts))
    if problems:
        raise CaseworkError(problems)
    locked.outcome = decision_rules.outcome_for(to_draft(locked, drafts).lines)
    locked.updated_by = actor
    locked.version += 1  # the row is locked (select_for_update)
    locked.save()
    locked.refresh_from_db()
    locked.lines.all().delete()
    ServiceLine.objects.bulk_create(drafts)
    if locked.case_id:
        log(locked.case, "Vedtaksutkast lagret.", actor)
    return locked


def _is_leader(user) -> bool:
    return user.role == Role.OFFICE_LEADER


@transaction.atomic
def sign(decision: Decision, actor, *, today: dt.date | None = None) -> Decision:
    """First signature. Becomes a decision now, or waits for the second signature."""
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    if decision.status != Decision.Status.DRAFT:
        raise CaseworkError("Vedtaket er allerede signert.")
    problems = decision_rules.signing_problems(to_draft(decision))
    if problems:
        raise CaseworkError(problems)
    decision.decided_by, decision.signed_at = actor, timezone.now()
    # Two decisions for one house signed at once must not both pass its capacity check.
    list(ProviderUnit.objects.select_for_update().filter(
        pk__in=decision.lines.filter(provider_unit__isnull=False).values("provider_unit_id"),
        kind=ProviderKind.HOUSING_HABILITATION).order_by("pk").values_list("pk", flat=True))
    # Beyond a house's normed capacity, no resources are released before a leader has
    # approved (report 001, tildel.housing): the second signature.
    over = over_capacity(decision)
    if over or decision.needs_second_signature():
        decision.status = Decision.Status.AWAITING_SECOND
        decision.save()
        if decision.case_id:
            Task.objects.create(case=decision.case, kind=Task.Kind.SECOND_SIGNATURE,
                                title="Godkjenning: over normert kapasitet" if over
                                else "Andre signatur på vedtak",
                                due_on=timezone.localdate() + dt.timedelta(days=2))
            log(decision.case, "Vedtaket er signert og venter på andre signatur." if not over
                else "Vedtaket går ut over normert kapasitet ved "
                     + ", ".join(c.unit.name for c in over)
                     + " og venter på godkjenning (andre signatur) før ressursene tas i bruk.",
                actor)
        return decision
    return _make_decided(decision, actor, today or timezone.localdate())


@transaction.atomic
def second_sign(decision: Decision, actor, *, today: dt.date | None = None) -> Decision:
    """To-signaturordning: a leader, not the first signer, signs as well."""
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    if decision.status != Decision.Status.AWAITING_SECOND:
        raise CaseworkError("Vedtaket venter ikke på andre signatur.")
    if actor.pk == decision.decided_by_id:
        raise CaseworkError("Andre signatur må gis av en annen enn den som signerte først.")
    if not _is_leader(actor):
        raise CaseworkError("Bare leder for tildelingskontoret kan gi andre signatur.")
    decision.second_signed_by, decision.second_signed_at = actor, timezone.now()
    if decision.case_id:
        decision.case.tasks.filter(kind=Task.Kind.SECOND_SIGNATURE,
                                   done_at__isnull=True).update(done_at=timezone.now())
    return _make_decided(decision, actor, today or timezone.localdate())


def _make_decided(decision: Decision, actor, today: dt.date) -> Decision:
    case = decision.case
    assessment = _assessment(case)
    lines = list(decision.lines.select_related("service_version"))
    starts = [line.start for line in lines if line.start]
    decision.status = Decision.Status.DECIDED
    decision.decided_on = today
    decision.valid_from = decision.valid_from or (min(starts) if starts else today)
    decision.frozen_basis = {
        "frozen_at": timezone.now().isoformat(),
        "legal_basis": decision.legal_basis, "facts": decision.facts,
        "reasons": decision.reasons, "alternative_offered": decision.alternative_offered,
        "assessment": assessment.snapshot() if assessment else None,
    }
    decision.version += 1
    decision.save()
    decision.refresh_from_db()
    for line in lines:
        if line.granted and line.start:
            line.revision_due = deadlines.revision_due(
                line.start, line.service_version.revision_interval_months)
            if line.end and line.end < line.revision_due:
                line.revision_due = line.end
            line.save(update_fields=["revision_due"])
    if decision.replaces_id:
        _close_replaced(decision.replaces, decision.valid_from, actor)
    _make_orders(decision, lines, assessment)
    if case is not None:
        _regularise_measures(decision, lines)
        case.status, case.decided_on = Case.Status.DECIDED, today
        case.save(update_fields=["status", "decided_on"])
        signers = decision.decided_by.get_full_name()
        if decision.second_signed_by_id:
            signers += " og " + decision.second_signed_by.get_full_name()
        log(case, f"Vedtak fattet ({decision.get_outcome_display().lower()}), signert av "
                  f"{signers}.", actor)
    return decision


def _close_replaced(old: Decision, new_from: dt.date, actor) -> None:
    """The old decision stays readable; its lines end the day before the new one applies."""
    last_day = new_from - dt.timedelta(days=1)
    for line in old.lines.filter(granted=True):
        if line.end is None or line.end > last_day:
            line.end = max(last_day, line.start)
            line.end_reason = "Erstattet av nytt vedtak"
            line.save(update_fields=["end", "end_reason"])
    if old.case_id:
        log(old.case, f"Vedtaket er erstattet av et nytt vedtak fra {new_from:%d.%m.%Y}.",
            actor)


def _make_orders(decision: Decision, lines, assessment) -> None:
    by_unit: dict[int, list[ServiceLine]] = {}
    for line in lines:
        if line.granted and line.provider_unit_id:
            by_unit.setdefault(line.provider_unit_id, []).append(line)
    person = decision.person
    contacts = [str(k) for k in person.next_of_kin.all()]
    caseworker = decision.case.assigned_to if decision.case_id else None
    if caseworker:
        contacts.insert(0, f"Saksbehandler: {caseworker.get_full_name()}")
    for unit_id, unit_lines in by_unit.items():
        order = Order.objects.create(
            decision=decision, provider_unit_id=unit_id,
            goals="\n".join(filter(None, [assessment.goals if assessment else ""]
                                   + [line.goal for line in unit_lines])),
            practical_information=assessment.what_matters if assessment else "",
            contact_persons="\n".join(contacts))
        order.lines.set(unit_lines)


def _regularise_measures(decision: Decision, lines) -> None:
    """Any decision on the case regularises its measures: a grant continues, a refusal ends."""
    for measure in ImmediateMeasure.objects.filter(case=decision.case,
                                                   regularised_by__isnull=True):
        measure.regularised_by = decision
        measure.save(update_fields=["regularised_by"])
        Task.objects.filter(pk=measure.task_id).update(done_at=timezone.now())


@transaction.atomic
def annul(decision: Decision, actor, *, reason: str, expected_version: int) -> Decision:
    """Annullering: a decided decision made in error is declared void.

    Only the office leader may annul, with a reason; the decision stays readable with who,
    when and why. Its services no longer count in key figures, OKT or KPR (where what was
    reported is cancelled); the unit's order stays readable and says the decision is
    annulled. A decision that replaced another cannot be annulled here:
    the older one's services were ended by it and would not come back, so a new decision
    is the lawful way. Refused if someone changed the decision since ``expected_version``.
    """
    locked = Decision.objects.select_for_update().get(pk=decision.pk)
    if locked.version != expected_version:
        raise StaleEdit("Vedtaket ble endret av en annen etter at du åpnet det. Åpne det på "
                        "nytt før du annullerer.")
    if not _is_leader(actor):
        raise CaseworkError("Bare leder for tildelingskontoret kan annullere et vedtak.")
    if locked.status != Decision.Status.DECIDED:
        raise CaseworkError("Bare fattede vedtak kan annulleres.")
    if locked.replaces_id:
        raise CaseworkError("Vedtaket erstatter et tidligere vedtak. Fatt et nytt vedtak i "
                            "stedet for å annullere, så tjenestene fra det tidligere vedtaket "
                            "ikke faller bort.")
    if Decision.objects.filter(replaces=locked).exists():
        raise CaseworkError("Vedtaket er allerede erstattet av et nyere vedtak.")
    reason = (reason or "").strip()
    if len(reason) < 10:
        raise CaseworkError({"reason": ["Skriv hvorfor vedtaket annulleres (minst 10 tegn)."]})
    locked.status = Decision.Status.ANNULLED
    locked.annulled_at, locked.annulled_by, locked.annulment_reason = (
        timezone.now(), actor, reason)
    locked.updated_by = actor
    locked.version += 1
    locked.save()
    if locked.case_id:
        log(locked.case, f"Vedtaket er annullert: {reason}", actor)
    return locked
