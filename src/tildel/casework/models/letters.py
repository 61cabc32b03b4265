"""Letters (brev) and their dispatch (utsending) to the party.

Letters are rendered to PDF/A from templates an administrator can edit
(``tildel.letters``) and sent through a channel (``tildel.dispatch``): SvarUt or the local
outbox folder. A channel that is down leaves the dispatch waiting in a retry queue; a
digital letter not opened in time falls back to print. Every step is logged on the case.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from tildel.letters.defaults import LETTER_KINDS
from tildel.letters.rendering import LetterTemplateError, validate_template_source


class LetterKind(models.TextChoices):
    ACKNOWLEDGEMENT = "acknowledgement", LETTER_KINDS["acknowledgement"]
    PRELIMINARY_REPLY = "preliminary_reply", LETTER_KINDS["preliminary_reply"]
    DECISION = "decision", LETTER_KINDS["decision"]
    COMPLAINT_RECEIVED = "complaint_received", LETTER_KINDS["complaint_received"]
    COMPLAINT_FORWARDED = "complaint_forwarded", LETTER_KINDS["complaint_forwarded"]


class LetterTemplate(models.Model):
    """Brevmal: the body of one kind of letter, editable by an administrator."""

    kind = models.CharField("brevtype", max_length=24, choices=LetterKind.choices, unique=True)
    body = models.TextField("innhold (Django-mal)")
    updated_at = models.DateTimeField("sist endret", auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "brevmal"
        verbose_name_plural = "brevmaler"

    def __str__(self) -> str:
        return self.get_kind_display()

    def clean(self) -> None:
        try:
            validate_template_source(self.body)
        except LetterTemplateError as error:
            raise ValidationError({"body": str(error)}) from error


class Letter(models.Model):
    """One letter on a case, rendered to PDF (or the reason it could not be)."""

    class Status(models.TextChoices):
        RENDERED = "rendered", "Laget"
        FAILED = "failed", "Kunne ikke lages"

    case = models.ForeignKey("casework.Case", on_delete=models.PROTECT, related_name="letters",
                             verbose_name="sak")
    decision = models.ForeignKey("casework.Decision", on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="letters", verbose_name="vedtak")
    complaint = models.ForeignKey("casework.Complaint", on_delete=models.PROTECT, null=True,
                                  blank=True, related_name="letters", verbose_name="klage")
    kind = models.CharField("brevtype", max_length=24, choices=LetterKind.choices)
    title = models.CharField("tittel", max_length=200)
    created_at = models.DateTimeField("laget", default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+",
                                   verbose_name="laget av")
    status = models.CharField("status", max_length=16, choices=Status.choices)
    error = models.TextField("feil", blank=True)
    pdf = models.BinaryField("PDF", null=True, blank=True, editable=False)
    uid = models.UUIDField("unik id", default=uuid.uuid4, editable=False, unique=True)

    class Meta:
        verbose_name = "brev"
        verbose_name_plural = "brev"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def reference(self) -> str:
        """Unique across installations and database rebuilds: the channels use it to
        recognise a letter they already have, so a reused id must never collide."""
        return f"tildel-brev-{self.pk}-{self.uid.hex[:8]}"


class Dispatch(models.Model):
    """Utsending of a letter through one channel, with its status and retries."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Venter på sending"
        RETRYING = "retrying", "Kanalen svarer ikke – nytt forsøk senere"
        SENT = "sent", "Sendt"
        DELIVERED = "delivered", "Levert"
        READ = "read", "Åpnet av mottaker"
        PRINTED = "printed", "Sendt som papirpost"
        REJECTED = "rejected", "Avvist av kanalen"
        FALLBACK = "fallback", "Ikke åpnet – sendt på papir"

    FINAL = {Status.READ, Status.PRINTED, Status.REJECTED, Status.FALLBACK}

    letter = models.ForeignKey(Letter, on_delete=models.PROTECT, related_name="dispatches",
                               verbose_name="brev")
    channel = models.CharField("kanal", max_length=16)
    status = models.CharField("status", max_length=16, choices=Status.choices,
                              default=Status.QUEUED, db_index=True)
    attempts = models.PositiveSmallIntegerField("forsøk", default=0)
    next_attempt_at = models.DateTimeField("neste forsøk", null=True, blank=True)
    last_error = models.TextField("siste feil", blank=True)
    external_id = models.CharField("forsendelses-id", max_length=100, blank=True)
    sent_at = models.DateTimeField("sendt", null=True, blank=True)
    updated_at = models.DateTimeField("oppdatert", auto_now=True)

    class Meta:
        verbose_name = "utsending"
        verbose_name_plural = "utsendinger"
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.channel}: {self.get_status_display()}"
