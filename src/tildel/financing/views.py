"""Screens for financing: the simulator, stored budgets with their tertial review, and
budget against accounts per unit and month.

Access: management and analysts see every unit of their municipality; a provider unit's
leader sees the budget and accounts of the own unit. The screens show counts and amounts,
never a person: budgets carry internal person ids only for the tertial review.
"""

from __future__ import annotations

import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from tildel.accounts.models import Role
from tildel.financing import accounts, export, services, simulator
from tildel.financing.forms import AccountsUploadForm, SimulatorForm
from tildel.financing.models import Budget
from tildel.rules.financing.budget import ParameterError
from tildel.web.views import role_required, user_municipality

MANAGEMENT = (Role.MANAGEMENT, Role.ANALYST)
BUDGET_READERS = MANAGEMENT + (Role.PROVIDER_LEADER,)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _own_unit(request):
    """A provider leader's unit (None for management); a leader without one sees nothing."""
    if request.user.role != Role.PROVIDER_LEADER:
        return None
    if request.user.provider_unit is None:
        raise PermissionDenied
    return request.user.provider_unit


def _simulation(request):
    form = SimulatorForm(SimulatorForm.with_defaults(request.GET))
    if not form.is_valid():
        return form, None, None
    data = form.cleaned_data
    try:
        simulation = simulator.simulate(
            user_municipality(request), data["year"], data["model"], data["parameters"],
            compare=data["compare"], price=form.value("price"), frame_key=data["frame_key"],
            frame_total=data.get("frame"))
    except ParameterError as error:
        form.add_error(None, error.message)
        return form, None, None
    return form, simulation, data


@role_required(*MANAGEMENT)
def simulator_page(request):
    """Simulator: one model's budget per unit beside the current one, with incentives."""
    form, simulation, data = _simulation(request)
    return render(request, "financing/simulator.html", {
        "form": form, "simulation": simulation,
        "chart": simulation.chart() if simulation else None,
        "query": request.GET.urlencode(),
        "changed": form.changed_parameters() if simulation else [],
    })


@role_required(*MANAGEMENT)
def simulator_excel(request):
    form, simulation, _ = _simulation(request)
    if simulation is None:
        return render(request, "financing/simulator.html", {"form": form}, status=400)
    return _xlsx(export.workbook([(c.label, c.budget) for c in simulation.columns]),
                 f"budsjettsimulering-{simulation.year}.xlsx")


@role_required(*BUDGET_READERS)
def budget_list(request):
    budgets = Budget.objects.filter(municipality=user_municipality(request)).select_related(
        "created_by")
    return render(request, "financing/budget_list.html", {"budgets": budgets[:100]})


@role_required(*BUDGET_READERS)
def budget_detail(request, pk: int):
    """One stored version: per unit, the total, the change since the version before and
    why (tertial review), and the line-by-line explanation."""
    budget = get_object_or_404(Budget, pk=pk, municipality=user_municipality(request))
    units = budget.units.select_related("provider_unit")
    unit = _own_unit(request)
    if unit is not None:
        units = units.filter(provider_unit=unit)
    return render(request, "financing/budget_detail.html", {"budget": budget, "units": units})


def _xlsx(workbook, name: str) -> HttpResponse:
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@role_required(*BUDGET_READERS)
def budget_excel(request, pk: int):
    budget = get_object_or_404(Budget, pk=pk, municipality=user_municipality(request))
    plain = services.as_rules_budget(budget)
    unit = _own_unit(request)
    if unit is not None:
        plain.units = {name: u for name, u in plain.units.items() if name == unit.name}
    return _xlsx(export.workbook([(str(budget), plain)]),
                 f"budsjett-{budget.year}-v{budget.version}.xlsx")


@role_required(*BUDGET_READERS)
def accounts_excel(request):
    unit = _own_unit(request)
    year = accounts.year_from(request.GET.get("aar"))
    table = accounts.budget_against_accounts(user_municipality(request), year, unit=unit)
    return _xlsx(accounts.workbook(table, year), f"budsjett-og-regnskap-{year}.xlsx")


@role_required(*BUDGET_READERS)
@require_http_methods(["GET", "POST"])
def accounts_page(request):
    """Budget against accounts per unit and month, with users and decided hours beside."""
    municipality = user_municipality(request)
    unit = _own_unit(request)
    upload = AccountsUploadForm()
    if request.method == "POST":
        if request.user.role not in MANAGEMENT:
            raise PermissionDenied
        upload = AccountsUploadForm(request.POST, request.FILES)
        if upload.is_valid():
            try:
                result = accounts.import_accounts(upload.cleaned_data["file"], municipality,
                                                  upload.cleaned_data["file"].name)
            except accounts.AccountsError as error:
                upload.add_error("file", str(error))
            else:
                messages.success(request, f"{result.created} nye og {result.updated} oppdaterte "
                                          f"regnskapsposter.")
                return redirect("financing-accounts")
    year = accounts.year_from(request.GET.get("aar"))
    table = accounts.budget_against_accounts(municipality, year, unit=unit)
    return render(request, "financing/accounts.html", {
        "table": table, "year": year, "upload": upload,
        "can_import": request.user.role in MANAGEMENT}, status=400 if upload.errors else 200)
