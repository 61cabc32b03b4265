"""Tildel's exchange format (JSON Lines, version 1; docs/exchange.md § Import): export →
import into an empty database → export gives the same file; every bad record is reported
with its line and reason and nothing good is dropped; a rerun does not duplicate."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from tildel.casework.models import Case, Decision, ServiceLine, ServicePause
from tildel.casework.models.assessment import Assessment, FunctionalScore
from tildel.delivery.models import Visit
from tildel.demo.generator import reset_database
from tildel.exchange import jsonl
from tildel.organisation.models import Municipality
from tildel.pathways.models import Pathway
from tildel.people.models import Person

TODAY = dt.date.today()


@pytest.fixture
def history(world):
    """One of everything the format carries."""
    w = world
    w.east_unit.organisation_number = "974256959"
    w.east_unit.save()
    w.east_unit.districts.add(w.east)
    kari = w.person()
    ola = w.person(w.west, given="Ola")
    first = w.grant(kari, w.east_unit, start=TODAY - dt.timedelta(days=200),
                    end=TODAY - dt.timedelta(days=100))
    ServicePause.objects.create(line=first, reason=ServicePause.Reason.HOSPITAL,
                                start=TODAY - dt.timedelta(days=150),
                                end=TODAY - dt.timedelta(days=140))
    second = w.grant(kari, w.east_unit, hours=Decimal("12.50"),
                     start=TODAY - dt.timedelta(days=99))
    Decision.objects.filter(pk=second.decision_id).update(replaces=first.decision_id)
    annulled = w.grant(ola, w.west_unit, code="praktisk-bistand")
    Decision.objects.filter(pk=annulled.decision_id).update(status=Decision.Status.ANNULLED)
    case = Case.objects.create(allocation_office=w.east_office, person=kari, subject="Søknad")
    Pathway.objects.create(case=case, person=kari, provider_unit=w.east_unit, code=2,
                           start=TODAY - dt.timedelta(days=30),
                           deadline=TODAY - dt.timedelta(days=16), goal="Gå til butikken")
    # Forløp 0 and 3 too (a city export lost 920 of them before they were allowed).
    for code in (0, 3):
        Pathway.objects.create(case=case, person=ola, provider_unit=w.west_unit, code=code,
                               start=TODAY - dt.timedelta(days=200 + code),
                               real_end=TODAY - dt.timedelta(days=190 + code),
                               status=Pathway.Status.CLOSED,
                               outcome=Pathway.Outcome.NO_FURTHER_SERVICES)
    assessment = Assessment.objects.create(case=case, held_on=TODAY - dt.timedelta(days=40),
                                           joint_home_visit=True)
    FunctionalScore.objects.create(assessment=assessment, variable="bevege_seg_innendors",
                                   score=3)
    start = timezone.localtime().replace(hour=8, minute=0, second=0, microsecond=0)
    Visit.objects.create(person=kari, provider_unit=w.east_unit, start=start,
                         end=start + dt.timedelta(minutes=35), staff_role="SPL")
    return w


def export_text() -> str:
    out = io.StringIO()
    jsonl.export_file(Municipality.objects.get(), out)
    return out.getvalue()


def test_export_import_export_gives_the_same_file(history, tmp_path):
    first = export_text()
    kinds = [json.loads(line)["type"] for line in first.splitlines()]
    for kind in jsonl.TYPES:
        assert kind in kinds, kind
    path = tmp_path / "historikk.jsonl"
    path.write_text(first, encoding="utf-8")
    reset_database()
    assert not Person.objects.exists()
    report = jsonl.import_file(path)
    assert report.errors == []
    assert report.created["person"] == 2 and report.created["decision"] == 3
    assert export_text() == first
    # Rerun: everything updated, nothing added.
    again = jsonl.import_file(path)
    assert again.errors == [] and again.created == {}
    assert again.updated["decision"] == 3
    assert Person.objects.count() == 2 and ServiceLine.objects.count() == 3
    assert ServicePause.objects.count() == 1 and Visit.objects.count() == 1
    assert export_text() == first


def test_bad_records_are_reported_with_line_and_reason_and_good_ones_kept(history, tmp_path):
    good = export_text().splitlines()
    header, district = good[0], good[1]
    person = json.loads(next(line for line in good if '"type":"person"' in line))
    bad_person = {**person, "id": "P-feil", "id_number": "12345678901"}
    orphan = {"type": "decision", "id": "V-feil", "person": "P-ukjent", "office": "K1",
              "decided_on": "2025-01-01", "lines": []}
    bad_date = {"type": "decision", "id": "V-dato", "person": person["id"],
                "office": json.loads(good[next(i for i, line in enumerate(good)
                                               if '"type":"office"' in line)])["id"],
                "decided_on": "1. mai", "lines": []}
    bad_service = {**bad_date, "id": "V-tjeneste", "decided_on": "2025-01-01",
                   "lines": [{"id": "L-x", "service": "finnes-ikke"}]}
    lines = [header, district, "{ikke json", json.dumps(bad_person), *good[2:],
             json.dumps(orphan), json.dumps(bad_date), json.dumps(bad_service),
             json.dumps({"type": "romskip", "id": "x"})]
    reset_database()
    path = tmp_path / "med-feil.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = jsonl.import_file(path)
    messages = dict(report.errors)
    assert "ikke gyldig JSON" in messages[3]
    assert "gyldig fødselsnummer" in messages[4]
    n = len(lines)
    assert "'P-ukjent', som ikke finnes" in messages[n - 3]
    assert "ikke en dato" in messages[n - 2]
    assert "finnes ikke i tjenestekatalogen" in messages[n - 1]
    assert "Ukjent type 'romskip'" in messages[n]
    assert len(report.errors) == 6
    assert Person.objects.count() == 2 and Decision.objects.count() == 3  # all good ones


def test_a_file_with_a_wrong_header_imports_nothing(world, tmp_path, capsys):
    path = tmp_path / "feil.jsonl"
    path.write_text('{"type":"header","format":"gerica","version":7}\n', encoding="utf-8")
    with pytest.raises(CommandError, match="Linje 1: Ukjent format eller versjon"):
        call_command("import", str(path))
    assert Person.objects.count() == 0


def test_commands_export_and_import_with_errors(history, tmp_path, capsys):
    out = tmp_path / "ut.jsonl"
    call_command("export", "--out", str(out))
    assert "person 2" in capsys.readouterr().out
    broken = tmp_path / "inn.jsonl"
    broken.write_text(out.read_text(encoding="utf-8") + "[1, 2]\n", encoding="utf-8")
    reset_database()
    with pytest.raises(CommandError, match="1 poster ble ikke importert"):
        call_command("import", str(broken))
    printed = capsys.readouterr().out
    assert "ikke et JSON-objekt" in printed and "Nye: district 2" in printed


def test_a_clash_with_a_row_already_there_is_reported_not_a_crash(history, tmp_path):
    """The organisation and persons already there are taken over (same district number,
    office name, unit name, fødselsnummer); a pathway that clashes with an open one is
    reported with its line."""
    path = tmp_path / "samme.jsonl"
    path.write_text(export_text(), encoding="utf-8")
    report = jsonl.import_file(path)
    assert "person" not in report.created and report.updated["person"] == 2
    assert Person.objects.count() == 2
    clash = [message for _, message in report.errors]
    assert clash and all("finnes allerede" in message for message in clash)


# -- found by review ----------------------------------------------------------------------

def _file(tmp_path, records: list, raw_lines: tuple[bytes, ...] = ()) -> object:
    header = {"type": "header", "format": "tildel-jsonl", "version": 1,
              "municipality": {"number": "1103", "name": "Testkommune"}}
    path = tmp_path / "fil.jsonl"
    body = b"".join(json.dumps(r).encode() + b"\n" for r in [header, *records])
    path.write_bytes(body + b"".join(raw_lines))
    return path


def _base(world):
    person = world.person()
    return [{"type": "district", "id": "d1", "number": 1, "name": "Øst"},
            {"type": "office", "id": "k1", "name": "Øst HVK", "districts": ["d1"]},
            {"type": "unit", "id": "e1", "name": "Hjemmetjenesten Øst", "kind": "home_nursing"},
            {"type": "person", "id": "p1", "id_number": person.id_number, "given_name": "Kari",
             "family_name": "Nordmann", "district": "d1"}]


def _decision(pk, *lines, **extra):
    return {"type": "decision", "id": pk, "person": "p1", "office": "k1",
            "decided_on": "2025-01-01", "lines": list(lines), **extra}


def _line(pk, **extra):
    return {"id": pk, "service": "hjemmesykepleie", "unit": "e1", "start": "2025-01-01",
            **extra}


def test_a_line_id_used_in_two_decisions_is_refused_not_moved(world, tmp_path):
    jsonl.import_file(_file(tmp_path, [*_base(world), _decision("v1", _line("1"))]))
    report = jsonl.import_file(_file(tmp_path, [*_base(world), _decision("v1", _line("1")),
                                                _decision("v2", _line("1"))]))
    assert any("allerede brukt i et annet vedtak" in m for _, m in report.errors)
    first = Decision.objects.get(pk=jsonl.Ids().table("decision")["v1"])
    assert first.lines.count() == 1


@pytest.mark.parametrize(("record", "expected"), [
    (_decision("v9", _line("9", pauses="abc")), "liste med objekter"),
    (_decision("v9", _line("9", pauses=5)), "liste med objekter"),
    ({**_decision("v9"), "lines": 7}, "liste med objekter"),
    (_decision("v9", _line("9", extent="NaN")), "ikke et tall"),
    (_decision("v9", _line("9", end="9999-12-31")), "åpen slutt skrives som null"),
    (_decision("v9", replaces=["v1"]), "id-en til et vedtak"),
    ({"type": "district", "id": "d9", "number": 10**30, "name": "X"}, "0 til 32767"),
    ({"type": "office", "id": "k9", "name": "X", "districts": 5}, "liste med id-er"),
])
def test_wrong_types_are_reported_not_a_crash(world, tmp_path, record, expected):
    report = jsonl.import_file(_file(tmp_path, [*_base(world), record]))
    assert [(line, expected in message) for line, message in report.errors] == [(6, True)]
    assert report.created.get("person", 0) + report.updated.get("person", 0) == 1


def test_a_line_that_is_not_utf8_or_too_deep_is_reported_and_the_rest_kept(world, tmp_path):
    path = _file(tmp_path, _base(world), (b'{"type": "district", "name": "\xf8st"}\n',
                                         b"[" * 100_000 + b"\n"))
    report = jsonl.import_file(path)
    assert [line for line, _ in report.errors] == [6, 7]
    assert "ikke UTF-8" in report.errors[0][1]
    assert Person.objects.filter(family_name="Nordmann").count() == 1


def test_an_office_that_no_longer_covers_a_district_is_still_exported(history, tmp_path):
    history.west_office.districts.clear()
    first = export_text()
    path = tmp_path / "h.jsonl"
    path.write_text(first, encoding="utf-8")
    reset_database()
    assert jsonl.import_file(path).errors == []
    assert export_text() == first


# -- bulk saving (docs/exchange.md § Import) ----------------------------------------------

def _person_records(n: int, prefix: str, first_birth: dt.date) -> list[dict]:
    """A person with a decision (a line with a stop), a pathway, an assessment and a visit,
    ``n`` times."""
    from tests.conftest import make_number

    records = []
    for i in range(n):
        birth = first_birth + dt.timedelta(days=i)
        person = f"{prefix}p{i}"
        records += [
            {"type": "person", "id": person, "id_number": make_number(birth, seed=i),
             "given_name": "Kari", "family_name": f"Nordmann {i}", "district": "d1"},
            _decision(f"{prefix}v{i}", _line(f"{prefix}l{i}", pauses=[
                {"id": f"{prefix}s{i}", "reason": "hospital", "start": "2025-02-01",
                 "end": "2025-02-10"}]), person=person),
            {"type": "pathway", "id": f"{prefix}f{i}", "person": person, "office": "k1",
             "unit": "e1", "code": 2, "start": "2025-01-01"},
            {"type": "assessment", "id": f"{prefix}a{i}", "person": person, "office": "k1",
             "held_on": "2025-01-01", "scores": {"syn": 1, "horsel": 3}},
            {"type": "visit", "id": f"{prefix}b{i}", "person": person, "unit": "e1",
             "start": "2025-03-01T08:00:00+01:00", "end": "2025-03-01T08:30:00+01:00",
             "staff_role": "SPL"}]
    # The file's order: all persons, then all decisions, and so on.
    return sorted(records, key=lambda r: jsonl.TYPES.index(r["type"]))


def test_the_queries_of_an_import_do_not_grow_with_the_records(world, tmp_path):
    """Persons, decisions, pathways, assessments and visits are saved a chunk at a time,
    with a fixed number of queries per chunk, not one or more per record."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    jsonl.import_file(_file(tmp_path, _base(world)[:3]))  # the organisation first
    counts = []
    for n, prefix, birth in ((3, "x", dt.date(1950, 1, 1)), (30, "y", dt.date(1960, 1, 1))):
        path = _file(tmp_path, _person_records(n, prefix, birth))
        with CaptureQueriesContext(connection) as queries:
            report = jsonl.import_file(path)
        assert report.errors == []
        assert report.created == {kind: n for kind in ("person", "decision", "pathway",
                                                       "assessment", "visit")}
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert Person.objects.filter(family_name__startswith="Nordmann ").count() == 33
    assert ServicePause.objects.count() == 33 and FunctionalScore.objects.count() == 66
    # Each case made for a pathway or an assessment has its "created" entry in the history.
    assert Case.history.filter(history_type="+").count() == Case.objects.count() == 66


