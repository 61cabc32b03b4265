"""Complaints (klage) on decisions, pasient- og brukerrettighetsloven §§ 7-2 and 7-5.

The office re-assesses; if it reverses, a new decision is made; if it upholds, the complaint
goes to Statsforvalteren with the case documents and the outcome is recorded when it comes
back. A late complaint is flagged, never refused: the office may still consider it
(forvaltningsloven § 31).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from tildel.rules import deadlines


class Complaint(models.Model):
    """Klage on one decision."""

    class Reassessment(models.TextChoices):
        PENDING = "", "Ikke vurdert"
        REVERSED = "reversed", "Omgjort (helt eller delvis)"
        UPHELD = "upheld", "Opprettholdt"

    class AuthorityOutcome(models.TextChoices):
        PENDING = "", "Ikke avgjort"
        CONFIRMED = "confirmed", "Vedtaket stadfestet"
        REVERSED = "reversed", "Vedtaket omgjort"
        QUASHED = "quashed", "Vedtaket opphevet, sendt tilbake"

    decision = models.ForeignKey("casework.Decision", on_delete=models.PROTECT,
                                 related_name="complaints", verbose_name="vedtak")
    received_on = models.DateField("mottatt")
    complainant = models.CharField("klager", max_length=200)
    text = models.TextField("klagen")
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                      related_name="+", verbose_name="registrert av")
    decision_reached_party_on = models.DateField("vedtaket kom fram til parten")

    reassessment = models.CharField("kontorets vurdering", max_length=16, blank=True,
                                    choices=Reassessment.choices, default=Reassessment.PENDING)
    reassessment_note = models.TextField("begrunnelse for vurderingen", blank=True)
    reassessed_on = models.DateField("vurdert", null=True, blank=True)
    new_decision = models.OneToOneField("casework.Decision", on_delete=models.PROTECT,
                                        null=True, blank=True, related_name="from_complaint",
                                        verbose_name="nytt vedtak")
    forwarded_on = models.DateField("sendt til Statsforvalteren", null=True, blank=True)
    bundle_pdf = models.BinaryField("sakens dokumenter (PDF)", null=True, blank=True,
                                    editable=False)
    authority_outcome = models.CharField("Statsforvalterens avgjørelse", max_length=16,
                                         blank=True, choices=AuthorityOutcome.choices,
                                         default=AuthorityOutcome.PENDING)
    authority_outcome_on = models.DateField("avgjort av Statsforvalteren", null=True,
                                            blank=True)
    authority_note = models.TextField("merknad til avgjørelsen", blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "klage"
        verbose_name_plural = "klager"
        ordering = ["-received_on"]

    def __str__(self) -> str:
        return f"Klage {self.pk}"

    @property
    def deadline(self) -> dt.date:
        """Klagefrist: four weeks from when the decision reached the party (pbrl § 7-5)."""
        return deadlines.complaint_deadline(self.decision_reached_party_on)

    @property
    def is_late(self) -> bool:
        return deadlines.complaint_is_late(self.decision_reached_party_on, self.received_on)

    @property
    def stage(self) -> str:
        if self.authority_outcome:
            return self.get_authority_outcome_display()
        if self.forwarded_on:
            return "Hos Statsforvalteren"
        if self.reassessment:
            return self.get_reassessment_display()
        return "Til vurdering i kontoret"
