from django.apps import AppConfig


class FinancingConfig(AppConfig):
    name = "tildel.financing"
    verbose_name = "Finansiering"
