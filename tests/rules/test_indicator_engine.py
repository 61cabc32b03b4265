"""The indicator engine with small hand-made indicators (rules/indicators/engine)."""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

import pytest

from tildel.rules.indicators.engine import (
    SUPPRESS_BELOW,
    TOTAL,
    Indicator,
    Source,
    Status,
    Unit,
    Value,
    change,
    evaluate,
)
from tildel.rules.indicators.facts import Facts
from tildel.rules.indicators.periods import windows

D = dt.date
JAN_MAR = windows(D(2024, 1, 1), D(2024, 3, 1))
FACTS = Facts(covers=(D(2024, 1, 1), D(2024, 3, 31)))


class Row(NamedTuple):
    day: dt.date
    subject: object
    amount: float = 1.0
    category: str | None = None
    district: int | None = None
    office: int | None = None
    unit: int | None = None
    caseworker: int | None = None


def _side(rows):
    def items(facts, timeline):
        for row in rows:
            w = timeline.at(row.day)
            if w is not None:
                yield (w, row, row.subject, row.amount, row.category)
    return items


def _indicator(numerator, denominator=None, **kwargs) -> Indicator:
    defaults = dict(code="test", name="Test", definition="Test.", unit=Unit.COUNT,
                    sources=(Source("000", "L1"),), tables=(), numerator=_side(numerator),
                    numerator_name="Teller")
    if denominator is not None:
        defaults.update(denominator=_side(denominator), denominator_name="Nevner")
    defaults.update(kwargs)
    return Indicator(**defaults)


def _pick(values, key="2024-01", group=TOTAL, category=None) -> Value:
    (value,) = [v for v in values if v.window.key == key and v.group == group
                and v.category == category]
    return value


# -- modes -----------------------------------------------------------------------------------

ROWS = [Row(D(2024, 1, 3), "a", 5.0), Row(D(2024, 1, 20), "a", 7.0),
        Row(D(2024, 1, 9), "b", 2.0)]


def test_count_mode_counts_distinct_subjects_once():
    """A person with two rows in a period is one person."""
    value = _pick(evaluate(_indicator(ROWS), FACTS, JAN_MAR))
    assert value.status is Status.OK
    assert value.numerator == 2 and value.value == 2 and value.numerator_count == 2


def test_sum_mode_adds_every_amount():
    value = _pick(evaluate(_indicator(ROWS, numerator_mode="sum"), FACTS, JAN_MAR))
    assert value.numerator == 14.0 and value.value == 14.0
    assert value.numerator_count == 2  # still two subjects


def test_max_mode_takes_the_largest_amount():
    value = _pick(evaluate(_indicator(ROWS, numerator_mode="max"), FACTS, JAN_MAR))
    assert value.value == 7.0


def test_max_mode_with_only_negative_amounts_is_not_zero():
    rows = [Row(D(2024, 1, 3), "a", -3.0), Row(D(2024, 1, 4), "b", -1.0)]
    value = _pick(evaluate(_indicator(rows, numerator_mode="max"), FACTS, JAN_MAR))
    assert value.value == -1.0


def test_a_period_with_data_but_no_rows_is_a_real_zero_count():
    value = _pick(evaluate(_indicator(ROWS), FACTS, JAN_MAR), "2024-02")
    assert value.status is Status.OK and value.value == 0


def test_percent_share_is_numerator_over_denominator_times_100():
    ind = _indicator(ROWS[:1], ROWS, unit=Unit.PERCENT)
    value = _pick(evaluate(ind, FACTS, JAN_MAR))
    assert (value.numerator, value.denominator, value.value) == (1, 2, 50.0)
    assert (value.numerator_count, value.denominator_count) == (1, 2)


def test_per_thousand_uses_the_unit_scale():
    ind = _indicator(ROWS[:1], [Row(D(2024, 1, 1), "pop", 4000.0)], unit=Unit.PER_THOUSAND,
                     denominator_mode="sum")
    assert _pick(evaluate(ind, FACTS, JAN_MAR)).value == pytest.approx(0.25)


# -- groups ------------------------------------------------------------------------------------

def test_values_per_district_and_a_total_row_first():
    rows = [Row(D(2024, 1, 3), "a", district=2), Row(D(2024, 1, 4), "b", district=1),
            Row(D(2024, 1, 5), "c", district=1), Row(D(2024, 1, 6), "d", district=None)]
    values = [v for v in evaluate(_indicator(rows), FACTS, JAN_MAR, by="district")
              if v.window.key == "2024-01"]
    assert [(v.group, v.value) for v in values] == [(TOTAL, 4), (1, 2), (2, 1), (None, 1)]


