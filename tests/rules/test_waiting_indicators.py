"""Waiting-list key figures (issue 8): waiting time per list, and who is on a list."""

from __future__ import annotations

import datetime as dt

from tildel.rules import indicators as ind
from tildel.rules.indicators.engine import TOTAL
from tildel.rules.indicators.facts import Facts, WaitingFact

D = dt.date


def facts() -> Facts:
    rows = [WaitingFact(1, 1, "long_term", D(2026, 2, 1), D(2026, 3, 3), True, 1),  # 30 days
            WaitingFact(2, 2, "long_term", D(2026, 3, 1), D(2026, 3, 11), True, 2),  # 10 days
            WaitingFact(3, 3, "respite", D(2026, 1, 10), D(2026, 3, 20), False, 1),  # off
            WaitingFact(4, 4, "long_term", D(2026, 3, 15), None, False, 1)]  # still waiting
    return Facts(covers=(D(2026, 1, 1), D(2026, 12, 31)), waiting_lists=rows)


def values(code: str, periods) -> dict:
    return {(v.window.key, v.category): v.value for v in ind.evaluate(
        ind.get(code), facts(), periods) if v.group == TOTAL}


def test_waiting_time_is_the_average_of_those_given_a_place_per_list():
    march = values("ventetid-venteliste", ind.windows(D(2026, 3, 1), D(2026, 3, 1)))
    assert march[("2026-03", "long_term")] == 20  # (30 + 10) / 2
    assert march[("2026-03", "respite")] is None  # nobody given a respite place


def test_on_the_list_is_counted_on_the_periods_last_day():
    months = values("pa-venteliste", ind.windows(D(2026, 2, 1), D(2026, 3, 1)))
    assert months[("2026-02", "long_term")] == 1 and months[("2026-02", "respite")] == 1
    assert months[("2026-03", "long_term")] == 1  # only the one still waiting
    assert months[("2026-03", "respite")] == 0  # taken off on 20 March


def test_deviations_are_counted_per_kind_in_the_month_they_occurred():
    """Report 002 L414-420: deviations where a measure cannot be started, counted from the
    deviation log; corridor patients and overcrowding beside them."""
    from tildel.rules.indicators.facts import DeviationFact

    rows = [DeviationFact(1, "not_started", D(2026, 2, 27), 1, 1),
            DeviationFact(2, "not_started", D(2026, 3, 2), 2, 2),
            DeviationFact(3, "corridor", D(2026, 3, 5), None, 1),
            DeviationFact(4, "corridor", D(2026, 3, 31), 3, 2)]
    found = {(v.window.key, v.category, v.group): v.value for v in ind.evaluate(
        ind.get("avvik-plasser"), Facts(covers=(D(2026, 1, 1), D(2026, 12, 31)),
                                        deviations=rows),
        ind.windows(D(2026, 2, 1), D(2026, 3, 1)), by="district")}
    assert found[("2026-02", "not_started", TOTAL)] == 1
    assert found[("2026-03", "not_started", TOTAL)] == 1
    assert found[("2026-03", "corridor", TOTAL)] == 2
    assert found[("2026-03", "overcrowded", TOTAL)] == 0
    assert found[("2026-03", "corridor", 1)] == 1 and found[("2026-03", "corridor", 2)] == 1

