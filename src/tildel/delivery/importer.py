"""Import of visit logs (besøkslogg) from mobile time registration, in bulk.

The format is in ``docs/visit-log-format.md``; the design in
``docs/decisions/0008-bulk-import-of-visit-logs.md``. In short:

1. The file is read as UTF-8 (a BOM is fine) line by line; each row is checked by
   ``rules.delivered_time.RowParser``. Bad rows are kept as (line, reason), never with
   their content. A file in another encoding is refused as a whole, and nothing is stored.
2. Good rows go to a temporary staging table: ``COPY`` on PostgreSQL, batched inserts on
   SQLite.
3. The database sorts the staged rows together with the stored visits they touch; one
   streaming sweep (``rules.delivered_time.classify``) finds overlaps and rows that are
   already stored.
4. One ``INSERT … SELECT`` moves the rest into ``Visit``, leaving out rows whose key
   (person, start, unit) is already stored: a rerun adds nothing. Imports take turns (an
   advisory lock on PostgreSQL; SQLite has one writer anyway), so the plain insert needs
   no ``ON CONFLICT``, which doubles PostgreSQL's insert time; the unique constraint still
   guards the key, and a clash with a visit registered by hand at that moment fails the
   import as a whole, to be run again.

Everything after the run record is one transaction: an interrupted import leaves nothing
half-done, and running it again is always safe.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from django.db import IntegrityError, connection, transaction
from django.db.models import Count
from django.utils import timezone

from tildel.organisation.models import ProviderUnit
from tildel.people.models import Person
from tildel.rules import delivered_time as rules
from tildel.rules.delivered_time import BadRow, FileProblem

from .models import Visit, VisitImport, VisitImportError

Progress = Callable[[str, int, int | None], None]

MAX_STORED_ERRORS = 10_000
"""Refused rows kept with line and reason; a file that is wrong throughout is counted in
full but listed only this far."""

BATCH = 20_000
STAGE, KEYS, BAD = "delivery_stage", "delivery_keys", "delivery_bad"

ENCODING_PROBLEM = (
    "Filen er ikke lagret som UTF-8. Lagre den på nytt som «CSV UTF-8» (i Excel: Lagre som "
    "→ CSV UTF-8) og importer igjen. Ingen rader er importert.")
EMPTY_FILE = "Filen er tom."
CLASH = ("Et besøk i filen ble registrert manuelt mens importen pågikk. Kjør importen på "
         "nytt; ingenting blir dobbelt. Ingen rader er importert.")
LOCK_KEY = 7_040_001  # pg_advisory_xact_lock: one visit import at a time
UNREADABLE = "Filen kan ikke leses som tekst (linje {line}). Ingen rader er importert."


@dataclass
class Scope:
    """What an importer may register: person and unit references they may resolve, and
    the units rows may be for (None: any unit resolved)."""

    persons: dict[str, int]
    units: dict[str, int]
    allowed_units: frozenset[int] | None = None
    unit_id: int | None = None


def unit_references(units) -> dict[str, int]:
    """Organisation number → unit; a number two units share names neither."""
    counts = dict(units.exclude(organisation_number="").values_list(
        "organisation_number").annotate(n=Count("id")).values_list("organisation_number", "n"))
    return {number: pk for number, pk in units.values_list("organisation_number", "id")
            if counts.get(number) == 1}


def scope_for(user=None) -> Scope:
    """The command (no user) may import everything; a provider leader rows for their own
    unit about persons in their municipalities; an office role rows about persons in its
    districts. A person outside the scope is reported as unknown: no one learns from an
    import whether a number exists."""
    persons, units = Person.objects.all(), ProviderUnit.objects.all()
    allowed, unit_id = None, None
    if user is not None:
        units = units.filter(municipality__in=user.municipalities.all())
        if user.is_provider_role and user.provider_unit_id:
            persons = persons.filter(municipality__in=user.municipalities.all())
            allowed, unit_id = frozenset({user.provider_unit_id}), user.provider_unit_id
        elif user.is_office_role:
            persons = persons.filter(district_id__in=user.district_ids())
        else:
            persons, units = persons.none(), units.none()
    return Scope(dict(persons.values_list("id_number", "id")), unit_references(units),
                 allowed, unit_id)


@dataclass
class BulkResult:
    staged: int = 0
    imported: int = 0
    duplicate: int = 0
    bad: list[BadRow] = field(default_factory=list)


# -- reading the file ----------------------------------------------------------------


class _HashingReader(io.RawIOBase):
    """Hashes the bytes as they are read, so a large file is read once."""

    def __init__(self, raw: BinaryIO):
        self.raw, self.sha256 = raw, hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.raw.read(len(buffer))
        buffer[: len(data)] = data
        self.sha256.update(data)
        return len(data)


def count_lines(path) -> int:
    """Lines in a file, fast, for a progress bar's total."""
    lines = 0
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 22):
            lines += chunk.count(b"\n")
    return lines


