"""``tildel import_accounts FILE.csv``: monthly accounts per unit and KOSTRA function.

Rerunning a file replaces the amounts of the months it holds; a file with errors imports
nothing and lists them by row and column.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tildel.financing.accounts import AccountsError, import_accounts
from tildel.organisation.models import Municipality


class Command(BaseCommand):
    help = "Importer regnskap per enhet og måned (CSV: unit, month, amount, function)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--municipality", help="Kommunenummer (standard: den første).")

    def handle(self, *args, file: Path, municipality: str | None, **options):
        if not file.is_file():
            raise CommandError(f"Fant ikke filen {file}.")
        found = Municipality.objects.all()
        if municipality:
            found = found.filter(number=municipality)
        target = found.first()
        if target is None:
            raise CommandError("Fant ingen kommune.")
        try:
            with file.open("rb") as stream:
                result = import_accounts(stream, target, file.name)
        except AccountsError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"{result.created} nye og {result.updated} oppdaterte "
                          f"regnskapsposter fra {file.name}.")
