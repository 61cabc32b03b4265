"""How a KPR message reaches the register: a pluggable sender (``settings.KPR_SENDER``).

The default, ``FileSender``, keeps the message in ``var/kpr/`` for a person to upload or
for a transport outside Tildel to pick up. A production sender for the register's own
channel needs (docs/exchange.md § KPR): a HelseID client (client credentials with a
signed JWT, the KPR scope), the message service (NHN Meldingstjener/AMQP) address of the
register's receiver, an application receipt (apprec) to mark the message delivered, and
retries with the same file, so the GUIDs in it make a resend harmless.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import KprBatch


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


def deliver(batch: KprBatch, path: Path) -> KprBatch:
    """Hand the file to the configured sender and note when and where."""
    batch.sender_reference = sender().send(batch, path)
    batch.sent_at = timezone.now()
    batch.save(update_fields=["sender_reference", "sent_at"])
    return batch
