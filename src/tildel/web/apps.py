from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "tildel.web"
    verbose_name = "Brukergrensesnitt"
