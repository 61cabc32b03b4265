"""Import the numbers key figures need from outside Tildel: inhabitants per district and
age band (SSB, for coverage, report 003) and staffing per unit and month (the rota system,
for decided hours per rostered hour and FTE per one-to-one measure, report 001).

Both are CSV in UTF-8, comma or semicolon separated. A file with errors imports nothing and
names each bad row and column; rerunning a file replaces the numbers it holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction

from tildel.financing.textfiles import month_cell, refuse, table
from tildel.insight.models import AgeBand, Population, UnitStaffing
from tildel.organisation.models import District, ProviderUnit


class ImportProblem(ValueError):
    """The file cannot be imported; nothing of it is saved."""


@dataclass
class ImportResult:
    created: int
    updated: int


def _table(raw: bytes, name: str, required: tuple[str, ...]) -> list[tuple[int, dict]]:
    rows = list(table(raw, name, required, ImportProblem))
    if not rows:
        raise ImportProblem(f"{name}: filen har ingen rader.")
    return rows


def _number(text: str, *, whole: bool = False, limit: Decimal = Decimal("1e9")) -> Decimal:
    value = Decimal(text.replace(" ", "").replace("\u00a0", "").replace(",", "."))
    if not value.is_finite() or value < 0 or value >= limit or (whole and value % 1):
        raise InvalidOperation
    return value


@transaction.atomic
def import_population(raw: bytes, municipality, name: str) -> ImportResult:
    """Columns: year, district (name or number; empty = the whole municipality),
    age_band (0-66, 67-79, 80+), inhabitants."""
    rows = _table(raw, name, ("year", "district", "age_band", "inhabitants"))
    districts = {}
    for district in District.objects.filter(municipality=municipality):
        districts[district.name.lower()] = districts[str(district.number)] = district
    bands = {b.value for b in AgeBand}
    problems, found, seen = [], {}, {}
    for number, values in rows:
        district = None
        if values["district"]:
            district = districts.get(values["district"].lower())
            if district is None:
                problems.append(f"rad {number}, kolonne district: ukjent distrikt "
                                f"«{values['district']}»")
                continue
        if not values["year"].isdigit() or not 1900 <= int(values["year"]) <= 2200:
            problems.append(f"rad {number}, kolonne year: «{values['year']}» er ikke et år")
            continue
        if values["age_band"] not in bands:
            problems.append(f"rad {number}, kolonne age_band: «{values['age_band']}» er ikke "
                            f"en aldersgruppe ({', '.join(sorted(bands))})")
            continue
        try:
            inhabitants = int(_number(values["inhabitants"], whole=True))
        except InvalidOperation:
            problems.append(f"rad {number}, kolonne inhabitants: «{values['inhabitants']}» er "
                            f"ikke et antall")
            continue
        key = (district.pk if district else None, int(values["year"]), values["age_band"])
        if key in seen:
            problems.append(f"rad {number}: samme distrikt, år og aldersgruppe som rad "
                            f"{seen[key]}")
            continue
        seen[key] = number
        found[key] = inhabitants
    refuse(problems, name, ImportProblem)
    created = updated = 0
    for (district_id, year, band), inhabitants in found.items():
        _, made = Population.objects.update_or_create(
            municipality=municipality, district_id=district_id, year=year, age_band=band,
            defaults={"inhabitants": inhabitants})
        created += made
        updated += not made
    return ImportResult(created, updated)


@transaction.atomic
def import_staffing(raw: bytes, municipality, name: str) -> ImportResult:
    """Columns: unit (name), month (YYYY-MM), rostered_hours, fte, one_to_one_measures."""
    rows = _table(raw, name, ("unit", "month", "rostered_hours", "fte",
                              "one_to_one_measures"))
    units = {u.name: u for u in ProviderUnit.objects.filter(municipality=municipality)}
    problems, found, seen = [], {}, {}
    for number, values in rows:
        unit = units.get(values["unit"])
        if unit is None:
            problems.append(f"rad {number}, kolonne unit: ukjent enhet «{values['unit']}»")
            continue
        try:
            first = month_cell(values["month"])
        except ValueError:
            problems.append(f"rad {number}, kolonne month: «{values['month']}» er ikke en "
                            f"måned (ÅÅÅÅ-MM)")
            continue
        numbers = {}
        for column, whole, limit in (("rostered_hours", False, Decimal("1e8")),
                                     ("fte", False, Decimal("1e6")),
                                     ("one_to_one_measures", True, Decimal(32767))):
            try:
                numbers[column] = _number(values[column], whole=whole, limit=limit)
            except InvalidOperation:
                problems.append(f"rad {number}, kolonne {column}: «{values[column]}» er ikke "
                                f"et tall")
        if len(numbers) < 3:
            continue
        key = (unit.pk, first)
        if key in seen:
            problems.append(f"rad {number}: samme enhet og måned som rad {seen[key]}")
            continue
        seen[key] = number
        found[key] = numbers
    refuse(problems, name, ImportProblem)
    created = updated = 0
    for (unit_id, month), numbers in found.items():
        _, made = UnitStaffing.objects.update_or_create(
            provider_unit_id=unit_id, month=month, defaults={
                "rostered_hours": numbers["rostered_hours"], "fte": numbers["fte"],
                "one_to_one_measures": int(numbers["one_to_one_measures"])})
        created += made
        updated += not made
    return ImportResult(created, updated)
