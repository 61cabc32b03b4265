"""Bo og habilitering: decided against rostered hours per house and month, and the rota.

For the leader of a housing-and-habilitation unit (their own house), office leaders,
management and analysts. Figures only: no person is named, so nothing goes to the access
log.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_POST

from tildel.accounts import access, access_log
from tildel.accounts.models import Role, User
from tildel.casework.models import ServiceLine
from tildel.organisation.models import ProviderKind, ProviderUnit
from tildel.rules import housing as rules
from tildel.rules.indicators.periods import add_months, parse_month
from tildel.web.views import _person_or_deny, role_required, user_municipality

from . import forms, respite, services
from .models import IndividualPlan, RotaShift

ROLES = (Role.PROVIDER_LEADER, Role.OFFICE_LEADER, Role.MANAGEMENT, Role.ANALYST)


def _houses(request, kinds=(ProviderKind.HOUSING_HABILITATION,)):
    houses = ProviderUnit.objects.filter(municipality=user_municipality(request),
                                         kind__in=kinds)
    if request.user.role == Role.PROVIDER_LEADER:
        houses = houses.filter(pk=request.user.provider_unit_id)
    return houses.order_by("name")


@role_required(*ROLES)
def overview(request):
    """Per house for the month: users, decided and rostered hours, cost against budget."""
    form = forms.MonthForm(request.GET)
    today = timezone.localdate()
    first = today.replace(day=1)
    status = 200
    if form.is_valid() and form.cleaned_data["maned"]:
        first = parse_month(form.cleaned_data["maned"])
    elif not form.is_valid():
        status = 400
    rows = services.month_overview(user_municipality(request), first, list(_houses(request)))
    label = date_format(first, "F Y").lower()
    chart = {"type": "bar", "labels": [r.unit.name for r in rows], "unit": "timer",
             "title": f"Vedtatte og turnustimer, {label}", "stacked": False,
             "datasets": [{"label": "Vedtatte timer", "data": [round(r.decided, 1)
                                                                for r in rows]},
                          {"label": "Turnustimer", "data": [
                              round(r.rostered, 1) if r.rostered is not None else None
                              for r in rows]}]}
    previous, following = add_months(first, -1), add_months(first, 1)
    return render(request, "housing/overview.html", {
        "rows": rows, "label": label, "form": form, "chart": chart,
        "previous": f"{previous:%Y-%m}", "following": f"{following:%Y-%m}",
        "totals": {"users": sum(r.users for r in rows),
                   "decided": sum(r.decided for r in rows),
                   "rostered": sum(r.rostered or 0 for r in rows)}}, status=status)


def _house(request, pk: int) -> ProviderUnit:
    if request.user.role not in (Role.PROVIDER_LEADER, Role.OFFICE_LEADER):
        raise PermissionDenied
    # A respite home's rota is the one its stay plans are matched to (tildel.rules.respite).
    return get_object_or_404(_houses(request, (ProviderKind.HOUSING_HABILITATION,
                                               ProviderKind.RESPITE)), pk=pk)


@role_required(Role.PROVIDER_LEADER, Role.OFFICE_LEADER)
def rota(request, pk: int):
    """Turnus: the house's shifts, planned hours per week, and a shift added."""
    house = _house(request, pk)
    form = forms.ShiftForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.add_shift(house, **form.cleaned_data)
            except services.RotaError as error:
                form.add_error(error.field if error.field in form.fields else None,
                               str(error))
                status = 400
            else:
                messages.success(request, "Vakten er lagt til i turnusen.")
                return redirect("housing:rota", pk=house.pk)
        else:
            status = 400
    shifts = list(RotaShift.objects.filter(unit=house))
    plain = [s.as_rule() for s in shifts]
    return render(request, "housing/rota.html", {
        "house": house, "shifts": [(s, p.minutes() / 60) for s, p in zip(shifts, plain,
                                                                         strict=True)],
        "weekly": rules.weekly_hours(plain), "form": form}, status=status)


@require_POST
@role_required(Role.PROVIDER_LEADER, Role.OFFICE_LEADER)
def delete_shift(request, pk: int, shift: int):
    house = _house(request, pk)
    with transaction.atomic():
        ProviderUnit.objects.select_for_update().get(pk=house.pk)  # as add_shift, add_stay
        get_object_or_404(RotaShift, pk=shift, unit=house).delete()
        left_alone = respite.uncovered_guests(house, timezone.localdate())
    messages.success(request, "Vakten er fjernet fra turnusen.")
    if left_alone:
        messages.warning(request, f"Turnusen dekker ikke lenger hele oppholdet for "
                                  f"{left_alone} gjest{'er' if left_alone != 1 else ''} i "
                                  "avlastningen. Se Avlastning.")
    return redirect("housing:rota", pk=house.pk)


@role_required(Role.CASEWORKER, Role.OFFICE_LEADER)
def individual_plan(request, pk: int):
    """Individuell plan og koordinator for one person: the plans, and a new one."""
    person = _person_or_deny(request, pk, "Individuell plan og koordinator")
    coordinators = User.objects.filter(
        is_active=True, municipalities=person.municipality_id,
        role__in=[Role.CASEWORKER, Role.OFFICE_LEADER, Role.PROVIDER_LEADER,
                  Role.PROVIDER_STAFF]).order_by("last_name", "first_name")
    form = forms.IndividualPlanForm(request.POST or None, coordinators=coordinators,
                                    initial={"established_on": timezone.localdate()})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            IndividualPlan.objects.create(person=person, **form.cleaned_data)
            messages.success(request, "Individuell plan og koordinator er registrert.")
            return redirect("housing:individual-plan", pk=person.pk)
        status = 400
    return render(request, "housing/individual_plan.html", {
        "person": person, "form": form, "plans": person.individual_plans.select_related(
            "coordinator")}, status=status)


@role_required(Role.CASEWORKER, Role.OFFICE_LEADER)
def bpa(request):
    """BPA: each running allocation with provider, contract, supervisor and inspection, and
    what is missing or overdue."""
    rows = services.bpa_rows(access.persons_visible_to(request.user), timezone.localdate())
    access_log.record_many(request.user, [r.line.decision.person for r in rows],
                           "BPA: ordning, avtale og tilsyn")
    return render(request, "housing/bpa.html", {
        "rows": rows, "missing": sum(1 for r in rows if r.problems)})


@role_required(Role.CASEWORKER, Role.OFFICE_LEADER)
def bpa_edit(request, pk: int):
    line = get_object_or_404(ServiceLine.objects.select_related(
        "decision__person", "service_version__service"), pk=pk,
        service_version__service__code="bpa", granted=True)
    person = _person_or_deny(request, line.decision.person_id, "BPA: ordning")
    current = getattr(line, "bpa", None)
    initial = {"version": current.version if current else 0}
    if current:
        initial.update({name: getattr(current, name) for name in (
            "provider", "provider_name", "work_supervisor", "contract_from", "contract_to",
            "last_inspection")})
    form = forms.BpaForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = dict(form.cleaned_data)
            version = data.pop("version")
            try:
                services.save_bpa(line, version=version, **data)
            except services.RotaError as error:
                form.add_error(None, str(error))
                status = 409
            else:
                messages.success(request, "BPA-ordningen er lagret.")
                return redirect("housing:bpa")
        else:
            status = 400
    return render(request, "housing/bpa_edit.html", {
        "line": line, "person": person, "form": form}, status=status)
