"""Screens: Plasser (capacity today and over time, free places), Ventelister and Avvik.

The capacity screens name no persons. The waiting lists show the persons the user may see
(their districts), each read written to the access log; the place in the queue is counted
over the whole municipality's list.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from tildel.accounts import access, access_log
from tildel.accounts.models import Role
from tildel.rules import places as rules
from tildel.rules.indicators.periods import add_months, month_end
from tildel.rules.places import ListKind
from tildel.web.views import role_required, user_municipality

from . import forms, services
from .models import Deviation, Place, WaitingListEntry

ROLES = (Role.CASEWORKER, Role.OFFICE_LEADER, Role.PROVIDER_LEADER, Role.MANAGEMENT)
LIST_ROLES = (Role.CASEWORKER, Role.OFFICE_LEADER)
MONTHS = 12


def _months(today: dt.date, count: int) -> list[tuple[dt.date, dt.date]]:
    """The last ``count`` whole months, oldest first."""
    this_month = today.replace(day=1)
    return [(first, month_end(first)) for first in
            (add_months(this_month, -n) for n in range(count, 0, -1))]


@role_required(*ROLES)
def overview(request):
    """Plasser: places by institution and kind today, what is free, and the last twelve
    months' occupancy, turnover and length of stay."""
    municipality = user_municipality(request)
    today = timezone.localdate()
    rows = services.capacity(municipality, today)
    free = services.free_places(municipality, today)
    waiting = {kind.key: len(services.waiting(kind.key, municipality)) for kind in ListKind}
    return render(request, "places/overview.html", {
        "rows": rows, "free": free, "today": today, "waiting": waiting,
        "can_give": request.user.role == Role.OFFICE_LEADER,
        "totals": {"places": sum(r.places for r in rows), "occupied": sum(r.occupied
                                                                          for r in rows),
                   "corridor": sum(r.corridor for r in rows)},
        "history": services.history(municipality, _months(today, MONTHS)),
        "deviations": Deviation.objects.filter(
            municipality=municipality, occurred_on__gte=today - dt.timedelta(days=30)
        ).count()})


@require_POST
@role_required(Role.OFFICE_LEADER)
def give_next(request, pk: int):
    """Tildel ledig plass til den neste på ventelisten."""
    place = get_object_or_404(Place.objects.select_related("institution"), pk=pk,
                              institution__municipality=user_municipality(request))
    try:
        entry = services.give_next(place, timezone.localdate(), request.user)
    except services.PlaceError as error:
        messages.error(request, str(error))
    else:
        # The list is the whole municipality's: name the person only to a leader who may
        # open them.
        if access.can_view_person(request.user, entry.person):
            access_log.record(request.user, entry.person, "Plass tildelt fra venteliste")
            who = entry.person.full_name
        else:
            who = "neste på ventelisten (fra et annet distrikt)"
        messages.success(request, f"{place.label} på {place.institution} er tildelt {who} "
                                  f"(behov {entry.priority}, kvalifisert "
                                  f"{entry.qualified_on:%d.%m.%Y}).")
    return redirect("places:overview")


@role_required(*LIST_ROLES)
def waiting_lists(request):
    """Ventelister: one list at a time, in the order it is taken, and the form to put a
    person found qualified on a list."""
    municipality = user_municipality(request)
    today = timezone.localdate()
    chosen = request.GET.get("liste") or ListKind.LONG_TERM.key
    if chosen not in {kind.key for kind in ListKind}:
        chosen = ListKind.LONG_TERM.key
    form = forms.WaitingListForm(request.POST or None, user=request.user,
                                 initial={"list": chosen})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                entry = services.add_to_list(
                    person=form.person, kind=_kind(data["list"]),
                    qualified_on=data["qualified_on"], priority=data["priority"],
                    only_safe_option=data["only_safe_option"], note=data["note"],
                    actor=request.user)
            except services.PlaceError as error:
                form.add_error(error.field if error.field in form.fields else None,
                               str(error))
                status = 400
            else:
                access_log.record(request.user, entry.person, "Venteliste: ny oppføring")
                messages.success(request, f"{entry.person.full_name} står på ventelisten "
                                          f"for {entry.get_list_display().lower()}.")
                return redirect(f"{request.path}?liste={entry.list}")
        else:
            status = 400
    queue = services.waiting(chosen, municipality)
    visible = set(services.visible_entries(request.user).filter(
        pk__in=[e.pk for e in queue]).values_list("pk", flat=True))
    rows = [{"rank": rank, "entry": e, "days": rules.waiting_days(e.qualified_on, None, today)}
            for rank, e in enumerate(queue, start=1) if e.pk in visible]
    access_log.record_many(request.user, [r["entry"].person for r in rows],
                           "Venteliste: navn, behov og ventetid")
    return render(request, "places/waiting_lists.html", {
        "kinds": list(ListKind), "chosen": _kind(chosen), "rows": rows, "form": form,
        "others": len(queue) - len(rows), "free": len(services.free_places(
            municipality, today, [k for k, v in services.LIST_FOR_PLACE.items()
                                  if v == chosen]))}, status=status)


def _kind(key: str) -> ListKind:
    return next(kind for kind in ListKind if kind.key == key)


@require_POST
@role_required(*LIST_ROLES)
def withdraw(request, pk: int):
    entry = get_object_or_404(services.visible_entries(request.user), pk=pk)
    # Only while still waiting: a place given meanwhile is not undone by a stale page.
    changed = WaitingListEntry.objects.filter(
        pk=entry.pk, status=WaitingListEntry.Status.WAITING).update(
        status=WaitingListEntry.Status.WITHDRAWN, changed_on=timezone.localdate())
    access_log.record(request.user, entry.person, "Venteliste: tatt av listen")
    if changed:
        messages.success(request, f"{entry.person.full_name} er tatt av ventelisten.")
    else:
        messages.error(request, f"{entry.person.full_name} står ikke lenger på ventelisten "
                                f"({entry.get_status_display().lower()}).")
    return redirect(f"/ventelister/?liste={entry.list}")


@role_required(*ROLES)
def deviations(request):
    """Avvik: register one, and the last ones with the count per kind this year."""
    municipality = user_municipality(request)
    form = forms.DeviationForm(request.POST or None, user=request.user,
                               municipality=municipality)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            Deviation.objects.create(municipality=municipality, kind=data["kind"],
                                     occurred_on=data["occurred_on"],
                                     institution=data["institution"], person=form.person,
                                     note=data["note"], registered_by=request.user)
            messages.success(request, "Avviket er registrert.")
            return redirect("places:deviations")
        status = 400
    year = timezone.localdate().replace(month=1, day=1)
    found = Deviation.objects.filter(municipality=municipality).select_related("institution")
    counts = {label: found.filter(kind=kind, occurred_on__gte=year).count()
              for kind, label in Deviation.Kind.choices}
    return render(request, "places/deviations.html", {
        "form": form, "latest": found[:100], "counts": counts, "year": year.year},
        status=status)
