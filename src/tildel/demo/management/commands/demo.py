"""``tildel demo [--size small|medium|city] [--seed N] [--reset]``: the demo municipality."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console

from tildel.console import progress_bar
from tildel.demo.generator import DEMO_PASSWORD, DatabaseNotEmpty, generate
from tildel.demo.sizes import SIZES


class Command(BaseCommand):
    help = "Lag den syntetiske demokommunen (deterministisk for et gitt frø)."

    def add_arguments(self, parser):
        parser.add_argument("--size", choices=sorted(SIZES), default="medium")
        parser.add_argument("--seed", type=int, default=2022)
        parser.add_argument("--as-of", type=dt.date.fromisoformat, default=None,
                            help="Dato dataene skal gjelde per (ÅÅÅÅ-MM-DD); standard i dag.")
        parser.add_argument("--reset", action="store_true",
                            help="Slett eksisterende data før demokommunen lages.")
        parser.add_argument("--if-empty", action="store_true",
                            help="Gjør ingenting hvis databasen allerede har data.")

    def handle(self, *args, size, seed, as_of, reset, if_empty, **options):
        from tildel.demo.generator import database_has_data

        console = Console(file=self.stdout, soft_wrap=True)
        if if_empty and database_has_data():
            console.print("Databasen har allerede data; demokommunen lages ikke på nytt.")
            return
        with progress_bar(console, quiet=options.get("verbosity", 1) == 0) as report:
            try:
                result = generate(size=size, seed=seed, as_of=as_of, reset=reset,
                                  progress=report)
            except DatabaseNotEmpty as error:
                raise CommandError(str(error)) from None
        console.print(
            f"Demokommune {result.municipality}: {result.persons} tjenestemottakere, "
            f"{result.decisions} vedtak, {result.service_lines} tjenester.")
        console.print(f"Demobrukere (passord for alle: {DEMO_PASSWORD}):")
        for login in result.logins:
            console.print(f"  {login.username:<22} {login.role:<24} {login.where}")
