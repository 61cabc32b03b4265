"""How a KPR message reaches the register: a pluggable sender (``settings.KPR_SENDER``).

The default, ``FileSender``, keeps the message in ``var/kpr/`` for a person to upload or
for a transport outside Tildel to pick up. A production sender for the register's own
channel needs (docs/exchange.md § KPR): a HelseID client (client credentials with a
signed JWT, the KPR scope), the message service (NHN Meldingstjener/AMQP) address of the
register's receiver, an application receipt (apprec) to mark the message delivered, and
retries with the same file, so the GUIDs in it make a resend harmless.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import KprBatch

logger = logging.getLogger(__name__)


class Sender(Protocol):
    def send(self, batch: KprBatch, path: Path) -> str:
        """Deliver the file; return a reference to it (an id, a path)."""


class FileSender:
    """Keeps the file in ``settings.KPR_OUTBOX`` (``var/kpr`` by default)."""

    def send(self, batch: KprBatch, path: Path) -> str:
        outbox = Path(settings.KPR_OUTBOX)
        outbox.mkdir(parents=True, exist_ok=True)
        target = outbox / path.name
        if path.resolve() != target.resolve():
            shutil.copyfile(path, target)
        return str(target)


def sender() -> Sender:
    return import_string(settings.KPR_SENDER)()


class SendFailed(RuntimeError):
    """The sender did not take the message; it stays unsent and can be sent again."""


def deliver(batch: KprBatch, path: Path | None = None) -> KprBatch:
    """Hand the file to the configured sender and note when and where. The same file is
    sent again after a failure (``tildel kpr resend``, or the screen): its GUIDs make a
    second delivery harmless."""
    path = Path(path or batch.path)
    try:
        reference = sender().send(batch, path)
    except Exception as error:  # any transport failure: keep the batch for a resend
        logger.warning("KPR message %s not sent: %s", batch.pk, type(error).__name__)
        raise SendFailed(f"Melding {batch.pk} er laget, men ble ikke sendt "
                         f"({type(error).__name__}). Send den på nytt.") from error
    batch.sender_reference = reference
    batch.sent_at = timezone.now()
    batch.save(update_fields=["sender_reference", "sent_at"])
    return batch


def unsent(municipality) -> list[KprBatch]:
    return list(KprBatch.objects.filter(municipality=municipality, sent_at__isnull=True)
                .order_by("created_at", "id"))