def test_a_person_in_two_districts_counts_once_in_the_total():
    rows = [Row(D(2024, 1, 3), "a", district=1), Row(D(2024, 1, 20), "a", district=2)]
    values = evaluate(_indicator(rows), FACTS, JAN_MAR, by="district")
    assert _pick(values).value == 1
    assert _pick(values, group=1).value == 1 and _pick(values, group=2).value == 1


def test_municipality_grouping_gives_only_the_total():
    rows = [Row(D(2024, 1, 3), "a", district=1), Row(D(2024, 1, 4), "b", district=2)]
    values = evaluate(_indicator(rows), FACTS, JAN_MAR)
    assert {v.group for v in values} == {TOTAL}
    assert len(values) == 3


def test_unknown_grouping_is_a_programming_error():
    with pytest.raises(ValueError, match="unknown grouping"):
        evaluate(_indicator(ROWS), FACTS, JAN_MAR, by="county")


def test_not_groupable_when_the_indicator_excludes_the_grouping():
    ind = _indicator(ROWS, groupings=("district",))
    values = evaluate(ind, FACTS, JAN_MAR, by="caseworker")
    assert [v.status for v in values] == [Status.NOT_GROUPABLE] * 3
    assert all(v.value is None and v.group == TOTAL for v in values)
    assert _pick(evaluate(ind, FACTS, JAN_MAR, by="district")).status is Status.OK


# -- no data and zero denominators --------------------------------------------------------------

def test_no_data_for_a_period_outside_the_data():
    facts = Facts(covers=(D(2024, 2, 1), D(2024, 2, 29)))
    values = evaluate(_indicator(ROWS), facts, JAN_MAR)
    assert [v.status for v in values] == [Status.NO_DATA, Status.OK, Status.NO_DATA]
    assert _pick(values).value is None  # never 0, though January has rows


def test_a_period_partly_covered_has_data():
    facts = Facts(covers=(D(2024, 1, 31), D(2024, 2, 1)))
    values = evaluate(_indicator(ROWS), facts, JAN_MAR)
    assert [v.status for v in values] == [Status.OK, Status.OK, Status.NO_DATA]


def test_empty_denominator_is_no_data_never_zero_percent():
    ind = _indicator([], [Row(D(2024, 2, 3), "a")], unit=Unit.PERCENT)
    values = evaluate(ind, FACTS, JAN_MAR)
    january = _pick(values)
    assert january.status is Status.NO_DATA and january.value is None
    assert _pick(values, "2024-02").value == 0.0  # a real denominator: 0 % is true


def test_zero_denominator_when_amounts_sum_to_zero():
    ind = _indicator(ROWS, [Row(D(2024, 1, 1), "unit", 0.0)], unit=Unit.RATIO,
                     denominator_mode="sum")
    value = _pick(evaluate(ind, FACTS, JAN_MAR))
    assert value.status is Status.ZERO_DENOMINATOR and value.value is None
    assert value.numerator == 2


def test_numerator_without_denominator_is_zero_denominator():
    ind = _indicator(ROWS, [Row(D(2024, 2, 3), "x")], unit=Unit.PERCENT)
    value = _pick(evaluate(ind, FACTS, JAN_MAR))
    assert value.status is Status.ZERO_DENOMINATOR and value.value is None


# -- suppression -------------------------------------------------------------------------------

def _count_value(n: int, denominator: int = 0) -> Value:
    rows = [Row(D(2024, 1, 2), i) for i in range(n)]
    den = [Row(D(2024, 1, 2), i) for i in range(denominator)] if denominator else None
    ind = _indicator(rows, den, unit=Unit.PERCENT if den else Unit.COUNT)
    return _pick(evaluate(ind, FACTS, JAN_MAR, keep_subjects=True))


@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_suppressed_hides_counts_from_one_to_four(n):
    shown = _count_value(n).suppressed()
    assert shown.status is Status.SUPPRESSED
    assert (shown.value, shown.numerator, shown.numerator_count) == (None, None, 0)


@pytest.mark.parametrize("n", [0, SUPPRESS_BELOW, 12])
def test_suppressed_shows_zero_and_five_or_more(n):
    shown = _count_value(n).suppressed()
    assert shown.status is Status.OK and shown.value == n
    assert shown.subjects is None  # the list of persons never leaves with the aggregate


