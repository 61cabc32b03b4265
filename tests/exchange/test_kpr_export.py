"""KPR export from decisions (tildel.exchange): every message validates against the
official XPR(ipl) 56.0.0 schema, prohibited attributes are never written, a rerun sends
nothing twice, and an annulled decision gives a C correction of what was sent."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from lxml import etree

from tildel.accounts.models import Role
from tildel.casework.models import Decision, ServicePause
from tildel.casework.services import decisions as decision_service
from tildel.exchange import kpr, kpr_xml
from tildel.exchange.models import KprBatch, KprEvent, KprNotification, RegisterContact

from .conftest import TODAY

NS = {"k": kpr_xml.NAMESPACE}
PROHIBITED = ["fraDatoPeriode", "uttakDato", "lopenr", "tilDatoPeriode", "kommuneOrgNr",
              "kjonn", "fodselsar", "komNrHjem"]


def official_schema() -> etree.XMLSchema:
    """The schema straight from the shipped official files, not through kpr_xml."""
    return etree.XMLSchema(etree.parse(str(kpr_xml.SCHEMA_DIR / "XPR(ipl).xsd")))


def check_file(path) -> etree._ElementTree:
    document = etree.parse(str(path))
    official_schema().assertValid(document)
    for name in PROHIBITED:
        assert not document.xpath(f"//@{name}"), name
    return document


def test_export_writes_a_valid_message_with_the_events_and_the_person(kpr_world, tmp_path):
    path = tmp_path / "kpr.xml"
    batch = kpr.export(kpr_world.municipality, path)
    assert batch.notifications == 3  # Kari: start and end; Ola: start
    document = check_file(path)
    starts = document.xpath("//k:TjenesteStart", namespaces=NS)
    assert {s.get("tjenesteType") for s in starts} == {"15"}
    assert {s.get("tjenesteOrgNr") for s in starts} == {"974256959", "974256967"}
    kari = document.xpath(f"//k:TjenesteSlutt/k:Bruker[@fid='{kpr_world.kari.id_number}']",
                          namespaces=NS)
    assert len(kari) == 1 and kari[0].get("typeID") == "1"
    end = kari[0].getparent()
    assert end.get("hendelseDato") == (TODAY - dt.timedelta(days=5)).isoformat()
    melding = document.getroot()
    assert melding.get("meldingstype") == "K" and melding.get("versjon") == "56.0.0"
    assert document.xpath("//k:Kommune/@kommuneNr", namespaces=NS) == ["1103"]
    statuses = document.xpath("//k:Notifikasjon/@statusNotifikasjon", namespaces=NS)
    assert statuses == ["N", "N", "N"]
    assert kpr_xml.validate(path) == 3


def test_a_rerun_sends_nothing_and_writes_no_file(kpr_world, tmp_path):
    kpr.export(kpr_world.municipality, tmp_path / "first.xml")
    assert kpr.export(kpr_world.municipality, tmp_path / "second.xml") is None
    assert not (tmp_path / "second.xml").exists()
    assert KprEvent.objects.count() == 3 and KprNotification.objects.count() == 3


def test_annulling_a_decision_sends_a_cancellation_of_what_was_reported(kpr_world, tmp_path):
    first = tmp_path / "first.xml"
    kpr.export(kpr_world.municipality, first)
    original = etree.parse(str(first)).xpath(
        f"//k:Notifikasjon[k:TjenesteStart/k:Bruker/@fid='{kpr_world.ola.id_number}']",
        namespaces=NS)[0]
    leader = kpr_world.user(Role.OFFICE_LEADER, office=kpr_world.west_office)
    decision = kpr_world.ola_line.decision
    decision_service.annul(decision, leader, reason="Fattet på feil person ved en feil.",
                           expected_version=decision.version)
    second = tmp_path / "second.xml"
    batch = kpr.export(kpr_world.municipality, second)
    assert batch.notifications == 1
    cancel = check_file(second).xpath("//k:Notifikasjon", namespaces=NS)[0]
    assert cancel.get("statusNotifikasjon") == "C"
    assert cancel.get("notifikasjonRef") == original.get("notifikasjonGUID")
    assert cancel.get("notifikasjonForrigeGUID") == original.get("notifikasjonGUID")
    event = cancel.xpath("k:TjenesteStart", namespaces=NS)[0]
    assert event.get("hendelseGUID") == original.xpath(
        "k:TjenesteStart/@hendelseGUID", namespaces=NS)[0]
    assert KprEvent.objects.get(key__endswith=":start", person=kpr_world.ola).active is False
    assert kpr.export(kpr_world.municipality, tmp_path / "third.xml") is None


def test_a_corrected_date_is_a_replacement_and_a_stop_is_reported(kpr_world, tmp_path):
    kpr.export(kpr_world.municipality, tmp_path / "first.xml")
    line = kpr_world.ola_line
    line.start = line.start + dt.timedelta(days=2)
    line.save()
    ServicePause.objects.create(line=line, reason=ServicePause.Reason.HOSPITAL,
                                start=TODAY - dt.timedelta(days=10),
                                end=TODAY - dt.timedelta(days=3))
    second = tmp_path / "second.xml"
    kpr.export(kpr_world.municipality, second)
    document = check_file(second)
    by_status = sorted((n.get("statusNotifikasjon"), n[0].tag.split("}")[1])
                       for n in document.xpath("//k:Notifikasjon", namespaces=NS))
    assert by_status == [("M", "TjenesteStart"), ("N", "MidlertidigStoppFra"),
                         ("N", "MidlertidigStoppTil")]
    stop_to = document.xpath("//k:MidlertidigStoppTil", namespaces=NS)[0]
    assert stop_to.get("hendelseDato") == (TODAY - dt.timedelta(days=2)).isoformat()
    sequences = [int(n) for n in document.xpath("//k:Notifikasjon/@notifikasjonLopeNr",
                                                  namespaces=NS)]
    assert sequences == [4, 5, 6]  # running on from the first message


def test_lines_the_register_would_reject_are_held_back_and_listed(kpr_world, tmp_path):
    alarm = kpr_world.grant(kpr_world.kari, kpr_world.east_unit, code="trygghetsalarm",
                            start=TODAY - dt.timedelta(days=3))
    due = kpr.plan(kpr_world.municipality)
    assert [(p.line_id, "utgått" in p.message) for p in due.problems] == [(alarm.pk, True)]
    assert due.held_back == 1
    document = check_file(_exported(kpr_world, tmp_path))
    assert "6" not in document.xpath("//@tjenesteType")


def _exported(world, tmp_path):
    path = tmp_path / "kpr.xml"
    kpr.export(world.municipality, path)
    return path


def test_without_a_contact_person_nothing_is_written_or_recorded(kpr_world, tmp_path):
    RegisterContact.objects.all().delete()
    path = tmp_path / "kpr.xml"
    with pytest.raises(kpr.ExchangeError, match="ingen kontaktperson"):
        kpr.export(kpr_world.municipality, path)
    assert not path.exists()
    assert not KprBatch.objects.exists() and not KprEvent.objects.exists()


def test_a_message_that_would_not_validate_is_not_kept(kpr_world, tmp_path, monkeypatch):
    monkeypatch.setattr(kpr, "patient_guid", lambda *args: "ikke-en-guid")  # not a GUID
    path = tmp_path / "kpr.xml"
    with pytest.raises(kpr_xml.InvalidMessage, match="pasientGUID"):
        kpr.export(kpr_world.municipality, path)
    assert not path.exists()
    assert not KprBatch.objects.exists() and not KprNotification.objects.exists()


def test_command_export_check_and_validate(kpr_world, tmp_path, capsys):
    out = tmp_path / "kpr.xml"
    call_command("kpr", "check")
    assert "Skal meldes: 3 nye" in capsys.readouterr().out
    call_command("kpr", "export", "--out", str(out))
    assert "3 notifikasjoner skrevet" in capsys.readouterr().out
    call_command("kpr", "validate", str(out))
    assert "gyldig etter XPR(ipl) 56.0.0, 3 notifikasjoner" in capsys.readouterr().out
    call_command("kpr", "export")
    assert "ingenting nytt" in capsys.readouterr().out
    bad = tmp_path / "bad.xml"
    bad.write_text("<Melding/>")
    with pytest.raises(CommandError, match="ikke gyldig"):
        call_command("kpr", "validate", str(bad))
    with pytest.raises(CommandError, match="ikke en dato"):
        call_command("kpr", "export", "--since", "2026-13-01")


def test_command_without_out_goes_to_the_sender(kpr_world, settings, capsys):
    call_command("kpr", "export", "--since", (TODAY - dt.timedelta(days=10)).isoformat())
    batch = KprBatch.objects.get()
    assert batch.notifications == 1  # only Kari's end is new since then
    assert batch.sent_at is not None and batch.sender_reference.startswith(
        str(settings.KPR_OUTBOX))
    check_file(batch.sender_reference)


def test_screen_for_the_office_leader_and_sending_from_it(kpr_world, client, settings):
    leader = kpr_world.user(Role.OFFICE_LEADER, office=kpr_world.east_office)
    client.force_login(leader)
    page = client.get("/kpr/").content.decode()
    assert "Skal meldes: ny" in page and "Lag og send melding (3 notifikasjoner)" in page
    assert kpr_world.kari.id_number not in page and "Kari" not in page
    response = client.post("/kpr/send/", follow=True)
    assert "er laget, godkjent mot skjemaet og sendt" in response.content.decode()
    batch = KprBatch.objects.get()
    assert batch.created_by == leader and batch.notifications == 3
    check_file(batch.sender_reference)
    assert "Alt er meldt." in client.get("/kpr/").content.decode()


def test_screen_is_for_office_leaders_only(kpr_world, client):
    for role, office in ((Role.CASEWORKER, kpr_world.east_office), (Role.MANAGEMENT, None),
                         (Role.ADMINISTRATOR, None)):
        client.force_login(kpr_world.user(role, office=office))
        assert client.get("/kpr/").status_code == 403
        assert client.post("/kpr/send/").status_code == 403
    assert not KprBatch.objects.exists()


def test_annulment_from_the_decision_page(kpr_world, client):
    decision = kpr_world.line.decision
    url = f"/vedtak/{decision.pk}/annuller/"
    client.force_login(kpr_world.user(Role.CASEWORKER, office=kpr_world.east_office))
    assert client.post(url, {"version": decision.version, "reason": "x" * 20}).status_code == 403
    client.force_login(kpr_world.user(Role.OFFICE_LEADER, office=kpr_world.east_office))
    page = client.post(url, {"version": decision.version, "reason": "kort"},
                       follow=True).content.decode()
    assert "minst 10 tegn" in page
    stale = client.post(url, {"version": decision.version - 1,
                              "reason": "Fattet ved en feil i registreringen."}, follow=True)
    assert "endret av en annen" in stale.content.decode()
    done = client.post(url, {"version": decision.version,
                             "reason": "Fattet ved en feil i registreringen."}, follow=True)
    html = done.content.decode()
    assert "Vedtaket er annullert" in html and "Fattet ved en feil i registreringen." in html
    decision.refresh_from_db()
    assert decision.status == Decision.Status.ANNULLED and decision.annulled_by is not None


def test_a_decision_that_replaced_another_cannot_be_annulled(kpr_world):
    old = kpr_world.line.decision
    new = kpr_world.grant(kpr_world.kari, kpr_world.east_unit).decision
    new.replaces = old
    new.save()
    leader = kpr_world.user(Role.OFFICE_LEADER, office=kpr_world.east_office)
    with pytest.raises(decision_service.CaseworkError, match="erstatter et tidligere"):
        decision_service.annul(new, leader, reason="Fattet ved en feil i saken.",
                               expected_version=new.version)
    with pytest.raises(decision_service.CaseworkError, match="allerede erstattet"):
        decision_service.annul(old, leader, reason="Fattet ved en feil i saken.",
                               expected_version=old.version)


# -- found by review ----------------------------------------------------------------------

def test_a_held_service_is_neither_cancelled_nor_continued(kpr_world, tmp_path):
    kpr.export(kpr_world.municipality, tmp_path / "first.xml")
    line = kpr_world.ola_line
    line.extent, line.extent_unit = 700, "hours_month"  # 175 hours a week
    line.save()
    due = kpr.plan(kpr_world.municipality)
    assert due.held_back == 1 and due.changes == []  # Ola's start is neither cancelled nor re-sent


def test_an_added_organisation_number_is_a_supplement(kpr_world, tmp_path):
    kpr_world.west_unit.organisation_number = ""
    kpr_world.west_unit.save()
    kpr.export(kpr_world.municipality, tmp_path / "first.xml")
    kpr_world.west_unit.organisation_number = "974256967"
    kpr_world.west_unit.save()
    second = tmp_path / "second.xml"
    kpr.export(kpr_world.municipality, second)
    notification = check_file(second).xpath("//k:Notifikasjon", namespaces=NS)
    assert [n.get("statusNotifikasjon") for n in notification] == ["T"]
    assert notification[0].xpath("k:TjenesteStart/@tjenesteOrgNr", namespaces=NS) == [
        "974256967"]


def test_the_first_since_is_kept_for_later_messages(kpr_world, tmp_path):
    kpr.export(kpr_world.municipality, tmp_path / "first.xml",
               since=TODAY - dt.timedelta(days=10))
    assert kpr.reporting_from(kpr_world.municipality) == TODAY - dt.timedelta(days=10)
    # Kari's start (40 days ago) and Ola's (20 days ago) were history: still not sent.
    assert kpr.plan(kpr_world.municipality).changes == []


def test_a_failed_export_leaves_an_existing_file_alone(kpr_world, tmp_path):
    existing = tmp_path / "last-week.xml"
    existing.write_text("last week's message")
    RegisterContact.objects.update(name="Ingrid\x0bIPLOS")
    with pytest.raises(kpr.ExchangeError, match="kontrolltegn"):
        kpr.export(kpr_world.municipality, existing)
    assert existing.read_text() == "last week's message"
    assert list(tmp_path.iterdir()) == [existing]


def test_two_sends_in_one_second_get_two_files(kpr_world):
    first, second = kpr.default_path(kpr_world.municipality), kpr.default_path(
        kpr_world.municipality)
    assert first != second


class FailingSender:
    def send(self, batch, path):
        raise ConnectionError("the message service is down")


def test_a_send_that_fails_can_be_sent_again(kpr_world, client, settings):
    settings.KPR_SENDER = "tests.exchange.test_kpr_export.FailingSender"
    client.force_login(kpr_world.user(Role.OFFICE_LEADER, office=kpr_world.east_office))
    page = client.post("/kpr/send/", follow=True).content.decode()
    assert "er laget, men ble ikke sendt" in page and "Send på nytt" in page
    batch = KprBatch.objects.get()
    assert batch.sent_at is None and kpr.plan(kpr_world.municipality).changes == []
    settings.KPR_SENDER = "tildel.exchange.senders.FileSender"
    client.post("/kpr/send-pa-nytt/")
    batch.refresh_from_db()
    assert batch.sent_at is not None
    check_file(batch.sender_reference)


def test_a_leader_without_a_municipality_is_refused(kpr_world, client):
    leader = kpr_world.user(Role.OFFICE_LEADER, office=kpr_world.east_office)
    leader.municipalities.clear()
    client.force_login(leader)
    assert client.get("/kpr/").status_code == 403
    assert client.post("/kpr/send/").status_code == 403


def test_the_units_order_says_the_decision_is_annulled(kpr_world, client):
    from tildel.casework.models import Order

    decision = kpr_world.ola_line.decision
    order = Order.objects.create(decision=decision, provider_unit=kpr_world.west_unit)
    order.lines.set([kpr_world.ola_line])
    leader = kpr_world.user(Role.OFFICE_LEADER, office=kpr_world.west_office)
    decision_service.annul(decision, leader, reason="Fattet ved en feil i saken.",
                           expected_version=decision.version)
    client.force_login(kpr_world.user(Role.PROVIDER_LEADER, unit=kpr_world.west_unit))
    page = client.get(f"/bestillinger/{order.pk}/").content.decode()
    assert "Vedtaket bak denne bestillingen er annullert" in page
