"""Casework fixtures: an office with a caseworker, a leader and a provider unit's staff."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from tildel.accounts.models import Role
from tildel.casework.models import Assessment, Channel, SenderRole
from tildel.casework.services import decisions as decision_service
from tildel.casework.services import intake
from tildel.catalogue.models import Service
from tildel.people.models import NextOfKin

# Wednesday before Easter 2027: Skjærtorsdag 25 March, Langfredag 26 March,
# 2. påskedag 29 March are public holidays.
EASTER_WEDNESDAY = dt.datetime(2027, 3, 24, 10, 0)


@pytest.fixture
def office(world, settings, tmp_path):
    settings.TILDEL_OUTBOX_DIR = tmp_path / "outbox"
    settings.TILDEL_DISPATCH_CHANNEL = "outbox"
    w = world
    w.caseworker = w.user(Role.CASEWORKER, office=w.east_office, username="sara")
    w.caseworker2 = w.user(Role.CASEWORKER, office=w.east_office, username="sindre")
    w.leader = w.user(Role.OFFICE_LEADER, office=w.east_office, username="live")
    w.provider = w.user(Role.PROVIDER_LEADER, unit=w.east_unit, username="hege")
    w.other_caseworker = w.user(Role.CASEWORKER, office=w.west_office, username="vest")
    w.outbox = tmp_path / "outbox"
    return w


@pytest.fixture
def easter():
    with time_machine.travel(timezone.make_aware(EASTER_WEDNESDAY), tick=False) as traveller:
        yield traveller


def father(w):
    person = w.person(given="Arne", family="Hansen", birth=dt.date(1938, 2, 11))
    NextOfKin.objects.create(person=person, name="Ingrid Hansen", relation="datter",
                             phone="41234567", is_primary=True)
    return person


def open_case(w, person=None, codes=("hjemmesykepleie",), received_at=None):
    return intake.register_enquiry(
        office=w.east_office, person=person or father(w), channel=Channel.PHONE,
        sender_name="Ingrid Hansen", sender_role=SenderRole.NEXT_OF_KIN,
        text="Far klarer ikke medisinene.", subject="Hjelp med medisiner",
        services=Service.objects.filter(code__in=codes),
        received_at=received_at or timezone.now(), actor=w.caseworker)


def informed(case, **kw):
    values = {"held_on": timezone.localdate(), "what_matters": "Bo hjemme",
              "goals": "Klare morgenstellet selv", "findings": "Bor alene.",
              "rehabilitation_screening": Assessment.Screening.NO,
              "lower_levels_considered": "Trygghetsalarm og praktisk bistand vurdert.",
              "sufficiently_informed": True, **kw}
    return Assessment.objects.create(case=case, **values)


def granted_line(w, code="hjemmesykepleie", **kw):
    version = Service.objects.get(code=code).version_on(timezone.localdate())
    base = {"service_version": version, "granted": True, "provider_unit": w.east_unit,
            "extent": 6, "extent_unit": "hours_week", "start": timezone.localdate()}
    return {**base, **kw}


def refused_line(code="langtidsopphold", alternative="Korttidsopphold i fire uker"):
    version = Service.objects.get(code=code).version_on(timezone.localdate())
    return {"service_version": version, "granted": False, "extent_unit": "none",
            "alternative_offered": alternative}


def drafted(w, case, lines=None, **fields):
    decision = decision_service.create_draft(case, w.caseworker)
    values = {"legal_basis": "hol § 3-2 første ledd nr. 6 bokstav a",
              "facts": "Bor alene.", "reasons": "Trenger hjelp med medisiner.",
              "alternative_offered": "", **fields}
    return decision_service.save_draft(decision, expected_version=decision.version,
                                       fields=values, lines=lines or [granted_line(w)],
                                       actor=w.caseworker)
