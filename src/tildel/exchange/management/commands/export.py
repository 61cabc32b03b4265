"""``tildel export --out FILE.jsonl``: the municipality's persons, decisions, pathways,
assessments and delivered time in Tildel's exchange format (docs/exchange.md § Import)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console

from tildel.console import chosen_municipality, progress_bar
from tildel.exchange import jsonl


class Command(BaseCommand):
    help = "Eksporter kommunens data i Tildels utvekslingsformat (JSONL)."

    def add_arguments(self, parser):
        parser.add_argument("--out", type=Path, required=True)
        parser.add_argument("--municipality", metavar="NUMMER")

    def handle(self, *args, out: Path, municipality: str | None, **options):
        chosen = chosen_municipality(municipality)
        console = Console(file=self.stderr, soft_wrap=True)
        try:
            with out.open("w", encoding="utf-8", newline="\n") as target, progress_bar(
                    console, quiet=options["verbosity"] == 0) as progress:
                counts = jsonl.export_file(chosen, target, progress=progress)
        except OSError as error:
            raise CommandError(f"Kan ikke skrive til {out}: {error}.") from None
        summary = ", ".join(f"{kind} {n}" for kind, n in counts.items())
        self.stdout.write(f"Skrevet til {out}: {summary}.")
