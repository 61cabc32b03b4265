"""Demo hospital stays (sykehusopphold) shaped by report 002 (Kristiansund 2019).

- about 106 admissions a month for the medium demo (report 002 l.579-580), scaled by the
  number of service recipients for the other sizes, for the last two years;
- discharged home about two in three, to an institution one in five, elsewhere the rest,
  as in Fig 1 (l.341-364); the admissions of the last days are still in hospital;
- about half are declared ready for discharge; most go home the same day, those waiting
  for an institution wait longer, so the days ready for discharge come to a few a day
  (Fig 3: 2-7 a day, l.403-408); today some lie ready and wait;
- about one in ten is in mental health care (psykisk helsevern);
- a daily rate for every year of the stays: an example value, marked as such (the
  reports give none; the municipality sets the year's national rate).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from decimal import Decimal

from django.utils import timezone

from tildel.hospital.models import DischargeRate, HospitalStay
from tildel.organisation.models import ProviderKind, ProviderUnit
from tildel.people.models import Person

ADMISSIONS_PER_MONTH = 106  # report 002 l.579-580, for the medium demo's 3,000 recipients
MEDIUM_RECIPIENTS = 3000
MONTHS = 24
HOSPITALS = (("Sykehuset Nordfjord (demo)", "59001"), ("Universitetssykehuset Vest (demo)",
                                                        "59002"))
DEPARTMENTS = ("Medisinsk avdeling", "Ortopedisk avdeling", "Kirurgisk avdeling",
               "Geriatrisk avdeling", "Nevrologisk avdeling")
EXAMPLE_RATE = Decimal(5036)  # the national rate of 2020 (digest 002 § 4), as an example
RATE_SOURCE = "Eksempel i demoen (2020-satsen); sett årets nasjonale sats"
# Fig 1 (l.362-364): 1261 home, 394 institution, 169 elsewhere of 1910 admitted.
DESTINATIONS = ((HospitalStay.Destination.HOME, 1261), (HospitalStay.Destination.INSTITUTION,
                                                         394),
                (HospitalStay.Destination.ELSEWHERE, 169))


def build_hospital(municipality, as_of: dt.date, seed: int, recipients: int,
                   progress: Callable[[str, int, int | None], None] | None = None
                   ) -> int:
    """Add two years of hospital stays and the daily rates; returns the stays made."""
    rng = random.Random(seed * 53 + 2)
    progress = progress or (lambda step, advance, total: None)
    per_month = max(4, round(ADMISSIONS_PER_MONTH * recipients / MEDIUM_RECIPIENTS))
    persons = list(Person.objects.filter(municipality=municipality, birth_date__lte=as_of
                                         - dt.timedelta(days=365 * 60)).values_list(
        "id", flat=True).order_by("id"))
    if not persons:
        return 0
    mastery = ProviderUnit.objects.filter(municipality=municipality,
                                          kind=ProviderKind.EVERYDAY_MASTERY).first()
    zone = timezone.get_default_timezone()
    busy: dict[int, dt.date] = {}  # person → the day their last stay ended (or far ahead)
    stays = []
    first = (as_of.replace(day=1) - dt.timedelta(days=MONTHS * 31)).replace(day=1)
    days = (as_of - first).days + 1
    total = per_month * days // 30
    for n in range(total):
        admitted = first + dt.timedelta(days=rng.randrange(days))
        for _ in range(20):  # one stay at a time: someone not in hospital that day
            person = rng.choice(persons)
            if busy.get(person, dt.date.min) < admitted:
                break
        else:
            continue
        stays.append(_stay(rng, person, admitted, as_of, zone, mastery))
        stay = stays[-1]
        busy[person] = (timezone.localtime(stay.discharged_at).date() if stay.discharged_at
                        else dt.date.max)
        if n % 5000 == 0:
            progress("Sykehusopphold", 0, total)
    HospitalStay.objects.bulk_create(sorted(stays, key=lambda s: s.admitted_at),
                                     batch_size=5000)
    DischargeRate.objects.bulk_create(
        [DischargeRate(year=year, daily_rate=EXAMPLE_RATE, source=RATE_SOURCE)
         for year in range(first.year, as_of.year + 1)], ignore_conflicts=True)
    progress("Sykehusopphold", total, total)
    return len(stays)


def _stay(rng: random.Random, person: int, admitted: dt.date, as_of: dt.date, zone,
          mastery) -> HospitalStay:
    hospital, her_id = rng.choice(HOSPITALS)
    psychiatric = rng.random() < 0.1
    stay = HospitalStay(person_id=person, hospital=hospital, hospital_her_id=her_id,
                        department="Psykisk helsevern" if psychiatric
                        else rng.choice(DEPARTMENTS), psychiatric=psychiatric,
                        admitted_at=dt.datetime.combine(admitted, dt.time(rng.randrange(24),
                                                                          rng.randrange(60)),
                                                        tzinfo=zone))
    destination = rng.choices([d for d, _ in DESTINATIONS], [w for _, w in DESTINATIONS])[0]
    treated = admitted + dt.timedelta(days=rng.randint(1, 9))
    waits = rng.random() < 0.5
    wait = 0
    if waits:
        stay.ready_on = treated
        if destination == HospitalStay.Destination.INSTITUTION:
            wait = rng.choice((0, 1, 2, 3, 5, 8, 12))
        elif rng.random() < 0.25:
            wait = rng.randint(1, 4)
    out = treated + dt.timedelta(days=wait)
    if stay.ready_on is not None and stay.ready_on > as_of:
        stay.ready_on = None  # not ready yet
    if out > as_of:  # still in hospital
        stay.status = (HospitalStay.Status.READY if stay.ready_on
                       else HospitalStay.Status.ADMITTED)
        return stay
    stay.discharged_at = dt.datetime.combine(out, dt.time(rng.randint(9, 16)), tzinfo=zone)
    stay.destination, stay.status = destination, HospitalStay.Status.DISCHARGED
    if stay.ready_on is not None:
        stay.accepted_on = out
        stay.responsible_unit = mastery if mastery and rng.random() < 0.5 else None
        stay.plan_assistive_devices = rng.random() < 0.4
        stay.plan_welfare_technology = rng.random() < 0.3
        stay.plan_home_adaptation = rng.random() < 0.15
        stay.plan_place_application = destination == HospitalStay.Destination.INSTITUTION
    return stay
