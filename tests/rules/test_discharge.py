"""Hospital discharge rules (tildel.rules.discharge) with report 002's own numbers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tildel.rules import discharge
from tildel.rules.discharge import Destination, Stay

D = dt.date

#: Report 002 Fig 1 (l.341–361): month, admitted, home, institution, elsewhere.
FIG_1 = [((2017, 11), 102, 69, 20, 13), ((2017, 12), 111, 66, 19, 26),
         ((2018, 1), 114, 82, 25, 7), ((2018, 2), 89, 63, 18, 8), ((2018, 3), 69, 51, 10, 8),
         ((2018, 4), 78, 57, 16, 5), ((2018, 5), 99, 70, 19, 10), ((2018, 6), 79, 43, 27, 4),
         ((2018, 7), 82, 48, 22, 8), ((2018, 8), 76, 49, 14, 8), ((2018, 9), 83, 50, 22, 8),
         ((2018, 10), 105, 72, 19, 12), ((2018, 11), 80, 59, 12, 4),
         ((2018, 12), 106, 71, 25, 7), ((2019, 1), 100, 54, 27, 12),
         ((2019, 2), 91, 54, 20, 6), ((2019, 3), 115, 73, 27, 4), ((2019, 4), 101, 74, 17, 5),
         ((2019, 5), 116, 74, 27, 5), ((2019, 6), 114, 82, 8, 9)]


def stays_of_fig_1() -> list[Stay]:
    """Stays that give Fig 1: each month's discharges admitted that month, and the rest of
    the month's admissions still in hospital at the end of June 2019."""
    stays = []
    for (year, month), admitted, home, institution, elsewhere in FIG_1:
        day = D(year, month, 10)
        out = D(year, month, 20)
        for destination, count in ((Destination.HOME, home),
                                   (Destination.INSTITUTION, institution),
                                   (Destination.ELSEWHERE, elsewhere)):
            stays += [Stay(day, out - dt.timedelta(days=2), out, destination)] * count
        stays += [Stay(day)] * (admitted - home - institution - elsewhere)
    return stays


def test_report_002_fig_1_flow_reconciles_with_an_explicit_residual():
    """Report 002 Fig 1, l.341–364: 1910 admitted, 1261 home, 394 to an institution, 169
    elsewhere; the 86 that are none of these (from June 2018) are the residual."""
    months = discharge.flow(stays_of_fig_1(), D(2017, 11, 1), D(2019, 6, 30))
    assert len(months) == 20
    assert sum(m.admitted for m in months) == 1910
    assert sum(m.home for m in months) == 1261
    assert sum(m.institution for m in months) == 394
    assert sum(m.elsewhere for m in months) == 169
    assert sum(m.residual for m in months) == 86
    june_2018 = next(m for m in months if m.month == D(2018, 6, 1))
    assert (june_2018.admitted, june_2018.residual) == (79, 5)  # l.348
    assert [m.residual for m in months[:7]] == [0] * 7  # Nov 2017–May 2018 add up exactly


def test_a_death_is_its_own_way_out_not_part_of_the_residual():
    stays = [Stay(D(2026, 3, 2), discharged=D(2026, 3, 9), died=True), Stay(D(2026, 3, 5))]
    (march,) = discharge.flow(stays, D(2026, 3, 1), D(2026, 3, 31))
    assert (march.admitted, march.died, march.residual) == (2, 1, 1)


def test_waiting_days_count_the_ready_day_not_the_discharge_day():
    stay = Stay(D(2026, 1, 2), ready=D(2026, 1, 10), discharged=D(2026, 1, 13))
    assert discharge.waiting_days(stay, D(2026, 1, 1), D(2026, 1, 31)) == 3  # 10, 11, 12
    same_day = Stay(D(2026, 1, 2), ready=D(2026, 1, 10), discharged=D(2026, 1, 10))
    assert discharge.waiting_days(same_day, D(2026, 1, 1), D(2026, 1, 31)) == 0
    still_there = Stay(D(2026, 1, 2), ready=D(2026, 1, 30))
    assert discharge.waiting_days(still_there, D(2026, 1, 1), D(2026, 1, 31)) == 2


def test_waiting_days_are_split_by_month():
    stay = Stay(D(2026, 1, 20), ready=D(2026, 1, 28), discharged=D(2026, 2, 3))
    days = discharge.days_per_month([stay], D(2026, 1, 1), D(2026, 2, 28))
    assert days == {D(2026, 1, 1): 4, D(2026, 2, 1): 2}


@pytest.mark.parametrize(("days", "first", "last", "average"), [
    (2480, D(2018, 1, 1), D(2018, 12, 31), Decimal("6.8")),  # l.403, l.408
    (687, D(2019, 1, 1), D(2019, 6, 30), Decimal("3.8")),  # six months: ÷ 181, not ÷ 365
    (1337, D(2013, 1, 1), D(2013, 12, 31), Decimal("3.7")),  # the report cuts to 3.6
])
def test_report_002_fig_3_average_per_day(days, first, last, average):
    """Report 002 Fig 3, l.398–408: døgn ÷ calendar days. The report rounds 2018 and 2019
    and cuts 2013, 2015 and 2017 (digest 002 § 6.3); Tildel rounds half up throughout."""
    assert discharge.average_per_day(days, first, last) == average


def test_cost_uses_each_years_rate_and_refuses_a_year_without_one():
    """2018's 2480 days (report 002 l.403) at a daily rate of 4,747 kr (the national rate
    for 2018, set as configuration) cost 11,772,560 kr."""
    rates = {2018: Decimal(4747), 2019: Decimal(4885)}
    assert discharge.cost({2018: 2480}, rates) == Decimal(11_772_560)
    assert discharge.cost({2018: 2480, 2019: 687}, rates) == Decimal(11_772_560 + 3_355_995)
    with pytest.raises(KeyError, match="2020"):
        discharge.cost({2020: 5}, rates)
    assert discharge.cost({2020: 0}, rates) == 0


@pytest.mark.parametrize(("stay", "message"), [
    (Stay(D(2026, 3, 5), discharged=D(2026, 3, 4)), "før innleggelsesdatoen"),
    (Stay(D(2026, 3, 5), ready=D(2026, 3, 9), discharged=D(2026, 3, 8)),
     "etter utskrivningsdatoen"),
    (Stay(D(2026, 3, 5), ready=D(2026, 3, 1)), "før innleggelsesdatoen"),
])
def test_contradicting_dates_are_refused(stay, message):
    with pytest.raises(discharge.InvalidStay, match=message):
        discharge.check(stay)
