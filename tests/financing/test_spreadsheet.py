"""Reading decided hours per user and month from CSV or Excel (issue: try the level model
before migrating). Every bad input is named by file, row (as the spreadsheet shows it,
header = row 1) and column; nothing is returned from a half-valid file unless the caller
asks to skip bad rows. No database: the reader is plain Python."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from pathlib import Path

import pytest
from openpyxl import Workbook

from tildel.financing.spreadsheet import InputError, read_user_months
from tildel.rules.financing.budget import UserMonth
from tildel.rules.financing.level_model import level_budget

HEADER = "unit,person,month,decided_hours,in_stay,paused"


def write(tmp_path: Path, *rows: str, header: str = HEADER, name="timer.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def problems(path: Path, **options) -> str:
    with pytest.raises(InputError) as error:
        read_user_months(path, **options)
    return str(error.value)


def excel(tmp_path: Path, *rows, name="timer.xlsx") -> Path:
    book = Workbook()
    for row in rows:
        book.active.append(list(row))
    path = tmp_path / name
    book.save(path)
    return path


# Good files


def test_a_good_file_with_semicolons_decimal_commas_and_a_bom(tmp_path):
    path = tmp_path / "timer.csv"
    path.write_bytes("\ufeffunit;person;month;decided_hours\nNord;1;2022-01;19,5\n"
                     "Nord;2;2022-01;20\n".encode())
    result = read_user_months(path)
    assert result.year == 2022
    assert result.skipped == []
    assert result.rows == [UserMonth("Nord", "1", dt.date(2022, 1, 1), D("19.5")),
                           UserMonth("Nord", "2", dt.date(2022, 1, 1), D(20))]


def test_columns_in_any_order_and_case_with_flags_blank_meaning_0(tmp_path):
    path = write(tmp_path, "1, 12.5 ,2022-03,Sør,1,P7", ",7,2022-04, Sør , 1 ,P7",
                 ",7, 2022-05 ,Sør,,P7", header=" Paused ,Decided_Hours,MONTH,Unit,In_Stay,Person")
    assert read_user_months(path).rows == [
        UserMonth("Sør", "P7", dt.date(2022, 3, 1), D("12.5"), in_stay=True, paused=True),
        UserMonth("Sør", "P7", dt.date(2022, 4, 1), D(7), in_stay=True, paused=False),
        UserMonth("Sør", "P7", dt.date(2022, 5, 1), D(7), in_stay=False, paused=False)]


def test_values_are_typed_for_the_rules(tmp_path):
    """Months become the first day of the month; hours a Decimal (no float artefacts)."""
    path = write(tmp_path, "Nord,P1,2022-03,0.1,1,0", "Nord,P1,2022-04,0.2,0,1",
                 "Nord,P1,2022-05,3,,")
    rows = read_user_months(path).rows
    assert [r.month for r in rows] == [dt.date(2022, 3, 1), dt.date(2022, 4, 1),
                                       dt.date(2022, 5, 1)]
    assert sum(r.hours for r in rows) == D("3.3")
    assert [(r.in_stay, r.paused) for r in rows] == [(True, False), (False, True),
                                                     (False, False)]


def test_a_month_may_have_up_to_days_times_24_hours(tmp_path):
    """31 days × 24 = 744 h in January; February 2024 (leap year) has 696 h."""
    path = write(tmp_path, "Nord,1,2022-01,744,0,0", "Nord,1,2024-02,696,0,0")
    assert [r.hours for r in read_user_months(path).rows] == [744, 696]


def test_blank_lines_are_ignored(tmp_path):
    path = write(tmp_path, "Nord,1,2022-01,5,0,0", "", "Nord,2,2022-01,6,0,0", "")
    assert len(read_user_months(path).rows) == 2


def test_the_year_is_given_only_when_the_file_has_one(tmp_path):
    one = write(tmp_path, "Nord,1,2022-01,5,0,0", "Nord,1,2022-12,5,0,0")
    assert read_user_months(one).year == 2022
    two = write(tmp_path, "Nord,1,2021-12,5,0,0", "Nord,1,2022-01,5,0,0", name="to.csv")
    result = read_user_months(two)
    assert result.year is None and len(result.rows) == 2


def test_excel_input_with_date_cells_numbers_and_blank_flags(tmp_path):
    path = excel(tmp_path, ["Person", "Unit", "Month", "Decided_hours", "in_stay"],
                 [1001, "Nord", dt.datetime(2022, 1, 1), 25, None],
                 ["1002", "Nord", "2022-02", 12.5, 1],
                 [None, None, None, None, None])
    result = read_user_months(path)
    assert result.year == 2022
    assert result.rows == [UserMonth("Nord", "1001", dt.date(2022, 1, 1), D(25)),
                           UserMonth("Nord", "1002", dt.date(2022, 2, 1), D("12.5"), True)]


# Refused files: each message names the file, the row and the column


def test_missing_columns_are_named(tmp_path):
    message = problems(write(tmp_path, "Nord,1", header="unit,person"))
    assert message.startswith("timer.csv, rad 1: mangler kolonnene month, decided_hours")


def test_a_column_given_twice_is_refused(tmp_path):
    message = problems(write(tmp_path, "Nord,Sør,1,2022-01,5",
                             header="unit,Unit,person,month,decided_hours"))
    assert "timer.csv, rad 1: kolonne unit står flere ganger" in message


@pytest.mark.parametrize(("row", "expected"), [
    ("Nord,1,2022-01,mange,0,0", "rad 2, kolonne decided_hours: «mange» er ikke et tall"),
    ("Nord,1,2022-01,,0,0", "rad 2, kolonne decided_hours: «» er ikke et tall"),
    ("Nord,1,2022-01,-3,0,0", "rad 2, kolonne decided_hours: -3 timer er negativt"),
    ("Nord,1,2022-13,10,0,0", "rad 2, kolonne month: «2022-13» er ikke en måned (ÅÅÅÅ-MM"),
    ("Nord,1,januar,10,0,0", "rad 2, kolonne month: «januar» er ikke en måned"),
    ("Nord,1,2022-1,10,0,0", "rad 2, kolonne month: «2022-1» er ikke en måned"),
    ("Nord,1,2022-01-15,10,0,0", "rad 2, kolonne month: «2022-01-15» er ikke en måned"),
    ("Nord,1,2022-02,673,0,0", "rad 2, kolonne decided_hours: 673 timer er mer enn måneden "
                               "har (672)"),  # 28 days × 24 h
    ("Nord,1,2022-01,745,0,0", "rad 2, kolonne decided_hours: 745 timer er mer enn måneden "
                               "har (744)"),
    ("Nord,1,2022-01,10,ja,0", "rad 2, kolonne in_stay: «ja» må være 0 eller 1"),
    ("Nord,1,2022-01,10,0,2", "rad 2, kolonne paused: «2» må være 0 eller 1"),
    (",1,2022-01,10,0,0", "rad 2, kolonne unit: enheten mangler"),
    ("Nord,,2022-01,10,0,0", "rad 2, kolonne person: brukeren mangler"),
])
def test_bad_values_are_named_by_file_row_and_column(tmp_path, row, expected):
    message = problems(write(tmp_path, row))
    assert message.startswith("timer.csv: 1 rad med feil; ingenting er beregnet")
    assert f"timer.csv, {expected}" in message


def test_all_problems_of_a_row_on_one_line(tmp_path):
    message = problems(write(tmp_path, "Nord,1,2022-01,5,0,0", "Nord,1,x,-1,ja,0"))
    assert ("timer.csv, rad 3, kolonne month: «x» er ikke en måned (ÅÅÅÅ-MM, f.eks. 2022-01); "
            "kolonne decided_hours: -1 timer er negativt; kolonne in_stay: «ja» må være 0 "
            "eller 1") in message


def test_unknown_unit_only_when_units_are_known(tmp_path):
    path = write(tmp_path, "Nord,1,2022-01,10,0,0", "Sør,2,2022-01,10,0,0")
    assert "rad 3, kolonne unit: ukjent enhet «Sør»" in problems(path, known_units={"Nord"})
    assert len(read_user_months(path).rows) == 2


def test_a_duplicate_row_names_both_rows(tmp_path):
    path = write(tmp_path, "Nord,1,2022-01,10,0,0", "Nord,2,2022-01,10,0,0",
                 "Nord,1,2022-01,12,0,0", "Sør,1,2022-01,12,0,0")  # another unit: fine
    assert "timer.csv, rad 4, samme enhet, bruker og måned som rad 2" in problems(path)


def test_every_problem_is_collected_and_the_message_shows_the_first_20(tmp_path):
    rows = ["Nord,1,2022-01,10,0,0"] + [f"Nord,{i},2022-01,x,0,0" for i in range(2, 27)]
    message = problems(write(tmp_path, *rows))
    assert message.startswith("timer.csv: 25 rader med feil; ingenting er beregnet "
                              "(bruk --skip-bad-rows for å hoppe over dem):")
    assert "rad 3," in message and "rad 22," in message and "rad 23," not in message
    assert message.endswith("… og 5 rader til med feil.")


def test_empty_files_and_other_file_types(tmp_path):
    empty = tmp_path / "tom.csv"
    empty.write_text("", encoding="utf-8")
    assert problems(empty).startswith("tom.csv: filen er tom")
    assert "tom.xlsx: filen er tom" in problems(excel(tmp_path, name="tom.xlsx"))
    assert "timer.csv: ingen gyldige rader" in problems(write(tmp_path))  # a header only
    assert "timer.txt: filen må være .csv eller .xlsx" in problems(
        write(tmp_path, name="timer.txt"))
    assert "timer.xls: filen må være .csv eller .xlsx" in problems(
        write(tmp_path, name="timer.xls"))
    assert "Fant ikke filen" in problems(tmp_path / "borte.csv")


def test_a_file_that_is_not_utf8_is_refused(tmp_path):
    path = tmp_path / "timer.csv"
    path.write_bytes("unit,person,month,decided_hours\nSør,1,2022-01,5\n".encode("latin-1"))
    assert "timer.csv: filen er ikke UTF-8-kodet" in problems(path)


def test_a_broken_excel_file_is_refused(tmp_path):
    path = tmp_path / "timer.xlsx"
    path.write_bytes(b"not a workbook")
    assert "timer.xlsx: kan ikke leses som Excel-fil" in problems(path)


def test_excel_rows_are_numbered_as_excel_shows_them(tmp_path):
    path = excel(tmp_path, ["unit", "person", "month", "decided_hours"],
                 ["Nord", "1", "2022-01", 10], ["Nord", "2", "2022-01", "ti"])
    assert "timer.xlsx, rad 3, kolonne decided_hours: «ti» er ikke et tall" in problems(path)


# Skipping bad rows


def test_skip_bad_rows_computes_from_the_good_rows_only(tmp_path):
    """Person 1 (19 h, base financing) and person 3 (20 h, level 1) are kept; the row
    with «x» hours and the duplicate are left out and listed (report 000 L2067-2069)."""
    path = write(tmp_path, "Nord,1,2022-01,19,0,0", "Nord,2,2022-01,x,0,0",
                 "Nord,3,2022-01,20,0,0", "Nord,1,2022-01,40,0,0")
    result = read_user_months(path, skip_bad_rows=True)
    assert [(r.person, r.hours) for r in result.rows] == [("1", 19), ("3", 20)]
    assert result.skipped == [
        "timer.csv, rad 3, kolonne decided_hours: «x» er ikke et tall",
        "timer.csv, rad 5, samme enhet, bruker og måned som rad 2",
    ]
    good = write(tmp_path, "Nord,1,2022-01,19,0,0", "Nord,3,2022-01,20,0,0", name="god.csv")
    assert (level_budget(result.rows, 2022).total
            == level_budget(read_user_months(good).rows, 2022).total)


def test_a_file_without_a_good_row_is_refused_even_when_skipping(tmp_path):
    message = problems(write(tmp_path, "Nord,1,x,1,0,0", "Nord,2,2022-01,-1,0,0"),
                       skip_bad_rows=True)
    assert message == "timer.csv: ingen gyldige rader (2 hoppet over)."


def test_the_year_of_a_skipping_read_comes_from_the_good_rows(tmp_path):
    path = write(tmp_path, "Nord,1,2022-01,5,0,0", "Nord,1,2023-01,-5,0,0")
    assert read_user_months(path, skip_bad_rows=True).year == 2022
