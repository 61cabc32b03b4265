"""Fuzz run of every importer (issue 10, item 4): each is given ``EXAMPLES`` (150) damaged
files made from a good sample (see tests/fuzz.py). An importer may refuse a file, with a
Norwegian message, or import what it can and list the rest; it never crashes with any
other error. The number in each test's name is the number of files tried, and each test
checks that that many were."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from openpyxl import Workbook

from tildel.accounts.models import Role
from tildel.delivery import importer as visits
from tildel.delivery.models import VisitImport
from tildel.exchange import jsonl, plo
from tildel.exchange.models import PloMessage
from tildel.exchange.plo_examples import message as plo_message
from tildel.financing import accounts, config, spreadsheet
from tildel.insight import imports as figures

from .fuzz import EXAMPLES, FUZZ_SETTINGS, damaged

pytestmark = pytest.mark.django_db
EXAMPLES_DIR = Path(__file__).resolve().parents[1] / "docs" / "examples"
ORG_NUMBER = "974000001"


def fuzz(sample: bytes, check) -> int:
    """Run ``check`` on EXAMPLES damaged copies of ``sample``; returns how many ran."""
    tried = []

    @FUZZ_SETTINGS
    @given(damaged(sample))
    def run(data: bytes):
        tried.append(len(data))
        check(data)

    run()
    assert len(tried) >= EXAMPLES
    return len(tried)


def refused_in_norwegian(error: Exception) -> None:
    assert str(error).strip(), f"{type(error).__name__} without a message"


@pytest.fixture
def town(world):
    world.east_unit.organisation_number = ORG_NUMBER
    world.east_unit.save()
    world.east_unit.districts.add(world.east)
    world.leader = world.user(Role.PROVIDER_LEADER, unit=world.east_unit)
    world.anna = world.person(given="Anna", family="Berg")
    world.grant(world.anna, world.east_unit, hours=Decimal(24),
                start=dt.date.today() - dt.timedelta(days=90))
    return world


def test_visit_log_import_150_damaged_files(town):
    day = dt.date.today() - dt.timedelta(days=10)
    rows = [f"{ORG_NUMBER};{town.anna.id_number};{day + dt.timedelta(days=n)} 08:00;"
            f"{day + dt.timedelta(days=n)} 08:45;SPL" for n in range(6)]
    sample = "\n".join(["enhet;fødselsnummer;start;slutt;rolle", *rows, ""]).encode()

    def check(data: bytes):
        run = visits.import_file(io.BytesIO(data), "besok.csv", user=town.leader)
        assert run.status in (VisitImport.Status.DONE, VisitImport.Status.FAILED)
        if run.status == VisitImport.Status.FAILED:
            assert run.message

    fuzz(sample, check)


def test_accounts_import_150_damaged_files(town):
    sample = (f"unit;month;amount;function\n{town.east_unit.name};2026-01;1 234 567,50;254\n"
              f"{town.east_unit.name};2026-02;998 000;254\n").encode()

    def check(data: bytes):
        try:
            accounts.import_accounts(io.BytesIO(data), town.municipality, "regnskap.csv")
        except accounts.AccountsError as error:
            refused_in_norwegian(error)

    fuzz(sample, check)


@pytest.mark.parametrize("kind", ["population", "staffing"])
def test_inhabitants_and_staffing_import_150_damaged_files(town, kind):
    if kind == "population":
        sample = (f"year;district;age_band;inhabitants\n2026;{town.east.name};80+;1 500\n"
                  f"2026;{town.west.number};67-79;4000\n2026;;0-66;31000\n").encode()
        load = figures.import_population
    else:
        sample = ("unit;month;rostered_hours;fte;one_to_one_measures\n"
                  f"{town.east_unit.name};2026-03;2100,5;14,2;1\n").encode()
        load = figures.import_staffing

    def check(data: bytes):
        try:
            load(data, town.municipality, "fil.csv")
        except figures.ImportProblem as error:
            refused_in_norwegian(error)

    fuzz(sample, check)


def _user_months_xlsx() -> bytes:
    book = Workbook()
    sheet = book.active
    for row in (EXAMPLES_DIR / "budget-levels.csv").read_text().splitlines()[:40]:
        sheet.append(row.split(","))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_user_month_sheet_150_damaged_files(tmp_path, suffix):
    """The level model's input (brukermåneder), as CSV and as an Excel workbook."""
    if suffix == ".csv":
        sample = (EXAMPLES_DIR / "budget-levels.csv").read_bytes()[:4000]
    else:
        sample = _user_months_xlsx()
    path = tmp_path / f"brukermaaneder{suffix}"

    def check(data: bytes):
        path.write_bytes(data)
        try:
            spreadsheet.read_user_months(path, skip_bad_rows=bool(len(data) % 2))
        except spreadsheet.InputError as error:
            refused_in_norwegian(error)

    fuzz(sample, check)


