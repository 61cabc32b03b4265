"""Case processing deadlines (saksbehandlingsfrister): fixed cases and properties.

Norwegian public holidays 2026-2027 used below (Easter Sunday 2027 is 28 March):
Thu 24 Dec 2026 and Thu 31 Dec 2026 are working days; Fri 25 Dec 2026; Fri 1 Jan 2027;
Thu 25 Mar (Skjærtorsdag), Fri 26 Mar (Langfredag), Mon 29 Mar (2. påskedag);
Sat 1 May; Thu 6 May (Kristi himmelfart); Mon 17 May (Grunnlovsdag and 2. pinsedag).
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tildel.rules import deadlines as dl
from tildel.rules.deadlines import Suspension

D = dt.date
MIN, MAX = D(2000, 1, 1), D(2100, 12, 31)
dates = st.dates(min_value=MIN, max_value=MAX)
FAST = settings(max_examples=200, deadline=None)


# --- Working days -------------------------------------------------------------------------


@pytest.mark.parametrize("day", [
    D(2027, 1, 1), D(2027, 3, 25), D(2027, 3, 26), D(2027, 3, 29), D(2027, 5, 6),
    D(2027, 5, 17), D(2026, 12, 25), D(2027, 5, 1),
])
def test_public_holidays_are_not_working_days(day):
    assert dl.is_public_holiday(day)
    assert not dl.is_working_day(day)


@pytest.mark.parametrize("day", [
    D(2026, 12, 24), D(2026, 12, 31),  # julaften, nyttårsaften: ordinary working days
    D(2027, 3, 24), D(2027, 3, 30), D(2027, 5, 18), D(2027, 5, 7),
])
def test_ordinary_weekdays_are_working_days(day):
    assert dl.is_working_day(day)


def test_ordinary_sunday_is_weekend_not_public_holiday():
    """The holidays package lists every Sunday unless include_sundays=False."""
    sunday = D(2027, 3, 7)
    assert not dl.is_public_holiday(sunday)
    assert not dl.is_working_day(sunday)


def test_add_working_days_zero_returns_day_unchanged():
    assert dl.add_working_days(D(2027, 3, 27), 0) == D(2027, 3, 27)  # a Saturday


def test_add_working_days_rejects_negative():
    with pytest.raises(ValueError):
        dl.add_working_days(D(2027, 3, 24), -1)


def test_next_working_day_on_or_after_easter():
    assert dl.next_working_day_on_or_after(D(2027, 3, 24)) == D(2027, 3, 24)
    assert dl.next_working_day_on_or_after(D(2027, 3, 25)) == D(2027, 3, 30)


def test_working_days_between_across_easter():
    # After Wed 24 Mar up to Thu 1 Apr: Tue 30, Wed 31, Thu 1 = 3.
    assert dl.working_days_between(D(2027, 3, 24), D(2027, 4, 1)) == 3
    assert dl.working_days_between(D(2027, 4, 1), D(2027, 3, 24)) == 0


# --- Forvaltningsmelding ------------------------------------------------------------------


@pytest.mark.parametrize(("received", "due"), [
    # Wed 24 Mar 2027: Thu 25, Fri 26 holidays; Sat 27, Sun 28 weekend; Mon 29 holiday;
    # Tue 30 Mar (1), Wed 31 Mar (2), Thu 1 Apr (3).
    (D(2027, 3, 24), D(2027, 4, 1)),
    # Fri 14 May 2027: Sat 15, Sun 16; Mon 17 May holiday; Tue 18 (1), Wed 19 (2), Thu 20 (3).
    (D(2027, 5, 14), D(2027, 5, 20)),
    # Tue 4 May 2027: Wed 5 (1); Thu 6 Kristi himmelfart; Fri 7 (2); Mon 10 (3).
    (D(2027, 5, 4), D(2027, 5, 10)),
    # Wed 23 Dec 2026: Thu 24 (1, julaften counts); Fri 25 holiday; Mon 28 (2), Tue 29 (3).
    (D(2026, 12, 23), D(2026, 12, 29)),
    # Wed 30 Dec 2026: Thu 31 (1); Fri 1 Jan holiday; Mon 4 Jan (2), Tue 5 Jan (3).
    (D(2026, 12, 30), D(2027, 1, 5)),
    # Sat 27 Mar 2027 (received on a weekend): Tue 30 (1), Wed 31 (2), Thu 1 Apr (3).
    (D(2027, 3, 27), D(2027, 4, 1)),
])
def test_acknowledgement_due_in_three_working_days(received, due):
    """Report 004 L2666-2667, L3994-3995: forvaltningsmelding within 3 working days."""
    assert dl.case_deadlines(received, as_of=received).acknowledgement_due == due


def test_acknowledgement_is_not_moved_by_suspension_or_extension():
    """ADR 0005: the acknowledgement is about receipt; stans does not move it."""
    received = D(2027, 3, 1)
    d = dl.case_deadlines(received, suspensions=[Suspension(D(2027, 3, 2), D(2027, 3, 20))],
                          extension_days=14, as_of=D(2027, 3, 25))
    assert d.acknowledgement_due == D(2027, 3, 4)


# --- Vedtak and foreløpig svar ------------------------------------------------------------


def test_decision_due_three_weeks_moves_past_easter():
    """Report 004 L3104, L3995-3996: decision within 3 weeks.

    Thu 4 Mar 2027 + 21 days = Thu 25 Mar (Skjærtorsdag); 26 holiday, 27-28 weekend,
    29 holiday: Tue 30 Mar.
    """
    d = dl.case_deadlines(D(2027, 3, 4), as_of=D(2027, 3, 4))
    assert d.decision_due == D(2027, 3, 30)


def test_decision_due_four_weeks_when_configured():
    """Report 004 L3996: Blådal's website promises 4 weeks. Mon 8 Mar + 28 = Mon 5 Apr."""
    d = dl.case_deadlines(D(2027, 3, 8), decision_target_weeks=4, as_of=D(2027, 3, 8))
    assert d.decision_due == D(2027, 4, 5)


