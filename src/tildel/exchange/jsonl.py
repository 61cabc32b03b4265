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
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO

from django.db import DatabaseError, transaction
from django.db.models import Q
from django.utils import timezone

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
CHUNK = 1000
FIRST_YEAR, LAST_YEAR = 1900, 2100
Progress = Callable[[str, int, int | None], None]


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
    if timezone.is_naive(moment):
        raise Bad(f"«{name}» mangler tidssone (f.eks. +01:00).")
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:
        raise Bad(f"«{name}» ligger utenfor årene {FIRST_YEAR}–{LAST_YEAR}.")
    return moment


def _choice(record: dict, name: str, choices, default: str | None = None) -> str:
    value = record.get(name, default)
    allowed = [c for c, _ in choices]
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


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


# -- ids -------------------------------------------------------------------------------------

class Ids:
    """External id ↔ row id, per kind, loaded once and kept up to date while importing."""

    def __init__(self):
        self.to_pk: dict[str, dict[str, int]] = {}

    def table(self, kind: str) -> dict[str, int]:
        if kind not in self.to_pk:
            self.to_pk[kind] = dict(ExternalId.objects.filter(kind=kind).values_list(
                "external_id", "object_id"))
        return self.to_pk[kind]

    def pk(self, kind: str, external: object, what: str) -> int:
        if not isinstance(external, str) or not external:
            raise Bad(f"«{what}» mangler eller er ikke tekst.")
        found = self.table(kind).get(external)
        if found is None:
            raise Bad(f"«{what}» viser til {external!r}, som ikke finnes (i filen før denne "
                      f"linjen eller fra en tidligere import).")
        return found

    def remember(self, kind: str, pairs: list[tuple[str, int]]) -> None:
        ExternalId.objects.bulk_create([ExternalId(kind=kind, external_id=e, object_id=pk)
                                        for e, pk in pairs])
        self.table(kind).update(pairs)


# -- import ----------------------------------------------------------------------------------

