"""Financing models as rules (report 000 §6; digest 000 §4), with the report's own numbers."""

import datetime as dt
from decimal import Decimal as D

import pytest

from tildel.demo.calibration import LEVEL_SHARES_2021
from tildel.rules.financing.abi import Delivery, abi_budget
from tildel.rules.financing.budget import ParameterError, UserMonth
from tildel.rules.financing.frame import ServiceMonth, frame_budget, price_budget
from tildel.rules.financing.incentives import edge_effects, near_edges, self_reliance_effect
from tildel.rules.financing.level_model import (
    FOCUS_PART,
    GENERAL_PART,
    USER_PART,
    LevelParameters,
    average_financed_hours,
    level_budget,
    level_increase_over_base,
    level_review,
)
from tildel.rules.financing.levels import BandError, Level, bands_from_ranges


def year_of(unit, person, hours, year=2022):
    """Twelve months of the same decided hours."""
    return [UserMonth(unit, person, dt.date(year, m, 1), D(hours))
            for m in range(1, 13)]


def test_base_financing_per_user_per_year_report_000_l2067():
    """3.56 × 799 × 12 = 34 133,28 kr per base-financed user per year (L2067-2069)."""
    assert LevelParameters().annual(Level.BASE) == D("34133.28")
    budget = level_budget(year_of("Hjemmetjenesten", "1", 12), 2022)
    assert budget.units["Hjemmetjenesten"].parts[USER_PART] == D("34133.28")


def test_level_1_is_financed_743_percent_above_base_report_000_l111():
    """(30 − 3.56) / 3.56 = 7.43: "Størst forskjell ... nivå 1 (743 %)" (L111)."""
    assert round(level_increase_over_base(Level.LEVEL_1) * 100) == 743


def test_eiganes_gets_45_percent_more_per_user_than_hundvag_report_000_l2129():
    """Table 2 level shares, focus at the level-4 amount: about 45 % more (L2129-2131)."""
    eiganes = average_financed_hours(LEVEL_SHARES_2021["Eiganes og Tasta"])
    hundvag = average_financed_hours(LEVEL_SHARES_2021["Hundvåg og Storhaug"])
    assert round(eiganes / hundvag, 2) == D("1.45")
    assert round(hundvag, 3) == D("7.021")  # digest 000 §4.3


def test_45_percent_holds_for_budgets_built_from_users():
    """The same table 2 shares as 1000 users per district give the same 45 % per user."""
    rows = []
    for district in ("Eiganes og Tasta", "Hundvåg og Storhaug"):
        hours = {Level.BASE: 10, Level.LEVEL_1: 30, Level.LEVEL_2: 50, Level.LEVEL_3: 70,
                 Level.LEVEL_4: 90, Level.FOCUS: 110}
        person = 0
        for level, share in LEVEL_SHARES_2021[district].items():
            for _ in range(round(share * 10)):
                person += 1
                rows += year_of(district, str(person), hours[level])
    budget = level_budget(rows, 2022)
    per_user = {name: ub.parts[USER_PART] / ub.user_count for name, ub in budget.units.items()}
    assert round(per_user["Eiganes og Tasta"] / per_user["Hundvåg og Storhaug"], 2) == D("1.45")


def test_general_part_is_26_percent_of_the_unit_expenditure():
    budget = level_budget(year_of("A", "1", 30), 2022)
    unit = budget.units["A"]
    assert unit.parts[USER_PART] == D("287640.00")
    assert round(unit.parts[GENERAL_PART] / unit.total, 4) == D("0.2600")


