"""IPLOS hours rules (reference/standards.md, IPLOS assessment rules).

Direct user time is recorded as hours per week; monthly hours are divided by 4, not
4.33; one service never exceeds 168 hours per week.
"""

from __future__ import annotations

from decimal import Decimal

WEEKS_PER_MONTH_IPLOS = Decimal(4)
MAX_HOURS_PER_WEEK = Decimal(168)


def weekly_from_monthly(hours_per_month: Decimal) -> Decimal:
    return Decimal(hours_per_month) / WEEKS_PER_MONTH_IPLOS


def monthly_from_weekly(hours_per_week: Decimal) -> Decimal:
    return Decimal(hours_per_week) * WEEKS_PER_MONTH_IPLOS


def exceeds_weekly_maximum(hours_per_week: Decimal) -> bool:
    return Decimal(hours_per_week) > MAX_HOURS_PER_WEEK


def weekly_hours(extent, unit: str) -> float | None:
    """A line's extent as hours per week: per week as it is, per month ÷ 4 (IPLOS); None
    for days, no extent or no unit. ``unit`` is the catalogue's extent unit key."""
    if extent is None:
        return None
    if unit == "hours_week":
        return float(extent)
    if unit == "hours_month":
        return float(extent) / float(WEEKS_PER_MONTH_IPLOS)
    return None
