"""Read decided hours per user and month from a spreadsheet (CSV or Excel).

So a municipality can try the level model on its own numbers before migrating: one row per
user and month with ``unit, person, month (YYYY-MM), decided_hours`` and optional
``in_stay`` and ``paused`` (0/1). Every problem is named by file, row and column; nothing is
computed from a half-valid file unless the user asks to skip bad rows (docs/financing.md).

No Django here: the reader runs before (and without) a database. It is on the path of the
720,000-row benchmark (bench/financing_bench.py, < 5 s with the budget), so the row loop
parses each distinct month and hour text once (dict caches) and builds the rows without
keyword handling; the per-column messages are only worked out for rows that fail.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from tildel.financing.textfiles import UnreadableLine, csv_rows, gc_paused
from tildel.rules.financing.budget import UserMonth

REQUIRED = ("unit", "person", "month", "decided_hours")
OPTIONAL = ("in_stay", "paused")
SHOWN_PROBLEMS = 20
FLAGS = {"": False, "0": False, "1": True}
FEWEST_HOURS = 28 * 24  # every month has at least this many hours


class InputError(ValueError):
    """The file cannot be used; the message names file, row and column."""


@dataclass
class ReadResult:
    rows: list[UserMonth]
    year: int | None  # None when the file spans several years: the caller picks one
    skipped: list[str] = field(default_factory=list)  # one line per row left out


def _csv_rows(path: Path) -> Iterator[list[str]]:
    try:
        return csv_rows(path.read_bytes())
    except UnicodeDecodeError as error:
        raise InputError(f"{path.name}: filen er ikke UTF-8-kodet (lagre som «CSV UTF-8»)."
                         ) from error


def _cell(value) -> str:
    """An Excel cell as the text a CSV would hold: a date cell is its month, a whole
    number has no ".0", TRUE/FALSE are 1/0."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, dt.date):  # datetime too: Excel dates come back as datetime
        return value.strftime("%Y-%m")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _xlsx_rows(path: Path) -> Iterator[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises several kinds for a broken file
        raise InputError(f"{path.name}: kan ikke leses som Excel-fil ({error}).") from error
    try:
        for values in workbook.worksheets[0].iter_rows(values_only=True):
            yield [_cell(value) for value in values]
    except Exception as error:  # a damaged sheet inside a readable workbook, likewise
        raise InputError(f"{path.name}: kan ikke leses som Excel-fil ({error}).") from error
    finally:
        workbook.close()


def _month(text: str) -> dt.date | None:
    """``YYYY-MM`` as the first day of the month, else None."""
    year, dash, month = text.partition("-")
    if not (dash and len(year) == 4 and len(month) == 2 and year.isdigit()
            and month.isdigit()):
        return None
    try:
        return dt.date(int(year), int(month), 1)
    except ValueError:
        return None


def _hours(text: str) -> Decimal | None:
    """Decided hours, "12.5" or "12,5"; None when not a finite number."""
    try:
        value = Decimal(text.replace(",", ".")) if text else None
    except InvalidOperation:
        return None
    return value if value is not None and value.is_finite() else None


def _hours_in(month: dt.date) -> int:
    """Hours a month has: days × 24."""
    return 24 * calendar.monthrange(month.year, month.month)[1]


def _row_problems(unit, person, month, month_text, hours, hours_text, stay_text,
                  paused_text, known_units, duplicate_of) -> list[str]:
    """Why a row was refused, one message per column (the slow path, bad rows only)."""
    found = []
    if not unit:
        found.append("kolonne unit: enheten mangler")
    elif known_units is not None and unit not in known_units:
        found.append(f"kolonne unit: ukjent enhet «{unit}» (ikke i units i konfigurasjonen)")
    if not person:
        found.append("kolonne person: brukeren mangler")
    if month is None:
        found.append(f"kolonne month: «{month_text}» er ikke en måned (ÅÅÅÅ-MM, f.eks. 2022-01)")
    if hours is None:
        found.append(f"kolonne decided_hours: «{hours_text}» er ikke et tall")
    elif hours < 0:
        found.append(f"kolonne decided_hours: {hours_text} timer er negativt")
    elif month is not None and hours > _hours_in(month):
        found.append(f"kolonne decided_hours: {hours_text} timer er mer enn måneden har "
                     f"({_hours_in(month)})")
    for column, value in (("in_stay", stay_text), ("paused", paused_text)):
        if value not in FLAGS:
            found.append(f"kolonne {column}: «{value}» må være 0 eller 1")
    if not found and duplicate_of is not None:
        found.append(f"samme enhet, bruker og måned som rad {duplicate_of}")
    return found


def read_user_months(path: Path, known_units: set[str] | None = None,
                     skip_bad_rows: bool = False) -> ReadResult:
    """Rows of the file as ``UserMonth``; raises ``InputError`` listing every bad row.

    ``known_units``: when given, any other unit is an error. ``skip_bad_rows``: leave bad
    rows out and list them in ``ReadResult.skipped`` instead of refusing the file. A file
    without a single good row is always refused.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise InputError(f"{path.name}: filen må være .csv eller .xlsx, ikke "
                         f"«{suffix or 'uten filtype'}».")
    if not path.is_file():
        raise InputError(f"Fant ikke filen {path}.")
    with gc_paused():
        try:
            return _read(path.name, _csv_rows(path) if suffix == ".csv" else _xlsx_rows(path),
                         known_units, skip_bad_rows)
        except UnreadableLine as problem:
            raise InputError(f"{path.name}: {problem}.") from None


def _columns(name: str, header: list[str]) -> dict[str, int]:
    columns = [cell.strip().lower() for cell in header]
    twice = sorted({c for c in columns if c and columns.count(c) > 1})
    if twice:
        raise InputError(f"{name}, rad 1: kolonne {', '.join(twice)} står flere ganger.")
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        what = "kolonnen" if len(missing) == 1 else "kolonnene"
        raise InputError(f"{name}, rad 1: mangler {what} {', '.join(missing)} "
                         f"(påkrevd: {', '.join(REQUIRED)}; valgfrie: {', '.join(OPTIONAL)}).")
    return {c: columns.index(c) for c in REQUIRED + OPTIONAL if c in columns}


def _read(name: str, source: Iterable[list[str]], known_units, skip_bad_rows) -> ReadResult:
    source = iter(source)
    header = next(source, None)
    if header is None or not any(cell.strip() for cell in header):
        raise InputError(f"{name}: filen er tom (første rad må være overskriftene "
                         f"{', '.join(REQUIRED)}).")
    at = _columns(name, header)
    unit_at, person_at, month_at, hours_at = (at[c] for c in REQUIRED)
    stay_at, paused_at = at.get("in_stay"), at.get("paused")
    width = max(at.values()) + 1
    # Caches keyed by the cell text as read; the same few units, months and hour values
    # repeat, so each is stripped and parsed once. A unit that is unknown, a month that is
    # not YYYY-MM and hours outside 0 to 28 × 24 (what every month has) are cached as ""
    # or None and send the row down the slow path, which works out what is wrong, if
    # anything (700 h in January is fine: 31 × 24 = 744).
    units: dict[str, str] = {}
    months: dict[str, dt.date | None] = {}
    numbers: dict[str, Decimal | None] = {}
    seen: dict[tuple[str, str, dt.date | None], int] = {}
    rows, problems = [], []
    make = tuple.__new__
    for number, cells in enumerate(source, start=2):
        if len(cells) < width:
            cells = cells + [""] * (width - len(cells))
        unit = units.get(cells[unit_at])
        if unit is None:
            unit = cells[unit_at].strip()
            unit = units[cells[unit_at]] = (
                unit if unit and (known_units is None or unit in known_units) else "")
        person = cells[person_at].strip()
        month = months.get(cells[month_at], False)
        if month is False:
            month = months[cells[month_at]] = _month(cells[month_at].strip())
        hours = numbers.get(cells[hours_at], False)
        if hours is False:
            hours = _hours(cells[hours_at].strip())
            hours = numbers[cells[hours_at]] = (hours if hours is not None
                                                and 0 <= hours <= FEWEST_HOURS else None)
        in_stay = FLAGS.get(cells[stay_at]) if stay_at is not None else False
        paused = FLAGS.get(cells[paused_at]) if paused_at is not None else False
        key = (unit, person, month)
        if (unit and person and month is not None and hours is not None
                and in_stay is not None and paused is not None and key not in seen):
            seen[key] = number
            rows.append(make(UserMonth, (unit, person, month, hours, in_stay, paused)))
            continue
        if not any(cell.strip() for cell in cells):
            continue  # an empty line (or an Excel row that only has formatting)
        unit, month_text, hours_text = (cells[i].strip() for i in (unit_at, month_at, hours_at))
        stay_text = cells[stay_at].strip() if stay_at is not None else ""
        paused_text = cells[paused_at].strip() if paused_at is not None else ""
        hours, in_stay, paused = _hours(hours_text), FLAGS.get(stay_text), FLAGS.get(paused_text)
        key = (unit, person, month)
        why = _row_problems(unit, person, month, month_text, hours, hours_text, stay_text,
                            paused_text, known_units, seen.get(key))
        if why:
            problems.append(f"{name}, rad {number}, {'; '.join(why)}")
        else:  # e.g. 700 h in January, or a flag written " 1"
            seen[key] = number
            rows.append(UserMonth(unit, person, month, hours, in_stay, paused))
    if problems and not skip_bad_rows:
        shown = "\n".join(problems[:SHOWN_PROBLEMS])
        more = len(problems) - SHOWN_PROBLEMS
        tail = f"\n… og {more} rader til med feil." if more > 0 else ""
        rows_text = "1 rad" if len(problems) == 1 else f"{len(problems)} rader"
        raise InputError(f"{name}: {rows_text} med feil; ingenting er beregnet "
                         f"(bruk --skip-bad-rows for å hoppe over dem):\n{shown}{tail}")
    if not rows:
        raise InputError(f"{name}: ingen gyldige rader"
                         f"{f' ({len(problems)} hoppet over)' if problems else ''}.")
    years = ({month.year for month in months.values() if month is not None} if not problems
             else {row.month.year for row in rows})
    return ReadResult(rows, years.pop() if len(years) == 1 else None, problems)
