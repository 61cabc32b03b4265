"""Key figures as JSON, CSV or Excel, for the dashboard downloads and ``tildel figures``.

Every value is exported with its numerator and denominator so a reader can check it. What
a reader may see is decided before this module (``services.compute(aggregate=...)``): a
suppressed value arrives here as ``Status.SUPPRESSED`` without numbers and stays so.

- JSON: the request, when it was computed, which days the data cover, and per indicator its
  definition, sources and values (each with numerator, denominator, status and the change
  from the previous period of the same group and category).
- CSV: one row per value, semicolon-separated with decimal commas and a byte-order mark,
  as Norwegian Excel reads it (as ``financing.export`` does).
- Excel: ``workbook``; see its docstring.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from tildel.rules.indicators import GROUPINGS, PERIOD_KINDS
from tildel.rules.indicators.engine import Indicator, Status, Unit, Value, change

from .services import Figures

FORMATS = ("json", "csv", "xlsx")
CONTENT_TYPES = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
DECIMALS = {Unit.PERCENT: 1, Unit.PER_HUNDRED: 1, Unit.PER_THOUSAND: 1, Unit.HOURS: 1,
            Unit.DAYS: 1, Unit.COUNT: 0, Unit.RATIO: 2, Unit.KRONER: 0}
NO_DATA = "Ingen data"
HIDDEN = "Skjult"
SUPPRESSION_NOTE = ("Tall der teller eller nevner gjelder 1–4 personer eller saker er skjult "
                    "(«Skjult»), slik SSB gjør, så ingen kan kjennes igjen. 0 vises.")
CSV_HEADER = ["Indikator", "Periode", "Periodenavn", "Gruppe-id", "Gruppe", "Kategori",
              "Kategorinavn", "Teller", "Nevner", "Verdi", "Enhet", "Status", "Endring",
              "Endring %"]
INVALID_SHEET_CHARACTERS = str.maketrans({c: "-" for c in "[]:*?/\\"})


# -- plain values ----------------------------------------------------------------------------

def number_text(value: float, places: int) -> str:
    """Norwegian notation: decimal comma, a no-break space between thousands, a real minus
    sign, and no "−0,0"."""
    value = round(value, places) or 0.0
    text = f"{value:,.{places}f}"
    return text.replace(",", "\u00a0").replace(".", ",").replace("-", "−")


def rounded(unit: Unit, number: float | None, decimals: int | None = None) -> float | int | None:
    """A value rounded for reading: shares and hours to 0.1, ratios to 0.01, counts whole."""
    if number is None:
        return None
    places = DECIMALS.get(unit, 2) if decimals is None else decimals
    return int(round(number)) if places == 0 else round(number, places)


def _side(number: float | None, mode: str) -> float | int | None:
    """A numerator or denominator: a whole number when it counts, else two decimals."""
    if number is None:
        return None
    if mode == "count" or float(number).is_integer():
        return int(round(number))
    return round(number, 2)


def cell_text(value: Value) -> str:
    """What stands in place of a number that is not shown."""
    if value.status is Status.NO_DATA:
        return NO_DATA
    if value.status is Status.SUPPRESSED:
        return HIDDEN
    return value.status.label


def _previous(values: list[Value]) -> dict[int, Value | None]:
    """For each value (by id), the value of the period before with the same group and
    category (None in the first period)."""
    order = {}
    for v in values:
        order.setdefault(v.window.key, len(order))
    keys = list(order)
    index = {(v.window.key, v.group, v.category): v for v in values}
    result = {}
    for v in values:
        at = order[v.window.key]
        result[id(v)] = index.get((keys[at - 1], v.group, v.category)) if at else None
    return result


def value_dict(figures: Figures, value: Value, before: Value | None) -> dict:
    indicator = value.indicator
    ok = value.status is Status.OK
    difference, percent = change(before, value) if ok else (None, None)
    return {
        "indicator": indicator.code,
        "period": value.window.key,
        "period_label": value.window.label,
        "group": value.group,
        "group_label": figures.label(value.group),
        "category": value.category,
        "category_label": figures.category_label(indicator, value.category),
        "numerator": _side(value.numerator, indicator.numerator_mode),
        "denominator": _side(value.denominator, indicator.denominator_mode)
        if indicator.denominator is not None else None,
        "value": rounded(indicator.unit, value.value) if ok else None,
        "status": value.status.key,
        "status_label": value.status.label,
        "change": rounded(indicator.unit, difference),
        "change_percent": rounded(indicator.unit, percent, 1),
    }


def _values(figures: Figures, code: str) -> list[dict]:
    values = figures.values[code]
    previous = _previous(values)
    return [value_dict(figures, v, previous[id(v)]) for v in values]


def indicator_dict(indicator: Indicator) -> dict:
    return {
        "code": indicator.code,
        "name": indicator.name,
        "topic": indicator.topic,
        "definition": indicator.definition,
        "unit": {"key": indicator.unit.key, "label": indicator.unit.label,
                 "scale": indicator.unit.scale},
        "sources": [{"report": s.report, "lines": s.lines, "note": s.note, "text": str(s)}
                    for s in indicator.sources],
        "numerator_name": indicator.numerator_name,
        "denominator_name": indicator.denominator_name or None,
    }


def request_dict(figures: Figures) -> dict:
    request = figures.request
    return {"from": f"{request.first:%Y-%m}", "to": f"{request.last:%Y-%m}",
            "period": request.period, "by": request.by,
            "indicators": [i.code for i in request.indicators]}


def as_json(figures: Figures) -> dict:
    """Everything needed to read and check the figures, as plain JSON types."""
    first, last = figures.covers
    return {
        "request": request_dict(figures),
        "computed_at": figures.computed_at.isoformat(),
        "stored": figures.stored,  # from the nightly run (insight.store), not computed now
        "covers": {"from": first.isoformat(), "to": last.isoformat()},
        "aggregate_only": figures.aggregate_only,
        "suppression": SUPPRESSION_NOTE if figures.aggregate_only else None,
        "indicators": [{**indicator_dict(i), "values": _values(figures, i.code)}
                       for i in figures.request.indicators],
    }


# -- CSV -------------------------------------------------------------------------------------

def _comma(number) -> str:
    if number is None:
        return ""
    return str(number).replace(".", ",")


def csv_rows(figures: Figures) -> list[list[str]]:
    rows = [CSV_HEADER]
    for indicator in figures.request.indicators:
        for v in _values(figures, indicator.code):
            rows.append([
                v["indicator"], v["period"], v["period_label"],
                "" if v["group"] is None else str(v["group"]), v["group_label"],
                v["category"] or "", v["category_label"], _comma(v["numerator"]),
                _comma(v["denominator"]), _comma(v["value"]), indicator.unit.label,
                v["status_label"] or "OK", _comma(v["change"]), _comma(v["change_percent"])])
    return rows


def csv_text(figures: Figures) -> str:
    """One row per value; ';' between fields, decimal commas and a UTF-8 byte-order mark so
    that Norwegian Excel opens it with æøå intact."""
    out = io.StringIO()
    out.write("\ufeff")
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(csv_rows(figures))
    return out.getvalue()


# -- Excel -----------------------------------------------------------------------------------

def number_format(indicator: Indicator) -> str:
    places = DECIMALS.get(indicator.unit, 2)
    return "0" if places == 0 else "0." + "0" * places


def side_format(mode: str) -> str:
    return "#,##0" if mode == "count" else "#,##0.00"


def sheet_title(code: str, taken: set[str]) -> str:
    """A valid, unique sheet name (at most 31 characters, none of []:*?/\\)."""
    base = code.translate(INVALID_SHEET_CHARACTERS).strip("'")[:31] or "Indikator"
    title, n = base, 2
    while title.lower() in taken:
        suffix = f" ({n})"
        title, n = base[:31 - len(suffix)] + suffix, n + 1
    taken.add(title.lower())
    return title


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%d.%m.%Y kl. %H.%M")


def _about(sheet, figures: Figures) -> None:
    request = figures.request
    first, last = figures.covers
    bold = Font(bold=True)
    sheet.append(["Nøkkeltall"])
    sheet["A1"].font = Font(bold=True, size=14)
    rows = [
        ("Fra måned", f"{request.first:%Y-%m}"),
        ("Til måned", f"{request.last:%Y-%m}"),
        ("Periode", PERIOD_KINDS.get(request.period, request.period)),
        ("Gruppering", GROUPINGS.get(request.by, request.by)),
        ("Beregnet", _local(figures.computed_at)),
        ("Data fra og med", first.strftime("%d.%m.%Y")),
        ("Data til og med", last.strftime("%d.%m.%Y")),
    ]
    if figures.aggregate_only:
        rows.append(("Skjulte tall", SUPPRESSION_NOTE))
    rows += [
        ("Ark", "Ett ark per indikator, med koden som navn. Øverst verdiene (én rad per "
                "gruppe og kategori, én kolonne per periode), under dem telleren og "
                "nevneren i samme oppsett, så verdien kan regnes ut igjen: teller / nevner "
                "× skala (skala 100 for prosent og per 100, 1000 for per 1 000, ellers 1)."),
        ("Uten tall", f"«{NO_DATA}»: perioden er utenfor dataene eller har ingen saker. "
                      f"«{HIDDEN}»: færre enn 5 i teller eller nevner."),
    ]
    for label, text in rows:
        sheet.append([label, text])
        sheet.cell(sheet.max_row, 1).font = bold
    sheet.append([])
    header = ["Kode", "Navn", "Tema", "Enhet", "Skala", "Definisjon", "Teller", "Nevner",
              "Kilde"]
    sheet.append(header)
    for cell in sheet[sheet.max_row]:
        cell.font = bold
    for i in request.indicators:
        sheet.append([i.code, i.name, i.topic, i.unit.label, i.unit.scale, i.definition,
                      i.numerator_name, i.denominator_name or "", i.source_text])
    for letter, width in zip("ABCDEFGHI", (26, 45, 24, 10, 7, 70, 28, 28, 45), strict=True):
        sheet.column_dimensions[letter].width = width
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def _indicator_sheet(sheet, figures: Figures, indicator: Indicator) -> None:
    values = figures.values[indicator.code]
    # Periods and rows in first-seen order, found by key (not by searching a list), and the
    # row number counted here: openpyxl's ``max_row`` scans every cell each time it is read.
    by_key = {}
    for v in values:
        by_key.setdefault(v.window.key, v.window)
    column = {key: i for i, key in enumerate(by_key)}
    periods = list(by_key.values())
    categorised = any(v.category is not None for v in values)
    rows: dict[tuple, list[Value | None]] = {}
    for v in values:
        rows.setdefault((v.group, v.category), [None] * len(periods))[column[v.window.key]] = v
    lead = ["Gruppe", "Kategori"] if categorised else ["Gruppe"]
    width = len(lead)
    bold = Font(bold=True)
    at = 0  # the last row written

    def append(cells: list) -> int:
        nonlocal at
        sheet.append(cells)
        at += 1
        return at

    def block(title: str, pick, fmt: str) -> None:
        sheet.cell(append([title]), 1).font = bold
        for (group, category), cells in rows.items():
            label = [figures.label(group)]
            if categorised:
                label.append(figures.category_label(indicator, category))
            row = append(label + [pick(v) for v in cells])
            for i in range(len(periods)):
                cell = sheet.cell(row, width + 1 + i)
                if isinstance(cell.value, int | float):
                    cell.number_format = fmt

    for cell in sheet[append(lead + [w.label for w in periods])]:
        cell.font = bold
    unit = "" if indicator.unit is Unit.COUNT else f" ({indicator.unit.label})"
    block(f"{indicator.name}{unit}",
          lambda v: v.value if v is not None and v.status is Status.OK
          else (cell_text(v) if v is not None else NO_DATA),
          number_format(indicator))

    def side(name: str, mode: str, attr: str) -> None:
        append([])
        block(f"{name}: {getattr(indicator, name_attr[attr])}",
              lambda v: getattr(v, attr) if v is not None and v.status in (
                  Status.OK, Status.ZERO_DENOMINATOR) and getattr(v, attr) is not None
              else (cell_text(v) if v is not None else NO_DATA),
              side_format(mode))

    name_attr = {"numerator": "numerator_name", "denominator": "denominator_name"}
    side("Teller", indicator.numerator_mode, "numerator")
    if indicator.denominator is not None:
        side("Nevner", indicator.denominator_mode, "denominator")
    sheet.freeze_panes = sheet.cell(2, width + 1).coordinate
    labels = [figures.label(g) for g, _ in rows] + [indicator.name[:40]]
    sheet.column_dimensions["A"].width = max(14, min(45, max(map(len, labels)) + 2))
    if categorised:
        cats = [figures.category_label(indicator, c) for _, c in rows]
        sheet.column_dimensions["B"].width = max(12, min(40, max(map(len, cats)) + 2))
    for i, w in enumerate(periods):
        sheet.column_dimensions[get_column_letter(width + 1 + i)].width = max(11, len(w.label)
                                                                              + 2)


def workbook(figures: Figures) -> Workbook:
    """The figures as a workbook an auditor can check.

    First sheet «Om tallene»: the request, when it was computed, the data period, the
    suppression note for aggregate-only readers and each indicator's definition and source.
    Then one sheet per indicator, named by its code: a header row of periods, then the
    values (one row per group × category, numbers as numbers with a number format; «Ingen
    data» and «Skjult» as text), and below them, in the same layout, the numerator
    («Teller») and the denominator («Nevner»), so each value can be recomputed as
    teller / nevner × skala. Panes are frozen below the header and right of the labels.
    """
    book = Workbook()
    about = book.active
    about.title = "Om tallene"
    _about(about, figures)
    taken = {"om tallene"}
    for indicator in figures.request.indicators:
        sheet = book.create_sheet(sheet_title(indicator.code, taken))
        _indicator_sheet(sheet, figures, indicator)
    return book


# -- writing ---------------------------------------------------------------------------------

def write(figures: Figures, fmt: str, target) -> None:
    """Write ``figures`` as ``fmt`` (json, csv or xlsx) to a path or a stream.

    A stream gets text for JSON and CSV (``write(str)``; the command passes its stdout) and
    bytes for Excel (``write(bytes)``, e.g. a BytesIO or an HttpResponse).
    """
    if fmt not in FORMATS:
        raise ValueError(f"ukjent format {fmt}")
    if fmt == "xlsx":
        buffer = io.BytesIO()
        workbook(figures).save(buffer)
        data = buffer.getvalue()
        if isinstance(target, str | Path):
            Path(target).write_bytes(data)
        else:
            target.write(data)
        return
    text = (json.dumps(as_json(figures), ensure_ascii=False, indent=2) + "\n"
            if fmt == "json" else csv_text(figures))
    if isinstance(target, str | Path):
        with Path(target).open("w", encoding="utf-8", newline="") as stream:
            stream.write(text)
    else:
        target.write(text)


def filename(figures: Figures, fmt: str) -> str:
    """A download name without personal data: nokkeltall-2024-01-2024-12-district.xlsx."""
    request = figures.request
    return f"nokkeltall-{request.first:%Y-%m}-{request.last:%Y-%m}-{request.by}.{fmt}"


def export_response(figures: Figures, fmt: str) -> HttpResponse:
    """The figures as a download (for the dashboard)."""
    response = HttpResponse(content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename(figures, fmt)}"'
    write(figures, fmt, response)
    return response
