"""Decisions (enkeltvedtak), their service lines and the forums that make them.

A decision is written as a draft, signed (and counter-signed where the catalogue asks), and
then never edited: a revision makes a new decision that replaces the old one from a date
(validity periods, as in openIMIS), and the old one stays readable. The assessment and the
facts are frozen into the decision when it is signed.
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
        AWAITING_SECOND = "awaiting_second", "Venter på andre signatur"
        DECIDED = "decided", "Fattet"
        ANNULLED = "annulled", "Annullert"

    class Outcome(models.TextChoices):
        GRANT = "grant", "Innvilget"
        PARTIAL = "partial", "Delvis innvilget"
        REFUSAL = "refusal", "Avslag"

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

    case = models.ForeignKey("casework.Case", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="decisions", verbose_name="sak")
    outcome = models.CharField("utfall", max_length=16, choices=Outcome.choices,
                               default=Outcome.GRANT)
    legal_basis = models.CharField("hjemmel", max_length=300, blank=True)
    facts = models.TextField("faktiske forhold", blank=True)
    alternative_offered = models.TextField("alternativt tilbud", blank=True)
    valid_from = models.DateField("gjelder fra", null=True, blank=True)
    replaces = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="replaced_by",
                                    verbose_name="erstatter vedtak")
    forum_meeting = models.ForeignKey("casework.ForumMeeting", on_delete=models.PROTECT,
                                      null=True, blank=True, related_name="decisions",
                                      verbose_name="behandlet i møte")
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+",
                                   verbose_name="utkast av")
    signed_at = models.DateTimeField("signert", null=True, blank=True)
    second_signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                         null=True, blank=True, related_name="+",
                                         verbose_name="andre signatur")
    second_signed_at = models.DateTimeField("andre signatur", null=True, blank=True)
    frozen_basis = models.JSONField("beslutningsgrunnlag (låst)", null=True, blank=True,
                                    editable=False)
    reached_party_on = models.DateField("kom fram til parten", null=True, blank=True)
    annulled_at = models.DateTimeField("annullert", null=True, blank=True, editable=False)
    annulled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+",
                                    verbose_name="annullert av", editable=False)
    annulment_reason = models.TextField("grunn til annullering", blank=True, editable=False)
    version = models.PositiveIntegerField("versjon", default=1, editable=False)
    updated_at = models.DateTimeField("sist endret", auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+",
                                   verbose_name="sist endret av")

    history = HistoricalRecords()

    class Meta:
        verbose_name = "vedtak"
        verbose_name_plural = "vedtak"
        ordering = ["-decided_on", "-id"]

    def __str__(self) -> str:
        return f"Vedtak {self.pk}"

    @property
    def reference(self) -> str:
        return f"{self.case.reference}-V{self.pk}" if self.case_id else f"V{self.pk}"

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_decided(self) -> bool:
        return self.status == self.Status.DECIDED

    def needs_second_signature(self) -> bool:
        """The catalogue asks for two signatures on any line of this service. (A decision
        beyond a house's normed capacity needs one too: ``services.decisions.sign`` adds
        that check, tildel.housing.)"""
        return any(line.service_version.second_signature_required
                   for line in self.lines.all())


class ForumMeeting(models.Model):
    """Møte i beslutningsforum (tildelingsnemnd, ledermøte, inntaksteam)."""

    queue = models.ForeignKey("casework.WorkQueue", on_delete=models.PROTECT,
                              related_name="meetings", verbose_name="forum")
    case = models.ForeignKey("casework.Case", on_delete=models.CASCADE, null=True, blank=True,
                             related_name="forum_meetings", verbose_name="sak")
    held_on = models.DateField("møtedato")
    participants = models.TextField("deltakere")
    outcome = models.TextField("konklusjon")

    class Meta:
        verbose_name = "møte i beslutningsforum"
        verbose_name_plural = "møter i beslutningsforum"
        ordering = ["-held_on"]

    def __str__(self) -> str:
        return f"{self.queue} {self.held_on:%d.%m.%Y}"


class ServiceLineQuerySet(models.QuerySet):
    def current_or_future(self, day: dt.date):
        """Lines not ended before ``day`` in decided decisions: what a unit serves."""
        return self.filter(
            Q(end__isnull=True) | Q(end__gte=day),
            decision__status=Decision.Status.DECIDED,
            granted=True,
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
    provider_unit = models.ForeignKey(ProviderUnit, on_delete=models.PROTECT, null=True,
                                      blank=True, related_name="service_lines",
                                      verbose_name="tjenesteenhet")
    granted = models.BooleanField("innvilget", default=True)
    alternative_offered = models.TextField("alternativt tilbud", blank=True)
    goal = models.TextField("mål", blank=True)
    frame = models.TextField("ramme (tillitsmodellen)", blank=True)
    revision_due = models.DateField("revurderes innen", null=True, blank=True)
    extent = models.DecimalField("omfang", max_digits=7, decimal_places=2, null=True,
                                 blank=True)
    extent_unit = models.CharField("omfangsenhet", max_length=16, choices=ExtentUnit.choices)
    start = models.DateField("fra", null=True, blank=True)
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
        if self.start is None:
            return f"{self.service_version.name} (avslått)"
        return f"{self.service_version.name} fra {self.start:%d.%m.%Y}"

    def is_active_on(self, day: dt.date) -> bool:
        started = self.granted and self.start is not None and self.start <= day
        return started and (self.end is None or self.end >= day)

    @property
    def extent_display(self) -> str:
        if self.extent is None or self.extent_unit == ExtentUnit.NONE:
            return "–"
        unit = {"hours_week": "t/uke", "hours_month": "t/mnd", "days": "døgn"}[self.extent_unit]
        return f"{self.extent.normalize():f} {unit}".replace(".", ",")


class ServicePause(models.Model):
    """Midlertidig stans: a service stopped for a while, e.g. during a hospital stay.

    The reason matters for financing: during a hospital or short-term stay a focus user's
    hours above level 4 are not financed; a pause stops all focus financing (report 000
    footnote 33, L2071-2075). The national register reports both as a temporary stop.
    """

    class Reason(models.TextChoices):
        HOSPITAL = "hospital", "Sykehusopphold"
        SHORT_STAY = "short_stay", "Korttidsopphold"
        PAUSED = "paused", "Stans etter ønske eller fravær"

    STAYS = (Reason.HOSPITAL, Reason.SHORT_STAY)

    line = models.ForeignKey(ServiceLine, on_delete=models.CASCADE, related_name="pauses",
                             verbose_name="tjeneste")
    reason = models.CharField("årsak", max_length=16, choices=Reason.choices)
    start = models.DateField("fra")
    end = models.DateField("til", null=True, blank=True)
    registered_at = models.DateTimeField("registrert", auto_now_add=True)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                      null=True, blank=True, related_name="+",
                                      verbose_name="registrert av")

    history = HistoricalRecords()

    class Meta:
        verbose_name = "midlertidig stans"
        verbose_name_plural = "midlertidige stanser"
        ordering = ["line", "-start"]
        constraints = [
            models.CheckConstraint(condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                                   name="service_pause_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} fra {self.start:%d.%m.%Y}"