def _rows(text: io.TextIOBase, parser_for: Callable[[dict], rules.RowParser],
          bad: list[BadRow], counter: list[int], progress: Progress | None,
          total: int | None) -> Iterator[tuple]:
    """Good rows as staging tuples; bad ones into ``bad``; ``counter`` counts data rows
    and bad rows.
    A decoding error anywhere (even on the last line) refuses the whole file."""
    line = 1
    try:
        header_line = text.readline()
        if not header_line.strip():
            raise FileProblem(EMPTY_FILE)
        delimiter = ";" if ";" in header_line else ","
        header = next(csv.reader([header_line], delimiter=delimiter, quoting=csv.QUOTE_NONE))
        parse = parser_for(rules.column_positions(header)).parse
        width = len(header)
        reader = csv.reader(text, delimiter=delimiter, quoting=csv.QUOTE_NONE)
        step, seen = "Leser og kontrollerer rader", 0
        for fields in reader:
            line = reader.line_num + 1
            result = parse(fields, line, width)
            seen += 1
            if progress is not None and seen % BATCH == 0:
                progress(step, BATCH, total)
            if result is None:
                continue
            counter[0] += 1
            if type(result) is BadRow:
                counter[1] += 1
                if len(bad) < MAX_STORED_ERRORS:  # the rest are counted only
                    bad.append(result)
                continue
            yield result
    except UnicodeDecodeError:
        raise FileProblem(ENCODING_PROBLEM) from None
    except csv.Error:
        raise FileProblem(UNREADABLE.format(line=line + 1)) from None
    if progress is not None:
        progress(step, seen % BATCH, total)


def import_file(stream: BinaryIO, name: str, *, user=None, scope: Scope | None = None,
                progress: Progress | None = None, total_lines: int | None = None
                ) -> VisitImport:
    """Import one visit-log file; returns the run with its counts and refused rows."""
    scope = scope or scope_for(user)
    run = VisitImport.objects.create(file_name=name[:255], sha256="", started_by=user,
                                     provider_unit_id=scope.unit_id)
    hashing = _HashingReader(stream)
    buffered = io.BufferedReader(hashing, 1 << 20)
    now = timezone.now()
    bad: list[BadRow] = []
    counter = [0, 0]
    try:
        if buffered.peek(2)[:2] in (b"\xff\xfe", b"\xfe\xff"):
            raise FileProblem(ENCODING_PROBLEM)
        text = io.TextIOWrapper(buffered, encoding="utf-8-sig", errors="strict", newline="")
        with transaction.atomic():
            rows = _rows(text, lambda columns: rules.RowParser(
                columns, scope.persons, scope.units, now, scope.allowed_units),
                bad, counter, progress, total_lines and max(0, total_lines - 1))
            result = bulk_import(rows, run, progress=progress)
            while hashing.read(1 << 20):  # the hash covers the whole file
                pass
            _finish(run, result, counter[0], hashing.sha256.hexdigest(),
                    bad_count=counter[1] + len(result.bad), bad=bad + result.bad)
    except (FileProblem, IntegrityError) as problem:
        message = str(problem) if isinstance(problem, FileProblem) else CLASH
        run.status, run.message = VisitImport.Status.FAILED, message
        run.sha256 = hashing.sha256.hexdigest()
        run.rows_total = run.rows_imported = run.rows_duplicate = run.rows_bad = 0
        run.finished_at = timezone.now()
        run.save()
    return run


