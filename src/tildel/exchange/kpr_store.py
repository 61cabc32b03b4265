"""The events the services give, kept between exports (forventede hendelser, ADR 0022).

Deriving every event of five years from every line took the city's export 2.7 s before
it wrote a byte, however little had changed. The derivation is per person (a service is
one person's use of one service type), so it is kept: ``refresh`` derives again only the
persons a ``KprChange`` row names. Database triggers write those rows whenever what the
rules read changes (migration 0007), whatever writes it; a refresh takes the rows it
handles in the same transaction as it writes the result, so a change is either in the
kept events or still waiting. ``candidates`` then asks the database for what differs from
the ledger, and ``tildel.rules.kpr.reconcile_contents`` decides what to send.

``collect`` reads what the rules need, for a municipality or some of its persons.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import sys
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from django.db import connection, transaction
from django.utils import timezone

from tildel.casework.models import Decision, ServiceLine, ServicePause
from tildel.idlists import any_of
from tildel.organisation.models import Municipality
from tildel.people.models import Person
from tildel.rules import kpr as rules
from tildel.rules.hours import weekly_hours

from .models import KprChange, KprDerivation, KprEvent, KprExpected, KprExpectedProblem

ID_TYPES = {Person.IdType.FODSELSNUMMER: rules.IdType.FODSELSNUMMER,
            Person.IdType.D_NUMMER: rules.IdType.D_NUMMER,
            Person.IdType.H_NUMMER: rules.IdType.H_NUMMER}
CHUNK = 2000
#: persons derived at a time: memory stays flat however many the municipality has
ROUND = 5000


def _version() -> str:
    """The code that decides what the kept events are: the rules, the hours they compare,
    and what this module reads. A release that changes any of it derives everyone again
    (the 9151 code list's yearly update, say)."""
    from tildel.rules import hours

    digest = hashlib.sha256()
    for module in (rules, hours, sys.modules[__name__]):
        digest.update(Path(module.__file__).read_bytes())
    return digest.hexdigest()[:16]


RULES = _version()
KINDS = {kind.element: kind for kind in rules.EventKind}
EXPECTED_COLUMNS = ("municipality_id", "person_id", "key", "service_id", "day", "held",
                    "line_id", "decision_id", "registered", "content")
PROBLEM_COLUMNS = ("municipality_id", "person_id", "line_id", "decision_id", "message")


def collect(municipality: Municipality, persons: Sequence[int] | None = None,
            ) -> tuple[list[rules.Line], dict[int, rules.Person]]:
    """The granted lines in decided decisions, with stops, and their persons: the whole
    municipality's, or ``persons``' only. Three queries."""
    lines_of = ServiceLine.objects.filter(
        decision__person__municipality=municipality, granted=True, start__isnull=False,
        decision__status=Decision.Status.DECIDED)
    pauses_of = ServicePause.objects.filter(
        line__decision__person__municipality=municipality,
        line__decision__status=Decision.Status.DECIDED)
    persons_of = Person.objects.filter(municipality=municipality)
    if persons is not None:
        lines_of = lines_of.filter(decision__person_id__in=any_of(persons))
        pauses_of = pauses_of.filter(line__decision__person_id__in=any_of(persons))
        persons_of = persons_of.filter(pk__in=any_of(persons))
    pauses: dict[int, list[rules.Pause]] = {}
    for line, pk, start, end, registered in pauses_of.values_list(
            "line_id", "id", "start", "end", "registered_at").order_by("line_id", "start", "id"):
        pauses.setdefault(line, []).append(rules.Pause(pk, start, end, registered))
    lines = []
    for (pk, decision, person, code, start, end, org, extent, unit, signed,
         decided, unit_id) in lines_of.values_list(
            "id", "decision_id", "decision__person_id",
            "service_version__service__national_type_id", "start", "end",
            "provider_unit__organisation_number", "extent", "extent_unit",
            "decision__signed_at", "decision__decided_on", "provider_unit_id").order_by("id"):
        registered = signed or (dt.datetime.combine(decided, dt.time(12), tzinfo=dt.UTC)
                                if decided else None)
        lines.append(rules.Line(pk, decision, person, code, start, end, org or "",
                                weekly_hours(extent, unit), tuple(pauses.get(pk, ())), registered,
                                unit_id))
    found = {pk: rules.Person(pk, number or "", ID_TYPES.get(id_type))
             for pk, number, id_type in persons_of.values_list(
                 "id", "id_number", "id_type").iterator(chunk_size=CHUNK)}
    return lines, found


@dataclass(frozen=True)
class Refreshed:
    """What a refresh derived: how many persons, and whether it was everyone."""

    persons: int
    everyone: bool


def refresh(municipality: Municipality, *,
            progress: Callable[[int, int], None] | None = None) -> Refreshed:
    """Derive again the expected events of every person a change names (everyone, the
    first time or after a change that reaches all); ``progress(done, total)`` after each
    round of persons. One export or refresh at a time per municipality."""
    with transaction.atomic():
        Municipality.objects.select_for_update().get(pk=municipality.pk)
        named = _take_changes(municipality.pk)
        everyone = (None in named or not KprDerivation.objects.filter(
            municipality_id=municipality.pk, rules=RULES).exists())
        if everyone:
            KprExpected.objects.filter(municipality_id=municipality.pk).delete()
            KprExpectedProblem.objects.filter(municipality_id=municipality.pk).delete()
            persons = list(Person.objects.filter(municipality=municipality)
                           .order_by("pk").values_list("pk", flat=True))
        else:
            persons = sorted(named)
        for start in range(0, len(persons), ROUND):
            _derive(municipality, persons[start:start + ROUND], forget=not everyone)
            if progress:
                progress(min(start + ROUND, len(persons)), len(persons))
        if everyone and connection.vendor == "postgresql":
            # Fresh statistics: without them the planner took the new rows for a few and
            # joined them to the ledger row by row (200 ms instead of 80).
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {KprExpected._meta.db_table}")
        if everyone or persons:
            KprDerivation.objects.update_or_create(
                municipality_id=municipality.pk,
                defaults={"refreshed_at": timezone.now(), "persons": len(persons),
                          "rules": RULES})
    return Refreshed(len(persons), everyone)


def _take_changes(municipality_id: int) -> set[int | None]:
    """The persons the municipality's change rows name (None: everyone), with the rows
    that name a person of the municipality without one, and the rows gone. A row committed
    after this statement stays for the next refresh. Rows naming a person who is gone are
    taken too (the person's deletion named the municipality)."""
    change, person = KprChange._meta.db_table, Person._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {change} WHERE municipality_id = %s OR ("  # noqa: S608
            f"municipality_id IS NULL AND (person_id IN (SELECT id FROM {person} "
            f"WHERE municipality_id = %s) OR NOT EXISTS (SELECT 1 FROM {person} p "
            f"WHERE p.id = {change}.person_id))) RETURNING person_id",
            [municipality_id, municipality_id])
        return {row[0] for row in cursor.fetchall()}


def _derive(municipality: Municipality, persons: list[int], *, forget: bool) -> None:
    """Write the persons' expected events and problems (after removing theirs if
    ``forget``)."""
    if forget:
        KprExpected.objects.filter(municipality_id=municipality.pk,
                                   person_id__in=any_of(persons)).delete()
        KprExpectedProblem.objects.filter(municipality_id=municipality.pk,
                                          person_id__in=any_of(persons)).delete()
    lines, people = collect(municipality, persons)
    services = rules.episodes(lines)
    problems = rules.problems(lines, people, services=services)
    held = rules.held_services(lines, problems, services)
    copy = connection.vendor == "postgresql"
    day = (lambda value: value) if copy else connection.ops.adapt_datefield_value
    moment = (lambda value: value) if copy else connection.ops.adapt_datetimefield_value
    rows = []
    for event in rules.events(lines, dt.date.max, services):
        content = json.dumps(event.content(people[event.person_id]))
        rows.append((municipality.pk, event.person_id, event.key, event.service_id,
                     day(event.day), event.service_id in held, event.line_id,
                     event.decision_id, moment(event.registered), content))
    with connection.cursor() as cursor:
        insert_rows(cursor, KprExpected._meta.db_table, EXPECTED_COLUMNS, rows)
        insert_rows(cursor, KprExpectedProblem._meta.db_table, PROBLEM_COLUMNS,
                    [(municipality.pk, p.person_id, p.line_id, p.decision_id, p.message)
                     for p in problems])


@dataclass
class Candidates:
    """What may have to be sent (``candidates``)."""

    #: the expected events, each with its content
    desired: list[tuple[rules.Event, dict]]
    #: the ledger as the rules see it, for these keys
    reported: dict[str, rules.Reported]
    #: the ledger's rows by key: id, hendelseGUID, first and last notification
    rows: dict[str, tuple]
    #: each key's content as JSON text, to be written to the ledger as it is
    texts: dict[str, str]


def candidates(municipality: Municipality, today: dt.date, since: dt.date | None,
               ) -> Candidates:
    """What may have to be sent: the expected events up to ``today`` that the ledger does
    not have as they are (new ones only from ``since``), and the ledger's events that are
    no longer expected; each key with its ledger row. A held service's events neither go
    nor are cancelled."""
    expected, ledger = KprExpected._meta.db_table, KprEvent._meta.db_table
    new_from = ""
    params: list = [municipality.pk, today]
    if since is not None:
        new_from = "AND (e.day >= %s OR (l.id IS NOT NULL AND l.active))"
        params.append(since)
    found = Candidates([], {}, {}, {})
    # The content's fields are read one by one (->> on both databases): the database
    # takes them apart faster than Python reads the JSON, and the text is kept whole for
    # the ledger. The timestamp comes as text too (psycopg's reading of it was slower).
    fields = ", ".join(f"e.content ->> '{name}'" for name in rules.Event.CONTENT)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT e.key, e.person_id, e.line_id, e.decision_id, "  # noqa: S608
            f"CAST(e.registered AS text), CAST(e.content AS text), l.id, l.guid, "
            f"l.first_notification, l.last_notification, l.content, l.active, {fields} "
            f"FROM {expected} e LEFT JOIN {ledger} l "
            f"ON l.municipality_id = e.municipality_id AND l.key = e.key "
            f"WHERE e.municipality_id = %s AND NOT e.held AND e.day <= %s "
            f"AND (l.id IS NULL OR NOT l.active OR l.content <> e.content) {new_from}",
            params)
        names = rules.Event.CONTENT
        for (key, person, line, decision, registered, text, pk, guid, first, last,
             known, active, *values) in cursor.fetchall():
            content = {name: value for name, value in zip(names, values, strict=True)
                       if value is not None}
            found.desired.append((_event(key, person, line, decision, registered, content),
                                  content))
            found.texts[key] = text
            if pk is not None:
                found.reported[key] = rules.Reported(key, _json(known), bool(active))
                found.rows[key] = (pk, _uuid(guid), _uuid(first), _uuid(last))
        cursor.execute(
            f"SELECT l.key, CAST(l.content AS text), l.id, l.guid, "  # noqa: S608
            f"l.first_notification, l.last_notification FROM {ledger} l "
            f"WHERE l.municipality_id = %s AND l.active "
            f"AND NOT EXISTS (SELECT 1 FROM {expected} e WHERE e.municipality_id = "
            f"l.municipality_id AND e.key = l.key AND e.day <= %s AND NOT e.held) "
            f"AND NOT EXISTS (SELECT 1 FROM {expected} h WHERE h.municipality_id = "
            f"l.municipality_id AND h.service_id = l.service_id AND h.held)",
            [municipality.pk, today])
        for key, text, pk, guid, first, last in cursor.fetchall():
            found.reported[key] = rules.Reported(key, json.loads(text), True)
            found.rows[key] = (pk, _uuid(guid), _uuid(first), _uuid(last))
            found.texts[key] = text
    return found


