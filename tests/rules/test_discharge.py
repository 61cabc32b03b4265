"""Hospital discharge rules (tildel.rules.discharge) with report 002's own numbers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tildel.rules import discharge
from tildel.rules.discharge import Stay

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


def test_waiting_days_count_the_ready_day_not_the_discharge_day():
    stay = Stay(D(2026, 1, 2), ready=D(2026, 1, 10), discharged=D(2026, 1, 13))
    assert discharge.waiting_days(stay, D(2026, 1, 1), D(2026, 1, 31)) == 3  # 10, 11, 12
    same_day = Stay(D(2026, 1, 2), ready=D(2026, 1, 10), discharged=D(2026, 1, 10))
    assert discharge.waiting_days(same_day, D(2026, 1, 1), D(2026, 1, 31)) == 0
    still_there = Stay(D(2026, 1, 2), ready=D(2026, 1, 30))
    assert discharge.waiting_days(still_there, D(2026, 1, 1), D(2026, 1, 31)) == 2


@pytest.mark.parametrize(("days", "first", "last", "average"), [
    (2480, D(2018, 1, 1), D(2018, 12, 31), Decimal("6.8")),  # l.403, l.408
    (687, D(2019, 1, 1), D(2019, 6, 30), Decimal("3.8")),  # six months: ÷ 181, not ÷ 365
    (1337, D(2013, 1, 1), D(2013, 12, 31), Decimal("3.7")),  # the report cuts to 3.6
])
def test_report_002_fig_3_average_per_day(days, first, last, average):
    """Report 002 Fig 3, l.398–408: døgn ÷ calendar days. The report rounds 2018 and 2019
    and cuts 2013, 2015 and 2017 (digest 002 § 6.3); Tildel rounds half up throughout."""
    assert discharge.average_per_day(days, first, last) == average


@pytest.mark.parametrize(("stay", "message"), [
    (Stay(D(2026, 3, 5), discharged=D(2026, 3, 4)), "før innleggelsesdatoen"),
    (Stay(D(2026, 3, 5), ready=D(2026, 3, 9), discharged=D(2026, 3, 8)),
     "etter utskrivningsdatoen"),
    (Stay(D(2026, 3, 5), ready=D(2026, 3, 1)), "før innleggelsesdatoen"),
    (Stay(D(2026, 3, 5), ready=D(2026, 3, 9), accepted=D(2026, 3, 8)), "før pasienten er"),
    (Stay(D(2026, 3, 5), accepted=D(2026, 3, 8)), "før pasienten er"),
    (Stay(D(2026, 3, 5), ready=D(2026, 3, 9), discharged=D(2026, 3, 30)), "frem i tid"),
])
def test_contradicting_dates_are_refused(stay, message):
    with pytest.raises(discharge.InvalidStay, match=message):
        discharge.check(stay, today=D(2026, 3, 20))
