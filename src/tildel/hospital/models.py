"""Hospital stays of the municipality's inhabitants (sykehusopphold), fed by the hospital's
PLO logistics messages (tildel.exchange.plo): admitted, ready for discharge, discharge
cancelled, discharged, death. Report 002: the days a patient waits after being declared
ready for discharge cost the municipality, so the dates are kept as the hospital sent them.
"""

from __future__ import annotations

from django.db import models

from tildel.people.models import Person


class HospitalStay(models.Model):
    """Sykehusopphold: one admission, from the hospital's messages."""

    class Status(models.TextChoices):
        ADMITTED = "admitted", "Innlagt"
        READY = "ready", "Utskrivningsklar"
        DISCHARGED = "discharged", "Utskrevet"
        DIED = "died", "Død"

    class Destination(models.TextChoices):
        HOME = "home", "Hjem"
        INSTITUTION = "institution", "Institusjon"
        ELSEWHERE = "elsewhere", "Annet"

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="hospital_stays",
                               verbose_name="person")
    hospital = models.CharField("sykehus", max_length=200)
    hospital_her_id = models.CharField("HER-id", max_length=20, blank=True)
    department = models.CharField("avdeling", max_length=200, blank=True)
    psychiatric = models.BooleanField("psykisk helsevern", default=False)
    admitted_at = models.DateTimeField("innlagt")
    ready_on = models.DateField("utskrivningsklar", null=True, blank=True)
    discharged_at = models.DateTimeField("utskrevet", null=True, blank=True)
    destination = models.CharField("utskrevet til", max_length=16, choices=Destination.choices,
                                   blank=True)
    status = models.CharField("status", max_length=16, choices=Status.choices,
                              default=Status.ADMITTED)
    case = models.ForeignKey("casework.Case", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="hospital_stays", verbose_name="sak")
    updated_at = models.DateTimeField("sist endret", auto_now=True)

    class Meta:
        verbose_name = "sykehusopphold"
        verbose_name_plural = "sykehusopphold"
        ordering = ["-admitted_at", "-id"]
        indexes = [models.Index(fields=["person", "status"])]

    def __str__(self) -> str:
        return f"{self.hospital} fra {self.admitted_at:%d.%m.%Y}"
