from django.apps import AppConfig


class PathwaysConfig(AppConfig):
    name = "tildel.pathways"
    verbose_name = "Pasientforløp og hverdagsrehabilitering"
