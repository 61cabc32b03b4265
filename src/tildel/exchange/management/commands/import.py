"""``tildel import FILE.jsonl``: bring history from another system in Tildel's exchange
format (docs/exchange.md § Import). Every record is checked; the good ones are imported
with a progress bar, each bad one is listed with its line and reason. Rerunning the same
file updates, never duplicates (stable ids)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console

from tildel.console import progress_bar
from tildel.exchange import jsonl


class Command(BaseCommand):
    help = "Importer personer, vedtak, forløp, kartlegginger og levert tid fra JSONL."
    # Django's system checks (URLs, admin, templates) concern the web server and took two
    # seconds of every import; ``migrate`` and the server still run them.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--max-errors", type=int, default=50,
                            help="Hvor mange feil som skrives ut (alle telles).")

    def handle(self, *args, file: Path, max_errors: int, **options):
        if not file.is_file():
            raise CommandError(f"Fant ikke {file}.")
        console = Console(file=self.stderr, soft_wrap=True)
        try:
            with progress_bar(console, quiet=options["verbosity"] == 0) as progress:
                report = jsonl.import_file(file, progress=progress)
        except jsonl.StopImport as stop:
            raise CommandError(f"Linje {stop.report.errors[-1][0]}: "
                               f"{stop.report.errors[-1][1]} Ingenting er importert.") from None
        for line, message in report.errors[:max_errors]:
            self.stdout.write(f"Linje {line}: {message}")
        if len(report.errors) > max_errors:
            self.stdout.write(f"… og {len(report.errors) - max_errors} feil til.")
        made = ", ".join(f"{kind} {n}" for kind, n in report.created.items()) or "ingen"
        changed = ", ".join(f"{kind} {n}" for kind, n in report.updated.items()) or "ingen"
        self.stdout.write(f"{report.lines} linjer lest. Nye: {made}. Oppdatert: {changed}. "
                          f"Feil: {len(report.errors)}.")
        if report.errors:
            raise CommandError(f"{len(report.errors)} poster ble ikke importert (se over); "
                               f"de andre er importert.")
