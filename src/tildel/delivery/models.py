"""Visits (besøk) logged by the provider units, and the imports that brought them in.

Report 004 (Blådal, L4049–4051, L4064): staff log in and out of each home visit on their
mobile phones; the office compares that time with the decision (``rules.delivered_time``).
A visit is one person, one unit, one start: importing the same log again adds nothing.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from tildel.rules.delivered_time import STAFF_ROLES

StaffRole = models.TextChoices("StaffRole", [(code, (code, label))
                                             for code, label in STAFF_ROLES.items()])


class VisitImport(models.Model):
    """Importkjøring: one run of a visit-log file, with its counts and refused rows."""

    class Status(models.TextChoices):
        RUNNING = "running", "Pågår"
        DONE = "done", "Fullført"
        FAILED = "failed", "Avvist"

    file_name = models.CharField("filnavn", max_length=255)
    sha256 = models.CharField("SHA-256", max_length=64, db_index=True)
    started_at = models.DateTimeField("startet", default=timezone.now)
    finished_at = models.DateTimeField("ferdig", null=True, blank=True)
    status = models.CharField("status", max_length=8, choices=Status.choices,
                              default=Status.RUNNING)
    message = models.TextField("melding", blank=True,
                               help_text="Hvorfor hele filen ble avvist.")
    rows_total = models.PositiveIntegerField("rader", default=0)
    rows_imported = models.PositiveIntegerField("importert", default=0)
    rows_duplicate = models.PositiveIntegerField("allerede importert", default=0)
    rows_bad = models.PositiveIntegerField("avvist", default=0)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+",
                                   verbose_name="startet av")
    provider_unit = models.ForeignKey("organisation.ProviderUnit", on_delete=models.PROTECT,
                                      null=True, blank=True, related_name="+",
                                      verbose_name="for enhet")

    class Meta:
        verbose_name = "import av besøkslogg"
        verbose_name_plural = "importer av besøkslogg"
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.file_name} {self.started_at:%d.%m.%Y %H:%M}"

    @property
    def seconds(self) -> float | None:
        if self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()


class VisitImportError(models.Model):
    """Avvist rad: a refused row's line number and reason. Never the row itself, which
    carries a fødselsnummer."""

    import_run = models.ForeignKey(VisitImport, on_delete=models.CASCADE,
                                   related_name="errors", verbose_name="import")
    line = models.PositiveIntegerField("linje")
    reason = models.CharField("årsak", max_length=200)

    class Meta:
        verbose_name = "avvist rad"
        verbose_name_plural = "avviste rader"
        ordering = ["import_run", "line"]

    def __str__(self) -> str:
        return f"Linje {self.line}: {self.reason}"


class Visit(models.Model):
    """Besøk: help delivered to a person by a unit, from start to end (levert tid).

    A year's import writes millions of rows, so the table carries only what pays its way
    (ADR 0008): one index, the unique key (unit, person, start), which also serves the
    foreign keys (they get none of their own), and the foreign keys have no database
    constraint. PostgreSQL checks such a
    constraint with one trigger query per row and key (measured: 22 s per million rows, as
    long as the rest of the import). The import resolves every person and unit against
    their tables inside its transaction, and ``PROTECT`` still refuses to delete a person,
    unit or import that has visits.
    """

    class Source(models.TextChoices):
        IMPORT = "import", "Importert fra besøkslogg"
        MANUAL = "manual", "Registrert manuelt"

    provider_unit = models.ForeignKey("organisation.ProviderUnit", on_delete=models.PROTECT,
                                      related_name="visits", verbose_name="tjenesteenhet",
                                      db_index=False, db_constraint=False)
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT,
                               related_name="visits", verbose_name="person", db_index=False,
                               db_constraint=False)
    start = models.DateTimeField("start")
    end = models.DateTimeField("slutt")
    staff_role = models.CharField("yrkesrolle", max_length=3, choices=StaffRole.choices)
    source = models.CharField("kilde", max_length=6, choices=Source.choices,
                              default=Source.MANUAL)
    import_run = models.ForeignKey(VisitImport, on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="visits", verbose_name="import",
                                   db_index=False, db_constraint=False)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                      null=True, blank=True, related_name="+",
                                      verbose_name="registrert av", db_index=False,
                                      db_constraint=False)
    registered_at = models.DateTimeField("registrert", default=timezone.now)

    class Meta:
        verbose_name = "besøk"
        verbose_name_plural = "besøk"
        ordering = ["start", "id"]
        constraints = [
            # The idempotency key of the import (a rerun adds nothing) and the one index:
            # every question is asked for a unit, about its users, over a period.
            models.UniqueConstraint(fields=["provider_unit", "person", "start"],
                                    name="visit_one_per_unit_person_start"),
            models.CheckConstraint(condition=Q(end__gt=F("start")),
                                   name="visit_ends_after_start"),
        ]

    def __str__(self) -> str:
        local = timezone.localtime(self.start)
        return f"Besøk {local:%d.%m.%Y %H:%M}"

    @property
    def minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)


class UnitChange(models.Model):
    """Endring ved enheten: one row, written by a database trigger, whenever something the
    delivered-time overview counts changes at a unit: a visit, a line of a decided
    decision, a decision decided or annulled, planned hours in an adjustment, a pathway
    service (ADR 0021). The overview keeps its computed month keyed by the unit's rows, so
    any change, by the application, an import or plain SQL, makes it compute again.

    Rows are only ever added: a trigger that updated one row per unit would make a visit
    registered by hand wait for an import's transaction to end. On PostgreSQL a statement
    on the visits writes one row for every unit (``unit_id`` None) rather than keep the
    millions of rows an import writes to find their units.
    """

    #: None: every unit (a statement on the visits, which may touch thousands of units)
    unit_id = models.BigIntegerField("tjenesteenhet", null=True)

    class Meta:
        verbose_name = "endring ved enhet"
        verbose_name_plural = "endringer ved enhet"
        indexes = [models.Index(fields=["unit_id", "id"], name="unit_change_by_unit")]

    def __str__(self) -> str:
        return f"Endring {self.pk} ved enhet {self.unit_id}"
