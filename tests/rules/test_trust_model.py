"""The trust model's frame (report 000: Friere faglighet) with plain values."""

from decimal import Decimal

from tildel.rules import trust_model as t


def test_decided_hours_per_week_from_the_decision():
    assert t.decided_weekly_hours(Decimal(6), "hours_week") == 6
    # IPLOS: monthly hours are divided by 4, not 4.33 (reference/standards.md).
    assert t.decided_weekly_hours(Decimal(24), "hours_month") == 6
    assert t.decided_weekly_hours(None, "hours_week") is None
    assert t.decided_weekly_hours(Decimal(3), "days") is None


def test_inside_the_frame_up_to_the_decided_hours():
    assert t.outside_frame(Decimal(6), Decimal(6)) == ""
    assert t.outside_frame(Decimal(6), Decimal("2.5")) == ""
    assert t.outside_frame(Decimal(6), None) == ""  # content only, no change of time


def test_more_than_decided_is_outside_and_says_so():
    message = t.outside_frame(Decimal(6), Decimal("6.5"))
    assert "6,5" in message and "endringsmelding" in message
    assert "endringsmelding" in t.outside_frame(None, Decimal(1))
    assert t.outside_frame(Decimal(6), Decimal(-1))
