"""The hospital board (sykehusoversikt): the municipality's inhabitants in hospital today,
and each stay's discharge work (report 002: take the patient home the day they are ready).

Office roles see the persons of their districts; the leader of a provider unit (the
everyday-mastery unit) sees the stays it is responsible for and the persons it serves.
Every person shown is written to the access log.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from tildel.accounts import access_log
from tildel.accounts.models import AccessOutcome, Role
from tildel.insight.forms import last_whole_months
from tildel.rules import discharge as rules
from tildel.rules.indicators.periods import add_months
from tildel.web.views import role_required

from . import forms, services
from .models import HospitalStay

ROLES = (Role.CASEWORKER, Role.OFFICE_LEADER, Role.PROVIDER_LEADER)
#: The key figures the board links to (report 002 Fig 1 and Fig 3, and their cost).
FIGURES = ("utskrivningsklare-dogn", "utskrivningsklare-kostnad", "utskrivningsklare-per-dogn",
           "pasientflyt")
RECENT_DAYS = 14


@role_required(*ROLES)
def board(request):
    """Sykehusoversikt: open stays (the ready ones first, longest waiting at the top), the
    ones discharged the last two weeks, and last month's waiting days and cost."""
    today = timezone.localdate()
    stays = services.visible_stays(request.user)
    shown = stays.select_related("person", "person__district", "responsible_unit")
    open_stays = sorted(shown.filter(status__in=services.OPEN),
                        key=lambda s: (s.ready_on is None, s.ready_on or dt.date.max,
                                       s.admitted_at))
    recent = list(shown.filter(status=HospitalStay.Status.DISCHARGED,
                               discharged_at__gte=timezone.now()
                               - dt.timedelta(days=RECENT_DAYS)).order_by("-discharged_at"))
    rows = [_row(stay, today) for stay in open_stays]
    access_log.record_many(request.user, {s.person for s in [*open_stays, *recent]},
                           "Sykehusoversikt: navn, sykehus, datoer for oppholdet")
    last_month = add_months(today.replace(day=1), -1)
    first, last = last_whole_months(12, today)
    figures = urlencode([("indicators", code) for code in FIGURES] + [
        ("from", first), ("to", last), ("period", "month")])
    return render(request, "hospital/board.html", {
        "figures_url": f"{reverse('insight:dashboard')}?{figures}",
        "rows": rows, "recent": recent, "today": today,
        "ready": sum(1 for r in rows if r["stay"].ready_on),
        "psychiatric": sum(1 for r in rows if r["stay"].psychiatric),
        "waiting_today": sum(r["waiting"] for r in rows),
        "month": services.month_figures(stays, last_month)})


def _row(stay: HospitalStay, today: dt.date) -> dict:
    rule = services.as_rule(stay)
    return {"stay": stay, "waiting": rules.waiting_days(rule, rule.admitted, today),
            "planned": sum(getattr(stay, name) for name in HospitalStay.PLAN_FIELDS)}


def _stay_or_deny(request, pk: int, what: str) -> HospitalStay:
    stay = get_object_or_404(HospitalStay.objects.select_related(
        "person", "person__district", "responsible_unit", "accepted_by", "case"), pk=pk)
    if not services.visible_stays(request.user).filter(pk=pk).exists():
        access_log.record(request.user, stay.person, what, outcome=AccessOutcome.DENIED)
        raise PermissionDenied
    access_log.record(request.user, stay.person, what)
    return stay


@role_required(*ROLES)
def stay(request, pk: int):
    found = _stay_or_deny(request, pk, "Sykehusopphold: datoer, plan for utskrivning")
    return _page(request, found, {})


FORMS = {"klar": forms.ReadyForm, "plan": forms.PlanForm, "ta-imot": forms.AcceptForm,
         "utskrevet": forms.DischargeForm}


def _page(request, found: HospitalStay, bound: dict, status: int = 200):
    today = timezone.localdate()
    rule = services.as_rule(found)
    initial = {"version": found.version, "day": today}
    municipality = found.person.municipality
    plan_initial = {name: getattr(found, name) for name in HospitalStay.PLAN_FIELDS}
    plan_initial.update(version=found.version, unit=found.responsible_unit_id,
                        note=found.plan_note)
    context = {
        "stay": found, "today": today,
        "waiting": rules.waiting_days(rule, rule.admitted, today),
        "open": found.status in services.OPEN,
        "ready_form": bound.get("klar") or forms.ReadyForm(initial={
            "version": found.version, "day": found.ready_on or today}),
        "plan_form": bound.get("plan") or forms.PlanForm(initial=plan_initial,
                                                         municipality=municipality),
        "accept_form": bound.get("ta-imot") or forms.AcceptForm(initial={
            "version": found.version, "day": found.accepted_on or today}),
        "discharge_form": bound.get("utskrevet") or forms.DischargeForm(initial=initial),
    }
    return render(request, "hospital/stay.html", context, status=status)


@require_POST
@role_required(*ROLES)
def change(request, pk: int, action: str):
    if action not in FORMS:
        raise Http404
    found = _stay_or_deny(request, pk, "Sykehusopphold: endring")
    kwargs = {"municipality": found.person.municipality} if action == "plan" else {}
    form = FORMS[action](request.POST, **kwargs)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if action == "klar":
                services.mark_ready(found, day=data["day"], version=data["version"])
                messages.success(request, "Pasienten er registrert som utskrivningsklar.")
            elif action == "plan":
                chosen = {name: data[name] for name in HospitalStay.PLAN_FIELDS}
                services.save_plan(found, version=data["version"], unit=data["unit"],
                                   note=data["note"], **chosen)
                messages.success(request, "Planen for utskrivning er lagret.")
            elif action == "ta-imot":
                services.accept(found, day=data["day"], actor=request.user,
                                version=data["version"])
                messages.success(request, "Kommunen tar imot pasienten.")
            else:
                services.discharge(found, day=data["day"], destination=data["destination"],
                                   version=data["version"])
                messages.success(request, "Utskrivningen er registrert.")
            return redirect("hospital:stay", pk=found.pk)
        except services.DischargeError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
    return _page(request, found, {action: form}, status=400)
