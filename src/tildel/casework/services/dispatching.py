"""Dispatch (utsending): send queued letters, retry when a channel is down, fall back to print.

The channel comes from settings: ``outbox`` (a local folder, the demo default) or
``svarut`` (KS Fiks SvarUt, sending API v2). A channel that does not answer leaves the
dispatch in the retry queue with a growing pause; nothing is lost. A digital letter not
opened within the office's configured days is sent again on paper.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tildel.casework.models import Dispatch, Letter, OfficeSettings
from tildel.dispatch.base import (
    ChannelRejected,
    ChannelUnavailable,
    DispatchStatus,
    OutgoingLetter,
)
from tildel.dispatch.outbox import OutboxChannel

from .journal import log

MAX_PAUSE = dt.timedelta(hours=6)
PRINT_CHANNEL = "print"


def channel_name() -> str:
    return settings.TILDEL_DISPATCH_CHANNEL


def outbox_folder() -> Path:
    return Path(settings.TILDEL_OUTBOX_DIR)


def get_channel(name: str):
    if name == "svarut":
        from tildel.dispatch.svarut import SvarUtChannel

        return SvarUtChannel(settings.TILDEL_SVARUT_URL, settings.TILDEL_SVARUT_ACCOUNT,
                             lambda: settings.TILDEL_SVARUT_TOKEN)
    if name == PRINT_CHANNEL:
        return OutboxChannel(outbox_folder() / "papir")
    return OutboxChannel(outbox_folder())


def outgoing(letter: Letter) -> OutgoingLetter:
    person = letter.case.person
    return OutgoingLetter(
        reference=letter.reference, title=letter.title, recipient_name=person.full_name,
        recipient_id_number=person.id_number, recipient_address=person.address,
        recipient_postcode=person.postal_code, recipient_city=person.postal_place,
        pdf=bytes(letter.pdf), filename=f"{letter.reference}.pdf", confidential=True)


STATUS_MAP = {
    DispatchStatus.SENT: Dispatch.Status.SENT,
    DispatchStatus.DELIVERED: Dispatch.Status.DELIVERED,
    DispatchStatus.READ: Dispatch.Status.READ,
    DispatchStatus.PRINTED: Dispatch.Status.PRINTED,
}


def pause_after(attempts: int) -> dt.timedelta:
    return min(dt.timedelta(minutes=5) * (2 ** max(attempts - 1, 0)), MAX_PAUSE)


@transaction.atomic
def attempt(dispatch: Dispatch, now: dt.datetime | None = None) -> Dispatch:
    """One try at sending. Never raises for a channel problem: the status says it."""
    now = now or timezone.now()
    dispatch = Dispatch.objects.select_for_update(of=("self",)).select_related(
        "letter__case__person").get(pk=dispatch.pk)
    if dispatch.status not in (Dispatch.Status.QUEUED, Dispatch.Status.RETRYING):
        return dispatch
    case = dispatch.letter.case
    dispatch.attempts += 1
    try:
        receipt = get_channel(dispatch.channel).send(outgoing(dispatch.letter))
    except ChannelUnavailable as error:
        dispatch.status = Dispatch.Status.RETRYING
        dispatch.last_error = str(error)
        dispatch.next_attempt_at = now + pause_after(dispatch.attempts)
        dispatch.save()
        log(case, f"«{dispatch.letter.title}»: {dispatch.channel} svarer ikke. Nytt forsøk "
                  f"{timezone.localtime(dispatch.next_attempt_at):%d.%m.%Y kl. %H:%M}.",
            problem=True)
        return dispatch
    except ChannelRejected as error:
        dispatch.status = Dispatch.Status.REJECTED
        dispatch.last_error = str(error)
        dispatch.next_attempt_at = None
        dispatch.save()
        log(case, f"«{dispatch.letter.title}» ble avvist av {dispatch.channel}: {error}",
            problem=True)
        return dispatch
    dispatch.external_id = receipt.external_id
    dispatch.status = STATUS_MAP.get(receipt.status, Dispatch.Status.SENT)
    dispatch.sent_at = now
    dispatch.next_attempt_at = None
    dispatch.last_error = ""
    dispatch.save()
    log(case, f"«{dispatch.letter.title}» er sendt ({dispatch.channel}).")
    from .letters import mark_sent

    mark_sent(dispatch.letter, timezone.localdate(now))
    return dispatch


def process_queue(now: dt.datetime | None = None) -> int:
    """Send every dispatch whose time has come. Returns how many were tried."""
    now = now or timezone.now()
    due = Dispatch.objects.filter(status__in=[Dispatch.Status.QUEUED, Dispatch.Status.RETRYING],
                                  next_attempt_at__lte=now).values_list("pk", flat=True)
    count = 0
    for pk in list(due):
        attempt(Dispatch(pk=pk), now)
        count += 1
    return count


@transaction.atomic
def refresh_status(dispatch: Dispatch, now: dt.datetime | None = None) -> Dispatch:
    """Ask the channel how the letter is doing; unread digital post falls back to print."""
    now = now or timezone.now()
    if dispatch.status not in (Dispatch.Status.SENT, Dispatch.Status.DELIVERED):
        return dispatch
    try:
        status = get_channel(dispatch.channel).status(dispatch.external_id)
    except ChannelUnavailable:
        return dispatch
    if status == DispatchStatus.FAILED:
        dispatch.status = Dispatch.Status.REJECTED
        dispatch.save(update_fields=["status", "updated_at"])
        log(dispatch.letter.case, f"«{dispatch.letter.title}» kunne ikke leveres digitalt og "
                                  "sendes på papir.", problem=True)
        attempt(Dispatch.objects.create(letter=dispatch.letter, channel=PRINT_CHANNEL,
                                        next_attempt_at=now), now)
        return dispatch
    new = STATUS_MAP.get(status, dispatch.status)
    if new != dispatch.status:
        dispatch.status = new
        dispatch.save(update_fields=["status", "updated_at"])
        log(dispatch.letter.case, f"«{dispatch.letter.title}»: {dispatch.get_status_display()}.")
    if dispatch.status in (Dispatch.Status.SENT, Dispatch.Status.DELIVERED) and \
            dispatch.channel != PRINT_CHANNEL and dispatch.channel != "outbox":
        days = OfficeSettings.for_office(
            dispatch.letter.case.allocation_office_id).digital_fallback_days
        if dispatch.sent_at and now - dispatch.sent_at >= dt.timedelta(days=days):
            dispatch.status = Dispatch.Status.FALLBACK
            dispatch.save(update_fields=["status", "updated_at"])
            printed = Dispatch.objects.create(letter=dispatch.letter, channel=PRINT_CHANNEL,
                                              next_attempt_at=now)
            log(dispatch.letter.case, f"«{dispatch.letter.title}» er ikke åpnet etter {days} "
                                      "dager og sendes på papir.")
            attempt(printed, now)
    return dispatch


def refresh_all(now: dt.datetime | None = None) -> int:
    pending = Dispatch.objects.filter(status__in=[Dispatch.Status.SENT,
                                                  Dispatch.Status.DELIVERED])
    count = 0
    for dispatch in pending.select_related("letter__case"):
        refresh_status(dispatch, now)
        count += 1
    return count