def import_rows(rows: Iterable[tuple], name: str, *, user=None,
                progress: Progress | None = None) -> VisitImport:
    """Store visits that need no parsing (the demo), through the same bulk path:
    ``(line, person_id, unit_id, start, end, role)`` with epoch seconds."""
    run = VisitImport.objects.create(file_name=name[:255], sha256="", started_by=user)
    with transaction.atomic():
        result = bulk_import(rows, run, progress=progress)
        _finish(run, result, result.staged, "", bad_count=len(result.bad), bad=result.bad)
    return run


def _finish(run: VisitImport, result: BulkResult, total: int, sha256: str, *,
            bad_count: int, bad: list[BadRow]) -> None:
    VisitImportError.objects.bulk_create(
        (VisitImportError(import_run=run, line=b.line, reason=b.reason[:200])
         for b in sorted(bad)[:MAX_STORED_ERRORS]), batch_size=2000)
    run.sha256 = sha256
    run.rows_total, run.rows_imported = total, result.imported
    run.rows_duplicate, run.rows_bad = result.duplicate, bad_count
    run.status, run.finished_at = VisitImport.Status.DONE, timezone.now()
    run.save()


# -- the bulk path -------------------------------------------------------------------


def _sql():
    """The few expressions that differ between PostgreSQL and SQLite."""
    if connection.vendor == "postgresql":
        return {"ts": "to_timestamp({})", "epoch": "CAST(EXTRACT(EPOCH FROM {}) AS bigint)"}
    # Django stores an aware datetime on SQLite as naive UTC text 'YYYY-MM-DD HH:MM:SS'.
    return {"ts": "datetime({}, 'unixepoch')", "epoch": "CAST(strftime('%s', {}) AS INTEGER)"}


