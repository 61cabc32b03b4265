"""Screens: work area, person search, person overview, person registration, access log."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError
from django.db.models import Count, Q
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from tildel.accounts import access, access_log
from tildel.accounts.access_log import emergency_purpose
from tildel.accounts.models import AccessLogEntry, AccessOutcome, EmergencyAccess, Role
from tildel.casework.access import cases_visible_to, orders_visible_to
from tildel.casework.models import Case, Decision, ServiceLine
from tildel.organisation.models import District, Municipality
from tildel.people.forms import PersonForm, PersonSearchForm
from tildel.people.models import Person
from tildel.people.search import search

from .forms import AccessLogFilterForm


def user_municipality(request):
    """The municipality the signed-in user works on; 403 for a user without one."""
    municipality = request.user.home_municipality()
    if municipality is None:
        raise PermissionDenied("Brukeren er ikke knyttet til en kommune.")
    return municipality


def role_required(*roles):
    def decorator(view):
        @login_required
        def wrapped(request, *args, **kwargs):
            if request.user.role not in roles:
                raise PermissionDenied
            return view(request, *args, **kwargs)
        wrapped.__name__ = view.__name__
        wrapped.__doc__ = view.__doc__
        return wrapped
    return decorator


PERSON_ROLES = (Role.CASEWORKER, Role.OFFICE_LEADER, Role.PROVIDER_LEADER,
                Role.PROVIDER_STAFF)


def _line_counts(lines) -> dict[str, int]:
    """Active service lines and the persons they serve, in one pass over the lines (two
    counts took 40 ms each in the city)."""
    return lines.aggregate(active_lines=Count("id"),
                           active_persons=Count("decision__person", distinct=True))


@login_required
def home(request):
    """Arbeidsområde: what the signed-in user is responsible for, in numbers."""
    user = request.user
    today = timezone.localdate()
    context = {"today": today}
    if user.is_office_role:
        districts = District.objects.filter(id__in=user.district_ids()).annotate(
            persons_count=Count("persons", distinct=True)).order_by("number")
        lines = ServiceLine.objects.active_on(today).filter(
            decision__person__district_id__in=user.district_ids())
        context.update(districts=districts, **_line_counts(lines))
        # Three numbers of the office's open cases in one query.
        context.update(cases_visible_to(user).filter(status=Case.Status.OPEN).aggregate(
            my_open_cases=Count("id", filter=Q(assigned_to=user)),
            office_open_cases=Count("id"),
            unassigned_cases=Count("id", filter=Q(assigned_to__isnull=True))))
    elif user.is_provider_role and user.provider_unit_id:
        lines = ServiceLine.objects.active_on(today).filter(provider_unit_id=user.provider_unit_id)
        context.update(new_orders=orders_visible_to(user).filter(
            acknowledged_at__isnull=True).count())
        context.update(**_line_counts(lines))
    return render(request, "web/home.html", context)


@require_http_methods(["GET", "POST"])
@role_required(*PERSON_ROLES)
def person_search(request):
    """Personsøk. The query travels in the POST body, never in the URL."""
    hits = None
    form = PersonSearchForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        hits = search(access.persons_visible_to(request.user), form.cleaned_data["q"])
        access_log.record_many(request.user, hits, "Søketreff: navn, fødselsdato, distrikt")
    template = "web/_search_results.html" if request.htmx else "web/person_search.html"
    return render(request, template, {"form": form, "hits": hits})


class OutsideScope(PermissionDenied):
    """The person exists but is outside the user's scope: the refusal page offers
    emergency access (nødrett) to the roles that may use it."""

    def __init__(self, person_id: int):
        super().__init__()
        self.person_id = person_id


def _person_or_deny(request, pk: int, what: str, queryset=None) -> Person:
    """The person, if the user may see them, or has opened emergency access to them (then
    the log says so, with the reason); every attempt lands in the access log."""
    queryset = queryset if queryset is not None else Person.objects.all()
    person = get_object_or_404(queryset.select_related("district", "municipality"), pk=pk)
    if access.can_view_person(request.user, person):
        access_log.record(request.user, person, what)
        return person
    emergency = EmergencyAccess.objects.active(request.user, person.pk).first()
    if emergency is not None:
        access_log.record(request.user, person, what,
                          purpose=emergency_purpose(emergency.reason))
        return person
    access_log.record(request.user, person, what, outcome=AccessOutcome.DENIED)
    raise OutsideScope(person.pk)


@role_required(*PERSON_ROLES)
def person_overview(request, pk: int):
    """Personoversikt: identity, contacts, services and the units that deliver them."""
    person = _person_or_deny(
        request, pk, "Personoversikt: personalia, pårørende, verge, tjenester",
        queryset=Person.objects.prefetch_related("next_of_kin", "guardians"))
    today = timezone.localdate()
    lines = list(
        ServiceLine.objects.filter(decision__person=person,
                                   decision__status=Decision.Status.DECIDED)
        .select_related("service_version__service__national_type", "provider_unit",
                        "decision")
        .order_by("-start", "id"))
    current = [line for line in lines if line.end is None or line.end >= today]
    past = [line for line in lines if line.end is not None and line.end < today]
    # A refused line, or one not yet given to a unit, has no provider unit.
    units = sorted({line.provider_unit for line in current if line.provider_unit_id},
                   key=lambda u: u.name)
    return render(request, "web/person_overview.html", {
        "person": person, "current_lines": current, "past_lines": past, "units": units,
        "age": person.age_on(today), "today": today})


@require_http_methods(["GET", "POST"])
@role_required(Role.CASEWORKER, Role.OFFICE_LEADER)
def person_create(request):
    """Registrer person: field-level messages, nothing saved until everything is valid."""
    districts = District.objects.filter(id__in=request.user.district_ids())
    form = PersonForm(request.POST if request.method == "POST" else None, districts=districts)
    if request.method == "POST" and form.is_valid():
        person = form.save()
        access_log.record(request.user, person, "Registrering av person")
        messages.success(request, f"{person.full_name} er registrert.")
        return redirect("person-overview", pk=person.pk)
    return render(request, "web/person_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
@role_required(Role.ADMINISTRATOR)
def access_log_search(request):
    """Tilgangslogg: who looked at what, searchable; filters travel in the POST body."""
    form = AccessLogFilterForm(request.POST if request.method == "POST" else None)
    entries = None
    if request.method == "POST" and form.is_valid():
        entries = list(form.filtered(AccessLogEntry.objects.select_related(
            "user", "person"))[:200])
    return render(request, "web/access_log.html", {"form": form, "entries": entries})


@require_http_methods(["POST"])
@role_required(Role.ADMINISTRATOR)
def access_log_report(request):
    """Innsyn i logg: every access to one person, for the person's access request."""
    form = AccessLogFilterForm(request.POST)
    if not form.is_valid() or form.person is None:
        return render(request, "web/access_log.html", {"form": form, "entries": None},
                      status=400)
    person = form.person
    entries = form.filtered(AccessLogEntry.objects.select_related("user"))
    access_log.record(request.user, person, "Innsyn i logg: logguttrekk",
                      purpose="Innsyn i logg (pasientjournalloven § 18)")
    if request.POST.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="innsyn-i-logg.csv"'
        writer = csv.writer(response, delimiter=";")
        writer.writerow(["Tidspunkt", "Bruker", "Rolle", "Hva", "Formål", "Utfall"])
        for e in entries.iterator():
            writer.writerow([timezone.localtime(e.at).strftime("%d.%m.%Y %H:%M:%S"),
                             e.user.get_full_name() or e.user.username, e.get_role_display(),
                             e.what, e.purpose, e.get_outcome_display()])
        return response
    return render(request, "web/access_report.html", {
        "person": person, "entries": entries, "generated": timezone.now()})


def _error_page(template: str, status: int):
    def view(request, exception=None):
        return render(request, template, status=status)
    return view


def handler403(request, exception=None):
    """Ingen tilgang; for a person outside the user's scope, the way to emergency access."""
    emergency_url = None
    if (isinstance(exception, OutsideScope) and request.user.is_authenticated
            and request.user.role in PERSON_ROLES):
        emergency_url = reverse("person-emergency", args=[exception.person_id])
    return render(request, "403.html", {"emergency_url": emergency_url}, status=403)


handler404 = _error_page("404.html", 404)


def handler500(request):
    """No context processors and no database: the error may be the database itself."""
    return render(None, "500.html", status=500)


def health(request):
    """Helsesjekk for monitoring and load balancers: the application answers and reads one
    row from the database. No login, no personal data; 503 when the database is away. The
    load test (bench/load_bench.py) also uses it as the framework's floor."""
    try:
        Municipality.objects.only("pk").first()
    except DatabaseError:
        return JsonResponse({"status": "database unavailable"}, status=503)
    return JsonResponse({"status": "ok"})
