"""Users, their role and scope, and the access log (tilgangslogg).

Access follows role and scope (Normen: access by role and need only): a caseworker sees
persons in the districts of their allocation office; provider staff see only persons
their unit serves; analysts and management see aggregates only.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from tildel.organisation.models import AllocationOffice, District, Municipality, ProviderUnit


class Role(models.TextChoices):
    CASEWORKER = "caseworker", "Saksbehandler"
    OFFICE_LEADER = "office_leader", "Leder tildelingskontor"
    PROVIDER_LEADER = "provider_leader", "Leder tjenesteenhet"
    PROVIDER_STAFF = "provider_staff", "Tjenesteyter"
    MANAGEMENT = "management", "Ledelse"
    ANALYST = "analyst", "Analytiker"
    ADMINISTRATOR = "administrator", "Systemadministrator"


OFFICE_ROLES = frozenset({Role.CASEWORKER, Role.OFFICE_LEADER})
PROVIDER_ROLES = frozenset({Role.PROVIDER_LEADER, Role.PROVIDER_STAFF})
AGGREGATE_ROLES = frozenset({Role.MANAGEMENT, Role.ANALYST})


class User(AbstractUser):
    """A person who signs in to Tildel, with one role and a scope.

    Office roles are scoped by their allocation office (and so its districts); provider
    roles by their unit; every user by one or more municipalities.
    """

    role = models.CharField("rolle", max_length=32, choices=Role.choices,
                            default=Role.CASEWORKER)
    municipalities = models.ManyToManyField(Municipality, related_name="users", blank=True,
                                            verbose_name="kommuner")
    allocation_office = models.ForeignKey(AllocationOffice, on_delete=models.PROTECT,
                                          null=True, blank=True, related_name="staff",
                                          verbose_name="tildelingskontor")
    provider_unit = models.ForeignKey(ProviderUnit, on_delete=models.PROTECT, null=True,
                                      blank=True, related_name="staff",
                                      verbose_name="tjenesteenhet")

    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        verbose_name = "bruker"
        verbose_name_plural = "brukere"

    def clean(self) -> None:
        """A role without the scope it needs would see nothing, or too much."""
        super().clean()
        errors = {}
        if self.role in OFFICE_ROLES and not self.allocation_office_id:
            errors["allocation_office"] = "Saksbehandlere og ledere i tildeling må ha et " \
                                          "tildelingskontor."
        if self.role in PROVIDER_ROLES and not self.provider_unit_id:
            errors["provider_unit"] = "Ledere og ansatte i tjenesteenheter må ha en enhet."
        if self.role not in PROVIDER_ROLES and self.provider_unit_id:
            errors["provider_unit"] = "Bare roller i tjenesteenheter kan knyttes til en enhet."
        if errors:
            raise ValidationError(errors)

    @property
    def role_label(self) -> str:
        return Role(self.role).label

    @property
    def is_office_role(self) -> bool:
        return self.role in OFFICE_ROLES

    @property
    def is_provider_role(self) -> bool:
        return self.role in PROVIDER_ROLES

    def home_municipality(self) -> Municipality | None:
        """The municipality whose data the user works on: the first by number."""
        return self.municipalities.order_by("number").first()

    def district_ids(self) -> set[int]:
        """The districts whose persons an office role may see (cached per instance)."""
        if not hasattr(self, "_district_ids"):
            if self.is_office_role and self.allocation_office_id:
                self._district_ids = set(
                    District.objects.filter(
                        allocation_offices=self.allocation_office_id,
                        municipality__in=self.municipalities.all(),
                    ).values_list("id", flat=True)
                )
            else:
                self._district_ids = set()
        return self._district_ids


class AccessOutcome(models.TextChoices):
    SHOWN = "shown", "Vist"
    DENIED = "denied", "Avvist"


class AppendOnlyQuerySet(models.QuerySet):
    """Refuses bulk update and delete: the access log is append-only."""

    def update(self, **kwargs):
        raise PermissionError("Tilgangsloggen kan ikke endres.")

    def delete(self):
        raise PermissionError("Tilgangsloggen kan ikke slettes.")


class AccessLogEntry(models.Model):
    """Tilgangslogg: one row per time a person's data was shown (or refused).

    Who (user), when, whose record (person), what was shown, and why (purpose). Rows are
    never changed or deleted through the application; the database refuses updates too
    (see the migration's trigger).
    """

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+",
                             verbose_name="bruker")
    at = models.DateTimeField("tidspunkt", default=timezone.now, db_index=True)
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT,
                               related_name="access_log", verbose_name="person")
    what = models.CharField("hva som ble vist", max_length=200)
    purpose = models.CharField("formål", max_length=200)
    outcome = models.CharField("utfall", max_length=10, choices=AccessOutcome.choices,
                               default=AccessOutcome.SHOWN)
    role = models.CharField("rolle", max_length=32, choices=Role.choices)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = "tilgangsloggoppføring"
        verbose_name_plural = "tilgangslogg"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["person", "-at"]), models.Index(fields=["user", "-at"])]

    def __str__(self) -> str:
        return f"{self.at:%d.%m.%Y %H:%M} {self.user_id} {self.what}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("Tilgangsloggen kan ikke endres.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Tilgangsloggen kan ikke slettes.")


#: How long emergency access to one person lasts once opened (hours).
EMERGENCY_ACCESS_HOURS = 2


class EmergencyAccessQuerySet(models.QuerySet):
    def active(self, user, person_id: int, at=None):
        return self.filter(user=user, person_id=person_id,
                           expires_at__gt=at or timezone.now())


class EmergencyAccess(models.Model):
    """Nødrett (break-glass): a user opened a person's record outside their scope, stating
    why. It lasts EMERGENCY_ACCESS_HOURS, every read during it is in the access log with
    the reason, and the user's leader reviews it afterwards (Normen: access on need, with
    controls after the fact)."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+",
                             verbose_name="bruker")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+",
                               verbose_name="person")
    role = models.CharField("rolle", max_length=32, choices=Role.choices)
    reason = models.TextField("begrunnelse")
    opened_at = models.DateTimeField("åpnet", default=timezone.now, db_index=True)
    expires_at = models.DateTimeField("varer til")
    reviewed_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name="gjennomgått av")
    reviewed_at = models.DateTimeField("gjennomgått", null=True, blank=True)
    review_note = models.TextField("merknad fra leder", blank=True)

    objects = EmergencyAccessQuerySet.as_manager()

    class Meta:
        verbose_name = "nødrettstilgang"
        verbose_name_plural = "nødrettstilganger"
        ordering = ["-opened_at", "-id"]
        indexes = [models.Index(fields=["user", "person", "-expires_at"])]

    def __str__(self) -> str:
        return f"{self.opened_at:%d.%m.%Y %H:%M} {self.user_id}"
