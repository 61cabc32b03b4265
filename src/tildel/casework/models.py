"""Decisions (enkeltvedtak) and their service lines.

This is the core the foundation needs: which services a person has been granted, by
which office, delivered by which unit, from when to when, and how much. Intake,
assessment, letters, complaints and revisions build on it.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from tildel.catalogue.models import ExtentUnit, ServiceVersion
from tildel.organisation.models import AllocationOffice, ProviderUnit
from tildel.people.models import Person


class Decision(models.Model):
    """Enkeltvedtak (forvaltningsloven §§ 23–27): a written decision on services."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Utkast"
        DECIDED = "decided", "Fattet"
        ANNULLED = "annulled", "Annullert"

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="decisions",
                               verbose_name="person")
    allocation_office = models.ForeignKey(AllocationOffice, on_delete=models.PROTECT,
                                          related_name="decisions",
                                          verbose_name="tildelingskontor")
    status = models.CharField("status", max_length=16, choices=Status.choices,
                              default=Status.DRAFT)
    decided_on = models.DateField("vedtaksdato", null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+",
                                   verbose_name="fattet av")
    reasons = models.TextField("begrunnelse", blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "vedtak"
        verbose_name_plural = "vedtak"
        ordering = ["-decided_on", "-id"]

    def __str__(self) -> str:
        return f"Vedtak {self.pk}"


class ServiceLineQuerySet(models.QuerySet):
    def current_or_future(self, day: dt.date):
        """Lines not ended before ``day`` in decided decisions: what a unit serves."""
        return self.filter(
            Q(end__isnull=True) | Q(end__gte=day),
            decision__status=Decision.Status.DECIDED,
        )

    def active_on(self, day: dt.date):
        return self.current_or_future(day).filter(start__lte=day)


class ServiceLine(models.Model):
    """Tjeneste i vedtak: one granted service, its extent, unit and period.

    ``service_version`` freezes the catalogue terms that applied when it was decided.
    """

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="lines",
                                 verbose_name="vedtak")
    service_version = models.ForeignKey(ServiceVersion, on_delete=models.PROTECT,
                                        related_name="+", verbose_name="tjeneste")
    provider_unit = models.ForeignKey(ProviderUnit, on_delete=models.PROTECT,
                                      related_name="service_lines",
                                      verbose_name="tjenesteenhet")
    extent = models.DecimalField("omfang", max_digits=7, decimal_places=2, null=True,
                                 blank=True)
    extent_unit = models.CharField("omfangsenhet", max_length=16, choices=ExtentUnit.choices)
    start = models.DateField("fra")
    end = models.DateField("til", null=True, blank=True)
    end_reason = models.CharField("årsak til avslutning", max_length=200, blank=True)

    objects = ServiceLineQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "tjeneste i vedtak"
        verbose_name_plural = "tjenester i vedtak"
        ordering = ["-start", "id"]
        indexes = [models.Index(fields=["provider_unit", "end"])]
        constraints = [
            models.CheckConstraint(condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                                   name="service_line_ends_after_start"),
            models.CheckConstraint(condition=Q(extent__isnull=True) | Q(extent__gte=0),
                                   name="service_line_extent_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.service_version.name} fra {self.start:%d.%m.%Y}"

    def is_active_on(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or self.end >= day)

    @property
    def extent_display(self) -> str:
        if self.extent is None or self.extent_unit == ExtentUnit.NONE:
            return "–"
        unit = {"hours_week": "t/uke", "hours_month": "t/mnd", "days": "døgn"}[self.extent_unit]
        return f"{self.extent.normalize():f} {unit}".replace(".", ",")
