"""The local outbox folder (utboks): PDFs for the print room, the demo's default channel.

File names carry only the letter's reference, never a name or fødselsnummer. Writing is
atomic (temporary file, then rename) and idempotent: the same reference is written once.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from .base import ChannelUnavailable, DispatchReceipt, DispatchStatus, OutgoingLetter


class OutboxChannel:
    name = "outbox"

    def __init__(self, folder: Path):
        self.folder = Path(folder)

    def _write(self, path: Path, data: bytes) -> None:
        handle, tmp = tempfile.mkstemp(dir=self.folder, prefix=".tmp-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def send(self, letter: OutgoingLetter) -> DispatchReceipt:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            pdf = self.folder / f"{letter.reference}.pdf"
            meta = self.folder / f"{letter.reference}.json"
            if not pdf.exists():
                self._write(meta, json.dumps({
                    "referanse": letter.reference, "tittel": letter.title,
                    "mottaker": {"navn": letter.recipient_name,
                                 "adresse": letter.recipient_address,
                                 "postnummer": letter.recipient_postcode,
                                 "poststed": letter.recipient_city},
                    "taushetsbelagt": letter.confidential,
                }, ensure_ascii=False, indent=2).encode("utf-8"))
                self._write(pdf, letter.pdf)
        except OSError as error:
            raise ChannelUnavailable(f"Utboksen kan ikke skrives til ({error.strerror}).") \
                from error
        return DispatchReceipt(letter.reference, DispatchStatus.DELIVERED)

    def status(self, external_id: str) -> DispatchStatus:
        if (self.folder / f"{external_id}.pdf").exists():
            return DispatchStatus.DELIVERED
        return DispatchStatus.UNKNOWN
