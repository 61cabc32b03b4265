"""PLO messages from hospitals (pleie- og omsorgsmeldinger, KITH/Helsedirektoratet v1.5/1.6).

The schemas are not available to this project (standards.md § PLO), so the reader is
tolerant: it looks up the elements it needs by local name, whatever their namespace or
place in the document, and ignores everything else. What it reads (docs/exchange.md):

- from the header (MsgHead): ``MsgId``, ``GenDate``, the sender's ``OrganisationName`` and
  HER-id (``Ident/Id`` with ``TypeId V="HER"``), the patient's ``Ident/Id`` with
  ``TypeId V="FNR"`` or ``"DNR"``;
- the message type, by the first element named as one of ``MESSAGE_TYPES``;
- per type the date elements in ``DATE_FIELDS``, the department (``Avdeling``), where the
  patient is discharged to (``UtskrevetTil``), and for the health information for an
  application the text of ``OpplysningerTilSoknad`` and ``TjenesteBehov``.

Each message creates or updates the hospital stay (``hospital.HospitalStay``) and gives
the allocation office covering the patient's district a task on the stay's case. A file
that is not XML, has no known message type, no patient or a patient not in the register
is kept in quarantine with the reason (``PloMessage``), never lost; XML is parsed with
entities and network access off.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from lxml import etree

from tildel.casework.models import Case, Channel, SenderRole, Task
from tildel.casework.services.intake import register_enquiry
from tildel.hospital.models import HospitalStay
from tildel.people.models import Person

from .models import PloMessage

MAX_BYTES = 5 * 1024 * 1024
logger = logging.getLogger(__name__)

ADMITTED = "MeldingInnlagtPasient"
READY = "MeldingUtskrivningsklarPasient"
READY_CANCELLED = "AvmeldingUtskrivningsklarPasient"
DISCHARGED = "MeldingOmUtskrevetPasient"
DEATH = "OrienteringOmDod"
APPLICATION = "HelseopplysningerVedSoknad"
MESSAGE_TYPES = {
    ADMITTED: "Melding om innlagt pasient",
    READY: "Melding om utskrivningsklar pasient",
    READY_CANCELLED: "Avmelding av utskrivningsklar pasient",
    DISCHARGED: "Melding om utskrevet pasient",
    DEATH: "Orientering om død",
    APPLICATION: "Helseopplysninger ved søknad",
}
DATE_FIELDS = {
    ADMITTED: ("Innleggelsesdato", "InnlagtDato", "DatoInnlagt"),
    READY: ("UtskrivningsklarDato", "DatoUtskrivningsklar"),
    READY_CANCELLED: (),
    DISCHARGED: ("Utskrivningsdato", "UtskrevetDato", "DatoUtskrevet"),
    DEATH: ("Dodsdato", "DatoDod"),
    APPLICATION: (),
}
# Checked in this order: "sykehjem" is an institution although it ends in "hjem".
DESTINATIONS = (("institusjon", HospitalStay.Destination.INSTITUTION),
                ("sykehjem", HospitalStay.Destination.INSTITUTION),
                ("korttid", HospitalStay.Destination.INSTITUTION),
                ("hjem", HospitalStay.Destination.HOME))


class Unreadable(ValueError):
    """Why a message cannot be used (Norwegian, for the quarantine list)."""


@dataclass
class Parsed:
    message_type: str
    message_id: str
    sent_at: dt.datetime
    hospital: str
    her_id: str
    id_number: str
    event_at: dt.datetime
    department: str = ""
    destination: str = ""
    text: str = ""
    needs: list[str] = field(default_factory=list)


def _local(element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _find(root, *names: str):
    wanted = set(names)
    for element in root.iter():
        if _local(element) in wanted:
            return element
    return None


def _text(root, *names: str) -> str:
    found = _find(root, *names)
    return (found.text or "").strip() if found is not None else ""


def _moment(text: str, what: str) -> dt.datetime:
    """A date or date-time as the messages write them, in local time (years 1900–2100)."""
    text = text.strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            day = dt.date.fromisoformat(text)
            moment = dt.datetime.combine(day, dt.time(12))
        else:
            moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise Unreadable(f"{what} «{text[:40]}» er ikke en dato.") from None
    if not 1900 <= moment.year <= 2100:
        raise Unreadable(f"{what} «{text[:40]}» ligger utenfor årene 1900–2100.")
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def _ident(root, parent: str, kinds: tuple[str, ...]) -> str:
    """The Id of the first Ident under an element named ``parent`` whose TypeId V is one
    of ``kinds``."""
    for holder in root.iter():
        if _local(holder) != parent:
            continue
        for ident in holder.iter():
            if _local(ident) != "Ident":
                continue
            kind = _find(ident, "TypeId")
            if kind is not None and (kind.get("V") or "").upper() in kinds:
                return _text(ident, "Id")
    return ""


def parse(content: bytes) -> Parsed:
    """Read the fields Tildel uses; Unreadable says why a message cannot be used."""
    if len(content) > MAX_BYTES:
        raise Unreadable(f"Filen er større enn {MAX_BYTES // (1024 * 1024)} MB; de første "
                         f"{MAX_BYTES // (1024 * 1024)} MB er tatt vare på.")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False,
                             remove_comments=True)
    try:
        root = etree.fromstring(content, parser)
    except etree.XMLSyntaxError as error:
        raise Unreadable(f"Filen er ikke gyldig XML: {error}.") from None
    if root is None:
        raise Unreadable("Filen er tom.")
    body = _find(root, *MESSAGE_TYPES)
    if body is None:
        raise Unreadable("Ukjent meldingstype: fant ingen av "
                         + ", ".join(MESSAGE_TYPES) + ".")
    kind = _local(body)
    number = _ident(root, "Patient", ("FNR", "DNR")) or _ident(root, "Pasient", ("FNR", "DNR"))
    if not number:
        raise Unreadable("Meldingen mangler pasientens fødselsnummer eller D-nummer.")
    sent_text = _text(root, "GenDate")
    sent = _moment(sent_text, "GenDate") if sent_text else timezone.now()
    event_text = _text(body, *DATE_FIELDS[kind]) if DATE_FIELDS[kind] else ""
    hospital = _text(_find(root, "Sender") if _find(root, "Sender") is not None else root,
                     "OrganisationName")
    return Parsed(
        message_type=kind, message_id=_text(root, "MsgId")[:100], sent_at=sent,
        hospital=hospital or "Ukjent sykehus", her_id=_ident(root, "Sender", ("HER",)),
        id_number=number, event_at=_moment(event_text, DATE_FIELDS[kind][0])
        if event_text else sent,
        department=_text(body, "Avdeling")[:200],
        destination=_text(body, "UtskrevetTil").lower(),
        text=_text(body, "OpplysningerTilSoknad"),
        needs=[(e.text or "").strip() for e in body.iter() if _local(e) == "TjenesteBehov"
               and (e.text or "").strip()])


def _decoded(content: bytes) -> str:
    """The text of a message for reading on screen, in the encoding its prolog names."""
    match = re.match(rb"<\?xml[^>]*encoding=[\"']([A-Za-z0-9._-]+)", content[:200])
    encoding = match.group(1).decode() if match else "utf-8"
    try:
        text = content.decode(encoding, errors="replace")
    except LookupError:
        text = content.decode("utf-8", errors="replace")
    return text.replace("\x00", "")


def receive(content: bytes, *, source: str = "", user=None) -> PloMessage:
    """Keep the message (its bytes as received) and act on it; one that cannot be used
    goes to quarantine with the reason, whatever went wrong.

    Idempotent: a message already processed (same MsgId, or the same bytes when it has no
    MsgId) is recorded as a duplicate and changes nothing; the same bad file received again
    is not quarantined twice.
    """
    digest = hashlib.sha256(content).hexdigest()
    kept = {"source": source[:200], "content": _decoded(content), "raw": content,
            "digest": digest}
    waiting = PloMessage.objects.filter(digest=digest,
                                        status=PloMessage.Status.QUARANTINED).first()
    try:
        parsed = parse(content)
    except Unreadable as error:
        return waiting or PloMessage.objects.create(
            **kept, status=PloMessage.Status.QUARANTINED, reason=str(error))
    try:
        return _act(parsed, kept, user, waiting)
    except Exception as error:  # a fault must not lose the message
        logger.exception("PLO message could not be processed")
        return PloMessage.objects.create(
            **kept, message_id=parsed.message_id, message_type=parsed.message_type,
            status=PloMessage.Status.QUARANTINED,
            reason=f"Teknisk feil under behandlingen ({type(error).__name__}). Meldingen er "
                   f"tatt vare på; meld fra til drift.")


def _act(parsed: Parsed, kept: dict, user, waiting: PloMessage | None) -> PloMessage:
    common = {**kept, "message_id": parsed.message_id, "message_type": parsed.message_type}
    done = PloMessage.objects.filter(status=PloMessage.Status.PROCESSED)
    if (parsed.message_id and done.filter(message_id=parsed.message_id).exists()) or \
            done.filter(digest=kept["digest"]).exists():
        return PloMessage.objects.create(**common, status=PloMessage.Status.DUPLICATE,
                                         reason="Meldingen er mottatt og behandlet før.")
    person = Person.objects.filter(id_number=parsed.id_number).first()
    if person is None:
        return waiting or PloMessage.objects.create(
            **common, status=PloMessage.Status.QUARANTINED,
            reason="Pasienten finnes ikke i personregisteret. Registrer personen og behandle "
                   "meldingen på nytt.")
    office = person.district.allocation_offices.first()
    if office is None:
        return waiting or PloMessage.objects.create(
            **common, person=person, status=PloMessage.Status.QUARANTINED,
            reason="Ingen tildelingskontor dekker pasientens distrikt.")
    try:
        with transaction.atomic():
            stay = _update_stay(parsed, person)
            _follow_up(parsed, person, office, stay, user)
            return PloMessage.objects.create(**common, person=person, stay=stay,
                                             status=PloMessage.Status.PROCESSED)
    except Unreadable as error:
        return waiting or PloMessage.objects.create(
            **common, person=person, status=PloMessage.Status.QUARANTINED, reason=str(error))


def _open_stay(person: Person) -> HospitalStay | None:
    return person.hospital_stays.exclude(status__in=(HospitalStay.Status.DISCHARGED,
                                                     HospitalStay.Status.DIED)).first()


def _update_stay(parsed: Parsed, person: Person) -> HospitalStay | None:
    """Apply a logistics message to the patient's stay, in the order events happened.

    An admission from another hospital (HER-id) while a stay is open opens a new stay; a
    message about a stay that has ended (a late "ready" after "discharged") is kept on the
    latest stay's case as a journal entry and changes nothing.
    """
    kind = parsed.message_type
    if kind == APPLICATION:
        return _open_stay(person)
    stay = _open_stay(person)
    if stay is not None and kind == ADMITTED and parsed.her_id and stay.hospital_her_id \
            and parsed.her_id != stay.hospital_her_id:
        stay = None  # admitted elsewhere: a stay of its own
    if stay is None:
        latest = person.hospital_stays.order_by("-admitted_at", "-id").first()
        if latest is not None and kind != ADMITTED and (
                latest.discharged_at is None or parsed.event_at <= latest.discharged_at):
            return latest  # late news about a stay that has ended: journal only
        if kind == READY_CANCELLED:
            raise Unreadable("Det finnes ikke noe åpent sykehusopphold for pasienten å "
                             "avmelde.")
        stay = HospitalStay(person=person, admitted_at=parsed.event_at
                            if kind == ADMITTED else parsed.sent_at)
    elif parsed.event_at < stay.admitted_at and kind != ADMITTED:
        return stay  # older than the admission it would change: journal only
    if stay.pk is not None:  # the office may be editing it on the board: lock, then bump
        stay = HospitalStay.objects.select_for_update().get(pk=stay.pk)
    stay.hospital = parsed.hospital[:200]
    stay.hospital_her_id = parsed.her_id[:20]
    if parsed.department:
        stay.department = parsed.department
        stay.psychiatric = "psyk" in parsed.department.lower()
    if kind == ADMITTED:
        stay.admitted_at = parsed.event_at
        if stay.status != HospitalStay.Status.READY or stay.ready_on is None:
            stay.status, stay.ready_on = HospitalStay.Status.ADMITTED, None
    elif kind == READY:
        stay.ready_on = timezone.localdate(parsed.event_at)
        stay.status = HospitalStay.Status.READY
    elif kind == READY_CANCELLED:
        stay.ready_on, stay.status = None, HospitalStay.Status.ADMITTED
    elif kind == DISCHARGED:
        stay.discharged_at, stay.status = parsed.event_at, HospitalStay.Status.DISCHARGED
        stay.destination = next((d for word, d in DESTINATIONS
                                 if word in parsed.destination),
                                HospitalStay.Destination.ELSEWHERE)
    elif kind == DEATH:
        stay.discharged_at, stay.status = parsed.event_at, HospitalStay.Status.DIED
    # The message's fields only, and a new version, so the office's plan and acceptance
    # stay and a form opened before the message is refused as stale.
    stay.version += 1
    if stay.pk is None:
        stay.save()
    else:
        stay.save(update_fields=["hospital", "hospital_her_id", "department", "psychiatric",
                                 "admitted_at", "ready_on", "status", "discharged_at",
                                 "destination", "version", "updated_at"])
    return stay


TASKS = {
    ADMITTED: ("Innlagt på sykehus: send innleggelsesrapport", 1),
    READY: ("Utskrivningsklar pasient: svar sykehuset og planlegg hjemkomst", 0),
    READY_CANCELLED: ("Utskrivningsklar avmeldt: stans planleggingen", 1),
    DISCHARGED: ("Utskrevet fra sykehus: følg opp tjenestene", 1),
    DEATH: ("Dødsmelding: avslutt tjenester og vedtak", 2),
    APPLICATION: ("Søknad med helseopplysninger fra sykehus: vurder", 2),
}


def _follow_up(parsed: Parsed, person: Person, office, stay: HospitalStay | None,
               user) -> None:
    """The office's case for the stay (or the application), a journal line and a task."""
    label = MESSAGE_TYPES[parsed.message_type]
    case = stay.case if stay is not None and stay.case_id else None
    if parsed.message_type == APPLICATION:
        case = None  # an application is its own case
    body = f"{label} fra {parsed.hospital}"
    if parsed.department:
        body += f", {parsed.department}"
    body += f" ({timezone.localtime(parsed.event_at):%d.%m.%Y %H:%M})."
    if parsed.text:
        body += f"\n\n{parsed.text}"
    if parsed.needs:
        body += "\n\nBehov: " + "; ".join(parsed.needs)
    case = register_enquiry(
        office=office, person=person, channel=Channel.E_MESSAGE,
        sender_name=parsed.hospital[:200],
        sender_role=SenderRole.HOSPITAL, text=body, received_at=min(parsed.sent_at,
                                                                   timezone.now()),
        subject="Søknad fra sykehus" if parsed.message_type == APPLICATION
        else f"Sykehusopphold: {parsed.hospital}", actor=user, case=case)
    if parsed.message_type != APPLICATION:
        if case.kind != Case.Kind.ENQUIRY and stay is not None and not stay.case_id:
            Case.objects.filter(pk=case.pk).update(kind=Case.Kind.ENQUIRY)
        if stay is not None and not stay.case_id:
            stay.case = case
            stay.save(update_fields=["case"])
    title, days = TASKS[parsed.message_type]
    Task.objects.create(case=case, kind=Task.Kind.HOSPITAL, title=title,
                        due_on=timezone.localdate() + dt.timedelta(days=days),
                        assigned_to=case.assigned_to)


def reprocess(message: PloMessage, user) -> PloMessage:
    """Process a quarantined message again from its bytes (e.g. after registering the
    person); the old row is kept, marked as handled by ``user``."""
    if message.status != PloMessage.Status.QUARANTINED:
        raise Unreadable("Bare meldinger i karantene kan behandles på nytt.")
    message.status = PloMessage.Status.DISMISSED  # first, so the digest is free to retry
    message.handled_by = user
    message.save(update_fields=["status", "handled_by"])
    raw = bytes(message.raw) if message.raw else message.content.encode("utf-8")
    result = receive(raw, source=message.source, user=user)
    message.reason = f"{message.reason} Behandlet på nytt: {result.get_status_display()}."
    message.save(update_fields=["reason"])
    return result
