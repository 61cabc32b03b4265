"""The alerts page (varsler): a count per alert, and each alert's list with its cases."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from tildel.accounts import access_log
from tildel.accounts.models import Role
from tildel.web.views import role_required

from .alerts import alerts_for

ROLES = (Role.CASEWORKER, Role.OFFICE_LEADER, Role.PROVIDER_LEADER)
PAGE_SIZE = 100


@role_required(*ROLES)
def alerts(request):
    """Varsler om datakvalitet: only counts, so nothing personal is shown here."""
    found = [(alert, alert.count()) for alert in alerts_for(request.user)]
    return render(request, "quality/alerts.html", {
        "alerts": found, "total": sum(count for _, count in found)})


@role_required(*ROLES)
def alert_list(request, key: str):
    alert = next((a for a in alerts_for(request.user) if a.key == key), None)
    if alert is None:
        raise Http404
    page = Paginator(alert.rows(), PAGE_SIZE).get_page(request.GET.get("side"))  # in the db
    access_log.record_many(request.user, {row.person for row in page},
                           f"Varsel: {alert.title}")
    return render(request, "quality/alert_list.html", {"alert": alert, "page": page})
