from django.apps import AppConfig


class HospitalConfig(AppConfig):
    name = "tildel.hospital"
    label = "hospital"
    verbose_name = "Sykehusopphold"
