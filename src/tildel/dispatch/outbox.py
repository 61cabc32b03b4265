"""The local outbox folder (utboks): letters for the print and post room; the demo default.

Each letter becomes ``<reference>.pdf`` and ``<reference>.json`` (title, recipient's name
and postal address, for the envelope). File names carry only the letter's reference,
never a name or fødselsnummer, and the fødselsnummer is not written at all: the post room
does not need it. Writing is atomic (temporary file, then rename) and idempotent: sending
the same reference again writes nothing and returns the same id.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import re
import tempfile
from pathlib import Path

from .base import (
    ChannelRejected,
    ChannelUnavailable,
    DispatchReceipt,
    DispatchStatus,
    OutgoingLetter,
)

log = logging.getLogger(__name__)

UNSAFE = re.compile(r"[^A-Za-z0-9._-]")
ID_NUMBER_LIKE = re.compile(r"(?<!\d)\d{11}(?!\d)")


def file_stem(reference: str) -> str:
    """``2027/0042-3`` → ``2027_0042-3``: safe as a file name on any system."""
    stem = UNSAFE.sub("_", reference).lstrip(".")
    if not stem:
        raise ChannelRejected("Brevet mangler referanse.", "empty reference")
    if ID_NUMBER_LIKE.search(stem):
        raise ChannelRejected("Referansen ser ut som et fødselsnummer og kan ikke brukes "
                              "som filnavn.", "reference contains 11 digits")
    return stem


class OutboxChannel:
    name = "outbox"

    def __init__(self, folder: Path):
        self.folder = Path(folder)

    def _write(self, path: Path, data: bytes) -> None:
        handle, tmp = tempfile.mkstemp(dir=self.folder, prefix=".tmp-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def send(self, letter: OutgoingLetter) -> DispatchReceipt:
        stem = file_stem(letter.reference)
        pdf = self.folder / f"{stem}.pdf"
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            if pdf.exists():
                log.info("Outbox: %s is already there", stem)
            else:
                meta = {
                    "referanse": letter.reference, "tittel": letter.title,
                    "filnavn": pdf.name,
                    "mottaker": {"navn": letter.recipient_name,
                                 "adresse": letter.recipient_address,
                                 "postnummer": letter.recipient_postcode,
                                 "poststed": letter.recipient_city},
                    "taushetsbelagt": letter.confidential,
                    "sha256": hashlib.sha256(letter.pdf).hexdigest(),
                    "lagt_i_utboks": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                }
                # Metadata first: the PDF appearing is what marks the letter as delivered.
                self._write(self.folder / f"{stem}.json",
                            json.dumps(meta, ensure_ascii=False, indent=2).encode("utf-8"))
                self._write(pdf, letter.pdf)
                log.info("Outbox: wrote %s", stem)
        except OSError as error:
            raise ChannelUnavailable(
                f"Utboksen kan ikke skrives til ({error.strerror or error}).") from error
        return DispatchReceipt(stem, DispatchStatus.DELIVERED)

    def status(self, external_id: str) -> DispatchStatus:
        if (self.folder / f"{file_stem(external_id)}.pdf").exists():
            return DispatchStatus.DELIVERED
        return DispatchStatus.UNKNOWN
