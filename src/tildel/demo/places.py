"""Demo places, residents, waiting lists and deviations (issue 8; reports 002 and 004).

For the medium demo: a nursing home with 60 long-term and 4 respite places, a health house
(helsehus) with 20 short-term, 8 rehabilitation and 4 emergency (KAD) beds, and 5 long-term
places bought from a neighbouring municipality; scaled by the number of recipients for the
other sizes. Two years of stays: long-term residents stay about two years, short-term and
rehabilitation stays two to four weeks, emergency beds a few days, respite a week; almost
every long-term place is taken today. Waiting lists for each kind, most for long-term
places, with need and the date found qualified; a few corridor patients and measures that
could not be started are recorded as deviations.
"""

from __future__ import annotations

import datetime as dt
import random

from tildel.people.models import Person
from tildel.places.models import (
    Deviation,
    Institution,
    Occupancy,
    Place,
    PlaceKind,
    WaitingListEntry,
)
from tildel.rules.places import ListKind

MEDIUM_RECIPIENTS = 3000
DAYS = 730
#: (institution, district index or None, seller, [(kind, places at medium size)])
LAYOUT = (("Solbakken sykehjem (demo)", 0, "", ((PlaceKind.LONG_TERM, 60),
                                                 (PlaceKind.RESPITE, 4))),
          ("Byfjord helsehus (demo)", 1, "", ((PlaceKind.SHORT_TERM, 20),
                                               (PlaceKind.REHABILITATION, 8),
                                               (PlaceKind.EMERGENCY, 4))),
          ("Nabokommunen sykehjem (demo)", None, "Nabokommunen (demo)",
           ((PlaceKind.LONG_TERM, 5),)))
#: Length of a stay in days (low, high) and the gap before the next (low, high).
STAYS = {PlaceKind.LONG_TERM: ((200, 1400), (1, 20)), PlaceKind.SHORT_TERM: ((7, 30), (0, 3)),
         PlaceKind.REHABILITATION: ((14, 28), (0, 4)), PlaceKind.EMERGENCY: ((1, 4), (0, 6)),
         PlaceKind.RESPITE: ((5, 9), (0, 10))}
#: People waiting today per list at medium size.
WAITING = {ListKind.LONG_TERM: 14, ListKind.STAFFED_HOUSING: 5, ListKind.SUPPORT_CONTACT: 8,
           ListKind.BPA: 3, ListKind.RESPITE: 6}


def build_places(municipality, districts, as_of: dt.date, seed: int, recipients: int,
                 progress=None) -> int:
    """Add the places and their history; returns the number of stays made."""
    rng = random.Random(seed * 71 + 3)
    scale = recipients / MEDIUM_RECIPIENTS
    persons = list(Person.objects.filter(municipality=municipality, birth_date__lte=as_of
                                         - dt.timedelta(days=365 * 67)).values_list(
        "id", flat=True).order_by("id"))
    if not persons:
        return 0
    rng.shuffle(persons)
    start = as_of - dt.timedelta(days=DAYS)
    busy: dict[int, dt.date] = {}
    occupancies = []
    for name, district, seller, kinds in LAYOUT:
        institution = Institution.objects.create(
            municipality=municipality, name=name, seller=seller,
            district=districts[district % len(districts)] if district is not None else None)
        for kind, count in kinds:
            places = Place.objects.bulk_create(
                Place(institution=institution, kind=kind, label=f"{kind.label[:4]} {n}",
                      opened_on=start - dt.timedelta(days=365))
                for n in range(1, max(2, round(count * scale)) + 1))
            for place in places:
                occupancies += _fill(rng, place, institution, persons, busy, start, as_of)
    Occupancy.objects.bulk_create(occupancies, batch_size=5000)
    _waiting_lists(rng, persons, busy, as_of, scale)
    _deviations(rng, municipality, as_of, persons)
    if progress:
        progress("Plasser og ventelister", 1, 1)
    return len(occupancies)


def _fill(rng, place, institution, persons, busy, start, as_of) -> list[Occupancy]:
    (low, high), (gap_low, gap_high) = STAYS[PlaceKind(place.kind)]
    day = start - dt.timedelta(days=rng.randint(0, high))  # someone was there already
    made = []
    while day <= as_of:
        length = rng.randint(low, high)
        end = day + dt.timedelta(days=length - 1)
        person = _free_person(rng, persons, busy, day)
        if person is None:
            break
        # A long-term resident still there has no end; other stays have a planned one.
        open_end = end >= as_of and place.kind == PlaceKind.LONG_TERM
        made.append(Occupancy(institution=institution, place=place, kind=place.kind,
                              person_id=person, start=day, end=None if open_end else end))
        busy[person] = dt.date.max if open_end else end
        day = end + dt.timedelta(days=1 + rng.randint(gap_low, gap_high))
    return made


def _free_person(rng, persons, busy, day) -> int | None:
    for _ in range(30):
        person = rng.choice(persons)
        if busy.get(person, dt.date.min) < day:
            return person
    return None


def _waiting_lists(rng, persons, busy, as_of, scale) -> None:
    entries = []
    for kind, count in WAITING.items():
        for _ in range(max(1, round(count * scale))):
            person = _free_person(rng, persons, busy, as_of)
            if person is None:
                return
            busy[person] = dt.date.max  # one list each in the demo
            entries.append(WaitingListEntry(
                person_id=person, list=kind.key, priority=rng.choice((1, 2, 2, 3)),
                qualified_on=as_of - dt.timedelta(days=rng.randint(3, 200)),
                note="Funnet kvalifisert etter kartlegging (demo)."))
        for _ in range(max(1, round(count * scale * 2))):  # given a place earlier
            qualified = as_of - dt.timedelta(days=rng.randint(60, 700))
            entries.append(WaitingListEntry(
                person_id=rng.choice(persons), list=kind.key, priority=rng.choice((1, 2, 3)),
                qualified_on=qualified, status=WaitingListEntry.Status.PLACED,
                placed_on=qualified + dt.timedelta(days=rng.randint(5, 55))))
    for entry in entries:
        entry.changed_on = entry.placed_on
    WaitingListEntry.objects.bulk_create(entries)


def _deviations(rng, municipality, as_of, persons) -> None:
    home = Institution.objects.filter(municipality=municipality).first()
    Deviation.objects.bulk_create(
        [Deviation(municipality=municipality, kind=Deviation.Kind.CORRIDOR, institution=home,
                   occurred_on=as_of - dt.timedelta(days=rng.randint(1, 300)),
                   note="Tatt inn uten ledig plass (demo).") for _ in range(3)]
        + [Deviation(municipality=municipality, kind=Deviation.Kind.NOT_STARTED,
                     occurred_on=as_of - dt.timedelta(days=rng.randint(1, 300)),
                     note="Vedtak om korttidsopphold kunne ikke settes i gang: ingen ledig "
                          "plass (demo).") for _ in range(4)])
