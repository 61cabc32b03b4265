"""Nødrett (break-glass, issue 10): opening a person's record outside one's scope by stating
a reason, and the leader's review of every such opening afterwards (Normen: access on need,
with controls after the fact). The model is ``accounts.EmergencyAccess``."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from tildel.accounts import access, access_log
from tildel.accounts.access_log import emergency_purpose
from tildel.accounts.models import EMERGENCY_ACCESS_HOURS, EmergencyAccess, Role
from tildel.people.models import Person
from tildel.rules import identity

from .forms import EmergencyAccessForm, EmergencyReviewForm
from .views import PERSON_ROLES, role_required


@require_http_methods(["GET", "POST"])
@role_required(*PERSON_ROLES)
def open_access(request, pk: int):
    """Åpne med nødrett: the reason first; the record opens for EMERGENCY_ACCESS_HOURS."""
    person = get_object_or_404(Person, pk=pk)
    if access.can_view_person(request.user, person):
        return redirect("person-overview", pk=pk)
    form = EmergencyAccessForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data["reason"].strip()
        now = timezone.now()
        EmergencyAccess.objects.create(
            user=request.user, person=person, role=request.user.role, reason=reason,
            opened_at=now, expires_at=now + dt.timedelta(hours=EMERGENCY_ACCESS_HOURS))
        access_log.record(request.user, person, "Nødrett åpnet",
                          purpose=emergency_purpose(reason))
        messages.warning(request, f"Du har åpnet journalen med nødrett i "
                                  f"{EMERGENCY_ACCESS_HOURS} timer. Alt du ser, logges med "
                                  f"begrunnelsen din.")
        return redirect("person-overview", pk=pk)
    return render(request, "web/emergency_open.html",
                  {"form": form, "hours": EMERGENCY_ACCESS_HOURS},
                  status=400 if form.is_bound else 200)


def _reviewable(user):
    """The openings the leader reviews: by users of the leader's office or unit."""
    found = EmergencyAccess.objects.select_related("user", "person", "reviewed_by")
    if user.role == Role.OFFICE_LEADER:
        return found.filter(user__allocation_office_id=user.allocation_office_id)
    return found.filter(user__provider_unit_id=user.provider_unit_id)


@role_required(Role.OFFICE_LEADER, Role.PROVIDER_LEADER)
def review_list(request):
    """Nødrett til gjennomgang: who opened whom, when and why; the newest unreviewed first.
    Persons are shown by masked number only: the leader judges the reason, not the record."""
    pending = list(_reviewable(request.user).filter(reviewed_at__isnull=True)[:200])
    done = list(_reviewable(request.user).filter(reviewed_at__isnull=False)
                .order_by("-reviewed_at", "-id")[:50])
    for entry in pending + done:
        entry.masked = identity.mask(entry.person.id_number)
    return render(request, "web/emergency_review.html", {
        "pending": pending, "done": done, "form": EmergencyReviewForm()})


@require_POST
@role_required(Role.OFFICE_LEADER, Role.PROVIDER_LEADER)
def review(request, entry_id: int):
    """Gjennomgått: the leader has read the reason; a second review is refused, not merged."""
    form = EmergencyReviewForm(request.POST)
    with transaction.atomic():
        entry = get_object_or_404(_reviewable(request.user).select_for_update(of=("self",)),
                                  pk=entry_id)
        if entry.reviewed_at is not None:
            messages.error(request, f"Denne er allerede gjennomgått av "
                                    f"{entry.reviewed_by.get_full_name() or entry.reviewed_by}.")
            return redirect("emergency-review")
        if not form.is_valid():
            messages.error(request, "Merknaden kan være høyst 500 tegn.")
            return redirect("emergency-review")
        entry.reviewed_by, entry.reviewed_at = request.user, timezone.now()
        entry.review_note = form.cleaned_data["note"]
        entry.save(update_fields=["reviewed_by", "reviewed_at", "review_note"])
    messages.success(request, "Markert som gjennomgått.")
    return redirect("emergency-review")
