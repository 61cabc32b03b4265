"""``tildel import_population FILE.csv`` (year, district, age_band, inhabitants) and, with
``--staffing``, staffing per unit and month. Rerunning replaces the numbers a file holds;
a file with errors imports nothing."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tildel.insight.imports import ImportProblem, import_population, import_staffing
from tildel.organisation.models import Municipality


class Command(BaseCommand):
    help = ("Importer innbyggertall per distrikt, år og aldersgruppe (CSV: year, district, "
            "age_band, inhabitants), eller bemanning med --staffing (CSV: unit, month, "
            "rostered_hours, fte, one_to_one_measures).")

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--staffing", action="store_true",
                            help="Filen er bemanning per enhet og måned.")
        parser.add_argument("--municipality", help="Kommunenummer (standard: den første).")

    def handle(self, *args, file: Path, staffing: bool, municipality: str | None, **options):
        if not file.is_file():
            raise CommandError(f"Fant ikke filen {file}.")
        found = Municipality.objects.order_by("number")
        if municipality:
            found = found.filter(number=municipality)
        target = found.first()
        if target is None:
            raise CommandError("Fant ingen kommune.")
        importer = import_staffing if staffing else import_population
        try:
            result = importer(file.read_bytes(), target, file.name)
        except ImportProblem as error:
            raise CommandError(str(error)) from error
        what = "bemanningstall" if staffing else "innbyggertall"
        self.stdout.write(f"{result.created} nye og {result.updated} oppdaterte {what} fra "
                          f"{file.name}.")
