"""A period before a register began reads "Ingen data", not 0 %: report 000 has pathway
statistics only from February 2021 (L1058-1062), while home nursing goes back years."""

from __future__ import annotations

import datetime as dt

from tildel.rules import indicators as ind
from tildel.rules.indicators.engine import TOTAL
from tildel.rules.indicators.facts import Facts, PathwayFact, ServiceSpell

D = dt.date


def _facts(**kwargs) -> Facts:
    spell = ServiceSpell(1, 1, 1, "hjemmesykepleie", "home_nursing", D(2019, 1, 1),
                         D(2019, 1, 1), None, 3.0, D(1940, 1, 1), False, 1, 1, 1, 1)
    pathway = PathwayFact(1, 1, 1, D(2021, 2, 10), D(2021, 2, 24), D(2021, 2, 20),
                          "no_further_services", 1, 1, 1, 1)
    return Facts(covers=(D(2019, 1, 1), D(2021, 12, 31)), services=[spell],
                 pathways=[pathway], **kwargs)


def _by_month(facts: Facts) -> dict[str, ind.Value]:
    months = ind.windows(D(2021, 1, 1), D(2021, 2, 1))
    return {v.window.key: v for v in ind.evaluate(ind.get("forlop-andel"), facts, months)
            if v.group == TOTAL}


def test_months_before_the_pathway_register_began_have_no_data():
    values = _by_month(_facts(starts={"services": D(2019, 1, 1),
                                      "pathways": D(2021, 2, 10)}))
    assert values["2021-01"].status is ind.Status.NO_DATA
    assert values["2021-02"].value == 100.0


def test_without_per_table_starts_a_month_with_users_but_no_pathways_is_zero():
    assert _by_month(_facts())["2021-01"].value == 0.0


def test_a_table_without_any_data_gives_no_data_everywhere():
    values = _by_month(_facts(starts={"services": D(2019, 1, 1), "pathways": None}))
    assert {v.status for v in values.values()} == {ind.Status.NO_DATA}
