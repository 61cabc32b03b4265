"""Expected KPR events kept between exports (ADR 0022): after any change, by the screens or
in plain SQL, what the export would send is exactly what deriving everything from scratch
gives, and a refresh derives only the persons a change named."""

from __future__ import annotations

import datetime as dt
import importlib
import json

import pytest
from django.db import connection

from tildel import bulkwrite
from tildel.accounts.models import Role
from tildel.casework.models import Decision, ServiceLine, ServicePause
from tildel.catalogue.models import NationalServiceType, Service
from tildel.exchange import kpr, kpr_store
from tildel.exchange.models import KprChange, KprDerivation, KprEvent, KprExpected
from tildel.organisation.models import Municipality
from tildel.rules import kpr as rules

from .conftest import TODAY

pytestmark = pytest.mark.django_db
triggers = importlib.import_module("tildel.exchange.migrations.0007_kpr_expected")


def from_scratch(municipality) -> tuple[list, list]:
    """What is due, derived from every line as if nothing were kept: (changes, problems)."""
    lines, persons = kpr_store.collect(municipality)
    services = rules.episodes(lines)
    problems = rules.problems(lines, persons, services=services)
    held = rules.held_services(lines, problems, services)
    reported = {key: rules.Reported(key, content, active)
                for key, content, active in KprEvent.objects.filter(
                    municipality=municipality).values_list("key", "content", "active")
                if key.split(":", 1)[0] not in held}
    changes = rules.reconcile(
        [e for e in rules.events(lines, TODAY, services) if e.service_id not in held],
        persons, reported, kpr.reporting_from(municipality))
    return _changes(changes), sorted(_problems(problems))


def kept(municipality) -> tuple[list, list]:
    """The same, from the kept events (what the export and the screen use)."""
    due = kpr.plan(municipality, today=TODAY)
    return _changes(due.changes), sorted(_problems(due.problems))


def _changes(changes) -> list:
    return [(c.status.value, c.key, json.dumps(dict(c.content), sort_keys=True))
            for c in changes]


def _problems(problems) -> list:
    return [(p.line_id, p.decision_id, p.person_id, p.message) for p in problems]


def agrees(municipality) -> list:
    """Assert the kept events give what deriving from scratch gives; the changes."""
    found = kept(municipality)
    assert found == from_scratch(municipality)
    return found[0]


def named(municipality) -> kpr_store.Refreshed:
    return kpr_store.refresh(municipality)


def export(w, tmp_path, name="kpr.xml"):
    return kpr.export(w.municipality, tmp_path / name, today=TODAY)


