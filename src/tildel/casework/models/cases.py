"""Cases (sak), the enquiries that start them, and what keeps their clock.

A case is one request for services being processed, from the first enquiry to the
decision. Its deadlines are never stored: they are computed from the received time, the
office's settings, suspensions and extensions (``tildel.rules.deadlines``), so a
suspension moves every deadline that depends on it.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from tildel.catalogue.models import Service
from tildel.organisation.models import AllocationOffice, ProviderUnit
from tildel.people.models import Person
from tildel.rules import deadlines, trust_model


class OfficeSettings(models.Model):
    """Casework settings of one allocation office (saksbehandlingsinnstillinger)."""

    allocation_office = models.OneToOneField(AllocationOffice, on_delete=models.CASCADE,
                                             related_name="casework_settings",
                                             verbose_name="tildelingskontor")
    acknowledgement_working_days = models.PositiveSmallIntegerField(
        "frist for forvaltningsmelding (arbeidsdager)", default=3,
        help_text="Rapport 004: forvaltningsmelding innen 3 arbeidsdager.")
    decision_target_weeks = models.PositiveSmallIntegerField(
        "mål for saksbehandlingstid (uker)", default=3, choices=[(3, "3 uker"), (4, "4 uker")])
    digital_fallback_days = models.PositiveSmallIntegerField(
        "dager før uåpnet digital post sendes på papir", default=7)
    provision_model = models.CharField(
        "styringsmodell for tjenesteytingen", max_length=20, default=trust_model.TRUST,
        choices=[(trust_model.TRUST, "Tillitsmodellen: mål og ramme, utfører justerer "
                                     "innenfor"),
                 (trust_model.PURCHASER_PROVIDER, "Bestiller–utfører: detaljert bestilling "
                                                  "med minuttnormer")],
        help_text="Rapport 000: Friere faglighet (tillitsmodellen) erstattet ABI med "
                  "minuttnormer. Under bestiller–utfører går alle endringer via kontoret.")

    class Meta:
        verbose_name = "innstillinger for saksbehandling"
        verbose_name_plural = "innstillinger for saksbehandling"

    def __str__(self) -> str:
        return f"Innstillinger for {self.allocation_office}"

    @classmethod
    def for_office(cls, office_id: int) -> OfficeSettings:
        found, _ = cls.objects.get_or_create(allocation_office_id=office_id)
        return found


class Channel(models.TextChoices):
    E_FORM = "e_form", "Elektronisk skjema"
    PAPER = "paper", "Papir (skannet)"
    PHONE = "phone", "Telefon"
    E_MESSAGE = "e_message", "E-melding (sykehus, fastlege)"
    IN_PERSON = "in_person", "Oppmøte"


class SenderRole(models.TextChoices):
    APPLICANT = "applicant", "Søker selv"
    NEXT_OF_KIN = "next_of_kin", "Pårørende"
    GUARDIAN = "guardian", "Verge"
    GP = "gp", "Fastlege"
    HOSPITAL = "hospital", "Sykehus"
    PROVIDER_UNIT = "provider_unit", "Tjenesteenhet"
    # Report 004 L2917-2921: those who shout loudest, often through a lawyer, get more.
    LAWYER = "lawyer", "Advokat eller fullmektig"
    OTHER = "other", "Annen"


class Case(models.Model):
    """Sak: an application or enquiry being processed (forvaltningsloven kap. IV–VI)."""

    class Status(models.TextChoices):
        OPEN = "open", "Under behandling"
        DECIDED = "decided", "Vedtak fattet"
        CLOSED = "closed", "Avsluttet"
        WITHDRAWN = "withdrawn", "Trukket"

    class Urgency(models.TextChoices):
        UNTRIAGED = "untriaged", "Ikke vurdert"
        URGENT = "urgent", "Haster (samme dag)"
        PRIORITY = "priority", "Prioritert"
        NORMAL = "normal", "Ordinær"

    class Kind(models.TextChoices):
        APPLICATION = "application", "Søknad"
        ENQUIRY = "enquiry", "Henvendelse"
        REVISION = "revision", "Revurdering"

    allocation_office = models.ForeignKey(AllocationOffice, on_delete=models.PROTECT,
                                          related_name="cases", verbose_name="tildelingskontor")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="cases", verbose_name="person")
    kind = models.CharField("type", max_length=16, choices=Kind.choices,
                            default=Kind.APPLICATION)
    received_at = models.DateTimeField("mottatt", default=timezone.now)
    subject = models.TextField("hva det søkes om")
    requested_services = models.ManyToManyField(Service, blank=True, related_name="+",
                                                verbose_name="tjenester det søkes om")
    # Filled by the citizen form until the office confirms who the applicant is.
    applicant_name = models.CharField("søkers navn (oppgitt)", max_length=200, blank=True)
    applicant_id_number = models.CharField("søkers fødselsnummer (oppgitt)", max_length=11,
                                           blank=True)
    applicant_phone = models.CharField("søkers telefon (oppgitt)", max_length=20, blank=True)
    identity_confirmed_at = models.DateTimeField("identitet bekreftet", null=True, blank=True)
    identity_confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                              null=True, blank=True, related_name="+",
                                              verbose_name="identitet bekreftet av")

    urgency = models.CharField("hastegrad", max_length=16, choices=Urgency.choices,
                               default=Urgency.UNTRIAGED)
    triaged_at = models.DateTimeField("hastevurdert", null=True, blank=True)
    triaged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="+", verbose_name="hastevurdert av")
    triage_note = models.TextField("vurdering av hast", blank=True)

    assigned_to = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="assigned_cases",
                                    verbose_name="saksbehandler")
    queue = models.ForeignKey("casework.WorkQueue", on_delete=models.PROTECT, null=True,
                              blank=True, related_name="cases", verbose_name="kø eller forum")

    acknowledgement_sent_on = models.DateField("forvaltningsmelding sendt", null=True,
                                               blank=True)
    preliminary_reply_sent_on = models.DateField("foreløpig svar sendt", null=True, blank=True)
    status = models.CharField("status", max_length=16, choices=Status.choices,
                              default=Status.OPEN, db_index=True)
    decided_on = models.DateField("avgjort", null=True, blank=True)
    closed_reason = models.CharField("årsak til avslutning", max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "sak"
        verbose_name_plural = "saker"
        ordering = ["-received_at"]
        indexes = [models.Index(fields=["allocation_office", "status"]),
                   models.Index(fields=["assigned_to", "status"])]

    def __str__(self) -> str:
        return f"Sak {self.reference}"

    @property
    def reference(self) -> str:
        """Saksnummer: year of receipt and the case's id, e.g. ``2027/42``."""
        return f"{timezone.localtime(self.received_at).year}/{self.pk}"

    @property
    def received_on(self) -> dt.date:
        return timezone.localtime(self.received_at).date()

    @property
    def display_name(self) -> str:
        return self.person.full_name if self.person_id else (self.applicant_name or "Ukjent")

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    def suspension_periods(self) -> list[deadlines.Suspension]:
        return [deadlines.Suspension(s.start, s.end, s.reason)
                for s in self.suspensions.all()]

    def deadlines(self, as_of: dt.date | None = None,
                  office_settings: OfficeSettings | None = None) -> deadlines.CaseDeadlines:
        """The case's deadlines, computed now (never stored)."""
        conf = office_settings or OfficeSettings.for_office(self.allocation_office_id)
        return deadlines.case_deadlines(
            self.received_on,
            acknowledgement_working_days=conf.acknowledgement_working_days,
            decision_target_weeks=conf.decision_target_weeks,
            suspensions=self.suspension_periods(),
            extension_days=sum(e.days for e in self.extensions.all()),
            as_of=as_of or timezone.localdate(),
        )

    def outstanding_deadlines(self, as_of: dt.date,
                              office_settings: OfficeSettings | None = None
                              ) -> list[tuple[str, dt.date]]:
        """What the office still owes on this case, with due dates, earliest first."""
        due: list[tuple[str, dt.date]] = []
        d = None
        if self.is_open:
            d = self.deadlines(as_of, office_settings)
            if not self.acknowledgement_sent_on:
                due.append(("Forvaltningsmelding", d.acknowledgement_due))
            if not self.preliminary_reply_sent_on and as_of >= d.preliminary_reply_due - \
                    dt.timedelta(days=7):
                due.append(("Foreløpig svar (fvl. § 11 a)", d.preliminary_reply_due))
            due.append(("Vedtak", d.decision_due))
            if self.urgency == self.Urgency.UNTRIAGED:
                due.append(("Hastevurdering (samme dag)", self.received_on))
        for task in self.tasks.all():
            if task.done_at is None and task.due_on:
                # A measure is regularised by the decision: its task moves with the case clock.
                when = d.decision_due if task.kind == Task.Kind.REGULARISE and self.is_open \
                    else task.due_on
                due.append((task.title, when))
        return sorted(due, key=lambda item: item[1])

    def is_suspended(self) -> bool:
        return any(s.end is None for s in self.suspensions.all())


