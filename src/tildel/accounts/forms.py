"""Sign-in form with Norwegian messages (Django's nb catalogue lacks some of them)."""

from django.contrib.auth.forms import AuthenticationForm

from tildel.web.accessible_forms import AccessibleErrorsMixin


class LoginForm(AccessibleErrorsMixin, AuthenticationForm):
    error_messages = {
        "invalid_login": "Oppgi korrekt brukernavn og passord. Merk at det skilles mellom "
                         "store og små bokstaver.",
        "inactive": "Denne kontoen er deaktivert.",
    }
