"""Revision (revurdering) and closing of services.

Scheduled revisions fall due on ``ServiceLine.revision_due`` (from the catalogue, 6 months
by default); time-limited decisions are flagged for renewal two months before they end;
events (fall, hospital stay, disagreement, provider request) start a revision at once.
A revision opens a new case whose decision replaces the old one from a date.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from tildel.casework.models import Case, Decision, Revision, ServiceLine
from tildel.rules import deadlines

from . import CaseworkError
from .journal import log
from .routing import assign_by_rules

RENEWAL_MONTHS_BEFORE = 2


def lines_needing_attention(line_qs, as_of: dt.date, horizon_days: int = 30):
    """Granted lines whose revision is due within the horizon or that are up for renewal."""
    soon = as_of + dt.timedelta(days=horizon_days)
    renewal_from = deadlines.add_months(as_of, RENEWAL_MONTHS_BEFORE)
    return line_qs.filter(
        Q(revision_due__lte=soon) | Q(end__isnull=False, end__lte=renewal_from),
        decision__status=Decision.Status.DECIDED, granted=True,
    ).filter(Q(end__isnull=True) | Q(end__gte=as_of)).exclude(
        decision__replaced_by__isnull=False)


def attention_reason(line: ServiceLine, as_of: dt.date) -> str:
    if line.end and deadlines.renewal_flag_date(line.end, RENEWAL_MONTHS_BEFORE) <= as_of:
        return f"Tidsbegrenset – utløper {line.end:%d.%m.%Y}"
    if line.revision_due and line.revision_due < as_of:
        return f"Revurdering forfalt {line.revision_due:%d.%m.%Y}"
    return f"Revurdering innen {line.revision_due:%d.%m.%Y}"


@transaction.atomic
def request_revision(decision: Decision, *, trigger: str, note: str, actor,
                     due_on: dt.date | None = None) -> Revision:
    """Open a revision case for the decision's person."""
    if decision.status != Decision.Status.DECIDED:
        raise CaseworkError({"decision": ["Bare fattede vedtak kan revurderes."]})
    if trigger not in Revision.Trigger.values:
        raise CaseworkError({"trigger": ["Velg årsak til revurderingen."]})
    today = timezone.localdate()
    case = Case.objects.create(allocation_office=decision.allocation_office,
                               person=decision.person, kind=Case.Kind.REVISION,
                               subject=f"Revurdering: {Revision.Trigger(trigger).label}. {note}",
                               identity_confirmed_at=timezone.now(),
                               identity_confirmed_by=actor)
    case.requested_services.set([line.service_version.service_id
                                 for line in decision.lines.filter(granted=True)])
    revision = Revision.objects.create(decision=decision, trigger=trigger, note=note,
                                       due_on=due_on or deadlines.add_working_days(today, 10),
                                       requested_by=actor, case=case)
    log(case, f"Revurdering startet: {Revision.Trigger(trigger).label}.", actor)
    if decision.case_id:
        log(decision.case, "Revurdering av vedtaket er startet.", actor)
    assign_by_rules(case, actor)
    return revision


@transaction.atomic
def close_line(line: ServiceLine, *, end: dt.date, reason: str, actor) -> ServiceLine:
    """Avslutte en tjeneste, with a reason (the national register is told at export)."""
    if not line.granted or line.decision.status != Decision.Status.DECIDED:
        raise CaseworkError("Bare innvilgede tjenester i fattede vedtak kan avsluttes.")
    if not reason.strip():
        raise CaseworkError({"end_reason": ["Oppgi hvorfor tjenesten avsluttes."]})
    if end < line.start:
        raise CaseworkError({"end": ["Sluttdato kan ikke være før tjenesten startet."]})
    if line.end is not None and line.end < end:
        raise CaseworkError({"end": ["Tjenesten er allerede avsluttet tidligere."]})
    line.end, line.end_reason = end, reason.strip()
    line.save(update_fields=["end", "end_reason"])
    if line.decision.case_id:
        log(line.decision.case, f"Tjenesten {line.service_version.name} avsluttes "
                                f"{end:%d.%m.%Y}: {reason}", actor)
    return line