def test_every_trigger_is_in_place():
    """A later migration that rebuilds one of the tables on SQLite would drop its
    triggers; this names the one that went missing."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        present = {row[0] for row in cursor.fetchall()}
    wanted = {triggers.name(what, event) for what, event in triggers.PERSONS}
    if connection.vendor == "postgresql":
        wanted |= {triggers.name(what, "truncate") for what in triggers.TABLES}
    assert wanted - present == set()


def test_the_first_plan_derives_everyone_and_the_next_no_one(kpr_world):
    w = kpr_world
    assert not KprDerivation.objects.exists()
    statuses = [status for status, _, _ in agrees(w.municipality)]
    assert statuses == ["N", "N", "N"]  # Kari's start and end, Ola's start
    assert KprExpected.objects.filter(municipality_id=w.municipality.pk).count() == 3
    assert named(w.municipality) == kpr_store.Refreshed(0, everyone=False)


def test_a_line_changed_in_plain_sql_is_corrected(kpr_world, tmp_path):
    w = kpr_world
    export(w, tmp_path)
    with connection.cursor() as cursor:  # as another system's import would write it
        cursor.execute('UPDATE casework_serviceline SET "end" = %s WHERE id = %s',
                       [TODAY - dt.timedelta(days=3), w.line.pk])
    changes = agrees(w.municipality)
    assert [(status, key) for status, key, _ in changes] == [("M", f"T{w.line.pk}:end")]
    assert named(w.municipality).persons == 0  # the plan took the change


def test_a_stop_a_new_line_and_an_annulment_each_agree(kpr_world, tmp_path):
    w = kpr_world
    export(w, tmp_path)
    caseworker = w.user(Role.CASEWORKER, office=w.west_office)
    ServicePause.objects.create(line=w.ola_line, reason="hospital", registered_by=caseworker,
                                start=TODAY - dt.timedelta(days=10),
                                end=TODAY - dt.timedelta(days=8))
    assert [c[0] for c in agrees(w.municipality)] == ["N", "N"]  # stop from and to
    export(w, tmp_path, "2.xml")
    w.grant(w.kari, w.west_unit, start=TODAY - dt.timedelta(days=2))
    assert [c[0] for c in agrees(w.municipality)] == ["N"]
    export(w, tmp_path, "3.xml")
    Decision.objects.filter(pk=w.ola_line.decision_id).update(status=Decision.Status.ANNULLED)
    assert [c[0] for c in agrees(w.municipality)] == ["C", "C", "C"]


def test_a_new_fodselsnummer_corrects_the_persons_events(kpr_world, tmp_path):
    from tests.conftest import make_number

    w = kpr_world
    export(w, tmp_path)
    w.ola.id_number = make_number(dt.date(1950, 1, 2), seed=99)
    w.ola.save()
    assert [c[:2] for c in agrees(w.municipality)] == [("M", f"T{w.ola_line.pk}:start")]
    assert named(w.municipality) == kpr_store.Refreshed(0, everyone=False)


def test_only_the_persons_named_are_derived_again(kpr_world, tmp_path):
    w = kpr_world
    export(w, tmp_path)
    ServiceLine.objects.filter(pk=w.line.pk).update(end=TODAY - dt.timedelta(days=4))
    assert named(w.municipality) == kpr_store.Refreshed(1, everyone=False)
    agrees(w.municipality)


def test_a_draft_counts_for_no_one_until_it_is_decided(kpr_world):
    w = kpr_world
    kpr.plan(w.municipality, today=TODAY)
    draft = Decision.objects.create(person=w.kari, allocation_office=w.east_office)
    named(w.municipality)  # the new decision names Kari once
    line = ServiceLine.objects.create(
        decision=draft, service_version=w.line.service_version, provider_unit=w.east_unit,
        extent=5, extent_unit=w.line.extent_unit, start=TODAY)
    ServiceLine.objects.filter(pk=line.pk).update(extent=6)
    assert named(w.municipality).persons == 0
    Decision.objects.filter(pk=draft.pk).update(status=Decision.Status.DECIDED,
                                                decided_on=TODAY)
    assert named(w.municipality).persons == 1


def test_a_new_organisation_number_or_code_derives_everyone(kpr_world, tmp_path):
    w = kpr_world
    export(w, tmp_path)
    w.west_unit.organisation_number = "974256975"
    w.west_unit.save()
    assert [c[:2] for c in agrees(w.municipality)] == [("M", f"T{w.ola_line.pk}:start")]
    retired = NationalServiceType.objects.filter(code__in=rules.RETIRED_SERVICE_TYPES).first()
    Service.objects.filter(pk=w.line.service_version.service_id).update(national_type=retired)
    assert named(w.municipality).everyone
    changes, problems = kept(w.municipality)
    assert (changes, problems) == from_scratch(w.municipality)
    assert problems and changes == []  # held back: neither sent nor cancelled


def test_a_person_who_moves_away_is_cancelled_in_the_old_municipality(kpr_world, tmp_path):
    w = kpr_world
    export(w, tmp_path)
    elsewhere = Municipality.objects.create(number="4601", name="Bergen")
    w.ola.municipality = elsewhere
    w.ola.save()
    assert [c[:2] for c in agrees(w.municipality)] == [("C", f"T{w.ola_line.pk}:start")]
    assert KprChange.objects.filter(municipality_id=elsewhere.pk, person_id=w.ola.pk).exists()


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_truncate_derives_everyone(kpr_world):
    w = kpr_world
    kpr.plan(w.municipality, today=TODAY)
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE casework_servicepause")
    assert named(w.municipality).everyone


def test_the_command_refreshes_with_a_count(kpr_world, capsys):
    from django.core.management import call_command

    call_command("kpr", "refresh")
    assert "2 personer" in capsys.readouterr().out
    call_command("kpr", "refresh")
    assert "0 personer" in capsys.readouterr().out


def test_an_import_names_everyone_and_what_it_wrote_agrees(kpr_world, tmp_path):
    """The JSONL import writes in bulk: on PostgreSQL each of its statements names
    everyone (the setting the triggers read is the one the import turns on)."""
    from tildel.exchange import jsonl

    assert triggers.BULK == bulkwrite.SETTING
    w = kpr_world
    export(w, tmp_path)
    out = tmp_path / "kommune.jsonl"
    with out.open("w", encoding="utf-8") as f:
        jsonl.export_file(w.municipality, f)
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    # The other system also has a decision for Ola from the east unit: a second service.
    ola = next(r for r in records if r.get("type") == "decision" and not r["lines"][0]["end"])
    east = next(r["lines"][0]["unit"] for r in records
                if r.get("type") == "decision" and r["lines"][0]["end"])
    ola.update(id="V-ny")
    ola["lines"][0].update(id="L-ny", unit=east)
    with out.open("a", encoding="utf-8") as f:
        f.write(json.dumps(ola) + "\n")
    jsonl.import_file(out)
    refreshed = named(w.municipality)
    assert refreshed.everyone == (connection.vendor == "postgresql")
    new_line = ServiceLine.objects.latest("pk")
    assert [c[:2] for c in agrees(w.municipality)] == [("N", f"T{new_line.pk}:start")]


def test_a_new_version_of_the_rules_derives_everyone(kpr_world):
    """The kept events are what this version of the rules derived: a release that changes
    them (the 9151 code list, say) derives everyone again."""
    w = kpr_world
    kpr.plan(w.municipality, today=TODAY)
    assert not named(w.municipality).everyone
    KprDerivation.objects.update(rules="en eldre versjon")
    assert named(w.municipality).everyone
    assert KprDerivation.objects.get().rules == kpr_store.RULES


def test_a_change_is_derived_where_the_person_belongs_when_it_is_taken(kpr_world):
    """A line or decision names its person without a municipality: the refresh of the
    municipality the person belongs to by then takes it (one that moved while the line was
    written is not lost to the old municipality)."""
    w = kpr_world
    kpr.plan(w.municipality, today=TODAY)
    elsewhere = Municipality.objects.create(number="4601", name="Bergen")
    w.ola.municipality = elsewhere
    w.ola.save()
    named(w.municipality), named(elsewhere)  # the move itself
    line = w.grant(w.ola, w.east_unit, start=TODAY - dt.timedelta(days=1))
    assert KprChange.objects.filter(municipality_id=None, person_id=w.ola.pk).exists()
    assert named(w.municipality).persons == 0  # not Ola's municipality any more
    assert named(elsewhere).persons == 1
    assert KprExpected.objects.filter(municipality_id=elsewhere.pk,
                                      key=f"T{line.pk}:start").exists()


def test_guids_made_in_bulk_are_random_version_4_and_never_repeat():
    """notifikasjonGUID and hendelseGUID come from one read of the system's randomness per
    thousand: each is a valid version 4 UUID in its usual text form, across refills."""
    import uuid

    make = kpr._Guids()
    made = [make() for _ in range(3 * kpr._Guids.SIZE + 5)]
    assert len(set(made)) == len(made)
    for text in made:
        value = uuid.UUID(text)
        assert (value.version, value.variant, str(value)) == (4, uuid.RFC_4122, text)
