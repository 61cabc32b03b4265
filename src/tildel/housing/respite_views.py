"""Avlastning: the respite homes' cycles of guests per night against beds, and each
respite decision's rotating stay plan (oppholdsplan), matched to the rota (report 001
l.1459-1461).

Caseworkers and office leaders plan the stays of the decisions they may see; the leader of
a respite home sees and plans its own guests. Guests are named, so every list is
access-logged; guests outside the user's access are counted in the grid but not named.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from tildel.accounts import access, access_log
from tildel.accounts.models import AccessOutcome, Role
from tildel.casework.models import ServiceLine
from tildel.rules import respite as rules
from tildel.web.views import role_required, user_municipality

from . import forms
from . import respite as services
from .models import RespiteHome, RespitePlan

ROLES = (Role.CASEWORKER, Role.OFFICE_LEADER, Role.PROVIDER_LEADER)
SEEN = "Avlastning: oppholdsplan"


def _homes(request):
    homes = RespiteHome.objects.filter(unit__municipality=user_municipality(request))
    if request.user.role == Role.PROVIDER_LEADER:
        homes = homes.filter(unit_id=request.user.provider_unit_id)
    return homes.select_related("unit").order_by("unit__name")


@role_required(*ROLES)
def overview(request):
    """Each respite home: a cycle of weeks × days with guests per night against beds, and
    its guests with their plans against the decision and the rota."""
    today = timezone.localdate()
    homes = services.overviews(_homes(request), today,
                               visible_persons=access.persons_visible_to(request.user))
    access_log.record_many(request.user, [g.line.decision.person for o in homes
                                          for g in o.guests if g.visible], SEEN)
    return render(request, "housing/respite.html", {"homes": homes, "today": today,
                                                    "days": rules.DAYS})


def _line_or_deny(request, pk: int) -> ServiceLine:
    line = get_object_or_404(ServiceLine.objects.select_related(
        "decision__person__district", "service_version__service", "provider_unit"), pk=pk,
        decision__person__municipality=user_municipality(request))
    person = line.decision.person
    allowed = access.can_view_person(request.user, person) and (
        request.user.role != Role.PROVIDER_LEADER
        or line.provider_unit_id == request.user.provider_unit_id)
    if not allowed:
        access_log.record(request.user, person, SEEN, outcome=AccessOutcome.DENIED)
        raise PermissionDenied
    access_log.record(request.user, person, SEEN)
    return line


def _status(error: services.RespiteError) -> int:
    return 409 if str(error) == services.STALE else 400


@role_required(*ROLES)
def plan(request, pk: int):
    """Oppholdsplan for one respite line: its stays in the cycle, and a stay added."""
    line = _line_or_deny(request, pk)
    today = timezone.localdate()
    try:
        home = services.home_of(line, today)
    except services.RespiteError as error:
        return render(request, "housing/respite_plan.html", {"line": line, "refused": error},
                      status=409)
    plan = RespitePlan.objects.filter(line=line).first()
    version = plan.version if plan else 0
    form = forms.RespiteStayForm(request.POST if request.method == "POST" else None,
                                 cycle_weeks=home.cycle_weeks, initial={"version": version})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            stay = rules.Stay(data["week"], data["weekday"], data["arrive"], data["nights"],
                              data["leave"])
            try:
                services.add_stay(line, stay, version=data["version"], user=request.user,
                                  today=today)
            except services.RespiteError as error:
                form.add_error(error.field if error.field in form.fields else None,
                               str(error))
                status = _status(error)
            else:
                messages.success(request, "Oppholdet er lagt inn i planen.")
                return redirect("housing:respite-plan", pk=line.pk)
        else:
            status = 400
    stays = list(plan.stays.order_by("week", "weekday", "arrive")) if plan else []
    plain = [s.as_rule() for s in stays]
    guest = services.Guest(line=line, stays=plain,
                           per_month=rules.nights_per_month(plain, home.cycle_weeks),
                           decided=services.decided_per_month(line))
    return render(request, "housing/respite_plan.html", {
        "line": line, "plan": plan, "version": version, "home": home, "form": form,
        "guest": guest, "per_cycle": rules.nights_per_cycle(plain),
        "stays": [(s, rules.describe(p)) for s, p in zip(stays, plain, strict=True)],
        "upcoming": services.upcoming(line, plain, home, today),
        "previous": None if stays else services.previous_plan(line),
        "current_week": rules.week_of_cycle(today, home.cycle_start, home.cycle_weeks)},
        status=status)


def _version(request) -> int:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return -1


@require_POST
@role_required(*ROLES)
def remove_stay(request, pk: int, stay: int):
    line = _line_or_deny(request, pk)
    try:
        services.remove_stay(line, stay, version=_version(request), user=request.user)
    except services.RespiteError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Oppholdet er fjernet fra planen.")
    return redirect("housing:respite-plan", pk=line.pk)


@require_POST
@role_required(*ROLES)
def copy_plan(request, pk: int):
    """Copy the previous decision's stays (a revised decision keeps its pattern)."""
    line = _line_or_deny(request, pk)
    try:
        count = services.copy_plan(line, user=request.user, today=timezone.localdate())
    except services.RespiteError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"{count} opphold er kopiert fra forrige vedtak.")
    return redirect("housing:respite-plan", pk=line.pk)


@role_required(Role.OFFICE_LEADER, Role.PROVIDER_LEADER)
def home_settings(request, pk: int):
    """Senger og syklus for one respite home."""
    home = get_object_or_404(_homes(request), pk=pk)
    form = forms.RespiteHomeForm(request.POST if request.method == "POST" else None, initial={
        "beds": home.beds, "cycle_weeks": home.cycle_weeks, "cycle_start": home.cycle_start})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.save_home(home, today=timezone.localdate(), **form.cleaned_data)
            except services.RespiteError as error:
                form.add_error(error.field if error.field in form.fields else None,
                               str(error))
                status = 400
            else:
                messages.success(request, "Senger og syklus er lagret.")
                return redirect("housing:respite")
        else:
            status = 400
    return render(request, "housing/respite_home.html", {"home": home, "form": form},
                  status=status)
