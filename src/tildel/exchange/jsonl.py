"""Tildel's exchange format: JSON Lines, version 1 (docs/exchange.md § Import).

One JSON object per line; the first line is the header
``{"type": "header", "format": "tildel-jsonl", "version": 1, "municipality": {...}}``,
then records (``TYPES``; an export writes them in that order), each with a stable ``id``
from the system it came from. A record refers to others by those ids, defined earlier in
the file or in an earlier import. ``ExternalId`` remembers which id became which row, so
an import can be rerun (records are updated, not duplicated) and ``export`` writes the
ids it was given:
export → import into an empty database → export gives the same file.

``import_file`` checks every record (JSON, fields, dates, fødselsnummer, service codes,
references), imports the good ones in bulk and reports each bad one with its line and
reason; a record that refers to a bad one is reported too. Nothing good is dropped.

Speed: records are checked and saved a chunk at a time (``IMPORT_CHUNK`` records of one
type, one transaction). Everything the database is asked per chunk is asked once for the
whole chunk (rows to take over, which decision a known line belongs to, the cases of
pathways and assessments, scores), never once per record, and new rows are written
without a model instance per row (``Rows``: COPY on PostgreSQL).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from operator import itemgetter
from pathlib import Path
from typing import IO

import orjson
from django.db import DatabaseError, connection, models, transaction
from django.db.backends.postgresql.psycopg_any import is_psycopg3
from django.db.models import Q
from django.utils import timezone

from tildel.batchgc import batch_gc
from tildel.bulkwrite import bulk_write
from tildel.casework.models import Case, Decision, ServiceLine, ServicePause
from tildel.casework.models.assessment import Assessment, FunctionalScore
from tildel.catalogue.models import ExtentUnit, Service, ServiceVersion
from tildel.delivery.models import StaffRole, Visit
from tildel.organisation.models import (
    AllocationOffice,
    District,
    Municipality,
    ProviderKind,
    ProviderUnit,
)
from tildel.pathways.models import Pathway
from tildel.people.models import Person
from tildel.rules import identity, iplos

from .models import ExternalId

FORMAT, VERSION = "tildel-jsonl", 1
TYPES = ("district", "office", "unit", "person", "decision", "pathway", "assessment",
         "visit")
PREFIX = {"district": "D", "office": "K", "unit": "E", "person": "P", "decision": "V",
          "line": "L", "pause": "S", "pathway": "F", "assessment": "A", "visit": "B"}
CHUNK = 1000  # export: rows read at a time
IMPORT_CHUNK = 1000  # import: records of one type checked and saved in one transaction
# (1,000 rather than 5,000: the city's million records in 50.5 s instead of 52-53 s)
SPLIT = 16  # import: a chunk the database refuses is saved again in this many parts
FIRST_YEAR, LAST_YEAR = 1900, 2100
Progress = Callable[[str, int, int | None], None]

# The values a choice field takes, in the order the error message lists them.
PROVIDER_KINDS = tuple(ProviderKind.values)
DECISION_STATUSES = (Decision.Status.DECIDED.value, Decision.Status.ANNULLED.value)
DECISION_OUTCOMES = tuple(Decision.Outcome.values)
EXTENT_UNITS = tuple(ExtentUnit.values)
PAUSE_REASONS = tuple(ServicePause.Reason.values)
PATHWAY_CODES = tuple(Pathway.Code.values)
PATHWAY_OUTCOMES = ("", *Pathway.Outcome.values)
STAFF_ROLES = tuple(StaffRole.values)
# The field a row already in Tildel without an external id is found by (``_take_over``).
NATURAL_KEYS = {"district": "number", "office": "name", "unit": "name",
                "person": "id_number"}
CLASH = ("Posten finnes allerede i en annen form (samme person og dato, eller samme nøkkel) "
         "eller har en verdi databasen ikke tar; den er ikke importert.")


class Bad(ValueError):
    """A record that cannot be imported; the message is Norwegian."""


@dataclass
class Report:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    errors: list[tuple[int, str]] = field(default_factory=list)
    lines: int = 0

    def add(self, kind: str, created: int, updated: int) -> None:
        for target, n in ((self.created, created), (self.updated, updated)):
            if n:
                target[kind] = target.get(kind, 0) + n


# -- reading values ------------------------------------------------------------------------

def _text(record: dict, name: str, *, required: bool = False, limit: int = 200) -> str:
    value = record.get(name)
    if value is None or value == "":
        if required:
            raise Bad(f"«{name}» mangler.")
        return ""
    if not isinstance(value, str):
        raise Bad(f"«{name}» skal være tekst.")
    if len(value) > limit:
        raise Bad(f"«{name}» er lengre enn {limit} tegn.")
    return value


def _date(record: dict, name: str, *, required: bool = False) -> dt.date | None:
    value = record.get(name)
    if value in (None, ""):
        if required:
            raise Bad(f"«{name}» mangler.")
        return None
    try:
        day = dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise Bad(f"«{name}» er ikke en dato på formen ÅÅÅÅ-MM-DD: {str(value)[:30]!r}.") \
            from None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise Bad(f"«{name}» {value} ligger utenfor årene {FIRST_YEAR}–{LAST_YEAR}; en åpen "
                  f"slutt skrives som null, ikke 9999-12-31.")
    return day


def _moment(record: dict, name: str) -> dt.datetime:
    value = record.get(name)
    try:
        moment = dt.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise Bad(f"«{name}» er ikke et tidspunkt (ÅÅÅÅ-MM-DDTtt:mm:ss+01:00).") from None
    if moment.tzinfo is None:  # fromisoformat gives a fixed offset or none
        raise Bad(f"«{name}» mangler tidssone (f.eks. +01:00).")
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:
        raise Bad(f"«{name}» ligger utenfor årene {FIRST_YEAR}–{LAST_YEAR}.")
    return moment


def _choice(record: dict, name: str, allowed: tuple[str, ...],
            default: str | None = None) -> str:
    value = record.get(name, default)
    if value not in allowed:
        raise Bad(f"«{name}» må være en av {', '.join(allowed)}, ikke {value!r}.")
    return value


def _bool(record: dict, name: str, default: bool = False) -> bool:
    value = record.get(name, default)
    if not isinstance(value, bool):
        raise Bad(f"«{name}» skal være true eller false.")
    return value


def _ids(record: dict, name: str) -> list[str]:
    value = record.get(name) or []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise Bad(f"«{name}» skal være en liste med id-er (tekst).")
    return value


def _objects(record: dict, name: str) -> list[dict]:
    value = record.get(name) or []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise Bad(f"«{name}» skal være en liste med objekter.")
    return value


def _listed(record: dict, name: str) -> list[dict]:
    """The objects in the list ``name``, if it is one (a look ahead, no check)."""
    value = record.get(name)
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


# -- writing rows in bulk ------------------------------------------------------------------

def _parts(values: list) -> Iterator[list]:
    """``values`` in pieces small enough to be parameters of one query (SQLite takes 999;
    PostgreSQL takes a chunk at once)."""
    size = (connection.features.max_query_params or 100_000) - 1
    for start in range(0, len(values), size):
        yield values[start:start + size]


class Rows:
    """New and changed rows in bulk, without a model instance per row.

    Rows are given as dicts of field attribute names (``person_id``) to values the database
    driver takes as they are (text, numbers, ``Decimal``, dates, aware times, None), the
    same keys in every row; a field not given gets its model default, as ``bulk_create``
    would give it.

    On PostgreSQL (psycopg 3) new rows are written with COPY, their ids reserved from the
    table's sequence first (in order, so rows keep the file's order) so that children can
    point to them; changed rows are copied to a temporary table and updated in one
    statement, rows whose values did not change are left alone. Elsewhere (SQLite, for
    development and the tests) ``bulk_create`` and one ``update`` per changed row.
    """

    def __init__(self):
        self.copy = connection.vendor == "postgresql" and is_psycopg3
        self.sequences: dict[str, str] = {}
        self.layouts: dict[tuple, tuple] = {}

    def insert(self, model: type[models.Model], rows: list[dict] | list[tuple], *,
               returning: bool = True, fields: tuple[str, ...] = ()) -> list[int]:
        """Insert ``rows``; their ids in the same order (none if not ``returning``).
        With ``fields``, each row is a tuple of those fields' values (no dict per row:
        millions of scores and external ids)."""
        if not rows:
            return []
        if not self.copy:
            if fields:
                rows = [dict(zip(fields, row, strict=True)) for row in rows]
            objs = [model(**row) for row in rows]
            model.objects.bulk_create(objs, batch_size=IMPORT_CHUNK)
            return [obj.pk for obj in objs] if returning else []
        statement, pick, fixed, made, per_row = self._layout(
            model, fields or tuple(rows[0]), returning)
        if fields:
            pick = tuple  # the row is already the values, in order
        pks = self._reserve(model, len(rows)) if returning else []
        # One moment for the chunk's automatic times (the rows are saved together);
        # other defaults (a new GUID, say) are made for each row.
        fixed = (*fixed, *[make() for make in made])
        heads = [(pk,) for pk in pks] if returning else ()
        with connection.cursor() as cursor, connection.wrap_database_errors, \
                cursor.copy(statement) as copy:
            write = copy.write_row  # psycopg's C code: faster than text made in Python
            if per_row or returning:
                for head, row in zip(heads, rows, strict=True):
                    write((*head, *pick(row), *fixed, *[make() for make in per_row]))
            else:  # the common case of millions (scores, external ids), kept short
                for row in rows:
                    write(pick(row) + fixed)
        return pks

    def _layout(self, model: type[models.Model], given: tuple[str, ...], returning: bool):
        """The COPY statement for rows of ``given`` fields (and the id if ``returning``),
        a function picking their values, the default values of the other columns, the
        functions making the times (once per chunk) and those making a value per row
        (other callable defaults); worked out once per kind of row."""
        key = (model, given, returning)
        if key not in self.layouts:
            # column: default value / function making it per chunk / per row
            fixed, made, per_row = {}, {}, {}
            for f in model._meta.concrete_fields:
                if f.primary_key or f.attname in given:
                    continue
                if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                    made[f.column] = (timezone.now if isinstance(f, models.DateTimeField)
                                      else dt.date.today)
                elif f.has_default() and f.default in (timezone.now, dt.date.today):
                    made[f.column] = f.default
                elif f.has_default() and callable(f.default):
                    per_row[f.column] = f.default  # a value the driver takes
                else:
                    fixed[f.column] = f.get_db_prep_save(f.get_default(), connection)
            columns = ([model._meta.pk.column] if returning else []) + [
                model._meta.get_field(name).column for name in given] + [
                *fixed, *made, *per_row]
            qn = connection.ops.quote_name
            statement = (f"COPY {qn(model._meta.db_table)} ({', '.join(map(qn, columns))}) "
                         f"FROM STDIN")
            self.layouts[key] = (statement, _picker(list(given)), tuple(fixed.values()),
                                 list(made.values()), list(per_row.values()))
        return self.layouts[key]

    def update(self, model: type[models.Model], rows: list[tuple[int, dict]]) -> None:
        """Set the given fields of each row (id, values); the last values of a row count."""
        if not rows:
            return
        if not self.copy:
            for pk, values in rows:
                model.objects.filter(pk=pk).update(**values)
            return
        latest = dict(rows)
        given = list(next(iter(latest.values())))
        qn = connection.ops.quote_name
        table, pk = qn(model._meta.db_table), qn(model._meta.pk.column)
        temp = qn(f"tildel_import_{model._meta.db_table}")
        columns = [qn(model._meta.get_field(name).column) for name in given]
        listed = ", ".join(columns)
        pick = _picker(given)
        with connection.cursor() as cursor, connection.wrap_database_errors:
            cursor.execute(f"CREATE TEMPORARY TABLE {temp} AS SELECT {pk}, {listed} "  # noqa: S608
                           f"FROM {table} WITH NO DATA")
            with cursor.copy(f"COPY {temp} ({pk}, {listed}) FROM STDIN") as copy:
                for key, values in latest.items():
                    copy.write_row((key, *pick(values)))
            cursor.execute(
                f"UPDATE {table} AS t SET {', '.join(f'{c} = u.{c}' for c in columns)} "  # noqa: S608
                f"FROM {temp} AS u WHERE t.{pk} = u.{pk} AND "
                f"({', '.join(f't.{c}' for c in columns)}) IS DISTINCT FROM "
                f"({', '.join(f'u.{c}' for c in columns)})")
            cursor.execute(f"DROP TABLE {temp}")

    def _reserve(self, model: type[models.Model], n: int) -> list[int]:
        """``n`` new ids from the table's sequence, ascending."""
        table = model._meta.db_table
        with connection.cursor() as cursor:
            if table not in self.sequences:
                cursor.execute("SELECT pg_get_serial_sequence(%s, %s)",
                               [table, model._meta.pk.column])
                self.sequences[table] = cursor.fetchone()[0]
            cursor.execute("SELECT nextval(%s) FROM generate_series(1, %s)",
                           [self.sequences[table], n])
            return sorted(pk for pk, in cursor.fetchall())


