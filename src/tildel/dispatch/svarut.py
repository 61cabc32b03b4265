"""KS Fiks SvarUt, sending API v2 and status API v2 (ks-no/fiks-svarut-klient openapi).

- Send: ``POST {base}/v2/kontoer/{kontoId}/forsendelser``, multipart with a JSON part
  ``forsendelse`` (``Forsendelse``: ``tittel`` and ``mottaker`` required) and the PDF as a
  ``filer`` part; the answer is ``{"id": uuid}``.
- Status: ``POST {base}/v2/kontoer/{kontoId}/forsendelser/status-sok`` with
  ``{"forsendelseIds": [...]}``; statuses MOTTATT … IKKE_LEVERT.
- ``eksternReferanse`` is the letter's reference, so a resend after a lost answer can be
  matched in SvarUt. Auth is a Maskinporten bearer token from ``token_provider``.
Nothing here logs personal data.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import httpx

from .base import (
    ChannelRejected,
    ChannelUnavailable,
    DispatchReceipt,
    DispatchStatus,
    OutgoingLetter,
)

SYSTEM_NAME = "Tildel"

STATUS_MAP = {
    "MOTTATT": DispatchStatus.SENT,
    "AKSEPTERT": DispatchStatus.SENT,
    "KLAR_FOR_MOTTAK": DispatchStatus.SENT,
    "VARSLET": DispatchStatus.DELIVERED,
    "SENDT_DIGITALT": DispatchStatus.DELIVERED,
    "SENDT_SDP": DispatchStatus.DELIVERED,
    "LEVERT_SDP": DispatchStatus.DELIVERED,
    "LEST": DispatchStatus.READ,
    "SENDT_PRINT": DispatchStatus.PRINTED,
    "PRINTET": DispatchStatus.PRINTED,
    "MANUELT_HANDTERT": DispatchStatus.PRINTED,
    "AVVIST": DispatchStatus.FAILED,
    "IKKE_LEVERT": DispatchStatus.FAILED,
}


class SvarUtChannel:
    name = "svarut"

    def __init__(self, base_url: str, konto_id: str, token_provider: Callable[[], str],
                 timeout: float = 10.0, transport: httpx.BaseTransport | None = None):
        self.base_url = base_url.rstrip("/")
        self.konto_id = konto_id
        self.token_provider = token_provider
        self.timeout = timeout
        self.transport = transport

    def _client(self) -> httpx.Client:
        return httpx.Client(base_url=self.base_url, timeout=self.timeout,
                            transport=self.transport,
                            headers={"Authorization": f"Bearer {self.token_provider()}"})

    def forsendelse(self, letter: OutgoingLetter) -> dict:
        mottaker = {"navn": letter.recipient_name, "adresselinje1": letter.recipient_address,
                    "postnummer": letter.recipient_postcode,
                    "poststed": letter.recipient_city}
        if letter.recipient_id_number:
            mottaker["digitalId"] = letter.recipient_id_number
        return {
            "tittel": letter.title, "mottaker": mottaker, "avgivendeSystem": SYSTEM_NAME,
            "kunDigitalLevering": False, "kryptert": False,
            "taushetsbelagtPost": letter.confidential,
            "eksternReferanse": letter.reference, "forsendelsestype": "Helse og omsorg",
            "dokumenter": [{"filnavn": letter.filename, "mimeType": "application/pdf",
                            "inneholderPersonsensitivInformasjon": letter.confidential}],
        }

    def _post(self, path: str, **kwargs) -> httpx.Response:
        if not self.base_url:
            raise ChannelUnavailable("SvarUt er ikke satt opp (mangler adresse).")
        try:
            with self._client() as client:
                response = client.post(path, **kwargs)
        except httpx.HTTPError as error:
            raise ChannelUnavailable("SvarUt svarer ikke.") from error
        if response.status_code >= 500 or response.status_code == 429:
            raise ChannelUnavailable(f"SvarUt svarte med feil {response.status_code}.")
        if response.status_code >= 400:
            details = ""
            try:
                details = response.json().get("message", "")
            except ValueError:
                details = response.text[:200]
            raise ChannelRejected(f"SvarUt avviste forsendelsen ({response.status_code}).",
                                  details)
        return response

    def send(self, letter: OutgoingLetter) -> DispatchReceipt:
        response = self._post(
            f"/v2/kontoer/{self.konto_id}/forsendelser",
            files=[("forsendelse", (None, json.dumps(self.forsendelse(letter)),
                                    "application/json")),
                   ("filer", (letter.filename, letter.pdf, "application/pdf"))])
        try:
            return DispatchReceipt(str(response.json()["id"]), DispatchStatus.SENT)
        except (ValueError, KeyError) as error:
            raise ChannelUnavailable("SvarUt ga et svar uten forsendelses-id.") from error

    def status(self, external_id: str) -> DispatchStatus:
        response = self._post(f"/v2/kontoer/{self.konto_id}/forsendelser/status-sok",
                              json={"forsendelseIds": [external_id]})
        for item in response.json().get("statuser", []):
            if item.get("id") == external_id:
                return STATUS_MAP.get(item.get("status", ""), DispatchStatus.UNKNOWN)
        return DispatchStatus.UNKNOWN
