"""``tildel budget <model> --year Y [--tertial T]``: budgets per unit, stored in versions.

With ``--input FILE.csv|FILE.xlsx`` the level model runs on a spreadsheet instead of the
database (one row per user and month), so a municipality can try it before migrating;
nothing is stored and the result is written as JSON, CSV or Excel (docs/financing.md).
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console

from tildel.accounts.models import User
from tildel.financing import config, export, services, spreadsheet
from tildel.financing.models import FinancingModel
from tildel.financing.textfiles import gc_paused
from tildel.organisation.models import Municipality
from tildel.rules.financing.budget import ParameterError, kr
from tildel.rules.financing.level_model import DEFAULT_PARAMETERS, level_budget


class Command(BaseCommand):
    help = "Beregn budsjett per tjenesteenhet etter nivåmodell, ABI, ramme eller pris."

    def add_arguments(self, parser):
        parser.add_argument("model", choices=[m.value for m in FinancingModel])
        parser.add_argument("--year", type=int, help="Budsjettår (kreves uten --input).")
        parser.add_argument("--tertial", type=int, choices=(1, 2, 3),
                            help="Tertialgjennomgang: klassifiser på nytt ved tertialstart.")
        parser.add_argument("--input", type=Path, help="CSV eller Excel med én rad per bruker "
                                                       "og måned (bare nivåmodellen).")
        parser.add_argument("--config", type=Path, help="Modellparametre (TOML).")
        parser.add_argument("--format", choices=("json", "csv", "xlsx"), default=None,
                            help="Utformat for --input (standard json).")
        parser.add_argument("--out", type=Path, help="Skriv resultatet til fil.")
        parser.add_argument("--skip-bad-rows", action="store_true",
                            help="Hopp over ugyldige rader i stedet for å stoppe.")
        parser.add_argument("--municipality", help="Kommunenummer (standard: den første).")
        parser.add_argument("--user", help="Brukernavn som registreres som beregnet av.")

    def handle(self, *args, model: str, **options):
        console = Console(file=self.stderr if options["input"] else self.stdout,
                          soft_wrap=True)
        try:
            params = (config.load_parameters(options["config"]) if options["config"]
                      else DEFAULT_PARAMETERS)
            if options["input"]:
                return self._from_spreadsheet(model, params, options, console)
            return self._from_database(model, params, options, console)
        except (ParameterError, spreadsheet.InputError, config.ConfigError) as error:
            raise CommandError(str(error)) from error

    def _from_spreadsheet(self, model, params, options, console):
        if model != FinancingModel.LEVELS:
            raise CommandError("--input gjelder bare nivåmodellen (levels).")
        path: Path = options["input"]
        suffix = options["out"].suffix.lower().lstrip(".") if options["out"] else ""
        fmt = options["format"] or suffix or "json"
        if fmt not in ("json", "csv", "xlsx"):
            raise CommandError(f"--out {options['out']}: filtypen må være .json, .csv eller "
                               f".xlsx.")
        if suffix and suffix != fmt:
            raise CommandError(f"--format {fmt} passer ikke til --out {options['out']}.")
        if fmt == "xlsx" and not options["out"]:
            raise CommandError("Excel må skrives til fil: bruk --out FIL.xlsx.")
        result = spreadsheet.read_user_months(path, known_units=config.units(options["config"]),
                                              skip_bad_rows=options["skip_bad_rows"])
        for problem in result.skipped:
            console.print(f"Hoppet over: {problem}")
        year = options["year"] or result.year
        if year is None:
            years = sorted({row.month.year for row in result.rows})
            raise CommandError(f"{path.name} har måneder fra flere år "
                               f"({', '.join(map(str, years))}), og budsjettet gjelder ett år: "
                               f"velg år med --year eller del filen.")
        if not any(row.month.year == year for row in result.rows):
            raise CommandError(f"{path.name} har ingen rader for {year}.")
        with gc_paused():  # 720,000 rows: see bench/financing_bench.py
            budget = level_budget(result.rows, year, options["tertial"] or 1, params)
        if options["out"]:
            try:
                export.write(budget, fmt, options["out"])
            except OSError as error:
                raise CommandError(f"Kan ikke skrive til {options['out']}: {error}.") from error
            console.print(f"{len(budget.units)} enheter, {kr(budget.total)} fordelt. "
                          f"Skrevet til {options['out']}.")
        else:
            export.write(budget, fmt, self.stdout)

    def _from_database(self, model, params, options, console):
        if not options["year"]:
            raise CommandError("Oppgi budsjettår med --year.")
        municipalities = Municipality.objects.all()
        if options["municipality"]:
            municipalities = municipalities.filter(number=options["municipality"])
        municipality = municipalities.first()
        if municipality is None:
            raise CommandError("Fant ingen kommune.")
        actor = None
        if options["user"]:
            actor = User.objects.filter(username=options["user"]).first()
            if actor is None:
                raise CommandError(f"Fant ingen bruker med brukernavnet {options['user']}.")
        stored, review = services.run_budget(municipality, model, options["year"],
                                             options["tertial"], params, actor)
        console.print(f"{stored}: {stored.units.count()} enheter, {kr(stored.total)} fordelt.")
        for line in stored.lines:
            console.print(f"  {line}")
        for unit in stored.units.select_related("provider_unit"):
            change = ""
            if unit.previous_total is not None:
                change = f" (endring {kr(unit.total - unit.previous_total)})"
            console.print(f"{unit.provider_unit.name}: {kr(unit.total)}{change}")
            for reason in unit.reasons:
                console.print(f"  {reason}")
