"""Institutions and their places, who occupies them, waiting lists and deviations
(plasser, belegg, ventelister og avvik). The rules are in ``tildel.rules.places``."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from tildel.organisation.models import District, Municipality
from tildel.people.models import Person
from tildel.rules.places import ListKind


class PlaceKind(models.TextChoices):
    LONG_TERM = "long_term", "Langtidsplass"
    SHORT_TERM = "short_term", "Korttidsplass"
    RESPITE = "respite", "Avlastningsplass"
    REHABILITATION = "rehabilitation", "Rehabiliteringsplass"
    EMERGENCY = "emergency", "Øyeblikkelig hjelp-seng (KAD)"


#: The waiting list a freed place is offered from.
LIST_FOR_PLACE = {PlaceKind.LONG_TERM: ListKind.LONG_TERM.key,
                  PlaceKind.RESPITE: ListKind.RESPITE.key}


class Institution(models.Model):
    """Sykehjem, helsehus or another institution with places; ``seller`` is the
    municipality places are bought from (kjøpte plasser), empty for one's own."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT,
                                     related_name="institutions", verbose_name="kommune")
    name = models.CharField("navn", max_length=120)
    district = models.ForeignKey(District, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="institutions", verbose_name="bydel/distrikt")
    seller = models.CharField("kjøpt fra kommune", max_length=100, blank=True)

    class Meta:
        verbose_name = "institusjon"
        verbose_name_plural = "institusjoner"
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["municipality", "name"],
                                               name="institution_name_once")]

    def __str__(self) -> str:
        return self.name


class Place(models.Model):
    """One place (a bed or room) of a kind; ``closed_on`` ends it (capacity over time)."""

    institution = models.ForeignKey(Institution, on_delete=models.PROTECT,
                                    related_name="places", verbose_name="institusjon")
    kind = models.CharField("type plass", max_length=16, choices=PlaceKind.choices)
    label = models.CharField("rom/seng", max_length=40)
    opened_on = models.DateField("tatt i bruk")
    closed_on = models.DateField("lagt ned", null=True, blank=True)

    class Meta:
        verbose_name = "plass"
        verbose_name_plural = "plasser"
        ordering = ["institution", "kind", "label"]
        constraints = [models.UniqueConstraint(fields=["institution", "label"],
                                               name="place_label_once")]

    def __str__(self) -> str:
        return f"{self.institution}, {self.label}"


class Occupancy(models.Model):
    """Opphold: a resident in a place, or with no place (a corridor patient, overbelegg)."""

    institution = models.ForeignKey(Institution, on_delete=models.PROTECT,
                                    related_name="occupancies", verbose_name="institusjon")
    place = models.ForeignKey(Place, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="occupancies", verbose_name="plass")
    kind = models.CharField("type opphold", max_length=16, choices=PlaceKind.choices)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="occupancies",
                               verbose_name="person")
    start = models.DateField("fra")
    end = models.DateField("til og med", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = "opphold"
        verbose_name_plural = "opphold"
        ordering = ["-start", "-id"]
        indexes = [models.Index(fields=["place", "start"]),
                   models.Index(fields=["institution", "start"])]

    def __str__(self) -> str:
        return f"{self.institution} fra {self.start:%d.%m.%Y}"

    def clean(self) -> None:
        """The same checks as the screens (admin): dates in order, no double-booking."""
        from django.core.exceptions import ValidationError

        from tildel.rules import places as rules

        if self.end is not None and self.start and self.end < self.start:
            raise ValidationError({"end": "Sluttdatoen er før startdatoen."})
        if self.place_id and self.start:
            others = Occupancy.objects.filter(place_id=self.place_id).exclude(pk=self.pk)
            taken = rules.clash(rules.Spell(self.start, self.end),
                                [rules.Spell(o.start, o.end) for o in others])
            if taken is not None:
                raise ValidationError({"place": f"Plassen er allerede tildelt fra "
                                                f"{taken.start:%d.%m.%Y}."})


class WaitingListEntry(models.Model):
    """Venteliste: a person found qualified and waiting, with the date and their need."""

    class Status(models.TextChoices):
        WAITING = "waiting", "Venter"
        PLACED = "placed", "Fått plass"
        WITHDRAWN = "withdrawn", "Tatt av listen"

    LISTS = [(kind.key, kind.label) for kind in ListKind]
    PRIORITIES = [(1, "1 – stort behov"), (2, "2 – middels behov"), (3, "3 – lite behov")]

    person = models.ForeignKey(Person, on_delete=models.PROTECT,
                               related_name="waiting_list_entries", verbose_name="person")
    list = models.CharField("venteliste", max_length=20, choices=LISTS)
    qualified_on = models.DateField("funnet kvalifisert")
    priority = models.PositiveSmallIntegerField("behov", choices=PRIORITIES, default=2)
    note = models.TextField("begrunnelse", blank=True, max_length=2000)
    status = models.CharField("status", max_length=12, choices=Status.choices,
                              default=Status.WAITING)
    placed_on = models.DateField("fikk plass", null=True, blank=True)
    changed_on = models.DateField("status endret", null=True, blank=True)
    occupancy = models.ForeignKey(Occupancy, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name="opphold")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    created_at = models.DateTimeField("registrert", auto_now_add=True)

    class Meta:
        verbose_name = "venteliste-oppføring"
        verbose_name_plural = "ventelister"
        ordering = ["list", "priority", "qualified_on", "id"]
        constraints = [models.UniqueConstraint(
            fields=["person", "list"], condition=models.Q(status="waiting"),
            name="waiting_once_per_list")]

    def __str__(self) -> str:
        return f"{self.get_list_display()} fra {self.qualified_on:%d.%m.%Y}"


class Deviation(models.Model):
    """Avvik: a measure that could not be started, a corridor patient, overcrowding."""

    class Kind(models.TextChoices):
        NOT_STARTED = "not_started", "Tiltak kan ikke settes i gang"
        CORRIDOR = "corridor", "Korridorpasient"
        OVERCROWDED = "overcrowded", "Overbelegg"

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT,
                                     related_name="place_deviations", verbose_name="kommune")
    kind = models.CharField("type avvik", max_length=16, choices=Kind.choices)
    occurred_on = models.DateField("dato")
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, null=True,
                                    blank=True, related_name="deviations",
                                    verbose_name="institusjon")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="place_deviations", verbose_name="person")
    note = models.TextField("beskrivelse", max_length=2000)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                      null=True, blank=True, related_name="+")
    registered_at = models.DateTimeField("registrert", auto_now_add=True)

    class Meta:
        verbose_name = "avvik"
        verbose_name_plural = "avvik"
        ordering = ["-occurred_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_on:%d.%m.%Y}"
