"""Backup and restore of the whole database (sikkerhetskopi), for ``tildel backup`` and
``tildel restore`` (docs/operations.md § Backup and restore).

- PostgreSQL: ``pg_dump`` in its custom format, restored by ``pg_restore`` in one
  transaction (``--clean --if-exists``): a restore that fails leaves the database as it
  was. ``pg_dump`` must be as new as the server (Debian's wrapper picks it).
- SQLite: the online backup API, which copies a consistent snapshot while the server runs.

A backup is written to a temporary name and moved into place when complete, with a
SHA-256 sum beside it (``FILE.sha256``); a restore refuses a file whose sum does not match.
"""

from __future__ import annotations

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
    """Write a backup of the default database to ``path``; returns the checksum file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    database = connections["default"]
    try:
        if database.vendor == "postgresql":
            _run([_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
                  f"--file={partial}", *_connection_arguments()])
        else:
            database.ensure_connection()
            target = sqlite3.connect(partial)
            try:
                database.connection.backup(target)
            finally:
                target.close()
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    checksum = path.with_name(path.name + ".sha256")
    checksum.write_text(f"{_sha256(path)}  {path.name}\n", encoding="utf-8")
    return checksum


def restore(path: Path) -> None:
    """Replace the default database's contents with the backup in ``path``."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"Finner ikke sikkerhetskopien {path}.")
    checksum = path.with_name(path.name + ".sha256")
    if checksum.exists() and checksum.read_text(encoding="utf-8").split()[0] != _sha256(path):
        raise BackupError(f"Sjekksummen i {checksum.name} stemmer ikke med {path.name}: "
                          f"filen er endret eller skadet. Ingenting er gjenopprettet.")
    database = connections["default"]
    if database.vendor == "postgresql":
        database.close()  # the restore drops and recreates the tables
        _run([_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges",
              "--single-transaction", "--exit-on-error", *_connection_arguments(dbname=True),
              str(path)])
        return
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        if source.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise BackupError(f"{path.name} er ikke en hel SQLite-database. Ingenting er "
                              f"gjenopprettet.")
        database.ensure_connection()
        source.backup(database.connection)
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path.name} kan ikke leses som en SQLite-database ({error}). "
                          f"Ingenting er gjenopprettet.") from None
    finally:
        source.close()


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


def _run(command: list[str]) -> None:
    config = connections["default"].settings_dict
    env = {**os.environ}
    if config.get("PASSWORD"):
        env["PGPASSWORD"] = config["PASSWORD"]
    done = subprocess.run(command, env=env, capture_output=True, text=True,  # noqa: S603
                          check=False)
    if done.returncode:
        raise BackupError(f"{Path(command[0]).name} stoppet med feil: "
                          f"{done.stderr.strip()[:500]}")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        for block in iter(lambda: source.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