def scan_path(instance, filename: str) -> str:
    """A random name: the uploaded file's own name may carry a person's name."""
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"scans/{uuid.uuid4().hex}.{suffix[:5]}"


class Enquiry(models.Model):
    """Henvendelse: one contact about a case, by any channel."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="enquiries",
                             verbose_name="sak")
    channel = models.CharField("kanal", max_length=16, choices=Channel.choices)
    sender_name = models.CharField("avsender", max_length=200)
    sender_role = models.CharField("avsenders rolle", max_length=16, choices=SenderRole.choices)
    sender_phone = models.CharField("avsenders telefon", max_length=20, blank=True)
    received_at = models.DateTimeField("mottatt", default=timezone.now)
    text = models.TextField("innhold")
    scan = models.FileField("skannet dokument", upload_to=scan_path, blank=True)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                      null=True, blank=True, related_name="+",
                                      verbose_name="registrert av")

    class Meta:
        verbose_name = "henvendelse"
        verbose_name_plural = "henvendelser"
        ordering = ["received_at"]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.received_at:%d.%m.%Y}"


class CaseSuspension(models.Model):
    """Stans i saksbehandlingen (e.g. waiting for information): stops the case's clock."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="suspensions",
                             verbose_name="sak")
    start = models.DateField("fra")
    end = models.DateField("til", null=True, blank=True)
    reason = models.CharField("årsak", max_length=200)

    class Meta:
        verbose_name = "stans"
        verbose_name_plural = "stans"
        ordering = ["start"]
        constraints = [models.CheckConstraint(
            condition=models.Q(end__isnull=True) | models.Q(end__gte=models.F("start")),
            name="suspension_ends_after_start")]

    def __str__(self) -> str:
        return f"Stans fra {self.start:%d.%m.%Y}"


