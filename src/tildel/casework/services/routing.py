"""Routing (fordeling): which caseworker, team queue or forum gets a case.

The first active rule that matches decides (report 004: by district, date-of-birth
portfolio, user group or service). An absent caseworker's cases go to their cover; a
caseworker who has declared a conflict of interest (inhabilitet, fvl § 6) is skipped.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from tildel.casework.models import Absence, Case, ConflictOfInterest, RoutingRule, UserGroup

from . import CaseworkError
from .journal import log


def user_group_of(case: Case) -> str | None:
    if not case.person_id or not case.person.birth_date:
        return None
    born, on = case.person.birth_date, case.received_on
    age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    if age < 18:
        return UserGroup.CHILDREN
    return UserGroup.ADULTS if age < 67 else UserGroup.ELDERLY


def rule_matches(rule: RoutingRule, case: Case, service_ids: set[int]) -> bool:
    person = case.person if case.person_id else None
    if rule.district_id and (person is None or person.district_id != rule.district_id):
        return False
    if rule.birth_day_from or rule.birth_day_to:
        if person is None or person.birth_date is None:
            return False
        day = person.birth_date.day
        if not (rule.birth_day_from or 1) <= day <= (rule.birth_day_to or 31):
            return False
    if rule.user_group != UserGroup.ANY and user_group_of(case) != rule.user_group:
        return False
    return not (rule.service_id and rule.service_id not in service_ids)


def cover_for(user, day: dt.date):
    """The user who takes ``user``'s new cases on ``day`` (``user`` when present)."""
    seen = set()
    while user is not None and user.pk not in seen:
        seen.add(user.pk)
        absence = Absence.objects.filter(user=user, start__lte=day, end__gte=day).first()
        if absence is None:
            return user
        user = absence.cover
    return None


def route(case: Case, day: dt.date | None = None):
    """(caseworker, queue) for the case by the office's rules; either may be None."""
    day = day or timezone.localdate()
    excluded = set(ConflictOfInterest.objects.filter(case=case).values_list("user_id",
                                                                            flat=True))
    service_ids = set(case.requested_services.values_list("id", flat=True))
    rules = RoutingRule.objects.filter(allocation_office_id=case.allocation_office_id,
                                       active=True).select_related("target_user", "target_queue")
    for rule in rules:
        if not rule_matches(rule, case, service_ids):
            continue
        if rule.target_queue_id:
            return None, rule.target_queue
        user = cover_for(rule.target_user, day)
        if user is not None and user.pk not in excluded:
            return user, None
    return None, None


@transaction.atomic
def assign_by_rules(case: Case, actor=None) -> Case:
    user, queue = route(case)
    case.assigned_to, case.queue = user, queue
    case.save(update_fields=["assigned_to", "queue"])
    where = user.get_full_name() if user else (queue.name if queue else "ingen (ufordelt)")
    log(case, f"Fordelt etter regler til {where}.", actor)
    return case


@transaction.atomic
def reassign(case: Case, *, user=None, queue=None, actor=None) -> Case:
    if user is not None and ConflictOfInterest.objects.filter(case=case, user=user).exists():
        raise CaseworkError({"assigned_to": ["Saksbehandleren har meldt seg inhabil i saken."]})
    if user is not None and user.allocation_office_id != case.allocation_office_id:
        raise CaseworkError({"assigned_to": ["Saksbehandleren hører til et annet kontor."]})
    case.assigned_to, case.queue = user, queue
    case.save(update_fields=["assigned_to", "queue"])
    where = user.get_full_name() if user else (queue.name if queue else "ufordelt")
    log(case, f"Saken er flyttet til {where}.", actor)
    return case


@transaction.atomic
def declare_conflict(case: Case, user, reason: str) -> Case:
    """Inhabilitet: record it and move the case to someone else by the rules."""
    if not reason.strip():
        raise CaseworkError({"reason": ["Oppgi grunnen til inhabiliteten."]})
    ConflictOfInterest.objects.get_or_create(case=case, user=user,
                                             defaults={"reason": reason.strip()})
    log(case, "En saksbehandler har meldt seg inhabil. Saken fordeles på nytt.", user)
    if case.assigned_to_id == user.pk:
        new_user, queue = route(case)
        case.assigned_to, case.queue = new_user, queue
        case.save(update_fields=["assigned_to", "queue"])
        where = new_user.get_full_name() if new_user else (queue.name if queue else "ufordelt")
        log(case, f"Saken er fordelt på nytt til {where}.", user)
    return case


@transaction.atomic
def record_forum_meeting(case: Case, *, queue, held_on: dt.date, participants: str,
                         outcome: str, actor):
    """A decision forum's treatment of the case: meeting, participants and conclusion."""
    from tildel.casework.models import ForumMeeting

    if queue.allocation_office_id != case.allocation_office_id or not queue.is_forum:
        raise CaseworkError({"queue": ["Velg et beslutningsforum ved kontoret."]})
    if held_on > timezone.localdate():
        raise CaseworkError({"held_on": ["Møtet kan ikke være i framtiden."]})
    if not participants.strip() or not outcome.strip():
        raise CaseworkError({"outcome": ["Skriv hvem som deltok og hva forumet konkluderte."]})
    meeting = ForumMeeting.objects.create(queue=queue, case=case, held_on=held_on,
                                          participants=participants, outcome=outcome)
    log(case, f"Behandlet i {queue.name} {held_on:%d.%m.%Y}: {outcome}", actor)
    return meeting
