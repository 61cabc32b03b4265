"""Reports 003 (Helsedirektoratet 2016) and 004 (allocation offices 2024): coverage,
complaints and processing time reproduced through the indicator catalogue."""

from __future__ import annotations

import datetime as dt

import pytest

from tildel.rules import indicators as ind
from tildel.rules.indicators.engine import TOTAL
from tildel.rules.indicators.facts import ApplicationFact, ComplaintFact, Facts, PopulationFact

from .builders import Ids, spell

YEAR = ind.windows(dt.date(2015, 1, 1), dt.date(2015, 12, 1), "year")
COVERS = (dt.date(2014, 1, 1), dt.date(2016, 1, 31))


def _total(code: str, facts: Facts, category=None) -> ind.Value:
    return next(v for v in ind.evaluate(ind.get(code), facts, YEAR)
                if v.group == TOTAL and v.category == category)


def test_coverage_67_to_79_is_12_6_percent_report_003_L500_504():
    """1,000 inhabitants aged 67–79 of whom 126 receive home services; 200 aged 80+ of
    whom 110 do (more than half of those 80–89, L500-504)."""
    ids, services = Ids(), []
    for person in range(126):
        services.append(spell(ids, person, "hjemmesykepleie", dt.date(2014, 6, 1), None)
                        ._replace(birth_date=dt.date(1944, 3, 1)))
    for person in range(1000, 1110):
        services.append(spell(ids, person, "praktisk-bistand", dt.date(2014, 6, 1), None)
                        ._replace(birth_date=dt.date(1930, 3, 1)))
    population = [PopulationFact(2015, "67-79", 1000, 1), PopulationFact(2015, "80+", 200, 1),
                  PopulationFact(2015, "0-66", 20000, 1)]
    facts = Facts(covers=COVERS, services=services, population=population)
    assert _total("dekning-hjemmetjenester", facts, "67-79").value == pytest.approx(12.6)
    assert _total("dekning-hjemmetjenester", facts, "80+").value == pytest.approx(55.0)
    assert _total("dekning-hjemmetjenester", facts, "0-66").status is ind.Status.OK
    assert _total("dekning-hjemmetjenester", facts, "0-66").value == 0


def test_a_quarter_of_complaints_changed_the_decision_report_003_T6_L2526_2538():
    complaints = [ComplaintFact(n, n, n, dt.date(2015, 2, 1), dt.date(2015, 2, 20), False,
                                dt.date(2015, 6, 1), n < 25, 1, 1, 1) for n in range(100)]
    pending = ComplaintFact(200, 200, 200, dt.date(2015, 11, 1), dt.date(2015, 11, 20), False,
                            None, None, 1, 1, 1)
    value = _total("omgjoring-statsforvalter",
                   Facts(covers=COVERS, complaints=[*complaints, pending]))
    assert (value.numerator, value.denominator, value.value) == (25, 100, pytest.approx(25.0))


def test_three_weeks_is_within_the_target_and_a_day_more_is_not_report_004_L3104():
    def application(case: int, days: int) -> ApplicationFact:
        received = dt.date(2015, 3, 2)
        return ApplicationFact(case, case, received, received + dt.timedelta(days=days),
                               "grant", "hjemmesykepleie", 5.0, 21, 3.0, 80, False, False,
                               1, 1, 1)

    facts = Facts(covers=COVERS, applications=[application(1, 21), application(2, 22),
                                               application(3, 7), application(4, 14)])
    within = _total("innen-frist", facts)
    assert (within.numerator, within.denominator) == (3, 4)
    assert _total("saksbehandlingstid", facts).value == pytest.approx((21 + 22 + 7 + 14) / 4)