class CaseExtension(models.Model):
    """Forlengelse av saksbehandlingstiden, with the reason given to the party."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="extensions",
                             verbose_name="sak")
    days = models.PositiveSmallIntegerField("dager")
    reason = models.CharField("årsak", max_length=200)
    created_at = models.DateTimeField("registrert", auto_now_add=True)

    class Meta:
        verbose_name = "forlengelse"
        verbose_name_plural = "forlengelser"

    def __str__(self) -> str:
        return f"Forlengelse {self.days} dager"


class Task(models.Model):
    """Oppgave on a case, with a due date (regularise a measure, sign, follow up)."""

    class Kind(models.TextChoices):
        REGULARISE = "regularise", "Regularisere strakstiltak med vedtak"
        SECOND_SIGNATURE = "second_signature", "Andre signatur på vedtak"
        FOLLOW_UP = "follow_up", "Oppfølging"
        COMPLAINT = "complaint", "Klagebehandling"
        REVISION = "revision", "Revurdering"
        PATHWAY_DECISION = "pathway_decision", "Vedtak: tiltak i forløp over 14 dager"
        HOSPITAL = "hospital", "Melding fra sykehus"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tasks",
                             verbose_name="sak")
    kind = models.CharField("type", max_length=20, choices=Kind.choices)
    title = models.CharField("tittel", max_length=200)
    due_on = models.DateField("frist", null=True, blank=True)
    assigned_to = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="tasks",
                                    verbose_name="ansvarlig")
    created_at = models.DateTimeField("opprettet", auto_now_add=True)
    done_at = models.DateTimeField("utført", null=True, blank=True)

    class Meta:
        verbose_name = "oppgave"
        verbose_name_plural = "oppgaver"
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.title


class ImmediateMeasure(models.Model):
    """Strakstiltak: a service a provider starts before there is a decision.

    Each one must be regularised by a decision (MISSION.md § process 1); a task tracks it.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="immediate_measures",
                             verbose_name="sak")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="+",
                                verbose_name="tjeneste")
    provider_unit = models.ForeignKey(ProviderUnit, on_delete=models.PROTECT, related_name="+",
                                      verbose_name="tjenesteenhet")
    started_on = models.DateField("startet")
    description = models.TextField("hva som gis")
    task = models.OneToOneField(Task, on_delete=models.PROTECT, related_name="measure",
                                verbose_name="oppgave")
    regularised_by = models.ForeignKey("casework.Decision", on_delete=models.PROTECT, null=True,
                                       blank=True, related_name="regularised_measures",
                                       verbose_name="regularisert i vedtak")

    class Meta:
        verbose_name = "strakstiltak"
        verbose_name_plural = "strakstiltak"

    def __str__(self) -> str:
        return f"Strakstiltak fra {self.started_on:%d.%m.%Y}"


class CaseEvent(models.Model):
    """Hendelse i saken: the case's journal, shown as its timeline."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events",
                             verbose_name="sak")
    at = models.DateTimeField("tidspunkt", default=timezone.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                              blank=True, related_name="+", verbose_name="utført av")
    text = models.CharField("hendelse", max_length=300)
    is_problem = models.BooleanField("krever oppfølging", default=False)

    class Meta:
        verbose_name = "hendelse"
        verbose_name_plural = "hendelser"
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return self.text
