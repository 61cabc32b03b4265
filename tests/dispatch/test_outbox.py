"""The local outbox folder: atomic, idempotent, no personal data in file names."""

from __future__ import annotations

import dataclasses
import json

import pytest

from tildel.dispatch.base import ChannelRejected, ChannelUnavailable, DispatchStatus
from tildel.dispatch.outbox import OutboxChannel

from .conftest import ID_NUMBER, PDF


def test_writes_pdf_and_metadata(tmp_path, letter):
    receipt = OutboxChannel(tmp_path).send(letter)

    assert receipt.external_id == "tildel-brev-17"
    assert receipt.status is DispatchStatus.DELIVERED
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tildel-brev-17.json",
                                                         "tildel-brev-17.pdf"]
    assert (tmp_path / "tildel-brev-17.pdf").read_bytes() == PDF
    meta = json.loads((tmp_path / "tildel-brev-17.json").read_text(encoding="utf-8"))
    assert meta["tittel"] == letter.title
    assert meta["mottaker"] == {"navn": "Kari Nordmann", "adresse": "Testveien 1",
                                "postnummer": "4001", "poststed": "Stavanger"}
    assert ID_NUMBER not in (tmp_path / "tildel-brev-17.json").read_text(encoding="utf-8")


def test_sending_twice_does_not_duplicate(tmp_path, letter):
    outbox = OutboxChannel(tmp_path)
    first = outbox.send(letter)
    before = {p.name: p.stat().st_mtime_ns for p in tmp_path.iterdir()}

    second = outbox.send(dataclasses.replace(letter, pdf=b"%PDF another"))

    assert second == first
    assert {p.name: p.stat().st_mtime_ns for p in tmp_path.iterdir()} == before
    assert (tmp_path / "tildel-brev-17.pdf").read_bytes() == PDF


def test_file_names_carry_no_personal_data(tmp_path, letter):
    OutboxChannel(tmp_path).send(dataclasses.replace(letter, reference="2027/42-brev-3"))

    names = [p.name for p in tmp_path.iterdir()]
    assert sorted(names) == ["2027_42-brev-3.json", "2027_42-brev-3.pdf"]
    assert not any(ID_NUMBER in n or "Nordmann" in n for n in names)


def test_reference_that_looks_like_an_id_number_is_refused(tmp_path, letter):
    with pytest.raises(ChannelRejected):
        OutboxChannel(tmp_path).send(dataclasses.replace(letter, reference=ID_NUMBER))
    assert list(tmp_path.iterdir()) == []


def test_status(tmp_path, letter):
    outbox = OutboxChannel(tmp_path)
    receipt = outbox.send(letter)

    assert outbox.status(receipt.external_id) is DispatchStatus.DELIVERED
    assert outbox.status("tildel-brev-999") is DispatchStatus.UNKNOWN


def test_unwritable_folder_is_transient(tmp_path, letter):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")

    with pytest.raises(ChannelUnavailable):
        OutboxChannel(blocker).send(letter)


def test_no_temporary_files_left(tmp_path, letter):
    OutboxChannel(tmp_path).send(letter)

    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".tmp-")]
