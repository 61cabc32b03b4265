"""Who may see and work on which case.

Office roles: cases of their own allocation office whose person lives in one of the
office's districts (or whose applicant is not yet identified). Provider roles see orders
to their unit, never cases.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from .models import Case, Order


def cases_visible_to(user) -> QuerySet[Case]:
    if not user.is_authenticated or not user.is_office_role or not user.allocation_office_id:
        return Case.objects.none()
    return Case.objects.filter(allocation_office_id=user.allocation_office_id).filter(
        Q(person__isnull=True) | Q(person__district_id__in=user.district_ids())).exclude(
        conflicts__user=user)  # inhabilitet (fvl § 6): no access at all


def orders_visible_to(user) -> QuerySet[Order]:
    if not user.is_authenticated or not user.is_provider_role or not user.provider_unit_id:
        return Order.objects.none()
    return Order.objects.filter(provider_unit_id=user.provider_unit_id)
