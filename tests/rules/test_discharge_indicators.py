"""The hospital-discharge key figures of the catalogue (report 002 Fig 1 and Fig 3), from
plain fact rows with the report's own numbers."""

from __future__ import annotations

import datetime as dt

import pytest

from tildel.rules import indicators as ind
from tildel.rules.indicators.engine import TOTAL
from tildel.rules.indicators.facts import DischargeRateFact, Facts, HospitalFact

from .test_discharge import FIG_1

D = dt.date


def fig_1_rows() -> list[HospitalFact]:
    """Report 002 Fig 1 as stays: each month's discharges were admitted that month; the
    rest of the month's admissions are still in hospital at the end of June 2019."""
    found, pk = [], 0
    for (year, month), admitted, home, institution, elsewhere in FIG_1:
        for destination, count in (("home", home), ("institution", institution),
                                   ("elsewhere", elsewhere), ("", admitted - home
                                                              - institution - elsewhere)):
            for _ in range(count):
                pk += 1
                out = D(year, month, 20) if destination else None
                found.append(HospitalFact(pk, pk, D(year, month, 10), None, out, destination,
                                          False, 1 + pk % 2))
    return found


def totals(code: str, facts: Facts, periods) -> dict:
    return {(v.window.key, v.category): v for v in ind.evaluate(ind.get(code), facts, periods)
            if v.group == TOTAL}


def test_patient_flow_per_month_reconciles_with_report_002_fig_1():
    """Report 002 Fig 1 (l.341–364): June 2018 admitted 79 and sent 43 home, 27 to an
    institution, 4 elsewhere; the residual 5 is explicit. Over the 20 months the residual
    is 86."""
    facts = Facts(covers=(D(2017, 11, 1), D(2019, 6, 30)), hospital=fig_1_rows())
    months = totals("pasientflyt", facts, ind.windows(D(2017, 11, 1), D(2019, 6, 1)))
    june = {category: months[("2018-06", category)].value
            for category in ("admitted", "home", "institution", "elsewhere", "died",
                             "residual")}
    assert june == {"admitted": 79, "home": 43, "institution": 27, "elsewhere": 4, "died": 0,
                    "residual": 5}
    whole = totals("pasientflyt", facts, ind.windows(D(2017, 11, 1), D(2019, 6, 1),
                                                     "range"))
    by_category = {category: value.value for (_, category), value in whole.items()}
    assert by_category["admitted"] == 1910 and by_category["home"] == 1261
    assert by_category["institution"] == 394 and by_category["elsewhere"] == 169
    assert by_category["residual"] == 86


def waiting_rows(year: int, days: int, last: dt.date) -> list[HospitalFact]:
    """Stays of ten days each (the last one shorter) that together wait ``days`` days in
    ``year`` up to ``last``; they start on different days so a month is never skipped."""
    found, left, pk, day = [], days, 0, D(year, 1, 1)
    while left:
        length = min(10, left)
        pk += 1
        found.append(HospitalFact(pk, pk, day, day, day + dt.timedelta(days=length), "home",
                                  False, 1))
        left -= length
        day += dt.timedelta(days=1)
        if day > last - dt.timedelta(days=10):
            day = D(year, 1, 1)
    return found


@pytest.mark.parametrize(("year", "days", "last", "per_day"), [
    (2018, 2480, D(2018, 12, 31), 6.79),  # l.403, l.408: "6,8"
    (2019, 687, D(2019, 6, 30), 3.80),  # six months: ÷ 181
])
def test_days_ready_for_discharge_per_year_and_per_day_as_report_002_fig_3(year, days,
                                                                          last, per_day):
    facts = Facts(covers=(D(year, 1, 1), last), hospital=waiting_rows(year, days, last))
    periods = ind.windows(D(year, 1, 1), D(year, 1, 1), "year")
    assert totals("utskrivningsklare-dogn", facts, periods)[(str(year), None)].value == days
    average = totals("utskrivningsklare-per-dogn", facts, periods)[(str(year), None)]
    assert average.value == pytest.approx(per_day, abs=0.005)


def test_per_day_by_district_divides_each_district_by_the_same_calendar_days():
    rows = [HospitalFact(1, 1, D(2026, 3, 1), D(2026, 3, 1), D(2026, 3, 11), "home", False, 1),
            HospitalFact(2, 2, D(2026, 3, 1), D(2026, 3, 1), D(2026, 3, 21), "home", False, 2)]
    facts = Facts(covers=(D(2026, 1, 1), D(2026, 12, 31)), hospital=rows)
    values = {(v.group, v.window.key): v.value for v in ind.evaluate(
        ind.get("utskrivningsklare-per-dogn"), facts, ind.windows(D(2026, 3, 1),
                                                                 D(2026, 3, 1)), "district")}
    assert values[(1, "2026-03")] == pytest.approx(10 / 31)
    assert values[(2, "2026-03")] == pytest.approx(20 / 31)
    assert values[(TOTAL, "2026-03")] == pytest.approx(30 / 31)


def test_cost_at_each_years_rate_and_no_cost_without_a_rate():
    """2018's 2480 days at 4,747 kr a day (the year's rate, set as configuration):
    11,772,560 kr; a stay over new year is split between the two years' rates."""
    rows = waiting_rows(2018, 2480, D(2018, 12, 31))
    rows.append(HospitalFact(9999, 9999, D(2018, 12, 20), D(2018, 12, 30), D(2019, 1, 3),
                             "home", False, 1))  # 2 days in 2018, 2 in 2019
    rates = [DischargeRateFact(2018, 4747.0), DischargeRateFact(2019, 4885.0)]
    facts = Facts(covers=(D(2018, 1, 1), D(2019, 12, 31)), hospital=rows,
                  discharge_rates=rates)
    years = totals("utskrivningsklare-kostnad", facts,
                   ind.windows(D(2018, 1, 1), D(2019, 1, 1), "year"))
    assert years[("2018", None)].value == (2480 + 2) * 4747
    assert years[("2019", None)].value == 2 * 4885
    whole = totals("utskrivningsklare-kostnad", facts,
                   ind.windows(D(2018, 1, 1), D(2019, 12, 1), "range"))
    assert next(iter(whole.values())).value == (2480 + 2) * 4747 + 2 * 4885
    without = Facts(covers=facts.covers, hospital=rows, discharge_rates=rates[:1])
    assert totals("utskrivningsklare-kostnad", without, ind.windows(
        D(2019, 1, 1), D(2019, 1, 1), "year"))[("2019", None)].value == 0


def test_a_patient_still_waiting_counts_up_to_today_not_to_the_end_of_the_month():
    rows = [HospitalFact(1, 1, D(2026, 11, 1), D(2026, 11, 20), None, "", False, 1)]
    facts = Facts(covers=(D(2026, 1, 1), D(2026, 11, 23)), hospital=rows)
    month = totals("utskrivningsklare-dogn", facts, ind.windows(D(2026, 11, 1),
                                                                D(2026, 11, 1)))
    assert month[("2026-11", None)].value == 4  # the 20th to the 23rd
