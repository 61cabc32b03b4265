"""Revisions (revurdering): scheduled, on renewal, or after an event.

MISSION.md § process 10: 6 months by default, per service configurable; a renewal flag two
months before a time-limited decision expires; event-driven after a fall, a hospital stay,
disagreement or a provider's request. A revision ends in a new decision that replaces the
old one from a date.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Revision(models.Model):
    """Revurdering of a decision."""

    class Trigger(models.TextChoices):
        SCHEDULED = "scheduled", "Planlagt revurdering"
        RENEWAL = "renewal", "Tidsbegrenset vedtak løper ut"
        FALL = "fall", "Fall"
        HOSPITAL_STAY = "hospital_stay", "Sykehusopphold"
        DISAGREEMENT = "disagreement", "Uenighet om tjenesten"
        PROVIDER_REQUEST = "provider_request", "Forespørsel fra tjenesteenhet"
        OTHER = "other", "Annet"

    decision = models.ForeignKey("casework.Decision", on_delete=models.PROTECT,
                                 related_name="revisions", verbose_name="vedtak")
    trigger = models.CharField("årsak", max_length=20, choices=Trigger.choices)
    note = models.TextField("merknad", blank=True)
    due_on = models.DateField("frist")
    requested_at = models.DateTimeField("registrert", default=timezone.now)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+", verbose_name="registrert av")
    case = models.OneToOneField("casework.Case", on_delete=models.PROTECT, null=True,
                                blank=True, related_name="revision",
                                verbose_name="revurderingssak")

    class Meta:
        verbose_name = "revurdering"
        verbose_name_plural = "revurderinger"
        ordering = ["due_on"]

    def __str__(self) -> str:
        return f"{self.get_trigger_display()} (frist {self.due_on:%d.%m.%Y})"
