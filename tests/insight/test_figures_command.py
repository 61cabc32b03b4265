"""``tildel figures``: exports for the whole municipality from the command line."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from tildel.__main__ import main
from tildel.organisation.models import Municipality
from tildel.rules.indicators import INDICATORS

from .conftest import PATHWAY_MONTH, THIS_MONTH, month_key

FIRST, LAST = month_key(PATHWAY_MONTH), month_key(THIS_MONTH)


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("figures", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_the_example_writes_one_sheet_per_indicator(figures_world, tmp_path):
    path = tmp_path / "x.xlsx"
    out, err = run("--from", FIRST, "--to", LAST, "--by", "district", "--format", "xlsx",
                   "--out", str(path))
    assert out == ""
    assert "Skrevet til" in err and str(path) in err
    book = load_workbook(path)
    assert book.sheetnames == ["Om tallene", *(i.code for i in INDICATORS)]
    rows = list(book["forlop-andel"].iter_rows(values_only=True))
    east = next(r for r in rows if r[0] == "Øst")
    assert east[1] == 60  # 6 of the 10 east users, as a number
    assert isinstance(east[1], int | float)


@pytest.mark.django_db
def test_json_and_csv_go_to_stdout(figures_world):
    out, _ = run("--from", FIRST, "--to", FIRST, "--indicators", "forlop-andel,klager",
                 "--format", "json")
    data = json.loads(out)
    assert [i["code"] for i in data["indicators"]] == ["forlop-andel", "klager"]
    assert data["request"]["by"] == "district"
    out, _ = run("--from", FIRST, "--to", FIRST, "--indicators", "forlop-andel",
                 "--format", "csv", "--aggregate")
    rows = list(csv.reader(io.StringIO(out.lstrip("\ufeff")), delimiter=";"))
    west = next(r for r in rows if r[4] == "Vest")
    assert west[9] == "" and west[11].startswith("Skjult")


@pytest.mark.django_db
def test_csv_file_has_the_byte_order_mark(figures_world, tmp_path):
    path = tmp_path / "tall.csv"
    run("--from", FIRST, "--to", FIRST, "--indicators", "forlop-andel", "--out", str(path))
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")


@pytest.mark.parametrize(("args", "message"), [
    (["--from", "2024-01", "--to", "2024-02", "--indicators", "finnes-ikke"],
     "Ukjent indikator «finnes-ikke»"),
    (["--from", "2024-05", "--to", "2024-02"], "Til-måneden er før fra-måneden"),
    (["--from", "2024-13", "--to", "2024-12"], "«2024-13» er ikke en måned"),
    (["--from", "2024-01", "--to", "2024-02", "--by", "bydel"], "Ukjent gruppering «bydel»"),
    (["--from", "2024-01", "--to", "2024-02", "--period", "uke"], "Ukjent periodetype"),
    (["--from", "2024-01"], "Oppgi periode med --from"),
    (["--from", "2024-01", "--to", "2024-02", "--format", "xlsx"], "Excel må skrives til fil"),
    (["--from", "2024-01", "--to", "2024-02", "--format", "pdf"], "Ukjent format «pdf»"),
    (["--monthly-report", "2024-01"], "Månedsrapporten må skrives til fil"),
])
def test_bad_input_is_a_norwegian_command_error(args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)


@pytest.mark.django_db
def test_an_unknown_municipality(world):
    with pytest.raises(CommandError, match="Fant ingen kommune med kommunenummer «9999»"):
        run("--from", "2024-01", "--to", "2024-02", "--municipality", "9999")


@pytest.mark.django_db
def test_no_municipality_at_all():
    with pytest.raises(CommandError, match="Fant ingen kommune"):
        run("--from", "2024-01", "--to", "2024-02")


@pytest.mark.django_db
def test_several_municipalities_need_a_choice(world):
    Municipality.objects.create(number="0301", name="Oslo")
    with pytest.raises(CommandError, match="Det finnes flere kommuner"):
        run("--from", "2024-01", "--to", "2024-02")
    out, _ = run("--from", "2024-01", "--to", "2024-01", "--municipality", "1103",
                 "--indicators", "klager")
    assert json.loads(out)["indicators"][0]["code"] == "klager"


def test_from_the_shell_bad_input_exits_non_zero_without_a_traceback(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["figures", "--from", "2024-13", "--to", "2024-12", "--format", "csv"])
    assert exit_info.value.code != 0
    err = capsys.readouterr().err
    assert "«2024-13» er ikke en måned på formen ÅÅÅÅ-MM" in err
    assert "Traceback" not in err
