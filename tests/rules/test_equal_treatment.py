"""Equal-treatment monitor: grant rates among comparable applicants (report 004 L627-628,
L3809-3812, L2917-2921)."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from tildel.rules.indicators import needs
from tildel.rules.indicators.equal_treatment import age_band, comparable, compare, involvement
from tildel.rules.indicators.facts import ApplicationFact

D = dt.date
MEDIUM_SCORE, EXTENSIVE_SCORE = 3.0, 4.5
FEBRUARY = D(2024, 2, 1)
_cases = itertools.count(1)


def app(caseworker, outcome="grant", *, score=MEDIUM_SCORE, age=85, service="hjemmesykepleie",
        hours=None, district=1, decided=FEBRUARY, next_of_kin=False, lawyer=False
        ) -> ApplicationFact:
    case = next(_cases)
    return ApplicationFact(case, case, D(2024, 1, 10), decided, outcome, service, hours, 21,
                           score, age, next_of_kin, lawyer, district, None, caseworker)


def cases(caseworker, n, granted, **kwargs) -> list[ApplicationFact]:
    return ([app(caseworker, "grant", **kwargs) for _ in range(granted)]
            + [app(caseworker, "refusal", **kwargs) for _ in range(n - granted)])


def by_group(comparison):
    return {g.group: g for g in comparison.groups}


def _one_low_caseworker(n_low=20, granted_low=4):
    """Caseworker 1 grants 4 of 20; four colleagues grant 16 of 20 each (same stratum)."""
    rows = cases(1, n_low, granted_low)
    for cw in (2, 3, 4, 5):
        rows += cases(cw, 20, 16)
    return rows


def test_a_caseworker_far_below_colleagues_with_enough_cases_is_flagged():
    result = by_group(compare(_one_low_caseworker()))
    low = result[1]
    assert (low.cases, low.granted) == (20, 4)
    assert low.expected == pytest.approx(16.0)        # colleagues' rate 64/80 = 0.8
    assert low.rate == 20.0 and low.expected_rate == pytest.approx(80.0)
    smoothed = (64 + 0.5) / (80 + 1)  # the variance's rate: half a grant in one more case
    assert low.z == pytest.approx((4 - 16) / (20 * smoothed * (1 - smoothed)) ** 0.5)
    assert low.flagged
    assert not any(g.flagged for key, g in result.items() if key != 1)


def test_the_flagged_caseworker_is_listed_first():
    assert compare(_one_low_caseworker()).groups[0].group == 1


def test_fewer_than_min_cases_is_not_flagged():
    rows = _one_low_caseworker(n_low=9, granted_low=1)
    low = by_group(compare(rows))[1]
    assert low.z < -2 and not low.flagged
    assert by_group(compare(rows, min_cases=9))[1].flagged


def test_comparison_is_within_strata_not_on_the_crude_rate():
    """Caseworker 1 gets only extensive-needs cases and grants 8 of 20 (40 %); colleagues
    grant 40 % in that stratum too but 80 % in the medium one. The crude rates differ;
    the standardised comparison does not flag anyone."""
    rows = cases(1, 20, 8, score=EXTENSIVE_SCORE)
    for cw in (2, 3, 4, 5):
        rows += cases(cw, 5, 2, score=EXTENSIVE_SCORE) + cases(cw, 20, 16)
    comparison = compare(rows)
    result = by_group(comparison)
    assert result[1].rate == 40.0 and result[2].rate == 72.0   # crude: far apart
    assert result[1].expected == pytest.approx(8.0)
    assert result[1].z == pytest.approx(0.0)
    assert not any(g.flagged for g in comparison.groups)
    assert comparison.strata == 2


def test_the_same_pattern_without_strata_would_flag():
    """Control for the test above: the same crude rates in one stratum are flagged."""
    rows = cases(1, 20, 8)
    for cw in (2, 3, 4, 5):
        rows += cases(cw, 25, 18)
    assert by_group(compare(rows))[1].flagged


def test_cases_nobody_else_decided_are_not_comparable():
    rows = _one_low_caseworker() + cases(6, 3, 3, service="bpa")
    comparison = compare(rows)
    assert 6 not in by_group(comparison)
    assert comparison.cases == 100


def test_granted_hours_difference_against_colleagues_in_the_same_stratum():
    rows = [app(1, hours=2.0) for _ in range(4)] + [app(1, "refusal", hours=9.0),
                                                    app(1, "partial", hours=None)]
    rows += [app(cw, hours=5.0) for cw in (2, 3) for _ in range(4)]
    low = by_group(compare(rows))[1]
    assert low.hours_n == 4
    assert low.mean_hours == 2.0 and low.expected_hours == 5.0
    assert low.hours_difference == -3.0


def test_hours_difference_is_none_without_hours():
    low = by_group(compare(_one_low_caseworker()))[1]
    assert low.mean_hours is None and low.hours_difference is None


def test_everyone_granted_gives_z_zero_and_no_flag():
    rows = [app(cw) for cw in (1, 2) for _ in range(12)]
    result = by_group(compare(rows))
    assert result[1].z == 0 and not result[1].flagged


def test_refusing_where_every_colleague_granted_still_gets_a_z_and_a_flag():
    """Colleagues granted all 36 comparable cases; one caseworker refused 5 of 12. With an
    unsmoothed rate of 1 the variance is 0 and z undefined: the flag would be lost."""
    rows = [app(cw) for cw in (2, 3, 4) for _ in range(12)]
    rows += [app(1, outcome="refusal" if i < 5 else "grant") for i in range(12)]
    low = by_group(compare(rows))[1]
    assert low.expected == 12 and low.granted == 7
    assert low.z is not None and low.z < -2 and low.flagged


def test_left_out_counts_decided_applications_without_service_score_or_age():
    rows = _one_low_caseworker() + [
        app(2, service=None), app(2, score=None), app(2, age=None),
        app(2, decided=None, outcome=None),   # undecided: not an application to compare
    ]
    comparison = compare(rows)
    assert comparison.left_out == 3
    assert comparison.cases == 100
    assert len(comparable(rows)[0]) == 100


def test_spread_is_highest_minus_lowest_rate_among_groups_with_enough_cases():
    rows = _one_low_caseworker()
    assert compare(rows).spread == pytest.approx(by_group(compare(rows))[2].rate - 20.0)
    assert compare(rows, min_cases=21).spread is None


def test_compare_by_district_and_filtered_by_service():
    rows = cases(1, 20, 4, district=10) + cases(2, 20, 16, district=20) + cases(
        3, 20, 16, district=20, service="bpa")
    comparison = compare(rows, "district", service="hjemmesykepleie")
    assert {g.group for g in comparison.groups} == {10, 20}
    assert by_group(comparison)[10].flagged and comparison.by == "district"


def test_needs_group_follows_the_version_in_force_when_the_application_came():
    strict = needs.NeedsGrouping("v2", D(2024, 1, 1), medium_from=2.0, extensive_from=2.9)
    (row,), _ = comparable([app(1)], [strict])
    assert row.needs_group == needs.EXTENSIVE
    (row,), _ = comparable([app(1)])
    assert row.needs_group == needs.MEDIUM


def test_age_bands():
    assert [age_band(a) for a in (None, 66, 67, 79, 80)] == [None, "0-66", "67-79", "67-79",
                                                            "80+"]


def test_involvement_shares_by_outcome_report_004_L2917_2921():
    """"de som roper høyest, de får jo ofte mest": the share of grants and refusals where
    next of kin or a lawyer was involved."""
    rows = ([app(1, "grant", next_of_kin=True) for _ in range(3)] + [app(1, "grant", lawyer=True)]
            + [app(1, "refusal"), app(1, "refusal", lawyer=True)]
            + [app(1, None, decided=None, next_of_kin=True)])
    result = {i.outcome: i for i in involvement(rows)}
    assert [i.outcome for i in involvement(rows)] == ["grant", "partial", "refusal"]
    assert (result["grant"].cases, result["grant"].next_of_kin_share) == (4, 75.0)
    assert result["grant"].lawyer_share == 25.0
    assert (result["refusal"].cases, result["refusal"].next_of_kin_share) == (2, 0.0)
    assert result["refusal"].lawyer_share == 50.0
    assert result["partial"].cases == 0 and result["partial"].next_of_kin_share is None
