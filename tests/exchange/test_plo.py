"""PLO messages from hospitals (standards.md § PLO): each logistics message creates or
updates the hospital stay and gives the office a task; a bad file is kept in quarantine
with its reason, never lost; a message received twice changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from tildel.accounts.models import Role
from tildel.casework.models import Case, Task
from tildel.exchange import plo
from tildel.exchange.models import PloMessage
from tildel.exchange.plo_examples import message
from tildel.hospital.models import HospitalStay

NOW = timezone.localtime().replace(microsecond=0)


@pytest.fixture
def plo_world(world):
    world.kari = world.person()
    world.caseworker = world.user(Role.CASEWORKER, office=world.east_office)
    return world


def test_a_stay_from_admission_to_discharge_with_tasks_for_the_office(plo_world):
    kari = plo_world.kari
    admitted = plo.receive(message(kari.id_number, plo.ADMITTED, NOW - dt.timedelta(days=5),
                                   department="Psykiatrisk klinikk"))
    assert admitted.status == PloMessage.Status.PROCESSED
    stay = HospitalStay.objects.get(person=kari)
    assert stay.status == HospitalStay.Status.ADMITTED and stay.psychiatric
    assert stay.hospital == "Sykehuset" and stay.hospital_her_id == "8100000"
    case = stay.case
    assert case.allocation_office == plo_world.east_office and case.kind == Case.Kind.ENQUIRY
    plo.receive(message(kari.id_number, plo.READY, NOW - dt.timedelta(days=1)))
    stay.refresh_from_db()
    assert stay.status == HospitalStay.Status.READY
    assert stay.ready_on == (NOW - dt.timedelta(days=1)).date()
    ready_task = Task.objects.get(case=case, title__startswith="Utskrivningsklar pasient")
    assert ready_task.kind == Task.Kind.HOSPITAL and ready_task.due_on == timezone.localdate()
    plo.receive(message(kari.id_number, plo.READY_CANCELLED, NOW - dt.timedelta(hours=20)))
    stay.refresh_from_db()
    assert stay.status == HospitalStay.Status.ADMITTED and stay.ready_on is None
    plo.receive(message(kari.id_number, plo.DISCHARGED, NOW, destination="Sykehjem"))
    stay.refresh_from_db()
    assert stay.status == HospitalStay.Status.DISCHARGED
    assert stay.destination == HospitalStay.Destination.INSTITUTION
    assert Task.objects.filter(case=case, kind=Task.Kind.HOSPITAL).count() == 4
    assert case.enquiries.count() == 4  # one journal entry per message, on one case
    # The next admission is a new stay.
    plo.receive(message(kari.id_number, plo.ADMITTED, NOW))
    assert HospitalStay.objects.filter(person=kari).count() == 2


def test_health_information_for_an_application_opens_an_application_case(plo_world):
    received = plo.receive(message(plo_world.kari.id_number, plo.APPLICATION, NOW,
                                   text="Trenger hjelp morgen og kveld etter hoftebrudd.",
                                   needs=("Hjemmesykepleie", "Trygghetsalarm")))
    assert received.status == PloMessage.Status.PROCESSED
    case = Case.objects.get(person=plo_world.kari)
    assert case.kind == Case.Kind.APPLICATION and case.subject == "Søknad fra sykehus"
    text = case.enquiries.get().text
    assert "hoftebrudd" in text and "Hjemmesykepleie; Trygghetsalarm" in text
    assert case.tasks.get().title.startswith("Søknad med helseopplysninger")


def test_a_message_received_twice_changes_nothing(plo_world):
    content = message(plo_world.kari.id_number, plo.READY, NOW, msg_id="abc-123")
    plo.receive(content)
    again = plo.receive(content)
    assert again.status == PloMessage.Status.DUPLICATE
    assert Task.objects.count() == 1 and HospitalStay.objects.count() == 1


@pytest.mark.parametrize(("content", "reason"), [
    (b"dette er ikke xml", "ikke gyldig XML"),
    (b"", "ikke gyldig XML"),
    (b"<MsgHead><Ukjent/></MsgHead>", "Ukjent meldingstype"),
    (b"<MsgHead><MeldingInnlagtPasient/></MsgHead>", "mangler pasientens"),
    (b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><MsgHead>&e;</MsgHead>',
     "Ukjent meldingstype"),
])
def test_a_bad_file_is_kept_in_quarantine_with_the_reason(plo_world, content, reason):
    kept = plo.receive(content, source="fil.xml")
    assert kept.status == PloMessage.Status.QUARANTINED and reason in kept.reason
    assert kept.content == content.decode() and kept.source == "fil.xml"
    assert "root:" not in kept.reason  # the external entity was not read
    assert not Task.objects.exists()


def test_an_unknown_patient_waits_until_registered_then_is_processed(plo_world):
    from tests.conftest import make_number

    number = make_number(dt.date(1950, 3, 3), seed=77)
    kept = plo.receive(message(number, plo.READY, NOW))
    assert kept.status == PloMessage.Status.QUARANTINED
    assert "finnes ikke i personregisteret" in kept.reason
    from tildel.people.models import Person

    Person.objects.create(id_number=number, given_name="Ny", family_name="Innbygger",
                          municipality=plo_world.municipality, district=plo_world.west)
    result = plo.reprocess(kept, plo_world.caseworker)
    assert result.status == PloMessage.Status.PROCESSED
    kept.refresh_from_db()
    assert kept.status == PloMessage.Status.DISMISSED and kept.handled_by == plo_world.caseworker
    assert Task.objects.get().case.allocation_office == plo_world.west_office


def test_a_date_that_is_not_a_date_is_quarantined(plo_world):
    content = message(plo_world.kari.id_number, plo.READY, NOW).replace(
        NOW.date().isoformat().encode(), b"i morgen", 1)
    content = content.replace(b"<UtskrivningsklarDato>" + NOW.date().isoformat().encode(),
                              b"<UtskrivningsklarDato>i morgen")
    kept = plo.receive(content)
    assert kept.status == PloMessage.Status.QUARANTINED and "er ikke en dato" in kept.reason


def test_http_endpoint_and_command(plo_world, client, tmp_path, capsys):
    client.force_login(plo_world.caseworker)
    ok = client.post("/api/v1/plo/", message(plo_world.kari.id_number, plo.ADMITTED, NOW),
                     content_type="application/xml")
    assert ok.status_code == 201 and ok.json()["status"] == "processed"
    bad = client.post("/api/v1/plo/", b"<ikke-ferdig", content_type="application/xml")
    assert bad.status_code == 422 and "ikke gyldig XML" in bad.json()["feil"]
    assert PloMessage.objects.filter(status=PloMessage.Status.QUARANTINED).count() == 1
    client.force_login(plo_world.user(Role.PROVIDER_STAFF, unit=plo_world.east_unit))
    assert client.post("/api/v1/plo/", b"<x/>", content_type="application/xml"
                       ).status_code == 403
    folder = tmp_path / "inn"
    folder.mkdir()
    (folder / "a.xml").write_bytes(message(plo_world.kari.id_number, plo.READY, NOW))
    (folder / "b.xml").write_bytes(b"tull")
    call_command("plo", "receive", str(folder))
    out = capsys.readouterr().out
    assert "2 meldinger lest" in out and "b.xml: Filen er ikke gyldig XML" in out


def test_quarantine_screen_reprocess_and_dismiss(plo_world, client):
    kept = plo.receive(b"<MsgHead/>", source="feil.xml")
    client.force_login(plo_world.caseworker)
    page = client.get("/sykehusmeldinger/").content.decode()
    assert "feil.xml" in page and "Ukjent meldingstype" in page
    response = client.post(f"/sykehusmeldinger/{kept.pk}/behandle/", follow=True)
    assert "fortsatt ikke behandles" in response.content.decode()
    retry = PloMessage.objects.filter(status=PloMessage.Status.QUARANTINED).get()
    client.post(f"/sykehusmeldinger/{retry.pk}/avvis/")
    assert not PloMessage.objects.filter(status=PloMessage.Status.QUARANTINED).exists()
    assert client.post(f"/sykehusmeldinger/{retry.pk}/avvis/").status_code == 404
    client.force_login(plo_world.user(Role.MANAGEMENT))
    assert client.get("/sykehusmeldinger/").status_code == 403


# -- found by review ----------------------------------------------------------------------

def test_a_date_outside_the_years_is_quarantined_and_the_rest_of_the_folder_read(
        plo_world, tmp_path, capsys):
    folder = tmp_path / "inn"
    folder.mkdir()
    far = message(plo_world.kari.id_number, plo.READY, NOW).replace(
        f"<GenDate>{NOW.isoformat()}</GenDate>".encode(),
        b"<GenDate>9999-12-31T23:30:00-05:00</GenDate>")
    (folder / "a.xml").write_bytes(far)
    (folder / "b.xml").write_bytes(message(plo_world.kari.id_number, plo.ADMITTED, NOW))
    call_command("plo", "receive", str(folder))
    assert "utenfor årene 1900–2100" in capsys.readouterr().out
    assert PloMessage.objects.filter(status=PloMessage.Status.PROCESSED).count() == 1
    assert PloMessage.objects.filter(status=PloMessage.Status.QUARANTINED).count() == 1


def test_an_iso_8859_1_message_is_kept_faithfully_and_reprocessed_right(plo_world):
    from tests.conftest import make_number

    number = make_number(dt.date(1951, 4, 4), seed=91)
    text = message(number, plo.READY, NOW, hospital="Sørlandet sykehus Førde").decode()
    latin = text.replace('encoding="UTF-8"', 'encoding="ISO-8859-1"').encode("iso-8859-1")
    kept = plo.receive(latin)
    assert kept.status == PloMessage.Status.QUARANTINED  # the person is not registered yet
    assert "Sørlandet sykehus Førde" in kept.content
    from tildel.people.models import Person

    Person.objects.create(id_number=number, given_name="Ny", family_name="Pasient",
                          municipality=plo_world.municipality, district=plo_world.east)
    plo.reprocess(kept, plo_world.caseworker)
    assert HospitalStay.objects.get().hospital == "Sørlandet sykehus Førde"


def test_the_same_bytes_twice_count_once_with_or_without_msgid(plo_world):
    content = message(plo_world.kari.id_number, plo.READY, NOW).replace(
        b"<MsgId>", b"<IkkeMsgId>").replace(b"</MsgId>", b"</IkkeMsgId>")
    plo.receive(content)
    assert plo.receive(content).status == PloMessage.Status.DUPLICATE
    assert Task.objects.count() == 1
    plo.receive(b"<tull")
    plo.receive(b"<tull")
    assert PloMessage.objects.filter(status=PloMessage.Status.QUARANTINED).count() == 1


def test_late_news_about_an_ended_stay_makes_no_new_stay(plo_world):
    kari = plo_world.kari
    plo.receive(message(kari.id_number, plo.ADMITTED, NOW - dt.timedelta(days=3)))
    plo.receive(message(kari.id_number, plo.DISCHARGED, NOW - dt.timedelta(days=1)))
    plo.receive(message(kari.id_number, plo.READY, NOW - dt.timedelta(days=2)))
    stay = HospitalStay.objects.get()
    assert stay.status == HospitalStay.Status.DISCHARGED
    assert Task.objects.filter(case=stay.case).count() == 3  # the late one is journalled


def test_the_screen_shows_only_the_offices_own_patients(plo_world, client):
    from tests.conftest import make_number

    west_person = plo_world.person(plo_world.west, given="Vest")
    west_person.district.allocation_offices.clear()  # quarantined: no office covers it
    plo.receive(message(west_person.id_number, plo.READY, NOW), source="vest.xml")
    plo.receive(message(make_number(dt.date(1960, 1, 1), seed=5), plo.READY, NOW),
                source="ukjent.xml")
    client.force_login(plo_world.caseworker)  # east office
    page = client.get("/sykehusmeldinger/").content.decode()
    assert "ukjent.xml" in page and "vest.xml" not in page
    west = PloMessage.objects.get(source="vest.xml")
    assert client.post(f"/sykehusmeldinger/{west.pk}/avvis/").status_code == 404


def test_a_message_keeps_the_offices_plan_and_makes_an_open_form_stale(plo_world):
    """The board's plan and acceptance survive a hospital message, and a form opened before
    the message is refused, not applied on top of it."""
    from tildel.hospital import services as hospital

    kari = plo_world.kari
    plo.receive(message(kari.id_number, plo.ADMITTED, NOW - dt.timedelta(days=5)))
    stay = HospitalStay.objects.get(person=kari)
    stay = hospital.save_plan(stay, version=stay.version, unit=plo_world.east_unit,
                              note="Rullator", plan_assistive_devices=True)
    opened = stay.version
    plo.receive(message(kari.id_number, plo.READY, NOW - dt.timedelta(days=1)))
    plo.receive(message(kari.id_number, plo.READY_CANCELLED, NOW - dt.timedelta(hours=2)))
    stay.refresh_from_db()
    assert stay.plan_assistive_devices and stay.plan_note == "Rullator"
    assert stay.responsible_unit == plo_world.east_unit and stay.version == opened + 2
    with pytest.raises(hospital.DischargeError, match="endret av en annen"):
        hospital.mark_ready(stay, day=timezone.localdate(), version=opened)