def _picker(names: list[str]) -> Callable[[dict], tuple]:
    """A function giving a row's values of ``names`` as a tuple."""
    if len(names) == 1:
        name = names[0]
        return lambda row: (row[name],)
    return itemgetter(*names)


# -- ids -------------------------------------------------------------------------------------

class Ids:
    """External id ↔ row id, per kind, loaded once and kept up to date while importing.

    What is remembered while a chunk is saved is noted until its transaction ends: if the
    database refuses the chunk, ``undo`` forgets it again; ``keep`` once it is committed.
    """

    def __init__(self, rows: Rows | None = None):
        self.rows = rows or Rows()
        self.to_pk: dict[str, dict[str, int]] = {}
        self.taken: dict[str, set[int]] = {}
        self.noted: list[tuple[str, str]] = []

    def table(self, kind: str) -> dict[str, int]:
        if kind not in self.to_pk:
            self.to_pk[kind] = dict(ExternalId.objects.filter(kind=kind).values_list(
                "external_id", "object_id"))
        return self.to_pk[kind]

    def is_taken(self, kind: str, pk: int) -> bool:
        """Whether row ``pk`` already has an external id (a row is taken over once)."""
        if kind not in self.taken:
            self.taken[kind] = set(self.table(kind).values())
        return pk in self.taken[kind]

    def pk(self, kind: str, external: object, what: str) -> int:
        if not isinstance(external, str) or not external:
            raise Bad(f"«{what}» mangler eller er ikke tekst.")
        found = self.table(kind).get(external)
        if found is None:
            raise Bad(f"«{what}» viser til {external!r}, som ikke finnes (i filen før denne "
                      f"linjen eller fra en tidligere import).")
        return found

    def remember(self, kind: str, pairs: list[tuple[str, int]]) -> None:
        self.rows.insert(ExternalId, [(kind, e, pk) for e, pk in pairs], returning=False,
                         fields=("kind", "external_id", "object_id"))
        table, taken = self.table(kind), self.taken.get(kind)
        for external, pk in pairs:
            table[external] = pk
            if taken is not None:
                taken.add(pk)
            self.noted.append((kind, external))

    def keep(self) -> None:
        self.noted.clear()

    def undo(self) -> None:
        for kind, external in self.noted:
            self.to_pk.get(kind, {}).pop(external, None)
            self.taken.pop(kind, None)  # made again from the table when asked
        self.noted.clear()


