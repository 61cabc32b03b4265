"""Read decided hours per user and month from a spreadsheet (CSV or Excel).

So a municipality can try the level model on its own numbers before migrating: one row per
user and month with ``unit, person, month (YYYY-MM), decided_hours`` and optional
``in_stay`` and ``paused`` (0/1). Every problem is named by file, row and column; nothing is
computed from a half-valid file unless the user asks to skip bad rows (docs/financing.md).
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from tildel.financing.data import gc_paused
from tildel.rules.financing.budget import UserMonth

REQUIRED = ("unit", "person", "month", "decided_hours")
OPTIONAL = ("in_stay", "paused")
SHOWN_PROBLEMS = 20
FLAGS = {"": False, "0": False, "1": True}


class InputError(ValueError):
    """The file cannot be used; the message names file, row and column."""


@dataclass
class ReadResult:
    rows: list[UserMonth]
    year: int | None  # None when the file spans several years
    skipped: list[str] = field(default_factory=list)


def _csv_rows(path: Path) -> Iterator[list[str]]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(f"{path.name}: filen er ikke UTF-8-kodet.") from error
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    return csv.reader(io.StringIO(text), delimiter=delimiter)


def _xlsx_rows(path: Path) -> Iterator[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises several kinds for a broken file
        raise InputError(f"{path.name}: kan ikke leses som Excel-fil ({error}).") from error
    sheet = workbook.worksheets[0]
    for values in sheet.iter_rows(values_only=True):
        yield ["" if v is None else (v.strftime("%Y-%m") if isinstance(v, dt.datetime)
                                     else str(v)) for v in values]
    workbook.close()


def _month(text: str, cache: dict) -> dt.date | None:
    found = cache.get(text, False)
    if found is False:
        found = None
        parts = text.split("-")
        if len(parts) == 2 and len(parts[0]) == 4 and parts[0].isdigit() and parts[1].isdigit():
            try:
                found = dt.date(int(parts[0]), int(parts[1]), 1)
            except ValueError:
                found = None
        cache[text] = found
    return found


def _hours(text: str) -> Decimal | None:
    try:
        value = Decimal(text.replace(",", ".")) if text else None
    except InvalidOperation:
        return None
    return value if value is not None and value.is_finite() else None


def _limit(month: dt.date, limits: dict) -> int:
    """Hours a month has: days × 24."""
    limit = limits.get(month)
    if limit is None:
        limit = limits[month] = 24 * calendar.monthrange(month.year, month.month)[1]
    return limit


def _row_problems(unit, person, month, month_text, hours, hours_text, stay_text,
                  paused_text, known_units, duplicate_of, limits) -> list[str]:
    """Why a row was refused, one message per column (the slow path, bad rows only)."""
    found = []
    if not unit:
        found.append("kolonne unit: enheten mangler")
    elif known_units is not None and unit not in known_units:
        found.append(f"kolonne unit: ukjent enhet «{unit}»")
    if not person:
        found.append("kolonne person: brukeren mangler")
    if month is None:
        found.append(f"kolonne month: «{month_text}» er ikke en måned (ÅÅÅÅ-MM)")
    if hours is None:
        found.append(f"kolonne decided_hours: «{hours_text}» er ikke et tall")
    elif hours < 0:
        found.append(f"kolonne decided_hours: {hours_text} timer er negativt")
    elif month is not None and hours > _limit(month, limits):
        found.append(f"kolonne decided_hours: {hours_text} timer er mer enn måneden har "
                     f"({_limit(month, limits)})")
    for column, value in (("in_stay", stay_text), ("paused", paused_text)):
        if value not in FLAGS:
            found.append(f"kolonne {column}: «{value}» må være 0 eller 1")
    if not found and duplicate_of is not None:
        found.append(f"samme enhet, bruker og måned som rad {duplicate_of}")
    return found


def read_user_months(path: Path, known_units: set[str] | None = None,
                     skip_bad_rows: bool = False) -> ReadResult:
    """Rows of the file as ``UserMonth``; raises ``InputError`` listing every problem."""
    suffix = path.suffix.lower()
    if not path.is_file():
        raise InputError(f"Fant ikke filen {path}.")
    if suffix not in (".csv", ".xlsx"):
        raise InputError(f"{path.name}: filen må være .csv eller .xlsx.")
    with gc_paused():
        return _read(path, _csv_rows(path) if suffix == ".csv" else _xlsx_rows(path),
                     known_units, skip_bad_rows)


def _read(path: Path, source, known_units, skip_bad_rows) -> ReadResult:
    name = path.name
    header = next(iter(source), None)
    if header is None or not any(cell.strip() for cell in header):
        raise InputError(f"{name}: filen er tom.")
    columns = [cell.strip().lower() for cell in header]
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise InputError(f"{name}, rad 1: mangler kolonne {', '.join(missing)} "
                         f"(påkrevd: {', '.join(REQUIRED)}).")
    at = {c: columns.index(c) for c in REQUIRED + OPTIONAL if c in columns}
    unit_at, person_at, month_at, hours_at = (at[c] for c in REQUIRED)
    stay_at, paused_at = at.get("in_stay"), at.get("paused")
    width = max(at.values()) + 1
    months: dict[str, dt.date | None] = {}
    limits: dict[dt.date, int] = {}
    numbers: dict[str, Decimal | None] = {}  # the same few hour values repeat: parse once
    seen: dict[tuple[str, str, dt.date], int] = {}
    rows, problems = [], []
    make = tuple.__new__
    for number, cells in enumerate(source, start=2):
        if len(cells) < width:
            if not any(c.strip() for c in cells):
                continue
            cells = cells + [""] * (width - len(cells))
        unit, person = cells[unit_at].strip(), cells[person_at].strip()
        month_text, hours_text = cells[month_at].strip(), cells[hours_at].strip()
        stay_text = cells[stay_at].strip() if stay_at is not None else ""
        paused_text = cells[paused_at].strip() if paused_at is not None else ""
        month = _month(month_text, months)
        hours = numbers.get(hours_text, False)
        if hours is False:
            hours = numbers[hours_text] = _hours(hours_text)
        in_stay, paused = FLAGS.get(stay_text), FLAGS.get(paused_text)
        key = (unit, person, month)
        if (unit and person and month is not None and hours is not None and hours >= 0
                and in_stay is not None and paused is not None and key not in seen
                and (known_units is None or unit in known_units)
                and hours <= _limit(month, limits)):
            seen[key] = number
            rows.append(make(UserMonth, (unit, person, month, hours, in_stay, paused)))
            continue
        problems.extend(f"{name}, rad {number}, {p}" for p in _row_problems(
            unit, person, month, month_text, hours, hours_text, stay_text, paused_text,
            known_units, seen.get(key), limits))
    if problems and not skip_bad_rows:
        shown = "\n".join(problems[:SHOWN_PROBLEMS])
        more = len(problems) - SHOWN_PROBLEMS
        tail = f"\n… og {more} feil til." if more > 0 else ""
        raise InputError(f"{len(problems)} feil i {name}; ingenting er beregnet "
                         f"(bruk --skip-bad-rows for å hoppe over dem):\n{shown}{tail}")
    if not rows:
        raise InputError(f"{name}: ingen gyldige rader.")
    years = {month.year for month in {row.month for row in rows}}
    return ReadResult(rows, years.pop() if len(years) == 1 else None,
                      problems if skip_bad_rows else [])
