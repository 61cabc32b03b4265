from django.apps import AppConfig


class InsightConfig(AppConfig):
    name = "tildel.insight"
    label = "insight"
    verbose_name = "Nøkkeltall"
