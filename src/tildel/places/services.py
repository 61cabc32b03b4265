"""Places and waiting lists: what is free, taking a place without double-booking it, the
waiting list with the long-term rule (§ 3-2 a), the next place to the one with the greatest
need, and deviations. Rules in ``tildel.rules.places``; messages are Norwegian."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from tildel.accounts import access
from tildel.rules import places as rules
from tildel.rules.places import ListKind

from .models import (
    LIST_FOR_PLACE,
    Deviation,
    Institution,
    Occupancy,
    Place,
    PlaceKind,
    WaitingListEntry,
)

#: Catalogue services whose decisions take a place of this kind (seed.SERVICES).
KIND_OF_SERVICE = {"langtidsopphold": PlaceKind.LONG_TERM,
                   "korttid-utredning": PlaceKind.SHORT_TERM,
                   "korttid-annet": PlaceKind.SHORT_TERM,
                   "korttid-rehabilitering": PlaceKind.REHABILITATION,
                   "avlastning-institusjon": PlaceKind.RESPITE,
                   "kah-dogn": PlaceKind.EMERGENCY}


class PlaceError(ValueError):
    """A change refused; ``field`` names the form field it is about."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def _open_on(day: dt.date) -> Q:
    return Q(opened_on__lte=day) & (Q(closed_on__isnull=True) | Q(closed_on__gte=day))


def _running_on(day: dt.date) -> Q:
    return Q(start__lte=day) & (Q(end__isnull=True) | Q(end__gte=day))


def free_places(municipality, day: dt.date, kinds=None) -> list[Place]:
    """Places open on ``day`` and not occupied that day, by institution and label."""
    taken = Occupancy.objects.filter(_running_on(day), place__isnull=False).values("place_id")
    places = Place.objects.filter(_open_on(day), institution__municipality=municipality
                                  ).exclude(pk__in=taken).select_related("institution")
    if kinds:
        places = places.filter(kind__in=kinds)
    return list(places.order_by("kind", "institution__name", "label"))


def free_for_services(municipality, service_codes, day: dt.date) -> list[Place] | None:
    """Free places of the kinds the services take (a caseworker deciding a long-term place
    sees them); None when none of the services takes a place."""
    kinds = {KIND_OF_SERVICE[code] for code in service_codes if code in KIND_OF_SERVICE}
    return free_places(municipality, day, kinds) if kinds else None


@dataclass(frozen=True)
class Capacity:
    """One institution's places of one kind on one day."""

    institution: Institution
    kind: str
    places: int
    occupied: int
    corridor: int  # residents with no place (overbelegg)

    @property
    def free(self) -> int:
        return max(self.places - self.occupied, 0)

    @property
    def kind_label(self) -> str:
        return PlaceKind(self.kind).label


def capacity(municipality, day: dt.date) -> list[Capacity]:
    """Places, occupied and corridor residents per institution and kind, in two queries."""
    places: dict[tuple, int] = defaultdict(int)
    institutions = {}
    for place in Place.objects.filter(_open_on(day), institution__municipality=municipality
                                      ).select_related("institution"):
        places[(place.institution_id, place.kind)] += 1
        institutions[place.institution_id] = place.institution
    occupied: dict[tuple, int] = defaultdict(int)
    corridor: dict[tuple, int] = defaultdict(int)
    for institution, kind, has_place in Occupancy.objects.filter(
            _running_on(day), institution__municipality=municipality).values_list(
            "institution_id", "kind", "place_id"):
        (occupied if has_place else corridor)[(institution, kind)] += 1
    keys = sorted(set(places) | set(corridor),
                  key=lambda k: (institutions[k[0]].name if k[0] in institutions else "", k[1]))
    missing = {k[0] for k in keys} - set(institutions)
    institutions.update({i.pk: i for i in Institution.objects.filter(pk__in=missing)})
    return [Capacity(institutions[i], kind, places[(i, kind)], occupied[(i, kind)],
                     corridor[(i, kind)]) for i, kind in keys]


def history(municipality, months: list[tuple[dt.date, dt.date]]) -> list[tuple]:
    """(first day, rules.Period) per month for all the municipality's own places: belegg,
    omløp and length of stay over time."""
    first, last = months[0][0], months[-1][1]
    place_spells = [rules.Spell(opened, closed) for opened, closed in Place.objects.filter(
        institution__municipality=municipality, opened_on__lte=last).filter(
        Q(closed_on__isnull=True) | Q(closed_on__gte=first)).values_list("opened_on",
                                                                          "closed_on")]
    spells = [rules.Spell(start, end) for start, end in Occupancy.objects.filter(
        institution__municipality=municipality, start__lte=last).filter(
        Q(end__isnull=True) | Q(end__gte=first)).values_list("start", "end")]
    result = []
    for start, end in months:
        result.append((start, rules.period(place_spells, spells, start, end)))
    return result


