"""XPR(ipl) 56.0.0 messages: written incrementally, checked against the official schema.

The schema files are the official ones (reference/kpr-iplos-56.0.0), shipped in
``exchange/xsd/kpr-56.0.0``. A message is written element by element with
``lxml.etree.xmlfile`` so memory stays flat however many notifications it holds, and
validated by parsing it again against the schema, also incrementally. Attributes the
schema prohibits (kjonn, fodselsar, komNrHjem, kommuneOrgNr, fraDatoPeriode, uttakDato,
lopenr, tilDatoPeriode) are never written: the writer has no way to write them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import BinaryIO

from django.utils import timezone
from lxml import etree

import tildel

NAMESPACE = "http://www.npr.no/xmlstds/56_0_0_ipl"
SCHEMA_DIR = Path(__file__).parent / "xsd" / "kpr-56.0.0"
NSMAP = {None: NAMESPACE}
NIL_GUID = "00000000-0000-0000-0000-000000000000"


class InvalidMessage(ValueError):
    """The message does not validate against XPR(ipl) 56.0.0; ``problems`` say where."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems[:5]))
        self.problems = problems


@dataclass(frozen=True)
class Contact:
    name: str
    email: str
    kind: str  # 8471: 16 IPLOS kontaktperson, 17 innsendingsansvarlig
    phone: str = ""


@dataclass(frozen=True)
class NotificationData:
    """One Notifikasjon with its one event, all as text ready to write."""

    status: str
    time: dt.datetime
    guid: str
    previous_guid: str
    sequence: int
    ref_guid: str | None
    element: str  # TjenesteStart, MidlertidigStoppFra, …
    service_type: str
    registered: dt.datetime
    day: dt.date
    service_id: str
    event_guid: str
    org_number: str
    stop_id: str
    patient_guid: str
    user_number: str
    id_number: str
    id_type: str
    district_code: str = ""


def _q(name: str) -> str:
    return f"{{{NAMESPACE}}}{name}"


def _moment(moment: dt.datetime) -> str:
    """Local time with its offset (Norway), whole seconds."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(_zone())
    return moment.replace(microsecond=0).isoformat()


@cache
def _zone():
    return timezone.get_default_timezone()


def write(out: BinaryIO, *, municipality_number: str, contacts: list[Contact],
          notifications: Iterable[NotificationData], local_id: str = "") -> int:
    """Write one Melding to ``out``; returns the number of notifications written."""
    count = 0
    attributes = {"versjon": "56.0.0", "meldingstype": "K", "leverandor": "Tildel",
                  "navnEPJ": "Tildel", "versjonEPJ": tildel.__version__,
                  "versjonUt": "56.0.0"}
    if local_id:
        attributes["lokalident"] = local_id
    with etree.xmlfile(out, encoding="UTF-8") as xf:
        xf.write_declaration()
        with xf.element(_q("Melding"), attributes, nsmap=NSMAP):
            for n in notifications:
                xf.write(_notification(n))
                count += 1
            for contact in contacts:
                element = etree.Element(_q("Kontaktperson"), nsmap=NSMAP,
                                        kontPerson=contact.name, meldEpost1=contact.email,
                                        typeKontaktperson=contact.kind)
                if contact.phone:
                    element.set("meldTelefon", contact.phone)
                xf.write(element)
            xf.write(etree.Element(_q("Kommune"), nsmap=NSMAP, kommuneNr=municipality_number))
    return count


def _notification(n: NotificationData) -> etree._Element:
    notification = etree.Element(_q("Notifikasjon"), nsmap=NSMAP, statusNotifikasjon=n.status,
                                 notifikasjonTid=_moment(n.time), notifikasjonGUID=n.guid,
                                 notifikasjonForrigeGUID=n.previous_guid,
                                 notifikasjonLopeNr=str(n.sequence))
    if n.ref_guid:
        notification.set("notifikasjonRef", n.ref_guid)
    event = etree.SubElement(notification, _q(n.element), tjenesteType=n.service_type,
                             hendelseRegTid=_moment(n.registered))
    if n.org_number:
        event.set("tjenesteOrgNr", n.org_number)
    event.set("hendelseDato", n.day.isoformat())
    event.set("tjenesteID", n.service_id)
    event.set("hendelseGUID", n.event_guid)
    if n.stop_id:
        event.set("midlertidigStoppID", n.stop_id)
    user = etree.SubElement(event, _q("Bruker"), pasientGUID=n.patient_guid,
                            brukerNr=n.user_number)
    if n.district_code:
        user.set("bydel", n.district_code)
    user.set("fid", n.id_number)
    user.set("typeID", n.id_type)
    return notification


@cache
def schema() -> etree.XMLSchema:
    """The official schema; resolving its import and include from the shipped folder."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    document = etree.parse(str(SCHEMA_DIR / "XPR(ipl).xsd"), parser)
    return etree.XMLSchema(document)


def validate(source: str | Path | BinaryIO) -> int:
    """Validate a message against XPR(ipl) 56.0.0 while reading it element by element;
    returns the number of notifications, or raises InvalidMessage."""
    count = 0
    try:
        for _, element in etree.iterparse(source, events=("end",), schema=schema(),
                                          resolve_entities=False, no_network=True,
                                          huge_tree=True):
            if element.tag == _q("Notifikasjon"):
                count += 1
                element.clear()
                parent = element.getparent()
                while parent is not None and element.getprevious() is not None:
                    del parent[0]
    except etree.XMLSyntaxError as error:  # includes schema errors found while parsing
        raise InvalidMessage([str(error)]) from error
    return count
