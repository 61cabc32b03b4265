"""Data the key-figure module (nøkkeltall, issue 6) needs beyond casework.

Inhabitants per age group for coverage rates (report 003), monthly staffing of provider
units (report 001 K7 and K14), the versioned needs grouping of IPLOS scores (report 003),
and decisions on the use of coercion and force (report 001 K8).
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models

from tildel.organisation.models import District, Municipality, ProviderUnit
from tildel.people.models import Person


class AgeBand(models.TextChoices):
    """KOSTRA age groups used for coverage rates (report 003)."""

    UNDER_67 = "0-66", "0–66 år"
    FROM_67_TO_79 = "67-79", "67–79 år"
    FROM_80 = "80+", "80 år og eldre"


class Population(models.Model):
    """Innbyggertall: inhabitants per age band on 1 January of ``year``.

    Shaped like SSB table 07459 (population per region, age and year, per 1 January);
    the denominator of report 003's coverage by age group. ``district`` empty means the
    whole municipality.
    """

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT,
                                     related_name="population", verbose_name="kommune")
    district = models.ForeignKey(District, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="population", verbose_name="distrikt",
                                 help_text="Tomt betyr hele kommunen.")
    year = models.PositiveSmallIntegerField("år", help_text="Per 1. januar.")
    age_band = models.CharField("aldersgruppe", max_length=8, choices=AgeBand.choices)
    inhabitants = models.PositiveIntegerField("innbyggere")

    class Meta:
        verbose_name = "innbyggertall"
        verbose_name_plural = "innbyggertall"
        ordering = ["municipality", "year", "district", "age_band"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "district", "year", "age_band"],
                                    condition=models.Q(district__isnull=False),
                                    name="population_unique_per_district_band"),
            # NULL is distinct in a unique index: the whole-municipality rows get their own.
            models.UniqueConstraint(fields=["municipality", "year", "age_band"],
                                    condition=models.Q(district__isnull=True),
                                    name="population_unique_per_municipality_band"),
        ]

    def __str__(self) -> str:
        where = self.district or self.municipality
        return f"{where} {self.year} {self.get_age_band_display()}: {self.inhabitants}"

    def clean(self) -> None:
        if self.district_id and self.municipality_id and \
                self.district.municipality_id != self.municipality_id:
            raise ValidationError({"district": "Distriktet hører ikke til kommunen."})


class UnitStaffing(models.Model):
    """Bemanning per måned: rostered hours, FTEs and one-to-one measures of one unit.

    Report 001 K7 (L1377-1380: staffing follows decided hours and enetiltak) and K14
    (L2203: årsverk per unit over time).
    """

    provider_unit = models.ForeignKey(ProviderUnit, on_delete=models.PROTECT,
                                      related_name="staffing", verbose_name="tjenesteenhet")
    month = models.DateField("måned", help_text="Første dag i måneden.")
    rostered_hours = models.DecimalField("turnustimer", max_digits=10, decimal_places=2)
    fte = models.DecimalField("årsverk", max_digits=8, decimal_places=2)
    one_to_one_measures = models.PositiveSmallIntegerField("enetiltak", default=0)

    class Meta:
        verbose_name = "bemanning per måned"
        verbose_name_plural = "bemanning per måned"
        ordering = ["provider_unit", "month"]
        constraints = [
            models.UniqueConstraint(fields=["provider_unit", "month"],
                                    name="unit_staffing_one_per_month"),
        ]

    def __str__(self) -> str:
        return f"{self.provider_unit} {self.month:%m.%Y}"

    def clean(self) -> None:
        if self.month and self.month.day != 1:
            raise ValidationError({"month": "Måneden angis med første dag i måneden."})


class NeedsGroupingVersion(models.Model):
    """Behovsgruppering, versjon: thresholds that group users by IPLOS needs.

    Report 003 speaks of "omfattende bistandsbehov" from IPLOS without defining it, so the
    thresholds on the mean of the relevant functional scores (1–5; 9 left out) are
    configurable and versioned: a key figure names the version it used.
    """

    version = models.CharField("versjon", max_length=40, unique=True)
    valid_from = models.DateField("gjelder fra")
    medium_from = models.DecimalField("middels til omfattende fra (snittskår)", max_digits=3,
                                      decimal_places=2, default=Decimal("2.5"))
    extensive_from = models.DecimalField("omfattende fra (snittskår)", max_digits=3,
                                         decimal_places=2, default=Decimal("3.5"))
    note = models.TextField("merknad", blank=True)

    class Meta:
        verbose_name = "behovsgruppering"
        verbose_name_plural = "behovsgrupperinger"
        ordering = ["-valid_from"]

    def __str__(self) -> str:
        return f"Behovsgruppering {self.version}"

    def clean(self) -> None:
        if self.medium_from is not None and self.extensive_from is not None and \
                self.extensive_from <= self.medium_from:
            raise ValidationError({"extensive_from": "Grensen for omfattende behov må være "
                                                     "høyere enn grensen for middels behov."})


class CoercionDecision(models.Model):
    """Vedtak om bruk av tvang og makt (helse- og omsorgstjenesteloven kap. 9).

    Report 001 K8 (L1384-1387): the number of kap. 9 decisions drives staffing in housing
    and habilitation. Statsforvalteren reviews (overprøver) every decision.
    """

    person = models.ForeignKey(Person, on_delete=models.PROTECT,
                               related_name="coercion_decisions", verbose_name="person")
    provider_unit = models.ForeignKey(ProviderUnit, on_delete=models.PROTECT,
                                      related_name="coercion_decisions",
                                      verbose_name="tjenesteenhet")
    decided_on = models.DateField("vedtaksdato")
    valid_from = models.DateField("gjelder fra")
    valid_to = models.DateField("gjelder til", null=True, blank=True)
    measures = models.PositiveSmallIntegerField("antall tiltak", default=1)
    reviewed_by_authority_on = models.DateField("overprøvd av Statsforvalteren", null=True,
                                                blank=True)

    class Meta:
        verbose_name = "vedtak om bruk av tvang og makt"
        verbose_name_plural = "vedtak om bruk av tvang og makt"
        ordering = ["-valid_from"]

    def __str__(self) -> str:
        return f"Kap. 9-vedtak {self.valid_from:%d.%m.%Y}"

    def clean(self) -> None:
        if self.valid_to and self.valid_from and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": "Sluttdato kan ikke være før startdato."})


class FigureRun(models.Model):
    """Lagrede nøkkeltall: one computation of the whole catalogue for a municipality.

    The figures of a whole city take half a minute to compute from the cases; management
    and analysts open the dashboard many times a day. So the catalogue is computed once a
    night (``tildel figures --refresh``) for every grouping and for months, tertials and
    years, and their dashboards read the run finished the same day (ADR 0012). Offices and
    units, drill-downs and "Hele perioden" are always computed from the cases.
    """

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE,
                                     related_name="figure_runs", verbose_name="kommune")
    started_at = models.DateTimeField("startet")
    finished_at = models.DateTimeField("ferdig", null=True, blank=True)
    first_month = models.DateField("første måned")
    last_month = models.DateField("siste måned")
    covers_last = models.DateField("data til og med")
    table_starts = models.JSONField("første dag med data per tabell", default=dict)
    read_at = models.DateTimeField("data lest", null=True, blank=True,
                                   help_text="Da sakene først ble lest i denne beregningen.")
    heartbeat = models.DateTimeField("sist aktiv", null=True, blank=True)
    fingerprint = models.CharField("versjon av indikatorene", max_length=64, blank=True,
                                   help_text="En beregning med kode som ikke lenger gjelder, "
                                             "brukes ikke.")

    class Meta:
        verbose_name = "beregning av nøkkeltall"
        verbose_name_plural = "beregninger av nøkkeltall"
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"Nøkkeltall beregnet {self.started_at:%d.%m.%Y %H:%M}"


class FigureSheet(models.Model):
    """The values of one indicator, period kind and grouping in one run.

    ``cells`` is a list of [period key, group, category, numerator, denominator, value,
    numerator count, denominator count, status] in the order the engine gives them; the
    whole municipality's group is "*", a missing grouping key null.
    """

    run = models.ForeignKey(FigureRun, on_delete=models.CASCADE, related_name="sheets")
    indicator = models.CharField("indikator", max_length=64)
    period = models.CharField("periode", max_length=16)
    grouping = models.CharField("gruppering", max_length=16)
    cells = models.JSONField("verdier")

    class Meta:
        verbose_name = "lagrede nøkkeltall"
        verbose_name_plural = "lagrede nøkkeltall"
        constraints = [models.UniqueConstraint(fields=["run", "indicator", "period", "grouping"],
                                               name="figure_sheet_once_per_run")]

    def __str__(self) -> str:
        return f"{self.indicator} {self.period} {self.grouping}"
