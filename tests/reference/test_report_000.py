"""Report 000 (Rogaland Revisjon 2022, Stavanger): published key figures reproduced from
small hand-checked datasets through the indicator catalogue."""

from __future__ import annotations

import datetime as dt

import pytest

from tildel.rules import indicators as ind
from tildel.rules.indicators.engine import TOTAL
from tildel.rules.indicators.facts import Facts

from .builders import Ids, day, pathway, rows, spell

STATISTICS_YEAR = ind.windows(dt.date(2021, 2, 1), dt.date(2022, 1, 1), "range")
COVERS = (dt.date(2019, 1, 1), dt.date(2022, 4, 6))


def _pathway_year() -> Facts:
    ids, persons, services, pathways = Ids(), Ids(), [], []
    for row in rows("000_pathways_2021.csv"):
        for _ in range(int(row["count"])):
            person = persons()
            if row["home_nursing_start"]:
                services.append(spell(ids, person, "hjemmesykepleie",
                                      day(row["home_nursing_start"]),
                                      day(row["home_nursing_end"])))
            if row["code"]:
                pathways.append(pathway(ids, person, int(row["code"]),
                                        day(row["pathway_start"]), day(row["pathway_end"]),
                                        row["outcome"]))
    return Facts(covers=COVERS, services=services, pathways=pathways)


def _total(code: str, facts: Facts, periods=STATISTICS_YEAR, category=None) -> ind.Value:
    return next(v for v in ind.evaluate(ind.get(code), facts, periods)
                if v.group == TOTAL and v.category == category)


def test_35_percent_of_home_nursing_recipients_in_a_pathway_L1046_footnote_11():
    value = _total("forlop-andel", _pathway_year())
    assert (value.numerator, value.denominator) == (350, 1000)
    assert value.value == pytest.approx(35.0)


def test_48_percent_of_completed_pathways_closed_without_services_L1046_1048():
    value = _total("uten-tjenester", _pathway_year())
    assert (value.numerator, value.denominator) == (168, 350)
    assert value.value == pytest.approx(48.0)


def test_17_percent_fully_self_reliant_is_35_times_48_L1046_1050_footnote_10():
    facts = _pathway_year()
    value = _total("selvhjulpne", facts)
    assert value.value == pytest.approx(16.8)
    assert round(value.value) == 17
    in_pathway = _total("forlop-andel", facts).value / 100
    closed_without = _total("uten-tjenester", facts).value / 100
    assert value.value == pytest.approx(in_pathway * closed_without * 100)


def test_forlop_1_about_half_closed_without_services_L3083_3106():
    facts = _pathway_year()
    assert _total("uten-tjenester-forlop", facts, category="1").value == pytest.approx(50.0)
    assert _total("uten-tjenester-forlop", facts, category="2").value == pytest.approx(
        68 / 150 * 100)


def _overdue_snapshot() -> Facts:
    ids, persons, pathways = Ids(), Ids(), []
    for row in rows("000_overdue_2022.csv"):
        for _ in range(int(row["count"])):
            pathways.append(pathway(ids, persons(), int(row["code"]), day(row["start"]), None,
                                    ""))
    return Facts(covers=(dt.date(2021, 1, 1), dt.date(2022, 3, 31)), pathways=pathways)


def test_64_and_51_percent_of_open_pathways_past_their_deadline_L3288_3311():
    march = ind.windows(dt.date(2022, 3, 1), dt.date(2022, 3, 1))
    facts = _overdue_snapshot()
    one = _total("forlop-over-frist", facts, march, category="1")
    two = _total("forlop-over-frist", facts, march, category="2")
    assert (one.numerator, one.denominator, one.value) == (16, 25, pytest.approx(64.0))
    assert (two.numerator, two.denominator, two.value) == (51, 100, pytest.approx(51.0))


def test_snapshot_of_a_month_not_yet_ended_is_taken_on_the_last_day_with_data():
    """Tjensvoll's forløp 1 snapshot was taken on 06.04.2022 (L3288-3311). With data up to
    that day, April's figure is the state on 6 April (the pathways started 25 March are
    still within two weeks), not on 30 April, when every forløp 1 would be overdue."""
    april = ind.windows(dt.date(2022, 4, 1), dt.date(2022, 4, 1))
    facts = _overdue_snapshot()
    facts.covers = (facts.covers[0], dt.date(2022, 4, 6))
    assert _total("forlop-over-frist", facts, april, category="1").value == pytest.approx(64.0)
    facts.covers = (facts.covers[0], dt.date(2022, 4, 30))
    assert _total("forlop-over-frist", facts, april, category="1").value == pytest.approx(100.0)


LEVEL_HOURS = {"base": 10, "1": 30, "2": 50, "3": 70, "4": 90, "focus": 120}


def test_level_shares_per_district_match_table_2_L2092_2116():
    ids, persons, services, districts = Ids(), Ids(), [], {}
    for number, row in enumerate(rows("000_levels_2021.csv"), start=1):
        districts[number] = row
        for level, hours in LEVEL_HOURS.items():
            for _ in range(int(row[level])):
                services.append(spell(ids, persons(), "hjemmesykepleie", dt.date(2020, 1, 1),
                                      None, weekly_hours=hours / 4, district=number))
    facts = Facts(covers=COVERS, services=services)
    year = ind.windows(dt.date(2021, 1, 1), dt.date(2021, 12, 1), "year")
    values = ind.evaluate(ind.get("nivafordeling"), facts, year, by="district")
    published = {1: 90.2, 2: 88.3, 3: 86.3, 4: 83.5}  # base-financing share, table 2
    for number, row in districts.items():
        shares = {v.category: v.value for v in values if v.group == number}
        for level in LEVEL_HOURS:
            expected = int(row[level]) / sum(int(row[k]) for k in LEVEL_HOURS) * 100
            assert shares[level] == pytest.approx(expected)
        assert abs(shares["base"] - published[number]) <= 0.1, row["district"]


def test_joint_home_visits_6_or_7_per_750_users_in_half_a_year_L4419_4423():
    from tildel.rules.indicators.facts import AssessmentFact

    ids, services, visits = Ids(), [], []
    for person in range(1, 751):
        services.append(spell(ids, person, "hjemmesykepleie", dt.date(2021, 1, 1), None))
    for person in range(1, 8):
        visits.append(AssessmentFact(ids(), person, dt.date(2021, 11, 1) +
                                     dt.timedelta(days=person * 10), True, None, 1, 1, 1))
    facts = Facts(covers=COVERS, services=services, assessments=visits)
    half_year = ind.windows(dt.date(2021, 10, 1), dt.date(2022, 3, 1), "range")
    value = _total("felles-hjemmebesok", facts, half_year)
    assert (value.numerator, value.denominator) == (7, 750)
    assert value.value == pytest.approx(7 / 750 * 100)  # under one per 100 users
