"""Suppression for aggregate-only readers: counts of 1–4 persons are hidden, and so is one
more cell wherever the total minus the visible cells would give a hidden one back."""

from __future__ import annotations

import datetime as dt

from tildel.rules import indicators as ind
from tildel.rules.indicators.engine import TOTAL, suppress
from tildel.rules.indicators.facts import Facts, PopulationFact, ServiceSpell

D = dt.date
MONTH = ind.windows(D(2024, 3, 1), D(2024, 3, 1))


BORN = D(1940, 1, 1)


def _users(per_district: dict[int, int], service="hjemmesykepleie", birth=BORN):
    spells, person = [], 0
    for district, count in per_district.items():
        for _ in range(count):
            person += 1
            spells.append(ServiceSpell(person, person, person, service, "home_nursing",
                                       D(2024, 1, 1), D(2024, 1, 1), None, 2.0, birth, False,
                                       district, 1, 1, 1))
    return spells


def _shown(code: str, facts: Facts, by: str = "district") -> dict:
    values = suppress(ind.evaluate(ind.get(code), facts, MONTH, by))
    return {(v.group, v.category): v.status.key for v in values}


def test_with_two_districts_and_one_small_both_are_hidden_and_the_total_shown():
    facts = Facts(covers=(D(2024, 1, 1), D(2024, 12, 31)), services=_users({1: 40, 2: 3}))
    shown = _shown("brukere-per-tjeneste", facts)
    assert shown[(2, "hjemmesykepleie")] == "suppressed"
    assert shown[(1, "hjemmesykepleie")] == "suppressed"  # else 43 − 40 = 3
    assert shown[(TOTAL, "hjemmesykepleie")] == "ok"


def test_with_three_districts_the_next_smallest_is_hidden_not_the_largest():
    facts = Facts(covers=(D(2024, 1, 1), D(2024, 12, 31)),
                  services=_users({1: 40, 2: 3, 3: 12}))
    shown = _shown("brukere-per-tjeneste", facts)
    assert [shown[(d, "hjemmesykepleie")] for d in (1, 2, 3)] == ["ok", "suppressed",
                                                                   "suppressed"]


def test_a_zero_denominator_does_not_reveal_a_small_numerator():
    """Complaints in a month without decisions: "Nevneren er null" must not show 2."""
    from tildel.rules.indicators.facts import ComplaintFact

    complaints = [ComplaintFact(n, n, n, D(2024, 3, 5), None, None, None, None, 1, 1, 1)
                  for n in (1, 2)]
    facts = Facts(covers=(D(2024, 1, 1), D(2024, 12, 31)), complaints=complaints)
    value = next(v for v in suppress(ind.evaluate(ind.get("klagerate"), facts, MONTH))
                 if v.group == TOTAL)
    assert value.status is ind.Status.SUPPRESSED and value.numerator is None


def test_inhabitants_are_not_persons_to_protect():
    """Coverage: the denominator rows are (district, age band) counts of inhabitants; a
    district has 3 such rows, which must not hide every coverage figure."""
    population = [PopulationFact(2024, band, n, 1) for band, n in
                  (("0-66", 5000), ("67-79", 800), ("80+", 300))]
    facts = Facts(covers=(D(2024, 1, 1), D(2024, 12, 31)), population=population,
                  services=_users({1: 30}, birth=D(1935, 1, 1)))
    shown = _shown("dekning-hjemmetjenester", facts)
    assert shown[(1, "80+")] == "ok"


def test_a_formula_on_persons_with_a_small_result_is_hidden():
    """Report 001 "Andre": 30 users − 27 in named groups = 3 is a count of persons."""
    spells = _users({1: 30}, service="dagaktivitet")[:27] + _users({1: 3}, service="bolig")
    spells = [s._replace(person=i, line=i, unit_kind="housing_habilitation")
              for i, s in enumerate(spells)]
    facts = Facts(covers=(D(2024, 1, 1), D(2024, 12, 31)), services=spells)
    raw = next(v for v in ind.evaluate(ind.get("andre-brukere"), facts, MONTH)
               if v.group == TOTAL)
    assert raw.value == 3
    assert raw.suppressed().status is ind.Status.SUPPRESSED
