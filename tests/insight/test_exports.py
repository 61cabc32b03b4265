"""Key figures as JSON, CSV and Excel (insight/exports)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from typing import NamedTuple

import pytest
from openpyxl import Workbook, load_workbook

from tildel.insight import exports, services
from tildel.insight.facts import Scope
from tildel.rules.indicators.engine import TOTAL, Indicator, Source, Unit, evaluate
from tildel.rules.indicators.facts import Facts

from .conftest import PATHWAY_MONTH, month_key

D = dt.date
EAST, WEST = 1, 2


class Row(NamedTuple):
    day: dt.date
    subject: object
    amount: float = 1.0
    category: str | None = None
    district: int | None = None


def _side(rows):
    def items(facts, timeline):
        for row in rows:
            w = timeline.at(row.day)
            if w is not None:
                yield (w, row, row.subject, row.amount, row.category)
    return items


# Granted in January: 7 of 10 in the east, 1 of 2 in the west; in February 3 of 4 east.
GRANTED = ([Row(D(2024, 1, 3), f"e{i}", district=EAST) for i in range(7)]
           + [Row(D(2024, 1, 4), "w0", district=WEST)]
           + [Row(D(2024, 2, 5), f"e{i}", district=EAST) for i in range(3)])
DECIDED = ([Row(D(2024, 1, 3), f"e{i}", district=EAST) for i in range(10)]
           + [Row(D(2024, 1, 4), f"w{i}", district=WEST) for i in range(2)]
           + [Row(D(2024, 2, 5), f"e{i}", district=EAST) for i in range(4)])
SHARE = Indicator(code="andel-innvilget", name="Andel innvilget", definition="Innvilget / "
                  "avgjort.", unit=Unit.PERCENT, sources=(Source("004", "L1534-1539"),),
                  tables=(), numerator=_side(GRANTED), numerator_name="Innvilget",
                  denominator=_side(DECIDED), denominator_name="Avgjort", topic="Test")


def hand_made(aggregate: bool = False) -> services.Figures:
    """January to March 2024 by district; the data end in February, so March has none."""
    facts = Facts(covers=(D(2024, 1, 1), D(2024, 2, 29)))
    request = services.FigureRequest((SHARE,), D(2024, 1, 1), D(2024, 3, 31), "month",
                                     "district")
    values = evaluate(SHARE, facts, request.windows, "district")
    if aggregate:
        values = [v.suppressed() for v in values]
    return services.Figures(request, {SHARE.code: values}, {EAST: "Øst", WEST: "Vest"}, {},
                            aggregate, facts.covers)


def _pick(data: dict, period: str, group) -> dict:
    (value,) = [v for v in data["indicators"][0]["values"]
                if v["period"] == period and v["group"] == group]
    return value


def test_json_has_code_numerator_and_denominator_per_value_and_the_change():
    data = exports.as_json(hand_made())
    json.dumps(data)  # plain JSON types only
    assert data["request"] == {"from": "2024-01", "to": "2024-03", "period": "month",
                               "by": "district", "indicators": ["andel-innvilget"]}
    assert data["covers"] == {"from": "2024-01-01", "to": "2024-02-29"}
    meta = data["indicators"][0]
    assert meta["unit"]["key"] == "percent"
    assert meta["numerator_name"] == "Innvilget" and meta["denominator_name"] == "Avgjort"
    assert meta["sources"][0]["text"] == "Rapport 004, L1534-1539"
    january = _pick(data, "2024-01", EAST)
    expected = {"indicator": "andel-innvilget", "period_label": "jan 2024", "numerator": 7,
                "denominator": 10, "value": 70.0, "status": "ok", "group_label": "Øst",
                "change": None}
    assert {key: january[key] for key in expected} == expected
    february = _pick(data, "2024-02", EAST)
    assert (february["value"], february["change"]) == (75.0, 5.0)
    assert round(february["change_percent"], 1) == 7.1
    assert _pick(data, "2024-01", TOTAL)["group_label"] == "Hele kommunen"
    march = _pick(data, "2024-03", EAST)
    assert (march["value"], march["status"]) == (None, "no_data")
    assert all({"indicator", "numerator", "denominator"} <= v.keys()
               for v in meta["values"])


def test_csv_has_a_bom_semicolons_and_decimal_commas():
    text = exports.csv_text(hand_made())
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0] == exports.CSV_HEADER
    assert len(rows) == 1 + 3 * 3  # 3 months × (total, east, west)
    east_feb = next(r for r in rows if r[1] == "2024-02" and r[4] == "Øst")
    assert east_feb[7:10] == ["3", "4", "75,0"]
    assert east_feb[12] == "5,0"
    west_jan = next(r for r in rows if r[1] == "2024-01" and r[4] == "Vest")
    assert west_jan[9] == "50,0"


def test_workbook_has_about_sheet_and_one_typed_sheet_per_indicator(tmp_path):
    path = tmp_path / "tall.xlsx"
    exports.write(hand_made(), "xlsx", path)
    book = load_workbook(path)
    assert book.sheetnames == ["Om tallene", "andel-innvilget"]
    about = [c for row in book["Om tallene"].iter_rows(values_only=True) for c in row if c]
    assert "Innvilget / avgjort." in about and "Rapport 004, L1534-1539" in about
    assert exports.SUPPRESSION_NOTE not in about  # not aggregate-only
    sheet = book["andel-innvilget"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Gruppe", "jan 2024", "feb 2024", "mar 2024")
    assert sheet.freeze_panes == "B2"
    by_label = {}
    for row in rows:
        by_label.setdefault(row[0], []).append(row)
    east_value, east_numerator, east_denominator = by_label["Øst"]
    assert east_value[1:] == (70, 75, "Ingen data")
    assert east_numerator[1:3] == (7, 3) and east_denominator[1:3] == (10, 4)
    cell = sheet.cell(next(i for i, r in enumerate(rows, 1) if r[0] == "Øst"), 2)
    assert cell.data_type == "n" and cell.number_format == "0.0"
    assert any(r[0] == "Teller: Innvilget" for r in rows)
    assert any(r[0] == "Nevner: Avgjort" for r in rows)


def test_aggregate_export_hides_small_counts():
    figures = hand_made(aggregate=True)
    west = _pick(exports.as_json(figures), "2024-01", WEST)
    assert (west["numerator"], west["denominator"], west["value"], west["status"]) == (
        None, None, None, "suppressed")
    book = exports.workbook(figures)
    rows = list(book["andel-innvilget"].iter_rows(values_only=True))
    assert next(r for r in rows if r[0] == "Vest")[1] == "Skjult"
    about = [c for row in book["Om tallene"].iter_rows(values_only=True) for c in row if c]
    assert exports.SUPPRESSION_NOTE in about


@pytest.mark.django_db
def test_computed_aggregate_export_suppresses_a_count_of_three(figures_world):
    """The west district has 3 home-nursing users: hidden from aggregate-only readers."""
    w = figures_world
    month = month_key(PATHWAY_MONTH)
    request = services.parse_request("forlop-andel", month, month, "month", "district")
    figures = services.compute(Scope(w.municipality.pk), request, aggregate=True)
    data = exports.as_json(figures)
    west = _pick(data, month, w.west.pk)
    assert west["status"] == "suppressed" and west["denominator"] is None
    # East (6 of 10) is hidden with it: the total (7 of 13) would give West back.
    east = _pick(data, month, w.east.pk)
    assert (east["status"], east["numerator"], east["value"]) == ("suppressed", None, None)
    total = _pick(data, month, "*")
    assert (total["numerator"], total["denominator"]) == (7, 13)
    rows = list(exports.workbook(figures)["forlop-andel"].iter_rows(values_only=True))
    assert next(r for r in rows if r[0] == "Vest")[1] == "Skjult"
    text = exports.csv_text(figures)
    assert ";Vest;" in text and "Skjult" in text


def test_sheet_titles_are_valid_and_unique():
    taken = {"om tallene"}
    assert exports.sheet_title("a" * 40, taken) == "a" * 31
    assert exports.sheet_title("a" * 40, taken) == "a" * 27 + " (2)"
    assert exports.sheet_title("x/y:z?", taken) == "x-y-z-"


class CountingSheet:
    """A worksheet that counts reads of ``max_row`` (openpyxl scans every cell for it)."""

    def __init__(self, sheet):
        object.__setattr__(self, "_sheet", sheet)
        object.__setattr__(self, "reads", {"max_row": 0})

    def __getattr__(self, name):
        if name == "max_row":
            self.reads["max_row"] += 1
        return getattr(self._sheet, name)

    def __setattr__(self, name, value):
        setattr(self._sheet, name, value)

    def __getitem__(self, key):
        return self._sheet[key]


def test_indicator_sheet_counts_its_rows_instead_of_asking_max_row():
    figures = hand_made()
    book = Workbook()
    sheet = CountingSheet(book.active)
    exports._indicator_sheet(sheet, figures, SHARE)
    assert sheet.reads["max_row"] == 0
    reference = exports.workbook(figures)["andel-innvilget"]
    assert list(book.active.iter_rows(values_only=True)) == list(
        reference.iter_rows(values_only=True))
    bold = [c.coordinate for row in book.active.iter_rows() for c in row if c.font.bold]
    assert bold[:2] == ["A1", "B1"] and "A2" in bold  # the header and the block title
