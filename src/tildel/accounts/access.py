"""Who may see which person (Normen: access by role and need only).

- Caseworker and office leader: persons living in the districts their allocation office
  covers, within their municipalities.
- Provider leader and staff: persons their unit serves (a decided service line that has
  not ended), or has in an open pathway or an active rehabilitation course (and for 30
  days after those end).
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


def _in_unit_pathway_or_course(unit_id: int):
    """The unit's open pathways and active courses (forløp 1 has no decision), and for a
    short while after they end (``tildel.pathways.access``)."""
    from tildel.pathways.access import unit_courses, unit_pathways

    return (Exists(unit_pathways(unit_id).filter(person=OuterRef("pk")))
            | Exists(unit_courses(unit_id).filter(person=OuterRef("pk"))))


def persons_visible_to(user, day: dt.date | None = None) -> QuerySet[Person]:
    """The persons ``user`` may open, as a queryset."""
    if not user.is_authenticated or not user.is_active:
        return Person.objects.none()
    if user.is_office_role:
        return Person.objects.filter(district_id__in=user.district_ids())
    if user.is_provider_role and user.provider_unit_id:
        return Person.objects.filter(
            Exists(_served_by_unit(user.provider_unit_id, day or _today()))
            | _in_unit_pathway_or_course(user.provider_unit_id),
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
        return Person.objects.filter(pk=person.pk).filter(
            Exists(_served_by_unit(user.provider_unit_id, _today()))
            | _in_unit_pathway_or_course(user.provider_unit_id)).exists()
    return False


rules.add_perm("people.view_person", can_view_person)
