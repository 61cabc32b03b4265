"""What every dispatch channel (utsendingskanal) takes and returns, and how a send fails.

A channel either returns a ``DispatchReceipt`` or raises one of two exceptions:
``ChannelUnavailable`` (try again later, nothing is lost) or ``ChannelRejected`` (the
channel will never take this letter as it is; show the caseworker why).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class OutgoingLetter:
    """One letter to one recipient.

    ``reference`` is unique per letter and carries no personal data; channels use it as
    file name and as the idempotency key. ``recipient_id_number`` is the fødselsnummer or
    D-nummer (empty when unknown: then the letter can only go by post).
    """

    reference: str
    title: str
    recipient_name: str
    recipient_id_number: str
    recipient_address: str
    recipient_postcode: str
    recipient_city: str
    pdf: bytes
    filename: str
    confidential: bool = True  # taushetsbelagt

    def __repr__(self) -> str:  # never print personal data in tracebacks or logs
        return f"OutgoingLetter(reference={self.reference!r}, pdf={len(self.pdf)} bytes)"


class DispatchStatus(enum.Enum):
    SENT = "sent"  # the channel has taken it
    DELIVERED = "delivered"  # in the digital mailbox or the print room's folder
    READ = "read"  # opened in the digital mailbox
    PRINTED = "printed"  # gone (or going) by post
    FAILED = "failed"  # the channel gave up; send another way
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class DispatchReceipt:
    external_id: str
    status: DispatchStatus


class ChannelUnavailable(Exception):
    """Transient: no answer, timeout, 5xx or 429. The caller retries later."""

    def __init__(self, message_nb: str):
        super().__init__(message_nb)
        self.message_nb = message_nb


class ChannelRejected(Exception):
    """Permanent: the channel refused the letter (4xx). The caller shows why."""

    def __init__(self, message_nb: str, details: str = ""):
        super().__init__(message_nb)
        self.message_nb = message_nb
        self.details = details


class Channel(Protocol):
    name: str

    def send(self, letter: OutgoingLetter) -> DispatchReceipt: ...

    def status(self, external_id: str) -> DispatchStatus: ...
