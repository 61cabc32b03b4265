"""The log scan itself finds what it must, and only that (issue 10, item 2)."""

from __future__ import annotations

import datetime as dt
import logging
import random

from tests import logscan
from tildel.rules import identity


def test_the_scan_finds_identity_numbers_in_logs_and_reports_where_not_what(tmp_path):
    number = identity.synthetic_number(dt.date(1944, 5, 17), identity.LegalSex.FEMALE,
                                       random.Random(1))
    spaced = f"{number[:6]} {number[6:]}"
    (tmp_path / "gw0.log").write_text(
        f"INFO tildel.casework Sak 1234 opprettet\n"
        f"WARNING tildel.import Ukjent person {number} på linje 7\n"
        f"INFO tildel.letters sendt til {spaced}\n"
        f"ValueError: {number[:6]}-{number[6:]} ukjent\n"  # a traceback's last line
        f"INFO tildel.delivery rad 12345678901 avvist\n"  # 11 digits, no valid number
        f"INFO tildel.kpr melding 2026112412000012345\n",  # part of a longer number
        encoding="utf-8")
    lines, found = logscan.scan(tmp_path)
    assert lines == 6
    assert found == ["gw0.log, linje 2", "gw0.log, linje 3", "gw0.log, linje 4"]
    assert not any(number in f for f in found)


def test_this_process_keeps_its_log_records_for_the_scan(caplog):
    logging.getLogger("tildel.test").warning("loggskanning %s", "prøve-7f3a")
    logscan.flush()
    kept = "".join(p.read_text(encoding="utf-8") for p in logscan.directory().glob("*.log"))
    assert "loggskanning prøve-7f3a" in kept
