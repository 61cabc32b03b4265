"""``tildel demo_logins``: print the demo users, for `make run`."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from tildel.accounts.models import Role, User
from tildel.demo.generator import DEMO_PASSWORD


class Command(BaseCommand):
    help = "Vis demobrukerne og passordet deres."

    def handle(self, *args, **options):
        users = User.objects.select_related("allocation_office", "provider_unit").order_by("id")
        self.stdout.write(f"Demobrukere (passord for alle: {DEMO_PASSWORD}):")
        for user in users:
            where = user.allocation_office or user.provider_unit or ""
            self.stdout.write(f"  {user.username:<22} {Role(user.role).label:<24} {where}")
