"""Screens for delivered time: the unit overview, one user's weeks and months, manual
registration, import of visit logs, and the weekly comparison as Excel.

Access: provider roles see their own unit and the users it serves; office roles the units
serving their districts and the users living there. Every page that shows a user's data
writes to the access log; URLs carry internal ids only.
"""

from __future__ import annotations

import datetime as dt
import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods
from openpyxl import Workbook

from tildel.accounts import access_log
from tildel.accounts.access import persons_visible_to
from tildel.accounts.models import AccessOutcome, Role
from tildel.people.models import Person
from tildel.rules import delivered_time as rules
from tildel.web.views import role_required

from . import forms, importer, services
from .models import VisitImport

#: Users per page of a unit's month (a home-care unit of a city has thousands).
UNIT_PAGE_SIZE = 100

PROVIDER = (Role.PROVIDER_LEADER, Role.PROVIDER_STAFF)
OFFICE = (Role.CASEWORKER, Role.OFFICE_LEADER)
IMPORTERS = (Role.PROVIDER_LEADER, Role.CASEWORKER, Role.OFFICE_LEADER)
SHOWN_ERRORS = 1000


def _month(request) -> tuple[int, int]:
    """``?maaned=ÅÅÅÅ-MM``; the current month when absent or not a month."""
    today = timezone.localdate()
    try:
        year, month = (int(p) for p in request.GET.get("maaned", "").split("-"))
        dt.date(year, month, 1)
    except ValueError:
        return today.year, today.month
    if not 2000 <= year <= today.year + 1:
        return today.year, today.month
    return year, month


def _year(request) -> int:
    today = timezone.localdate()
    value = request.GET.get("aar", "")
    return int(value) if value.isdigit() and 2000 <= int(value) <= today.year else today.year


def _unit(request, pk: int):
    return get_object_or_404(services.units_visible_to(request.user), pk=pk)


def _shift(year: int, month: int, by: int) -> str:
    index = year * 12 + month - 1 + by
    return f"{index // 12}-{index % 12 + 1:02d}"


@role_required(*PROVIDER, *OFFICE)
def home(request):
    """Levert tid: a provider goes straight to its unit; the office picks one."""
    if request.user.is_provider_role:
        return redirect("delivery-unit", unit=request.user.provider_unit_id)
    units = services.units_visible_to(request.user).order_by("name")
    return render(request, "delivery/home.html", {"units": units})


@role_required(*PROVIDER, *OFFICE)
def unit_overview(request, unit: int):
    """The unit's users in one month: decided, planned and delivered hours, deviations
    above the threshold, and help without a decision."""
    unit = _unit(request, unit)
    year, month = _month(request)
    persons = services.users_visible_to(request.user, dt.date(year, month, 1))
    data = services.unit_month(unit, persons, year, month)
    rows = data["rows"]
    if request.GET.get("avvik") == "1":  # only those with deviations or help without decision
        rows = [r for r in rows if r.month.flagged or r.without_decision]
    page = Paginator(rows, UNIT_PAGE_SIZE).get_page(request.GET.get("side"))
    shown = data["with_weeks"](list(page.object_list))
    access_log.record_many(request.user, [r.person for r in shown],
                           "Levert tid: vedtatt, planlagt og levert tid per bruker")
    return render(request, "delivery/unit.html", {
        **data, "shown": shown, "page": page, "only_flagged": request.GET.get("avvik") == "1",
        "users": len(data["rows"]), "unit": unit, "year": year, "month": month,
        "previous": _shift(year, month, -1), "next": _shift(year, month, 1),
        "this_month": f"{year}-{month:02d}",
        "threshold_h": rules.hours_text(data["threshold"]),
        "can_register": request.user.is_provider_role,
        "can_import": request.user.role in IMPORTERS})


