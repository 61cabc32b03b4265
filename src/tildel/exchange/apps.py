from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "tildel.exchange"
    label = "exchange"
    verbose_name = "Nasjonal utveksling"