def test_level_model_settings_150_damaged_files(tmp_path):
    path = tmp_path / "modell.toml"

    def check(data: bytes):
        path.write_bytes(data)
        try:
            config.load_parameters(path)
        except config.ConfigError as error:
            refused_in_norwegian(error)

    fuzz((EXAMPLES_DIR / "model.toml").read_bytes(), check)


def test_exchange_file_import_150_damaged_files(town, tmp_path):
    out = io.StringIO()
    jsonl.export_file(town.municipality, out)
    sample = out.getvalue().encode()
    assert sample.count(b"\n") >= 5
    path = tmp_path / "utveksling.jsonl"

    def check(data: bytes):
        path.write_bytes(data)
        try:
            report = jsonl.import_file(path)
        except jsonl.StopImport as stop:
            refused_in_norwegian(stop)
            return
        assert all(number >= 1 and text for number, text in report.errors)

    fuzz(sample, check)


def test_hospital_message_150_damaged_files(town):
    """PLO messages from the hospital: a message that cannot be used goes to quarantine with
    the reason; a technical fault while acting on it would be a crash caught late."""
    sample = plo_message(town.anna.id_number, plo.ADMITTED,
                         dt.datetime(2026, 11, 2, 14, 5))

    def check(data: bytes):
        kept = plo.receive(data, source="fuzz.xml")
        assert kept.status in PloMessage.Status.values
        assert not kept.reason.startswith("Teknisk feil"), kept.reason

    fuzz(sample, check)


# -- what the fuzz run found, kept as plain examples ------------------------------------------

def test_a_file_with_bare_cr_line_ends_imports_like_any_other(town):
    """Old Mac exports end lines with CR alone; the accounts import crashed on them (500)."""
    data = (f"unit;month;amount;function\r{town.east_unit.name};2026-01;1 234 567,50;254\r"
            f"{town.east_unit.name};2026-02;998 000;254\r").encode()
    result = accounts.import_accounts(io.BytesIO(data), town.municipality, "regnskap.csv")
    assert (result.created, result.updated) == (2, 0)


def test_a_line_the_csv_reader_cannot_read_is_named(town):
    data = b'unit;month;amount;function\n"' + b"x" * 200_000 + b'";2026-01;1;254\n'
    with pytest.raises(accounts.AccountsError,
                       match=r"regnskap\.csv: linje 2 kan ikke leses \(et anførselstegn"):
        list(accounts.import_accounts(io.BytesIO(data), town.municipality, "regnskap.csv"))


@pytest.mark.parametrize(("content", "message"), [
    ("stay_share = 0,5\n".encode("utf-16"), "ikke UTF-8-kodet"),
    (b"bands = " + b"[" * 3000, "for dypt nøstede"),
])
def test_model_settings_in_another_encoding_or_nested_too_deep_are_refused(tmp_path, content,
                                                                           message):
    path = tmp_path / "modell.toml"
    path.write_bytes(content)
    with pytest.raises(config.ConfigError, match=message):
        config.load_parameters(path)
