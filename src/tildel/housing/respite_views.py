"""Avlastning: the respite homes' cycles of guests per night against beds, and each
respite decision's rotating stay plan (oppholdsplan), matched to the rota (report 001
l.1459-1461).

Caseworkers and office leaders plan the stays of the decisions they may see; the leader of
a respite home sees and plans its own guests. Guests are named, so every list is
access-logged; guests outside the user's access are counted in the grid but not named.
"""

from __future__ import annotations

import datetime as dt

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
from .models import RespiteHome, RespiteStay

ROLES = (Role.CASEWORKER, Role.OFFICE_LEADER, Role.PROVIDER_LEADER)
SEEN = "Avlastning: oppholdsplan"
#: How far ahead a plan page lists the dates of its stays (one 12-week cycle).
UPCOMING = dt.timedelta(days=84)


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
    visible = set(access.persons_visible_to(request.user).values_list("pk", flat=True))
    homes = []
    shown = []
    for home in _homes(request):
        overview = services.home_overview(home, today)
        guests = [g for g in overview.guests if g.line.decision.person_id in visible]
        shown += [g.line.decision.person for g in guests]
        homes.append({"overview": overview, "guests": guests,
                      "hidden": len(overview.guests) - len(guests)})
    access_log.record_many(request.user, shown, SEEN)
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


@role_required(*ROLES)
def plan(request, pk: int):
    """Oppholdsplan for one respite line: its stays in the cycle, and a stay added."""
    line = _line_or_deny(request, pk)
    try:
        plan = services.plan_for(line)
    except services.RespiteError as error:
        return render(request, "housing/respite_plan.html", {"line": line, "refused": error},
                      status=409)
    home = plan.home
    today = timezone.localdate()
    form = forms.RespiteStayForm(request.POST or None, cycle_weeks=home.cycle_weeks,
                                 initial={"version": plan.version})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            stay = rules.Stay(data["week"], data["weekday"], data["arrive"], data["nights"],
                              data["leave"])
            try:
                services.add_stay(plan, stay, version=data["version"], user=request.user,
                                  today=today)
            except services.RespiteError as error:
                form.add_error(error.field if error.field in form.fields else None,
                               str(error))
                status = 409 if "endret av en annen" in str(error) else 400
            else:
                messages.success(request, "Oppholdet er lagt inn i planen.")
                return redirect("housing:respite-plan", pk=line.pk)
        else:
            status = 400
    stays = list(plan.stays.all())
    plain = [s.as_rule() for s in stays]
    upcoming = sorted(pair for s in plain for pair in rules.dates_of(
        s, home.cycle_start, today, today + UPCOMING, home.cycle_weeks))
    per_month = rules.nights_per_month(plain, home.cycle_weeks)
    guest = services.Guest(line=line, stays=plain, per_month=per_month,
                           decided=float(line.extent) if line.extent is not None else None)
    return render(request, "housing/respite_plan.html", {
        "line": line, "plan": plan, "home": home, "form": form, "guest": guest,
        "stays": [(s, rules.describe(p)) for s, p in zip(stays, plain, strict=True)],
        "per_month": per_month,
        "per_cycle": rules.nights_per_cycle(plain), "upcoming": upcoming,
        "current_week": rules.week_of_cycle(today, home.cycle_start, home.cycle_weeks)},
        status=status)


@require_POST
@role_required(*ROLES)
def remove_stay(request, pk: int, stay: int):
    line = _line_or_deny(request, pk)
    plan = services.plan_for(line)
    get_object_or_404(RespiteStay, pk=stay, plan=plan)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1
    try:
        services.remove_stay(plan, stay, version=version, user=request.user)
    except services.RespiteError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Oppholdet er fjernet fra planen.")
    return redirect("housing:respite-plan", pk=line.pk)


@role_required(Role.OFFICE_LEADER, Role.PROVIDER_LEADER)
def home_settings(request, pk: int):
    """Senger og syklus for one respite home."""
    home = get_object_or_404(_homes(request), pk=pk)
    form = forms.RespiteHomeForm(request.POST or None, initial={
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
