"""The rota (turnus) of a housing-and-habilitation unit: its normed capacity in planned
hours per week (report 001). Rules in ``tildel.rules.housing``."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from tildel.organisation.models import ProviderUnit
from tildel.rules.housing import DAYS, Shift


class RotaShift(models.Model):
    """Vakt i turnus: one position's shift on one weekday, entered or imported."""

    WEEKDAYS = [(i, name.capitalize()) for i, name in enumerate(DAYS)]

    unit = models.ForeignKey(ProviderUnit, on_delete=models.PROTECT, related_name="rota",
                             verbose_name="enhet")
    position = models.CharField("stilling", max_length=60)
    weekday = models.PositiveSmallIntegerField("ukedag", choices=WEEKDAYS)
    start = models.TimeField("fra")
    end = models.TimeField("til")

    class Meta:
        verbose_name = "vakt i turnus"
        verbose_name_plural = "turnus"
        ordering = ["unit", "position", "weekday", "start"]

    def __str__(self) -> str:
        return f"{self.position} {self.get_weekday_display()} {self.start:%H:%M}–{self.end:%H:%M}"

    def as_rule(self) -> Shift:
        return Shift(self.position, self.weekday, self.start, self.end)

    def clean(self) -> None:
        """The same check as the rota screen (admin): no overlap within a position."""
        from django.core.exceptions import ValidationError

        from tildel.rules import housing as rules

        if self.start is None or self.end is None or self.weekday is None:
            return
        if self.start == self.end:
            raise ValidationError({"end": "En vakt kan ikke starte og slutte samme klokkeslett."})
        clash = rules.overlapping(self.as_rule(), (other.as_rule() for other in RotaShift.objects
                                                   .filter(unit_id=self.unit_id)
                                                   .exclude(pk=self.pk)))
        if clash is not None:
            raise ValidationError({"start": rules.overlap_message(clash)})


class IndividualPlan(models.Model):
    """Individuell plan with its koordinator, for a person with long-term, coordinated
    services (report 001 l.1861-1863; helse- og omsorgstjenesteloven §§ 7-1, 7-2)."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT,
                               related_name="individual_plans", verbose_name="person")
    coordinator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="coordinated_plans",
                                    verbose_name="koordinator")
    established_on = models.DateField("opprettet")
    ended_on = models.DateField("avsluttet", null=True, blank=True)

    class Meta:
        verbose_name = "individuell plan"
        verbose_name_plural = "individuelle planer"
        ordering = ["-established_on"]

    def __str__(self) -> str:
        return f"Individuell plan fra {self.established_on:%d.%m.%Y}"


class BpaArrangement(models.Model):
    """Brukerstyrt personlig assistanse: who provides it, the contract, the work supervisor
    (arbeidsleder) and the last inspection (tilsyn), for one granted BPA line (report 001
    l.1504-1533)."""

    class Provider(models.TextChoices):
        MUNICIPAL = "municipal", "Kommunal"
        PRIVATE = "private", "Privat leverandør"

    line = models.OneToOneField("casework.ServiceLine", on_delete=models.PROTECT,
                                related_name="bpa", verbose_name="tjeneste i vedtak")
    provider = models.CharField("tjenesteyter", max_length=10, choices=Provider.choices)
    provider_name = models.CharField("leverandør", max_length=120, blank=True)
    work_supervisor = models.CharField("arbeidsleder", max_length=120)
    contract_from = models.DateField("avtale fra")
    contract_to = models.DateField("avtale til", null=True, blank=True)
    last_inspection = models.DateField("siste tilsyn", null=True, blank=True)
    version = models.PositiveIntegerField("versjon", default=0)

    class Meta:
        verbose_name = "BPA-ordning"
        verbose_name_plural = "BPA-ordninger"

    def __str__(self) -> str:
        return f"BPA ({self.get_provider_display()})"


class RespiteHome(models.Model):
    """Avlastningsbolig: a respite unit's beds and the cycle its stay plans rotate over
    (report 001 l.1459-1461: Molde's 12 weeks). Rules in ``tildel.rules.respite``."""

    unit = models.OneToOneField(ProviderUnit, on_delete=models.PROTECT,
                                related_name="respite_home", verbose_name="enhet")
    beds = models.PositiveSmallIntegerField("senger")
    cycle_weeks = models.PositiveSmallIntegerField("uker i syklusen", default=12)
    cycle_start = models.DateField("syklusens første mandag")

    class Meta:
        verbose_name = "avlastningsbolig"
        verbose_name_plural = "avlastningsboliger"

    def __str__(self) -> str:
        from tildel.rules.respite import beds_text

        return f"{self.unit.name} ({beds_text(self.beds)})"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        errors = {}
        if self.cycle_start is not None and self.cycle_start.weekday() != 0:
            errors["cycle_start"] = "Syklusen må starte på en mandag."
        if self.cycle_weeks is not None and not 1 <= self.cycle_weeks <= 52:
            errors["cycle_weeks"] = "Syklusen må være fra 1 til 52 uker."
        if self.beds is not None and self.beds < 1:
            errors["beds"] = "Boligen må ha minst én seng."
        if errors:
            raise ValidationError(errors)


class RespitePlan(models.Model):
    """Oppholdsplan: the fixed, rotating stays of one respite decision line, matched to the
    home's rota (report 001 l.1459-1461)."""

    line = models.OneToOneField("casework.ServiceLine", on_delete=models.PROTECT,
                                related_name="respite_plan", verbose_name="tjeneste i vedtak")
    home = models.ForeignKey(RespiteHome, on_delete=models.PROTECT, related_name="plans",
                             verbose_name="avlastningsbolig")
    version = models.PositiveIntegerField("versjon", default=0)
    changed_at = models.DateTimeField("endret", auto_now=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+",
                                   verbose_name="endret av")

    class Meta:
        verbose_name = "oppholdsplan"
        verbose_name_plural = "oppholdsplaner"

    def __str__(self) -> str:
        return f"Oppholdsplan ({self.home.unit.name})"


class RespiteStay(models.Model):
    """One stay of an oppholdsplan: arrival in a week of the cycle, nights, departure."""

    WEEKDAYS = RotaShift.WEEKDAYS

    plan = models.ForeignKey(RespitePlan, on_delete=models.CASCADE, related_name="stays",
                             verbose_name="oppholdsplan")
    week = models.PositiveSmallIntegerField("uke i syklusen")
    weekday = models.PositiveSmallIntegerField("ankomstdag", choices=WEEKDAYS)
    arrive = models.TimeField("ankomst")
    nights = models.PositiveSmallIntegerField("døgn")
    leave = models.TimeField("hjem")

    class Meta:
        verbose_name = "opphold"
        verbose_name_plural = "opphold"
        ordering = ["plan", "week", "weekday", "arrive"]

    def __str__(self) -> str:
        from tildel.rules import respite

        return respite.describe(self.as_rule())

    def as_rule(self):
        from tildel.rules import respite

        return respite.Stay(self.week, self.weekday, self.arrive, self.nights, self.leave)