@transaction.atomic
def admit(*, place: Place | None, institution: Institution, kind: str, person,
          start: dt.date, end: dt.date | None = None, actor=None) -> Occupancy:
    """A resident takes ``place`` from ``start``; refused if the place is taken in that
    time (double-booked) or closed. Without a place the resident is a corridor patient,
    and the deviation is recorded."""
    if end is not None and end < start:
        raise PlaceError("Sluttdatoen er før startdatoen.", "end")
    if place is not None:
        place = Place.objects.select_for_update().get(pk=place.pk)
        if place.opened_on > start or (place.closed_on and place.closed_on < (end or start)):
            raise PlaceError(f"Plassen {place.label} er ikke i bruk i hele perioden.", "place")
        existing = [(o, rules.Spell(o.start, o.end)) for o in place.occupancies.all()]
        taken = rules.clash(rules.Spell(start, end), [spell for _, spell in existing])
        if taken is not None:
            until = f"til {taken.end:%d.%m.%Y}" if taken.end else "uten sluttdato"
            raise PlaceError(f"Plassen {place.label} er allerede tildelt fra "
                             f"{taken.start:%d.%m.%Y} {until}. Velg en ledig plass.", "place")
        institution, kind = place.institution, place.kind
    occupancy = Occupancy.objects.create(institution=institution, place=place, kind=kind,
                                         person=person, start=start, end=end,
                                         created_by=actor)
    if place is None:
        Deviation.objects.create(
            municipality=institution.municipality, kind=Deviation.Kind.CORRIDOR,
            occurred_on=start, institution=institution, person=person, registered_by=actor,
            note=f"Tatt inn uten ledig plass ({PlaceKind(kind).label.lower()}).")
    return occupancy


@transaction.atomic
def leave(occupancy: Occupancy, end: dt.date) -> Occupancy:
    locked = Occupancy.objects.select_for_update().get(pk=occupancy.pk)
    if end < locked.start:
        raise PlaceError("Sluttdatoen er før startdatoen.", "end")
    locked.end = end
    locked.save(update_fields=["end"])
    return locked


def add_to_list(*, person, kind: ListKind, qualified_on: dt.date, priority: int,
                only_safe_option: bool, note: str = "", actor=None) -> WaitingListEntry:
    """Put a person found qualified on a waiting list; § 3-2 a refuses the long-term list
    when a place is the only safe option."""
    try:
        rules.check_entry(kind, only_safe_option, qualified_on, timezone.localdate())
    except rules.Refused as error:
        raise PlaceError(str(error), "only_safe_option" if only_safe_option
                         else "qualified_on") from None
    try:
        with transaction.atomic():
            return WaitingListEntry.objects.create(
                person=person, list=kind.key, qualified_on=qualified_on, priority=priority,
                note=note, created_by=actor)
    except IntegrityError:
        raise PlaceError(f"Personen står allerede på ventelisten for "
                         f"{kind.label.lower()}.", "list") from None


def waiting(kind_key: str, municipality):
    """The list in the order it is taken (rules.in_order)."""
    entries = {e.pk: e for e in WaitingListEntry.objects.filter(
        list=kind_key, status=WaitingListEntry.Status.WAITING,
        person__municipality=municipality).select_related("person", "person__district")}
    order = rules.in_order(rules.Entry(e.pk, e.priority, e.qualified_on)
                           for e in entries.values())
    return [entries[e.entry_id] for e in order]


@transaction.atomic
def give_next(place: Place, day: dt.date, actor=None) -> WaitingListEntry:
    """The free ``place`` to the first on its waiting list (greatest need, then longest
    wait)."""
    key = LIST_FOR_PLACE.get(PlaceKind(place.kind))
    if key is None:
        raise PlaceError("Denne typen plass tildeles ikke fra en venteliste.")
    municipality = place.institution.municipality
    queue = waiting(key, municipality)
    if not queue:
        raise PlaceError("Ingen venter på denne typen plass.")
    entry = WaitingListEntry.objects.select_for_update().get(pk=queue[0].pk)
    if entry.status != WaitingListEntry.Status.WAITING:
        raise PlaceError("Listen ble endret av en annen. Last siden på nytt.")
    occupancy = admit(place=place, institution=place.institution, kind=place.kind,
                      person=entry.person, start=day, actor=actor)
    entry.status, entry.placed_on, entry.occupancy = (WaitingListEntry.Status.PLACED, day,
                                                      occupancy)
    entry.changed_on = day
    entry.save(update_fields=["status", "placed_on", "occupancy", "changed_on"])
    return entry


def visible_entries(user):
    return WaitingListEntry.objects.filter(person__in=access.persons_visible_to(user))
