"""Provider actions on an order, and the office's list and answers of change requests."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from tildel.accounts import access_log
from tildel.accounts.models import Role
from tildel.casework.access import orders_visible_to
from tildel.casework.services import CaseworkError
from tildel.casework.views import attempt, cleaned, flash_error
from tildel.web.views import role_required

from . import forms, services
from .models import ChangeRequest

PROVIDER = (Role.PROVIDER_LEADER, Role.PROVIDER_STAFF)
OFFICE = (Role.CASEWORKER, Role.OFFICE_LEADER)


def provider_order(request, pk: int, what: str):
    """An order to the user's unit, with the read logged (404 for any other order)."""
    order = get_object_or_404(orders_visible_to(request.user).select_related(
        "decision__person", "decision__case", "provider_unit"), pk=pk)
    access_log.record(request.user, order.decision.person, what)
    return order


@require_POST
@role_required(*PROVIDER)
def order_adjust(request, pk: int):
    order = provider_order(request, pk, "Bestilling: justering innenfor rammen")
    form = forms.AdjustmentForm(request.POST, lines=order.lines.select_related("service_version"))
    try:
        services.adjust(order, actor=request.user, **cleaned(form))
    except services.OutsideFrame as error:
        flash_error(request, error)
        messages.info(request, "Bruk skjemaet for endringsmelding under.")
    except CaseworkError as error:
        flash_error(request, error)
    else:
        messages.success(request, "Justeringen er registrert. Tildelingskontoret ser den.")
    return redirect("order-detail", pk=order.pk)


@require_POST
@role_required(*PROVIDER)
def order_change_request(request, pk: int):
    order = provider_order(request, pk, "Bestilling: endringsmelding")
    form = forms.ChangeRequestForm(request.POST,
                                   lines=order.lines.select_related("service_version"))
    attempt(request, lambda: services.request_change(order, actor=request.user,
                                                     **cleaned(form)),
            "Endringsmeldingen er sendt til tildelingskontoret.")
    return redirect("order-detail", pk=order.pk)


@require_POST
@role_required(*PROVIDER)
def order_pause(request, pk: int):
    order = provider_order(request, pk, "Bestilling: midlertidig stans")
    form = forms.PauseForm(request.POST, lines=order.lines.select_related("service_version"))
    attempt(request, lambda: services.pause(order, actor=request.user, **cleaned(form)),
            "Den midlertidige stansen er registrert.")
    return redirect("order-detail", pk=order.pk)


@require_POST
@role_required(*PROVIDER)
def order_pause_end(request, pk: int, pause: int):
    order = provider_order(request, pk, "Bestilling: avslutt midlertidig stans")
    form = forms.PauseEndForm(request.POST)
    attempt(request, lambda: services.end_pause(order, pause, actor=request.user,
                                                **cleaned(form)),
            "Stansen er avsluttet.")
    return redirect("order-detail", pk=order.pk)


def _requests_for_office(user):
    """The office's decisions for persons in its districts, with or without a case; not
    those on cases the user has declared a conflict of interest in."""
    return ChangeRequest.objects.filter(
        order__decision__allocation_office_id=user.allocation_office_id,
        order__decision__person__district_id__in=user.district_ids()).exclude(
        order__decision__case__conflicts__user=user).select_related(
        "order__provider_unit", "order__decision__person", "order__decision__case",
        "service_line__service_version", "requested_by")


@role_required(*OFFICE)
def change_requests(request):
    """Endringsmeldinger: open ones first, oldest first, with their age."""
    items = list(_requests_for_office(request.user).order_by("answered_at", "created_at")[:300])
    access_log.record_many(request.user, {r.order.decision.person for r in items},
                           "Endringsmeldinger: navn og behov")
    now = timezone.now()
    return render(request, "provision/change_requests.html", {
        "rows": [{"request": r, "age": r.age_days(now)} for r in items],
        "open": sum(1 for r in items if r.status == ChangeRequest.Status.OPEN),
        "form": forms.AnswerForm()})


@require_POST
@role_required(*OFFICE)
def change_request_answer(request, pk: int, action: str):
    change = get_object_or_404(_requests_for_office(request.user), pk=pk)
    access_log.record(request.user, change.order.decision.person, "Endringsmelding: svar")
    form = forms.AnswerForm(request.POST)
    try:
        answer = cleaned(form)["answer"]
        if action == "revurder":
            change = services.answer_with_revision(change, actor=request.user, note=answer)
            messages.success(request, "Revurderingssak er opprettet.")
            return redirect("case-detail", pk=change.revision.case_id)
        if action == "avslå":
            services.reject(change, reason=answer, actor=request.user)
            messages.success(request, "Endringsmeldingen er avslått med begrunnelse.")
        else:
            raise PermissionDenied
    except CaseworkError as error:
        flash_error(request, error)
    return redirect("change-requests")
