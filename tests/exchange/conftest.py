"""A municipality with two units that have organisation numbers, a KPR contact, and two
persons with a granted line each (Kari's ended five days ago, Ola's runs)."""

from __future__ import annotations

import datetime as dt

import pytest

from tildel.exchange.models import RegisterContact

TODAY = dt.date.today()


@pytest.fixture
def kpr_world(world):
    world.east_unit.organisation_number = "974256959"
    world.east_unit.save()
    world.west_unit.organisation_number = "974256967"
    world.west_unit.save()
    RegisterContact.objects.create(municipality=world.municipality, name="Ingrid IPLOS",
                                   email="iplos@kommune.invalid",
                                   kind=RegisterContact.Kind.IPLOS_CONTACT)
    world.kari = world.person()
    world.line = world.grant(world.kari, world.east_unit,
                             start=TODAY - dt.timedelta(days=40),
                             end=TODAY - dt.timedelta(days=5))
    world.ola = world.person(world.west, given="Ola")
    world.ola_line = world.grant(world.ola, world.west_unit, start=TODAY - dt.timedelta(days=20))
    return world
