"""``tildel backup [--out FILE]``: a backup of the whole database (docs/operations.md)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tildel import backup


class Command(BaseCommand):
    help = "Ta sikkerhetskopi av hele databasen (pg_dump, eller SQLite sin backup)."

    def add_arguments(self, parser):
        parser.add_argument("--out", type=Path, help="fil (standard: var/backup/…)")

    def handle(self, *args, out: Path | None, **options):
        path = out or backup.default_path()
        try:
            checksum = backup.backup(path)
        except (backup.BackupError, OSError) as error:
            raise CommandError(f"Sikkerhetskopien ble ikke tatt: {error}") from None
        size = path.stat().st_size / 1024 / 1024
        self.stdout.write(f"Sikkerhetskopi skrevet til {path} ({size:.1f} MB), "
                          f"sjekksum i {checksum.name}.")
