from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "tildel.quality"
    verbose_name = "Datakvalitet"