def test_ten_days_suspension_moves_decision_and_preliminary_reply():
    """Product rule (ADR 0005): stans moves every dependent deadline by the days suspended.

    Received Mon 1 Mar 2027. Without stans: decision Mon 22 Mar, foreløpig svar Thu 1 Apr.
    Stans 3-13 Mar = 10 days: decision Thu 1 Apr; foreløpig svar Sun 11 Apr -> Mon 12 Apr.
    """
    received = D(2027, 3, 1)
    plain = dl.case_deadlines(received, as_of=D(2027, 3, 20))
    assert (plain.decision_due, plain.preliminary_reply_due) == (D(2027, 3, 22), D(2027, 4, 1))
    moved = dl.case_deadlines(received, suspensions=[Suspension(D(2027, 3, 3), D(2027, 3, 13))],
                              as_of=D(2027, 3, 20))
    assert moved.suspended_days == 10
    assert moved.decision_due == D(2027, 4, 1)
    assert moved.preliminary_reply_due == D(2027, 4, 12)
    assert moved.acknowledgement_due == plain.acknowledgement_due


def test_suspension_landing_on_holidays_moves_to_next_working_day():
    """Received Mon 5 Apr 2027; stans 10 days.

    Decision Mon 26 Apr + 10 = Thu 6 May (Kristi himmelfart) -> Fri 7 May.
    Foreløpig svar Wed 5 May + 10 = Sat 15 May; Sun 16; Mon 17 May holiday -> Tue 18 May.
    """
    d = dl.case_deadlines(D(2027, 4, 5), suspensions=[Suspension(D(2027, 4, 6), D(2027, 4, 16))],
                          as_of=D(2027, 4, 20))
    assert d.decision_due == D(2027, 5, 7)
    assert d.preliminary_reply_due == D(2027, 5, 18)


def test_extension_moves_decision_and_preliminary_reply():
    """Forlengelse: received Mon 1 Mar 2027 + 21 + 7 = Mon 29 Mar (2. påskedag) -> Tue 30 Mar;
    foreløpig svar Thu 1 Apr + 7 = Thu 8 Apr."""
    d = dl.case_deadlines(D(2027, 3, 1), extension_days=7, as_of=D(2027, 3, 1))
    assert d.decision_due == D(2027, 3, 30)
    assert d.preliminary_reply_due == D(2027, 4, 8)
    assert d.extension_days == 7


def test_preliminary_reply_one_month_clamped_to_month_end():
    """Forvaltningsloven § 11 a: one month. 31 Jan 2027 -> 28 Feb (Sunday) -> Mon 1 Mar."""
    d = dl.case_deadlines(D(2027, 1, 31), as_of=D(2027, 1, 31))
    assert d.preliminary_reply_due == D(2027, 3, 1)


