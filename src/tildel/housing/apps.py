from django.apps import AppConfig


class HousingConfig(AppConfig):
    name = "tildel.housing"
    label = "housing"
    verbose_name = "Bo og habilitering"
