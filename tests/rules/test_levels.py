"""Level model classification (report 000 §6, L2027-2041; digest 000 §4.2)."""

from decimal import Decimal

import pytest

from tildel.rules.financing.levels import Level, LevelBands, classify


@pytest.mark.parametrize(("hours", "level"), [
    (0, Level.BASE),
    (Decimal("19.5"), Level.BASE),   # "under 20 timer": base financing (3.56 h financed)
    (20, Level.LEVEL_1),
    (Decimal("39.9"), Level.LEVEL_1),
    (40, Level.LEVEL_2),
    (60, Level.LEVEL_3),
    (80, Level.LEVEL_4),
    (100, Level.LEVEL_4),            # focus is "over 100 timer"
    (Decimal("100.5"), Level.FOCUS),
    (400, Level.FOCUS),
])
def test_report_000_band_edges(hours, level):
    assert classify(hours) is level


def test_band_edges_are_a_parameter():
    bands = LevelBands(edges=(Decimal(20), Decimal(30), Decimal(50), Decimal(75), Decimal(100)))
    assert classify(45, bands) is Level.LEVEL_2
    assert classify(45) is Level.LEVEL_2
    assert classify(35, bands) is Level.LEVEL_2
    assert classify(35) is Level.LEVEL_1


def test_bands_must_increase():
    with pytest.raises(ValueError):
        LevelBands(edges=(Decimal(20), Decimal(20), Decimal(50), Decimal(75), Decimal(100)))


def test_negative_hours_are_refused():
    with pytest.raises(ValueError):
        classify(-1)