def test_focus_user_from_first_month_above_100_hours_with_excess_from_general_part():
    """Footnote 33 (L2071-2075): from the first month above 100 h; stay zeroes the excess;
    a pause stops all focus financing."""
    rows = year_of("A", "f", 19)[:2] + [
        UserMonth("A", "f", dt.date(2022, 3, 1), D(120)),
        UserMonth("A", "f", dt.date(2022, 4, 1), D(130), in_stay=True),
    ] + year_of("A", "f", 19)[4:]
    unit = level_budget(rows, 2022, tertial=1).units["A"]
    level4, base = 90 * 799, D("3.56") * 799
    # January classification: base financing for the year (19 h < 20 h).
    # From March to the end of the tertial (April), a focus user: topped up to the
    # level-4 amount; March's 30 h above level 4 paid, April's excess zeroed by the
    # hospital stay. Back at 19 h from May: no focus financing in tertials 2 and 3.
    assert unit.parts[FOCUS_PART] == 30 * 799
    assert unit.parts[USER_PART] == D("34133.28") + 2 * (level4 - base)


def test_paused_focus_user_loses_the_level_4_amount_for_the_month():
    paused = [
        UserMonth("A", "f", dt.date(2022, m, 1), D(150), paused=(m == 2)) for m in range(1, 13)]
    unit = level_budget(paused, 2022, tertial=1).units["A"]
    assert unit.users["Fokus"] == 1
    assert unit.parts[USER_PART] == 90 * 799 * 12 - 90 * 799
    assert unit.parts[FOCUS_PART] == 11 * 60 * 799


def test_buffer_is_held_back_and_a_tight_frame_lowers_the_base_rate():
    """Buffer 1.2 % (L2139-2143); redistribution lowers the base rate (L2151-2163)."""
    rows = year_of("A", "1", 10) + year_of("A", "2", 10) + year_of("B", "3", 45)
    free = level_budget(rows, 2022)
    assert round(free.held_back["Buffer"] / (free.total + free.held_back["Buffer"]), 3) == \
        D("0.012")
    tight = level_budget(rows, 2022, params=LevelParameters(frame=free.total))
    assert tight.total <= free.total - tight.held_back["Buffer"] + D("0.05")
    assert D(tight.parameters["base_hours_after_redistribution"]) < D("3.56")
    assert tight.units["B"].total == free.units["B"].total  # level users keep their amount
    assert any("Omfordeling" in line for line in tight.lines)


def test_tertial_review_keeps_a_falling_unit_and_pays_growth_from_the_buffer():
    start = year_of("A", "1", 30) + year_of("B", "2", 10) + year_of("B", "3", 10)
    params = LevelParameters(buffer_share=D("0.2"))
    budget = level_budget(start, 2022, params=params)
    # By May user 1 has fallen to base financing; a new base user starts in B.
    later = [r if r.month.month < 5 or r.person != "1" else r._replace(hours=D(10))
             for r in start] + [UserMonth("B", "4", dt.date(2022, m, 1), D(5))
                                for m in range(5, 13)]
    review = level_review(budget, later, tertial=2, params=params)
    assert review.units["A"].final == review.units["A"].previous  # no deduction (L2145)
    assert review.units["A"].recomputed < review.units["A"].previous
    assert any("nivå 1 til grunnfinansiering" in r for r in review.units["A"].reasons)
    assert review.units["B"].change > 0
    assert any("1 ny bruker på grunnfinansiering" in r for r in review.units["B"].reasons)
    assert any("dekkes av bufferen" in line for line in review.lines)


def test_review_growth_beyond_the_buffer_redistributes():
    start = [row for person in range(30) for row in year_of("A", str(person), 10)]
    start += year_of("B", "b", 10)
    budget = level_budget(start, 2022)
    later = start + [UserMonth("B", "9", dt.date(2022, m, 1), D(55)) for m in range(5, 13)]
    review = level_review(budget, later, tertial=2)
    assert any("større enn bufferen" in line for line in review.lines)
    assert review.units["A"].change < 0  # A's base users pay for B's new level-2 user
    assert review.budget.total <= budget.total + budget.held_back["Buffer"] + D("0.05")


