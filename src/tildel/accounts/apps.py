from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "tildel.accounts"
    verbose_name = "Brukere og tilgang"
