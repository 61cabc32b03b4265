"""``tildel restore FILE --yes``: replace the database's contents with a backup."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tildel import backup


class Command(BaseCommand):
    help = ("Gjenopprett hele databasen fra en sikkerhetskopi. Alt som er lagret etter "
            "kopien ble tatt, går tapt.")

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--yes", action="store_true",
                            help="bekreft at databasens innhold skal erstattes")
        parser.add_argument("--uten-sjekksum", dest="without_checksum", action="store_true",
                            help="gjenopprett selv om sjekksumfilen mangler")

    def handle(self, *args, file: Path, yes: bool, without_checksum: bool, **options):
        if not yes:
            raise CommandError("Gjenoppretting erstatter alt i databasen med sikkerhetskopien. "
                               "Stopp web- og bakgrunnsprosessene, og kjør igjen med --yes.")
        try:
            backup.restore(file, without_checksum=without_checksum)
        except (backup.BackupError, OSError) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Databasen er gjenopprettet fra {file}. Kjør «tildel migrate» "
                          f"hvis kopien er fra en eldre versjon av Tildel.")
