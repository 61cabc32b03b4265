"""Placing users in pathways, closing them, and the courses of everyday rehabilitation.

Views, the demo and the daily job call these; each checks the rules in
``tildel.rules.pathways`` / ``tildel.rules.rehabilitation``, writes in one transaction and
logs on the case's timeline.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from tildel.casework.models import Case, ServiceLine, Task
from tildel.casework.services import CaseworkError
from tildel.casework.services.journal import log
from tildel.casework.services.revisions import close_line
from tildel.rules import pathways as rules
from tildel.rules import rehabilitation

from .models import Course, CourseGoal, Pathway, PathwayService, PathwaySettings, TeamMember


def settings_for(case: Case | None) -> PathwaySettings:
    return PathwaySettings.for_office(case.allocation_office_id if case else None)


@transaction.atomic
def open_pathway(case: Case, *, code: int, start: dt.date, provider_unit, actor,
                 services: Iterable = (), goal: str = "") -> Pathway:
    """Innplassering i forløp: the deadline follows from the code and the office's horizons."""
    if case.person_id is None:
        raise CaseworkError("Bekreft søkerens identitet før forløpet registreres.")
    if code not in Pathway.Code.values:
        raise CaseworkError({"code": ["Velg forløp 0, 1, 2 eller 3."]})
    today = timezone.localdate()
    if start > today + dt.timedelta(days=30):
        raise CaseworkError({"start": ["Start kan ikke være mer enn 30 dager fram i tid."]})
    if Pathway.objects.filter(person_id=case.person_id, status=Pathway.Status.OPEN).exists():
        raise CaseworkError({"code": ["Brukeren er allerede i et åpent forløp. Avslutt det "
                                      "før et nytt registreres."]})
    horizons = settings_for(case).horizons
    pathway = Pathway.objects.create(
        case=case, person_id=case.person_id, provider_unit=provider_unit, code=code,
        start=start, deadline=horizons.deadline(code, start), goal=goal, created_by=actor)
    for service in services:
        add_service(pathway, service=service, provider_unit=provider_unit, start=start,
                    actor=actor, logged=False)
    log(case, f"Plassert i {pathway.get_code_display().lower()} fra {start:%d.%m.%Y}"
              f"{f', frist {pathway.deadline:%d.%m.%Y}' if pathway.deadline else ''}.", actor)
    return pathway


@transaction.atomic
def add_service(pathway: Pathway, *, service, provider_unit, start: dt.date, actor,
                logged: bool = True) -> PathwayService:
    pathway = Pathway.objects.select_for_update().select_related("case").get(pk=pathway.pk)
    if pathway.status != Pathway.Status.OPEN:
        raise CaseworkError("Forløpet er avsluttet.")
    if start < pathway.start:
        raise CaseworkError({"start": ["Tiltaket kan ikke starte før forløpet."]})
    item = PathwayService.objects.create(pathway=pathway, service=service,
                                         provider_unit=provider_unit, start=start)
    if logged:
        log(pathway.case, f"Tiltak i forløpet: {service} fra {start:%d.%m.%Y}.", actor)
    check_decisions(timezone.localdate(), items=PathwayService.objects.filter(pk=item.pk))
    return item


@transaction.atomic
def close_pathway(pathway: Pathway, *, outcome: str, real_end: dt.date, actor,
                  note: str = "") -> Pathway:
    """One step ends the pathway and its services, with the real end date kept apart from
    the time of registration (report 000 L3377-3387)."""
    pathway = Pathway.objects.select_for_update().get(pk=pathway.pk)
    if pathway.status != Pathway.Status.OPEN:
        raise CaseworkError("Forløpet er allerede avsluttet.")
    if outcome not in Pathway.Outcome.values:
        raise CaseworkError({"outcome": ["Velg utfall av forløpet."]})
    problem = rules.closing_problem(pathway.start, real_end, timezone.localdate())
    if problem:
        raise CaseworkError({"real_end": [problem]})
    pathway.status, pathway.outcome, pathway.real_end = Pathway.Status.CLOSED, outcome, real_end
    pathway.closed_registered_at, pathway.closed_by = timezone.now(), actor
    pathway.closing_note = note
    pathway.save()
    items = list(pathway.services.select_related("service_line"))
    for item in items:
        if item.end is None or item.end > real_end:
            item.end = max(real_end, item.start)
            item.save(update_fields=["end"])
        line = item.service_line
        if (outcome == Pathway.Outcome.NO_FURTHER_SERVICES and line is not None
                and line.start <= real_end and (line.end is None or line.end > real_end)):
            close_line(line, end=real_end, actor=actor,
                       reason="Forløpet er avsluttet uten videre tjenester")
    late = rules.registration_delay(real_end, timezone.localdate())
    log(pathway.case, f"{pathway.get_code_display().split(' –')[0]} avsluttet "
                      f"{real_end:%d.%m.%Y}: {pathway.get_outcome_display().lower()}"
                      f"{f' (registrert {late} dager etter)' if late else ''}.", actor)
    return pathway


