"""KPR continuous reporting from the decisions and services in Tildel (ADR 0013).

``plan`` reads the municipality's granted service lines, their temporary stops and the
persons, asks ``tildel.rules.kpr`` which events they give and what the register has not
yet been told (the ledger, ``KprEvent``), and which lines it would reject. ``export``
writes what is due as one XPR(ipl) 56.0.0 message, checks it against the official schema
and records it, all in one transaction: a failure leaves no file and no ledger change, and
a rerun sends nothing already sent.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from psycopg.types.json import Jsonb

from tildel.batchgc import batch_gc
from tildel.casework.models import Decision, ServiceLine, ServicePause
from tildel.organisation.models import Municipality
from tildel.people.models import Person
from tildel.rules import kpr as rules
from tildel.rules.hours import weekly_hours

from . import kpr_xml
from .models import CONTROL, KprBatch, KprEvent, KprNotification, RegisterContact

#: pasientGUID is derived from the municipality and the person's id in Tildel, so it stays
#: the same in every message without storing another identifier.
PATIENT_NAMESPACE = uuid.UUID("5f0c6a52-3f7e-4c61-9a53-1d6f4f1c0b7e")
ID_TYPES = {Person.IdType.FODSELSNUMMER: rules.IdType.FODSELSNUMMER,
            Person.IdType.D_NUMMER: rules.IdType.D_NUMMER,
            Person.IdType.H_NUMMER: rules.IdType.H_NUMMER}
CHUNK = 2000
NIL = uuid.UUID(kpr_xml.NIL_GUID)


class ExchangeError(ValueError):
    """Something a person must fix before the message can be made (Norwegian)."""


def collect(municipality: Municipality) -> tuple[list[rules.Line], dict[int, rules.Person]]:
    """The municipality's granted lines in decided decisions, with stops, and their persons.

    Three queries, whatever the number of lines.
    """
    pauses: dict[int, list[rules.Pause]] = {}
    for line, pk, start, end, registered in ServicePause.objects.filter(
            line__decision__person__municipality=municipality,
            line__decision__status=Decision.Status.DECIDED).values_list(
            "line_id", "id", "start", "end", "registered_at").order_by("line_id", "start", "id"):
        pauses.setdefault(line, []).append(rules.Pause(pk, start, end, registered))
    lines = []
    for (pk, decision, person, code, start, end, org, extent, unit, signed,
         decided, unit_id) in ServiceLine.objects.filter(
            decision__person__municipality=municipality, granted=True, start__isnull=False,
            decision__status=Decision.Status.DECIDED).values_list(
            "id", "decision_id", "decision__person_id",
            "service_version__service__national_type_id", "start", "end",
            "provider_unit__organisation_number", "extent", "extent_unit",
            "decision__signed_at", "decision__decided_on", "provider_unit_id").order_by("id"):
        registered = signed or (dt.datetime.combine(decided, dt.time(12), tzinfo=dt.UTC)
                                if decided else None)
        lines.append(rules.Line(pk, decision, person, code, start, end, org or "",
                                weekly_hours(extent, unit), tuple(pauses.get(pk, ())), registered,
                                unit_id))
    persons = {pk: rules.Person(pk, number or "", ID_TYPES.get(id_type))
               for pk, number, id_type in Person.objects.filter(
                   municipality=municipality).values_list(
                   "id", "id_number", "id_type").iterator(chunk_size=CHUNK)}
    return lines, persons


@dataclass
class Plan:
    """What the next message would hold, and what is held back."""

    changes: list[rules.Change]
    problems: list[rules.Problem]
    held_back: int  # events not sent until their line's problem is fixed
    events: int  # events the services give up to today
    reported: int  # events the register has been told about and that still stand
    #: the ledger's row for each change's event already there: (id, hendelseGUID, first
    #: and last notification GUID), read with the rest so recording needs no more queries
    ledger: dict[str, tuple] = field(default_factory=dict)

    def count(self, status: rules.Status) -> int:
        return sum(1 for change in self.changes if change.status is status)


def plan(municipality: Municipality, *, today: dt.date | None = None,
         since: dt.date | None = None) -> Plan:
    today = today or timezone.localdate()
    lines, persons = collect(municipality)
    services = rules.episodes(lines)  # once: events, problems and holds all need them
    problems = rules.problems(lines, persons, services=services)
    held_ids = rules.held_services(lines, problems, services)
    events = rules.events(lines, today, services)
    reported: dict[str, rules.Reported] = {}
    ids: dict[str, tuple] = {}
    for key, content, active, *row in KprEvent.objects.filter(
            municipality=municipality).values_list(
            "key", "content", "active", "pk", "guid", "first_notification",
            "last_notification").iterator(chunk_size=CHUNK):
        reported[key] = rules.Reported(key, content, active)
        ids[key] = tuple(row)

    def held(key: str) -> bool:
        return key.split(":", 1)[0] in held_ids

    # A held service's events wait, and what was reported of it stands: neither cancelled
    # nor sent again until the problem is fixed.
    changes = rules.reconcile([e for e in events if e.service_id not in held_ids], persons,
                              {k: v for k, v in reported.items() if not held(k)},
                              since if since is not None else reporting_from(municipality))
    return Plan(changes, problems, sum(1 for e in events if e.service_id in held_ids),
                len(events), sum(1 for r in reported.values() if r.active),
                {c.key: ids[c.key] for c in changes if c.key in ids})


def reporting_from(municipality: Municipality) -> dt.date | None:
    """The day Tildel took over the reporting: the ``--since`` of the first message, kept
    for every later one (the screen too), so history is never sent twice."""
    return (KprBatch.objects.filter(municipality=municipality, since__isnull=False)
            .order_by("created_at", "id").values_list("since", flat=True).first())


def patient_guid(municipality: Municipality, person_id: int | str) -> str:
    return str(uuid.uuid5(PATIENT_NAMESPACE, f"{municipality.number}:{person_id}"))


def contacts_for(municipality: Municipality) -> list[kpr_xml.Contact]:
    found = []
    for c in RegisterContact.objects.filter(municipality=municipality):
        if any(CONTROL.search(value) for value in (c.name, c.email, c.phone)):
            raise ExchangeError(f"Kontaktpersonen «{CONTROL.sub('', c.name)}» har et usynlig "
                                f"kontrolltegn i navn, e-post eller telefon. Rett det under "
                                f"Administrasjon → Kontaktpersoner for KPR.")
        found.append(kpr_xml.Contact(c.name, c.email, c.kind, c.phone))
    if not found:
        raise ExchangeError("Kommunen har ingen kontaktperson for KPR. Registrer en under "
                            "Administrasjon → Kontaktpersoner for KPR før du sender.")
    return found


def default_path(municipality: Municipality) -> Path:
    """A new file in the outbox; the random part keeps two sends in one second apart."""
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    outbox = Path(settings.KPR_OUTBOX)
    outbox.mkdir(parents=True, exist_ok=True)
    return outbox / f"kpr-{municipality.number}-{stamp}-{uuid.uuid4().hex[:8]}.xml"


def export(municipality: Municipality, path: Path, *, since: dt.date | None = None,
           user=None, today: dt.date | None = None) -> KprBatch | None:
    """Write what is due to ``path`` and record it; None (and no file) if nothing is due.

    The message is written to a temporary file beside ``path`` and moved into place only
    when it has validated, as the last step before the records commit: a failure leaves
    ``path`` as it was. Raises ExchangeError if the message cannot be made,
    kpr_xml.InvalidMessage if it would not validate (nothing is recorded then).
    """
    path = Path(path)
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    placed = False
    try:
        with batch_gc(), transaction.atomic():
            # One export at a time per municipality: the second waits, then finds less due.
            Municipality.objects.select_for_update().get(pk=municipality.pk)
            due = plan(municipality, today=today, since=since)
            if not due.changes:
                return None
            contacts = contacts_for(municipality)
            batch = KprBatch.objects.create(municipality=municipality, created_by=user,
                                            since=since, file_name=path.name,
                                            path=str(path.resolve()))
            recorded = _Recorder(municipality, batch, due.ledger)
            with temporary.open("wb") as out:  # validated while written
                count = kpr_xml.write(out, municipality_number=municipality.number,
                                      contacts=contacts, local_id=str(batch.guid),
                                      notifications=recorded.notifications(due.changes))
            recorded.flush()
            batch.notifications = count
            batch.save(update_fields=["notifications"])
            os.replace(temporary, path)
            placed = True
            return batch
    except BaseException:
        temporary.unlink(missing_ok=True)
        if placed:  # moved into place, then the commit failed: the file was never recorded
            path.unlink(missing_ok=True)
        raise


class _Recorder:
    """Turns changes into notifications while they are written, and records them in the
    ledger in chunks of plain SQL (memory stays flat; the ORM's per-object cost was 80 %
    of an export). On PostgreSQL the rows go in by COPY in its text format."""

    def __init__(self, municipality: Municipality, batch: KprBatch, ledger: dict[str, tuple]):
        self.municipality, self.batch, self.ledger = municipality, batch, ledger
        self.now = timezone.now()
        self.sequence = (KprNotification.objects.filter(
            batch__municipality=municipality).aggregate(n=Max("sequence"))["n"] or 0)
        self.copy = connection.vendor == "postgresql"
        self.native_uuid = connection.features.has_native_uuid_field
        self.moment = (self.now.isoformat() if self.copy
                       else connection.ops.adapt_datetimefield_value(self.now))
        self.patients: dict[str, str] = {}
        self.inserts: list[tuple] = []
        self.updates: list[tuple] = []
        self.items: list[tuple] = []

    def notifications(self, changes: list[rules.Change]) -> Iterator[kpr_xml.NotificationData]:
        for count, change in enumerate(changes, start=1):
            yield self._one(change, self.ledger.get(change.key))
            if count % CHUNK == 0:
                self.flush()

    def _uuid(self, value: uuid.UUID | None):
        if value is None:
            return None
        return str(value) if self.copy else value if self.native_uuid else value.hex

    def _one(self, change: rules.Change, known: tuple | None) -> kpr_xml.NotificationData:
        self.sequence += 1
        guid = uuid.uuid4()
        content, status = change.content, change.status
        day = dt.date.fromisoformat(content["day"])
        active = status is not rules.Status.CANCEL
        if status is rules.Status.ORIGINAL:
            # New, or cancelled earlier and due again: a new event for the register.
            previous, ref, first, event_guid = NIL, None, guid, uuid.uuid4()
        else:
            event_guid, previous, ref, first = known[1], known[3], known[2], known[2]
        stored = json.dumps(content)
        row = (self._uuid(event_guid), content["kind"], content["service_id"],
               content["service_type"], day if self.copy else
               connection.ops.adapt_datefield_value(day), stored, active,
               self._uuid(first), self._uuid(guid), self.moment)
        if known is None:
            self.inserts.append((self.municipality.pk, change.key, int(content["person_id"]),
                                 *row))
        else:
            self.updates.append((*row, known[0]))
        self.items.append((self.batch.pk, change.key, status.value, self._uuid(guid),
                           self._uuid(previous), self._uuid(ref), self.sequence, stored))
        event = change.event
        registered = event.registered if event is not None and event.registered else self.now
        person = content["person_id"]
        patient = self.patients.get(person)
        if patient is None:
            patient = self.patients[person] = patient_guid(self.municipality, person)
        return kpr_xml.NotificationData(
            status=status.value, time=self.now, guid=str(guid), previous_guid=str(previous),
            sequence=self.sequence, ref_guid=str(ref) if ref else None, element=content["kind"],
            service_type=content["service_type"], registered=registered, day=day,
            service_id=content["service_id"], event_guid=str(event_guid),
            org_number=content["org_number"], stop_id=content["stop_id"],
            patient_guid=patient, user_number=person, id_number=content["id_number"],
            id_type=content["id_type"], district_code=content.get("district_code", ""))

    def flush(self) -> None:
        event_table = KprEvent._meta.db_table
        row = ("guid", "kind", "service_id", "service_type", "day", "content", "active",
               "first_notification", "last_notification", "updated_at")
        with connection.cursor() as cursor:
            if self.inserts:
                columns = ("municipality_id", "key", "person_id", *row)
                self._insert(cursor, event_table, columns, self.inserts)
            if self.updates:
                updates = self.updates
                if self.copy:  # the COPY-ready text is not what UPDATE takes
                    updates = [(*u[:5], Jsonb(json.loads(u[5])), *u[6:]) for u in updates]
                cursor.executemany(
                    f"UPDATE {event_table} SET {', '.join(f'{c} = %s' for c in row)} "  # noqa: S608
                    f"WHERE id = %s", updates)
            if self.items:
                columns = ("batch_id", "event_key", "status", "guid", "previous_guid",
                           "ref_guid", "sequence", "content")
                self._insert(cursor, KprNotification._meta.db_table, columns, self.items)
        self.inserts, self.updates, self.items = [], [], []

    def _insert(self, cursor, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
        """Many rows at once: COPY on PostgreSQL, in its text format made here (psycopg's
        per-value adaptation was half the time of an export); a prepared INSERT on SQLite."""
        if self.copy:
            with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                copy.write("".join("\t".join(map(_copy_text, row)) + "\n" for row in rows))
            return
        cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608
                           f"VALUES ({', '.join(['%s'] * len(columns))})", rows)


_COPY_SPECIAL = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(value) -> str:
    """One value in PostgreSQL's COPY text format."""
    if value is None:
        return "\\N"
    if value is True or value is False:
        return "t" if value else "f"
    if isinstance(value, str):
        return value.translate(_COPY_SPECIAL)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)