def test_band_edges_default_to_20_hour_bands_and_are_checked():
    assert bands_from_ranges([(20, 40), (40, 60), (60, 80), (80, 100)]).edges == \
        (20, 40, 60, 80, 100)
    with pytest.raises(BandError, match="overlapper"):
        bands_from_ranges([(20, 40), (35, 60), (60, 80), (80, 100)])
    with pytest.raises(BandError, match="hull"):
        bands_from_ranges([(20, 40), (45, 60), (60, 80), (80, 100)])


def test_lowering_the_level_1_edge_moves_users_and_money():
    rows = year_of("A", "1", 17) + year_of("A", "2", 10)
    before = level_budget(rows, 2022)
    params = LevelParameters(bands=bands_from_ranges([(15, 40), (40, 60), (60, 80), (80, 100)]))
    after = level_budget(rows, 2022, params=params)
    assert after.units["A"].users["Nivå 1"] == 1
    assert after.units["A"].parts[USER_PART] - before.units["A"].parts[USER_PART] == \
        D("253506.72")  # (30 − 3.56) × 799 × 12


def test_parameters_are_checked():
    with pytest.raises(ParameterError) as error:
        LevelParameters(general_share=D("26"))
    assert error.value.parameter == "general_share"


def test_abi_income_is_norm_minutes_times_count_times_price():
    """Report 000 table 1: morning care 25 min, shower 30 min (L1777, L1785)."""
    budget = abi_budget([Delivery("A", "Morgenstell", 120), Delivery("A", "Dusj/helvask", 10)],
                        {"Morgenstell": 25, "Dusj/helvask": 30}, D(600), 2019)
    assert budget.units["A"].total == (25 * 120 + 30 * 10) / 60 * 600
    with pytest.raises(ParameterError, match="tidsnorm"):
        abi_budget([Delivery("A", "Ukjent", 1)], {}, D(600), 2019)


def test_frame_by_key_and_fixed_price_per_service():
    frame = frame_budget(2022, total=D(1_000_000), key={"A": D(300), "B": D(100)},
                         key_name="innbyggere 67+")
    assert frame.units["A"].total == D(750_000)
    prices = price_budget([ServiceMonth("A", "1", "PIH", dt.date(2022, 1, 1), D(10)),
                           ServiceMonth("A", "1", "PB", dt.date(2022, 2, 1), D(4))],
                          {"PIH": D(700), "PB": D(500)}, 2022)
    assert prices.units["A"].total == 10 * 700 + 4 * 500


def test_users_near_the_19_versus_20_hours_edge_report_000_l2352():
    near = near_edges([("A", D(19)), ("A", D("18.5")), ("A", D(20)), ("A", D(25)),
                       ("A", D(100)), ("A", D(101))])
    first, focus = near["A"][0], near["A"][-1]
    assert (first.below, first.above) == (2, 1)
    assert (focus.below, focus.above) == (1, 1)
    effect = edge_effects()[0]
    assert effect.user_part == D("253506.72")


def test_closing_users_costs_money_next_year_report_000_l2252():
    budget = level_budget(year_of("A", "1", 10) + year_of("A", "2", 25), 2022)
    categories = {name: ub.persons for name, ub in budget.units.items()}
    effect = self_reliance_effect(categories, {"A": ["1", "2"]})["A"]
    assert effect.users == 2
    assert effect.user_part == D("34133.28") + D("287640")


def test_review_where_one_unit_grows_and_another_shrinks_never_raises_the_base():
    """Growth beyond the buffer lowers base financing (L2151-2163); it never raises it."""
    start = [row for person in range(30) for row in year_of("A", str(person), 10)]
    start += year_of("B", "big", 90) + year_of("B", "big2", 90)
    budget = level_budget(start, 2022)
    later = [r for r in start if r.person != "big2"] + [
        UserMonth("A", "new", dt.date(2022, m, 1), D(30)) for m in range(5, 13)]
    review = level_review(budget, later, tertial=2)
    base = review.budget.parameters.get("base_hours_after_redistribution")
    assert base is None or D(base) <= D("3.56")
    assert "Fokusbruker" not in " ".join(review.budget.lines)