def test_overdue_lists_passed_deadlines():
    d = dl.case_deadlines(D(2027, 3, 24), as_of=D(2027, 4, 2))
    assert d.overdue(D(2027, 4, 1)) == []
    assert d.overdue(D(2027, 4, 2)) == ["acknowledgement"]
    assert d.overdue(D(2027, 12, 1)) == ["acknowledgement", "preliminary_reply", "decision"]


# --- Suspended days -----------------------------------------------------------------------


def test_overlapping_suspensions_counted_once():
    periods = [Suspension(D(2027, 3, 3), D(2027, 3, 13)),
               Suspension(D(2027, 3, 8), D(2027, 3, 18)),
               Suspension(D(2027, 3, 10), D(2027, 3, 12))]  # nested
    assert dl.suspended_days(periods, D(2027, 4, 1)) == 15  # 3 Mar up to 18 Mar


def test_adjacent_and_empty_suspensions():
    periods = [Suspension(D(2027, 3, 1), D(2027, 3, 5)), Suspension(D(2027, 3, 5), D(2027, 3, 10)),
               Suspension(D(2027, 3, 20), D(2027, 3, 20))]
    assert dl.suspended_days(periods, D(2027, 4, 1)) == 9


def test_open_suspension_counts_up_to_as_of_inclusive():
    open_period = [Suspension(D(2027, 3, 10), None, "venter på legeopplysninger")]
    assert dl.suspended_days(open_period, D(2027, 3, 19)) == 10  # 10..19 March
    assert dl.suspended_days(open_period, D(2027, 3, 10)) == 1
    assert dl.suspended_days(open_period, D(2027, 3, 9)) == 0


def test_suspension_before_receipt_is_ignored_by_case_deadlines():
    d = dl.case_deadlines(D(2027, 3, 1), suspensions=[Suspension(D(2027, 2, 20), D(2027, 3, 3))],
                          as_of=D(2027, 3, 10))
    assert d.suspended_days == 2


def test_suspension_cannot_end_before_it_starts():
    with pytest.raises(ValueError):
        Suspension(D(2027, 3, 10), D(2027, 3, 9))


# --- Klagefrist ---------------------------------------------------------------------------


@pytest.mark.parametrize(("reached", "last_day"), [
    (D(2027, 3, 1), D(2027, 3, 30)),    # Mon 29 Mar (2. påskedag) -> Tue 30 Mar
    (D(2027, 4, 19), D(2027, 5, 18)),   # Mon 17 May -> Tue 18 May
    (D(2026, 11, 27), D(2026, 12, 28)),  # Fri 25 Dec 2026 -> Mon 28 Dec
    (D(2026, 12, 4), D(2027, 1, 4)),    # Fri 1 Jan 2027 -> Mon 4 Jan
    (D(2027, 3, 3), D(2027, 3, 31)),    # Wed 31 Mar: ordinary working day
])
def test_complaint_deadline_four_weeks_to_next_working_day(reached, last_day):
    """Pbrl § 7-5: four weeks; fvl § 30 with domstolloven § 149: to the next working day."""
    assert dl.complaint_deadline(reached) == last_day


def test_complaint_on_last_day_is_in_time():
    reached = D(2026, 11, 27)
    assert not dl.complaint_is_late(reached, D(2026, 12, 28))
    assert dl.complaint_is_late(reached, D(2026, 12, 29))


# --- Months, revision, renewal ------------------------------------------------------------


@pytest.mark.parametrize(("day", "months", "expected"), [
    (D(2027, 1, 31), 1, D(2027, 2, 28)),
    (D(2028, 1, 31), 1, D(2028, 2, 29)),
    (D(2027, 3, 31), -1, D(2027, 2, 28)),
    (D(2027, 11, 15), 3, D(2028, 2, 15)),
    (D(2027, 1, 15), -13, D(2025, 12, 15)),
    (D(2027, 5, 17), 0, D(2027, 5, 17)),
])
def test_add_months_clamps_to_month_end(day, months, expected):
    assert dl.add_months(day, months) == expected


def test_revision_due_six_months_by_default():
    """MISSION.md step 10: revurdering after 6 months, configurable per service."""
    assert dl.revision_due(D(2027, 8, 31)) == D(2028, 2, 29)
    assert dl.revision_due(D(2027, 3, 1), months=3) == D(2027, 6, 1)


