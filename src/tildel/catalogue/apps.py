from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "tildel.catalogue"
    verbose_name = "Tjenestekatalog"
