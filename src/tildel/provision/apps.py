from django.apps import AppConfig


class ProvisionConfig(AppConfig):
    name = "tildel.provision"
    verbose_name = "Tjenesteyting"
