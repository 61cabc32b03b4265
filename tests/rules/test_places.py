"""Places and waiting lists as plain rules (tildel.rules.places)."""

from __future__ import annotations

import datetime as dt

import pytest

from tildel.rules import places as rules
from tildel.rules.places import Entry, ListKind, Spell

D = dt.date


def test_a_long_term_place_that_is_the_only_safe_option_is_granted_not_wait_listed():
    """Helse- og omsorgstjenesteloven § 3-2 a (report 002 l.465-473): the person has a
    right to the place; the list is for those who can wait at home (l.481-491)."""
    with pytest.raises(rules.Refused, match="§ 3-2 a"):
        rules.check_entry(ListKind.LONG_TERM, True, D(2026, 11, 1), D(2026, 11, 23))
    rules.check_entry(ListKind.LONG_TERM, False, D(2026, 11, 1), D(2026, 11, 23))
    rules.check_entry(ListKind.RESPITE, True, D(2026, 11, 1), D(2026, 11, 23))  # not § 3-2 a


def test_a_qualification_date_in_the_future_is_refused():
    with pytest.raises(rules.Refused, match="frem i tid"):
        rules.check_entry(ListKind.BPA, False, D(2026, 11, 24), D(2026, 11, 23))


def test_the_list_is_taken_by_need_then_by_waiting_time():
    entries = [Entry(1, 2, D(2026, 1, 5)), Entry(2, 1, D(2026, 9, 1)),
               Entry(3, 2, D(2025, 12, 1)), Entry(4, 1, D(2026, 9, 1))]
    assert [e.entry_id for e in rules.in_order(entries)] == [2, 4, 3, 1]


def test_waiting_days_run_to_the_place_or_to_today():
    assert rules.waiting_days(D(2026, 10, 1), D(2026, 10, 31), D(2026, 11, 23)) == 30
    assert rules.waiting_days(D(2026, 10, 1), None, D(2026, 11, 23)) == 53


@pytest.mark.parametrize(("a", "b", "together"), [
    (Spell(D(2026, 1, 1), D(2026, 1, 10)), Spell(D(2026, 1, 11), None), False),
    (Spell(D(2026, 1, 1), D(2026, 1, 10)), Spell(D(2026, 1, 10), None), True),
    (Spell(D(2026, 1, 1), None), Spell(D(2027, 5, 1), D(2027, 5, 2)), True),
    (Spell(D(2026, 3, 1), D(2026, 3, 5)), Spell(D(2026, 2, 1), D(2026, 2, 28)), False),
])
def test_a_place_is_double_booked_when_two_stays_share_a_day(a, b, together):
    assert rules.overlaps(a, b) is together
    assert (rules.clash(b, [a]) is a) is together


def test_occupancy_turnover_and_length_of_stay_for_a_month():
    """Two places in a 30-day month: one full all month, one with a 10-day stay that ended
    on the 10th: belegg 40/60, one departure, omløp 0.5, liggetid 10 days."""
    spells = [Spell(D(2026, 1, 1), None), Spell(D(2026, 4, 1), D(2026, 4, 10))]
    two = [Spell(D(2020, 1, 1), None)] * 2
    april = rules.period(two, spells, D(2026, 4, 1), D(2026, 4, 30))
    assert april.occupancy == pytest.approx(40 / 60)
    assert (april.departures, april.turnover, april.average_stay) == (1, 0.5, 10)
    crowded = rules.period(two[:1], spells, D(2026, 4, 1), D(2026, 4, 30))
    assert crowded.occupancy > 1  # overcrowding shows as more than 100 %


def test_a_place_opened_mid_month_counts_for_its_days_only():
    places = [Spell(D(2020, 1, 1), None), Spell(D(2026, 4, 21), None)]  # 30 + 10 days
    april = rules.period(places, [Spell(D(2026, 4, 1), None)], D(2026, 4, 1),
                         D(2026, 4, 30))
    assert april.place_days == 40 and april.occupancy == pytest.approx(30 / 40)
