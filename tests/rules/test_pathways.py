"""Pathway rules with report 000's numbers (digest 000.md § 2.5 and key figures I6-I7)."""

from __future__ import annotations

import datetime as dt

from tildel.rules import pathways as rules
from tildel.rules import rehabilitation

H = rules.REPORT_HORIZONS


def test_forlop_1_deadline_is_two_weeks_after_start_report_000_L2948_2962():
    assert H.deadline(1, dt.date(2021, 12, 13)) == dt.date(2021, 12, 27)


def test_forlop_2_deadline_is_two_calendar_months_report_000_L3021_3023():
    assert H.deadline(2, dt.date(2022, 1, 31)) == dt.date(2022, 3, 31)
    assert H.deadline(2, dt.date(2021, 12, 31)) == dt.date(2022, 2, 28)


def test_forlop_0_and_3_are_local_and_configurable():
    assert H.deadline(0, dt.date(2022, 3, 1)) == dt.date(2022, 3, 8)
    assert H.deadline(3, dt.date(2022, 3, 1)) is None
    local = rules.Horizons(zero_days=3, three_days=90)
    assert local.deadline(0, dt.date(2022, 3, 1)) == dt.date(2022, 3, 4)
    assert local.deadline(3, dt.date(2022, 3, 1)) == dt.date(2022, 5, 30)


def test_not_closed_in_time_snapshot_31_march_2022_report_000_L3288_3311():
    """The audit counted open forløp past their period at 31.03.2022; one forløp 1 case
    had run more than 300 days."""
    snapshot = dt.date(2022, 3, 31)
    start = dt.date(2021, 5, 20)
    deadline = H.deadline(1, start)
    assert rules.is_overdue(deadline, closed_on=None, today=snapshot)
    assert rules.days_over(deadline, closed_on=None, today=snapshot) + 14 > 300
    in_time = H.deadline(1, dt.date(2022, 3, 20))
    assert not rules.is_overdue(in_time, closed_on=None, today=snapshot)


def test_closed_after_deadline_counts_as_not_closed_in_time():
    deadline = H.deadline(2, dt.date(2022, 1, 10))  # 10.03.2022
    assert rules.is_overdue(deadline, closed_on=dt.date(2022, 3, 11), today=dt.date(2022, 6, 1))
    assert not rules.is_overdue(deadline, closed_on=dt.date(2022, 3, 10),
                                today=dt.date(2022, 6, 1))
    assert rules.days_over(deadline, closed_on=dt.date(2022, 3, 10),
                           today=dt.date(2022, 6, 1)) == 0


def test_service_needs_a_decision_when_it_lasts_more_than_14_days_report_000_L2958_2962():
    start = dt.date(2022, 3, 1)
    assert not rules.needs_decision(start, dt.date(2022, 3, 15))  # 14 days: still fine
    assert rules.needs_decision(start, dt.date(2022, 3, 16))      # 15 days: needs one
    assert rules.decision_due(start) == dt.date(2022, 3, 16)
    assert not rules.needs_decision(start, dt.date(2022, 4, 1), has_decision=True)
    assert not rules.needs_decision(start, dt.date(2022, 4, 1), end=dt.date(2022, 3, 10))


def test_closing_date_in_the_future_or_before_start_is_refused():
    start, today = dt.date(2022, 3, 1), dt.date(2022, 3, 20)
    assert "framtiden" in rules.closing_problem(start, dt.date(2022, 3, 21), today)
    assert "før forløpet startet" in rules.closing_problem(start, dt.date(2022, 2, 28), today)
    assert rules.closing_problem(start, dt.date(2022, 3, 1), today) == ""


def test_backdated_closure_from_the_sample_audit_report_000_L3381_3387():
    """Started 13.12.21, formally closed 27.04.22, backdated to 22.12.21: 126 days late."""
    assert rules.registration_delay(dt.date(2021, 12, 22), dt.date(2022, 4, 27)) == 126
    assert rules.registered_late(dt.date(2021, 12, 22), dt.date(2022, 4, 27), 7)
    assert not rules.registered_late(dt.date(2022, 4, 25), dt.date(2022, 4, 27), 7)


def test_named_services_must_be_inside_a_pathway_report_000_L3212_3216():
    """"Hverdagsrehabilitering, E-helse, velferdsteknologi, sykepleieklinikk og fysio og
    ergo, skal alle registreres inn i forløp": the catalogue seed flags exactly these."""
    from tildel.catalogue.data import seed

    required = set(seed.PATHWAY_REQUIRED)
    assert required == {"hverdagsrehabilitering", "velferdsteknologi", "sykepleieklinikk",
                        "fysioterapi", "ergoterapi"}
    assert all(code in {row[0] for row in seed.SERVICES} for code in required)


def test_course_lasts_four_weeks_with_evaluation_after_two():
    plan = rehabilitation.plan(dt.date(2022, 3, 7))
    assert plan.evaluation_on == dt.date(2022, 3, 21)
    assert plan.planned_end == dt.date(2022, 4, 4)


def test_reablement_has_no_fixed_end_report_002_l534():
    assert rehabilitation.plan(dt.date(2022, 3, 7), weeks=None).planned_end is None


def test_goal_scores_are_0_to_10_and_change_is_after_minus_before():
    assert rehabilitation.score_problem(11)
    assert rehabilitation.score_problem(-1)
    assert rehabilitation.score_problem(10) == ""
    assert rehabilitation.change(3, 8) == 5
    assert rehabilitation.change(None, 8) is None
    assert rehabilitation.mean_change([(3, 8), (6, 7), (None, 4)]) == 3.0