def _lines(source) -> Iterator[tuple[int, dict | None, str]]:
    """(line number, record or None, problem) per non-empty line of a binary file."""
    for number, raw in enumerate(source, start=1):
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
    with path.open("rb") as source:
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
        self.ids = Ids()
        self.municipality: Municipality | None = None
        self.buffer: list[tuple[int, dict]] = []
        self.kind = ""
        self.services = dict(Service.objects.values_list("code", "pk"))

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
                       and replaces not in self.ids.table("decision"))
        if kind != self.kind or len(self.buffer) >= CHUNK or refers_back:
            # A decision that replaces one still in the buffer: save that one first.
            self.flush()
            self.kind = kind
        self.buffer.append((number, record))

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
        if not self.buffer:
            return
        kind, batch = self.kind, self.buffer
        self.buffer = []
        handler = getattr(self, f"_{kind}")
        good = []
        for number, record in batch:
            try:
                external = _text(record, "id", required=True, limit=100)
                good.append((number, external, handler(record)))
            except Bad as error:
                self.report.errors.append((number, str(error)))
        try:
            with transaction.atomic():
                self._count(kind, self._save(kind, good))
        except DatabaseError:
            # Something in the chunk clashes with a row already there (or is too large for
            # a column): save one by one, so the others still come in and the clash is
            # reported with its line.
            self.ids.to_pk.clear()
            for one in good:
                try:
                    with transaction.atomic():
                        self._count(kind, self._save(kind, [one]))
                except DatabaseError:
                    self.ids.to_pk.clear()
                    self.report.errors.append((one[0], "Posten finnes allerede i en annen "
                                                       "form (samme person og dato, eller "
                                                       "samme nøkkel) eller har en verdi "
                                                       "databasen ikke tar; den er ikke "
                                                       "importert."))
        self.tick(len(batch))

    def _count(self, kind: str, made: tuple[int, int]) -> None:
        self.report.add(kind, *made)

    # Each handler checks one record and returns (model class, field values, children).

    def _district(self, r):
        number = r.get("number")
        if not isinstance(number, int) or isinstance(number, bool) or not 0 <= number <= 32767:
            raise Bad("«number» skal være et heltall fra 0 til 32767.")
        return District, {"municipality": self.municipality, "number": number,
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
        return ProviderUnit, {"municipality": self.municipality,
                              "name": _text(r, "name", required=True, limit=120),
                              "kind": _choice(r, "kind", ProviderKind.choices),
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
            "synthetic_id": parsed.synthetic, "municipality": self.municipality,
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
        status = _choice(r, "status", [(Decision.Status.DECIDED, ""),
                                       (Decision.Status.ANNULLED, "")], "decided")
        values = {"person_id": self.ids.pk("person", r.get("person"), "person"),
                  "allocation_office_id": self.ids.pk("office", r.get("office"), "office"),
                  "status": status,
                  "outcome": _choice(r, "outcome", Decision.Outcome.choices, "grant"),
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

    def _owned(self, decision: object, lines: list[dict]) -> None:
        """A line or stop id already imported must belong to this decision or line: an
        adapter that numbers lines 1, 2, … within each decision would otherwise move them
        between decisions."""
        known_lines = self.ids.table("line")
        own = self.ids.table("decision").get(decision) if isinstance(decision, str) else None
        line_pks = {known_lines[line["external"]]: line["external"] for line in lines
                    if line["external"] in known_lines}
        for pk, parent in ServiceLine.objects.filter(pk__in=line_pks).values_list(
                "pk", "decision_id"):
            if parent != own:
                raise Bad(f"Tjeneste-id {line_pks[pk]!r} er allerede brukt i et annet vedtak. "
                          f"Id-ene må være unike i hele filen.")
        known_pauses = self.ids.table("pause")
        for line in lines:
            stops = {known_pauses[e]: e for e, _ in line["pauses"] if e in known_pauses}
            mine = known_lines.get(line["external"])
            for pk, parent in ServicePause.objects.filter(pk__in=stops).values_list(
                    "pk", "line_id"):
                if parent != mine:
                    raise Bad(f"Stans-id {stops[pk]!r} er allerede brukt på en annen "
                              f"tjeneste. Id-ene må være unike i hele filen.")

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
                    "reason": _choice(p, "reason", ServicePause.Reason.choices),
                    "start": p_start, "end": p_end}))
            unit = r.get("unit")
            return {"external": _text(r, "id", required=True, limit=100), "service": code,
                    "granted": _bool(r, "granted", True),
                    "provider_unit_id": self.ids.pk("unit", unit, "unit") if unit else None,
                    "extent": extent,
                    "extent_unit": _choice(r, "extent_unit", ExtentUnit.choices, "none"),
                    "start": start, "end": end, "end_reason": _text(r, "end_reason"),
                    "goal": _text(r, "goal", limit=5000), "pauses": pauses}
        except Bad as error:
            raise Bad(f"Tjeneste {index}: {error}") from None

    def _pathway(self, r):
        code = r.get("code")
        if isinstance(code, bool) or code not in Pathway.Code.values:
            raise Bad("«code» skal være 0, 1, 2 eller 3 (forløp).")
        real_end = _date(r, "real_end")
        return Pathway, {
            "person_id": self.ids.pk("person", r.get("person"), "person"),
            "provider_unit_id": self.ids.pk("unit", r.get("unit"), "unit"),
            "code": code, "start": _date(r, "start", required=True),
            "deadline": _date(r, "deadline"), "real_end": real_end,
            "status": Pathway.Status.CLOSED if real_end else Pathway.Status.OPEN,
            "outcome": _choice(r, "outcome", [("", "")] + list(Pathway.Outcome.choices), ""),
            "goal": _text(r, "goal", limit=5000)}, {
            "office": self.ids.pk("office", r.get("office"), "office")}

    def _assessment(self, r):
        scores = r.get("scores") or {}
        if not isinstance(scores, dict):
            raise Bad("«scores» skal være et objekt med variabel og skår.")
        for variable, score in scores.items():
            if iplos.by_code(variable) is None:
                raise Bad(f"{variable!r} er ikke en IPLOS-variabel.")
            if not isinstance(score, int) or not iplos.valid_score(variable, score):
                raise Bad(f"Skåren for {variable} er ugyldig: {score!r}.")
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
                       "staff_role": _choice(r, "staff_role", StaffRole.choices),
                       "source": Visit.Source.IMPORT}, {}

    # Saving: new rows in bulk, known ones updated; children after their parents.

    def _natural(self, kind: str, values: dict) -> int | None:
        """A row that is already there without an external id (an organisation set up by
        hand, a person registered before the import): it is taken over, not duplicated."""
        lookup = {"district": lambda v: District.objects.filter(
                      municipality=v["municipality"], number=v["number"]),
                  "office": lambda v: AllocationOffice.objects.filter(name=v["name"]).exclude(
                      districts__in=District.objects.exclude(
                          municipality=self.municipality)),
                  "unit": lambda v: ProviderUnit.objects.filter(
                      municipality=v["municipality"], name=v["name"]),
                  "person": lambda v: Person.objects.filter(id_number=v["id_number"])}
        if kind not in lookup:
            return None
        return lookup[kind](values).values_list("pk", flat=True).first()

    def _save(self, kind: str, good: list) -> tuple[int, int]:
        """Save checked records; (created, updated)."""
        if not good:
            return 0, 0
        known = self.ids.table(kind)
        adopted = []
        for _, external, (_, values, _) in good:
            if external not in known:
                pk = self._natural(kind, values)
                if pk is not None and pk not in known.values():
                    adopted.append((external, pk))
        if adopted:
            self.ids.remember(kind, adopted)
        model = good[0][2][0]
        new = [(number, external, model(**values), children)
               for number, external, (_, values, children) in good if external not in known]
        old = [(number, external, values, children)
               for number, external, (_, values, children) in good if external in known]
        if kind in ("pathway", "assessment"):
            for _, _, obj, children in new:  # each has the case it was registered on
                obj.case = Case.objects.create(
                    allocation_office_id=children["office"], kind=Case.Kind.ENQUIRY,
                    person_id=getattr(obj, "person_id", None) or children.get("person"),
                    subject="Importert forløp" if kind == "pathway"
                    else "Importert kartlegging", status=Case.Status.CLOSED,
                    closed_reason="Importert fra tidligere fagsystem")
        model.objects.bulk_create([obj for _, _, obj, _ in new], batch_size=CHUNK)
        self.ids.remember(kind, [(external, obj.pk) for _, external, obj, _ in new])
        for _, external, values, _ in old:
            model.objects.filter(pk=known[external]).update(**values)
        saved = [(obj.pk, children) for _, _, obj, children in new] + [
            (known[external], children) for _, external, _, children in old]
        if kind == "decision":
            self._decision_lines(saved)
        else:
            for pk, children in saved:
                self._children(kind, pk, children)
        return len(new), len(old)

    def _children(self, kind: str, pk: int, children: dict) -> None:
        if kind in ("office", "unit"):
            model = AllocationOffice if kind == "office" else ProviderUnit
            # Added, not replaced: an office or unit may cover districts the file does not
            # name (set up in Tildel, or from another municipality's file).
            model.objects.get(pk=pk).districts.add(*children["districts"])
        elif kind == "assessment":
            self._assessment_scores(pk, children)

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
        new_lines, new_pauses = [], []
        for decision_id, children in saved:
            for line in children["lines"]:
                values = {k: v for k, v in line.items()
                          if k not in ("external", "service", "pauses")}
                values["service_version_id"] = self._version(line["service"], line["start"])
                if line["external"] in known:
                    ServiceLine.objects.filter(pk=known[line["external"]]).update(**values)
                else:
                    new_lines.append((line, ServiceLine(decision_id=decision_id, **values)))
        ServiceLine.objects.bulk_create([obj for _, obj in new_lines], batch_size=CHUNK)
        self.ids.remember("line", [(line["external"], obj.pk) for line, obj in new_lines])
        pauses = self.ids.table("pause")
        for _, children in saved:
            for line in children["lines"]:
                for external, pause in line["pauses"]:
                    if external in pauses:
                        ServicePause.objects.filter(pk=pauses[external]).update(**pause)
                    else:
                        new_pauses.append((external, ServicePause(
                            line_id=known[line["external"]], **pause)))
        ServicePause.objects.bulk_create([obj for _, obj in new_pauses], batch_size=CHUNK)
        self.ids.remember("pause", [(external, obj.pk) for external, obj in new_pauses])

    def _assessment_scores(self, pk: int, children: dict) -> None:
        FunctionalScore.objects.filter(assessment_id=pk).delete()
        FunctionalScore.objects.bulk_create([
            FunctionalScore(assessment_id=pk, variable=v, score=s)
            for v, s in sorted(children["scores"].items())])


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
