"""Periods for key figures: months, tertials, years and one range (rules/indicators/periods)."""

from __future__ import annotations

import datetime as dt

import pytest

from tildel.rules.indicators.periods import (
    PeriodError,
    Timeline,
    Window,
    age_on,
    overlap_days,
    parse_month,
    windows,
)

D = dt.date


# -- parse_month ---------------------------------------------------------------------------

def test_parse_month_gives_the_first_day_of_the_month():
    assert parse_month("2024-03") == D(2024, 3, 1)
    assert parse_month(" 2024-3 ") == D(2024, 3, 1)
    assert parse_month("2024-12") == D(2024, 12, 1)


@pytest.mark.parametrize("text", ["2024-13", "2024-00", "abc", "", "2024-03-01", "24-03",
                                  "2024/03"])
def test_parse_month_refuses_anything_else_with_a_norwegian_message(text):
    with pytest.raises(PeriodError) as error:
        parse_month(text)
    assert f"«{text}»" in str(error.value)
    assert "er ikke en måned på formen ÅÅÅÅ-MM" in str(error.value)


def test_parse_month_refuses_none_as_a_period_error():
    with pytest.raises(PeriodError):
        parse_month(None)


def test_parse_month_refuses_year_zero_as_a_period_error_not_a_date_error():
    """dt.date(0, 1, 1) would raise an English ValueError; the user gets the Norwegian one."""
    with pytest.raises(PeriodError, match="«0000-01»"):
        parse_month("0000-01")


# -- windows -------------------------------------------------------------------------------

def test_month_windows_have_norwegian_labels_and_stable_keys():
    result = windows(D(2024, 11, 15), D(2025, 2, 3), "month")
    assert [w.key for w in result] == ["2024-11", "2024-12", "2025-01", "2025-02"]
    assert [w.label for w in result] == ["nov 2024", "des 2024", "jan 2025", "feb 2025"]
    assert result[0].start == D(2024, 11, 1) and result[0].end == D(2024, 11, 30)
    assert result[-1].end == D(2025, 2, 28)
    assert result[-1].days == 28


def test_month_window_of_february_in_a_leap_year_ends_on_the_29th():
    (feb,) = windows(D(2024, 2, 1), D(2024, 2, 1))
    assert feb.end == D(2024, 2, 29) and feb.days == 29


def test_tertial_windows_are_whole_even_when_the_range_starts_mid_tertial():
    result = windows(D(2024, 3, 1), D(2025, 1, 31), "tertial")
    assert [w.key for w in result] == ["2024-T1", "2024-T2", "2024-T3", "2025-T1"]
    assert [w.label for w in result] == ["1. tertial 2024", "2. tertial 2024",
                                         "3. tertial 2024", "1. tertial 2025"]
    assert [(w.start, w.end) for w in result] == [
        (D(2024, 1, 1), D(2024, 4, 30)), (D(2024, 5, 1), D(2024, 8, 31)),
        (D(2024, 9, 1), D(2024, 12, 31)), (D(2025, 1, 1), D(2025, 4, 30))]


def test_year_windows_are_whole_calendar_years():
    result = windows(D(2023, 6, 1), D(2024, 2, 1), "year")
    assert [(w.key, w.label, w.start, w.end) for w in result] == [
        ("2023", "2023", D(2023, 1, 1), D(2023, 12, 31)),
        ("2024", "2024", D(2024, 1, 1), D(2024, 12, 31))]


def test_range_is_one_window_over_all_months_report_000_L1058_1062():
    """Report 000 counts February 2021 to January 2022 as one period."""
    (window,) = windows(D(2021, 2, 10), D(2022, 1, 5), "range")
    assert window.start == D(2021, 2, 1) and window.end == D(2022, 1, 31)
    assert window.label == "feb 2021 – jan 2022"
    assert window.key == "2021-02..2022-01"
    assert window.days == 365


def test_backwards_range_is_refused():
    with pytest.raises(PeriodError, match="Sluttmåneden er før startmåneden"):
        windows(D(2024, 3, 1), D(2024, 2, 28))


def test_end_earlier_in_the_same_month_is_not_backwards():
    assert [w.key for w in windows(D(2024, 3, 20), D(2024, 3, 2))] == ["2024-03"]