def test_rows_already_there_are_taken_over_in_a_chunk_of_new_ones(world, tmp_path):
    from tests.conftest import make_number

    kari = world.person()  # registered before the import, without an external id
    organisation = [
        {"type": "district", "id": "d1", "number": 1, "name": "Øst"},
        {"type": "district", "id": "d3", "number": 3, "name": "Nord"},
        {"type": "office", "id": "k3", "name": "Nord HVK", "districts": ["d3"]},
        {"type": "office", "id": "k1", "name": "Øst HVK", "districts": ["d1"]},
        {"type": "unit", "id": "e3", "name": "Hjemmetjenesten Nord", "kind": "home_nursing"},
        {"type": "unit", "id": "e1", "name": "Hjemmetjenesten Øst", "kind": "home_nursing"}]
    persons = [{"type": "person", "id": f"p{i}", "given_name": "Ola", "family_name": "Nord",
                "district": "d3",
                "id_number": make_number(dt.date(1950, 1, 1) + dt.timedelta(days=i), seed=i)}
               for i in range(4)]
    persons.insert(2, {"type": "person", "id": "kari", "id_number": kari.id_number,
                       "given_name": "Kari", "family_name": "Nordby", "district": "d1"})
    report = jsonl.import_file(_file(tmp_path, [*organisation, *persons]))
    assert report.errors == []
    assert report.created == {"district": 1, "office": 1, "unit": 1, "person": 4}
    assert report.updated == {"district": 1, "office": 1, "unit": 1, "person": 1}
    ids = jsonl.Ids()
    assert ids.table("district")["d1"] == world.east.pk
    assert ids.table("office")["k1"] == world.east_office.pk
    assert ids.table("unit")["e1"] == world.east_unit.pk
    assert ids.table("person")["kari"] == kari.pk
    kari.refresh_from_db()
    assert kari.family_name == "Nordby" and Person.objects.count() == 5
    # A row is taken over by one id only: another id with Kari's fødselsnummer clashes, is
    # reported with its line, and the rest of its chunk still comes in.
    twin = {**persons[2], "id": "kari-2"}
    new = {**persons[0], "id": "p9", "id_number": make_number(dt.date(1970, 1, 1))}
    again = jsonl.import_file(_file(tmp_path, [organisation[0], persons[0], twin, new]))
    assert [line for line, _ in again.errors] == [4]
    assert "finnes allerede" in again.errors[0][1]
    assert again.created == {"person": 1} and again.updated == {"district": 1, "person": 1}


