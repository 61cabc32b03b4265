"""Adjustments within the frame (justering innenfor rammen) and change requests
(endringsmelding) under the trust model. Report 000: the office lost sight of what is
delivered after the trust model; these records give it back."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords


class Adjustment(models.Model):
    """Justering: the provider changes content or time inside the decision's frame."""

    order = models.ForeignKey("casework.Order", on_delete=models.PROTECT,
                              related_name="adjustments", verbose_name="bestilling")
    service_line = models.ForeignKey("casework.ServiceLine", on_delete=models.PROTECT,
                                     related_name="adjustments", verbose_name="tjeneste")
    effective_from = models.DateField("gjelder fra")
    planned_weekly_hours = models.DecimalField("planlagt tid (timer per uke)", max_digits=6,
                                               decimal_places=2, null=True, blank=True)
    change = models.TextField("hva som endres")
    reason = models.TextField("begrunnelse")
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                related_name="+", verbose_name="registrert av")
    made_at = models.DateTimeField("registrert", default=timezone.now)

    class Meta:
        verbose_name = "justering innenfor rammen"
        verbose_name_plural = "justeringer innenfor rammen"
        ordering = ["-made_at"]

    def __str__(self) -> str:
        return f"Justering fra {self.effective_from:%d.%m.%Y}"


class ChangeRequest(models.Model):
    """Endringsmelding: a need outside the frame, with a structured justification."""

    class Kind(models.TextChoices):
        MORE = "more", "Behov for mer hjelp"
        LESS = "less", "Behov for mindre hjelp"
        OTHER_SERVICE = "other_service", "Behov for en annen tjeneste"
        END = "end", "Tjenesten bør avsluttes"

    class Status(models.TextChoices):
        OPEN = "open", "Ubesvart"
        NEW_DECISION = "new_decision", "Besvart med revurdering og nytt vedtak"
        REJECTED = "rejected", "Avslått med begrunnelse"

    order = models.ForeignKey("casework.Order", on_delete=models.PROTECT,
                              related_name="change_requests", verbose_name="bestilling")
    service_line = models.ForeignKey("casework.ServiceLine", on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="change_requests",
                                     verbose_name="tjeneste")
    kind = models.CharField("type", max_length=16, choices=Kind.choices)
    requested_weekly_hours = models.DecimalField("ønsket tid (timer per uke)", max_digits=6,
                                                 decimal_places=2, null=True, blank=True)
    observation = models.TextField("hva som er endret hos brukeren")
    since = models.DateField("siden")
    need = models.TextField("hva som trengs")
    if_not = models.TextField("konsekvens hvis ikke", blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+", verbose_name="sendt av")
    created_at = models.DateTimeField("sendt", default=timezone.now)
    status = models.CharField("status", max_length=16, choices=Status.choices,
                              default=Status.OPEN, db_index=True)
    answered_at = models.DateTimeField("besvart", null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+",
                                    verbose_name="besvart av")
    answer = models.TextField("svar", blank=True)
    revision = models.ForeignKey("casework.Revision", on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="+", verbose_name="revurdering")

    history = HistoricalRecords()

    class Meta:
        verbose_name = "endringsmelding"
        verbose_name_plural = "endringsmeldinger"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Endringsmelding {self.pk}"

    def age_days(self, now=None) -> int:
        """Days since it was sent, up to the answer: both sides see it grow."""
        end = self.answered_at or now or timezone.now()
        return (end - self.created_at).days