def _covering_line(today: dt.date) -> Subquery:
    """The decided line that covers a pathway service (the newest): same person, service
    and unit, signed for this need (on or after the placing case was received), in force
    today. An older decision of an existing user with new needs does not count
    (L2958-2962)."""
    return Subquery(ServiceLine.objects.active_on(today).filter(
        decision__person_id=OuterRef("pathway__person_id"),
        service_version__service_id=OuterRef("service_id"),
        provider_unit_id=OuterRef("provider_unit_id"),
        decision__signed_at__gte=OuterRef("pathway__case__received_at"),
    ).order_by("-start").values("pk")[:1])


def check_decisions(today: dt.date, items=None) -> tuple[int, int]:
    """The daily check: link pathway services to the decision that now covers them, and give
    the caseworker a task for each one without a decision past 14 days (L2958-2962).

    Returns (linked, tasks made). Safe to run again: nothing is made twice.
    """
    items = PathwayService.objects.all() if items is None else items
    open_items = items.named().filter(service_line__isnull=True).filter(
        pathway__status=Pathway.Status.OPEN).select_related(
        "pathway__case", "decision_task").annotate(covering_line=_covering_line(today))
    linked = made = 0
    office_settings: dict[int, PathwaySettings] = {}
    with transaction.atomic():
        for item in open_items.iterator():
            if item.covering_line is not None:
                item.service_line_id = item.covering_line
                item.save(update_fields=["service_line"])
                if item.decision_task is not None and item.decision_task.done_at is None:
                    item.decision_task.done_at = timezone.now()
                    item.decision_task.save(update_fields=["done_at"])
                linked += 1
                continue
            if item.decision_task_id is not None:
                continue
            office_id = item.pathway.case.allocation_office_id
            if office_id not in office_settings:
                office_settings[office_id] = PathwaySettings.for_office(office_id)
            after = office_settings[office_id]
            if not rules.needs_decision(item.start, today, end=item.end,
                                        after_days=after.decision_after_days):
                continue
            task = Task.objects.create(
                case=item.pathway.case, kind=Task.Kind.PATHWAY_DECISION,
                title=f"Fatt vedtak: {item.label} har vart mer enn "
                      f"{after.decision_after_days} dager i forløpet",
                due_on=rules.decision_due(item.start, after.decision_after_days),
                assigned_to=item.pathway.case.assigned_to)
            item.decision_task = task
            item.save(update_fields=["decision_task"])
            log(item.pathway.case, f"{item.label} i forløpet har vart mer enn "
                                   f"{after.decision_after_days} dager uten vedtak.",
                problem=True)
            made += 1
    return linked, made


# Courses: everyday rehabilitation, everyday mastery, reablement after hospital.

@transaction.atomic
def start_course(*, person, kind: str, provider_unit, start: dt.date, actor,
                 case: Case | None = None, pathway: Pathway | None = None,
                 origin: str = Course.Origin.DECISION, what_matters: str = "",
                 goals: Iterable[str] = (), team: Iterable[tuple[str, str]] = ()) -> Course:
    if kind not in Course.Kind.values:
        raise CaseworkError({"kind": ["Velg type forløp."]})
    if kind == Course.Kind.REABLEMENT and origin == Course.Origin.DECISION:
        raise CaseworkError({"origin": ["Innsats etter sykehus startes ved utskrivning, "
                                        "funksjonsfall meldt fra hjemmesykepleien eller "
                                        "trygghetsalarm."]})
    goals = [g.strip() for g in goals if g and g.strip()]
    if not goals:
        raise CaseworkError({"goals": ["Skriv minst ett mål, ut fra hva som er viktig for "
                                       "brukeren."]})
    if start > timezone.localdate() + dt.timedelta(days=30):
        raise CaseworkError({"start": ["Start kan ikke være mer enn 30 dager fram i tid."]})
    settings = settings_for(case)
    weeks = None if kind == Course.Kind.REABLEMENT else settings.course_weeks
    plan = rehabilitation.plan(start, weeks=weeks, evaluation_days=settings.evaluation_days)
    course = Course.objects.create(
        person=person, case=case, pathway=pathway, provider_unit=provider_unit, kind=kind,
        origin=origin, start=start, evaluation_on=plan.evaluation_on,
        planned_end=plan.planned_end, what_matters=what_matters, created_by=actor)
    CourseGoal.objects.bulk_create([CourseGoal(course=course, goal=g[:300]) for g in goals])
    TeamMember.objects.bulk_create([TeamMember(course=course, role=r, name=n)
                                    for r, n in team if n])
    if case is not None:
        log(case, f"{course.get_kind_display()} startet {start:%d.%m.%Y} hos "
                  f"{provider_unit} ({course.get_origin_display().lower()}).", actor)
    return course


