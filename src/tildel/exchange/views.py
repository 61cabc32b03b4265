"""The KPR screen: what was reported, what is due, what the register would reject.

For the office leader (leder tildeling), who answers for IPLOS registration. The lists
name decisions, not persons; a decision opens on its own page, where the read is logged.
The message itself is never offered for download in the browser: it holds the
fødselsnummer of every person in it, and goes to the configured sender.
"""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from tildel.accounts.models import Role
from tildel.rules import kpr as rules
from tildel.web.views import role_required, user_municipality

from . import kpr, kpr_xml, plo, senders
from .models import KprBatch, PloMessage

KPR_ROLES = (Role.OFFICE_LEADER,)
SHOWN = 100
STATUS_LABELS = {rules.Status.ORIGINAL: "Ny", rules.Status.REPLACE: "Korrigering",
                 rules.Status.SUPPLEMENT: "Tillegg", rules.Status.CANCEL: "Annullering"}
KIND_LABELS = {kind.element: kind.label for kind in rules.EventKind}


@role_required(*KPR_ROLES)
def overview(request):
    municipality = user_municipality(request)
    due = kpr.plan(municipality)
    grouped: dict[str, list[rules.Problem]] = {}
    for problem in due.problems:
        grouped.setdefault(problem.message, []).append(problem)
    problems = [{"message": message, "count": len(found),
                 "decisions": sorted({p.decision_id for p in found})[:20]}
                for message, found in sorted(grouped.items(), key=lambda kv: -len(kv[1]))]
    changes = [{"status": STATUS_LABELS[c.status], "kind": KIND_LABELS[c.content["kind"]],
                "day": c.content["day"], "service_type": c.content["service_type"],
                "service_id": c.content["service_id"],
                "decision": c.event.decision_id if c.event else None}
               for c in due.changes[:SHOWN]]
    return render(request, "exchange/kpr.html", {
        "municipality": municipality, "due": due, "problems": problems, "changes": changes,
        "more": max(0, len(due.changes) - SHOWN), "since": kpr.reporting_from(municipality),
        "counts": [(STATUS_LABELS[s], due.count(s)) for s in rules.Status],
        "unsent": senders.unsent(municipality),
        "batches": KprBatch.objects.filter(municipality=municipality).select_related(
            "created_by")[:10]})


@require_POST
@role_required(*KPR_ROLES)
def send(request):
    municipality = user_municipality(request)
    path = kpr.default_path(municipality)
    try:
        batch = kpr.export(municipality, path, user=request.user)
    except kpr.ExchangeError as error:
        messages.error(request, str(error))
    except kpr_xml.InvalidMessage as error:
        messages.error(request, f"Meldingen ble ikke godkjent av skjemaet XPR(ipl) 56.0.0 og "
                                f"er ikke sendt: {error}")
    else:
        if batch is None:
            messages.success(request, "Ingenting nytt å melde til KPR.")
        else:
            _deliver(request, batch)
    return redirect("exchange:kpr")


def _deliver(request, batch: KprBatch) -> None:
    try:
        senders.deliver(batch)
    except senders.SendFailed as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Melding {batch.pk} med {batch.notifications} "
                                  f"notifikasjoner er laget, godkjent mot skjemaet og sendt.")


@require_POST
@role_required(*KPR_ROLES)
def resend(request):
    """Send again the messages that were made but not taken by the sender."""
    for batch in senders.unsent(user_municipality(request)):
        _deliver(request, batch)
    return redirect("exchange:kpr")


# -- PLO messages from hospitals ------------------------------------------------------------

def _plo_visible(user):
    """Messages about persons in the user's districts, and those whose person is not
    known (someone must register the person); never another office's patients."""
    return PloMessage.objects.filter(Q(person__isnull=True) |
                                     Q(person__district_id__in=user.district_ids()))


@role_required(Role.CASEWORKER, Role.OFFICE_LEADER)
def plo_messages(request):
    """Sykehusmeldinger: those in quarantine with the reason, and the latest received.

    No message content and no fødselsnummer are shown; a processed message links to its
    case, which opens (and is logged) on its own page.
    """
    visible = _plo_visible(request.user)
    quarantined = visible.filter(status=PloMessage.Status.QUARANTINED)[:200]
    latest = visible.exclude(status=PloMessage.Status.QUARANTINED).select_related(
        "stay")[:50]
    return render(request, "exchange/plo.html", {
        "quarantined": quarantined, "latest": latest, "types": plo.MESSAGE_TYPES})


@require_POST
@role_required(Role.CASEWORKER, Role.OFFICE_LEADER)
def plo_action(request, pk: int, action: str):
    message = get_object_or_404(_plo_visible(request.user), pk=pk,
                                status=PloMessage.Status.QUARANTINED)
    if action == "behandle":
        result = plo.reprocess(message, request.user)
        if result.status == PloMessage.Status.QUARANTINED:
            messages.error(request, f"Meldingen kunne fortsatt ikke behandles: "
                                    f"{result.reason}")
        else:
            status = result.get_status_display().lower()
            messages.success(request, f"Meldingen er behandlet ({status}).")
    elif action == "avvis":
        message.status, message.handled_by = PloMessage.Status.DISMISSED, request.user
        message.save(update_fields=["status", "handled_by"])
        messages.success(request, "Meldingen er avvist og tatt ut av karantene.")
    else:
        raise Http404
    return redirect("exchange:plo")
