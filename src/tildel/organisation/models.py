"""The municipality's organisation: districts, allocation offices and provider units.

Report 000 §2.1 (Stavanger): four welfare districts, each with a health and welfare office
(HVK, the allocating authority) and a home-based service unit (the provider). Several
municipalities may share one installation (inter-municipal offices, report 004 §5: 11 %).
"""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from simple_history.models import HistoricalRecords

kommunenummer_validator = RegexValidator(r"^\d{4}$", "Kommunenummer har fire sifre.")
orgnr_validator = RegexValidator(r"^\d{9}$", "Organisasjonsnummer har ni sifre.")


class Municipality(models.Model):
    """Kommune, identified by its four-digit kommunenummer (code list 3403)."""

    number = models.CharField("kommunenummer", max_length=4, unique=True,
                              validators=[kommunenummer_validator])
    name = models.CharField("navn", max_length=100)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "kommune"
        verbose_name_plural = "kommuner"
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


class District(models.Model):
    """Bydel / velferdsdistrikt: the geographic unit people belong to by address."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT,
                                     related_name="districts", verbose_name="kommune")
    number = models.PositiveSmallIntegerField("distriktsnummer")
    name = models.CharField("navn", max_length=100)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "distrikt"
        verbose_name_plural = "distrikter"
        ordering = ["municipality__number", "number"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "number"],
                                    name="district_number_unique_in_municipality"),
        ]

    def __str__(self) -> str:
        return self.name


class AllocationOffice(models.Model):
    """Tildelingskontor / helse- og velferdskontor (HVK): decides and allocates services.

    An office covers one or more districts; an inter-municipal office covers districts of
    several municipalities.
    """

    name = models.CharField("navn", max_length=100, unique=True)
    districts = models.ManyToManyField(District, related_name="allocation_offices",
                                       verbose_name="distrikter")

    history = HistoricalRecords()

    class Meta:
        verbose_name = "tildelingskontor"
        verbose_name_plural = "tildelingskontorer"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ProviderKind(models.TextChoices):
    HOME_NURSING = "home_nursing", "Hjemmesykepleie"
    PRACTICAL_HELP = "practical_help", "Praktisk bistand"
    ENVIRONMENTAL = "environmental", "Miljøtjeneste"
    HOUSING_HABILITATION = "housing_habilitation", "Bo og habilitering"
    INSTITUTION = "institution", "Institusjon"
    EVERYDAY_MASTERY = "everyday_mastery", "Hverdagsmestring"
    RESPITE = "respite", "Avlastning"
    OTHER = "other", "Annet"


class ProviderUnit(models.Model):
    """Utførende tjeneste: the unit that delivers services (report 000: hjemmebaserte tjenester)."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT,
                                     related_name="provider_units", verbose_name="kommune")
    name = models.CharField("navn", max_length=120)
    kind = models.CharField("type", max_length=32, choices=ProviderKind.choices)
    organisation_number = models.CharField("organisasjonsnummer", max_length=9, blank=True,
                                           validators=[orgnr_validator])
    districts = models.ManyToManyField(District, related_name="provider_units", blank=True,
                                       verbose_name="distrikter som betjenes")

    history = HistoricalRecords()

    class Meta:
        verbose_name = "tjenesteenhet"
        verbose_name_plural = "tjenesteenheter"
        ordering = ["municipality__number", "name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"],
                                    name="provider_unit_name_unique_in_municipality"),
        ]

    def __str__(self) -> str:
        return self.name
