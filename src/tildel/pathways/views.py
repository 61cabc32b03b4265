"""Pages for pathways (pasientforløp) and courses (hverdagsrehabilitering, hverdagsmestring,
innsats etter sykehus). Office roles work from the case; provider roles see their unit's."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from tildel.accounts import access_log
from tildel.accounts.models import Role
from tildel.casework.views import attempt, cleaned, get_case
from tildel.provision.views import provider_order
from tildel.web.views import role_required

from . import forms, services
from .access import courses_visible_to, pathways_visible_to
from .models import Course, Pathway

OFFICE = (Role.CASEWORKER, Role.OFFICE_LEADER)
PROVIDER = (Role.PROVIDER_LEADER, Role.PROVIDER_STAFF)
PAGE_SIZE = 100


def _municipalities(user):
    return list(user.municipalities.values_list("pk", flat=True))


def case_context(request, case) -> dict:
    """What the case page shows of pathways and courses, with the forms to start them."""
    if case.person_id is None:
        return {}
    municipalities = _municipalities(request.user)
    assessment = getattr(case, "assessment", None)
    return {
        "pathways": case.pathways.select_related("provider_unit").order_by("-start"),
        "courses": case.courses.select_related("provider_unit").order_by("-start"),
        "pathway_form": forms.PathwayForm(municipality_ids=municipalities),
        "course_form": forms.CourseForm(municipality_ids=municipalities, initial={
            "what_matters": assessment.what_matters if assessment else "",
            "goals": assessment.goals if assessment else ""}),
    }


@role_required(*OFFICE, *PROVIDER)
def pathway_list(request):
    """Forløpsliste: open pathways, those past their deadline first."""
    today = timezone.localdate()
    shown = request.GET.get("vis", "apne")
    items = pathways_visible_to(request.user).select_related("person", "provider_unit")
    if shown == "over-frist":
        items = items.filter(status=Pathway.Status.OPEN, deadline__lt=today)
    elif shown == "avsluttet":
        items = items.filter(status=Pathway.Status.CLOSED).order_by("-real_end")
    else:
        shown = "apne"
        items = items.filter(status=Pathway.Status.OPEN).order_by("deadline", "id")
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("side"))
    access_log.record_many(request.user, {p.person for p in page}, "Forløpsliste: navn")
    return render(request, "pathways/pathway_list.html", {
        "page": page, "shown": shown, "today": today,
        "rows": [{"pathway": p, "over": p.days_over(today)} for p in page]})


def _pathway(request, pk: int, what: str) -> Pathway:
    pathway = get_object_or_404(pathways_visible_to(request.user).select_related(
        "person", "provider_unit", "case", "closed_by"), pk=pk)
    access_log.record(request.user, pathway.person, what)
    return pathway


@role_required(*OFFICE, *PROVIDER)
def pathway_detail(request, pk: int):
    pathway = _pathway(request, pk, "Forløp: tiltak, frist og utfall")
    today = timezone.localdate()
    return render(request, "pathways/pathway_detail.html", {
        "pathway": pathway, "today": today, "over": pathway.days_over(today),
        "items": pathway.services.named().select_related(
            "provider_unit", "service_line", "decision_task"),
        "courses": pathway.courses.select_related("provider_unit"),
        "close_form": forms.CloseForm(initial={"real_end": today}),
        "service_form": forms.PathwayServiceForm(initial={"start": today}),
        "can_close": request.user.is_office_role and pathway.status == Pathway.Status.OPEN,
    })


@require_POST
@role_required(*OFFICE)
def pathway_new(request, pk: int):
    case = get_case(request, pk, "Sak: plassering i forløp")
    form = forms.PathwayForm(request.POST, municipality_ids=_municipalities(request.user))
    ok, pathway = attempt(request, lambda: services.open_pathway(
        case, actor=request.user, **cleaned(form)), "Brukeren er plassert i forløpet.")
    return (redirect("pathway-detail", pk=pathway.pk) if ok
            else redirect("case-detail", pk=case.pk))


@require_POST
@role_required(*OFFICE)
def pathway_close(request, pk: int):
    pathway = _pathway(request, pk, "Forløp: avslutning")
    form = forms.CloseForm(request.POST)
    attempt(request, lambda: services.close_pathway(pathway, actor=request.user,
                                                    **cleaned(form)),
            "Forløpet og tiltakene i det er avsluttet.")
    return redirect("pathway-detail", pk=pathway.pk)


@require_POST
@role_required(*OFFICE)
def pathway_add_service(request, pk: int):
    pathway = _pathway(request, pk, "Forløp: nytt tiltak")
    form = forms.PathwayServiceForm(request.POST)
    attempt(request, lambda: services.add_service(
        pathway, provider_unit=pathway.provider_unit, actor=request.user, **cleaned(form)),
        "Tiltaket er lagt til i forløpet.")
    return redirect("pathway-detail", pk=pathway.pk)


# Courses.

@role_required(*OFFICE, *PROVIDER)
def course_list(request):
    items = courses_visible_to(request.user).select_related("person", "provider_unit")
    shown = request.GET.get("vis", "pagar")
    if shown == "avsluttet":
        items = items.exclude(status=Course.Status.ACTIVE).order_by("-ended_on")
    else:
        shown = "pagar"
        items = items.filter(status=Course.Status.ACTIVE).order_by("evaluation_on", "id")
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("side"))
    access_log.record_many(request.user, {c.person for c in page},
                           "Rehabiliteringsforløp: navn")
    return render(request, "pathways/course_list.html", {
        "page": page, "shown": shown, "today": timezone.localdate()})


def _course(request, pk: int, what: str) -> Course:
    course = get_object_or_404(courses_visible_to(request.user).select_related(
        "person", "provider_unit", "case", "pathway", "handover_to"), pk=pk)
    access_log.record(request.user, course.person, what)
    return course


@role_required(*OFFICE, *PROVIDER)
def course_detail(request, pk: int):
    course = _course(request, pk, "Rehabiliteringsforløp: mål, skår og evaluering")
    goals = list(course.goals.all())
    municipalities = _municipalities(request.user)
    return render(request, "pathways/course_detail.html", {
        "course": course, "goals": goals, "team": course.team.all(),
        "today": timezone.localdate(),
        "start_form": forms.ScoreForm(goals=goals, stage_field="score_start",
                                      initial={"stage": "start"}),
        "evaluation_form": forms.EvaluationForm(goals=goals),
        "end_form": forms.EndCourseForm(goals=goals),
        "handover_form": forms.HandoverForm(goals=goals, municipality_ids=municipalities),
    })


@require_POST
@role_required(*OFFICE)
def course_new(request, pk: int):
    case = get_case(request, pk, "Sak: start hverdagsrehabilitering")
    if case.person_id is None:
        messages.error(request, "Bekreft søkerens identitet først.")
        return redirect("case-detail", pk=case.pk)
    form = forms.CourseForm(request.POST, municipality_ids=_municipalities(request.user))

    def start():
        course = services.start_course(
            person=case.person, case=case, actor=request.user,
            pathway=case.pathways.filter(status=Pathway.Status.OPEN).first(), **cleaned(form))
        messages.success(request, f"{course.get_kind_display()} er startet.")
        return course

    ok, course = attempt(request, start)
    return (redirect("course-detail", pk=course.pk) if ok
            else redirect("case-detail", pk=case.pk))


@require_POST
@role_required(*OFFICE, *PROVIDER)
def course_action(request, pk: int, action: str):
    course = _course(request, pk, "Rehabiliteringsforløp: registrering")
    goals = list(course.goals.all())
    units = _municipalities(request.user)

    def score():
        data = cleaned(forms.ScoreForm(request.POST, goals=goals))
        services.score(course, stage=data["stage"], scores=forms.scores_of(data),
                       actor=request.user)
        return "Skårene er lagret."

    def evaluate():
        data = cleaned(forms.EvaluationForm(request.POST, goals=goals))
        services.evaluate(course, note=data["note"], scores=forms.scores_of(data),
                          actor=request.user)
        return "Evalueringen er registrert."

    def end():
        data = cleaned(forms.EndCourseForm(request.POST, goals=goals))
        services.end_course(course, outcome=data["outcome"], ended_on=data["ended_on"],
                            note=data["note"], scores=forms.scores_of(data),
                            actor=request.user)
        return "Forløpet er avsluttet."

    def hand_over():
        data = cleaned(forms.HandoverForm(request.POST, goals=goals, municipality_ids=units))
        services.hand_over(course, to_unit=data["handover_to"], ended_on=data["ended_on"],
                           function=data["function"], goals=data["goals"],
                           practical=data["practical"], contact=data["contact"],
                           outcome=data["outcome"], scores=forms.scores_of(data),
                           actor=request.user)
        return "Brukeren er overført til hjemmesykepleien."

    actions = {"skar": score, "evaluer": evaluate, "avslutt": end, "overfor": hand_over}
    if action not in actions:
        raise PermissionDenied
    attempt(request, actions[action])
    return redirect("course-detail", pk=course.pk)


@require_POST
@role_required(*PROVIDER)
def decline_referral(request, pk: int):
    """Funksjonsfall: home nursing refers the user on an order to reablement."""
    order = provider_order(request, pk, "Bestilling: melding om funksjonsfall")
    form = forms.DeclineReferralForm(request.POST,
                                     municipality_ids=_municipalities(request.user))
    attempt(request, lambda: services.start_course(
        person=order.decision.person, case=order.decision.case, kind=Course.Kind.REABLEMENT,
        origin=Course.Origin.DECLINE, start=timezone.localdate(), actor=request.user,
        **cleaned(form)), "Brukeren er meldt til hverdagsmestring.")
    return redirect("order-detail", pk=order.pk)
