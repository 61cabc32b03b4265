"""Respite stay plans on a rotating cycle, matched to the rota (tildel.rules.respite;
report 001 l.1459-1461: Molde's time-fixed respite decisions rotate over 12 weeks so that
they agree with the rota)."""

from __future__ import annotations

import datetime as dt

import pytest

from tildel.rules import respite as rules
from tildel.rules.housing import Shift

T = dt.time


def weekend(week: int, nights: int = 2) -> rules.Stay:
    """Friday 15:00, home ``nights`` later at 18:00."""
    return rules.Stay(week, 4, T(15, 0), nights, T(18, 0))


ALL_WEEK = [Shift(name, day, T(start), T(end)) for day in range(7)  # round the clock
            for name, start, end in (("Dag", 8, 20), ("Natt", 20, 8))]


def test_nights_per_month_from_a_twelve_week_cycle():
    # Six weekends of two nights in 12 weeks: 12 nights in 84 days = 4.35 a month.
    stays = [weekend(week) for week in (1, 3, 5, 7, 9, 11)]
    assert rules.nights_per_cycle(stays) == 12
    assert rules.nights_per_month(stays) == pytest.approx(12 * 30.4375 / 84)
    assert round(rules.nights_per_month(stays), 2) == 4.35


def test_a_stay_outside_the_cycle_or_too_long_is_refused():
    assert rules.stay_problem(weekend(13)) == "Uken må være fra 1 til 12."
    assert rules.stay_problem(weekend(0)) == "Uken må være fra 1 til 12."
    assert rules.stay_problem(weekend(3), cycle_weeks=2) == "Uken må være fra 1 til 2."
    assert "fra 1 til 14 døgn" in rules.stay_problem(weekend(1, nights=15))
    assert rules.stay_problem(weekend(12)) == ""
    # A stay as long as a one-week cycle would overlap its own next repetition.
    assert "like lenge som syklusen" in rules.stay_problem(weekend(1, nights=7), cycle_weeks=1)
    assert rules.stay_problem(weekend(1, nights=6), cycle_weeks=1) == ""


def test_own_stays_may_not_overlap_and_the_last_week_runs_into_the_first():
    assert rules.clash([weekend(1), weekend(2)]) is None
    assert rules.clash([weekend(1), rules.Stay(1, 5, T(10, 0), 1, T(12, 0))]) is not None
    # Week 12, Sunday for three nights runs into week 1 Monday to Wednesday.
    late = rules.Stay(12, 6, T(12, 0), 3, T(12, 0))
    early = rules.Stay(1, 1, T(9, 0), 1, T(9, 0))
    assert rules.clash([late, early]) is not None
    assert rules.clash([late, rules.Stay(1, 3, T(9, 0), 1, T(9, 0))]) is None


def test_a_stay_the_rota_does_not_cover_is_named_to_the_minute():
    # Staff from Friday 14:00 to Sunday 17:00 only: a guest leaving Sunday 18:00 is
    # alone for an hour.
    shifts = [Shift("Dag", 4, T(14, 0), T(22, 0)), Shift("Natt", 4, T(22, 0), T(8, 0)),
              Shift("Dag", 5, T(8, 0), T(22, 0)), Shift("Natt", 5, T(22, 0), T(8, 0)),
              Shift("Dag", 6, T(8, 0), T(17, 0))]
    assert rules.uncovered(weekend(1), shifts) == ["uke 1 søndag 17:00–18:00"]
    assert rules.uncovered(rules.Stay(1, 4, T(15, 0), 2, T(17, 0)), shifts) == []
    assert rules.uncovered(weekend(1), ALL_WEEK) == []
    assert rules.uncovered(weekend(3), []) == ["uke 3 fredag 15:00–søndag 18:00"]


