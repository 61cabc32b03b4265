"""``tildel budget levels --input FILE`` (issue: try the level model before migrating):
the analyst runs the command on the example file and gets per-unit budgets as JSON, CSV or
Excel; a half-valid file or a bad config computes nothing. The spreadsheet path needs no
database."""

from __future__ import annotations

import io
import json
from decimal import Decimal as D
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from tildel.financing import export
from tildel.financing.spreadsheet import read_user_months
from tildel.rules.financing.level_model import LevelParameters, level_budget

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "budget-levels.csv"
UNITS = {"Hjemmetjenesten Nord", "Hjemmetjenesten Sør", "Miljøtjenesten"}


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("budget", "levels", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def year_file(tmp_path: Path, *users: tuple[str, str, int], year=2022, name="timer.csv",
              extra: tuple[str, ...] = ()) -> Path:
    """Twelve months of the same decided hours for each (unit, person, hours)."""
    lines = ["unit,person,month,decided_hours"]
    lines += [f"{unit},{person},{year}-{month:02d},{hours}" for unit, person, hours in users
              for month in range(1, 13)]
    path = tmp_path / name
    path.write_text("\n".join([*lines, *extra]) + "\n", encoding="utf-8")
    return path


def test_the_example_file_gives_per_unit_budgets_as_json():
    """The analyst's walk-through (issue: done when). Base financing is 3.56 × 799 × 12 =
    34 133,28 kr a year per user (report 000 L2067-2069)."""
    out, _ = run("--input", str(EXAMPLE), "--format", "json")
    result = json.loads(out)
    assert (result["model"], result["year"], result["tertial"]) == ("levels", 2022, 1)
    assert result["parameters"]["rate"] == "799"
    units = {u["unit"]: u for u in result["units"]}
    assert set(units) == UNITS
    north = units["Hjemmetjenesten Nord"]
    assert north["users"]["Fokus"] == 1  # B007, 130 h a month
    assert north["users"]["Grunnfinansiering"] == 5  # 5 × 34 133,28 kr:
    assert "Grunnfinansiering: 5 brukere × 3,56 t × 799 kr × 12 = 170 666,40 kr" in north["lines"]
    assert "Fokus over nivå 4 (fra generell del)" in north["parts"]
    # Amounts are strings, exact to the øre; the units add up to the total.
    assert north["total"] == str(D(north["total"]).quantize(D("0.01")))
    assert D(result["total"]) == sum(D(u["total"]) for u in result["units"])
    assert D(result["held_back"]["Buffer"]) > 0
    # Who is on which level is not exported.
    assert all("persons" not in unit for unit in result["units"])
    # Every user with hours in January is counted once.
    january = {(r.unit, r.person) for r in read_user_months(EXAMPLE).rows
               if r.month.month == 1 and r.hours > 0}
    assert sum(sum(u["users"].values()) for u in result["units"]) == len(january)


def test_19_hours_is_base_financing_and_20_hours_level_1(tmp_path):
    """19 h: 3.56 × 799 × 12 = 34 133,28 kr; 20 h: 30 × 799 × 12 = 287 640 kr a year
    (report 000 L2067-2069); the general part adds 26/74 of the user part."""
    path = year_file(tmp_path, ("Nord", "A", 19), ("Nord", "B", 20))
    unit = json.loads(run("--input", str(path))[0])["units"][0]
    assert unit["users"]["Grunnfinansiering"] == 1 and unit["users"]["Nivå 1"] == 1
    assert "Grunnfinansiering: 1 bruker × 3,56 t × 799 kr × 12 = 34 133,28 kr" in unit["lines"]
    assert "Nivå 1: 1 bruker × 30 t × 799 kr × 12 = 287 640,00 kr" in unit["lines"]
    assert unit["parts"] == {"Brukerrettet del": "321773.28", "Generell del": "113055.48"}
    assert unit["total"] == "434828.76"
    assert unit["financed_hours_per_month"] == "33.56"


def test_excel_output_reads_back_with_the_right_totals(tmp_path):
    expected = json.loads(run("--input", str(EXAMPLE))[0])
    out = tmp_path / "budsjett.xlsx"
    _, err = run("--input", str(EXAMPLE), "--out", str(out))
    assert "3 enheter" in err and f"Skrevet til {out}" in err
    book = load_workbook(out)
    assert book.sheetnames == ["Budsjett", "Forklaring"]
    sheet = book["Budsjett"]
    header, *rows = list(sheet.iter_rows(values_only=True))
    assert header[0] == "Enhet" and header[-1] == "Sum"
    totals = {row[0]: D(str(row[-1])) for row in rows}
    assert totals == {u["unit"]: D(u["total"]) for u in expected["units"]}
    hours = header.index("Finansierte timer per måned")
    assert {row[0]: row[hours] for row in rows}["Hjemmetjenesten Nord"] == float(
        next(u for u in expected["units"]
             if u["unit"] == "Hjemmetjenesten Nord")["financed_hours_per_month"])
    assert sheet["A1"].font.bold and sheet.freeze_panes == "B2"
    assert sheet.cell(2, len(header)).number_format == '#,##0.00" kr"'
    assert sheet.cell(2, hours + 1).number_format == "#,##0.00"
    explained = list(book["Forklaring"].iter_rows(values_only=True))
    assert explained[0] == ("Enhet", "Forklaring")
    assert ("Hjemmetjenesten Sør", next(u for u in expected["units"]
                                        if u["unit"] == "Hjemmetjenesten Sør")["lines"][0]) \
        in explained


def test_csv_output_to_stdout_and_to_a_file(tmp_path):
    out, _ = run("--input", str(EXAMPLE), "--format", "csv")
    header, *rows = [line.split(";") for line in out.strip().splitlines()]
    assert header[:2] == ["Enhet", "Grunnfinansiering"] and header[-1] == "Sum"
    assert {row[0] for row in rows} == UNITS
    assert all("," in row[-1] for row in rows)  # decimal comma
    path = tmp_path / "budsjett.csv"
    run("--input", str(EXAMPLE), "--out", str(path))
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # so Excel reads Sør, not SÃ¸r
    assert data.decode("utf-8-sig") == out


@pytest.mark.parametrize(("args", "expected"), [
    (("--format", "xlsx"), "Excel må skrives til fil: bruk --out FIL.xlsx."),
    (("--out", "budsjett.txt"), "filtypen må være .json, .csv eller .xlsx."),
    (("--format", "csv", "--out", "budsjett.xlsx"), "--format csv passer ikke til --out"),
])
def test_output_options_that_do_not_fit_are_refused(tmp_path, args, expected):
    args = tuple(str(tmp_path / a) if a.startswith("budsjett") else a for a in args)
    with pytest.raises(CommandError, match=expected):
        run("--input", str(EXAMPLE), *args)


def test_a_half_valid_file_computes_nothing(tmp_path):
    path = year_file(tmp_path, ("Nord", "A", 19), extra=("Nord,B,2022-01,mange",))
    out = tmp_path / "budsjett.json"
    with pytest.raises(CommandError, match="timer.csv, rad 14, kolonne decided_hours: "
                                           "«mange» er ikke et tall"):
        run("--input", str(path), "--out", str(out))
    assert not out.exists()


def test_skip_bad_rows_lists_them_and_computes_from_the_good_rows(tmp_path):
    path = year_file(tmp_path, ("Nord", "A", 19), ("Nord", "B", 20),
                     extra=("Nord,C,2022-01,-4", "Nord,D,2022-13,50"))
    out, err = run("--input", str(path), "--skip-bad-rows")
    assert "Hoppet over: timer.csv, rad 26, kolonne decided_hours: -4 timer er negativt" in err
    assert "Hoppet over: timer.csv, rad 27, kolonne month: «2022-13»" in err
    assert json.loads(out)["units"][0]["total"] == "434828.76"  # as with A and B only


def test_a_file_over_several_years_needs_year(tmp_path):
    path = year_file(tmp_path, ("Nord", "A", 19), extra=("Nord,A,2023-01,20",))
    with pytest.raises(CommandError, match=r"timer.csv har måneder fra flere år \(2022, 2023\), "
                                           r"og budsjettet gjelder ett år: velg år med --year"):
        run("--input", str(path))
    unit = json.loads(run("--input", str(path), "--year", "2023")[0])["units"][0]
    assert unit["users"]["Nivå 1"] == 1  # January 2023 only
    with pytest.raises(CommandError, match="timer.csv har ingen rader for 2021."):
        run("--input", str(path), "--year", "2021")


def test_config_units_make_other_units_an_error(tmp_path):
    config = tmp_path / "model.toml"
    config.write_text('units = ["Nord"]\n', encoding="utf-8")
    path = year_file(tmp_path, ("Nord", "A", 19), ("Sør", "B", 20))
    with pytest.raises(CommandError, match="timer.csv, rad 14, kolonne unit: ukjent enhet «Sør»"):
        run("--input", str(path), "--config", str(config))


def test_config_with_overlapping_bands_is_refused_naming_bands(tmp_path):
    config = tmp_path / "model.toml"
    config.write_text("bands = [[20, 40], [35, 60], [60, 80], [80, 100]]\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"model.toml: bands\[1\]: Nivå 2 \(35–60\) "
                                           r"overlapper nivå 1"):
        run("--input", str(EXAMPLE), "--config", str(config))


def test_config_changes_the_numbers(tmp_path):
    config = tmp_path / "model.toml"
    config.write_text("rate = 850\nedges = [19, 40, 60, 80, 100]\n", encoding="utf-8")
    path = year_file(tmp_path, ("Nord", "A", 19))
    unit = json.loads(run("--input", str(path), "--config", str(config))[0])["units"][0]
    assert unit["lines"][0] == "Nivå 1: 1 bruker × 30 t × 850 kr × 12 = 306 000,00 kr"


def test_input_is_for_the_level_model_only():
    with pytest.raises(CommandError, match="--input gjelder bare nivåmodellen"):
        call_command("budget", "abi", "--input", str(EXAMPLE))


def test_comparison_workbook_puts_budgets_side_by_side(tmp_path):
    """The simulator's download: a column per budget and the difference to the first."""
    path = year_file(tmp_path, ("Nord", "A", 19), ("Sør", "B", 20))
    rows = read_user_months(path).rows
    now = level_budget(rows, 2022)
    dearer = level_budget(rows, 2022, params=LevelParameters(rate=D(850)))
    book = export.workbook([("Nå", now), ("Sats 850", dearer)])
    assert book.sheetnames == ["Sammenligning", "Modell 1", "Forklaring 1", "Modell 2",
                               "Forklaring 2"]
    table = list(book["Sammenligning"].iter_rows(values_only=True))
    assert table[0] == ("Enhet", "Nå", "Sats 850", "Endring: Sats 850")
    for name, first, second, change in table[1:]:
        budget_now = now.total if name == "Sum" else now.units[name].total
        budget_dearer = dearer.total if name == "Sum" else dearer.units[name].total
        assert (first, second) == (float(budget_now), float(budget_dearer))
        assert change == pytest.approx(float(budget_dearer - budget_now))
    assert [row[0] for row in table[1:]] == ["Nord", "Sør", "Sum"]
