"""Import of visit logs: bad rows listed by line and reason, the rest imported, reruns
add nothing, a file in the wrong encoding refused whole."""

from __future__ import annotations

import datetime as dt
import hashlib
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from tildel.delivery import importer
from tildel.delivery.models import Visit, VisitImport

from .conftest import MONDAY, WEST, at, csv_bytes, visit_row

pytestmark = pytest.mark.django_db


def run_import(data: bytes, name="besok.csv", **kw) -> VisitImport:
    return importer.import_file(io.BytesIO(data), name, **kw)


def errors(run):
    return [(e.line, e.reason) for e in run.errors.all()]


def week_of_visits(w):
    """Six good visits: Anna every morning Monday–Saturday, 45 minutes."""
    return [visit_row(w.anna, at(MONDAY + dt.timedelta(days=d), "08:00"),
                      at(MONDAY + dt.timedelta(days=d), "08:45")) for d in range(6)]


def test_three_bad_rows_are_listed_by_line_and_the_rest_imported(delivery):
    w = delivery
    good = week_of_visits(w)
    rows = [good[0],
            visit_row("01019912345", at(MONDAY, "09:00"), at(MONDAY, "09:30")),  # line 3
            good[1],
            visit_row(w.anna, at(MONDAY, "12:00"), at(MONDAY, "11:30")),  # line 5
            good[2],
            f"974000001;{w.anna.id_number};{at(MONDAY, '15:00')}",  # line 7
            *good[3:]]
    run = run_import(csv_bytes(rows))
    assert run.status == VisitImport.Status.DONE
    assert errors(run) == [(3, "ukjent person"), (5, "slutt før start"),
                           (7, "feil antall kolonner (fant 3, ventet 5)")]
    assert (run.rows_total, run.rows_imported, run.rows_duplicate, run.rows_bad) == (9, 6, 0, 3)
    assert Visit.objects.filter(person=w.anna, source="import", import_run=run).count() == 6
    assert len(run.sha256) == 64
    # No reason repeats a fødselsnummer.
    assert not any(w.anna.id_number in reason or "01019912345" in reason
                   for _, reason in errors(run))


def test_a_rerun_duplicates_nothing_and_reports_the_same_bad_rows(delivery):
    w = delivery
    rows = [*week_of_visits(w), visit_row(w.anna, at(MONDAY, "12:00"), at(MONDAY, "11:30"))]
    first = run_import(csv_bytes(rows))
    second = run_import(csv_bytes(rows))
    assert (first.rows_imported, first.rows_duplicate) == (6, 0)
    assert (second.rows_imported, second.rows_duplicate, second.rows_bad) == (0, 6, 1)
    assert errors(second) == errors(first) == [(8, "slutt før start")]
    assert Visit.objects.count() == 6
    assert first.sha256 == second.sha256 == hashlib.sha256(csv_bytes(rows)).hexdigest()
    # A file that adds one new row imports only that one.
    more = rows + [visit_row(w.anna, at(MONDAY, "20:00"), at(MONDAY, "20:15"))]
    third = run_import(csv_bytes(more))
    assert (third.rows_imported, third.rows_duplicate) == (1, 6)


def test_overlapping_visits_in_the_file_and_against_stored_visits(delivery):
    w = delivery
    run = run_import(first_file := csv_bytes([
        visit_row(w.anna, at(MONDAY, "08:00"), at(MONDAY, "09:00")),
        visit_row(w.anna, at(MONDAY, "08:30"), at(MONDAY, "09:15")),  # overlaps line 2
        visit_row(w.anna, at(MONDAY, "09:00"), at(MONDAY, "09:30")),  # touches: fine
        visit_row(w.anna, at(MONDAY, "08:00"), at(MONDAY, "09:00")),  # line 2 again
        # Another unit may visit at the same time (two services, two visits).
        visit_row(w.anna, at(MONDAY, "08:30"), at(MONDAY, "09:00"), unit=WEST),
    ]))
    assert errors(run) == [(3, "overlapper et annet besøk (linje 2)"),
                           (5, "samme besøk står også på linje 2")]
    assert run.rows_imported == 3
    again = run_import(first_file)  # line 3 now overlaps the visit stored from line 2
    assert errors(again) == [(3, "overlapper et annet besøk som alt er registrert"),
                             (5, "samme besøk står også på linje 2")]
    assert (again.rows_imported, again.rows_duplicate) == (0, 3)
    later = run_import(csv_bytes([
        visit_row(w.anna, at(MONDAY, "09:20"), at(MONDAY, "10:00")),  # overlaps stored
        visit_row(w.anna, at(MONDAY, "10:00"), at(MONDAY, "10:30")),
    ]))
    assert errors(later) == [(2, "overlapper et annet besøk som alt er registrert")]
    assert later.rows_imported == 1
    # Same start as a stored visit but a later end: already imported, not changed.
    changed = run_import(csv_bytes([visit_row(w.anna, at(MONDAY, "10:00"), at(MONDAY, "10:40"))]))
    assert (changed.rows_duplicate, changed.rows_bad) == (1, 0)


def test_a_latin1_file_is_refused_whole_with_a_clear_message(delivery):
    w = delivery
    data = csv_bytes(week_of_visits(w), encoding="latin-1")  # "fødselsnummer" in Latin-1
    run = run_import(data)
    assert run.status == VisitImport.Status.FAILED
    assert "ikke lagret som UTF-8" in run.message and "Ingen rader er importert" in run.message
    assert Visit.objects.count() == 0 and run.rows_imported == 0
    # Late in the file too: nothing of the file is kept.
    rows = [*week_of_visits(w), visit_row(w.anna, at(MONDAY, "20:00"), at(MONDAY, "20:30"),
                                          role="Helsefagarbeider")]
    late = csv_bytes(rows, header="enhet;person;start;slutt;rolle")
    late = late.replace(b"Helsefagarbeider", "Hjelpepleier på øvelse".encode("latin-1"))
    assert run_import(late).status == VisitImport.Status.FAILED
    assert Visit.objects.count() == 0


