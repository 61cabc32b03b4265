"""``tildel import_visits FILE [--user USERNAME]``: import a visit log with a progress bar.

Safe to run again on the same file (rows already stored are counted, not duplicated), and
to rerun after an interruption: nothing of an unfinished run is kept.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console

from tildel.accounts.models import User
from tildel.console import progress_bar
from tildel.delivery import importer
from tildel.delivery.models import VisitImport

SHOWN_ERRORS = 50


class Command(BaseCommand):
    help = "Importer en besøkslogg (CSV, UTF-8) fra mobil tidsregistrering."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--user", help="Brukernavn: importen registreres på brukeren og "
                                           "begrenses til det brukeren har tilgang til.")

    def handle(self, *args, file: Path, user: str | None, **options):
        console = Console(file=self.stdout, soft_wrap=True)
        if not file.is_file():
            raise CommandError(f"Fant ikke filen {file}.")
        actor = None
        if user:
            actor = User.objects.filter(username=user).first()
            if actor is None:
                raise CommandError(f"Fant ingen bruker med brukernavnet {user}.")
        total = importer.count_lines(file)
        quiet = options.get("verbosity", 1) == 0
        with progress_bar(console, quiet=quiet) as report, file.open("rb") as stream:
            run = importer.import_file(stream, file.name, user=actor, progress=report,
                                       total_lines=total)
        if run.status == VisitImport.Status.FAILED:
            raise CommandError(run.message)
        console.print(f"{run.rows_total} rader: {run.rows_imported} importert, "
                      f"{run.rows_duplicate} allerede importert, {run.rows_bad} avvist "
                      f"({run.seconds:.1f} s). Import nr. {run.pk}.")
        for error in run.errors.all()[:SHOWN_ERRORS]:
            console.print(f"  linje {error.line}: {error.reason}")
        if run.rows_bad > SHOWN_ERRORS:
            console.print(f"  … og {run.rows_bad - SHOWN_ERRORS} til.")
