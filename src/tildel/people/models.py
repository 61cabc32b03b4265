"""Persons who apply for or receive services, their next of kin and guardians.

Birth date, legal sex and identification type are derived from the fødselsnummer or
D-nummer (``tildel.rules.identity``), never typed twice.
"""

from __future__ import annotations

import contextlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from tildel.organisation.models import District, Municipality
from tildel.rules import identity


def validate_id_number(value: str) -> None:
    try:
        identity.parse(value, allow_synthetic=settings.SYNTHETIC_IDS_ALLOWED)
    except identity.InvalidIdNumber as error:
        raise ValidationError(error.message, code="invalid_id_number") from None


class Person(models.Model):
    """A service applicant or recipient (søker / tjenestemottaker)."""

    class IdType(models.TextChoices):
        FODSELSNUMMER = identity.IdType.FODSELSNUMMER.value, "Fødselsnummer"
        D_NUMMER = identity.IdType.D_NUMMER.value, "D-nummer"
        H_NUMMER = identity.IdType.H_NUMMER.value, "H-nummer"

    class LegalSex(models.TextChoices):
        FEMALE = identity.LegalSex.FEMALE.value, "Kvinne"
        MALE = identity.LegalSex.MALE.value, "Mann"

    id_number = models.CharField("fødselsnummer / D-nummer", max_length=11, unique=True,
                                 validators=[validate_id_number])
    id_type = models.CharField("type ID", max_length=2, choices=IdType.choices, editable=False)
    birth_date = models.DateField("fødselsdato", editable=False)
    legal_sex = models.CharField("juridisk kjønn", max_length=1, choices=LegalSex.choices,
                                 editable=False)
    synthetic_id = models.BooleanField("syntetisk testnummer", default=False, editable=False)
    given_name = models.CharField("fornavn", max_length=100)
    family_name = models.CharField("etternavn", max_length=100)
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT,
                                     related_name="persons", verbose_name="kommune")
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="persons",
                                 verbose_name="distrikt")
    address = models.CharField("adresse", max_length=200, blank=True)
    postal_code = models.CharField("postnummer", max_length=4, blank=True)
    postal_place = models.CharField("poststed", max_length=100, blank=True)
    phone = models.CharField("telefon", max_length=20, blank=True)
    date_of_death = models.DateField("dødsdato", null=True, blank=True)
    # Report 001 K3 (L1319-1322): the "Andre" residual needs PU users under and over 16.
    intellectual_disability = models.BooleanField(
        "psykisk utviklingshemming (PU)", default=False,
        help_text="Brukes i nøkkeltall for bo og habilitering (rapport 001), fordelt på "
                  "under og over 16 år.")
    created_at = models.DateTimeField("registrert", auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "person"
        verbose_name_plural = "personer"
        ordering = ["family_name", "given_name", "id"]
        indexes = [
            models.Index(fields=["family_name", "given_name"]),
            models.Index(fields=["district", "family_name"]),
            models.Index(fields=["birth_date"]),  # search by ddmmyy
        ]
        # On PostgreSQL, migration 0003 also indexes UPPER(family_name) and
        # UPPER(given_name) for the case-insensitive prefix search (tildel.people.search).

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs):
        if self.id_number and not self.birth_date:
            self.derive_from_id_number()
        super().save(*args, **kwargs)

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def masked_id(self) -> str:
        return identity.mask(self.id_number)

    def age_on(self, day) -> int:
        b = self.birth_date
        return day.year - b.year - ((day.month, day.day) < (b.month, b.day))

    def derive_from_id_number(self) -> None:
        parsed = identity.parse(self.id_number,
                                allow_synthetic=settings.SYNTHETIC_IDS_ALLOWED)
        self.id_number = parsed.number
        self.id_type = parsed.id_type.value
        self.birth_date = parsed.birth_date
        self.legal_sex = parsed.legal_sex.value
        self.synthetic_id = parsed.synthetic

    def clean(self) -> None:
        errors = {}
        if self.id_number:
            # The field's validator reports an invalid number, once.
            with contextlib.suppress(identity.InvalidIdNumber):
                self.derive_from_id_number()
        if self.district_id and self.municipality_id and \
                self.district.municipality_id != self.municipality_id:
            errors["district"] = "Distriktet hører ikke til kommunen."
        if self.date_of_death and self.birth_date and self.date_of_death < self.birth_date:
            errors["date_of_death"] = "Dødsdato kan ikke være før fødselsdato."
        if errors:
            raise ValidationError(errors)


class NextOfKin(models.Model):
    """Pårørende. ``is_primary`` marks nærmeste pårørende (pbrl § 1-3 b)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="next_of_kin",
                               verbose_name="person")
    name = models.CharField("navn", max_length=200)
    relation = models.CharField("relasjon", max_length=60)
    phone = models.CharField("telefon", max_length=20, blank=True)
    is_primary = models.BooleanField("nærmeste pårørende", default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "pårørende"
        verbose_name_plural = "pårørende"
        ordering = ["-is_primary", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.relation})"


class Guardian(models.Model):
    """Verge (vergemålsloven): acts for the person within the scope of the mandate."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="guardians",
                               verbose_name="person")
    name = models.CharField("navn", max_length=200)
    scope = models.CharField("mandat", max_length=200,
                             help_text="Hva vergemålet omfatter, f.eks. økonomiske forhold.")
    phone = models.CharField("telefon", max_length=20, blank=True)
    valid_from = models.DateField("gyldig fra")
    valid_to = models.DateField("gyldig til", null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "verge"
        verbose_name_plural = "verger"
        ordering = ["-valid_from"]

    def __str__(self) -> str:
        return self.name
