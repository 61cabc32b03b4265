"""Budgets per provider unit (budsjett per tjenesteenhet) and the accounts beside them.

A budget is stored per model, year and tertial in numbered versions, never overwritten:
the tertial review compares a version with the one before it (report 000 L1951-1963).
Accounts (regnskap) are imported monthly per unit and KOSTRA function (report 001).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class FinancingModel(models.TextChoices):
    LEVELS = "levels", "Nivåmodell"
    ABI = "abi", "ABI (aktivitetsbasert inntekt)"
    FRAME = "frame", "Ramme"
    PRICE = "price", "Fast pris per tjeneste"


class Budget(models.Model):
    """Budsjett: one computed version of a model's budget for a year (and tertial)."""

    municipality = models.ForeignKey("organisation.Municipality", on_delete=models.PROTECT,
                                     related_name="+", verbose_name="kommune")
    model = models.CharField("modell", max_length=8, choices=FinancingModel.choices)
    year = models.PositiveSmallIntegerField("år")
    tertial = models.PositiveSmallIntegerField("tertial", null=True, blank=True)
    version = models.PositiveIntegerField("versjon")
    parameters = models.JSONField("parametre", default=dict)
    lines = models.JSONField("forklaring", default=list)
    held_back = models.JSONField("holdt tilbake", default=dict)
    total = models.DecimalField("sum fordelt", max_digits=16, decimal_places=2)
    created_at = models.DateTimeField("beregnet", default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+",
                                   verbose_name="beregnet av")

    class Meta:
        verbose_name = "budsjett"
        verbose_name_plural = "budsjetter"
        ordering = ["-year", "model", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "model", "year", "version"],
                                    name="budget_version_unique"),
            models.CheckConstraint(condition=Q(tertial__isnull=True) | Q(tertial__in=(1, 2, 3)),
                                   name="budget_tertial_1_to_3"),
        ]

    def __str__(self) -> str:
        tertial = f" T{self.tertial}" if self.tertial else ""
        return f"{self.get_model_display()} {self.year}{tertial} v{self.version}"


class BudgetUnit(models.Model):
    """One unit's share of a budget, with users per category and the explanation."""

    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="units",
                               verbose_name="budsjett")
    provider_unit = models.ForeignKey("organisation.ProviderUnit", on_delete=models.PROTECT,
                                      related_name="budgets", verbose_name="tjenesteenhet")
    users = models.JSONField("brukere per kategori", default=dict)
    financed_hours = models.DecimalField("finansierte timer per måned", max_digits=12,
                                         decimal_places=2, default=0)
    parts = models.JSONField("beløp per del", default=dict)
    total = models.DecimalField("budsjett", max_digits=16, decimal_places=2)
    lines = models.JSONField("forklaring", default=list)
    persons = models.JSONField("kategori per bruker", default=dict,
                               help_text="Person-id til kategori, for tertialgjennomgangen.")
    previous_total = models.DecimalField("forrige versjon", max_digits=16, decimal_places=2,
                                         null=True, blank=True)
    reasons = models.JSONField("endringer", default=list)

    class Meta:
        verbose_name = "budsjett for enhet"
        verbose_name_plural = "budsjetter for enheter"
        ordering = ["budget", "provider_unit__name"]
        constraints = [
            models.UniqueConstraint(fields=["budget", "provider_unit"],
                                    name="budget_unit_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.budget}: {self.provider_unit}"

    @property
    def change(self):
        return None if self.previous_total is None else self.total - self.previous_total


class KostraFunction(models.TextChoices):
    """KOSTRA functions of the care services (reference/standards.md)."""

    ACTIVATION = "234", "234 Aktivisering og servicetjenester"
    INSTITUTION = "253", "253 Helse- og omsorgstjenester i institusjon"
    HOME = "254", "254 Helse- og omsorgstjenester til hjemmeboende"
    INSTITUTION_PREMISES = "261", "261 Institusjonslokaler"


class AccountEntry(models.Model):
    """Regnskap: the accounted amount for one unit, month and KOSTRA function."""

    provider_unit = models.ForeignKey("organisation.ProviderUnit", on_delete=models.PROTECT,
                                      related_name="account_entries",
                                      verbose_name="tjenesteenhet")
    month = models.DateField("måned", help_text="Første dag i måneden.")
    kostra_function = models.CharField("KOSTRA-funksjon", max_length=3,
                                       choices=KostraFunction.choices)
    amount = models.DecimalField("beløp", max_digits=14, decimal_places=2)
    imported_at = models.DateTimeField("importert", default=timezone.now)
    file_name = models.CharField("fil", max_length=255, blank=True)

    class Meta:
        verbose_name = "regnskapspost"
        verbose_name_plural = "regnskapsposter"
        ordering = ["provider_unit", "month", "kostra_function"]
        constraints = [
            models.UniqueConstraint(fields=["provider_unit", "month", "kostra_function"],
                                    name="account_entry_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.provider_unit} {self.month:%m.%Y} {self.kostra_function}"
