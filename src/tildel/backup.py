"""Backup and restore of the whole database (sikkerhetskopi), for ``tildel backup`` and
``tildel restore`` (docs/operations.md § Backup and restore).

- PostgreSQL: ``pg_dump`` in its custom format. A restore empties the schema and loads
  the dump in one transaction (``pg_restore`` to SQL, into ``psql``): a restore that fails
  leaves the database as it was. The client must be as new as the server (Debian's
  wrapper picks it).
- SQLite: the online backup API, which copies a consistent snapshot while the server runs.

A backup is written to a temporary name and moved into place when complete, with a
SHA-256 sum beside it (``FILE.sha256``), readable by the owner only; a restore refuses a
file whose sum is missing or does not match.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.utils import timezone


class BackupError(RuntimeError):
    """What went wrong, in Norwegian, for the operator."""


def default_path() -> Path:
    database = connections["default"]
    suffix = "dump" if database.vendor == "postgresql" else "sqlite3"
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    return Path(settings.VAR_DIR) / "backup" / f"tildel-{stamp}.{suffix}"


def backup(path: Path) -> Path:
    """Write a backup of the default database to ``path``; returns the checksum file.

    The folder and files are the owner's alone (health data). The checksum is made from
    the finished temporary file and written before the backup takes its real name, so a
    file under the real name always has its checksum beside it."""
    path = Path(path)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    checksum = path.with_name(path.name + ".sha256")
    database = connections["default"]
    previous = os.umask(0o077)
    try:
        if database.vendor == "postgresql":
            _run([_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
                  f"--file={partial}", *_connection_arguments()], "pg_dump")
        else:
            database.ensure_connection()
            target = sqlite3.connect(partial)
            try:
                database.connection.backup(target)
            finally:
                target.close()
        checksum.write_text(f"{_sha256(partial)}  {path.name}\n", encoding="utf-8")
        os.replace(partial, path)
    finally:
        os.umask(previous)
        partial.unlink(missing_ok=True)
    return checksum


def restore(path: Path, *, without_checksum: bool = False) -> None:
    """Replace the default database's contents with the backup in ``path``, all or
    nothing. The backup's checksum file must match unless ``without_checksum``."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"Finner ikke sikkerhetskopien {path}.")
    if not without_checksum:
        _check(path)
    database = connections["default"]
    if database.vendor == "postgresql":
        _restore_postgresql(path)
        return
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        try:
            healthy = source.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            tildel = source.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND "
                                    "name = 'django_migrations'").fetchone() is not None
        except sqlite3.DatabaseError as error:
            raise BackupError(f"{path.name} kan ikke leses som en SQLite-database ({error}). "
                              f"Ingenting er gjenopprettet.") from None
        if not healthy or not tildel:
            raise BackupError(f"{path.name} er ikke en hel sikkerhetskopi av Tildel. "
                              f"Ingenting er gjenopprettet.")
        database.ensure_connection()
        try:
            source.backup(database.connection)
        except sqlite3.DatabaseError as error:
            raise BackupError(f"Databasen kunne ikke skrives ({error}). Stopp web- og "
                              f"bakgrunnsprosessene og prøv igjen.") from None
    finally:
        source.close()


def _check(path: Path) -> None:
    checksum = path.with_name(path.name + ".sha256")
    if not checksum.is_file():
        raise BackupError(f"Finner ikke sjekksummen {checksum.name} ved siden av "
                          f"sikkerhetskopien. Gjenopprett med --uten-sjekksum bare hvis du "
                          f"vet at filen er hel.")
    expected = (checksum.read_text(encoding="utf-8", errors="replace").split() or [""])[0]
    if expected != _sha256(path):
        raise BackupError(f"Sjekksummen i {checksum.name} stemmer ikke med {path.name}: "
                          f"filen er endret eller skadet. Ingenting er gjenopprettet.")


def _restore_postgresql(path: Path) -> None:
    """The dump as SQL (pg_restore) into psql in one transaction that first empties the
    schema: tables newer than the backup go too, and a failure anywhere rolls it all back
    (psql is stopped before it can commit a dump cut short)."""
    database = connections["default"]
    database.close()
    env = _environment()
    psql = subprocess.Popen(  # noqa: S603 - fixed arguments
        [_tool("psql"), "--no-psqlrc", "--quiet", "--single-transaction",
         "--set=ON_ERROR_STOP=1", *_connection_arguments(dbname=True)],
        stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    dump = subprocess.Popen(  # noqa: S603 - fixed arguments
        [_tool("pg_restore"), "--no-owner", "--no-privileges", "--file=-", str(path)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    with contextlib.suppress(BrokenPipeError):  # psql stopped on an error; it says why
        psql.stdin.write(b"DROP SCHEMA public CASCADE;\nCREATE SCHEMA public;\n")
        shutil.copyfileobj(dump.stdout, psql.stdin, 1 << 20)
    dump_errors = dump.stderr.read().decode(errors="replace")
    if dump.wait() != 0:
        psql.kill()  # the transaction is never committed
        psql.wait()
        raise BackupError(f"pg_restore kunne ikke lese sikkerhetskopien: "
                          f"{_first_error(dump_errors)} Ingenting er gjenopprettet.")
    with contextlib.suppress(BrokenPipeError):
        psql.stdin.close()
    errors = psql.stderr.read().decode(errors="replace")
    if psql.wait() != 0:
        raise BackupError(f"Gjenopprettingen stoppet: {_first_error(errors)} Ingenting er "
                          f"gjenopprettet.")


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"Finner ikke {name}. Installer PostgreSQL-klienten "
                          f"(apt-get install postgresql-client).")
    return found


def _connection_arguments(*, dbname: bool = False) -> list[str]:
    """The default database's host, port, user and name as pg_dump/pg_restore options
    (the password goes by PGPASSWORD in the environment, never on the command line)."""
    config = connections["default"].settings_dict
    arguments = []
    if config.get("HOST"):
        arguments.append(f"--host={config['HOST']}")
    if config.get("PORT"):
        arguments.append(f"--port={config['PORT']}")
    if config.get("USER"):
        arguments.append(f"--username={config['USER']}")
    arguments.append(f"--dbname={config['NAME']}" if dbname else config["NAME"])
    return arguments


def _environment() -> dict[str, str]:
    config = connections["default"].settings_dict
    env = {**os.environ}
    if config.get("PASSWORD"):
        env["PGPASSWORD"] = config["PASSWORD"]
    return env


def _first_error(text: str) -> str:
    """The first error line, without PostgreSQL's DETAIL and CONTEXT lines (they can quote
    the rows' values)."""
    for line in text.splitlines():
        if "error" in line.lower() or line.startswith(("ERROR", "FATAL", "psql:")):
            return line.strip()[:300]
    return "ukjent feil."


def _run(command: list[str], name: str) -> None:
    done = subprocess.run(command, env=_environment(), capture_output=True,  # noqa: S603
                          text=True, check=False)
    if done.returncode:
        raise BackupError(f"{name} stoppet med feil: {_first_error(done.stderr)}")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        for block in iter(lambda: source.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
