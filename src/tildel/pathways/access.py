"""Who sees which pathways and courses.

Office roles: through the case (their office and districts, not where they have declared a
conflict of interest). Provider roles: their unit's open pathways and active courses, and
for 30 days after the end, so the unit sees the outcome; a course handed over is seen by
the receiving unit too. ``tildel.accounts.access`` gives provider roles the same persons.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone

from tildel.casework.access import cases_visible_to

from .models import Course, Pathway

PROVIDER_WINDOW_DAYS = 30


def unit_pathways(unit_id: int, today: dt.date | None = None) -> QuerySet[Pathway]:
    since = (today or timezone.localdate()) - dt.timedelta(days=PROVIDER_WINDOW_DAYS)
    return Pathway.objects.filter(provider_unit_id=unit_id).filter(
        Q(status=Pathway.Status.OPEN) | Q(real_end__gte=since))


def unit_courses(unit_id: int, today: dt.date | None = None) -> QuerySet[Course]:
    since = (today or timezone.localdate()) - dt.timedelta(days=PROVIDER_WINDOW_DAYS)
    return Course.objects.filter(Q(provider_unit_id=unit_id) | Q(handover_to_id=unit_id)).filter(
        Q(status=Course.Status.ACTIVE) | Q(ended_on__gte=since))


def pathways_visible_to(user) -> QuerySet[Pathway]:
    if user.is_office_role:
        return Pathway.objects.filter(case__in=cases_visible_to(user))
    if user.is_provider_role and user.provider_unit_id:
        return unit_pathways(user.provider_unit_id)
    return Pathway.objects.none()


def courses_visible_to(user) -> QuerySet[Course]:
    if user.is_office_role:
        return Course.objects.filter(person__district_id__in=user.district_ids()).filter(
            Q(case__isnull=True) | Q(case__in=cases_visible_to(user)))
    if user.is_provider_role and user.provider_unit_id:
        return unit_courses(user.provider_unit_id)
    return Course.objects.none()
