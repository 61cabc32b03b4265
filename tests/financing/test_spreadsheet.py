"""The level model on a spreadsheet (issue: try before migrating): every bad input named by
file, row and column, and nothing computed from a half-valid file unless asked."""

import json
from decimal import Decimal as D
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook

from tildel.financing.config import ConfigError, load_parameters
from tildel.financing.spreadsheet import InputError, read_user_months

HEADER = "unit,person,month,decided_hours,in_stay,paused"
EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "budget-levels.csv"


def write(tmp_path: Path, *rows: str, header: str = HEADER, name="timer.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def problems(path: Path, **options) -> str:
    with pytest.raises(InputError) as error:
        read_user_months(path, **options)
    return str(error.value)


def test_a_good_file_with_semicolons_decimal_commas_and_a_bom(tmp_path):
    path = tmp_path / "timer.csv"
    path.write_bytes("\ufeffunit;person;month;decided_hours\nNord;1;2022-01;19,5\n"
                     "Nord;2;2022-01;20\n".encode())
    result = read_user_months(path)
    assert result.year == 2022
    assert [(r.person, r.hours) for r in result.rows] == [("1", D("19.5")), ("2", D(20))]


def test_missing_column_is_named(tmp_path):
    message = problems(write(tmp_path, "Nord,1,2022-01", header="unit,person,month"))
    assert "timer.csv, rad 1" in message and "decided_hours" in message


@pytest.mark.parametrize(("row", "expected"), [
    ("Nord,1,2022-01,mange,0,0", "rad 2, kolonne decided_hours: «mange» er ikke et tall"),
    ("Nord,1,2022-01,-3,0,0", "rad 2, kolonne decided_hours: -3 timer er negativt"),
    ("Nord,1,2022-13,10,0,0", "rad 2, kolonne month: «2022-13» er ikke en måned"),
    ("Nord,1,januar,10,0,0", "rad 2, kolonne month: «januar» er ikke en måned"),
    ("Nord,1,2022-02,673,0,0", "mer enn måneden har (672)"),  # 28 days × 24 h
    ("Nord,1,2022-01,10,ja,0", "rad 2, kolonne in_stay: «ja» må være 0 eller 1"),
])
def test_bad_values_are_named_by_row_and_column(tmp_path, row, expected):
    assert expected in problems(write(tmp_path, row))


def test_unknown_unit_and_duplicate_rows(tmp_path):
    path = write(tmp_path, "Nord,1,2022-01,10,0,0", "Sør,2,2022-01,10,0,0",
                 "Nord,1,2022-01,12,0,0")
    message = problems(path, known_units={"Nord"})
    assert "rad 3, kolonne unit: ukjent enhet «Sør»" in message
    assert "rad 4, samme enhet, bruker og måned som rad 2" in message
    assert "ingenting er beregnet" in message


def test_skip_bad_rows_computes_from_the_good_rows_only(tmp_path):
    path = write(tmp_path, "Nord,1,2022-01,19,0,0", "Nord,2,2022-01,x,0,0",
                 "Nord,3,2022-01,20,0,0")
    result = read_user_months(path, skip_bad_rows=True)
    assert [r.person for r in result.rows] == ["1", "3"]
    assert len(result.skipped) == 1 and "rad 3" in result.skipped[0]


def test_empty_file_and_wrong_type(tmp_path):
    empty = tmp_path / "tom.csv"
    empty.write_text("", encoding="utf-8")
    assert "filen er tom" in problems(empty)
    assert "må være .csv eller .xlsx" in problems(write(tmp_path, name="timer.txt"))
    assert "ingen gyldige rader" in problems(write(tmp_path, "Nord,1,x,1,0,0"),
                                             skip_bad_rows=True)


def test_excel_input(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["Unit", "Person", "Month", "Decided_hours"])
    sheet.append(["Nord", "1", "2022-01", 25])
    path = tmp_path / "timer.xlsx"
    book.save(path)
    assert read_user_months(path).rows[0].hours == 25


def test_command_prints_per_unit_budgets_as_json_for_the_example_file(capsys):
    """The analyst's walk-through: the example file to JSON per unit. Base financing is
    3.56 × 799 × 12 = 34 133,28 kr a year (report 000 L2067-2069)."""
    call_command("budget", "levels", "--input", str(EXAMPLE), "--format", "json")
    result = json.loads(capsys.readouterr().out)
    assert result["year"] == 2022
    units = {u["unit"]: u for u in result["units"]}
    assert set(units) == {"Hjemmetjenesten Nord", "Hjemmetjenesten Sør", "Miljøtjenesten"}
    north = units["Hjemmetjenesten Nord"]
    assert north["users"]["Fokus"] == 1  # B007, 130 h
    base_users = north["users"]["Grunnfinansiering"]
    assert f"Grunnfinansiering: {base_users} brukere × 3,56 t × 799 kr × 12" in \
        "\n".join(north["lines"])
    assert "persons" not in north
    assert D(result["total"]) == sum(D(u["total"]) for u in result["units"])


def test_command_writes_excel_and_csv(tmp_path):
    out = tmp_path / "budsjett.xlsx"
    call_command("budget", "levels", "--input", str(EXAMPLE), "--out", str(out))
    sheet = load_workbook(out)["Budsjett"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Enhet" and rows[0][-1] == "Sum"
    assert {r[0] for r in rows[1:]} == {"Hjemmetjenesten Nord", "Hjemmetjenesten Sør",
                                        "Miljøtjenesten"}
    csv_out = tmp_path / "budsjett.csv"
    call_command("budget", "levels", "--input", str(EXAMPLE), "--out", str(csv_out))
    assert csv_out.read_text(encoding="utf-8").startswith("Enhet;Grunnfinansiering")


def test_command_refuses_a_half_valid_file(tmp_path):
    path = write(tmp_path, "Nord,1,2022-01,10,0,0", "Nord,2,2022-01,x,0,0")
    with pytest.raises(CommandError, match="rad 3, kolonne decided_hours"):
        call_command("budget", "levels", "--input", str(path))


def test_config_with_overlapping_or_gapped_bands_is_refused(tmp_path):
    config = tmp_path / "model.toml"
    config.write_text("bands = [[20, 40], [35, 60], [60, 80], [80, 100]]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"bands\[1\].*overlapper"):
        load_parameters(config)
    config.write_text("bands = [[20, 40], [45, 60], [60, 80], [80, 100]]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"bands\[1\].*hull"):
        load_parameters(config)
    with pytest.raises(CommandError, match="bands"):
        call_command("budget", "levels", "--input", str(EXAMPLE), "--config", str(config))


@pytest.mark.parametrize(("text", "expected"), [
    ("rate = 'mye'\n", "rate må være et tall"),
    ("general_share = 26\n", "general_share: generell andel"),
    ("colour = 'blå'\n", "ukjent parameter colour"),
    ("financed_hours = [30, 50]\n", "financed_hours må være en liste med 4 tall"),
    ("rate = \n", "ikke gyldig TOML"),
])
def test_config_errors_name_the_parameter(tmp_path, text, expected):
    config = tmp_path / "model.toml"
    config.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=expected):
        load_parameters(config)


def test_config_changes_the_numbers(tmp_path):
    config = tmp_path / "model.toml"
    config.write_text("rate = 850\nedges = [15, 40, 60, 80, 100]\n", encoding="utf-8")
    params = load_parameters(config)
    assert params.rate == 850 and params.bands.edges[0] == 15
    assert params.base_hours == D("3.56")