# -- import ----------------------------------------------------------------------------------

def _has_float(value: dict | list) -> bool:
    """Whether a decimal number is anywhere in the record (a plain loop: this runs for
    every line)."""
    for item in value.values() if type(value) is dict else value:
        kind = type(item)
        if kind is float or ((kind is dict or kind is list) and _has_float(item)):
            return True
    return False


def _lines(source) -> Iterator[tuple[int, dict | None, str]]:
    """(line number, record or None, problem) per non-empty line of a binary file.

    A line is read by orjson, about three times faster than the standard library. What
    it refuses (not UTF-8, not JSON, and what the standard library still takes: NaN, a
    lone surrogate) is read again the standard way, and so is a record with a decimal
    number anywhere (orjson makes an integer beyond 64 bits a float; the format has no
    decimal numbers, so this is rare): a line is accepted or reported exactly as before,
    with the same reason."""
    for number, raw in enumerate(source, start=1):
        try:
            record = orjson.loads(raw)
        except orjson.JSONDecodeError:
            pass
        else:
            if isinstance(record, dict) and not _has_float(record):
                yield number, record, ""
                continue
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            yield number, None, "Linjen er ikke UTF-8."
            continue
        if not text.strip():
            continue
        try:
            record = json.loads(text)
        except json.JSONDecodeError as error:
            yield number, None, f"Linjen er ikke gyldig JSON ({error.msg}, tegn {error.pos})."
            continue
        except (RecursionError, ValueError):
            yield number, None, "Linjen er for dypt nøstet eller har tall som ikke kan leses."
            continue
        if not isinstance(record, dict):
            yield number, None, "Linjen er ikke et JSON-objekt."
            continue
        yield number, record, ""