def bulk_import(rows: Iterable[tuple], run: VisitImport, *, progress: Progress | None = None,
                source: str = Visit.Source.IMPORT) -> BulkResult:
    """Store visits given as ``(line, person_id, unit_id, start, end, role)`` tuples with
    start and end in epoch seconds (or ``VisitRow``). Call inside a transaction. Rows that
    overlap, repeat or are already stored are counted, not stored. ``rows`` is consumed
    while PostgreSQL's COPY holds the connection: producing a row must not query the
    database."""
    result = BulkResult()
    sql = _sql()
    ts, visit = sql["ts"], connection.ops.quote_name(Visit._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
            cursor.execute("SET LOCAL work_mem = '256MB'")  # the sorts below stay in memory
        for table in (STAGE, KEYS, BAD):
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
        cursor.execute(f"CREATE TEMPORARY TABLE {STAGE} (line integer, person_id bigint, "
                       "unit_id bigint, start_s bigint, end_s bigint, role varchar(3))")
        cursor.execute(f"CREATE TEMPORARY TABLE {BAD} (line integer PRIMARY KEY)")
        result.staged = _stage(cursor, rows)
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {STAGE}")  # temporary tables are never auto-analysed
        if progress is not None:
            progress("Kontrollerer overlapp", 0, 1)
        bad_lines = _sweep(cursor, sql, visit, result)
        if progress is not None:
            progress("Kontrollerer overlapp", 1, 1)
        if bad_lines:
            cursor.executemany(f"INSERT INTO {BAD} (line) VALUES (%s)",  # noqa: S608
                               [(line,) for line in bad_lines])
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        # In the unique index's order, so the index grows at its end, not all over.
        cursor.execute(
            f"INSERT INTO {visit} (provider_unit_id, person_id, start, \"end\", staff_role, "  # noqa: S608
            "source, import_run_id, registered_by_id, registered_at) "
            f"SELECT s.unit_id, s.person_id, {ts.format('s.start_s')}, {ts.format('s.end_s')}, "
            f"s.role, %s, %s, %s, %s FROM {STAGE} s "
            f"WHERE NOT EXISTS (SELECT 1 FROM {BAD} b WHERE b.line = s.line) "
            f"AND NOT EXISTS (SELECT 1 FROM {visit} v WHERE v.provider_unit_id = s.unit_id "
            f"AND v.person_id = s.person_id AND v.start = {ts.format('s.start_s')}) "
            "ORDER BY s.unit_id, s.person_id, s.start_s",
            [source, run.pk, run.started_by_id, now])
        result.imported = max(cursor.rowcount, 0)
        result.duplicate = result.staged - len(bad_lines) - result.imported
        for table in (STAGE, KEYS, BAD):
            cursor.execute(f"DROP TABLE {table}")
        if progress is not None:
            progress("Lagrer", 1, 1)
    return result


def _stage(cursor, rows: Iterable[tuple]) -> int:
    staged = 0
    if connection.vendor == "postgresql":
        columns = "line, person_id, unit_id, start_s, end_s, role"
        with cursor.cursor.copy(f"COPY {STAGE} ({columns}) FROM STDIN") as copy:
            chunk: list[str] = []
            for line, person, unit, start, end, role in rows:
                chunk.append(f"{line}\t{person}\t{unit}\t{start}\t{end}\t{role}\n")
                if len(chunk) == BATCH:
                    copy.write("".join(chunk))
                    staged += len(chunk)
                    chunk.clear()
            copy.write("".join(chunk))
            staged += len(chunk)
        return staged
    insert = f"INSERT INTO {STAGE} VALUES (%s, %s, %s, %s, %s, %s)"  # noqa: S608
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == BATCH:
            cursor.executemany(insert, chunk)
            staged += len(chunk)
            chunk.clear()
    if chunk:
        cursor.executemany(insert, chunk)
        staged += len(chunk)
    return staged


def _sweep(cursor, sql: dict, visit: str, result: BulkResult) -> set[int]:
    """Overlaps and reruns: ``rules.delivered_time.classify`` over one sorted stream.

    Only the (unit, person) groups where the rule can find something are streamed: those
    where a staged row starts before an earlier one ends (a window over the staged rows),
    and those with a stored visit that overlaps a staged row other than its identical
    twin. A clean file, new or imported before, streams nothing; the verdicts are the same
    as streaming everything.
    """
    ts, epoch = sql["ts"], sql["epoch"]
    touches = (f"v.provider_unit_id = s.unit_id AND v.person_id = s.person_id "
               f"AND v.start > {ts.format(f's.start_s - {rules.MAX_VISIT_SECONDS}')} "
               f"AND v.start < {ts.format('s.end_s')} AND v.\"end\" > {ts.format('s.start_s')}")
    cursor.execute(
        f"CREATE TEMPORARY TABLE {KEYS} AS "  # noqa: S608
        "SELECT unit_id, person_id FROM (SELECT unit_id, person_id, start_s, MAX(end_s) OVER ("
        "PARTITION BY unit_id, person_id ORDER BY start_s, line "
        f"ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS before_end FROM {STAGE}) AS w "
        "WHERE before_end > start_s "
        f"UNION SELECT s.unit_id, s.person_id FROM {STAGE} s JOIN {visit} v ON {touches} "
        # A row identical to a stored visit is a rerun: alone it finds nothing.
        f"AND NOT (v.start = {ts.format('s.start_s')} AND v.\"end\" = {ts.format('s.end_s')})")
    in_keys = (f"EXISTS (SELECT 1 FROM {KEYS} k WHERE k.unit_id = s.unit_id "  # noqa: S608
               "AND k.person_id = s.person_id)")
    query = (
        "SELECT unit_id, person_id, start_s, end_s, line FROM ("  # noqa: S608
        f"SELECT unit_id, person_id, start_s, end_s, line, 1 AS kind FROM {STAGE} s "
        f"WHERE {in_keys} UNION ALL "
        f"SELECT DISTINCT v.provider_unit_id, v.person_id, {epoch.format('v.start')}, "
        f"{epoch.format('v.' + chr(34) + 'end' + chr(34))}, CAST(NULL AS INTEGER), 0 "
        f"FROM {STAGE} s JOIN {visit} v ON {touches} WHERE {in_keys}"
        ") AS t ORDER BY unit_id, person_id, start_s, kind, line")
    if connection.vendor == "postgresql":
        stream = connection.connection.cursor(name="delivery_sweep")
        stream.itersize = BATCH
        stream.execute(query)
    else:
        cursor.execute(query)
        stream = cursor
    bad_lines: set[int] = set()
    Interval = rules.Interval
    intervals = (Interval((u, p), s, e, line) for u, p, s, e, line in stream)
    for line, verdict in rules.classify(intervals):
        if verdict != "duplicate":
            bad_lines.add(line)
            result.bad.append(BadRow(line, verdict))
    if stream is not cursor:
        stream.close()
    return bad_lines