def test_renewal_flag_two_months_before_end():
    """MISSION.md step 10: flag 2 months before a time-limited decision expires."""
    assert dl.renewal_flag_date(D(2027, 4, 30)) == D(2027, 2, 28)
    assert dl.renewal_flag_date(D(2027, 6, 15), months_before=1) == D(2027, 5, 15)


# --- Properties ---------------------------------------------------------------------------


@FAST
@given(dates, st.integers(min_value=1, max_value=60))
def test_add_working_days_lands_on_working_day_and_inverts(day, n):
    due = dl.add_working_days(day, n)
    assert dl.is_working_day(due)
    assert due > day
    assert dl.working_days_between(day, due) == n


@FAST
@given(dates, st.lists(st.tuples(st.integers(0, 60), st.integers(0, 30) | st.none()),
                       max_size=4),
       st.integers(0, 30), st.integers(0, 120))
def test_suspension_and_extension_never_make_deadlines_earlier(received, periods, ext, later):
    as_of = received + dt.timedelta(days=later)
    suspensions = [Suspension(received + dt.timedelta(days=offset),
                              None if length is None
                              else received + dt.timedelta(days=offset + length))
                   for offset, length in periods]
    plain = dl.case_deadlines(received, as_of=as_of)
    moved = dl.case_deadlines(received, suspensions=suspensions, extension_days=ext, as_of=as_of)
    assert moved.acknowledgement_due == plain.acknowledgement_due
    assert moved.decision_due >= plain.decision_due
    assert moved.preliminary_reply_due >= plain.preliminary_reply_due
    for due in (moved.acknowledgement_due, moved.decision_due, moved.preliminary_reply_due):
        assert dl.is_working_day(due)


@FAST
@given(dates, st.integers(0, 60), st.integers(0, 60), st.integers(0, 30), st.integers(0, 30),
       st.sampled_from([3, 4]))
def test_decision_due_monotonic_in_suspension_and_extension(received, s1, s2, e1, e2, weeks):
    s_lo, s_hi = sorted((s1, s2))
    e_lo, e_hi = sorted((e1, e2))
    as_of = received + dt.timedelta(days=100)

    def due(stopped, extension):
        stans = [Suspension(received, received + dt.timedelta(days=stopped))]
        return dl.case_deadlines(received, decision_target_weeks=weeks, suspensions=stans,
                                 extension_days=extension, as_of=as_of)

    low, high = due(s_lo, e_lo), due(s_hi, e_hi)
    assert low.suspended_days == s_lo
    assert low.decision_due <= high.decision_due
    assert low.preliminary_reply_due <= high.preliminary_reply_due
    assert due(s_lo, e_hi).decision_due <= high.decision_due


@FAST
@given(dates)
def test_complaint_deadline_is_working_day_at_least_four_weeks(reached):
    last = dl.complaint_deadline(reached)
    assert dl.is_working_day(last)
    assert last >= reached + dt.timedelta(days=28)
    assert last - reached <= dt.timedelta(days=28 + 6)
    assert not dl.complaint_is_late(reached, last)
    assert dl.complaint_is_late(reached, last + dt.timedelta(days=1))


@FAST
@given(dates, st.integers(min_value=-600, max_value=600))
def test_add_months_lands_in_the_right_month(day, months):
    result = dl.add_months(day, months)
    assert result.year * 12 + result.month == day.year * 12 + day.month + months
    assert result.day == day.day or result.day < day.day  # clamped only downwards
    assert (result.day == day.day) or (result + dt.timedelta(days=1)).day == 1


@FAST
@given(dates, st.lists(st.tuples(st.integers(0, 100), st.integers(0, 40) | st.none()),
                       max_size=5), st.integers(0, 150))
def test_suspended_days_is_union_not_sum(base, periods, as_of_offset):
    as_of = base + dt.timedelta(days=as_of_offset)
    suspensions = [Suspension(base + dt.timedelta(days=offset),
                              None if n is None else base + dt.timedelta(days=offset + n))
                   for offset, n in periods]
    total = dl.suspended_days(suspensions, as_of)
    days = set()
    for s in suspensions:
        stop = s.end if s.end is not None else as_of + dt.timedelta(days=1)
        day = s.start
        while day < stop:
            days.add(day)
            day += dt.timedelta(days=1)
    assert total == len(days)