STAGES = {"start": "score_start", "midway": "score_midway", "end": "score_end"}


def _set_scores(course: Course, stage: str, scores: dict[int, int | None]) -> None:
    field = STAGES[stage]
    errors = {}
    goals = {g.pk: g for g in course.goals.all()}
    for goal_id, score in scores.items():
        problem = rehabilitation.score_problem(score)
        if goal_id not in goals:
            problem = "Ukjent mål."
        if problem:
            errors[f"goal_{goal_id}"] = [problem]
    if errors:
        raise CaseworkError(errors)
    for goal_id, score in scores.items():
        if score is None:
            continue  # a blank field keeps what is saved (another user may have scored it)
        setattr(goals[goal_id], field, score)
        goals[goal_id].save(update_fields=[field])


def _locked_active(course: Course) -> Course:
    course = Course.objects.select_for_update().get(pk=course.pk)
    if course.status != Course.Status.ACTIVE:
        raise CaseworkError("Forløpet er avsluttet.")
    return course


@transaction.atomic
def score(course: Course, *, stage: str, scores: dict[int, int | None], actor) -> Course:
    """Skår per mål (0-10) at the start, at the two-week evaluation or at the end."""
    course = _locked_active(course)
    if stage not in STAGES:
        raise CaseworkError("Ukjent tidspunkt for skåring.")
    _set_scores(course, stage, scores)
    return course


@transaction.atomic
def evaluate(course: Course, *, note: str, scores: dict[int, int | None], actor) -> Course:
    """The interdisciplinary evaluation after two weeks."""
    course = _locked_active(course)
    if not note.strip():
        raise CaseworkError({"evaluation_note": ["Skriv teamets vurdering."]})
    _set_scores(course, "midway", scores)
    course.evaluated_at, course.evaluation_note = timezone.now(), note
    course.save(update_fields=["evaluated_at", "evaluation_note"])
    if course.case_id:
        log(course.case, f"{course.get_kind_display()}: tverrfaglig evaluering.", actor)
    return course


def _finish(course: Course, *, status: str, outcome: str, ended_on: dt.date,
            scores: dict[int, int | None], errors: dict | None = None) -> None:
    """Check the end (the same date rule as closing a pathway) and set it with the end
    scores; the caller saves."""
    errors = dict(errors or {})
    if outcome not in Course.Outcome.values:
        errors["outcome"] = ["Velg resultat."]
    problem = rules.closing_problem(course.start, ended_on, timezone.localdate())
    if problem:
        errors["ended_on"] = [problem]
    if errors:
        raise CaseworkError(errors)
    _set_scores(course, "end", scores)
    course.status, course.outcome, course.ended_on = status, outcome, ended_on


@transaction.atomic
def end_course(course: Course, *, outcome: str, ended_on: dt.date, note: str,
               scores: dict[int, int | None], actor) -> Course:
    course = _locked_active(course)
    _finish(course, status=Course.Status.ENDED, outcome=outcome, ended_on=ended_on,
            scores=scores)
    course.outcome_note = note
    course.save()
    if course.case_id:
        log(course.case, f"{course.get_kind_display()} avsluttet {ended_on:%d.%m.%Y}: "
                         f"{course.get_outcome_display().lower()}.", actor)
    return course


@transaction.atomic
def hand_over(course: Course, *, to_unit, ended_on: dt.date, function: str, goals: str,
              practical: str, contact: str, outcome: str, scores: dict[int, int | None],
              actor) -> Course:
    """Structured handover to ordinary home nursing once the user is stable (report 002
    l.532-536: "god overføring")."""
    course = _locked_active(course)
    errors = {}
    if to_unit is None:
        errors["handover_to"] = ["Velg enheten som tar over."]
    elif to_unit.pk == course.provider_unit_id:
        errors["handover_to"] = ["Velg en annen enhet enn den som overfører."]
    if not function.strip():
        errors["handover_function"] = ["Beskriv brukerens funksjonsnivå nå."]
    _finish(course, status=Course.Status.HANDED_OVER, outcome=outcome, ended_on=ended_on,
            scores=scores, errors=errors)
    course.handover_to, course.handover_function = to_unit, function
    course.handover_goals, course.handover_practical = goals, practical
    course.handover_contact = contact
    course.save()
    if course.case_id:
        log(course.case, f"{course.get_kind_display()} overført til {to_unit} "
                         f"{ended_on:%d.%m.%Y}.", actor)
    return course
