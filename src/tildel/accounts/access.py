"""Who may see which person (Normen: access by role and need only).

- Caseworker and office leader: persons living in the districts their allocation office
  covers, within their municipalities.
- Provider leader and staff: persons their unit serves (a decided service line that has
  not ended).
- Management, analyst, administrator: no person records; aggregates only.

The same rule is expressed twice, as a queryset filter (for lists and search) and as a
check on one person, and the tests hold the two to each other.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

import rules
from tildel.casework.models import ServiceLine
from tildel.people.models import Person


def _today() -> dt.date:
    return timezone.localdate()


def _served_by_unit(unit_id: int, day: dt.date):
    return ServiceLine.objects.current_or_future(day).filter(
        provider_unit_id=unit_id, decision__person=OuterRef("pk"))


def persons_visible_to(user, day: dt.date | None = None) -> QuerySet[Person]:
    """The persons ``user`` may open, as a queryset."""
    if not user.is_authenticated or not user.is_active:
        return Person.objects.none()
    if user.is_office_role:
        return Person.objects.filter(district_id__in=user.district_ids())
    if user.is_provider_role and user.provider_unit_id:
        return Person.objects.filter(
            Exists(_served_by_unit(user.provider_unit_id, day or _today())),
            municipality__in=user.municipalities.all(),
        )
    return Person.objects.none()


@rules.predicate
def can_view_person(user, person: Person | None) -> bool:
    """May ``user`` open ``person``'s record?"""
    if person is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_office_role:
        return person.district_id in user.district_ids()
    if user.is_provider_role and user.provider_unit_id:
        if not user.municipalities.filter(pk=person.municipality_id).exists():
            return False
        return ServiceLine.objects.current_or_future(_today()).filter(
            provider_unit_id=user.provider_unit_id, decision__person=person).exists()
    return False


rules.add_perm("people.view_person", can_view_person)
