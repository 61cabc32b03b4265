"""Delivered time rules with plain values (report 004, Blådal, L4049–4095)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tildel.rules import delivered_time as rules
from tildel.rules.delivered_time import BadRow, Interval, LineTerms, VisitRow

OSLO = rules.OSLO
NOW = dt.datetime(2026, 11, 23, 12, 0, tzinfo=OSLO)
COLUMNS = rules.column_positions(["enhet", "person", "start", "slutt", "rolle"])
PERSON = "01018012345"


def parser(**kw):
    return rules.RowParser(COLUMNS, {PERSON: 7}, {"912345678": 3}, NOW, **kw)


def row(start="2026-11-02 08:00", end="2026-11-02 08:30", role="SPL", person=PERSON,
        unit="912345678"):
    return [unit, person, start, end, role]


# -- parsing one row --------------------------------------------------------------------


def test_a_good_row_in_either_date_format():
    iso = parser().parse(row(), 2)
    norwegian = parser().parse(row("02.11.2026 08:00", "02.11.2026 08:30", "sykepleier"), 3)
    assert isinstance(iso, VisitRow) and isinstance(norwegian, VisitRow)
    assert (iso.person_id, iso.unit_id, iso.role) == (7, 3, "SPL")
    assert iso.start == norwegian.start
    assert iso.times()[0] == dt.datetime(2026, 11, 2, 8, 0, tzinfo=OSLO)
    assert rules.minutes(*iso.times()) == 30


@pytest.mark.parametrize(("fields", "reason"), [
    (row(person="01018099999"), "ukjent person"),
    (row(person="0101"), "ugyldig personreferanse (skal være 11 sifre)"),
    (row(unit="999999999"), "ukjent enhet"),
    (row(end="2026-11-02 07:45"), "slutt før start"),
    (row(end="2026-11-02 08:00"), "besøket varer null minutter"),
    (row(end="2026-11-03 09:00"), "besøket varer mer enn 24 timer"),
    (row(start="2.11.2026 8:00"), rules.INVALID_START),
    (row(start="i går"), rules.INVALID_START),
    (row(end="2026-13-02 08:30"), rules.INVALID_END),
    (row(start="2026-11-30 08:00", end="2026-11-30 08:30"), "besøket slutter i framtiden"),
    (row(role="lege"), "ukjent yrkesrolle"),
    (row(role=""), "mangler yrkesrolle"),
    (["912345678", PERSON, "2026-11-02 08:00"], "feil antall kolonner (fant 3, ventet 5)"),
])
def test_each_bad_row_has_a_reason_that_names_no_one(fields, reason):
    result = parser().parse(fields, 9)
    assert result == BadRow(9, reason)
    assert PERSON not in result.reason


def test_empty_rows_are_skipped_and_other_units_are_refused_for_a_unit_importer():
    assert parser().parse(["", "", "", "", ""], 4) is None
    assert parser().parse([""], 4) is None
    own_unit_only = parser(allowed_units=frozenset({99}))
    assert own_unit_only.parse(row(), 5) == BadRow(5, "enheten er ikke din")


def test_header_names_any_order_and_missing_columns():
    assert rules.column_positions(["Slutt", "Fødselsnummer", "Enhet", "Start", "Rolle",
                                   "Ansatt"]) == {
        "unit": 2, "person": 1, "start": 3, "end": 0, "role": 4}
    with pytest.raises(rules.FileProblem, match="Mangler: slutt, rolle"):
        rules.column_positions(["enhet", "person", "start"])


def test_summer_time_is_kept_local():
    summer = rules.parse_time("2026-07-01 08:00")
    winter = rules.parse_time("01.12.2026 08:00")
    assert summer.utcoffset() == dt.timedelta(hours=2)
    assert winter.utcoffset() == dt.timedelta(hours=1)
    # The night summer time ends (25 October 2026): 01:30 is summer time, 03:30 winter.
    night = rules.TimeParser()
    assert night.epoch("2026-10-25 03:30") - night.epoch("2026-10-25 01:30") == 3 * 3600
    assert rules.parse_time("2026-07-01T08:00:30").second == 30


@pytest.mark.parametrize("text", ["2026-02-30 08:00", "2026-01-01 24:00", "2026-01-01 08:60",
                                  "01.01.2026T08:00", "2026/01/01 08:00", "", "x" * 16,
                                  "2026-01-01 8:00", "01-01-2026 08:00"])
def test_not_a_time(text):
    assert rules.TimeParser().epoch(text) is None


# -- overlaps -------------------------------------------------------------------------


def iv(start, end, line=None, key=(1, 1)):
    return Interval(key, start, end, line)


def verdicts(intervals):
    return dict(rules.classify(sorted(intervals, key=lambda i: (
        i.key, i.start, i.line is not None, i.line or 0))))


def test_visits_that_touch_do_not_overlap_but_visits_that_cross_do():
    assert verdicts([iv(800, 830, 2), iv(830, 900, 3)]) == {}
    assert verdicts([iv(800, 830, 2), iv(815, 845, 3)]) == {3: "overlapper et annet besøk "
                                                               "(linje 2)"}


def test_other_persons_and_units_never_overlap():
    assert verdicts([iv(800, 900, 2, (1, 1)), iv(800, 900, 3, (2, 1)),
                     iv(800, 900, 4, (1, 2))]) == {}


def test_a_rerun_is_duplicate_and_the_same_visit_twice_in_a_file_is_bad():
    assert verdicts([iv(800, 830), iv(800, 830, 2)]) == {2: "duplicate"}
    assert verdicts([iv(800, 830, 2), iv(800, 830, 5)]) == {
        5: "samme besøk står også på linje 2"}
    # The verdict on the repeated line is the same on the rerun.
    assert verdicts([iv(800, 830), iv(800, 830, 2), iv(800, 830, 5)]) == {
        2: "duplicate", 5: "samme besøk står også på linje 2"}


def test_stored_visits_stand_and_a_new_row_that_overlaps_them_is_bad():
    assert verdicts([iv(800, 900, 2), iv(830, 930)]) == {2: rules.OVERLAPS_STORED}
    assert verdicts([iv(800, 900), iv(830, 930, 2)]) == {2: rules.OVERLAPS_STORED}


@given(st.lists(st.tuples(st.integers(0, 200), st.integers(1, 60)), max_size=30))
def test_what_the_sweep_accepts_never_overlaps(raw):
    intervals = [iv(s, s + d, line) for line, (s, d) in enumerate(raw, start=2)]
    bad = verdicts(intervals)
    accepted = sorted((i.start, i.end) for i in intervals if i.line not in bad)
    assert all(a[1] <= b[0] for a, b in zip(accepted, accepted[1:], strict=False))


# -- aggregation and the deviation rule ------------------------------------------------


def test_minutes_count_on_the_day_and_week_the_visit_starts():
    night = (dt.datetime(2026, 11, 1, 23, 30), dt.datetime(2026, 11, 2, 0, 30))
    by_day = rules.delivered_by_day([night, (dt.datetime(2026, 11, 1, 8), dt.datetime(
        2026, 11, 1, 8, 20))])
    assert by_day == {dt.date(2026, 11, 1): 80}
    assert rules.week_of(dt.date(2026, 11, 1)) == (2026, 44)  # a Sunday
    assert rules.week_of(dt.date(2026, 11, 2)) == (2026, 45)


def test_each_iso_week_belongs_to_the_month_of_its_thursday():
    assert rules.weeks_in_month(2026, 10) == [(2026, w) for w in (40, 41, 42, 43, 44)]
    assert rules.weeks_in_month(2026, 11) == [(2026, w) for w in (45, 46, 47, 48)]
    # 1 January 2027 is a Friday in week 53 of 2026, whose Thursday is in December.
    assert rules.weeks_in_month(2026, 12)[-1] == (2026, 53)
    assert rules.weeks_in_month(2027, 1)[0] == (2027, 1)


def test_twenty_minutes_decided_two_hours_used_is_flagged():
    """Report 004 L4064–4068: 'her bruker de to timer nå, i stedet for 20 minutter'."""
    assert rules.is_deviation(120, 20)
    assert rules.is_deviation(20, 120)


@pytest.mark.parametrize(("difference", "flagged"), [
    (5, False), (10, False),  # "fem-ti minutter": not a deviation
    (30, False), (60, False),  # up to the threshold: not yet
    (61, True), (90, True),  # "en halvtime til en time" and more
])
def test_report_004_threshold_half_an_hour_to_an_hour_not_five_ten_minutes(difference,
                                                                           flagged):
    """Report 004 L4089–4090: 'Jeg tenker ikke på fem-ti minutter, men hvis det blir en
    halvtime til en time, så bør de gjøre det'. Default threshold: 60 minutes a week."""
    decided = 6 * 60
    assert rules.is_deviation(decided + difference, decided) is flagged
    assert rules.is_deviation(decided - difference, decided) is flagged


