"""What Tildel has told the national register (KPR) and who answers for it.

The ledger (``KprEvent``) holds, per event, what was last sent and whether it still
stands; each message (``KprBatch``) and each notification in it (``KprNotification``) is
kept, so an auditor can see what was disclosed to the register, when and by whom, and a
rerun sends nothing twice (ADR 0013).
"""

from __future__ import annotations

import re
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from tildel.organisation.models import Municipality
from tildel.people.models import Person

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def printable(value: str) -> None:
    """XML cannot carry control characters; a message with one would not be made."""
    if CONTROL.search(value or ""):
        raise ValidationError("Inneholder et usynlig kontrolltegn. Skriv feltet på nytt.")


class RegisterContact(models.Model):
    """Kontaktperson for KPR-rapportering (kodeverk 8471).

    The register sends its feedback, which holds health data, to these people.
    """

    class Kind(models.TextChoices):
        IPLOS_CONTACT = "16", "IPLOS kontaktperson"
        IPLOS_SUBMITTER = "17", "IPLOS innsendingsansvarlig"

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE,
                                     related_name="register_contacts", verbose_name="kommune")
    kind = models.CharField("type", max_length=2, choices=Kind.choices,
                            default=Kind.IPLOS_CONTACT)
    name = models.CharField("navn", max_length=120, validators=[printable])
    email = models.EmailField("e-post")
    phone = models.CharField("telefon", max_length=20, blank=True, validators=[printable])

    class Meta:
        verbose_name = "kontaktperson for KPR"
        verbose_name_plural = "kontaktpersoner for KPR"
        ordering = ["municipality", "kind", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"


class KprBatch(models.Model):
    """Melding: one file of notifications sent (or to be sent) to the register."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT,
                                     related_name="kpr_batches", verbose_name="kommune")
    guid = models.UUIDField("meldingens id", default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField("laget", auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+",
                                   verbose_name="laget av")
    since = models.DateField("nye hendelser fra", null=True, blank=True)
    file_name = models.CharField("fil", max_length=200)
    path = models.CharField("lagret som", max_length=500, blank=True,
                            help_text="Filen meldingen ble skrevet til; sendes på nytt derfra.")
    notifications = models.PositiveIntegerField("notifikasjoner", default=0)
    sent_at = models.DateTimeField("sendt", null=True, blank=True)
    sender_reference = models.CharField("forsendelsens referanse", max_length=200,
                                        blank=True)

    class Meta:
        verbose_name = "KPR-melding"
        verbose_name_plural = "KPR-meldinger"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"KPR-melding {self.pk} ({self.notifications} notifikasjoner)"


class KprEvent(models.Model):
    """One event as the register knows it (hendelse): the content last sent, and whether
    it still stands (False after a cancellation)."""

    # No index of its own: the unique (municipality, key) serves it. Every index costs at
    # each of the tens of thousands of rows a message adds. Neither this key nor the
    # person's is checked by the database (ADR 0022): the checks, 50,000 of them at the
    # commit of a year's message, were a fifth of its time. The rows are written only by
    # the export, with ids it has just read in the same transaction, and Django still
    # refuses to delete a municipality or a person the register has been told about.
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT,
                                     related_name="kpr_events", verbose_name="kommune",
                                     db_index=False, db_constraint=False)
    key = models.CharField("nøkkel", max_length=80)
    guid = models.UUIDField("hendelseGUID", default=uuid.uuid4, editable=False)
    kind = models.CharField("hendelse", max_length=32)
    service_id = models.CharField("tjenesteID", max_length=40)
    service_type = models.CharField("tjenestetype (9151)", max_length=4)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+",
                               verbose_name="person", db_constraint=False)
    day = models.DateField("hendelsesdato")
    content = models.JSONField("sist meldt innhold")
    active = models.BooleanField("gjelder", default=True)
    first_notification = models.UUIDField("første notifikasjon")
    last_notification = models.UUIDField("siste notifikasjon")
    updated_at = models.DateTimeField("sist endret", auto_now=True)

    class Meta:
        verbose_name = "meldt KPR-hendelse"
        verbose_name_plural = "meldte KPR-hendelser"
        ordering = ["municipality", "service_id", "day", "key"]
        constraints = [models.UniqueConstraint(fields=["municipality", "key"],
                                               name="kpr_event_once_per_key")]

    def __str__(self) -> str:
        return f"{self.kind} {self.service_id} {self.day:%d.%m.%Y}"


class KprNotification(models.Model):
    """Notifikasjon: one status (N, M, T, C) about one event, in one message."""

    class Status(models.TextChoices):
        ORIGINAL = "N", "Original"
        REPLACE = "M", "Korrigering (erstatter)"
        SUPPLEMENT = "T", "Korrigering (supplerer)"
        CANCEL = "C", "Annullering"

    # Not checked by the database either (see KprEvent): written with the batch just made.
    batch = models.ForeignKey(KprBatch, on_delete=models.PROTECT, related_name="items",
                              db_constraint=False,
                              verbose_name="melding")
    # The event's key in the ledger (KprEvent.key, same municipality as the batch): a key,
    # not a foreign key, so a message of many thousand notifications is written in bulk.
    event_key = models.CharField("hendelsens nøkkel", max_length=80)
    status = models.CharField("status", max_length=1, choices=Status.choices)
    guid = models.UUIDField("notifikasjonGUID", unique=True)
    previous_guid = models.UUIDField("notifikasjonForrigeGUID")
    ref_guid = models.UUIDField("notifikasjonRef", null=True, blank=True)
    sequence = models.PositiveBigIntegerField("løpenummer")
    content = models.JSONField("innhold")

    class Meta:
        verbose_name = "KPR-notifikasjon"
        verbose_name_plural = "KPR-notifikasjoner"
        # A plain index (no text-pattern twin on PostgreSQL): looked up by equality only.
        indexes = [models.Index(fields=["event_key"], name="kpr_notification_event_key")]
        ordering = ["batch", "sequence"]

    def __str__(self) -> str:
        return f"{self.get_status_display()} {self.event_key} ({self.sequence})"


class PloMessage(models.Model):
    """A PLO message from a hospital (pleie- og omsorgsmelding), kept as received.

    Every file is kept, also one that could not be read: it waits in quarantine with the
    reason until a person has looked at it (fixed the person register and processed it
    again, or dismissed it). A message already processed (same MsgId) changes nothing.
    """

    class Status(models.TextChoices):
        PROCESSED = "processed", "Behandlet"
        QUARANTINED = "quarantined", "I karantene"
        DUPLICATE = "duplicate", "Duplikat (allerede mottatt)"
        DISMISSED = "dismissed", "Avvist av saksbehandler"

    received_at = models.DateTimeField("mottatt", auto_now_add=True)
    source = models.CharField("kilde", max_length=200, blank=True,
                              help_text="Filnavn eller «HTTP».")
    message_id = models.CharField("MsgId", max_length=100, blank=True, db_index=True)
    message_type = models.CharField("meldingstype", max_length=60, blank=True)
    status = models.CharField("status", max_length=16, choices=Status.choices)
    reason = models.TextField("årsak", blank=True)
    content = models.TextField("innhold (XML)")
    raw = models.BinaryField("filen slik den kom", default=b"",
                             help_text="Bytene som mottatt; en melding behandles på nytt "
                                       "herfra, så tegnsettet blir riktig.")
    digest = models.CharField("sjekksum (SHA-256)", max_length=64, blank=True,
                              db_index=True)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+", verbose_name="person")
    stay = models.ForeignKey("hospital.HospitalStay", on_delete=models.PROTECT, null=True,
                             blank=True, related_name="messages", verbose_name="opphold")
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+",
                                   verbose_name="håndtert av")

    class Meta:
        verbose_name = "PLO-melding"
        verbose_name_plural = "PLO-meldinger"
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"{self.message_type or 'Ukjent melding'} ({self.get_status_display()})"


class ExternalId(models.Model):
    """The id a record had in the system it was imported from (docs/exchange.md § Import):
    a rerun updates the row instead of adding one, and an export writes the same id."""

    kind = models.CharField("type", max_length=16)
    external_id = models.CharField("ekstern id", max_length=100)
    object_id = models.BigIntegerField("rad")

    class Meta:
        verbose_name = "ekstern id"
        verbose_name_plural = "eksterne id-er"
        constraints = [models.UniqueConstraint(fields=["kind", "external_id"],
                                               name="external_id_once_per_kind")]
        indexes = [models.Index(fields=["kind", "object_id"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.external_id}"


class KprExpected(models.Model):
    """An event the services give, kept between exports (ADR 0022): what
    ``tildel.rules.kpr`` derives from one person's lines, stops and identification, whether
    or not it has happened yet (an export takes those up to its day). Derived data: the
    ids are plain numbers, and a person's rows are written again whenever a ``KprChange``
    names the person."""

    municipality_id = models.BigIntegerField("kommune")
    person_id = models.BigIntegerField("person")
    key = models.CharField("nøkkel", max_length=80)
    service_id = models.CharField("tjenesteID", max_length=40)
    day = models.DateField("hendelsesdato")
    held = models.BooleanField("holdt tilbake", default=False,
                               help_text="Tjenesten har en feil KPR ville avvist.")
    line_id = models.BigIntegerField("tjenestelinje")
    decision_id = models.BigIntegerField("vedtak")
    registered = models.DateTimeField("registrert", null=True)
    content = models.JSONField("innhold")

    class Meta:
        verbose_name = "forventet KPR-hendelse"
        verbose_name_plural = "forventede KPR-hendelser"
        constraints = [models.UniqueConstraint(fields=["municipality_id", "key"],
                                               name="kpr_expected_once_per_key")]
        indexes = [models.Index(fields=["municipality_id", "person_id"],
                                name="kpr_expected_person"),
                   models.Index(fields=["municipality_id", "service_id"],
                                name="kpr_expected_service")]

    def __str__(self) -> str:
        return f"{self.key} {self.day:%d.%m.%Y}"


class KprExpectedProblem(models.Model):
    """A line the register would reject, kept with the person's expected events."""

    municipality_id = models.BigIntegerField("kommune")
    person_id = models.BigIntegerField("person")
    line_id = models.BigIntegerField("tjenestelinje")
    decision_id = models.BigIntegerField("vedtak")
    message = models.CharField("feil", max_length=300)

    class Meta:
        verbose_name = "KPR-feil"
        verbose_name_plural = "KPR-feil"
        indexes = [models.Index(fields=["municipality_id", "person_id"],
                                name="kpr_problem_person")]

    def __str__(self) -> str:
        return self.message


class KprChange(models.Model):
    """A person whose expected events must be derived again (no person: everyone in the
    municipality; no municipality: the person's own, looked up by the refresh). Written by
    database triggers on the lines, stops, decisions, persons, units and service catalogue,
    whatever writes them; taken away by the refresh that derives them (ADR 0022)."""

    municipality_id = models.BigIntegerField("kommune", null=True)
    person_id = models.BigIntegerField("person", null=True)

    class Meta:
        verbose_name = "endring for KPR"
        verbose_name_plural = "endringer for KPR"
        indexes = [models.Index(fields=["municipality_id"], name="kpr_change_municipality")]

    def __str__(self) -> str:
        return f"endring for person {self.person_id or 'alle'}"


class KprDerivation(models.Model):
    """When the municipality's expected events were last brought up to date; no row means
    they never were, and the next refresh derives every person."""

    municipality_id = models.BigIntegerField("kommune", unique=True)
    refreshed_at = models.DateTimeField("oppdatert")
    persons = models.PositiveIntegerField("personer sist", default=0)
    #: the version of the code that derived the events (``kpr_store.RULES``): another
    #: version derives everyone again
    rules = models.CharField("reglenes versjon", max_length=64, blank=True)

    class Meta:
        verbose_name = "utledning for KPR"
        verbose_name_plural = "utledninger for KPR"

    def __str__(self) -> str:
        return f"utledet {self.refreshed_at:%d.%m.%Y %H:%M}"
