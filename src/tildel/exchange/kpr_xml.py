"""XPR(ipl) 56.0.0 messages: written incrementally, checked against the official schema.

The schema files are the official ones (reference/kpr-iplos-56.0.0), shipped in
``exchange/xsd/kpr-56.0.0``. A message is written in chunks of notifications, so memory
stays flat however many it holds, and each chunk is validated against the schema beside
the writing (``write``); ``validate`` checks a whole file, also incrementally. Attribute
values are escaped by one function (``_escape``). Attributes the schema prohibits (kjonn,
fodselsar, komNrHjem, kommuneOrgNr, fraDatoPeriode, uttakDato, lopenr, tilDatoPeriode) are
never written: the writer has no way to write them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import operator
import re
from collections import deque
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache, lru_cache
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


@lru_cache(maxsize=4096)  # a message has one notification time and few signing times
def _moment(moment: dt.datetime) -> str:
    """Local time with its offset (Norway), whole seconds."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(_zone())
    return moment.replace(microsecond=0).isoformat()


@cache
def _zone():
    return timezone.get_default_timezone()


def write(out: BinaryIO, *, municipality_number: str, contacts: list[Contact],
          notifications: Iterable[NotificationData], local_id: str = "",
          chunk: int = 2000) -> int:
    """Write one Melding to ``out`` and check it against the schema; returns the number of
    notifications written, or raises InvalidMessage.

    The notifications are written as text in chunks. Each chunk is also checked as a
    message of its own (the same envelope around it) in a background thread while the next
    chunk is made: the schema has no constraint that spans notifications (no unique or key),
    so every chunk valid and the envelope valid is the whole message valid. lxml releases
    the interpreter lock while it parses and validates, so the check runs beside the
    writing instead of after it.
    """
    head, tail = _envelope(municipality_number, contacts, local_id)
    out.write(head)
    count = 0
    problems: list[str] = []
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="kpr-validate") as checker:
        checks: deque[Future] = deque()
        pending: list[str] = []
        for n in notifications:
            pending.append(notification_xml(n))
            count += 1
            if len(pending) >= chunk:
                checks.append(_emit(out, pending, head, tail, checker))
                pending = []
                while len(checks) > 4:  # at most a few chunks in memory, however many
                    problems += checks.popleft().result()
        if pending or count == 0:
            checks.append(_emit(out, pending, head, tail, checker))
        out.write(tail)
        problems += [problem for check in checks for problem in check.result()]
    if problems:
        raise InvalidMessage(problems)
    return count


def _emit(out: BinaryIO, pending: list[str], head: bytes, tail: bytes,
          checker: ThreadPoolExecutor) -> Future:
    body = "".join(pending).encode()
    out.write(body)
    return checker.submit(_problems, head + body + tail)


def _problems(message: bytes) -> list[str]:
    """What the schema says of one message (empty if it is valid)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    try:
        document = etree.fromstring(message, parser)
    except etree.XMLSyntaxError as error:
        return [str(error)]
    validator = schema()
    if validator.validate(document):
        return []
    return [f"linje {e.line}: {e.message}" for e in validator.error_log]


def _envelope(municipality_number: str, contacts: list[Contact],
              local_id: str) -> tuple[bytes, bytes]:
    """The Melding's start tag, and what follows the notifications (contacts, Kommune)."""
    attributes = {"versjon": "56.0.0", "meldingstype": "K", "leverandor": "Tildel",
                  "navnEPJ": "Tildel", "versjonEPJ": tildel.__version__,
                  "versjonUt": "56.0.0"}
    if local_id:
        attributes["lokalident"] = local_id
    head = (f"<?xml version='1.0' encoding='UTF-8'?>\n<Melding xmlns=\"{NAMESPACE}\""
            f"{_attributes(attributes.items())}>")
    tail = []
    for contact in contacts:
        pairs = [("kontPerson", contact.name), ("meldEpost1", contact.email),
                 ("typeKontaktperson", contact.kind)]
        if contact.phone:
            pairs.append(("meldTelefon", contact.phone))
        tail.append(f"<Kontaktperson{_attributes(pairs)}/>")
    tail.append(f"<Kommune{_attributes([('kommuneNr', municipality_number)])}/></Melding>")
    return head.encode(), "".join(tail).encode()


def _attributes(pairs: Iterable[tuple[str, str]]) -> str:
    return "".join(f' {name}="{_escape(value)}"' for name, value in pairs)


_SPECIAL = re.compile(r'[&<>"\t\n\r]')
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\t": "&#9;",
             "\n": "&#10;", "\r": "&#13;"}


def _escape(value: str) -> str:
    """An attribute value as XML text (tab and line breaks kept, not normalised away)."""
    if _SPECIAL.search(value) is None:
        return value
    return _SPECIAL.sub(lambda m: _ENTITIES[m.group()], value)


#: the NotificationData fields written as attribute text
TEXT_FIELDS = ("status", "guid", "previous_guid", "ref_guid", "service_type",
               "service_id", "event_guid", "org_number", "stop_id", "patient_guid",
               "user_number", "id_number", "id_type", "district_code")
_TEXTS = operator.attrgetter(*TEXT_FIELDS)


def notification_xml(n: NotificationData) -> str:
    """One Notifikasjon with its event and Bruker, as text, attributes escaped (one search
    over all of them first: nearly every notification has nothing to escape)."""
    if _SPECIAL.search("".join(text or "" for text in _TEXTS(n))):
        n = dataclasses.replace(n, **{name: _escape(getattr(n, name))
                                      for name in TEXT_FIELDS if getattr(n, name)})
    ref = f' notifikasjonRef="{n.ref_guid}"' if n.ref_guid else ""
    org = f' tjenesteOrgNr="{n.org_number}"' if n.org_number else ""
    stop = f' midlertidigStoppID="{n.stop_id}"' if n.stop_id else ""
    district = f' bydel="{n.district_code}"' if n.district_code else ""
    return (f'<Notifikasjon statusNotifikasjon="{n.status}" '
            f'notifikasjonTid="{_moment(n.time)}" notifikasjonGUID="{n.guid}" '
            f'notifikasjonForrigeGUID="{n.previous_guid}" '
            f'notifikasjonLopeNr="{n.sequence:d}"{ref}>'
            f'<{n.element} tjenesteType="{n.service_type}" '
            f'hendelseRegTid="{_moment(n.registered)}"{org} '
            f'hendelseDato="{n.day.isoformat()}" tjenesteID="{n.service_id}" '
            f'hendelseGUID="{n.event_guid}"{stop}>'
            f'<Bruker pasientGUID="{n.patient_guid}" brukerNr="{n.user_number}"'
            f'{district} fid="{n.id_number}" typeID="{n.id_type}"/>'
            f'</{n.element}></Notifikasjon>')


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
        for _, element in etree.iterparse(source, events=("end",), tag=_q("Notifikasjon"),
                                          schema=schema(), resolve_entities=False,
                                          no_network=True, huge_tree=True):
            count += 1
            element.clear()
            parent = element.getparent()
            while parent is not None and element.getprevious() is not None:
                del parent[0]
    except etree.XMLSyntaxError as error:  # includes schema errors found while parsing
        raise InvalidMessage([str(error)]) from error
    return count
