"""Nothing lost, nothing sent twice (issue 10, item 3): the dispatch worker (``tildel
dispatch``, a separate process) is killed with SIGKILL in the middle of a batch of letters
to SvarUt, at the worst moment: SvarUt has received a letter but its answer has not
reached the worker. After a restart every letter has been received by SvarUt exactly once
and every dispatch is marked sent. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from collections import Counter
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection
from django.utils import timezone

from tests import logscan
from tildel.accounts.models import Role
from tildel.casework.models import Dispatch, Letter, LetterKind

from ..casework.conftest import open_case
from .conftest import PDF

# Real commits: the worker is another process and sees only those.
pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True),
              pytest.mark.usefixtures("migration_data_put_back")]

LETTERS = 12
#: The worker is killed while SvarUt holds its answer to this send (1-based).
KILLED_AT = 5


class WorkerDatabase:
    """The test database as another process reaches it. PostgreSQL: the same database.
    SQLite (in memory in tests): copied to a file for the worker, and copied back."""

    def __init__(self, folder: Path):
        self.file = folder / "worker.sqlite3"

    def url(self) -> str:
        if connection.vendor == "sqlite":
            connection.ensure_connection()
            target = sqlite3.connect(self.file)
            connection.connection.backup(target)
            target.close()
            return f"sqlite:///{self.file}"
        s = connection.settings_dict
        password = f":{quote(s['PASSWORD'])}" if s["PASSWORD"] else ""
        return (f"postgres://{quote(s['USER'])}{password}@{s['HOST'] or 'localhost'}:"
                f"{s['PORT'] or 5432}/{s['NAME']}")

    def take_back(self) -> None:
        if connection.vendor == "sqlite":
            source = sqlite3.connect(self.file)
            source.backup(connection.connection)
            source.close()


def queued_letters(world, count: int) -> list[Letter]:
    world.caseworker = world.user(Role.CASEWORKER, office=world.east_office)
    made = []
    for n in range(count):
        case = open_case(world, person=world.person(given=f"Brevmottaker{n}"))
        letter = Letter.objects.create(
            case=case, kind=LetterKind.ACKNOWLEDGEMENT, title="Foreløpig svar",
            created_by=world.caseworker, status=Letter.Status.RENDERED, pdf=PDF)
        Dispatch.objects.create(letter=letter, channel="svarut",
                                next_attempt_at=timezone.now())
        made.append(letter)
    return made


def worker(database_url: str, svarut, folder: Path) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": database_url, "TILDEL_DISPATCH_CHANNEL": "svarut",
           "TILDEL_SVARUT_URL": svarut.url, "TILDEL_SVARUT_ACCOUNT": svarut.konto_id,
           "TILDEL_SVARUT_TOKEN": svarut.token, "TILDEL_OUTBOX_DIR": str(folder / "utboks")}
    return subprocess.Popen([sys.executable, "-m", "tildel", "dispatch"],  # noqa: S603
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)


def test_killed_worker_sends_every_letter_exactly_once_after_restart(world, svarut,
                                                                     tmp_path):
    letters = queued_letters(world, LETTERS)
    database = WorkerDatabase(tmp_path)
    url = database.url()

    svarut.hold_send = KILLED_AT
    first = worker(url, svarut, tmp_path)
    try:
        assert svarut.holding.wait(timeout=120), first.communicate(timeout=5)[0]
    finally:
        first.send_signal(signal.SIGKILL)
        killed_output = first.communicate(timeout=30)[0]
    svarut.release.set()
    assert first.returncode == -signal.SIGKILL
    assert len(svarut.forsendelser) == KILLED_AT  # the rest of the batch never started

    second = worker(url, svarut, tmp_path)
    output = second.communicate(timeout=300)[0]
    assert second.returncode == 0, output
    database.take_back()

    received = Counter(f["forsendelse"]["eksternReferanse"]
                       for f in svarut.forsendelser.values())
    assert set(received) == {letter.reference for letter in letters}
    assert set(received.values()) == {1}, "a letter reached SvarUt twice"
    assert len(svarut.sent()) == LETTERS
    dispatches = Dispatch.objects.filter(letter__in=letters)
    assert dispatches.count() == LETTERS  # no duplicate dispatch rows either
    assert set(dispatches.values_list("status", flat=True)) == {Dispatch.Status.SENT}
    # The killed attempt left no trace: the letter held at the kill was tried once more.
    assert sorted(dispatches.values_list("attempts", flat=True)) == [1] * LETTERS
    ids = {d.letter.reference: d.external_id for d in dispatches.select_related("letter")}
    assert ids == {f["forsendelse"]["eksternReferanse"]: fid
                   for fid, f in svarut.forsendelser.items()}
    for letter in letters:
        events = letter.case.events.filter(text__contains="er sendt (svarut)")
        assert events.count() == 1
    # The worker's own output carries no fødselsnummer.
    assert logscan.identity_numbers(killed_output + output) == []