def test_night_shifts_past_midnight_and_sunday_into_monday_cover_a_stay():
    shifts = [Shift("Natt", 6, T(22, 0), T(8, 0)), Shift("Kveld", 6, T(15, 0), T(22, 0)),
              Shift("Dag", 0, T(8, 0), T(12, 0))]
    # Sunday 16:00 to Monday 10:00 in week 12 (runs into the next cycle's first Monday).
    stay = rules.Stay(12, 6, T(16, 0), 1, T(10, 0))
    assert rules.uncovered(stay, shifts) == []
    assert rules.uncovered(rules.Stay(12, 6, T(14, 0), 1, T(13, 0)), shifts) == [
        "uke 12 søndag 14:00–15:00", "uke 1 mandag 12:00–13:00"]
    # A gap over Sunday midnight is one gap, not two.
    assert rules.uncovered(rules.Stay(2, 6, T(12, 0), 1, T(12, 0)), [
        Shift("Dag", 6, T(8, 0), T(20, 0)), Shift("Dag", 0, T(8, 0), T(16, 0))]) == [
        "uke 2 søndag 20:00–uke 3 mandag 08:00"]


def test_guests_per_night_against_beds():
    plans = [[weekend(1)], [weekend(1)], [weekend(1), weekend(2)]]
    guests = rules.guests_per_night(plans)
    assert len(guests) == 84
    assert guests[4] == 3 and guests[5] == 3 and guests[6] == 0  # Friday, Saturday
    assert guests[11] == 1  # week 2 Friday
    assert rules.over_beds(guests, 3) == []
    assert rules.over_beds(guests, 2) == ["uke 1 fredag (3 gjester, 2 senger)",
                                          "uke 1 lørdag (3 gjester, 2 senger)"]
    assert rules.over_beds(rules.guests_per_night(plans[:2]), 1)[0] == (
        "uke 1 fredag (2 gjester, 1 seng)")


def test_a_stay_past_the_cycle_end_counts_in_the_first_week():
    guests = rules.guests_per_night([[rules.Stay(12, 6, T(12, 0), 2, T(12, 0))]])
    assert guests[83] == 1 and guests[0] == 1 and guests[1] == 0


def test_week_of_cycle_and_dates_of_the_repetitions():
    start = dt.date(2026, 9, 7)  # a Monday
    assert rules.week_of_cycle(dt.date(2026, 9, 7), start) == 1
    assert rules.week_of_cycle(dt.date(2026, 9, 20), start) == 2
    assert rules.week_of_cycle(dt.date(2026, 11, 30), start) == 1  # 12 weeks later
    assert rules.week_of_cycle(dt.date(2026, 9, 6), start) == 12  # the cycle before
    # Week 3's Friday is 25 September, then every 84 days.
    found = rules.dates_of(weekend(3), start, dt.date(2026, 9, 1), dt.date(2027, 1, 31))
    assert found == [(dt.date(2026, 9, 25), dt.date(2026, 9, 27)),
                     (dt.date(2026, 12, 18), dt.date(2026, 12, 20))]
    # Before the cycle's start, the plan repeats backwards too.
    assert rules.dates_of(weekend(3), start, dt.date(2026, 6, 1), dt.date(2026, 7, 31)) == [
        (dt.date(2026, 7, 3), dt.date(2026, 7, 5))]


def test_describe_names_arrival_and_home_day():
    assert rules.describe(weekend(3)) == "uke 3: fredag 15:00 til søndag 18:00 (2 døgn)"
    assert rules.describe(rules.Stay(12, 6, T(16, 0), 1, T(10, 0))) == (
        "uke 12: søndag 16:00 til mandag 10:00 (1 døgn)")


def test_nights_on_calendar_dates_and_crowded_dates():
    from collections import Counter

    start = dt.date(2026, 9, 7)
    nights = rules.nights_between(weekend(3), start, dt.date(2026, 9, 26),
                                  dt.date(2026, 12, 18))
    # 25 September's stay is under way on the 26th; 18 December's first night is the last.
    assert nights == [dt.date(2026, 9, 26), dt.date(2026, 12, 18)]
    guests = Counter({dt.date(2026, 12, 4): 3, dt.date(2026, 12, 5): 2})
    assert rules.crowded_dates(guests, 2) == ["fredag 04.12.2026 (3 gjester, 2 senger)"]
