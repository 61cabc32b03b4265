"""The rota (turnus) of a housing-and-habilitation unit: its normed capacity in planned
hours per week (report 001). Rules in ``tildel.rules.housing``."""

from __future__ import annotations

from django.db import models

from tildel.organisation.models import ProviderUnit
from tildel.rules.housing import DAYS


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
