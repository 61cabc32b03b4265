"""Report 001 (Kristiansund and Molde 2025): users per service and change over time, and
the "others" residual, reproduced through the indicator catalogue."""

from __future__ import annotations

import datetime as dt

import pytest

from tildel.rules import indicators as ind
from tildel.rules.indicators.engine import TOTAL, change
from tildel.rules.indicators.facts import Facts

from .builders import Ids, day, rows, spell


def _t7() -> Facts:
    ids, persons, services = Ids(), Ids(), []
    for row in rows("001_t7_users.csv"):
        for _ in range(int(row["count"])):
            services.append(spell(ids, persons(), row["service"], day(row["start"]),
                                  day(row["end"]), unit_kind="housing_habilitation"))
    return Facts(covers=(dt.date(2019, 1, 1), dt.date(2024, 1, 1)), services=services)


@pytest.mark.parametrize(("service", "before", "after", "difference", "percent"), [
    ("botjeneste-ekstern", 10, 16, 6, 60.0),
    ("avlastning-hjemme", 64, 72, 8, 12.5),
    ("omsorgsstonad", 11, 8, -3, -27.3),
])
def test_users_per_service_and_change_2020_to_2023_table_T7_L1112_1166(
        service, before, after, difference, percent):
    years = ind.windows(dt.date(2020, 1, 1), dt.date(2023, 12, 1), "year")
    values = {v.window.key: v for v in ind.evaluate(ind.get("brukere-per-tjeneste"), _t7(),
                                                    years)
              if v.group == TOTAL and v.category == service}
    assert (values["2020"].value, values["2023"].value) == (before, after)
    delta, share = change(values["2020"], values["2023"])
    assert delta == difference
    assert share == pytest.approx(percent, abs=0.05)


def test_others_residual_is_all_users_minus_the_named_groups_L1319_1322():
    """Andre = alle − (dagtilbud + omsorgsstønad + støttekontakt) − (PU < 16 + PU ≥ 16):
    12 users; 3 day services, 2 care wages, 1 support contact, 4 with intellectual
    disability (one of them also in a day service): 12 − 6 − 4 = 2."""
    ids, services = Ids(), []
    start = dt.date(2023, 1, 1)
    plan = {1: "dagaktivitet", 2: "dagaktivitet", 3: "dagaktivitet", 4: "omsorgsstonad",
            5: "omsorgsstonad", 6: "stottekontakt"}
    for person in range(1, 13):
        services.append(spell(ids, person, "bolig-bofellesskap", start, None,
                              unit_kind="housing_habilitation")._replace(
            intellectual_disability=person in (3, 9, 10, 11)))
        if person in plan:
            services.append(spell(ids, person, plan[person], start, None,
                                  unit_kind="housing_habilitation"))
    facts = Facts(covers=(start, dt.date(2023, 12, 31)), services=services)
    year = ind.windows(start, dt.date(2023, 12, 1), "year")
    value = next(v for v in ind.evaluate(ind.get("andre-brukere"), facts, year)
                 if v.group == TOTAL)
    assert value.value == 2