def import_file(path: Path | str, *, progress: Progress | None = None) -> Report:
    """Import a file in the exchange format; see the module docstring."""
    path = Path(path)
    total = sum(1 for _ in path.open("rb"))
    report = Report()
    with batch_gc(), bulk_write(), path.open("rb") as source:
        importer = Importer(report, progress, total)
        for number, record, problem in _lines(source):
            report.lines = number
            if problem:
                report.errors.append((number, problem))
                importer.tick()
                continue
            importer.add(number, record)
        importer.flush()
    return report


class Importer:
    def __init__(self, report: Report, progress: Progress | None, total: int):
        self.report, self.progress, self.total = report, progress, total
        self.rows = Rows()
        self.ids = Ids(self.rows)
        self.municipality: Municipality | None = None
        self.buffer: list[tuple[int, dict]] = []
        self.buffered: set[str] = set()  # ids of the decisions in the buffer
        self.kind = ""
        self.services = dict(Service.objects.values_list("code", "pk"))
        self.valid_scores: set[tuple[str, int]] = set()  # (IPLOS variable, score) checked
        # Per chunk of decisions (``_owners``, ``_owned``).
        self.line_owner: dict[int, int] = {}
        self.stop_owner: dict[int, int] = {}
        self.line_claims: dict[str, str] = {}
        self.stop_claims: dict[str, str] = {}

    def tick(self, n: int = 1) -> None:
        if self.progress is not None:
            self.progress("Importerer", n, self.total)

    def add(self, number: int, record: dict) -> None:
        kind = record.get("type")
        if self.municipality is None:
            if kind != "header":
                self.report.errors.append((number, "Første linje skal være en header med "
                                                   "format, versjon og kommune."))
                raise_stop(self.report)
            self._header(number, record)
            self.tick()
            return
        if kind not in TYPES:
            self.report.errors.append((number, f"Ukjent type {kind!r}; gyldige typer er "
                                               f"{', '.join(TYPES)}."))
            self.tick()
            return
        replaces = record.get("replaces")
        refers_back = (kind == "decision" and isinstance(replaces, str)
                       and replaces in self.buffered)
        if kind != self.kind or len(self.buffer) >= IMPORT_CHUNK or refers_back:
            # A decision that replaces one still in the buffer: save that one first.
            self.flush()
            self.kind = kind
        self.buffer.append((number, record))
        if kind == "decision" and isinstance(record.get("id"), str):
            self.buffered.add(record["id"])

    def _header(self, number: int, record: dict) -> None:
        if record.get("format") != FORMAT or record.get("version") != VERSION:
            self.report.errors.append((number, f"Ukjent format eller versjon; denne Tildel "
                                               f"leser {FORMAT} versjon {VERSION}."))
            raise_stop(self.report)
        info = record.get("municipality") or {}
        number_text = info.get("number") if isinstance(info, dict) else None
        if not isinstance(number_text, str) or len(number_text) != 4:
            self.report.errors.append((number, "Headeren mangler kommunenummer (fire "
                                               "sifre)."))
            raise_stop(self.report)
        self.municipality, _ = Municipality.objects.get_or_create(
            number=number_text, defaults={"name": str(info.get("name") or number_text)[:100]})

    def flush(self) -> None:
        """Check the buffered chunk record by record, then save the good ones together."""
        if not self.buffer:
            return
        kind, batch = self.kind, self.buffer
        self.buffer, self.buffered = [], set()
        handler = getattr(self, f"_{kind}")
        if kind == "decision":
            self._owners(batch)
        good = []
        for number, record in batch:
            try:
                external = _text(record, "id", required=True, limit=100)
                good.append((number, external, handler(record)))
            except Bad as error:
                self.report.errors.append((number, str(error)))
        self._save_part(kind, good)
        self.tick(len(batch))

    def _save_part(self, kind: str, good: list) -> None:
        """Save ``good`` in one transaction. If the database refuses it (something clashes
        with a row already there, or is too large for a column), it is saved again in
        ``SPLIT`` parts, each on its own, and so on down to the single record, which is
        then reported with its line: the others still come in, and one clash in a chunk
        costs a few dozen transactions, not one per record."""
        try:
            with self._atomic():
                self.report.add(kind, *self._save(kind, good))
        except DatabaseError:
            if len(good) == 1:
                self.report.errors.append((good[0][0], CLASH))
                return
            size = -(-len(good) // SPLIT)
            for start in range(0, len(good), size):
                self._save_part(kind, good[start:start + size])

    @contextmanager
    def _atomic(self):
        """A transaction; the ids it remembered are forgotten if it is rolled back."""
        try:
            with transaction.atomic():
                yield
        except BaseException:
            self.ids.undo()
            raise
        self.ids.keep()

    # Each handler checks one record and returns (model class, field values, children).

    def _district(self, r):
        number = r.get("number")
        if not isinstance(number, int) or isinstance(number, bool) or not 0 <= number <= 32767:
            raise Bad("«number» skal være et heltall fra 0 til 32767.")
        return District, {"municipality_id": self.municipality.pk, "number": number,
                          "name": _text(r, "name", required=True, limit=100)}, {}

    def _office(self, r):
        districts = [self.ids.pk("district", d, "districts") for d in _ids(r, "districts")]
        return AllocationOffice, {"name": _text(r, "name", required=True, limit=100)}, {
            "districts": districts}

    def _unit(self, r):
        districts = [self.ids.pk("district", d, "districts") for d in _ids(r, "districts")]
        org = _text(r, "organisation_number", limit=9)
        if org and not (org.isdigit() and len(org) == 9):
            raise Bad("«organisation_number» skal ha ni sifre.")
        return ProviderUnit, {"municipality_id": self.municipality.pk,
                              "name": _text(r, "name", required=True, limit=120),
                              "kind": _choice(r, "kind", PROVIDER_KINDS),
                              "organisation_number": org}, {"districts": districts}

    def _person(self, r):
        number = _text(r, "id_number", required=True, limit=11)
        try:
            parsed = identity.parse(number)
        except identity.InvalidIdNumber as error:
            raise Bad(f"«id_number» er ikke et gyldig fødselsnummer eller D-nummer: "
                      f"{error}") from None
        return Person, {
            "id_number": parsed.number, "id_type": parsed.id_type.value,
            "birth_date": parsed.birth_date, "legal_sex": parsed.legal_sex.value,
            "synthetic_id": parsed.synthetic, "municipality_id": self.municipality.pk,
            "given_name": _text(r, "given_name", required=True, limit=100),
            "family_name": _text(r, "family_name", required=True, limit=100),
            "district_id": self.ids.pk("district", r.get("district"), "district"),
            "address": _text(r, "address"), "postal_code": _text(r, "postal_code", limit=4),
            "postal_place": _text(r, "postal_place", limit=100),
            "phone": _text(r, "phone", limit=20),
            "date_of_death": _date(r, "date_of_death"),
            "intellectual_disability": _bool(r, "intellectual_disability")}, {}

    def _decision(self, r):
        lines = _objects(r, "lines")
        status = _choice(r, "status", DECISION_STATUSES, "decided")
        values = {"person_id": self.ids.pk("person", r.get("person"), "person"),
                  "allocation_office_id": self.ids.pk("office", r.get("office"), "office"),
                  "status": status,
                  "outcome": _choice(r, "outcome", DECISION_OUTCOMES, "grant"),
                  "decided_on": _date(r, "decided_on", required=True),
                  "valid_from": _date(r, "valid_from"),
                  "legal_basis": _text(r, "legal_basis", limit=300),
                  "reasons": _text(r, "reasons", limit=20000)}
        replaces = r.get("replaces")
        if replaces is not None and not isinstance(replaces, str):
            raise Bad("«replaces» skal være id-en til et vedtak (tekst).")
        values["replaces_id"] = (self.ids.pk("decision", replaces, "replaces")
                                 if replaces else None)
        parsed = [self._line(line, i) for i, line in enumerate(lines, start=1)]
        self._owned(r.get("id"), parsed)
        return Decision, values, {"lines": parsed}

    def _owners(self, batch: list[tuple[int, dict]]) -> None:
        """Before a chunk of decisions is checked: the decision each line id already
        imported belongs to, and the line each stop id, in two queries for the chunk (none
        if the chunk names no known line or stop, as in a first import)."""
        known_lines, known_stops = self.ids.table("line"), self.ids.table("pause")
        lines, stops = [], []
        for _, record in batch:  # not checked yet: anything may be anything
            for line in _listed(record, "lines"):
                if isinstance(line.get("id"), str) and line["id"] in known_lines:
                    lines.append(known_lines[line["id"]])
                for stop in _listed(line, "pauses"):
                    if isinstance(stop.get("id"), str) and stop["id"] in known_stops:
                        stops.append(known_stops[stop["id"]])
        self.line_owner, self.stop_owner = {}, {}
        self.line_claims, self.stop_claims = {}, {}
        for part in _parts(lines):
            self.line_owner.update(ServiceLine.objects.filter(pk__in=part).values_list(
                "pk", "decision_id"))
        for part in _parts(stops):
            self.stop_owner.update(ServicePause.objects.filter(pk__in=part).values_list(
                "pk", "line_id"))

    def _owned(self, decision: object, lines: list[dict]) -> None:
        """A line or stop id already imported, or used earlier in the same chunk, must
        belong to this decision or line: an adapter that numbers lines 1, 2, … within each
        decision would otherwise move them between decisions."""
        known_lines, known_stops = self.ids.table("line"), self.ids.table("pause")
        own = self.ids.table("decision").get(decision) if isinstance(decision, str) else None
        for line in lines:
            pk = known_lines.get(line["external"])
            if self.line_claims.get(line["external"], decision) != decision or (
                    pk in self.line_owner and self.line_owner[pk] != own):
                raise Bad(f"Tjeneste-id {line['external']!r} er allerede brukt i et annet "
                          f"vedtak. Id-ene må være unike i hele filen.")
        for line in lines:
            mine = known_lines.get(line["external"])
            for external, _ in line["pauses"]:
                pk = known_stops.get(external)
                if self.stop_claims.get(external, line["external"]) != line["external"] or (
                        pk in self.stop_owner and self.stop_owner[pk] != mine):
                    raise Bad(f"Stans-id {external!r} er allerede brukt på en annen "
                              f"tjeneste. Id-ene må være unike i hele filen.")
        for line in lines:
            self.line_claims[line["external"]] = decision
            for external, _ in line["pauses"]:
                self.stop_claims[external] = line["external"]

    def _line(self, r, index: int) -> dict:
        if not isinstance(r, dict):
            raise Bad(f"Tjeneste {index} i «lines» er ikke et objekt.")
        try:
            code = _text(r, "service", required=True, limit=40)
            if code not in self.services:
                raise Bad(f"tjenesten {code!r} finnes ikke i tjenestekatalogen.")
            extent = r.get("extent")
            if extent is not None and not isinstance(extent, (str, int, float)) or \
                    isinstance(extent, bool):
                raise Bad("«extent» er ikke et tall.")
            try:
                extent = Decimal(str(extent)) if extent is not None else None
            except InvalidOperation:
                raise Bad("«extent» er ikke et tall.") from None
            if extent is not None and not extent.is_finite():
                raise Bad("«extent» er ikke et tall.")
            if extent is not None and (extent < 0 or extent > 99999):
                raise Bad("«extent» må være mellom 0 og 99 999.")
            start, end = _date(r, "start"), _date(r, "end")
            if start and end and end < start:
                raise Bad("«end» er før «start».")
            pauses = []
            for p in _objects(r, "pauses"):
                p_start, p_end = _date(p, "start", required=True), _date(p, "end")
                if p_end and p_end < p_start:
                    raise Bad("en stans slutter før den starter.")
                pauses.append((_text(p, "id", required=True, limit=100), {
                    "reason": _choice(p, "reason", PAUSE_REASONS),
                    "start": p_start, "end": p_end}))
            unit = r.get("unit")
            return {"external": _text(r, "id", required=True, limit=100), "service": code,
                    "granted": _bool(r, "granted", True),
                    "provider_unit_id": self.ids.pk("unit", unit, "unit") if unit else None,
                    "extent": extent,
                    "extent_unit": _choice(r, "extent_unit", EXTENT_UNITS, "none"),
                    "start": start, "end": end, "end_reason": _text(r, "end_reason"),
                    "goal": _text(r, "goal", limit=5000), "pauses": pauses}
        except Bad as error:
            raise Bad(f"Tjeneste {index}: {error}") from None

    def _pathway(self, r):
        code = r.get("code")
        if isinstance(code, bool) or code not in PATHWAY_CODES:
            raise Bad("«code» skal være 0, 1, 2 eller 3 (forløp).")
        real_end = _date(r, "real_end")
        return Pathway, {
            "person_id": self.ids.pk("person", r.get("person"), "person"),
            "provider_unit_id": self.ids.pk("unit", r.get("unit"), "unit"),
            "code": code, "start": _date(r, "start", required=True),
            "deadline": _date(r, "deadline"), "real_end": real_end,
            "status": Pathway.Status.CLOSED.value if real_end else Pathway.Status.OPEN.value,
            "outcome": _choice(r, "outcome", PATHWAY_OUTCOMES, ""),
            "goal": _text(r, "goal", limit=5000)}, {
            "office": self.ids.pk("office", r.get("office"), "office")}

    def _assessment(self, r):
        scores = r.get("scores") or {}
        if not isinstance(scores, dict):
            raise Bad("«scores» skal være et objekt med variabel og skår.")
        for variable, score in scores.items():
            if type(score) is int and (variable, score) in self.valid_scores:
                continue  # the same variable and score was checked before
            if iplos.by_code(variable) is None:
                raise Bad(f"{variable!r} er ikke en IPLOS-variabel.")
            if not isinstance(score, int) or not iplos.valid_score(variable, score):
                raise Bad(f"Skåren for {variable} er ugyldig: {score!r}.")
            self.valid_scores.add((variable, score))
        return Assessment, {"held_on": _date(r, "held_on", required=True),
                            "joint_home_visit": _bool(r, "joint_home_visit"),
                            "sufficiently_informed": True}, {
            "person": self.ids.pk("person", r.get("person"), "person"),
            "office": self.ids.pk("office", r.get("office"), "office"), "scores": scores}

    def _visit(self, r):
        start, end = _moment(r, "start"), _moment(r, "end")
        if end <= start:
            raise Bad("«end» er ikke etter «start».")
        return Visit, {"person_id": self.ids.pk("person", r.get("person"), "person"),
                       "provider_unit_id": self.ids.pk("unit", r.get("unit"), "unit"),
                       "start": start, "end": end,
                       "staff_role": _choice(r, "staff_role", STAFF_ROLES),
                       "source": Visit.Source.IMPORT.value}, {}

    # Saving: new rows in bulk, known ones updated; children after their parents.

    def _save(self, kind: str, good: list) -> tuple[int, int]:
        """Save a chunk of checked records; (created, updated)."""
        if not good:
            return 0, 0
        model = good[0][2][0]
        self._take_over(kind, good)
        known = self.ids.table(kind)
        new = [(external, values, children)
               for _, external, (_, values, children) in good if external not in known]
        old = [(known[external], values, children)
               for _, external, (_, values, children) in good if external in known]
        rows = [values for _, values, _ in new]
        if kind in ("pathway", "assessment"):  # each has the case it was registered on
            cases = self.rows.insert(Case, [self._case(kind, values, children)
                                            for _, values, children in new])
            self._case_history(cases)
            rows = [{**values, "case_id": case} for values, case in zip(rows, cases, strict=True)]
        pks = self._store(kind, model, [(e, r) for (e, _, _), r in zip(new, rows, strict=True)],
                          [(pk, values) for pk, values, _ in old])
        saved = list(zip(pks, [c for _, _, c in new], strict=True)) + [
            (pk, children) for pk, _, children in old]
        if kind == "decision":
            self._decision_lines(saved)
        elif kind == "assessment":
            self._assessment_scores(saved, {pk for pk, _, _ in old})
        elif kind in ("office", "unit"):
            for pk, children in saved:
                # Added, not replaced: an office or unit may cover districts the file does
                # not name (set up in Tildel, or from another municipality's file).
                model(pk=pk).districts.add(*children["districts"])
        return len(new), len(old)

    def _store(self, kind: str, model: type[models.Model], new: list[tuple[str, dict]],
               changed: list[tuple[int, dict]]) -> list[int]:
        """Insert the new rows (external id, values) and remember their ids; update the
        known ones (id, values). Returns the new ids."""
        pks = self.rows.insert(model, [values for _, values in new])
        self.ids.remember(kind, list(zip([e for e, _ in new], pks, strict=True)))
        self.rows.update(model, changed)
        return pks

    def _take_over(self, kind: str, good: list) -> None:
        """A row that is already there without an external id (an organisation set up by
        hand, a person registered before the import) is taken over, not duplicated: found
        by its natural key (``NATURAL_KEYS``), one query for the chunk. A row is taken over
        by one external id only."""
        known = self.ids.table(kind)
        fresh = [(external, values) for _, external, (_, values, _) in good
                 if external not in known]
        if kind not in NATURAL_KEYS or not fresh:
            return
        key = NATURAL_KEYS[kind]
        if kind == "district":
            there = District.objects.filter(municipality=self.municipality)
        elif kind == "office":
            there = AllocationOffice.objects.exclude(districts__in=District.objects.exclude(
                municipality=self.municipality))
        elif kind == "unit":
            there = ProviderUnit.objects.filter(municipality=self.municipality)
        else:
            there = Person.objects.all()
        found: dict = {}
        for part in _parts(list({values[key] for _, values in fresh})):
            found.update(there.filter(**{f"{key}__in": part}).values_list(key, "pk"))
        adopted, claimed = [], set()
        for external, values in fresh:
            pk = found.get(values[key])
            if pk is not None and pk not in claimed and not self.ids.is_taken(kind, pk):
                adopted.append((external, pk))
                claimed.add(pk)
        if adopted:
            self.ids.remember(kind, adopted)

    def _case(self, kind: str, values: dict, children: dict) -> dict:
        """The closed case an imported pathway or assessment is registered on."""
        return {"allocation_office_id": children["office"], "kind": Case.Kind.ENQUIRY.value,
                "person_id": values.get("person_id") or children.get("person"),
                "subject": "Importert forløp" if kind == "pathway"
                else "Importert kartlegging",
                "status": Case.Status.CLOSED.value,
                "closed_reason": "Importert fra tidligere fagsystem"}

    def _case_history(self, pks: list[int]) -> None:
        """Each new case's "created" entry in its history, as ``Case.objects.create``
        writes it (django-simple-history): copied from the rows, one statement per
        chunk."""
        if not pks:
            return
        qn = connection.ops.quote_name
        columns = ", ".join(qn(f.column) for f in Case._meta.concrete_fields)
        when = connection.ops.adapt_datetimefield_value(timezone.now())
        copy = (f"INSERT INTO {qn(Case.history.model._meta.db_table)} ({columns}, "  # noqa: S608
                f"history_date, history_type) SELECT {columns}, %s, %s FROM "
                f"{qn(Case._meta.db_table)} WHERE {qn(Case._meta.pk.column)} ")
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":  # one array, not thousands of parameters
                cursor.execute(copy + "= ANY(%s)", [when, "+", pks])
                return
            for part in _parts(pks):
                cursor.execute(copy + f"IN ({', '.join(['%s'] * len(part))})",
                               [when, "+", *part])

    def _version(self, code: str, day: dt.date | None) -> int:
        """The catalogue version of ``code`` in force on ``day`` (or its first), from one
        read of the catalogue."""
        if not hasattr(self, "_versions"):
            self._versions: dict[str, list] = {}
            for service, pk, start, end in ServiceVersion.objects.order_by(
                    "valid_from").values_list("service__code", "pk", "valid_from",
                                              "valid_to"):
                self._versions.setdefault(service, []).append((start, end, pk))
        versions = self._versions[code]
        day = day or timezone.localdate()
        for start, end, pk in versions:
            if start <= day and (end is None or end >= day):
                return pk
        return versions[0][2]

    def _decision_lines(self, saved: list[tuple[int, dict]]) -> None:
        """The lines and stops of a chunk of decisions: new ones in bulk, known ones
        updated."""
        known = self.ids.table("line")
        new, changed = [], []
        for decision_id, children in saved:
            for line in children["lines"]:
                values = {k: v for k, v in line.items()
                          if k not in ("external", "service", "pauses")}
                values["service_version_id"] = self._version(line["service"], line["start"])
                if line["external"] in known:
                    changed.append((known[line["external"]], values))
                else:
                    new.append((line["external"], {**values, "decision_id": decision_id}))
        self._store("line", ServiceLine, new, changed)
        stops = self.ids.table("pause")
        new, changed = [], []
        for _, children in saved:
            for line in children["lines"]:
                for external, pause in line["pauses"]:
                    if external in stops:
                        changed.append((stops[external], pause))
                    else:
                        new.append((external, {**pause, "line_id": known[line["external"]]}))
        self._store("pause", ServicePause, new, changed)

    def _assessment_scores(self, saved: list[tuple[int, dict]], known: set[int]) -> None:
        """Each assessment's scores as the file gives them: a new assessment gets them all;
        a known one whose scores changed has them replaced, one with the same scores is
        left alone. One read, one delete and one insert for the chunk."""
        before: dict[int, dict[str, int]] = {}
        for part in _parts(sorted(known)):
            for assessment, variable, score in FunctionalScore.objects.filter(
                    assessment_id__in=part).values_list("assessment_id", "variable", "score"):
                before.setdefault(assessment, {})[variable] = score
        write = [(pk, children["scores"]) for pk, children in saved
                 if pk not in known or before.get(pk, {}) != children["scores"]]
        replaced = [pk for pk, _ in write if pk in known]
        for part in _parts(replaced):
            FunctionalScore.objects.filter(assessment_id__in=part).delete()
        self.rows.insert(FunctionalScore, [
            (pk, variable, score) for pk, scores in write
            for variable, score in sorted(scores.items())],
            returning=False, fields=("assessment_id", "variable", "score"))


def raise_stop(report: Report):
    raise StopImport(report)


class StopImport(Exception):
    """The file cannot be read at all (a bad header); the report says why."""

    def __init__(self, report: Report):
        super().__init__(report.errors[-1][1] if report.errors else "")
        self.report = report


# -- export ----------------------------------------------------------------------------------

class Names:
    """Row id → the id written in the file: the external id it came with, or a prefix and
    the row id."""

    def __init__(self):
        self.cache: dict[str, dict[int, str]] = {}

    def __call__(self, kind: str, pk: int | None) -> str | None:
        if pk is None:
            return None
        if kind not in self.cache:
            self.cache[kind] = {obj: ext for ext, obj in ExternalId.objects.filter(
                kind=kind).values_list("external_id", "object_id")}
        return self.cache[kind].get(pk) or f"{PREFIX[kind]}{pk}"


def _dump(record: dict) -> str:
    return json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def export_file(municipality: Municipality, out: IO[str], *,
                progress: Progress | None = None) -> dict[str, int]:
    """Write the municipality's data in the exchange format; returns the count per type.

    Records are written in row order within each type, which is the file's order for data
    that came from an import, so a round trip gives the same file.
    """
    name = Names()
    counts: dict[str, int] = {}
    out.write(_dump({"type": "header", "format": FORMAT, "version": VERSION,
                     "municipality": {"number": municipality.number,
                                      "name": municipality.name}}) + "\n")
    for kind, records in _records(municipality, name):
        for record in records:
            out.write(_dump(record) + "\n")
            counts[kind] = counts.get(kind, 0) + 1
            if progress is not None and counts[kind] % CHUNK == 0:
                progress("Eksporterer", CHUNK, None)
    return counts


def _records(municipality: Municipality, name: Names):
    districts = District.objects.filter(municipality=municipality).order_by("pk")
    yield "district", ({"type": "district", "id": name("district", d.pk), "number": d.number,
                        "name": d.name} for d in districts)
    # Offices covering the districts, and any office that made a decision or holds a case
    # exported here (an office may since have stopped covering a district).
    offices = AllocationOffice.objects.filter(
        Q(districts__municipality=municipality)
        | Q(pk__in=Decision.objects.filter(person__municipality=municipality).values(
            "allocation_office_id"))
        | Q(pk__in=Case.objects.filter(person__municipality=municipality).values(
            "allocation_office_id"))).distinct().order_by("pk").prefetch_related("districts")
    yield "office", ({"type": "office", "id": name("office", o.pk), "name": o.name,
                      "districts": [name("district", d.pk) for d in
                                    sorted(o.districts.all(), key=lambda d: d.pk)]}
                     for o in offices)
    units = ProviderUnit.objects.filter(municipality=municipality).order_by(
        "pk").prefetch_related("districts")
    yield "unit", ({"type": "unit", "id": name("unit", u.pk), "name": u.name, "kind": u.kind,
                    "organisation_number": u.organisation_number,
                    "districts": [name("district", d.pk) for d in
                                  sorted(u.districts.all(), key=lambda d: d.pk)]}
                   for u in units)
    persons = Person.objects.filter(municipality=municipality).order_by("pk")
    yield "person", ({"type": "person", "id": name("person", p.pk), "id_number": p.id_number,
                      "given_name": p.given_name, "family_name": p.family_name,
                      "district": name("district", p.district_id), "address": p.address,
                      "postal_code": p.postal_code, "postal_place": p.postal_place,
                      "phone": p.phone, "date_of_death": _iso(p.date_of_death),
                      "intellectual_disability": p.intellectual_disability}
                     for p in persons.iterator(chunk_size=CHUNK))
    yield "decision", _decisions(municipality, name)
    pathways = Pathway.objects.filter(person__municipality=municipality).select_related(
        "case").order_by("pk")
    yield "pathway", ({"type": "pathway", "id": name("pathway", p.pk),
                       "person": name("person", p.person_id),
                       "office": name("office", p.case.allocation_office_id),
                       "unit": name("unit", p.provider_unit_id), "code": p.code,
                       "start": _iso(p.start), "deadline": _iso(p.deadline),
                       "real_end": _iso(p.real_end), "outcome": p.outcome, "goal": p.goal}
                      for p in pathways.iterator(chunk_size=CHUNK))
    yield "assessment", _assessments(municipality, name)
    visits = Visit.objects.filter(person__municipality=municipality).order_by("pk")
    yield "visit", ({"type": "visit", "id": name("visit", v.pk),
                     "person": name("person", v.person_id),
                     "unit": name("unit", v.provider_unit_id),
                     "start": timezone.localtime(v.start).isoformat(),
                     "end": timezone.localtime(v.end).isoformat(),
                     "staff_role": v.staff_role} for v in visits.iterator(chunk_size=CHUNK))


def _decisions(municipality: Municipality, name: Names):
    decisions = Decision.objects.filter(
        person__municipality=municipality,
        status__in=(Decision.Status.DECIDED, Decision.Status.ANNULLED)).order_by("pk")
    for start in range(0, decisions.count(), CHUNK):
        chunk = list(decisions[start:start + CHUNK])
        lines: dict[int, list] = {}
        for line in ServiceLine.objects.filter(decision__in=chunk).select_related(
                "service_version__service").prefetch_related("pauses").order_by("pk"):
            lines.setdefault(line.decision_id, []).append(line)
        for d in chunk:
            yield {"type": "decision", "id": name("decision", d.pk),
                   "person": name("person", d.person_id),
                   "office": name("office", d.allocation_office_id), "status": d.status,
                   "outcome": d.outcome, "decided_on": _iso(d.decided_on),
                   "valid_from": _iso(d.valid_from), "legal_basis": d.legal_basis,
                   "reasons": d.reasons, "replaces": name("decision", d.replaces_id),
                   "lines": [{
                       "id": name("line", line.pk),
                       "service": line.service_version.service.code,
                       "granted": line.granted, "unit": name("unit", line.provider_unit_id),
                       "extent": str(line.extent) if line.extent is not None else None,
                       "extent_unit": line.extent_unit, "start": _iso(line.start),
                       "end": _iso(line.end), "end_reason": line.end_reason,
                       "goal": line.goal,
                       "pauses": [{"id": name("pause", p.pk), "reason": p.reason,
                                   "start": _iso(p.start), "end": _iso(p.end)}
                                  for p in sorted(line.pauses.all(), key=lambda p: p.pk)]}
                       for line in lines.get(d.pk, [])]}


def _assessments(municipality: Municipality, name: Names):
    assessments = Assessment.objects.filter(
        case__person__municipality=municipality, held_on__isnull=False).select_related(
        "case").prefetch_related("scores").order_by("pk")
    for a in assessments.iterator(chunk_size=CHUNK):
        yield {"type": "assessment", "id": name("assessment", a.pk),
               "person": name("person", a.case.person_id),
               "office": name("office", a.case.allocation_office_id),
               "held_on": _iso(a.held_on), "joint_home_visit": a.joint_home_visit,
               "scores": {s.variable: s.score for s in a.scores.all()}}
