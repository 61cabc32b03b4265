"""Routing (fordeling) of cases to caseworkers, team queues and decision forums.

Report 004 describes offices that distribute by district, by the applicant's date of birth
(a portfolio per caseworker), by user group or by service, and services that go to an
intake team, an allocation board or a leaders' meeting. Which goes where is configuration.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from tildel.catalogue.models import Service
from tildel.organisation.models import AllocationOffice, District


class WorkQueue(models.Model):
    """Arbeidskø: a team queue or a decision forum (inntaksteam, tildelingsnemnd, ledermøte)."""

    class Kind(models.TextChoices):
        TEAM = "team", "Teamkø"
        INTAKE = "intake", "Inntaksteam"
        BOARD = "board", "Tildelingsnemnd"
        LEADERS = "leaders", "Ledermøte"

    allocation_office = models.ForeignKey(AllocationOffice, on_delete=models.CASCADE,
                                          related_name="queues", verbose_name="tildelingskontor")
    name = models.CharField("navn", max_length=100)
    kind = models.CharField("type", max_length=16, choices=Kind.choices)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True,
                                     related_name="work_queues", verbose_name="medlemmer")

    history = HistoricalRecords()

    class Meta:
        verbose_name = "arbeidskø"
        verbose_name_plural = "arbeidskøer"
        ordering = ["allocation_office", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_forum(self) -> bool:
        return self.kind in {self.Kind.INTAKE, self.Kind.BOARD, self.Kind.LEADERS}


class UserGroup(models.TextChoices):
    """Brukergruppe by age at receipt (report 004: portfolios by group)."""

    ANY = "any", "Alle"
    CHILDREN = "children", "Barn (0–17 år)"
    ADULTS = "adults", "Voksne (18–66 år)"
    ELDERLY = "elderly", "Eldre (67 år og over)"


class RoutingRule(models.Model):
    """Fordelingsregel: the first matching rule (lowest priority number) decides.

    Empty criteria match everything. ``birth_day_from``/``to`` is the day of the month of
    the applicant's birth date, the portfolio model in report 004.
    """

    allocation_office = models.ForeignKey(AllocationOffice, on_delete=models.CASCADE,
                                          related_name="routing_rules",
                                          verbose_name="tildelingskontor")
    priority = models.PositiveSmallIntegerField("rekkefølge", default=100)
    name = models.CharField("navn", max_length=100)
    district = models.ForeignKey(District, on_delete=models.CASCADE, null=True, blank=True,
                                 related_name="+", verbose_name="distrikt")
    birth_day_from = models.PositiveSmallIntegerField("fødselsdag fra (1–31)", null=True,
                                                      blank=True)
    birth_day_to = models.PositiveSmallIntegerField("fødselsdag til (1–31)", null=True,
                                                    blank=True)
    user_group = models.CharField("brukergruppe", max_length=16, choices=UserGroup.choices,
                                  default=UserGroup.ANY)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, null=True, blank=True,
                                related_name="+", verbose_name="tjeneste")
    target_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                    null=True, blank=True, related_name="+",
                                    verbose_name="til saksbehandler")
    target_queue = models.ForeignKey(WorkQueue, on_delete=models.CASCADE, null=True,
                                     blank=True, related_name="+",
                                     verbose_name="til kø eller forum")
    active = models.BooleanField("aktiv", default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "fordelingsregel"
        verbose_name_plural = "fordelingsregler"
        ordering = ["allocation_office", "priority", "id"]
        constraints = [models.CheckConstraint(
            condition=models.Q(target_user__isnull=False) | models.Q(target_queue__isnull=False),
            name="routing_rule_has_target")]

    def __str__(self) -> str:
        return self.name


class Absence(models.Model):
    """Fravær: while a caseworker is away, new cases go to the cover (stedfortreder)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="absences", verbose_name="saksbehandler")
    start = models.DateField("fra")
    end = models.DateField("til")
    cover = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                              blank=True, related_name="+", verbose_name="stedfortreder")

    class Meta:
        verbose_name = "fravær"
        verbose_name_plural = "fravær"
        ordering = ["-start"]

    def __str__(self) -> str:
        return f"Fravær {self.start:%d.%m.%Y}–{self.end:%d.%m.%Y}"


class ConflictOfInterest(models.Model):
    """Inhabilitet (forvaltningsloven § 6): the caseworker may not handle the case."""

    case = models.ForeignKey("casework.Case", on_delete=models.CASCADE,
                             related_name="conflicts", verbose_name="sak")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             related_name="+", verbose_name="saksbehandler")
    reason = models.CharField("grunn", max_length=200)
    declared_at = models.DateTimeField("meldt", default=timezone.now)

    class Meta:
        verbose_name = "inhabilitet"
        verbose_name_plural = "inhabilitet"
        constraints = [models.UniqueConstraint(fields=["case", "user"],
                                               name="one_conflict_per_user_and_case")]

    def __str__(self) -> str:
        return f"Inhabilitet i sak {self.case_id}"
