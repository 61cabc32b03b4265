"""The XPR(ipl) 56.0.0 writer on its own (tildel.exchange.kpr_xml): notifications written as
text in chunks, each chunk checked against the official schema beside the writing, every
attribute value escaped; and the COPY text the ledger is written with on PostgreSQL."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import uuid

import pytest
from lxml import etree

from tildel.exchange import kpr_store, kpr_xml

NS = {"k": kpr_xml.NAMESPACE}
NOW = dt.datetime(2026, 11, 2, 9, 30, tzinfo=dt.UTC)


def official_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(kpr_xml.SCHEMA_DIR / "XPR(ipl).xsd")))


def notification(sequence: int, **changes) -> kpr_xml.NotificationData:
    data = kpr_xml.NotificationData(
        status="N", time=NOW, guid=str(uuid.uuid4()), previous_guid=kpr_xml.NIL_GUID,
        sequence=sequence, ref_guid=None, element="TjenesteStart", service_type="15",
        registered=NOW, day=dt.date(2026, 11, 1), service_id=f"T{sequence}",
        event_guid=str(uuid.uuid4()), org_number="974256959", stop_id="",
        patient_guid=str(uuid.uuid4()), user_number=str(sequence), id_number="13097248022",
        id_type="1")
    return dataclasses.replace(data, **changes)


def write(notifications, contacts=None, chunk=2) -> bytes:
    out = io.BytesIO()
    contacts = contacts or [kpr_xml.Contact("Ingrid IPLOS", "iplos@kommune.invalid", "16")]
    kpr_xml.write(out, municipality_number="1103", contacts=contacts,
                  notifications=notifications, local_id="lokal-1", chunk=chunk)
    return out.getvalue()


def test_a_message_written_in_chunks_is_one_valid_message_in_order():
    items = [notification(n) for n in range(1, 6)]
    items[2] = notification(3, element="MidlertidigStoppFra", stop_id="S7")
    items[4] = notification(5, status="C", ref_guid=items[0].guid,
                            previous_guid=items[0].guid, district_code="030101")
    document = etree.fromstring(write(items, chunk=2))  # chunks of 2, 2 and 1
    official_schema().assertValid(document)
    numbers = document.xpath("//k:Notifikasjon/@notifikasjonLopeNr", namespaces=NS)
    assert numbers == ["1", "2", "3", "4", "5"]
    stop = document.xpath("//k:MidlertidigStoppFra", namespaces=NS)[0]
    assert stop.get("midlertidigStoppID") == "S7"
    cancel = document.xpath("//k:Notifikasjon[@statusNotifikasjon='C']", namespaces=NS)[0]
    assert cancel.get("notifikasjonRef") == items[0].guid
    assert cancel.xpath(".//k:Bruker/@bydel", namespaces=NS) == ["030101"]
    assert document.get("lokalident") == "lokal-1"
    assert document.xpath("//k:Kommune/@kommuneNr", namespaces=NS) == ["1103"]


def test_an_invalid_notification_in_a_later_chunk_is_found():
    items = [notification(n) for n in range(1, 8)]
    items[6] = notification(7, patient_guid="ikke-en-guid")
    with pytest.raises(kpr_xml.InvalidMessage, match="pasientGUID"):
        write(items, chunk=3)


def test_a_valid_message_written_in_chunks_validates_as_a_file(tmp_path):
    path = tmp_path / "kpr.xml"
    path.write_bytes(write([notification(n) for n in range(1, 12)], chunk=4))
    assert kpr_xml.validate(path) == 11


def test_attribute_values_are_escaped_and_read_back_unchanged():
    name = 'Kari «K» Nordmann & Sønn <IPLOS> "kontakt"'
    document = etree.fromstring(write([notification(1)], contacts=[
        kpr_xml.Contact(name, "a&b@kommune.invalid", "16", phone="+47 22\t33")]))
    contact = document.xpath("//k:Kontaktperson", namespaces=NS)[0]
    assert contact.get("kontPerson") == name
    assert contact.get("meldEpost1") == "a&b@kommune.invalid"
    assert contact.get("meldTelefon") == "+47 22\t33"  # a tab is kept, not made a space


@pytest.mark.parametrize(("value", "text"), [
    (None, "\\N"), (True, "t"), (False, "f"), (42, "42"),
    (dt.date(2026, 1, 31), "2026-01-31"),
    ('{"navn": "S\\u00f8rli"}', '{"navn": "S\\\\u00f8rli"}'),
    ("a\tb\nc\rd\\e", "a\\tb\\nc\\rd\\\\e"),
])
def test_copy_text_escapes_what_postgresql_would_misread(value, text):
    assert kpr_store.copy_text(value) == text
