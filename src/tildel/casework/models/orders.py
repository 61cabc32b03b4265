"""Orders (bestilling) from the allocation office to the provider units.

Made when a decision is signed (MISSION.md § process 7): what the unit needs to know to
start. The unit's inbox shows new orders until someone acknowledges them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from tildel.organisation.models import ProviderUnit


class Order(models.Model):
    """Bestilling to one provider unit, for the lines of one decision it delivers."""

    decision = models.ForeignKey("casework.Decision", on_delete=models.PROTECT,
                                 related_name="orders", verbose_name="vedtak")
    provider_unit = models.ForeignKey(ProviderUnit, on_delete=models.PROTECT,
                                      related_name="orders", verbose_name="tjenesteenhet")
    lines = models.ManyToManyField("casework.ServiceLine", related_name="orders",
                                   verbose_name="tjenester")
    created_at = models.DateTimeField("bestilt", default=timezone.now)
    goals = models.TextField("brukerens mål", blank=True)
    practical_information = models.TextField("praktisk informasjon", blank=True)
    contact_persons = models.TextField("kontaktpersoner", blank=True)
    acknowledged_at = models.DateTimeField("kvittert", null=True, blank=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                        null=True, blank=True, related_name="+",
                                        verbose_name="kvittert av")

    class Meta:
        verbose_name = "bestilling"
        verbose_name_plural = "bestillinger"
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["decision", "provider_unit"],
                                               name="one_order_per_unit_and_decision")]

    def __str__(self) -> str:
        return f"Bestilling {self.pk}"
