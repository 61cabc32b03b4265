"""Hospital stays of the municipality's inhabitants (sykehusopphold), fed by the hospital's
PLO logistics messages (tildel.exchange.plo): admitted, ready for discharge, discharge
cancelled, discharged, death. Report 002: the days a patient waits after being declared
ready for discharge cost the municipality, so the dates are kept as the hospital sent them.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
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
    # The municipality's answer (report 002 l.568-569: the unit takes the patient at once):
    # who follows up, what is prepared for going home, and the day it accepted the patient.
    responsible_unit = models.ForeignKey(
        "organisation.ProviderUnit", on_delete=models.PROTECT, null=True, blank=True,
        related_name="hospital_stays", verbose_name="ansvarlig enhet")
    plan_home_adaptation = models.BooleanField("tilrettelegging av bolig", default=False)
    plan_assistive_devices = models.BooleanField("hjelpemidler", default=False)
    plan_welfare_technology = models.BooleanField("velferdsteknologi", default=False)
    plan_housing_application = models.BooleanField("søknad om bolig", default=False)
    plan_place_application = models.BooleanField("søknad om plass", default=False)
    plan_note = models.TextField("plan for utskrivning", blank=True, max_length=5000)
    accepted_on = models.DateField("kommunen tar imot", null=True, blank=True)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+",
                                    verbose_name="tatt imot av")
    version = models.PositiveIntegerField("versjon", default=0)  # refuses a stale edit
    updated_at = models.DateTimeField("sist endret", auto_now=True)

    PLAN_FIELDS = ("plan_home_adaptation", "plan_assistive_devices",
                   "plan_welfare_technology", "plan_housing_application",
                   "plan_place_application")

    class Meta:
        verbose_name = "sykehusopphold"
        verbose_name_plural = "sykehusopphold"
        ordering = ["-admitted_at", "-id"]
        indexes = [models.Index(fields=["person", "status"])]

    def __str__(self) -> str:
        return f"{self.hospital} fra {self.admitted_at:%d.%m.%Y}"


class DischargeRate(models.Model):
    """Døgnpris for utskrivningsklare pasienter: what the municipality pays the hospital per
    day a patient waits after being ready. Set per year; report 002 gives no figure, the
    national rate is published yearly by the Norwegian Directorate of Health."""

    year = models.PositiveSmallIntegerField("år", unique=True,
                                            validators=[MinValueValidator(2000)])
    daily_rate = models.DecimalField("døgnpris (kr)", max_digits=9, decimal_places=2,
                                     validators=[MinValueValidator(0)])
    source = models.CharField("kilde", max_length=200, blank=True)

    class Meta:
        verbose_name = "døgnpris for utskrivningsklare"
        verbose_name_plural = "døgnpriser for utskrivningsklare"
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}: {self.daily_rate} kr"
