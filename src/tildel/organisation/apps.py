from django.apps import AppConfig


class OrganisationConfig(AppConfig):
    name = "tildel.organisation"
    verbose_name = "Organisasjon"
