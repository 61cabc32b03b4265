"""Daily: keep the table of changes per unit short (ADR 0021)."""

from django.core.management.base import BaseCommand

from tildel.delivery import month_cache


class Command(BaseCommand):
    help = ("Rydder i endringer per tjenesteenhet, som levert tid bruker for å vite når "
            "tallene må regnes ut på nytt. Trygt å kjøre når som helst.")

    def handle(self, *args, **options):
        removed = month_cache.prune()
        self.stdout.write(f"Fjernet {removed} endringer; alle enheter regnes ut på nytt ved "
                          f"neste visning.")
