"""KPR continuous reporting from the decisions and services in Tildel (ADR 0013).

``plan`` brings the expected events up to date (``kpr_store``: what ``tildel.rules.kpr``
derives from the granted lines, their temporary stops and the persons, kept between
exports), and asks the rules what the register has not yet been told (the ledger,
``KprEvent``), and which lines it would reject. ``export``
writes what is due as one XPR(ipl) 56.0.0 message, checks it against the official schema
and records it, all in one transaction: a failure leaves no file and no ledger change, and
a rerun sends nothing already sent.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import uuid
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from psycopg.types.json import Jsonb

from tildel.batchgc import batch_gc
from tildel.organisation.models import Municipality
from tildel.rules import kpr as rules

from . import kpr_store, kpr_xml
from .models import CONTROL, KprBatch, KprEvent, KprNotification, RegisterContact

#: pasientGUID is derived from the municipality and the person's id in Tildel, so it stays
#: the same in every message without storing another identifier.
PATIENT_NAMESPACE = uuid.UUID("5f0c6a52-3f7e-4c61-9a53-1d6f4f1c0b7e")
#: notifications recorded at a time
CHUNK = 2000
NULL = "\\N"  # in COPY's text format


class ExchangeError(ValueError):
    """Something a person must fix before the message can be made (Norwegian)."""


@dataclass
class Plan:
    """What the next message would hold, and what is held back. The figures for the
    screen (problems, events, held back, reported) are read when first asked for: an
    export needs none of them."""

    municipality: Municipality
    today: dt.date
    changes: list[rules.Change]
    #: the ledger's row for each change's event already there: (id, hendelseGUID, first
    #: and last notification GUID), read with the rest so recording needs no more queries
    ledger: dict[str, tuple] = field(default_factory=dict)
    #: each change's content as the JSON text kept, written to the ledger as it is
    texts: dict[str, str] = field(default_factory=dict)

    def count(self, status: rules.Status) -> int:
        return sum(1 for change in self.changes if change.status is status)

    @cached_property
    def problems(self) -> list[rules.Problem]:
        return kpr_store.problems(self.municipality)

    @cached_property
    def _counts(self) -> tuple[int, int]:
        return kpr_store.counts(self.municipality, self.today)

    @property
    def events(self) -> int:
        """Events the services give up to today."""
        return self._counts[0]

    @property
    def held_back(self) -> int:
        """Events not sent until their line's problem is fixed."""
        return self._counts[1]

    @cached_property
    def reported(self) -> int:
        """Events the register has been told about and that still stand."""
        return KprEvent.objects.filter(municipality=self.municipality, active=True).count()


def plan(municipality: Municipality, *, today: dt.date | None = None,
         since: dt.date | None = None) -> Plan:
    """What is due, from the kept expected events brought up to date first (ADR 0022)."""
    today = today or timezone.localdate()
    kpr_store.refresh(municipality)
    since = since if since is not None else reporting_from(municipality)
    found = kpr_store.candidates(municipality, today, since)
    changes = rules.reconcile_contents(found.desired, found.reported, since)
    return Plan(municipality, today, changes,
                {c.key: found.rows[c.key] for c in changes if c.key in found.rows},
                found.texts)


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
            recorded = _Recorder(municipality, batch, due.ledger, due.texts)
            try:
                with temporary.open("wb") as out:  # validated while written
                    count = kpr_xml.write(out, municipality_number=municipality.number,
                                          contacts=contacts, local_id=str(batch.guid),
                                          notifications=recorded.notifications(due.changes))
                recorded.flush()
            finally:  # the writer thread done with the connection before the rollback, too
                recorded.wait(failing=sys.exc_info()[0] is not None)
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


