"""Inhabitants and staffing come from outside Tildel: the imports refuse a bad file as a
whole, naming row and column, and a rerun replaces the numbers instead of doubling them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from tildel.insight.models import Population, UnitStaffing


def _write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_population_import_by_district_name_or_number_and_rerun(world, tmp_path):
    text = (f"year;district;age_band;inhabitants\n2024;{world.east.name};80+;1 500\n"
            f"2024;{world.west.number};67-79;4000\n2024;;80+;3100\n")
    path = _write(tmp_path, "innbyggere.csv", text)
    call_command("import_population", path)
    call_command("import_population", path)  # rerun: replaced, not doubled
    assert Population.objects.count() == 3
    assert Population.objects.get(district=world.east, year=2024).inhabitants == 1500
    assert Population.objects.get(district__isnull=True).inhabitants == 3100


def test_a_bad_population_file_imports_nothing_and_names_row_and_column(world, tmp_path):
    text = (f"year,district,age_band,inhabitants\n2024,{world.east.name},80+,1500\n"
            "2024,Atlantis,80+,10\n2024,,90+,10\n20x4,,80+,10\n2024,,80+,-3\n")
    with pytest.raises(CommandError) as error:
        call_command("import_population", _write(tmp_path, "feil.csv", text))
    message = str(error.value)
    for part in ("4 feil, ingenting er importert", "rad 3, kolonne district",
                 "rad 4, kolonne age_band", "rad 5, kolonne year",
                 "rad 6, kolonne inhabitants"):
        assert part in message
    assert not Population.objects.exists()


def test_staffing_import_and_its_errors(world, tmp_path):
    good = (f"unit;month;rostered_hours;fte;one_to_one_measures\n"
            f"{world.east_unit.name};2024-03;1 625,5;10,0;4\n")
    call_command("import_population", _write(tmp_path, "turnus.csv", good), "--staffing")
    row = UnitStaffing.objects.get()
    assert (row.month, row.rostered_hours, row.one_to_one_measures) == (
        dt.date(2024, 3, 1), Decimal("1625.50"), 4)
    bad = ("unit;month;rostered_hours;fte;one_to_one_measures\n"
           "Ukjent;2024-03;1;1;1\n"
           f"{world.east_unit.name};mars;1;1;1\n"
           f"{world.east_unit.name};2024-04;mange;1;1,5\n")
    with pytest.raises(CommandError) as error:
        call_command("import_population", _write(tmp_path, "t.csv", bad), "--staffing")
    assert "rad 2, kolonne unit" in str(error.value)
    assert "rad 3, kolonne month" in str(error.value)
    assert "rad 4, kolonne rostered_hours" in str(error.value)
    assert "rad 4, kolonne one_to_one_measures" in str(error.value)
    assert UnitStaffing.objects.count() == 1


def test_a_file_without_the_columns_is_refused(world, tmp_path):
    with pytest.raises(CommandError, match="mangler kolonne inhabitants"):
        call_command("import_population", _write(tmp_path, "x.csv", "year;district;age_band\n"))
