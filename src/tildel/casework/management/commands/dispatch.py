"""Send letters whose time has come and refresh the status of digital post.

Run it every few minutes (cron or a systemd timer). Safe to rerun: a dispatch is tried
only when due, and each try locks its row.
"""

from django.core.management.base import BaseCommand

from tildel.casework.services import dispatching


class Command(BaseCommand):
    help = "Sender brev som venter, og oppdaterer status for digital post."

    def handle(self, *args, **options):
        tried = dispatching.process_queue()
        refreshed = dispatching.refresh_all()
        self.stdout.write(f"Forsøkt sendt: {tried}. Status oppdatert: {refreshed}.")
