"""Service catalogue (tjenestekatalog): national service types and the municipality's services.

National types come from code list 9151 (IPLOS tjenestetype, XSD 56.0.0); retired codes
are kept and marked so history stays readable. Local services map to a national code.

Everything a decision depends on is *versioned by validity period* (gyldig fra/til): a
change creates a new version from a date and closes the previous one, so a decision made
last year still points at the terms that applied then. A change never rewrites history.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords


class NationalServiceType(models.Model):
    """Tjenestetype, Volven/FinnKode 9151 (urn:oid:2.16.578.1.12.4.1.1.9151)."""

    code = models.CharField("kode", max_length=4, primary_key=True)
    name = models.CharField("navn", max_length=200)
    retired = models.BooleanField("utgått", default=False)
    retired_note = models.CharField("merknad om utgått kode", max_length=200, blank=True)

    class Meta:
        verbose_name = "nasjonal tjenestetype (9151)"
        verbose_name_plural = "nasjonale tjenestetyper (9151)"
        ordering = ["retired", "code"]

    def __str__(self) -> str:
        mark = " (utgått)" if self.retired else ""
        return f"{self.code} {self.name}{mark}"


class CareLevel(models.IntegerChoices):
    """Omsorgstrappen (the care staircase): lowest effective level first (LEON)."""

    PREVENTIVE = 1, "1 Forebyggende og lavterskel"
    PRACTICAL = 2, "2 Praktisk bistand og dagtilbud"
    HOME_HEALTH = 3, "3 Helsetjenester i hjemmet"
    HOUSING = 4, "4 Bolig med bemanning"
    SHORT_STAY = 5, "5 Korttids- og avlastningsopphold"
    LONG_STAY = 6, "6 Langtidsopphold"


class ExtentUnit(models.TextChoices):
    """How a decision states the extent of a service (IPLOS: record hours per week)."""

    HOURS_PER_WEEK = "hours_week", "Timer per uke"
    HOURS_PER_MONTH = "hours_month", "Timer per måned"
    DAYS = "days", "Døgn"
    NONE = "none", "Uten omfang"


class ServiceQuerySet(models.QuerySet):
    def named(self, day: dt.date | None = None):
        """With ``current_name`` from the version in force, so a list of services prints
        their names in one query instead of one per service."""
        day = day or dt.date.today()
        versions = ServiceVersion.objects.in_force(day).filter(
            service=models.OuterRef("pk")).order_by("-valid_from")
        return self.annotate(current_name=models.Subquery(versions.values("name")[:1]))


class Service(models.Model):
    """A service the municipality offers (tjeneste), with a stable code.

    Its terms live in :class:`ServiceVersion`; its time norms in :class:`Measure`.
    """

    code = models.SlugField("kode", max_length=40, unique=True)
    national_type = models.ForeignKey(NationalServiceType, on_delete=models.PROTECT,
                                      related_name="services",
                                      verbose_name="nasjonal tjenestetype")
    is_local = models.BooleanField("lokal tjeneste", default=False,
                                   help_text="Kommunens egen tjeneste, rapportert under "
                                             "den nasjonale koden.")
    pathway_required = models.BooleanField(
        "skal registreres i pasientforløp", default=False,
        help_text="Rapport 000 (L3212-3216): hverdagsrehabilitering, velferdsteknologi, "
                  "sykepleieklinikk, fysio- og ergoterapi skal kodes inn i et forløp.")

    history = HistoricalRecords()
    objects = ServiceQuerySet.as_manager()

    class Meta:
        verbose_name = "tjeneste"
        verbose_name_plural = "tjenester"
        ordering = ["code"]

    def __str__(self) -> str:
        named = getattr(self, "current_name", None)
        if named:
            return named
        current = self.version_on(dt.date.today())
        return current.name if current else self.code

    def version_on(self, day: dt.date) -> ServiceVersion | None:
        return ServiceVersion.objects.in_force(day).filter(service=self).first()


class VersionQuerySet(models.QuerySet):
    def in_force(self, day: dt.date):
        return self.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day), valid_from__lte=day)


class Versioned(models.Model):
    """Valid from/to; a new version closes the open one the day before it starts."""

    valid_from = models.DateField("gyldig fra")
    valid_to = models.DateField("gyldig til", null=True, blank=True, editable=False)
    created_at = models.DateTimeField("opprettet", auto_now_add=True)

    objects = VersionQuerySet.as_manager()

    class Meta:
        abstract = True


class ServiceVersion(Versioned):
    """The terms of a service from a date: level, legal basis, decision, charge, revision."""

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="versions",
                                verbose_name="tjeneste")
    name = models.CharField("navn", max_length=200)
    care_level = models.PositiveSmallIntegerField("nivå i omsorgstrappen",
                                                  choices=CareLevel.choices)
    legal_basis = models.CharField("hjemmel", max_length=200)
    decision_required = models.BooleanField("krever vedtak", default=True)
    chargeable = models.BooleanField("egenbetaling", default=False)
    revision_interval_months = models.PositiveSmallIntegerField(
        "revurderingsintervall (måneder)", default=6)
    extent_unit = models.CharField("omfangsenhet", max_length=16, choices=ExtentUnit.choices)
    second_signature_required = models.BooleanField(
        "krever andre signatur", default=False,
        help_text="Vedtak om tjenesten må signeres av to (report 004: to-signaturordning).")

    class Meta:
        verbose_name = "tjenesteversjon"
        verbose_name_plural = "tjenesteversjoner"
        ordering = ["service__code", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["service", "valid_from"],
                                    name="one_service_version_per_start"),
        ]

    def __str__(self) -> str:
        return f"{self.name} (fra {self.valid_from:%d.%m.%Y})"


class Measure(models.Model):
    """Tiltak within a service (e.g. Morgenstell), with versioned time norms (ABI)."""

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="measures",
                                verbose_name="tjeneste")
    name = models.CharField("navn", max_length=120)

    class Meta:
        verbose_name = "tiltak"
        verbose_name_plural = "tiltak"
        ordering = ["service__code", "name"]
        constraints = [
            models.UniqueConstraint(fields=["service", "name"], name="measure_name_per_service"),
        ]

    def __str__(self) -> str:
        return self.name


class TimeNorm(Versioned):
    """Tidsnorm: minutes per performance of a measure (report 000 table 1, L1773-1811)."""

    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="time_norms",
                                verbose_name="tiltak")
    minutes = models.PositiveSmallIntegerField("minutter")

    class Meta:
        verbose_name = "tidsnorm"
        verbose_name_plural = "tidsnormer"
        ordering = ["measure", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "valid_from"],
                                    name="one_time_norm_per_start"),
        ]

    def __str__(self) -> str:
        return f"{self.measure}: {self.minutes} min (fra {self.valid_from:%d.%m.%Y})"
