"""Backup and restore (issue 10, item 3): ``tildel backup`` then ``tildel restore`` gives
back every row of every table as it was when the backup was taken, on SQLite and on
PostgreSQL; a damaged file is refused and the database left as it is."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from tildel.accounts.models import Role
from tildel.casework.models import ServiceLine
from tildel.people.models import Person

# Real commits (a backup sees only those). Each test flushes every table when it ends.
pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True),
              pytest.mark.usefixtures("migration_data_put_back")]


def snapshot() -> dict[str, list[str]]:
    """Every row of every table, as text, in a stable order."""
    found = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            found[table] = sorted(repr(row) for row in cursor.fetchall())
    return found


@pytest.fixture
def stored(world):
    person = world.person(given="Ingrid", family="Solberg", birth=dt.date(1933, 7, 2))
    world.grant(person, world.east_unit)
    world.user(Role.CASEWORKER, username="kopi")
    return person


def test_restore_gives_back_every_row_as_it_was_at_the_backup(stored, world, tmp_path):
    path = tmp_path / "kopi.backup"
    call_command("backup", out=path, stdout=open(tmp_path / "out.txt", "w"))  # noqa: SIM115
    before = snapshot()
    assert sum(len(rows) for rows in before.values()) > 50
    # Work after the backup: a changed name, a new person, a deleted service line.
    Person.objects.filter(pk=stored.pk).update(family_name="Endret")
    world.person(given="Ny", family="Etterpå")
    ServiceLine.objects.filter(decision__person=stored).delete()
    assert snapshot() != before
    call_command("restore", str(path), yes=True, stdout=open(tmp_path / "o2.txt", "w"))  # noqa: SIM115
    assert snapshot() == before
    assert Person.objects.get(pk=stored.pk).family_name == "Solberg"
    # Health data: the backup and its checksum are the owner's alone.
    assert path.stat().st_mode & 0o077 == 0
    assert (tmp_path / "kopi.backup.sha256").stat().st_mode & 0o077 == 0


def test_a_table_newer_than_the_backup_does_not_stop_the_restore(stored, tmp_path):
    """After an upgrade a table may exist that the backup does not know, with a foreign key
    to one the backup restores: the restore still replaces everything."""
    path = tmp_path / "kopi.backup"
    call_command("backup", out=path, stdout=open(tmp_path / "out.txt", "w"))  # noqa: SIM115
    before = snapshot()
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE tildel_newer (id integer PRIMARY KEY, person_id integer "
                       "REFERENCES people_person (id))")
        cursor.execute("INSERT INTO tildel_newer VALUES (1, %s)", [stored.pk])
    call_command("restore", str(path), yes=True, stdout=open(tmp_path / "o.txt", "w"))  # noqa: SIM115
    assert snapshot() == before


def test_a_damaged_backup_or_a_missing_yes_restores_nothing(stored, tmp_path):
    path = tmp_path / "kopi.backup"
    call_command("backup", out=path, stdout=open(tmp_path / "out.txt", "w"))  # noqa: SIM115
    Person.objects.filter(pk=stored.pk).update(family_name="Etter kopien")
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(path))
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(CommandError, match="Sjekksummen"):
        call_command("restore", str(path), yes=True)
    with pytest.raises(CommandError, match="Finner ikke sikkerhetskopien"):
        call_command("restore", str(tmp_path / "finnes-ikke"), yes=True)
    (tmp_path / "kopi.backup.sha256").unlink()  # no checksum: refused unless asked
    with pytest.raises(CommandError, match="Finner ikke sjekksummen"):
        call_command("restore", str(path), yes=True)
    assert Person.objects.get(pk=stored.pk).family_name == "Etter kopien"