def test_threshold_at_the_lower_end_of_the_report_flags_half_an_hour():
    assert rules.is_deviation(6 * 60 + 31, 6 * 60, per_week=30)
    assert not rules.is_deviation(6 * 60 + 30, 6 * 60, per_week=30)


def test_the_threshold_scales_with_the_length_of_the_period():
    assert rules.threshold_for(7) == 60
    assert rules.threshold_for(28) == 240
    assert not rules.is_deviation(240, 0, days_in_period=28)
    assert rules.is_deviation(241, 0, days_in_period=28)


def test_nothing_to_compare_is_no_deviation():
    assert not rules.is_deviation(600, None)


MONDAY = dt.date(2026, 11, 2)


def test_decided_monthly_hours_are_divided_by_four_then_counted_per_day():
    """20 hours a month = 5 hours a week (IPLOS: monthly / 4)."""
    line = LineTerms.of(dt.date(2026, 1, 1), None, Decimal(20), "hours_month")
    week = rules.compare([line], {MONDAY: 300}, MONDAY, MONDAY + dt.timedelta(days=6))
    assert week.decided == week.planned == Decimal(300)
    assert week.deviation == 0 and not week.flagged()
    november = rules.compare([line], {}, dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    assert round(november.decided) == round(Decimal(300) * 30 / 7)


def test_planned_is_the_latest_adjustment_in_force_else_decided():
    line = LineTerms.of(dt.date(2026, 1, 1), None, Decimal(6), "hours_week", [
        (MONDAY + dt.timedelta(days=3), Decimal(4)),  # from Thursday
        (MONDAY + dt.timedelta(days=3), Decimal("3.5")),  # same day, made later: wins
        (MONDAY + dt.timedelta(days=30), Decimal(6)),
    ])
    assert line.planned_on(MONDAY) == 6
    assert line.planned_on(MONDAY + dt.timedelta(days=3)) == Decimal("3.5")
    week = rules.compare([line], {MONDAY: 240}, MONDAY, MONDAY + dt.timedelta(days=6))
    assert week.decided == 360
    assert week.planned == Decimal(60) / 7 * (3 * 6 + 4 * Decimal("3.5"))
    assert not week.flagged()  # 240 delivered, about 274 planned


def test_a_line_that_starts_mid_week_counts_only_its_days():
    line = LineTerms.of(MONDAY + dt.timedelta(days=4), None, Decimal(7), "hours_week")
    week = rules.compare([line], {}, MONDAY, MONDAY + dt.timedelta(days=6))
    assert week.decided == 180  # Friday to Sunday: 3 days × 60 minutes
    every_day = {MONDAY + dt.timedelta(days=d): 30 for d in range(7)}
    assert rules.days_without_line([line], every_day, MONDAY, MONDAY + dt.timedelta(days=6)
                                   ) == [MONDAY + dt.timedelta(days=d) for d in (0, 1, 2, 3)]
    # Days with no minutes, outside the period or covered otherwise are not counted.
    assert rules.days_without_line([line], {**every_day, MONDAY: 0}, MONDAY + dt.timedelta(
        days=1), MONDAY + dt.timedelta(days=6), covered={MONDAY + dt.timedelta(days=2)}) == [
        MONDAY + dt.timedelta(days=d) for d in (1, 3)]


def test_a_line_over_the_whole_period_leaves_no_day_without_a_decision_but_one_day_short_does():
    """Hjelp uten vedtak (report 004): the line's first and last day are in force."""
    sunday = MONDAY + dt.timedelta(days=6)
    every_day = {MONDAY + dt.timedelta(days=d): 30 for d in range(7)}
    exact = LineTerms.of(MONDAY, sunday, Decimal(7), "hours_week")
    assert rules.days_without_line([exact], every_day, MONDAY, sunday) == []
    short = LineTerms.of(MONDAY, sunday - dt.timedelta(days=1), Decimal(7), "hours_week")
    late = LineTerms.of(MONDAY + dt.timedelta(days=1), None, Decimal(7), "hours_week")
    assert rules.days_without_line([short], every_day, MONDAY, sunday) == [sunday]
    assert rules.days_without_line([late], every_day, MONDAY, sunday) == [MONDAY]
    assert rules.days_without_line([short, late], every_day, MONDAY, sunday) == []


def test_no_hours_decided_gives_no_comparison():
    alarm = LineTerms.of(dt.date(2026, 1, 1), None, None, "none")
    week = rules.compare([alarm], {MONDAY: 45}, MONDAY, MONDAY + dt.timedelta(days=6))
    assert week.decided is None and week.deviation is None and not week.flagged()


def test_hours_are_shown_with_a_decimal_comma():
    assert rules.hours_text(90) == "1,5"
    assert rules.hours_text(Decimal(-100)) == "−1,7"
    assert rules.hours_text(None) == "–"


_day = st.dates(min_value=dt.date(2025, 12, 1), max_value=dt.date(2026, 3, 31))
_hours = st.decimals(min_value=0, max_value=60, places=2)


@st.composite
def _line(draw):
    start = draw(_day)
    end = draw(st.none() | _day.filter(lambda d: d >= start))
    planned = draw(st.lists(st.tuples(_day, _hours), max_size=4))
    decided = draw(st.none() | _hours)
    return LineTerms(start, end, decided, tuple(sorted(planned, key=lambda p: p[0])))


@settings(max_examples=300, deadline=None)
@given(lines=st.lists(_line(), max_size=3), first=_day, length=st.integers(0, 40),
       visits=st.dictionaries(_day, st.integers(0, 600), max_size=30))
def test_comparison_counts_each_day_as_its_definition_says_300_cases(lines, first, length,
                                                                    visits):
    """The comparison sums the decided and planned hours of each day the line is in force
    (planned: the latest adjustment on or before the day, else the decided hours) and the
    minutes delivered on the days of the period, whatever shortcut computes it."""
    last = first + dt.timedelta(days=length)
    decided = planned = Decimal(0)
    has_hours = False
    for n in range(length + 1):
        day = first + dt.timedelta(days=n)
        for line in lines:
            if line.decided_weekly is not None and line.in_force(day):
                has_hours = True
                decided += line.decided_weekly
                planned += line.planned_on(day) or Decimal(0)
    result = rules.compare(lines, visits, first, last)
    assert result.days == length + 1
    assert result.delivered == sum(m for d, m in visits.items() if first <= d <= last)
    if has_hours:
        assert result.decided == decided * 60 / 7 and result.planned == planned * 60 / 7
    else:
        assert result.decided is None and result.planned is None
