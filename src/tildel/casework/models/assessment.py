"""Needs assessment (kartlegging): visit, IPLOS scores, goals, consent, care staircase.

MISSION.md § process 4; report 004 (kartlegging, "Hva er viktig for deg?", LEON). A
decision may be drafted only after the caseworker confirms the case is sufficiently
informed (forvaltningsloven § 17, *tilstrekkelig opplyst*).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from tildel.rules import iplos


class Assessment(models.Model):
    """Kartlegging of one case."""

    class Kind(models.TextChoices):
        HOME_VISIT = "home_visit", "Hjemmebesøk"
        MEETING = "meeting", "Møte på kontoret"
        HOSPITAL = "hospital", "Møte på sykehus"
        DIGITAL = "digital", "Videomøte"

    class Screening(models.TextChoices):
        UNANSWERED = "", "Ikke vurdert"
        YES = "yes", "Ja"
        NO = "no", "Nei"
        UNCLEAR = "unclear", "Usikkert, må utredes"

    case = models.OneToOneField("casework.Case", on_delete=models.CASCADE,
                                related_name="assessment", verbose_name="sak")
    kind = models.CharField("type", max_length=16, choices=Kind.choices,
                            default=Kind.HOME_VISIT)
    planned_at = models.DateTimeField("avtalt tidspunkt", null=True, blank=True)
    place = models.CharField("sted", max_length=200, blank=True)
    next_of_kin_invited = models.BooleanField("pårørende invitert", default=False)
    # Report 000 L4419-4423 and footnote 63: visits together with the provider unit.
    joint_home_visit = models.BooleanField("felles hjemmebesøk med tjenesteenheten",
                                           default=False)
    held_on = models.DateField("gjennomført", null=True, blank=True)
    participants = models.TextField("deltakere", blank=True)
    what_matters = models.TextField("Hva er viktig for deg?", blank=True)
    goals = models.TextField("mål", blank=True)
    findings = models.TextField("faktiske forhold", blank=True)
    rehabilitation_screening = models.CharField(
        "behov for habilitering eller rehabilitering?", max_length=8,
        choices=Screening.choices, blank=True, default=Screening.UNANSWERED)
    lower_levels_considered = models.TextField(
        "lavere nivå i omsorgstrappen som er prøvd eller vurdert", blank=True)
    lower_levels_why_not = models.TextField("hvorfor lavere nivå ikke er nok", blank=True)
    consent_to_collect = models.BooleanField("samtykke til å innhente opplysninger",
                                             default=False)
    consent_note = models.CharField("samtykket gjelder", max_length=200, blank=True)
    sufficiently_informed = models.BooleanField("saken er tilstrekkelig opplyst",
                                                default=False)
    informed_confirmed_at = models.DateTimeField("bekreftet opplyst", null=True, blank=True)
    informed_confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL,
                                              on_delete=models.PROTECT, null=True, blank=True,
                                              related_name="+", verbose_name="bekreftet av")

    history = HistoricalRecords()

    class Meta:
        verbose_name = "kartlegging"
        verbose_name_plural = "kartlegginger"

    def __str__(self) -> str:
        return f"Kartlegging i sak {self.case_id}"

    def snapshot(self) -> dict:
        """The assessment as it stands, to be frozen with a decision."""
        return {
            "kind": self.get_kind_display(),
            "held_on": self.held_on.isoformat() if self.held_on else None,
            "participants": self.participants,
            "what_matters": self.what_matters,
            "goals": self.goals,
            "findings": self.findings,
            "rehabilitation_screening": self.get_rehabilitation_screening_display(),
            "lower_levels_considered": self.lower_levels_considered,
            "lower_levels_why_not": self.lower_levels_why_not,
            "consent_to_collect": self.consent_to_collect,
            "scores": {s.variable: s.score for s in self.scores.all()},
            "information_requests": [
                {"recipient": r.get_recipient_kind_display(), "name": r.recipient_name,
                 "sent_on": r.sent_on.isoformat() if r.sent_on else None,
                 "answered_on": r.answered_on.isoformat() if r.answered_on else None}
                for r in self.information_requests.all()],
        }


def validate_variable(code: str) -> None:
    if iplos.by_code(code) is None:
        raise ValidationError("Ukjent IPLOS-variabel.")


class FunctionalScore(models.Model):
    """IPLOS funksjonsvurdering: one variable scored 1–5, or 9 (not relevant)."""

    # No index of its own: the unique (assessment, variable) serves lookups by assessment,
    # and a second index costs at each of the millions of scores an import writes.
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="scores",
                                   verbose_name="kartlegging", db_index=False)
    variable = models.CharField("variabel", max_length=40, validators=[validate_variable])
    score = models.PositiveSmallIntegerField("skår")

    class Meta:
        verbose_name = "IPLOS-skår"
        verbose_name_plural = "IPLOS-skårer"
        constraints = [models.UniqueConstraint(fields=["assessment", "variable"],
                                               name="one_score_per_variable")]

    def __str__(self) -> str:
        return f"{self.variable}: {self.score}"

    def clean(self) -> None:
        if not iplos.valid_score(self.variable, self.score):
            raise ValidationError({"score": "Skåren må være 1–5, eller 9 (ikke relevant)."})


class InformationRequest(models.Model):
    """Innhenting av opplysninger from others, on the applicant's consent."""

    class Recipient(models.TextChoices):
        GP = "gp", "Fastlege"
        HOSPITAL = "hospital", "Sykehus"
        NAV = "nav", "NAV"
        SCHOOL = "school", "Skole/barnehage"
        OTHER = "other", "Annen"

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE,
                                   related_name="information_requests",
                                   verbose_name="kartlegging")
    recipient_kind = models.CharField("mottaker", max_length=16, choices=Recipient.choices)
    recipient_name = models.CharField("navn", max_length=200, blank=True)
    sent_on = models.DateField("sendt", null=True, blank=True)
    answered_on = models.DateField("svar mottatt", null=True, blank=True)

    class Meta:
        verbose_name = "innhenting av opplysninger"
        verbose_name_plural = "innhenting av opplysninger"

    def __str__(self) -> str:
        return f"Innhenting fra {self.get_recipient_kind_display()}"
