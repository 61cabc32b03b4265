"""SvarUt channel against the local fake that follows SvarUt's OpenAPI."""

from __future__ import annotations

import dataclasses
import logging

import httpx
import pytest

from tildel.dispatch.base import ChannelRejected, ChannelUnavailable, DispatchStatus
from tildel.dispatch.svarut import SvarUtChannel

from .conftest import ID_NUMBER, PDF


def test_send_follows_the_spec(channel, svarut, letter):
    receipt = channel.send(letter)

    assert receipt.status is DispatchStatus.SENT
    assert receipt.external_id in svarut.forsendelser
    [request] = svarut.sent()
    assert request.path == f"/api/v2/kontoer/{svarut.konto_id}/forsendelser"
    assert request.headers["Authorization"] == "Bearer test-token"
    body = request.forsendelse
    assert body["tittel"] == letter.title
    assert body["mottaker"] == {"navn": "Kari Nordmann", "digitalId": ID_NUMBER,
                                "adresselinje1": "Testveien 1", "postnummer": "4001",
                                "poststed": "Stavanger"}
    assert body["eksternReferanse"] == "tildel-brev-17"
    assert body["taushetsbelagtPost"] is True
    assert body["kunDigitalLevering"] is False
    assert body["avgivendeSystem"] == "Tildel"
    assert body["dokumenter"] == [{"filnavn": "tildel-brev-17.pdf",
                                   "mimeType": "application/pdf",
                                   "inneholderPersonsensitivInformasjon": True}]
    assert request.files == [("tildel-brev-17.pdf", PDF)]


def test_resend_after_lost_answer_is_recognised(channel, svarut, letter):
    first = channel.send(letter)
    second = channel.send(letter)

    assert second.external_id == first.external_id
    assert len(svarut.sent()) == 1


def test_fake_refuses_a_forsendelse_without_required_fields(svarut):
    response = httpx.post(
        f"{svarut.url}/v2/kontoer/{svarut.konto_id}/forsendelser",
        headers={"Authorization": "Bearer test-token"},
        files=[("forsendelse", (None, b'{"mottaker": {"navn": "X"}}', "application/json"))])

    assert response.status_code == 400
    assert response.json()["message"] == "tittel er påkrevd"


def test_missing_postcode_is_rejected_with_details(channel, svarut, letter):
    without_postcode = dataclasses.replace(letter, recipient_postcode="")

    with pytest.raises(ChannelRejected) as caught:
        channel.send(without_postcode)

    assert "400" in caught.value.message_nb
    assert "MANGLER_FELT: mottaker.postnummer er påkrevd" in caught.value.details
    assert svarut.forsendelser == {}


def test_forced_400_is_rejected_with_details(channel, svarut, letter):
    svarut.fail_with = 400

    with pytest.raises(ChannelRejected) as caught:
        channel.send(letter)

    assert caught.value.details.startswith("TESTFEIL: Feil fremprovosert i test (feil-id ")


@pytest.mark.parametrize("code", [500, 503, 429])
def test_server_errors_are_transient(channel, svarut, letter, code):
    svarut.fail_with = code

    with pytest.raises(ChannelUnavailable, match=str(code)):
        channel.send(letter)


def test_server_down_is_transient_and_a_retry_works(channel, svarut, letter):
    svarut.down()
    with pytest.raises(ChannelUnavailable):
        channel.send(letter)

    svarut.up()
    assert channel.send(letter).status is DispatchStatus.SENT


def test_expired_token_is_transient(svarut, letter):
    channel = SvarUtChannel(svarut.url, svarut.konto_id, lambda: "expired", timeout=2.0)

    with pytest.raises(ChannelUnavailable, match="401"):
        channel.send(letter)


def test_wrong_account_is_rejected(svarut, letter):
    channel = SvarUtChannel(svarut.url, "00000000-0000-0000-0000-000000000000",
                            lambda: svarut.token, timeout=2.0)

    with pytest.raises(ChannelRejected, match="403"):
        channel.send(letter)


def test_not_configured_is_transient(letter):
    with pytest.raises(ChannelUnavailable, match="ikke satt opp"):
        SvarUtChannel("", "", lambda: "token").send(letter)


def test_timeout_through_an_injected_transport(letter):
    def handler(request):
        raise httpx.ReadTimeout("slow", request=request)

    channel = SvarUtChannel("https://svarut.invalid/api", "konto", lambda: "token",
                            transport=httpx.MockTransport(handler))

    with pytest.raises(ChannelUnavailable, match="i tide"):
        channel.send(letter)


@pytest.mark.parametrize(("svarut_status", "expected"), [
    ("MOTTATT", DispatchStatus.SENT),
    ("AKSEPTERT", DispatchStatus.SENT),
    ("LEVERT_SDP", DispatchStatus.DELIVERED),
    ("LEST", DispatchStatus.READ),
    ("SENDT_PRINT", DispatchStatus.PRINTED),
    ("MANUELT_HANDTERT", DispatchStatus.PRINTED),
    ("IKKE_LEVERT", DispatchStatus.FAILED),
    ("AVVIST", DispatchStatus.FAILED),
])
def test_status_mapping(channel, svarut, letter, svarut_status, expected):
    receipt = channel.send(letter)
    svarut.set_status(receipt.external_id, svarut_status)

    assert channel.status(receipt.external_id) is expected
    assert svarut.requests[-1].path.endswith("/forsendelser/status-sok")


def test_status_of_an_unknown_id(channel):
    assert channel.status("5b1a7c1e-0000-4000-8000-000000000000") is DispatchStatus.UNKNOWN


def test_no_personal_data_in_logs(channel, svarut, letter, caplog):
    caplog.set_level(logging.DEBUG)
    channel.send(letter)
    svarut.fail_with = 400
    with pytest.raises(ChannelRejected):
        channel.send(dataclasses.replace(letter, reference="tildel-brev-18"))

    assert caplog.records
    assert ID_NUMBER not in caplog.text
    assert "Nordmann" not in caplog.text
    assert ID_NUMBER not in repr(letter)
