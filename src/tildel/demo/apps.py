from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "tildel.demo"
    verbose_name = "Demokommune"
