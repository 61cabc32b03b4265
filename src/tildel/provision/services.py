"""Provider actions under the trust model, and the office's answers to change requests.

Every action is logged on the case's timeline, so the office sees what the unit changed.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from tildel.casework.models import Decision, Order, Revision, ServiceLine, ServicePause
from tildel.casework.services import CaseworkError
from tildel.casework.services.journal import log
from tildel.casework.services.revisions import request_revision
from tildel.rules import trust_model

from .models import Adjustment, ChangeRequest


class OutsideFrame(CaseworkError):
    """The adjustment needs a decision: offer a change request instead."""


def provision_model(order: Order) -> str:
    """The deciding office's model: trust (default) or purchaser-provider."""
    from tildel.casework.models import OfficeSettings

    found = OfficeSettings.objects.filter(
        allocation_office_id=order.decision.allocation_office_id).values_list(
        "provision_model", flat=True).first()
    return found or trust_model.TRUST


def _line_of(order: Order, line_id: int):
    line = order.lines.select_related("service_version").filter(pk=line_id).first()
    if line is None:
        raise CaseworkError({"service_line": ["Velg en tjeneste i bestillingen."]})
    return line


@transaction.atomic
def adjust(order: Order, *, service_line: int, effective_from: dt.date, change: str,
           reason: str, planned_weekly_hours: Decimal | None, actor) -> Adjustment:
    """Record a change inside the frame; refuse (``OutsideFrame``) one outside it."""
    line = _line_of(order, service_line)
    refused = trust_model.adjustment_refused(provision_model(order))
    if refused:
        raise OutsideFrame({"planned_weekly_hours": [refused]})
    if not reason.strip() or not change.strip():
        raise CaseworkError({"reason": ["Skriv hva som endres og hvorfor."]})
    if effective_from < line.start or (line.end and effective_from > line.end):
        raise CaseworkError({"effective_from": ["Datoen må ligge innenfor vedtaksperioden."]})
    problem = trust_model.outside_frame(
        trust_model.decided_weekly_hours(line.extent, line.extent_unit), planned_weekly_hours)
    if problem:
        raise OutsideFrame({"planned_weekly_hours": [problem]})
    adjustment = Adjustment.objects.create(
        order=order, service_line=line, effective_from=effective_from, change=change,
        reason=reason, planned_weekly_hours=planned_weekly_hours, made_by=actor)
    case = order.decision.case
    if case is not None:
        log(case, f"{order.provider_unit} justerte {line.service_version.name} innenfor "
                  f"rammen fra {effective_from:%d.%m.%Y}: {change} (begrunnelse: {reason})",
            actor)
    return adjustment


@transaction.atomic
def request_change(order: Order, *, kind: str, observation: str, since: dt.date, need: str,
                   actor, service_line: int | None = None, if_not: str = "",
                   requested_weekly_hours: Decimal | None = None) -> ChangeRequest:
    """Endringsmelding to the office, with a structured justification."""
    line = _line_of(order, service_line) if service_line else None
    if kind not in ChangeRequest.Kind.values:
        raise CaseworkError({"kind": ["Velg hva endringen gjelder."]})
    if not observation.strip() or not need.strip():
        raise CaseworkError({"observation": ["Beskriv hva som er endret og hva som trengs."]})
    if since > timezone.localdate():
        raise CaseworkError({"since": ["Datoen kan ikke være i framtiden."]})
    request = ChangeRequest.objects.create(
        order=order, service_line=line, kind=kind, observation=observation, since=since,
        need=need, if_not=if_not, requested_weekly_hours=requested_weekly_hours,
        requested_by=actor)
    case = order.decision.case
    if case is not None:
        log(case, f"Endringsmelding fra {order.provider_unit}: "
                  f"{ChangeRequest.Kind(kind).label.lower()}.", actor, problem=True)
    return request


@transaction.atomic
def answer_with_revision(request: ChangeRequest, *, actor, note: str = "") -> ChangeRequest:
    """The office takes it up: a revision case whose new decision replaces the old one."""
    request = ChangeRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != ChangeRequest.Status.OPEN:
        raise CaseworkError("Endringsmeldingen er allerede besvart.")
    decision: Decision = request.order.decision
    revision = request_revision(decision, trigger=Revision.Trigger.PROVIDER_REQUEST,
                                note=note or request.need, actor=actor)
    request.status, request.revision = ChangeRequest.Status.NEW_DECISION, revision
    request.answered_at, request.answered_by = timezone.now(), actor
    request.answer = note or "Tatt opp til revurdering; nytt vedtak kommer."
    request.save()
    return request


@transaction.atomic
def reject(request: ChangeRequest, *, reason: str, actor) -> ChangeRequest:
    request = ChangeRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != ChangeRequest.Status.OPEN:
        raise CaseworkError("Endringsmeldingen er allerede besvart.")
    if not reason.strip():
        raise CaseworkError({"answer": ["Et avslag må begrunnes."]})
    request.status, request.answer = ChangeRequest.Status.REJECTED, reason
    request.answered_at, request.answered_by = timezone.now(), actor
    request.save()
    case = request.order.decision.case
    if case is not None:
        log(case, f"Endringsmeldingen er avslått: {reason}", actor)
    return request


@transaction.atomic
def pause(order: Order, *, service_line: int, reason: str, start: dt.date,
          end: dt.date | None, actor) -> ServicePause:
    """Midlertidig stans of one service in the order, within the service's period and not
    overlapping another stop of it."""
    line = _line_of(order, service_line)
    ServiceLine.objects.select_for_update().filter(pk=line.pk).first()
    problems = {}
    if end is not None and end < start:
        problems["end"] = ["Slutten kan ikke være før starten."]
    if line.start and start < line.start:
        problems["start"] = [f"Tjenesten startet {line.start:%d.%m.%Y}."]
    if line.end and start > line.end:
        problems["start"] = [f"Tjenesten ble avsluttet {line.end:%d.%m.%Y}."]
    overlapping = line.pauses.filter(Q(end__isnull=True) | Q(end__gte=start))
    if end is not None:
        overlapping = overlapping.filter(start__lte=end)
    if not problems and overlapping.exists():
        problems["start"] = ["Tjenesten er allerede stanset i denne perioden."]
    if problems:
        raise CaseworkError(problems)
    stop = ServicePause.objects.create(line=line, reason=reason, start=start, end=end,
                                       registered_by=actor)
    if order.decision.case_id:
        log(order.decision.case, f"Midlertidig stans av {line.service_version.name} fra "
                                 f"{start:%d.%m.%Y} ({stop.get_reason_display().lower()}).",
            actor)
    return stop


@transaction.atomic
def end_pause(order: Order, pause_id: int, *, end: dt.date, actor) -> ServicePause:
    stop = (ServicePause.objects.select_for_update()
            .filter(pk=pause_id, line__in=order.lines.all()).first())
    if stop is None:
        raise CaseworkError("Fant ikke stansen i denne bestillingen.")
    if stop.end is not None:
        raise CaseworkError("Stansen er allerede avsluttet.")
    if end < stop.start:
        raise CaseworkError({"end": ["Slutten kan ikke være før starten."]})
    stop.end = end
    stop.save(update_fields=["end"])
    return stop