def test_line_and_stop_ids_are_checked_in_a_chunk_of_other_decisions(world, tmp_path):
    """A line or stop id already imported, or used earlier in the same chunk, belongs to
    its decision or line: a decision that uses it elsewhere is refused, the others in its
    chunk come in."""
    base = _base(world)
    stop = {"id": "s1", "reason": "hospital", "start": "2025-02-01", "end": "2025-02-10"}
    first = jsonl.import_file(_file(tmp_path, [*base, _decision("v1", _line("1",
                                                                            pauses=[stop]))]))
    assert first.errors == []
    report = jsonl.import_file(_file(tmp_path, [
        *base,
        _decision("v2", _line("2")),                     # line 6: new
        _decision("v3", _line("1")),                     # line 7: v1's line
        _decision("v1", _line("1", end="2025-06-30",     # line 8: v1 again, changed
                              pauses=[{**stop, "end": "2025-02-20"}]), reasons="Endret"),
        _decision("v4", _line("4", pauses=[stop])),      # line 9: v1's stop
        _decision("v5", _line("5")),                     # line 10: new
        _decision("v6", _line("5"))]))                   # line 11: v5's line, same chunk
    errors = dict(report.errors)
    assert sorted(errors) == [7, 9, 11]
    assert "'1' er allerede brukt i et annet vedtak" in errors[7]
    assert "Stans-id 's1' er allerede brukt på en annen tjeneste" in errors[9]
    assert "'5' er allerede brukt i et annet vedtak" in errors[11]
    assert report.created == {"decision": 2} and report.updated["decision"] == 1
    decisions = jsonl.Ids().table("decision")
    v1 = Decision.objects.get(pk=decisions["v1"])
    assert v1.reasons == "Endret" and v1.lines.count() == 1
    assert v1.lines.get().end == dt.date(2025, 6, 30)
    assert v1.lines.get().pauses.get().end == dt.date(2025, 2, 20)
    assert ServiceLine.objects.get(pk=jsonl.Ids().table("line")["5"]).decision_id == \
        decisions["v5"]
    assert "v3" not in decisions and "v6" not in decisions


