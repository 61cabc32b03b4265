"""A budget as JSON, CSV or Excel, and several budgets side by side as one workbook.

Amounts are written as strings in JSON (exact øre, no binary floats: ``"5506189.73"``), with
a decimal comma in CSV (semicolon-separated, as Norwegian Excel reads it) and as numbers
with a number format in Excel. The person-to-category map (``UnitBudget.persons``) is never
exported.

``workbook`` is the comparison the simulator downloads: one row per unit, a column per
budget and the difference of each to the first, then each budget's table and explanation.
"""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from tildel.rules.financing.budget import Budget
from tildel.rules.financing.levels import LEVELS_IN_ORDER

MONEY = '#,##0.00" kr"'  # Excel shows the separators of the reader's locale: 1 234,56 kr
HOURS = '#,##0.00'
FINANCED_HOURS = "Finansierte timer per måned"
ZERO = Decimal("0.00")


def as_dict(budget: Budget) -> dict:
    return {
        "model": budget.model, "year": budget.year, "tertial": budget.tertial,
        "parameters": budget.parameters, "total": str(budget.total),
        "held_back": {k: str(v) for k, v in budget.held_back.items()},
        "lines": budget.lines,
        "units": [{"unit": ub.unit, "users": ub.users,
                   "financed_hours_per_month": str(round(ub.financed_hours, 2)),
                   "parts": {k: str(v) for k, v in ub.parts.items()},
                   "total": str(ub.total), "lines": ub.lines}
                  for _, ub in sorted(budget.units.items())],
    }


def _columns(budget: Budget) -> tuple[list[str], list[str]]:
    categories = [level.label for level in LEVELS_IN_ORDER]
    for ub in budget.units.values():
        categories += [c for c in ub.users if c not in categories]
    parts = []
    for ub in budget.units.values():
        parts += [p for p in ub.parts if p not in parts]
    used = [c for c in categories if any(c in ub.users for ub in budget.units.values())]
    return used, parts


def table(budget: Budget) -> list[list]:
    """Header and one row per unit: users per category, financed hours, parts, total."""
    categories, parts = _columns(budget)
    rows = [["Enhet", *categories, FINANCED_HOURS, *parts, "Sum"]]
    for name, ub in sorted(budget.units.items()):
        rows.append([name, *(ub.users.get(c, 0) for c in categories),
                     round(ub.financed_hours, 2),
                     *(ub.parts.get(p, ZERO) for p in parts), ub.total])
    return rows


def _sheet(sheet, rows: list[list]) -> None:
    """Rows on a sheet: bold, frozen header; kr format on amounts, hours with 2 decimals."""
    for row in rows:
        sheet.append([float(v) if isinstance(v, Decimal) else v for v in row])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "B2"
    for index, header in enumerate(rows[0], start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(12, min(45, len(str(header)) + 4))
        if index > 1 and rows[1:] and isinstance(rows[1][index - 1], Decimal):
            number_format = HOURS if header == FINANCED_HOURS else MONEY
            for cell in sheet[letter][1:]:
                cell.number_format = number_format


def _explanation(workbook: Workbook, budget: Budget, title: str = "Forklaring") -> None:
    sheet = workbook.create_sheet(title[:31])
    sheet.append(["Enhet", "Forklaring"])
    sheet["A1"].font = sheet["B1"].font = Font(bold=True)
    for line in budget.lines:
        sheet.append(["", line])
    for name, ub in sorted(budget.units.items()):
        for line in ub.lines:
            sheet.append([name, line])
    sheet.column_dimensions["A"].width = 40
    sheet.column_dimensions["B"].width = 120


def write(budget: Budget, fmt: str, target) -> None:
    """Write ``budget`` as ``fmt`` (json, csv or xlsx) to a path, or for JSON and CSV to a
    text stream with ``write`` (the command passes its stdout)."""
    if fmt == "xlsx":
        if not isinstance(target, str | Path):
            raise ValueError("Excel må skrives til en fil.")
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = "Budsjett"
        _sheet(sheet, table(budget))
        _explanation(workbook, budget)
        workbook.save(target)
        return
    if isinstance(target, str | Path):
        # A CSV file gets a byte-order mark so that Excel reads it as UTF-8 (Sør, not SÃ¸r).
        encoding = "utf-8-sig" if fmt == "csv" else "utf-8"
        with Path(target).open("w", encoding=encoding, newline="") as stream:
            return write(budget, fmt, stream)
    if fmt == "json":
        target.write(json.dumps(as_dict(budget), ensure_ascii=False, indent=2) + "\n")
    elif fmt == "csv":
        writer = csv.writer(target, delimiter=";", lineterminator="\n")
        for row in table(budget):
            writer.writerow([str(v).replace(".", ",") if isinstance(v, Decimal) else v
                             for v in row])
    else:
        raise ValueError(f"ukjent format {fmt}")


def workbook(budgets: list[tuple[str, Budget]]) -> Workbook:
    """Budgets side by side: one row per unit, a column per budget and the difference of
    each to the first; then each budget's own table and explanation."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Sammenligning"
    names = sorted(set().union(*(b.units for _, b in budgets)))
    header = ["Enhet"] + [label for label, _ in budgets] + [
        f"Endring: {label}" for label, _ in budgets[1:]]
    rows = [header]
    for name in names:
        totals = [b.units[name].total if name in b.units else ZERO for _, b in budgets]
        rows.append([name, *totals, *(t - totals[0] for t in totals[1:])])
    sums = [b.total for _, b in budgets]
    rows.append(["Sum", *sums, *(s - sums[0] for s in sums[1:])])
    _sheet(sheet, rows)
    for index, (_label, budget) in enumerate(budgets, start=1):
        _sheet(book.create_sheet(f"Modell {index}"), table(budget))
        _explanation(book, budget, f"Forklaring {index}")
    return book
