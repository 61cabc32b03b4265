"""``tildel plo receive FILE|FOLDER ...``: read PLO messages from files (e.g. the folder the
message service's adapter writes to). Every file is kept; one that cannot be used waits in
quarantine with its reason (screen: Sykehusmeldinger). Rerunning on the same files changes
nothing: a message already processed is recorded as a duplicate."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from tildel.exchange import plo, plo_examples
from tildel.exchange.models import PloMessage
from tildel.people.models import Person


class Command(BaseCommand):
    help = "Ta imot PLO-meldinger fra sykehus (XML-filer eller mapper med XML-filer)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        receive = sub.add_parser("receive", help="Les meldinger fra filer eller mapper.")
        receive.add_argument("paths", nargs="+", type=Path)
        example = sub.add_parser("example", help="Skriv en eksempelmelding for en person.")
        example.add_argument("--person", type=int, required=True, help="Personens id.")
        example.add_argument("--type", dest="kind", default="utskrivningsklar",
                             choices=sorted(plo_examples.KINDS))
        example.add_argument("--out", type=Path, required=True)

    def handle(self, *args, action, **options):
        if action == "example":
            return self._example(options)
        paths = options["paths"]
        files: list[Path] = []
        for path in paths:
            if path.is_dir():
                files += sorted(p for p in path.iterdir() if p.suffix.lower() == ".xml")
            elif path.is_file():
                files.append(path)
            else:
                raise CommandError(f"Fant ikke {path}.")
        counts: dict[str, int] = {}
        for path in files:
            with path.open("rb") as source:  # a file over the limit: its start is kept
                message = plo.receive(source.read(plo.MAX_BYTES + 1), source=path.name)
            counts[message.get_status_display()] = counts.get(
                message.get_status_display(), 0) + 1
            if message.status == PloMessage.Status.QUARANTINED:
                self.stdout.write(f"  {path.name}: {message.reason}")
        summary = ", ".join(f"{label.lower()}: {n}" for label, n in sorted(counts.items()))
        self.stdout.write(f"{len(files)} meldinger lest ({summary or 'ingen'}).")

    def _example(self, options) -> None:
        person = Person.objects.filter(pk=options["person"]).first()
        if person is None:
            raise CommandError(f"Fant ingen person med id {options['person']}.")
        content = plo_examples.message(person.id_number, plo_examples.KINDS[options["kind"]],
                                       timezone.localtime(), hospital="Stavanger "
                                       "universitetssjukehus (demo)")
        options["out"].write_bytes(content)
        self.stdout.write(f"Eksempelmelding ({options['kind']}) skrevet til {options['out']}.")