def test_utf16_and_empty_files_and_a_missing_header_are_refused(delivery):
    assert "UTF-8" in run_import(csv_bytes([], encoding="utf-16")).message
    assert run_import(b"").message == "Filen er tom."
    no_header = run_import(b"974000001;01018012345;2026-01-01 08:00;2026-01-01 08:30;SPL\n")
    assert no_header.status == VisitImport.Status.FAILED and "Mangler" in no_header.message


def test_excel_export_with_bom_comma_crlf_and_norwegian_dates(delivery):
    w = delivery
    day = MONDAY
    rows = [f"{'974000001'},{w.anna.id_number},{day:%d.%m.%Y} 08:00,{day:%d.%m.%Y} 08:40,"
            "Helsefagarbeider",
            "", ",,,,"]  # blank lines at the end, as Excel leaves them
    data = "\ufeff".encode() + csv_bytes(rows, header="Enhet,Person,Start,Slutt,Rolle",
                                          newline="\r\n")
    run = run_import(data)
    assert (run.rows_total, run.rows_imported, run.rows_bad) == (1, 1, 0)
    visit = Visit.objects.get()
    assert visit.staff_role == "HFA" and visit.minutes == 40


def test_command_shows_the_summary_and_bad_lines(delivery, tmp_path):
    w = delivery
    path = tmp_path / "besok.csv"
    path.write_bytes(csv_bytes([*week_of_visits(w), visit_row(w.olav, at(MONDAY, "09:00"),
                                                              at(MONDAY, "08:00"))]))
    out = io.StringIO()
    call_command("import_visits", str(path), stdout=out)
    text = out.getvalue()
    assert "7 rader: 6 importert, 0 allerede importert, 1 avvist" in text
    assert "linje 8: slutt før start" in text
    call_command("import_visits", str(path), stdout=out)
    assert "0 importert, 6 allerede importert" in out.getvalue()
    path.write_bytes(csv_bytes(week_of_visits(w), encoding="latin-1"))
    with pytest.raises(CommandError, match="UTF-8"):
        call_command("import_visits", str(path), stdout=io.StringIO())


def test_a_provider_leader_imports_for_the_own_unit_only(delivery, client):
    w = delivery
    rows = [*week_of_visits(w), visit_row(w.anna, at(MONDAY, "10:00"), at(MONDAY, "10:30"),
                                          unit=WEST)]
    client.force_login(w.leader)
    upload = io.BytesIO(csv_bytes(rows))
    upload.name = "uke.csv"
    response = client.post(reverse("delivery-import"), {"file": upload}, follow=True)
    page = response.content.decode()
    assert response.status_code == 200
    assert "linje" not in page.lower() or "Linje" in page
    assert "enheten er ikke din" in page and ">8<" in page
    assert w.anna.id_number not in page
    run = VisitImport.objects.get()
    assert run.provider_unit == w.east_unit and run.started_by == w.leader
    assert run.rows_imported == 6
    history = client.get(reverse("delivery-import")).content.decode()
    assert "uke.csv" in history


def test_a_latin1_upload_shows_the_message_not_an_error_page(delivery, client):
    client.force_login(delivery.leader)
    upload = io.BytesIO(csv_bytes(week_of_visits(delivery), encoding="latin-1"))
    upload.name = "eksport.csv"
    response = client.post(reverse("delivery-import"), {"file": upload}, follow=True)
    assert response.status_code == 200
    assert "ikke lagret som UTF-8" in response.content.decode()


def test_staff_and_other_units_cannot_import_or_see_imports(delivery, client):
    w = delivery
    run = run_import(csv_bytes(week_of_visits(w)), scope=importer.scope_for(w.leader),
                     user=w.leader)
    client.force_login(w.staff)
    assert client.get(reverse("delivery-import")).status_code == 403
    from tildel.accounts.models import Role

    west_leader = w.user(Role.PROVIDER_LEADER, unit=w.west_unit, username="vestleder")
    client.force_login(west_leader)
    assert client.get(reverse("delivery-import-detail", args=[run.pk])).status_code == 404
    client.force_login(w.caseworker)
    assert client.get(reverse("delivery-import-detail", args=[run.pk])).status_code == 200


def test_an_office_import_knows_only_persons_in_its_districts(delivery):
    w = delivery
    westerner = w.person(w.west, given="Vera", family="Vik")
    run = run_import(csv_bytes([
        visit_row(w.anna, at(MONDAY, "08:00"), at(MONDAY, "08:30")),
        visit_row(westerner, at(MONDAY, "08:00"), at(MONDAY, "08:30"))]), user=w.caseworker)
    assert errors(run) == [(3, "ukjent person")]


def test_a_file_wrong_throughout_is_counted_in_full_and_listed_in_part(delivery, monkeypatch):
    monkeypatch.setattr(importer, "MAX_STORED_ERRORS", 3)
    rows = [visit_row("01019912345", at(MONDAY, f"0{h}:00"), at(MONDAY, f"0{h}:30"))
            for h in range(1, 8)]
    run = run_import(csv_bytes(rows))
    assert run.rows_bad == 7 and [line for line, _ in errors(run)] == [2, 3, 4]