def test_a_rerun_replaces_changed_scores_and_leaves_the_others(world, tmp_path):
    base = _base(world)
    first = {"type": "assessment", "id": "a1", "person": "p1", "office": "k1",
             "held_on": "2025-01-01", "scores": {"syn": 1, "horsel": 2}}
    second = {**first, "id": "a2", "scores": {"syn": 3}}
    assert jsonl.import_file(_file(tmp_path, [*base, first, second])).errors == []
    ids = jsonl.Ids().table("assessment")
    kept = FunctionalScore.objects.get(assessment_id=ids["a2"]).pk
    report = jsonl.import_file(_file(tmp_path, [
        *base, {**first, "held_on": "2025-01-02", "scores": {"syn": 1, "horsel": 4}},
        second]))
    assert report.errors == [] and report.created == {}
    assert report.updated["assessment"] == 2
    assert Assessment.objects.get(pk=ids["a1"]).held_on == dt.date(2025, 1, 2)
    assert dict(FunctionalScore.objects.filter(assessment_id=ids["a1"]).values_list(
        "variable", "score")) == {"syn": 1, "horsel": 4}
    assert FunctionalScore.objects.get(assessment_id=ids["a2"]).pk == kept
    assert Case.objects.count() == 2


def test_each_clash_in_a_chunk_is_reported_with_its_line_and_the_rest_comes_in(world,
                                                                               tmp_path):
    base = _base(world)
    visits = [{"type": "visit", "id": f"b{i}", "person": "p1", "unit": "e1",
               "start": f"2025-03-{1 + i % 28:02d}T{8 + i // 28:02d}:00:00+01:00",
               "end": f"2025-03-{1 + i % 28:02d}T{8 + i // 28:02d}:30:00+01:00",
               "staff_role": "SPL"} for i in range(40)]
    assert jsonl.import_file(_file(tmp_path, [*base, *visits[:3]])).errors == []
    # Visits 3 to 39 are new; three others are the first three again under other ids.
    again = [*visits[3:10], {**visits[0], "id": "x0"}, *visits[10:25],
             {**visits[1], "id": "x1"}, {**visits[2], "id": "x2"}, *visits[25:]]
    report = jsonl.import_file(_file(tmp_path, again))
    assert [line for line, _ in report.errors] == [9, 25, 26]  # the header is line 1
    assert all("finnes allerede" in message for _, message in report.errors)
    assert report.created == {"visit": 37} and Visit.objects.count() == 40
