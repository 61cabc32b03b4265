from django.apps import AppConfig


class PlacesConfig(AppConfig):
    name = "tildel.places"
    label = "places"
    verbose_name = "Plasser og ventelister"