def counts(municipality: Municipality, today: dt.date) -> tuple[int, int]:
    """(events up to ``today``, of them held back by a problem)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*), COALESCE(SUM(CASE WHEN held THEN 1 ELSE 0 END), 0) "  # noqa: S608
            f"FROM {KprExpected._meta.db_table} WHERE municipality_id = %s AND day <= %s",
            [municipality.pk, today])
        events, held = cursor.fetchone()
    return events, held


def problems(municipality: Municipality) -> list[rules.Problem]:
    return [rules.Problem(line, decision, person, message)
            for line, decision, person, message in KprExpectedProblem.objects.filter(
                municipality_id=municipality.pk).order_by("line_id", "id").values_list(
                "line_id", "decision_id", "person_id", "message")]


def _event(key: str, person: int, line: int, decision: int, registered, content: dict,
           ) -> rules.Event:
    return rules.Event(key, KINDS[content["kind"]], content["service_id"],
                       content["service_type"], person, dt.date.fromisoformat(content["day"]),
                       content["org_number"], content["stop_id"], line, decision,
                       _datetime(registered))


def _json(value) -> dict:
    return json.loads(value) if isinstance(value, str | bytes) else value


def _uuid(value) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def _datetime(value) -> dt.datetime | None:
    """A timestamp read as text: with its offset from PostgreSQL, in UTC without one from
    SQLite."""
    if value is None:
        return None
    moment = dt.datetime.fromisoformat(value)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def copy_lines(cursor, table: str, columns: Iterable[str], lines: list[str]) -> None:
    """Lines of COPY text (``copy_text`` values joined by tabs) into ``table``, by the
    psycopg ``cursor`` (PostgreSQL)."""
    if lines:
        with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            copy.write("".join(lines))


def insert_rows(cursor, table: str, columns: Iterable[str], rows: list[tuple]) -> None:
    """Many rows at once: COPY on PostgreSQL, in its text format made here (psycopg's
    per-value adaptation was half the time of an export); a prepared INSERT on SQLite."""
    if not rows:
        return
    columns = tuple(columns)
    if connection.vendor == "postgresql":
        copy_lines(cursor.cursor, table, columns,
                   ["\t".join(map(copy_text, row)) + "\n" for row in rows])
        return
    cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608
                       f"VALUES ({', '.join(['%s'] * len(columns))})", rows)


_COPY_NEEDS = re.compile(r"[\\\t\n\r]")
_COPY_SPECIAL = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def needs_escape(*values: str) -> bool:
    """Whether any of the texts has a character COPY's text format must escape (one search
    for all: most have none)."""
    return _COPY_NEEDS.search("".join(values)) is not None


def copy_text(value) -> str:
    """One value in PostgreSQL's COPY text format."""
    if value is None:
        return "\\N"
    if value is True or value is False:
        return "t" if value else "f"
    if isinstance(value, str):
        return value.translate(_COPY_SPECIAL) if _COPY_NEEDS.search(value) else value
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)