def test_twenty_years_are_allowed_but_not_one_month_more():
    assert len(windows(D(2000, 1, 1), D(2019, 12, 1), "year")) == 20
    with pytest.raises(PeriodError, match="20 år"):
        windows(D(2000, 1, 1), D(2020, 1, 1), "year")


def test_unknown_period_kind_is_refused():
    with pytest.raises(PeriodError, match="Ukjent periodetype «week»"):
        windows(D(2024, 1, 1), D(2024, 2, 1), "week")


# -- Timeline --------------------------------------------------------------------------------

@pytest.fixture
def quarter():
    """January, February and March 2024."""
    return Timeline(windows(D(2024, 1, 1), D(2024, 3, 1)))


def test_at_finds_the_window_of_a_day_on_either_boundary(quarter):
    assert quarter.at(D(2024, 1, 1)) == 0
    assert quarter.at(D(2024, 1, 31)) == 0
    assert quarter.at(D(2024, 2, 1)) == 1
    assert quarter.at(D(2024, 3, 31)) == 2


def test_at_is_none_outside_all_windows_and_for_none(quarter):
    assert quarter.at(D(2023, 12, 31)) is None
    assert quarter.at(D(2024, 4, 1)) is None
    assert quarter.at(None) is None


def test_at_is_none_in_a_gap_between_windows():
    gappy = Timeline([Window(D(2024, 1, 1), D(2024, 1, 15), "a", "a"),
                      Window(D(2024, 2, 1), D(2024, 2, 29), "b", "b")])
    assert gappy.at(D(2024, 1, 20)) is None
    assert gappy.at(D(2024, 1, 15)) == 0


def test_overlapping_counts_a_single_shared_boundary_day(quarter):
    assert list(quarter.overlapping(D(2024, 1, 31), D(2024, 2, 1))) == [0, 1]
    assert list(quarter.overlapping(D(2024, 2, 1), D(2024, 2, 1))) == [1]
    assert list(quarter.overlapping(D(2023, 5, 1), D(2024, 1, 1))) == [0]


def test_overlapping_with_open_end_runs_to_the_last_window(quarter):
    assert list(quarter.overlapping(D(2024, 2, 10), None)) == [1, 2]
    assert list(quarter.overlapping(D(2020, 1, 1), None)) == [0, 1, 2]


def test_overlapping_is_empty_for_spans_before_or_after_all_windows(quarter):
    assert list(quarter.overlapping(D(2023, 1, 1), D(2023, 12, 31))) == []
    assert list(quarter.overlapping(D(2024, 4, 1), None)) == []
    assert list(quarter.overlapping(None, D(2024, 2, 1))) == []


def test_ending_in_includes_start_and_excludes_stop(quarter):
    # Last days are 31 Jan, 29 Feb and 31 Mar.
    assert list(quarter.ending_in(D(2024, 1, 31), D(2024, 3, 31))) == [0, 1]
    assert list(quarter.ending_in(D(2024, 2, 1), D(2024, 3, 1))) == [1]
    assert list(quarter.ending_in(D(2024, 2, 1), D(2024, 2, 29))) == []
    assert list(quarter.ending_in(D(2024, 1, 5), None)) == [0, 1, 2]
    assert list(quarter.ending_in(D(2024, 4, 1), None)) == []
    assert list(quarter.ending_in(D(2023, 1, 1), D(2023, 6, 1))) == []


def test_ending_after_is_on_or_after_the_day(quarter):
    assert list(quarter.ending_after(D(2024, 2, 29))) == [1, 2]
    assert list(quarter.ending_after(D(2024, 4, 1))) == []


def test_overlap_days_and_age_on():
    (feb,) = windows(D(2024, 2, 1), D(2024, 2, 1))
    assert overlap_days(D(2024, 1, 20), D(2024, 2, 3), feb) == 3
    assert overlap_days(D(2024, 2, 20), None, feb) == 10
    assert overlap_days(D(2024, 3, 1), None, feb) == 0
    assert age_on(D(1944, 6, 15), D(2024, 6, 14)) == 79
    assert age_on(D(1944, 6, 15), D(2024, 6, 15)) == 80
