"""Housing and habilitation rules (tildel.rules.housing): the rota and the capacity check
of report 001 (decided hours against the normed capacity, l.684-688)."""

from __future__ import annotations

import datetime as dt

import pytest

from tildel.rules import housing as rules
from tildel.rules.housing import CapacityCheck, DecidedLine, Shift

T = dt.time


def test_a_week_of_shifts_adds_up_including_night_shifts():
    day = [Shift("Miljøarbeider 1", d, T(7, 30), T(15, 30)) for d in range(7)]  # 7 × 8 h
    night = [Shift("Nattvakt", d, T(22, 0), T(7, 30)) for d in range(7)]  # 7 × 9.5 h
    assert rules.weekly_hours(day + night) == pytest.approx(56 + 66.5)


@pytest.mark.parametrize(("a", "b", "clash"), [
    (Shift("A", 0, T(8), T(16)), Shift("A", 0, T(15), T(20)), True),
    (Shift("A", 0, T(8), T(16)), Shift("A", 0, T(16), T(20)), False),  # back to back
    (Shift("A", 0, T(8), T(16)), Shift("B", 0, T(8), T(16)), False),  # two positions
    (Shift("A", 0, T(22), T(8)), Shift("A", 1, T(7), T(15)), True),  # night into morning
    (Shift("A", 6, T(22), T(8)), Shift("A", 0, T(7), T(15)), True),  # Sunday into Monday
])
def test_shifts_of_one_position_must_not_overlap(a, b, clash):
    assert rules.overlap(a, b) is clash
    assert bool(rules.clashes([a, b])) is clash


def test_a_decision_beyond_the_normed_capacity_needs_approval():
    """Report 001 (l.457-485): no resources released for a need beyond the normed
    capacity before it is approved."""
    assert CapacityCheck(rostered=420, decided=400, added=30).exceeds
    assert not CapacityCheck(rostered=420, decided=380, added=30).exceeds
    # Already over, but the decision reduces hours: nothing more to approve.
    assert not CapacityCheck(rostered=420, decided=450, added=-10).exceeds


def test_decided_hours_in_a_month_count_the_days_each_line_runs():
    lines = [DecidedLine(14, dt.date(2026, 1, 1), None),  # all of April: 14 × 30 / 7 = 60
             DecidedLine(7, dt.date(2026, 4, 16), dt.date(2026, 4, 29)),  # 14 days: 14
             DecidedLine(70, dt.date(2025, 1, 1), dt.date(2026, 3, 31))]  # ended: 0
    assert rules.hours_in(lines, dt.date(2026, 4, 1), dt.date(2026, 4, 30)) == pytest.approx(74)


def test_an_individual_plan_is_needed_for_long_term_coordinated_services():
    """Report 001 l.1861-1863."""
    assert rules.needs_individual_plan(units=2, longest_days=180)
    assert not rules.needs_individual_plan(units=1, longest_days=2000)
    assert not rules.needs_individual_plan(units=3, longest_days=179)


def test_the_next_bpa_inspection_is_a_year_after_the_last_or_the_contract():
    """Report 001 l.1531: BPA allocations are inspected; Tildel asks for one a year."""
    assert rules.next_inspection(None, dt.date(2025, 3, 15)) == dt.date(2026, 3, 15)
    assert rules.next_inspection(dt.date(2026, 1, 31), dt.date(2020, 1, 1), 1) == \
        dt.date(2026, 2, 28)  # a month after 31 January is the end of February
    assert rules.next_inspection(dt.date(2024, 2, 29), dt.date(2020, 1, 1)) == \
        dt.date(2025, 2, 28)


def test_bpa_follow_up_problems():
    today = dt.date(2026, 11, 23)
    assert rules.bpa_problems(None, None, None, today) == [
        "Mangler avtale med tjenesteyter (kommunal eller privat)."]
    assert rules.bpa_problems(dt.date(2026, 1, 1), None, None, today) == []
    late = rules.bpa_problems(dt.date(2024, 1, 1), dt.date(2026, 6, 30), dt.date(2025, 2, 1),
                              today)
    assert late == ["Avtalen gikk ut 30.06.2026.", "Tilsyn skulle vært gjort innen 01.02.2026."]
