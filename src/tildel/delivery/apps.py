from django.apps import AppConfig


class DeliveryConfig(AppConfig):
    name = "tildel.delivery"
    verbose_name = "Levert tid"
