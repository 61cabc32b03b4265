from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "tildel.casework"
    verbose_name = "Saksbehandling"
