"""``tildel export --out FILE.jsonl``: the municipality's persons, decisions, pathways,
assessments and delivered time in Tildel's exchange format (docs/exchange.md § Import)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console

from tildel.console import progress_bar
from tildel.exchange import jsonl
from tildel.organisation.models import Municipality


class Command(BaseCommand):
    help = "Eksporter kommunens data i Tildels utvekslingsformat (JSONL)."

    def add_arguments(self, parser):
        parser.add_argument("--out", type=Path, required=True)
        parser.add_argument("--municipality", metavar="NUMMER")

    def handle(self, *args, out: Path, municipality: str | None, **options):
        found = (Municipality.objects.filter(number=municipality) if municipality
                 else Municipality.objects.all())
        if found.count() != 1:
            raise CommandError("Velg kommune med --municipality NUMMER." if found.exists()
                               else "Fant ingen kommune.")
        console = Console(file=self.stderr, soft_wrap=True)
        try:
            with out.open("w", encoding="utf-8", newline="\n") as target, progress_bar(
                    console, quiet=options["verbosity"] == 0) as progress:
                counts = jsonl.export_file(found.get(), target, progress=progress)
        except OSError as error:
            raise CommandError(f"Kan ikke skrive til {out}: {error}.") from None
        summary = ", ".join(f"{kind} {n}" for kind, n in counts.items())
        self.stdout.write(f"Skrevet til {out}: {summary}.")
