"""Daily: link pathway services to their decisions and make tasks for those past 14 days."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from tildel.pathways.services import check_decisions


class Command(BaseCommand):
    help = ("Kobler tiltak i forløp til vedtak og lager oppgaver for tiltak som har vart mer "
            "enn 14 dager uten vedtak. Trygt å kjøre flere ganger.")

    def handle(self, *args, **options):
        linked, made = check_decisions(timezone.localdate())
        self.stdout.write(f"Koblet til vedtak: {linked}. Nye oppgaver om vedtak: {made}.")
