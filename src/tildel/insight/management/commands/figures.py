"""``tildel figures``: key figures for the whole municipality as JSON, CSV or Excel.

    tildel figures --from 2024-01 --to 2024-12 --by district --format xlsx --out x.xlsx
    tildel figures --from 2024-01 --to 2024-03 --indicators innen-frist,klager --format csv
    tildel figures --monthly-report 2024-12 --out rapport.pdf
    tildel figures --refresh

``--refresh`` computes and stores the whole catalogue for the dashboards of management and
analysts (run it nightly, docs/operations.md); an interrupted run resumes the same day.
Exports read today's stored figures where they cover the request, unless ``--fresh``.

Without ``--out`` JSON and CSV go to standard output; Excel and the PDF report need a file.
``--aggregate`` hides counts of 1–4 as the dashboard does for management and analysts; the
monthly report always does. Progress goes to standard error.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console

from tildel.console import chosen_municipality, progress_bar
from tildel.insight import exports, report, services, store
from tildel.insight.facts import Scope
from tildel.organisation.models import Municipality
from tildel.rules.indicators import GROUPINGS, PERIOD_KINDS


class Command(BaseCommand):
    help = "Skriv nøkkeltall for hele kommunen som JSON, CSV eller Excel, eller månedsrapporten."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="first", metavar="ÅÅÅÅ-MM", help="Første måned.")
        parser.add_argument("--to", dest="last", metavar="ÅÅÅÅ-MM", help="Siste måned.")
        parser.add_argument("--period", default="month",
                            help=f"Periode: {', '.join(PERIOD_KINDS)} (standard month).")
        parser.add_argument("--by", default="district",
                            help=f"Gruppering: {', '.join(GROUPINGS)} (standard district).")
        parser.add_argument("--indicators", metavar="KODER",
                            help="Indikatorkoder skilt med komma (standard: alle).")
        parser.add_argument("--format", help="json, csv eller xlsx (standard: etter --out, "
                                             "ellers json).")
        parser.add_argument("--out", type=Path, help="Skriv til fil.")
        parser.add_argument("--municipality", metavar="NUMMER",
                            help="Kommunenummer (trengs bare når det finnes flere kommuner).")
        parser.add_argument("--aggregate", action="store_true",
                            help="Skjul tall der teller eller nevner er 1–4.")
        parser.add_argument("--refresh", action="store_true",
                            help="Beregn og lagre alle nøkkeltall for dashbordet (nattlig).")
        parser.add_argument("--fresh", action="store_true",
                            help="Beregn fra sakene nå, ikke fra dagens lagrede tall.")
        parser.add_argument("--monthly-report", metavar="ÅÅÅÅ-MM",
                            help="Lag månedsrapporten (PDF) for denne måneden; krever --out.")

    def handle(self, *args, **options):
        try:
            if options["refresh"]:
                return self._refresh(options)
            if options["monthly_report"]:
                return self._report(options)
            return self._export(options)
        except services.InsightError as error:
            raise CommandError(error.message) from None

    def _console(self, options) -> Console:
        return Console(file=self.stderr, soft_wrap=True, quiet=options["verbosity"] == 0)

    def _scope(self, options) -> tuple[Scope, Municipality]:
        municipality = chosen_municipality(options["municipality"])
        return Scope(municipality.pk), municipality

    def _format(self, options) -> str:
        out: Path | None = options["out"]
        suffix = out.suffix.lower().lstrip(".") if out else ""
        fmt = (options["format"] or suffix or "json").lower()
        if fmt not in exports.FORMATS:
            raise CommandError(f"Ukjent format «{fmt}». Velg json, csv eller xlsx.")
        if options["format"] and suffix in exports.FORMATS and suffix != fmt:
            raise CommandError(f"--format {fmt} passer ikke til --out {out}.")
        if fmt == "xlsx" and out is None:
            raise CommandError("Excel må skrives til fil: bruk --out FIL.xlsx.")
        return fmt

    def _export(self, options) -> None:
        if not options["first"] or not options["last"]:
            raise CommandError("Oppgi periode med --from ÅÅÅÅ-MM og --to ÅÅÅÅ-MM "
                               "(eller --monthly-report ÅÅÅÅ-MM).")
        request = services.parse_request(options["indicators"], options["first"],
                                         options["last"], options["period"], options["by"])
        fmt = self._format(options)
        scope, municipality = self._scope(options)
        out: Path | None = options["out"]
        console = self._console(options)
        if out is None:
            figures = services.compute(scope, request, aggregate=options["aggregate"],
                                       fresh=options["fresh"])
            exports.write(figures, fmt, self.stdout)
            return
        with progress_bar(console, quiet=options["verbosity"] == 0) as progress:
            figures = services.compute(scope, request, aggregate=options["aggregate"],
                                       fresh=options["fresh"], progress=progress)
        try:
            exports.write(figures, fmt, out)
        except OSError as error:
            raise CommandError(f"Kan ikke skrive til {out}: {error}.") from error
        console.print(f"{municipality.name}: {len(request.indicators)} indikatorer, "
                      f"{len(request.windows)} perioder, gruppert etter "
                      f"{GROUPINGS[request.by].lower()}. Skrevet til {out}.")

    def _refresh(self, options) -> None:
        others = [flag for flag, name in (("--from", "first"), ("--to", "last"),
                                          ("--monthly-report", "monthly_report"),
                                          ("--indicators", "indicators"), ("--out", "out"),
                                          ("--format", "format"), ("--fresh", "fresh"),
                                          ("--aggregate", "aggregate"))
                  if options[name]]
        others += [flag for flag, name, default in (("--by", "by", "district"),
                                                    ("--period", "period", "month"))
                   if options[name] != default]
        if others:
            raise CommandError(f"--refresh beregner alle nøkkeltall og kan ikke kombineres "
                               f"med {', '.join(others)}.")
        _, municipality = self._scope(options)
        console = self._console(options)
        try:
            with progress_bar(console, quiet=options["verbosity"] == 0) as progress:
                run = store.refresh(municipality, progress=progress)
        except store.StoreBusy as error:
            raise CommandError(str(error)) from None
        seconds = (run.finished_at - run.started_at).total_seconds()
        console.print(f"{municipality.name}: nøkkeltall for {run.first_month:%m.%Y}–"
                      f"{run.last_month:%m.%Y} lagret ({run.sheets.count()} tabeller, "
                      f"{seconds:.0f} s).")

    def _report(self, options) -> None:
        out: Path | None = options["out"]
        if out is None:
            raise CommandError("Månedsrapporten må skrives til fil: bruk --out FIL.pdf.")
        if options["format"] or options["first"] or options["last"]:
            raise CommandError("--monthly-report kan ikke kombineres med --from, --to eller "
                               "--format.")
        month = report.as_month(options["monthly_report"])
        scope, municipality = self._scope(options)
        console = self._console(options)
        with progress_bar(console, quiet=options["verbosity"] == 0) as progress:
            pdf = report.build_monthly_report(scope, month, options["indicators"],
                                              progress=progress, fresh=options["fresh"])
        try:
            out.write_bytes(pdf)
        except OSError as error:
            raise CommandError(f"Kan ikke skrive til {out}: {error}.") from error
        console.print(f"{municipality.name}: nøkkeltall for {report.month_name(month)} "
                      f"skrevet til {out}.")
