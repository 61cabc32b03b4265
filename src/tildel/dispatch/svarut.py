"""KS Fiks SvarUt: send a letter to digital mailbox or post, and follow its status.

Sources: ks-no/fiks-svarut-klient ``openapi/forsendelse-send-api-v2.json``,
``forsendelse-status-api-v1.json`` (status API v2), ``forsendelse-eksternref-api-v1.json``,
and KS's "API: Sending av dokumenter" page for the multipart shape.

- Send: ``POST {base}/v2/kontoer/{kontoId}/forsendelser`` as ``multipart/form-data``:
  first a part named ``forsendelse`` (JSON, schema ``Forsendelse``; ``tittel`` and
  ``mottaker.navn`` required, postnummer/poststed when it may go by post), then one part
  per document whose *filename* matches ``dokumenter[].filnavn`` (the part name is
  ignored). Answer ``SendForsendelseResponse`` ``{"id": uuid}``.
- Resend after a lost answer: ``eksternReferanse`` is the letter's reference, and before
  sending we ask ``GET .../forsendelser?eksternRef=...`` (``{"forsendelseIds": [...]}``);
  if SvarUt already has it, we return that id instead of sending twice.
- Status: ``POST .../forsendelser/status-sok`` with ``{"forsendelseIds": [...]}``, answer
  ``{"statuser": [{"id", "status", "sisteStatusEndring"}]}``; see ``STATUS_MAP``.
- Auth: a Maskinporten bearer token from ``token_provider`` (asked for on every call, so
  the provider may cache and renew).

Failures: no connection, timeout, 5xx, 429 and 401 (token expired; a new one is fetched
next time) raise ``ChannelUnavailable``; other 4xx raise ``ChannelRejected`` with
SvarUt's ``errorCode``/``message``. Nothing here logs personal data: only the letter's
reference, SvarUt's id and HTTP status codes.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

import httpx

from .base import (
    ChannelRejected,
    ChannelUnavailable,
    DispatchReceipt,
    DispatchStatus,
    OutgoingLetter,
)

log = logging.getLogger(__name__)

SYSTEM_NAME = "Tildel"
LETTER_TYPE = "Helse og omsorg"

# Forsendelsestatus.status (status API) → our status.
STATUS_MAP = {
    "MOTTATT": DispatchStatus.SENT,  # received by SvarUt
    "AKSEPTERT": DispatchStatus.SENT,  # validated, being sent
    "KLAR_FOR_MOTTAK": DispatchStatus.SENT,  # waiting for the recipient's system
    "VARSLET": DispatchStatus.DELIVERED,  # recipient notified (Altinn)
    "SENDT_DIGITALT": DispatchStatus.DELIVERED,
    "SENDT_SDP": DispatchStatus.DELIVERED,  # sent to digital mailbox (Digipost/e-Boks)
    "LEVERT_SDP": DispatchStatus.DELIVERED,  # delivered to digital mailbox
    "LEST": DispatchStatus.READ,
    "SENDT_PRINT": DispatchStatus.PRINTED,  # handed to the print provider
    "PRINTET": DispatchStatus.PRINTED,
    "MANUELT_HANDTERT": DispatchStatus.PRINTED,  # handled by hand (e.g. sent on paper)
    "AVVIST": DispatchStatus.FAILED,
    "IKKE_LEVERT": DispatchStatus.FAILED,
}


class SvarUtChannel:
    name = "svarut"

    def __init__(self, base_url: str, konto_id: str, token_provider: Callable[[], str],
                 timeout: float = 10.0, transport: httpx.BaseTransport | None = None,
                 check_existing: bool = True):
        self.base_url = (base_url or "").rstrip("/")
        self.konto_id = konto_id
        self.token_provider = token_provider
        self.timeout = timeout
        self.transport = transport
        self.check_existing = check_existing

    # -- request shape -------------------------------------------------------------

    def forsendelse(self, letter: OutgoingLetter) -> dict:
        """The ``Forsendelse`` JSON for one letter with one PDF."""
        mottaker = {"navn": letter.recipient_name}
        if letter.recipient_id_number:
            mottaker["digitalId"] = letter.recipient_id_number
        for key, value in (("adresselinje1", letter.recipient_address),
                           ("postnummer", letter.recipient_postcode),
                           ("poststed", letter.recipient_city)):
            if value:
                mottaker[key] = value
        return {
            "tittel": letter.title,
            "mottaker": mottaker,
            "avgivendeSystem": SYSTEM_NAME,
            "forsendelsestype": LETTER_TYPE,
            "eksternReferanse": letter.reference,
            "kunDigitalLevering": False,  # fall back to print: the letter must arrive
            "kryptert": False,
            "krevNiva4Innlogging": False,
            "taushetsbelagtPost": letter.confidential,
            "dokumenter": [{"filnavn": letter.filename, "mimeType": "application/pdf",
                            "inneholderPersonsensitivInformasjon": letter.confidential}],
        }

    # -- transport -----------------------------------------------------------------

    def _path(self, suffix: str = "") -> str:
        return f"/v2/kontoer/{self.konto_id}/forsendelser{suffix}"

    def _request(self, method: str, path: str, *, missing_ok: bool = False,
                 **kwargs) -> httpx.Response | None:
        if not self.base_url or not self.konto_id:
            raise ChannelUnavailable("SvarUt er ikke satt opp (mangler adresse eller konto).")
        try:
            token = self.token_provider()
        except Exception as error:
            raise ChannelUnavailable("Fikk ikke tilgang til SvarUt (Maskinporten).") from error
        try:
            with httpx.Client(base_url=self.base_url, timeout=self.timeout,
                              transport=self.transport) as client:
                response = client.request(method, path,
                                          headers={"Authorization": f"Bearer {token}"},
                                          **kwargs)
        except httpx.TimeoutException as error:
            raise ChannelUnavailable("SvarUt svarte ikke i tide.") from error
        except httpx.HTTPError as error:
            raise ChannelUnavailable("Får ikke kontakt med SvarUt.") from error
        code = response.status_code
        if code >= 500 or code in (401, 408, 429):
            log.warning("SvarUt %s %s: HTTP %s", method, path, code)
            raise ChannelUnavailable(f"SvarUt svarte med feil {code}. Vi prøver igjen senere.")
        if code == 404 and missing_ok:
            return None
        if code >= 400:
            details = _error_details(response)
            log.warning("SvarUt %s %s: HTTP %s", method, path, code)
            raise ChannelRejected(f"SvarUt avviste forsendelsen (feil {code}).", details)
        return response

    # -- Channel -------------------------------------------------------------------

    def find_existing(self, reference: str) -> str | None:
        """SvarUt's id for a letter already sent with this ``eksternReferanse``, if any."""
        response = self._request("GET", self._path(), params={"eksternRef": reference},
                                 missing_ok=True)
        if response is None:
            return None
        ids = _json(response).get("forsendelseIds") or []
        return str(ids[0]) if ids else None

    def send(self, letter: OutgoingLetter) -> DispatchReceipt:
        if self.check_existing:
            existing = self.find_existing(letter.reference)
            if existing:
                log.info("SvarUt: %s was already sent as %s", letter.reference, existing)
                return DispatchReceipt(existing, DispatchStatus.SENT)
        files = [
            ("forsendelse", (None, json.dumps(self.forsendelse(letter), ensure_ascii=False)
                             .encode("utf-8"), "application/json")),
            ("dokument", (letter.filename, letter.pdf, "application/pdf")),
        ]
        response = self._request("POST", self._path(), files=files)
        forsendelse_id = _json(response).get("id")
        if not forsendelse_id:
            raise ChannelUnavailable("SvarUt ga et svar uten forsendelses-id.")
        log.info("SvarUt: %s sent as %s", letter.reference, forsendelse_id)
        return DispatchReceipt(str(forsendelse_id), DispatchStatus.SENT)

    def status(self, external_id: str) -> DispatchStatus:
        response = self._request("POST", self._path("/status-sok"),
                                 json={"forsendelseIds": [external_id]})
        for item in _json(response).get("statuser") or []:
            if str(item.get("id")) == external_id:
                return STATUS_MAP.get(item.get("status", ""), DispatchStatus.UNKNOWN)
        return DispatchStatus.UNKNOWN


def _json(response: httpx.Response) -> dict:
    try:
        data = response.json()
    except ValueError as error:
        raise ChannelUnavailable("SvarUt ga et svar vi ikke forstår.") from error
    if not isinstance(data, dict):
        raise ChannelUnavailable("SvarUt ga et svar vi ikke forstår.")
    return data


def _error_details(response: httpx.Response) -> str:
    """SvarUt's ``ErrorMessage``: ``errorCode: message (errorId)``, short."""
    try:
        data = response.json()
    except ValueError:
        return response.text[:300]
    if not isinstance(data, dict):
        return str(data)[:300]
    parts = [str(data[key]) for key in ("errorCode", "message") if data.get(key)]
    text = ": ".join(parts) or str(data.get("error") or "")
    if data.get("errorId"):
        text += f" (feil-id {data['errorId']})"
    return text[:500]
