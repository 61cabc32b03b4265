"""Fixtures: a running fake SvarUt and a sample letter (synthetic person)."""

from __future__ import annotations

import pytest

from tildel.dispatch.base import OutgoingLetter
from tildel.dispatch.svarut import SvarUtChannel

from .fake_svarut import FakeSvarUt

# A synthetic fødselsnummer-shaped number; it must never show up in names or logs.
ID_NUMBER = "17054012345"
PDF = b"%PDF-1.7\n% test letter\n%%EOF\n"


@pytest.fixture
def svarut():
    fake = FakeSvarUt().start()
    yield fake
    fake.stop()


@pytest.fixture
def channel(svarut) -> SvarUtChannel:
    return SvarUtChannel(svarut.url, svarut.konto_id, lambda: svarut.token, timeout=2.0)


@pytest.fixture
def letter() -> OutgoingLetter:
    return OutgoingLetter(
        reference="tildel-brev-17", title="Vedtak om helse- og omsorgstjenester",
        recipient_name="Kari Nordmann", recipient_id_number=ID_NUMBER,
        recipient_address="Testveien 1", recipient_postcode="4001",
        recipient_city="Stavanger", pdf=PDF, filename="tildel-brev-17.pdf")
