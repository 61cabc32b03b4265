"""What the office does with a hospital stay: marks the patient ready for discharge (a
message by phone), plans the way home, accepts the patient and records the discharge.

Every change checks the dates with ``tildel.rules.discharge`` and refuses a stale edit
(someone else saved the stay after the form was opened), so nothing is silently
overwritten. Waiting days and their cost are counted here for the board.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from tildel.accounts import access
from tildel.rules import discharge as rules
from tildel.rules.indicators.periods import month_end

from .models import DischargeRate, HospitalStay

OPEN = (HospitalStay.Status.ADMITTED, HospitalStay.Status.READY)


class DischargeError(ValueError):
    """A change the rules refuse; the message is Norwegian and names the field."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def as_rule(stay: HospitalStay) -> rules.Stay:
    """The stay as the rules see it, in local dates."""
    def day(moment):
        return timezone.localtime(moment).date() if moment else None

    destination = rules.Destination(stay.destination) if stay.destination else None
    return rules.Stay(day(stay.admitted_at), stay.ready_on, day(stay.discharged_at),
                      destination, stay.status == HospitalStay.Status.DIED, stay.accepted_on)


def visible_stays(user):
    """The stays ``user`` may see: those of the persons the user may open, and for a
    provider unit's leader also the stays the unit is responsible for."""
    condition = Q(person__in=access.persons_visible_to(user))
    if user.is_provider_role and user.provider_unit_id:
        condition |= Q(responsible_unit_id=user.provider_unit_id)
    return HospitalStay.objects.filter(condition)


def waiting_days_of(stay: HospitalStay, first: dt.date, last: dt.date) -> int:
    """Days from ``first`` to ``last`` the patient lay ready for discharge (report 002)."""
    return rules.waiting_days(as_rule(stay), first, last)


def _locked(stay: HospitalStay, version: int) -> HospitalStay:
    locked = HospitalStay.objects.select_for_update().get(pk=stay.pk)
    if locked.version != version:
        raise DischargeError("Oppholdet ble endret av en annen etter at du åpnet det. Åpne "
                             "det på nytt og se endringene før du lagrer.")
    return locked


def _save(stay: HospitalStay, fields: list[str], field: str | None = "day") -> HospitalStay:
    try:
        rules.check(as_rule(stay), timezone.localdate())
    except rules.InvalidStay as error:
        raise DischargeError(str(error), field) from None
    stay.version += 1
    stay.save(update_fields=[*fields, "version", "updated_at"])
    return stay


@transaction.atomic
def mark_ready(stay: HospitalStay, *, day: dt.date, version: int) -> HospitalStay:
    """Utskrivningsklar from ``day`` (the hospital's notice, e.g. by phone)."""
    stay = _locked(stay, version)
    if stay.status not in OPEN:
        raise DischargeError("Pasienten er allerede utskrevet.", "day")
    stay.ready_on, stay.status = day, HospitalStay.Status.READY
    return _save(stay, ["ready_on", "status"])


@transaction.atomic
def save_plan(stay: HospitalStay, *, version: int, unit, note: str,
              **chosen: bool) -> HospitalStay:
    """The plan for going home: what is prepared, and the unit that follows up."""
    stay = _locked(stay, version)
    for name in HospitalStay.PLAN_FIELDS:
        setattr(stay, name, bool(chosen.get(name)))
    stay.responsible_unit, stay.plan_note = unit, note
    return _save(stay, [*HospitalStay.PLAN_FIELDS, "responsible_unit", "plan_note"], None)


@transaction.atomic
def accept(stay: HospitalStay, *, day: dt.date, actor, version: int) -> HospitalStay:
    """The municipality can take the patient from ``day``."""
    stay = _locked(stay, version)
    if stay.status not in OPEN:
        raise DischargeError("Pasienten er allerede utskrevet.", "day")
    if stay.ready_on is None:
        raise DischargeError("Pasienten er ikke meldt utskrivningsklar ennå.", "day")
    if day < stay.ready_on:
        raise DischargeError("Kommunen kan ikke ta imot før pasienten er utskrivningsklar.",
                             "day")
    stay.accepted_on, stay.accepted_by = day, actor
    return _save(stay, ["accepted_on", "accepted_by"])


@transaction.atomic
def discharge(stay: HospitalStay, *, day: dt.date, destination: str,
              version: int) -> HospitalStay:
    """Utskrevet on ``day`` to ``destination`` (home, institution, elsewhere)."""
    stay = _locked(stay, version)
    if stay.status not in OPEN:
        raise DischargeError("Pasienten er allerede utskrevet.", "day")
    stay.discharged_at = timezone.make_aware(dt.datetime.combine(day, dt.time(12)))
    stay.destination, stay.status = destination, HospitalStay.Status.DISCHARGED
    return _save(stay, ["discharged_at", "destination", "status"])


@dataclass(frozen=True)
class MonthFigures:
    """Waiting days in one month and what they cost (None: no rate set for the year)."""

    first: dt.date
    last: dt.date
    days: int
    cost: Decimal | None

    @property
    def per_day(self) -> Decimal:
        """Patients ready for discharge on an average day of the month (Fig 3)."""
        return rules.average_per_day(self.days, self.first, self.last)


def month_figures(stays, first: dt.date) -> MonthFigures:
    """Days patients in ``stays`` waited ready for discharge in the month of ``first``."""
    last = month_end(first)
    overlapping = stays.filter(ready_on__isnull=False, ready_on__lte=last).filter(
        Q(discharged_at__isnull=True) | Q(discharged_at__date__gte=first))
    days = sum(waiting_days_of(s, first, last) for s in overlapping)
    rate = DischargeRate.objects.filter(year=first.year).values_list(
        "daily_rate", flat=True).first()
    return MonthFigures(first, last, days, None if rate is None else days * rate)
