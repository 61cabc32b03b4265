from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "tildel.people"
    verbose_name = "Personer"
