"""``tildel api_token BRUKERNAVN [--rotate]``: the API token of a user, for a machine client
(an integration). The token acts as the user: the same role, scope and access log as on
the screens. ``--rotate`` replaces it (the old one stops working at once)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from rest_framework.authtoken.models import Token

from tildel.accounts.models import User


class Command(BaseCommand):
    help = "Lag, vis eller bytt API-nøkkelen til en bruker (for maskinklienter)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--rotate", action="store_true", help="Lag en ny nøkkel.")

    def handle(self, *args, username: str, rotate: bool, **options):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"Fant ingen aktiv bruker «{username}».")
        if rotate:
            Token.objects.filter(user=user).delete()
        token, made = Token.objects.get_or_create(user=user)
        self.stdout.write(f"{'Ny nøkkel' if made else 'Nøkkel'} for {username} "
                          f"({user.get_role_display()}): {token.key}")
        self.stdout.write("Send den som «Authorization: Token <nøkkel>». Oppbevar den som "
                          "et passord.")
