"""Uploads are checked by their content (issue 10, item 4): a scanned letter must be the
PDF or image its name says, a CSV must be UTF-8 text. The message is on the field, in
Norwegian, and nothing is saved."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from tildel import uploads
from tildel.casework.models import Enquiry
from tildel.financing.forms import AccountsUploadForm

from .casework import conftest as casework
from .casework.conftest import father

office = casework.office  # the casework fixture, here too

PDF = b"%PDF-1.7\n1 0 obj\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
XLSX = b"PK\x03\x04\x14\x00\x06\x00\x08\x00" + b"\x00" * 20


@pytest.mark.parametrize(("name", "content"), [
    ("brev.pdf", PDF), ("brev.PNG", PNG), ("brev.jpeg", b"\xff\xd8\xff\xe0\x00\x10JFIF"),
    ("brev.tif", b"II*\x00\x08\x00"), ("brev.tiff", b"MM\x00*\x00\x00"),
])
def test_a_scan_of_the_kind_its_name_says_is_accepted(name, content):
    assert uploads.scan_problem(name, content) is None


@pytest.mark.parametrize(("name", "content", "message"), [
    ("brev.pdf", b"<html><script>alert(1)</script>", "ikke en PDF eller et bilde"),
    ("brev.pdf", PNG, "innholdet er PNG"),
    ("brev.png", PDF, "innholdet er PDF"),
    ("brev.exe", b"MZ\x90\x00", "Last opp en PDF eller et bilde"),
    ("brev", PDF, "Last opp en PDF eller et bilde"),
    ("brev.pdf", b"", "ikke en PDF eller et bilde"),
])
def test_a_scan_whose_content_is_not_what_its_name_says_is_refused(name, content, message):
    assert message in uploads.scan_problem(name, content)


@pytest.mark.parametrize(("content", "message"), [
    (XLSX, "Excel-fil"),
    ("enhet;person\n".encode("utf-16"), "UTF-16"),
    ("enhet;person\nBjørg;1\n".encode("latin-1"), "ikke lagret som UTF-8"),
    (b"enhet;person\n\x00\x01\x02", "binære data"),
])
def test_a_csv_that_is_not_utf8_text_is_refused_with_what_to_do(content, message):
    assert message in uploads.text_problem(content, complete=True)


def test_a_character_cut_by_the_end_of_the_head_is_not_a_problem():
    head = ("enhet;person\n" + "Bjørg;1\n" * 10).encode()[:-6]  # "ø" cut in two
    assert head.endswith(b"Bj\xc3")
    assert uploads.text_problem(head, complete=False) is None
    assert uploads.text_problem(head, complete=True) is not None


@settings(max_examples=500, derandomize=True, database=None)
@given(st.binary(max_size=200), st.booleans())
def test_text_check_500_random_heads(head, complete):
    """Never raises; lets through only what is UTF-8 text without NUL (a cut character at
    the end allowed when the head is not the whole file)."""
    problem = uploads.text_problem(head, complete=complete)
    if problem is None:
        assert b"\x00" not in head
        assert not head.startswith((uploads.ZIP, *uploads.UTF16_BOMS))
        ends = [0] if complete else [0, 1, 2, 3]
        assert any(_decodes(head[:len(head) - cut]) for cut in ends if cut <= len(head))


def _decodes(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


@settings(max_examples=500, derandomize=True, database=None)
@given(st.sampled_from(["a.pdf", "a.png", "a.jpg", "a.tiff", "a.doc", "a"]),
       st.one_of(st.binary(max_size=40), st.sampled_from([PDF, PNG]).flatmap(
           lambda start: st.binary(max_size=20).map(lambda rest: start + rest))))
def test_scan_check_500_random_files(name, content):
    """Accepted only when the content starts with the signature of the kind named."""
    if uploads.scan_problem(name, content) is None:
        kind = uploads.document_kind(content)
        assert kind is not None and name.endswith(uploads.SUFFIXES[kind])


def test_accounts_upload_renamed_from_excel_is_refused_on_the_field():
    upload = SimpleUploadedFile("regnskap.csv", XLSX)
    form = AccountsUploadForm(data={}, files={"file": upload})
    assert not form.is_valid()
    assert "Excel-fil" in form.errors["file"][0]


@pytest.mark.django_db
def test_a_web_page_renamed_to_pdf_is_refused_on_screen_and_nothing_saved(office, client,
                                                                          settings,
                                                                          tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    person = father(office)
    client.force_login(office.caseworker)
    scan = SimpleUploadedFile("soknad.pdf", b"<html><script>alert(1)</script></html>",
                              content_type="application/pdf")
    response = client.post(reverse("case-new"), {
        "person": person.pk, "channel": "paper", "sender_name": "Arne Hansen",
        "sender_role": "applicant", "received_at": "2026-01-05T09:00",
        "subject": "Søknad om hjemmesykepleie", "scan": scan})
    assert response.status_code == 200
    assert "ikke en PDF eller et bilde" in response.content.decode()
    assert not Enquiry.objects.exists()
    assert not (tmp_path / "media").exists() or not any((tmp_path / "media").rglob("*.*"))


@pytest.mark.django_db
def test_a_visit_log_that_is_an_excel_file_is_refused_on_screen(world, client):
    from tildel.accounts.models import Role

    leader = world.user(Role.PROVIDER_LEADER, unit=world.east_unit)
    client.force_login(leader)
    upload = io.BytesIO(XLSX)
    upload.name = "besok.csv"
    response = client.post(reverse("delivery-import"), {"file": upload})
    assert response.status_code == 200
    assert "Excel-fil" in response.content.decode()
