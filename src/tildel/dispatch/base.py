"""What every channel takes and returns, and the two ways a send can fail."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class OutgoingLetter:
    """One letter to one recipient. ``reference`` is unique per letter, without personal data."""

    reference: str
    title: str
    recipient_name: str
    recipient_id_number: str
    recipient_address: str
    recipient_postcode: str
    recipient_city: str
    pdf: bytes
    filename: str
    confidential: bool = True


class DispatchStatus(enum.Enum):
    SENT = "sent"
    DELIVERED = "delivered"
    READ = "read"
    PRINTED = "printed"
    FAILED = "failed"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class DispatchReceipt:
    external_id: str
    status: DispatchStatus


class ChannelUnavailable(Exception):
    """Transient: no answer, timeout, 5xx or 429. The caller retries later."""

    def __init__(self, message_nb: str):
        super().__init__(message_nb)


class ChannelRejected(Exception):
    """Permanent: the channel refused the letter (4xx). The caller shows why."""

    def __init__(self, message_nb: str, details: str = ""):
        super().__init__(message_nb)
        self.details = details


class Channel(Protocol):
    name: str

    def send(self, letter: OutgoingLetter) -> DispatchReceipt: ...

    def status(self, external_id: str) -> DispatchStatus: ...
