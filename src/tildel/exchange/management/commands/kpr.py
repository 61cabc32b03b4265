"""``tildel kpr``: continuous reporting to the national register (KPR).

    tildel kpr check                         what is due, and what the register would reject
    tildel kpr export [--since DATO] [--out FIL.xml]
    tildel kpr resend                        send messages made but not taken by the sender
    tildel kpr refresh [--municipality NUMMER]   derive the changed persons' events again
    tildel kpr validate FIL.xml              check any file against XPR(ipl) 56.0.0

``export`` writes what the register has not been told (new events, corrections and
cancellations) as one XPR(ipl) 56.0.0 message, checked against the official schema, and
records it; a rerun with nothing new writes nothing. ``--since`` leaves out new events
before the date (history the previous system reported); corrections of what Tildel has
reported are always sent. Without ``--out`` the message goes to the configured sender
(by default a file in ``var/kpr``).

``refresh`` brings the kept expected events up to date (ADR 0022), for every municipality
unless one is named, without exporting. ``check`` and ``export`` do it first themselves.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console

from tildel.console import chosen_municipality, progress_bar
from tildel.exchange import kpr, kpr_store, kpr_xml, senders
from tildel.organisation.models import Municipality
from tildel.rules import kpr as rules


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"«{text}» er ikke en dato på formen ÅÅÅÅ-MM-DD.") from None


class Command(BaseCommand):
    help = "Rapportering til KPR: sjekk, lag melding (XPR(ipl) 56.0.0) eller valider en fil."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        check = sub.add_parser("check", help="Vis hva som skal meldes og hva KPR ville avvist.")
        export = sub.add_parser("export", help="Lag og send melding med det som ikke er meldt.")
        for p in (check, export):
            p.add_argument("--municipality", metavar="NUMMER",
                           help="Kommunenummer (trengs når det finnes flere kommuner).")
            p.add_argument("--since", metavar="ÅÅÅÅ-MM-DD",
                           help="Nye hendelser fra og med denne datoen.")
        export.add_argument("--out", type=Path, help="Skriv meldingen til denne filen.")
        refresh = sub.add_parser("refresh", help="Oppdater forventede hendelser for personer "
                                                 "med endringer.")
        refresh.add_argument("--municipality", metavar="NUMMER",
                             help="Bare denne kommunen (ellers alle).")
        resend = sub.add_parser("resend", help="Send meldinger som er laget, men ikke sendt.")
        resend.add_argument("--municipality", metavar="NUMMER")
        validate = sub.add_parser("validate", help="Valider en fil mot XPR(ipl) 56.0.0.")
        validate.add_argument("file", type=Path)

    def handle(self, *args, action, **options):
        if action == "validate":
            return self._validate(options["file"])
        if action == "refresh":
            return self._refresh(options["municipality"], options["verbosity"])
        municipality = chosen_municipality(options["municipality"])
        if action == "resend":
            return self._resend(municipality)
        since = _date(options["since"]) if options["since"] else None
        if action == "check":
            return self._check(municipality, since)
        return self._export(municipality, since, options["out"])

    def _check(self, municipality: Municipality, since: dt.date | None) -> None:
        due = kpr.plan(municipality, since=since)
        self.stdout.write(
            f"{municipality.name}: {due.events} hendelser fra tjenestene, {due.reported} meldt "
            f"og gjeldende. Skal meldes: {due.count(rules.Status.ORIGINAL)} nye, "
            f"{due.count(rules.Status.REPLACE)} korrigert, "
            f"{due.count(rules.Status.SUPPLEMENT)} supplert, "
            f"{due.count(rules.Status.CANCEL)} annullert. Holdt tilbake: {due.held_back}.")
        by_message: dict[str, list[int]] = {}
        for problem in due.problems:
            by_message.setdefault(problem.message, []).append(problem.decision_id)
        for message, decisions in sorted(by_message.items(), key=lambda kv: -len(kv[1])):
            shown = ", ".join(str(d) for d in sorted(set(decisions))[:10])
            more = " …" if len(set(decisions)) > 10 else ""
            self.stdout.write(f"  {len(decisions)} × {message} Vedtak: {shown}{more}")

    def _export(self, municipality: Municipality, since: dt.date | None,
                out: Path | None) -> None:
        path = out or kpr.default_path(municipality)
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            batch = kpr.export(municipality, path, since=since)
        except kpr.ExchangeError as error:
            raise CommandError(str(error)) from None
        except kpr_xml.InvalidMessage as error:
            raise CommandError(f"Meldingen ble ikke godkjent av skjemaet og er ikke lagret: "
                               f"{error}") from None
        except OSError as error:
            raise CommandError(f"Kan ikke skrive til {path}: {error}.") from None
        if batch is None:
            self.stdout.write(f"{municipality.name}: ingenting nytt å melde til KPR.")
            return
        if out is None:
            self._deliver(batch)
        self.stdout.write(f"{municipality.name}: {batch.notifications} notifikasjoner skrevet "
                          f"til {path} (melding {batch.pk}), godkjent mot XPR(ipl) 56.0.0.")

    def _deliver(self, batch) -> None:
        try:
            senders.deliver(batch)
        except senders.SendFailed as error:
            raise CommandError(f"{error} Kjør «tildel kpr resend».") from None

    def _resend(self, municipality: Municipality) -> None:
        waiting = senders.unsent(municipality)
        for batch in waiting:
            self._deliver(batch)
        self.stdout.write(f"{municipality.name}: {len(waiting)} meldinger sendt på nytt.")

    def _refresh(self, number: str | None, verbosity: int) -> None:
        municipalities = ([chosen_municipality(number)] if number
                          else list(Municipality.objects.order_by("number")))
        with progress_bar(Console(file=self.stderr), quiet=verbosity == 0) as report:
            for municipality in municipalities:
                step = f"{municipality.name}: forventede hendelser"
                done = [0]

                def progress(count: int, total: int, step=step, done=done) -> None:
                    report(step, count - done[0], total)
                    done[0] = count

                refreshed = kpr_store.refresh(municipality, progress=progress)
                everyone = " (alle)" if refreshed.everyone else ""
                self.stdout.write(f"{municipality.name}: {refreshed.persons} personer "
                                  f"utledet på nytt{everyone}.")

    def _validate(self, path: Path) -> None:
        try:
            count = kpr_xml.validate(path)
        except kpr_xml.InvalidMessage as error:
            raise CommandError(f"{path} er ikke gyldig etter XPR(ipl) 56.0.0: {error}") from None
        except OSError as error:
            raise CommandError(f"Kan ikke lese {path}: {error}.") from None
        self.stdout.write(f"{path}: gyldig etter XPR(ipl) 56.0.0, {count} notifikasjoner.")