@role_required(*PROVIDER, *OFFICE)
def unit_weeks_excel(request, unit: int):
    """The weekly comparison of the month as an Excel workbook (numbers, not text)."""
    unit = _unit(request, unit)
    year, month = _month(request)
    persons = services.users_visible_to(request.user, dt.date(year, month, 1))
    data = services.unit_month(unit, persons, year, month)
    data["with_weeks"](data["rows"])
    access_log.record_many(request.user, [r.person for r in data["rows"]],
                           "Levert tid: Excel-eksport av ukene")
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Uker")
    sheet.append(["Bruker", "Uke", "Fra", "Til", "Vedtatt (timer)", "Planlagt (timer)",
                  "Levert (timer)", "Avvik (timer)", "Over terskel", "Dager uten vedtak"])

    def hours(value):
        return None if value is None else round(float(value) / 60, 2)

    for row in data["rows"]:
        for week in row.weeks:
            c = week.comparison
            sheet.append([row.person.full_name, week.label, week.first, week.last,
                          hours(c.decided), hours(c.planned), hours(c.delivered),
                          hours(c.deviation), "Ja" if week.flagged else "Nei",
                          week.days_without_decision])
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = (f'attachment; filename="levert-tid-enhet-{unit.pk}-'
                                       f'{year}-{month:02d}.xlsx"')
    return response


@role_required(*PROVIDER, *OFFICE)
def person_detail(request, unit: int, pk: int):
    """One user at one unit: every week and month of the year, and recent visits."""
    unit = _unit(request, unit)
    year = _year(request)
    what = "Levert tid: vedtatt, planlagt og levert tid per uke og måned"
    person = get_object_or_404(Person, pk=pk)
    if not services.users_visible_to(request.user, dt.date(year, 1, 1)).filter(
            pk=pk).exists():
        access_log.record(request.user, person, what, outcome=AccessOutcome.DENIED)
        raise PermissionDenied
    access_log.record(request.user, person, what)
    today = timezone.localdate()
    data = services.person_year(unit, person, year, today)
    return render(request, "delivery/person.html", {
        **data, "unit": unit, "person": person, "year": year,
        "years": list(range(today.year, today.year - 4, -1)),
        "threshold_h": rules.hours_text(data["threshold"]),
        "visits": services.recent_visits(unit.pk, [person.pk]),
        "can_register": request.user.is_provider_role})


@require_http_methods(["GET", "POST"])
@role_required(*PROVIDER)
def visit_new(request):
    """Registrer besøk: for a user the unit serves; the same checks as the import."""
    persons = persons_visible_to(request.user)
    person = None
    person_pk = request.POST.get("person") or request.GET.get("person")
    if person_pk:
        person = get_object_or_404(persons, pk=person_pk) if person_pk.isdigit() else None
        if person is None:
            raise PermissionDenied
        access_log.record(request.user, person, "Levert tid: registrering av besøk")
    form = forms.VisitForm(request.POST if request.method == "POST" else None,
                           persons=persons, person=person)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.register_visit(person=form.person, unit_id=request.user.provider_unit_id,
                                    start=data["start"], end=data["end"],
                                    role=data["staff_role"], actor=request.user)
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                form.add_error({"start": "start_time", "end": "end_time"}.get(field, field),
                               problems)
        else:
            if person is None:
                access_log.record(request.user, form.person, "Levert tid: registrering av besøk")
            messages.success(request, "Besøket er registrert.")
            return redirect(reverse("delivery-person", args=[request.user.provider_unit_id,
                                                             form.person.pk]))
    return render(request, "delivery/visit_form.html", {"form": form, "person": person})


def _imports_visible_to(user):
    if user.is_provider_role:
        return VisitImport.objects.filter(provider_unit_id=user.provider_unit_id)
    return VisitImport.objects.all()


@require_http_methods(["GET", "POST"])
@role_required(*IMPORTERS)
def import_upload(request):
    """Importer besøkslogg: upload, then the result page; the history below."""
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        upload.seek(0)
        run = importer.import_file(upload.file, upload.name, user=request.user)
        return redirect("delivery-import-detail", pk=run.pk)
    history = _imports_visible_to(request.user).select_related("started_by")[:20]
    return render(request, "delivery/import.html", {"form": form, "history": history})


@role_required(*IMPORTERS)
def import_detail(request, pk: int):
    """One import: counts, and each refused row with its line number and reason."""
    run = get_object_or_404(_imports_visible_to(request.user).select_related(
        "started_by", "provider_unit"), pk=pk)
    errors = list(run.errors.all()[:SHOWN_ERRORS])
    return render(request, "delivery/import_detail.html", {
        "run": run, "errors": errors, "more_errors": max(0, run.rows_bad - len(errors))})
