"""Suspension and extension move every dependent deadline; Easter, 17 May, Christmas."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from tildel.casework.models import OfficeSettings
from tildel.casework.services import intake

from .conftest import open_case

pytestmark = pytest.mark.django_db


def at(day: dt.date, hour=10):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def test_easter_2027_deadlines(office, easter):
    """Report 004 L2666-2667 (3 working days) and L3104 (3 weeks), across Easter 2027."""
    case = open_case(office)
    d = case.deadlines()
    assert d.acknowledgement_due == dt.date(2027, 4, 1)
    assert d.decision_due == dt.date(2027, 4, 14)
    # fvl § 11 a: one month → Saturday 24 April → Monday 26 April.
    assert d.preliminary_reply_due == dt.date(2027, 4, 26)


def test_suspension_moves_decision_and_preliminary_reply(office):
    with time_machine.travel(at(dt.date(2027, 3, 24)), tick=False) as t:
        case = open_case(office)
        before = case.deadlines()
        t.move_to(at(dt.date(2027, 3, 30)))
        intake.suspend(case, dt.date(2027, 3, 30), "Venter på fastlegen", office.caseworker)
        t.move_to(at(dt.date(2027, 4, 9)))
        intake.resume(case, dt.date(2027, 4, 9), office.caseworker)
        case.refresh_from_db()
        after = case.deadlines()
    assert after.suspended_days == 10
    # 14 April + 10 days = Saturday 24 April → the next working day, Monday 26 April.
    assert before.decision_due == dt.date(2027, 4, 14)
    assert after.decision_due == dt.date(2027, 4, 26)
    # fvl § 11 a: one month is Saturday 24 April; ten days later is Tuesday 4 May.
    assert after.preliminary_reply_due == dt.date(2027, 5, 4)
    assert after.acknowledgement_due == before.acknowledgement_due


def test_extension_moves_the_decision_deadline(office, easter):
    case = open_case(office)
    before = case.deadlines().decision_due
    intake.extend(case, 14, "Venter på uttalelse fra sykehuset", office.caseworker)
    assert case.deadlines().decision_due >= before + dt.timedelta(days=14)


def test_four_week_target_is_configurable(office, easter):
    OfficeSettings.objects.update_or_create(allocation_office=office.east_office,
                                            defaults={"decision_target_weeks": 4})
    case = open_case(office)
    assert case.deadlines().decision_due == dt.date(2027, 4, 21)


def test_acknowledgement_before_17_may_2027(office):
    """Thursday 13 May 2027: Friday 14 works, 17 May is a holiday; due Wednesday 19 May."""
    with time_machine.travel(at(dt.date(2027, 5, 13)), tick=False):
        case = open_case(office)
        assert case.deadlines().acknowledgement_due == dt.date(2027, 5, 19)


def test_acknowledgement_over_christmas_2026(office):
    """Wednesday 23 Dec 2026: 24 counts, 25-26 holidays, 28 and 29 → due 29 December."""
    with time_machine.travel(at(dt.date(2026, 12, 23)), tick=False):
        case = open_case(office)
        assert case.deadlines().acknowledgement_due == dt.date(2026, 12, 29)


def test_immediate_measure_creates_a_task_due_with_the_decision(office, easter):
    from tildel.catalogue.models import Service

    case = open_case(office)
    measure = intake.start_immediate_measure(
        case, service=Service.objects.get(code="hjemmesykepleie"),
        provider_unit=office.east_unit, started_on=dt.date(2027, 3, 24),
        description="Medisinhjelp morgen og kveld", actor=office.caseworker)
    assert measure.task.due_on == case.deadlines().decision_due
    labels = [label for label, _ in case.outstanding_deadlines(dt.date(2027, 3, 24))]
    assert any("strakstiltak" in label for label in labels)