class _Guids:
    """Random GUIDs (version 4, RFC 9562) as text, from one read of the system's
    randomness per thousand: a read per GUID, as ``uuid.uuid4`` makes, was a sixth of an
    export, and making a ``UUID`` of each another tenth."""

    SIZE = 1024

    def __init__(self):
        self.hex, self.at = "", 0

    def __call__(self) -> str:
        if self.at >= len(self.hex):
            pool = bytearray(os.urandom(16 * self.SIZE))
            pool[6::16] = bytes(b & 0x0F | 0x40 for b in pool[6::16])  # version 4
            pool[8::16] = bytes(b & 0x3F | 0x80 for b in pool[8::16])  # RFC variant
            self.hex, self.at = pool.hex(), 0
        h, at = self.hex, self.at
        self.at += 32
        return f"{h[at:at + 8]}-{h[at + 8:at + 12]}-{h[at + 12:at + 16]}-" \
               f"{h[at + 16:at + 20]}-{h[at + 20:at + 32]}"


class _Recorder:
    """Turns changes into notifications while they are written, and records them in the
    ledger in chunks of plain SQL (memory stays flat; the ORM's per-object cost was 80 %
    of an export). On PostgreSQL the rows go in by COPY in its text format, from a thread
    of their own while the next chunk is made: the database's work and Python's overlap
    (``wait`` before anything else uses the connection)."""

    def __init__(self, municipality: Municipality, batch: KprBatch, ledger: dict[str, tuple],
                 texts: dict[str, str]):
        self.municipality, self.ledger, self.texts = municipality, ledger, texts
        self.municipality_id, self.batch_id = municipality.pk, batch.pk
        self.now = timezone.now()
        self.sequence = (KprNotification.objects.filter(
            batch__municipality=municipality).aggregate(n=Max("sequence"))["n"] or 0)
        self.copy = connection.vendor == "postgresql"
        # GUIDs are made as text once; SQLite keeps them as 32 hex digits.
        self.db_uuid = lambda text: text and text.replace("-", "")
        self.moment = (self.now.isoformat() if self.copy
                       else connection.ops.adapt_datetimefield_value(self.now))
        self.patients: dict[str, str] = {}
        self.guid = _Guids()
        self.inserts: list[tuple] = []
        self.updates: list[tuple] = []
        self.items: list[tuple] = []
        self.cursor = connection.cursor()
        self.writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kpr-ledger")
        self.written: deque[Future] = deque()

    def notifications(self, changes: list[rules.Change]) -> Iterator[kpr_xml.NotificationData]:
        for count, change in enumerate(changes, start=1):
            yield self._one(change, self.ledger.get(change.key))
            if count % CHUNK == 0:
                self.flush()

    def _one(self, change: rules.Change, known: tuple | None) -> kpr_xml.NotificationData:
        self.sequence += 1
        guid = self.guid()
        content, status = change.content, change.status
        day = dt.date.fromisoformat(content["day"])
        active = status is not rules.Status.CANCEL
        if status is rules.Status.ORIGINAL:
            # New, or cancelled earlier and due again: a new event for the register.
            previous, ref, first, event_guid = kpr_xml.NIL_GUID, None, guid, self.guid()
        else:
            event_guid, previous, ref = str(known[1]), str(known[3]), str(known[2])
            first = ref
        stored = self.texts.get(change.key) or json.dumps(content)
        if self.copy:
            self._copy_lines(change.key, content, stored, day, active, known, guid,
                             previous, ref, first, event_guid, status)
        else:
            self._rows(change.key, content, stored, day, active, known, guid, previous, ref,
                       first, event_guid, status)
        event = change.event
        registered = event.registered if event is not None and event.registered else self.now
        person = content["person_id"]
        patient = self.patients.get(person)
        if patient is None:
            patient = self.patients[person] = patient_guid(self.municipality, person)
        return kpr_xml.NotificationData(
            status=status.value, time=self.now, guid=guid, previous_guid=previous,
            sequence=self.sequence, ref_guid=ref, element=content["kind"],
            service_type=content["service_type"], registered=registered, day=day,
            service_id=content["service_id"], event_guid=event_guid,
            org_number=content["org_number"], stop_id=content["stop_id"],
            patient_guid=patient, user_number=person, id_number=content["id_number"],
            id_type=content["id_type"], district_code=content.get("district_code", ""))

    def _copy_lines(self, key, content, stored, day, active, known, guid, previous, ref,
                    first, event_guid, status) -> None:
        """The ledger's rows as lines of COPY text, made here: a value at a time through
        the general conversion cost more than the rest of the recording."""
        kind, service_id, service_type = (content["kind"], content["service_id"],
                                          content["service_type"])
        if known is not None:  # an UPDATE takes the values themselves, not COPY text
            self.updates.append((event_guid, kind, service_id, service_type, day,
                                 Jsonb(json.loads(stored)), active, first, guid, self.now,
                                 known[0]))
        if kpr_store.needs_escape(key, kind, service_id, service_type, stored):
            esc = kpr_store.copy_text
            key, kind, service_id, service_type, stored = (
                esc(key), esc(kind), esc(service_id), esc(service_type), esc(stored))
        row = (f"{event_guid}\t{kind}\t{service_id}\t"
               f"{service_type}\t{day.isoformat()}\t{stored}\t"
               f"{'t' if active else 'f'}\t{first}\t{guid}\t{self.moment}")
        if known is None:
            self.inserts.append(f"{self.municipality_id}\t{key}\t"
                                f"{int(content['person_id'])}\t{row}\n")
        self.items.append(f"{self.batch_id}\t{key}\t{status.value}\t{guid}\t{previous}\t"
                          f"{ref or NULL}\t{self.sequence}\t{stored}\n")

    def _rows(self, key, content, stored, day, active, known, guid, previous, ref, first,
              event_guid, status) -> None:
        """The ledger's rows as values for SQLite (GUIDs as 32 hex digits)."""
        hexa = self.db_uuid
        row = (hexa(event_guid), content["kind"], content["service_id"],
               content["service_type"], connection.ops.adapt_datefield_value(day), stored,
               active, hexa(first), hexa(guid), self.moment)
        if known is None:
            self.inserts.append((self.municipality_id, key, int(content["person_id"]), *row))
        else:
            self.updates.append((*row, known[0]))
        self.items.append((self.batch_id, key, status.value, hexa(guid), hexa(previous),
                           hexa(ref), self.sequence, stored))

    def flush(self) -> None:
        """Record the notifications made since the last flush: in the writer thread on
        PostgreSQL (at most four chunks waiting), here on SQLite."""
        chunk = (self.inserts, self.updates, self.items)
        self.inserts, self.updates, self.items = [], [], []
        if not self.copy:
            self._record(*chunk)
            return
        self.written.append(self.writer.submit(self._record, *chunk))
        while len(self.written) > 4:
            self.written.popleft().result()

    def wait(self, *, failing: bool = False) -> None:
        """Every chunk recorded, and the connection free for the export again. Raises the
        writer's first failure, unless the export is ``failing`` already."""
        try:
            while self.written:
                done = self.written.popleft()
                if failing:
                    done.exception()
                else:
                    done.result()
        finally:
            self.writer.shutdown(wait=True, cancel_futures=True)
            self.cursor.close()

    def _record(self, inserts: list, updates: list[tuple], items: list) -> None:
        event_table = KprEvent._meta.db_table
        row = ("guid", "kind", "service_id", "service_type", "day", "content", "active",
               "first_notification", "last_notification", "updated_at")
        events = ("municipality_id", "key", "person_id", *row)
        notifications = ("batch_id", "event_key", "status", "guid", "previous_guid",
                         "ref_guid", "sequence", "content")
        notification_table = KprNotification._meta.db_table
        # On PostgreSQL the psycopg cursor itself: Django's connection belongs to the
        # export's thread, and the rows are COPY lines already.
        cursor = self.cursor.cursor if self.copy else self.cursor
        add = kpr_store.copy_lines if self.copy else kpr_store.insert_rows
        add(cursor, event_table, events, inserts)
        if updates:
            cursor.executemany(
                f"UPDATE {event_table} SET {', '.join(f'{c} = %s' for c in row)} "  # noqa: S608
                f"WHERE id = %s", updates)
        add(cursor, notification_table, notifications, items)
