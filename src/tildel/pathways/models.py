"""Patient pathways (pasientforløp), everyday rehabilitation courses and reablement
episodes (report 000 § 8 and § 4; report 002 l.528-574). Rules: ``tildel.rules.pathways``
and ``tildel.rules.rehabilitation``."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from tildel.rules import pathways as rules
from tildel.rules import rehabilitation


class PathwaySettings(models.Model):
    """Settings of one allocation office for pathways, courses and data-quality alerts."""

    allocation_office = models.OneToOneField("organisation.AllocationOffice",
                                             on_delete=models.CASCADE,
                                             related_name="pathway_settings",
                                             verbose_name="tildelingskontor")
    zero_days = models.PositiveSmallIntegerField(
        "forløp 0: dager", null=True, blank=True, default=7,
        help_text="Lokal kode (rapport 000 L3053-3073). Tomt: ingen frist.")
    one_days = models.PositiveSmallIntegerField(
        "forløp 1: dager", default=14, help_text="Rapport 000: inntil 2 uker (L2948-2962).")
    two_months = models.PositiveSmallIntegerField(
        "forløp 2: måneder", default=2, help_text="Rapport 000: inntil 2 måneder (L3021-3023).")
    three_days = models.PositiveSmallIntegerField(
        "forløp 3: dager", null=True, blank=True, help_text="Lokal kode. Tomt: ingen frist.")
    decision_after_days = models.PositiveSmallIntegerField(
        "vedtak kreves etter (dager)", default=rules.DECISION_AFTER_DAYS,
        help_text="Tiltak som varer mer enn 14 dager krever vedtak (rapport 000 L2958-2962).")
    late_closure_days = models.PositiveSmallIntegerField(
        "avslutning registrert for sent etter (dager)", default=7,
        help_text="Avslutninger registrert lenge etter reell sluttdato (rapport 000 L3381-3387).")
    course_weeks = models.PositiveSmallIntegerField(
        "hverdagsrehabilitering: varighet (uker)", default=rehabilitation.COURSE_WEEKS)
    evaluation_days = models.PositiveSmallIntegerField(
        "hverdagsrehabilitering: evaluering etter (dager)",
        default=rehabilitation.EVALUATION_DAYS)
    iplos_update_days = models.PositiveSmallIntegerField(
        "IPLOS oppdateres innen (dager) etter endring", default=14,
        help_text="Rapport 001: oppdatert IPLOS/ADL innen 14 dager ved endring (3365-3368).")
    order_acknowledge_days = models.PositiveSmallIntegerField(
        "bestilling kvitteres innen (dager)", default=2)

    class Meta:
        verbose_name = "innstillinger for forløp og varsler"
        verbose_name_plural = "innstillinger for forløp og varsler"

    def __str__(self) -> str:
        return f"Forløpsinnstillinger for {self.allocation_office}"

    @classmethod
    def for_office(cls, office_id: int | None) -> PathwaySettings:
        if office_id is None:
            return cls()
        found, _ = cls.objects.get_or_create(allocation_office_id=office_id)
        return found

    @property
    def horizons(self) -> rules.Horizons:
        return rules.Horizons(zero_days=self.zero_days, one_days=self.one_days,
                              two_months=self.two_months, three_days=self.three_days)


class Pathway(models.Model):
    """Pasientforløp: a time-limited pathway a new user, or one with new needs, is placed in."""

    class Code(models.IntegerChoices):
        ZERO = 0, "Forløp 0 – oppfølgingssamtale"
        ONE = 1, "Forløp 1 – inntil 2 uker, uten vedtak"
        TWO = 2, "Forløp 2 – inntil 2 måneder"
        THREE = 3, "Forløp 3 – palliativt"

    class Status(models.TextChoices):
        OPEN = "open", "Åpent"
        CLOSED = "closed", "Avsluttet"

    class Outcome(models.TextChoices):
        NO_FURTHER_SERVICES = rules.Outcome.NO_FURTHER_SERVICES.value, "Ingen videre tjenester"
        REDUCED_SERVICES = rules.Outcome.REDUCED_SERVICES.value, "Reduserte tjenester"
        NEW_DECISION = rules.Outcome.NEW_DECISION.value, "Nytt vedtak"

    case = models.ForeignKey("casework.Case", on_delete=models.PROTECT, related_name="pathways",
                             verbose_name="sak")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT,
                               related_name="pathways", verbose_name="person")
    provider_unit = models.ForeignKey("organisation.ProviderUnit", on_delete=models.PROTECT,
                                      related_name="pathways", verbose_name="tjenesteenhet")
    code = models.PositiveSmallIntegerField("forløp", choices=Code.choices)
    start = models.DateField("start")
    deadline = models.DateField("frist", null=True, blank=True,
                                help_text="Regnet ut fra start og forløpets lengde.")
    status = models.CharField("status", max_length=8, choices=Status.choices,
                              default=Status.OPEN, db_index=True)
    goal = models.TextField("mål for forløpet", blank=True)
    outcome = models.CharField("utfall", max_length=24, choices=Outcome.choices, blank=True)
    real_end = models.DateField("reell sluttdato", null=True, blank=True)
    closed_registered_at = models.DateTimeField("avslutning registrert", null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  null=True, blank=True, related_name="+",
                                  verbose_name="avsluttet av")
    closing_note = models.TextField("merknad ved avslutning", blank=True)
    created_at = models.DateTimeField("registrert", default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+",
                                   verbose_name="registrert av")

    history = HistoricalRecords()

    class Meta:
        verbose_name = "pasientforløp"
        verbose_name_plural = "pasientforløp"
        ordering = ["deadline", "id"]
        indexes = [models.Index(fields=["status", "deadline"]),
                   models.Index(fields=["provider_unit", "status"])]
        constraints = [
            models.CheckConstraint(condition=Q(real_end__isnull=True)
                                   | Q(real_end__gte=models.F("start")),
                                   name="pathway_ends_after_start"),
            models.CheckConstraint(condition=Q(status="open") | Q(real_end__isnull=False),
                                   name="closed_pathway_has_real_end"),
            models.UniqueConstraint(fields=["person"], condition=Q(status="open"),
                                    name="one_open_pathway_per_person"),
        ]

    def __str__(self) -> str:
        return f"Forløp {self.code} fra {self.start:%d.%m.%Y}"

    def days_over(self, today: dt.date) -> int:
        return rules.days_over(self.deadline, closed_on=self.real_end, today=today)

    @property
    def registration_delay(self) -> int | None:
        if self.real_end is None or self.closed_registered_at is None:
            return None
        return rules.registration_delay(self.real_end,
                                        timezone.localtime(self.closed_registered_at).date())


class PathwayServiceQuerySet(models.QuerySet):
    def named(self):
        """With ``service_name`` (the catalogue name in force today) in the same query."""
        from tildel.catalogue.models import ServiceVersion

        versions = ServiceVersion.objects.in_force(timezone.localdate()).filter(
            service=models.OuterRef("service_id")).order_by("-valid_from")
        return self.annotate(service_name=models.Subquery(versions.values("name")[:1]))


class PathwayService(models.Model):
    """Tiltak i forløpet: a service given inside a pathway, with or without a decision."""

    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="services",
                                verbose_name="forløp")
    service = models.ForeignKey("catalogue.Service", on_delete=models.PROTECT, related_name="+",
                                verbose_name="tjeneste")
    provider_unit = models.ForeignKey("organisation.ProviderUnit", on_delete=models.PROTECT,
                                      related_name="pathway_services",
                                      verbose_name="tjenesteenhet")
    start = models.DateField("fra")
    end = models.DateField("til", null=True, blank=True)
    service_line = models.ForeignKey("casework.ServiceLine", on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="pathway_services",
                                     verbose_name="vedtatt tjeneste")
    decision_task = models.OneToOneField("casework.Task", on_delete=models.SET_NULL, null=True,
                                         blank=True, related_name="pathway_service",
                                         verbose_name="oppgave: vedtak")

    objects = PathwayServiceQuerySet.as_manager()

    class Meta:
        verbose_name = "tjeneste i forløp"
        verbose_name_plural = "tjenester i forløp"
        ordering = ["start", "id"]
        indexes = [models.Index(fields=["end", "start"])]
        constraints = [
            models.CheckConstraint(condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                                   name="pathway_service_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.label} fra {self.start:%d.%m.%Y}"

    @property
    def label(self) -> str:
        return getattr(self, "service_name", None) or str(self.service)

    @property
    def has_decision(self) -> bool:
        return self.service_line_id is not None


class Course(models.Model):
    """Hverdagsrehabilitering / hverdagsmestring (time-limited) or reablement after hospital
    (no fixed end, handed over to home nursing when stable; report 002 l.528-536)."""

    class Kind(models.TextChoices):
        EVERYDAY_REHABILITATION = "everyday_rehabilitation", "Hverdagsrehabilitering"
        EVERYDAY_MASTERY = "everyday_mastery", "Hverdagsmestring"
        REABLEMENT = "reablement", "Innsats etter sykehusopphold"

    class Origin(models.TextChoices):
        DECISION = "decision", "Vedtak eller forløp"
        DISCHARGE = "discharge", "Utskrivning fra sykehus"
        DECLINE = "decline", "Funksjonsfall meldt fra hjemmesykepleien"
        ALARM = "alarm", "Trygghetsalarm"

    class Status(models.TextChoices):
        ACTIVE = "active", "Pågår"
        ENDED = "ended", "Avsluttet"
        HANDED_OVER = "handed_over", "Overført til hjemmesykepleien"

    class Outcome(models.TextChoices):
        GOALS_MET = "goals_met", "Målene er nådd"
        PARTLY_MET = "partly_met", "Målene er delvis nådd"
        NOT_MET = "not_met", "Målene er ikke nådd"
        DISCONTINUED = "discontinued", "Avbrutt"

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT,
                               related_name="courses", verbose_name="person")
    case = models.ForeignKey("casework.Case", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="courses", verbose_name="sak")
    pathway = models.ForeignKey(Pathway, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="courses", verbose_name="forløp")
    provider_unit = models.ForeignKey("organisation.ProviderUnit", on_delete=models.PROTECT,
                                      related_name="courses", verbose_name="tjenesteenhet")
    kind = models.CharField("type", max_length=24, choices=Kind.choices)
    origin = models.CharField("henvist fra", max_length=12, choices=Origin.choices,
                              default=Origin.DECISION)
    start = models.DateField("start")
    evaluation_on = models.DateField("tverrfaglig evaluering")
    planned_end = models.DateField("planlagt slutt", null=True, blank=True,
                                   help_text="Tomt for innsats etter sykehus: ingen fast slutt.")
    what_matters = models.TextField("Hva er viktig for deg?", blank=True)
    evaluated_at = models.DateTimeField("evaluert", null=True, blank=True)
    evaluation_note = models.TextField("evaluering", blank=True)
    status = models.CharField("status", max_length=12, choices=Status.choices,
                              default=Status.ACTIVE, db_index=True)
    ended_on = models.DateField("avsluttet", null=True, blank=True)
    outcome = models.CharField("resultat", max_length=16, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField("oppsummering", blank=True)
    handover_to = models.ForeignKey("organisation.ProviderUnit", on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="handovers_received",
                                    verbose_name="overført til")
    handover_function = models.TextField("funksjonsnivå ved overføring", blank=True)
    handover_goals = models.TextField("videre mål", blank=True)
    handover_practical = models.TextField("medisiner, hjelpemidler og risiko", blank=True)
    handover_contact = models.CharField("kontaktperson", max_length=200, blank=True)
    created_at = models.DateTimeField("registrert", default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+",
                                   verbose_name="registrert av")

    history = HistoricalRecords()

    class Meta:
        verbose_name = "rehabiliteringsforløp"
        verbose_name_plural = "rehabiliteringsforløp"
        ordering = ["-start", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(ended_on__isnull=True)
                                   | Q(ended_on__gte=models.F("start")),
                                   name="course_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} fra {self.start:%d.%m.%Y}"

    @property
    def is_reablement(self) -> bool:
        return self.kind == self.Kind.REABLEMENT

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE


SCORE = [MinValueValidator(rehabilitation.SCORE_MIN), MaxValueValidator(rehabilitation.SCORE_MAX)]


class CourseGoal(models.Model):
    """Mål: one of the user's goals, scored 0-10 at start, at two weeks and at the end."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="goals",
                               verbose_name="forløp")
    goal = models.CharField("mål", max_length=300)
    score_start = models.PositiveSmallIntegerField("skår ved start", null=True, blank=True,
                                                   validators=SCORE)
    score_midway = models.PositiveSmallIntegerField("skår ved evaluering", null=True,
                                                    blank=True, validators=SCORE)
    score_end = models.PositiveSmallIntegerField("skår ved slutt", null=True, blank=True,
                                                 validators=SCORE)

    class Meta:
        verbose_name = "mål"
        verbose_name_plural = "mål"
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(score_start__lte=10) & Q(score_midway__lte=10)
                                   & Q(score_end__lte=10), name="goal_scores_at_most_10"),
        ]

    def __str__(self) -> str:
        return self.goal

    @property
    def change(self) -> int | None:
        return rehabilitation.change(self.score_start, self.score_end)


class TeamMember(models.Model):
    """Member of the interdisciplinary team (report 002 l.1000-1004)."""

    class Role(models.TextChoices):
        CASE_HANDLER = "case_handler", "Saksbehandler"
        NURSE = "nurse", "Sykepleier"
        CARE_WORKER = "care_worker", "Helsefagarbeider"
        PHYSIOTHERAPIST = "physiotherapist", "Fysioterapeut"
        OCCUPATIONAL_THERAPIST = "occupational_therapist", "Ergoterapeut"
        WELFARE_TECHNOLOGY = "welfare_technology", "Velferdsteknologi"

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="team",
                               verbose_name="forløp")
    role = models.CharField("rolle", max_length=24, choices=Role.choices)
    name = models.CharField("navn", max_length=200)

    class Meta:
        verbose_name = "medlem av tverrfaglig team"
        verbose_name_plural = "tverrfaglig team"
        ordering = ["role", "name"]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.name}"