def test_suppressed_hides_a_share_with_a_small_denominator():
    shown = _count_value(0, denominator=3).suppressed()
    assert shown.status is Status.SUPPRESSED
    assert _count_value(5, denominator=8).suppressed().value == pytest.approx(62.5)


def test_suppressed_keeps_a_no_data_status():
    facts = Facts(covers=(D(2025, 1, 1), D(2025, 1, 31)))
    value = _pick(evaluate(_indicator(ROWS), facts, JAN_MAR)).suppressed()
    assert value.status is Status.NO_DATA


# -- categories ----------------------------------------------------------------------------------

CATEGORIES = (("x", "Ex"), ("y", "Why"))


def test_static_categories_over_an_uncategorised_denominator():
    rows = [Row(D(2024, 1, 2), "a", category="x"), Row(D(2024, 1, 2), "b", category="x"),
            Row(D(2024, 1, 2), "c", category="y"), Row(D(2024, 1, 2), "d", category="z")]
    ind = _indicator(rows, rows, unit=Unit.PERCENT, categories=CATEGORIES)
    values = [v for v in evaluate(ind, FACTS, JAN_MAR) if v.window.key == "2024-01"]
    assert [(v.category, v.value) for v in values] == [("x", 50.0), ("y", 25.0)]
    assert ind.category_label("y") == "Why" and ind.category_label(None) == ""


def test_categorised_denominator_is_split_by_category():
    num = [Row(D(2024, 1, 2), "a", category="x"), Row(D(2024, 1, 2), "c", category="y")]
    den = num + [Row(D(2024, 1, 2), "b", category="x")]
    ind = _indicator(num, den, unit=Unit.PERCENT, categories=CATEGORIES,
                     categorised_denominator=True)
    values = evaluate(ind, FACTS, JAN_MAR)
    assert _pick(values, category="x").value == 50.0
    assert _pick(values, category="y").value == 100.0
    assert _pick(values, category="y").denominator == 1


def test_dynamic_categories_are_found_in_the_data():
    rows = [Row(D(2024, 1, 2), "a", category="bpa"), Row(D(2024, 2, 2), "b", category="avl")]
    values = evaluate(_indicator(rows, dynamic_categories=True), FACTS, JAN_MAR)
    assert sorted({v.category for v in values}) == ["avl", "bpa"]
    assert _pick(values, category="bpa").value == 1
    assert _pick(values, category="avl").value == 0  # every period lists every category


def test_dynamic_categories_without_rows_give_one_uncategorised_value():
    values = evaluate(_indicator([], dynamic_categories=True), FACTS, JAN_MAR)
    assert [(v.category, v.value) for v in values] == [(None, 0)] * 3


# -- drill-down and change --------------------------------------------------------------------

def test_keep_subjects_returns_the_numerators_subjects():
    ind = _indicator(ROWS[:1], ROWS, unit=Unit.PERCENT)
    value = _pick(evaluate(ind, FACTS, JAN_MAR, keep_subjects=True))
    assert value.subjects == frozenset({"a"})
    assert _pick(evaluate(ind, FACTS, JAN_MAR)).subjects is None


def test_keep_subjects_per_group():
    rows = [Row(D(2024, 1, 3), "a", district=1), Row(D(2024, 1, 4), "b", district=2)]
    values = evaluate(_indicator(rows), FACTS, JAN_MAR, by="district", keep_subjects=True)
    assert _pick(values, group=2).subjects == frozenset({"b"})
    assert _pick(values).subjects == frozenset({"a", "b"})


def _value_of(n) -> Value:
    return Value(_indicator([]), JAN_MAR[0], TOTAL, None, n, None, n)


def test_change_ten_to_sixteen_users_is_six_and_sixty_percent_report_001_T7_L1112_1166():
    """Report 001 T7 states change as Δ persons and Δ / the first year's value."""
    assert change(_value_of(10), _value_of(16)) == (6, 60.0)
    assert change(_value_of(16), _value_of(12)) == (-4, -25.0)


def test_change_is_none_on_missing_values_and_no_percent_of_zero():
    assert change(None, _value_of(16)) == (None, None)
    assert change(_value_of(None), _value_of(16)) == (None, None)
    assert change(_value_of(10), _value_of(None)) == (None, None)
    difference, percent = change(_value_of(0), _value_of(16))
    assert percent is None and difference == 16
