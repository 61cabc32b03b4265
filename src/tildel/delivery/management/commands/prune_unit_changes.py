"""Daily: keep the table of changes per unit short (ADR 0021)."""

from django.core.management.base import BaseCommand
from django.db import OperationalError

from tildel.delivery import month_cache


class Command(BaseCommand):
    help = ("Rydder i endringer per tjenesteenhet, som levert tid bruker for å vite når "
            "tallene må regnes ut på nytt. Trygt å kjøre når som helst.")

    def handle(self, *args, **options):
        try:
            removed = month_cache.prune()
        except OperationalError:
            self.stdout.write("En import eller annen skriving holdt tabellen i 10 sekunder; "
                              "ryddingen er hoppet over og gjøres ved neste kjøring.")
            return
        self.stdout.write(f"Fjernet {removed} endringer; alle enheter regnes ut på nytt ved "
                          f"neste visning.")
