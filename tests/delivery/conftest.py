"""Delivery fixtures: the east home-nursing unit, its staff, two users and visit logs."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from tildel.accounts.models import Role

TODAY = dt.date.today()
# Monday of the week before last: a whole week in the past, whatever day the tests run.
MONDAY = TODAY - dt.timedelta(days=TODAY.weekday() + 14)
HEADER = "enhet;fødselsnummer;start;slutt;rolle"
EAST, WEST = "974000001", "974000002"


@pytest.fixture
def delivery(world):
    w = world
    w.east_unit.organisation_number = EAST
    w.east_unit.save()
    w.west_unit.organisation_number = WEST
    w.west_unit.save()
    w.east_unit.districts.add(w.east)
    w.west_unit.districts.add(w.west)
    w.leader = w.user(Role.PROVIDER_LEADER, unit=w.east_unit, username="hege")
    w.staff = w.user(Role.PROVIDER_STAFF, unit=w.east_unit, username="tone")
    w.west_staff = w.user(Role.PROVIDER_STAFF, unit=w.west_unit, username="vest")
    w.caseworker = w.user(Role.CASEWORKER, office=w.east_office, username="sara")
    w.anna = w.person(given="Anna", family="Berg")
    # Home nursing is decided in hours a month: 24 h/month = 6 h/week (IPLOS: / 4).
    w.line = w.grant(w.anna, w.east_unit, hours=Decimal(24),
                     start=MONDAY - dt.timedelta(days=60))
    w.olav = w.person(given="Olav", family="Dahl")  # no decision anywhere
    return w


def at(day: dt.date, hhmm: str) -> str:
    return f"{day:%Y-%m-%d} {hhmm}"


def csv_bytes(rows: list[str], header: str = HEADER, encoding: str = "utf-8",
              newline: str = "\n") -> bytes:
    return newline.join([header, *rows, ""]).encode(encoding)


def visit_row(person, start: str, end: str, unit: str = EAST, role: str = "SPL") -> str:
    number = person if isinstance(person, str) else person.id_number
    return f"{unit};{number};{start};{end};{role}"


def aware(day: dt.date, hhmm: str) -> dt.datetime:
    hour, minute = (int(p) for p in hhmm.split(":"))
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))
