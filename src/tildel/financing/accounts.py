"""Accounts per unit and month (regnskap), imported from the finance system, beside the
budget, the users and the decided hours (report 001: monthly budget against accounts).

The CSV has one row per unit, month and KOSTRA function: ``unit, month, amount, function``.
Importing the same month again replaces its amounts, so a corrected file can be rerun.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from tildel.financing import data, services
from tildel.financing.models import AccountEntry, FinancingModel, KostraFunction
from tildel.financing.textfiles import month_cell, refuse, table
from tildel.organisation.models import ProviderUnit
from tildel.rules.financing.budget import months_of

REQUIRED = ("unit", "month", "amount", "function")


class AccountsError(ValueError):
    """The file cannot be imported; nothing of it is saved."""


@dataclass
class ImportResult:
    created: int
    updated: int


def parse(stream, name: str, units: dict[str, ProviderUnit]):
    problems, entries, seen = [], {}, {}
    functions = {f.value for f in KostraFunction}
    for number, values in table(stream.read(), name, REQUIRED, AccountsError):
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
        try:
            amount = Decimal(values["amount"].replace(" ", "").replace("\u00a0", "")
                             .replace(",", "."))
            if not amount.is_finite() or abs(amount) >= Decimal("1e12"):
                raise InvalidOperation
        except InvalidOperation:
            problems.append(f"rad {number}, kolonne amount: «{values['amount']}» er ikke et "
                            f"beløp")
            continue
        if values["function"] not in functions:
            problems.append(f"rad {number}, kolonne function: «{values['function']}» er ikke "
                            f"en KOSTRA-funksjon for pleie og omsorg (234, 253, 254, 261)")
            continue
        key = (unit.pk, first, values["function"])
        if key in seen:
            problems.append(f"rad {number}: samme enhet, måned og funksjon som rad {seen[key]}")
            continue
        seen[key] = number
        entries[key] = amount
    refuse(problems, name, AccountsError)
    if not entries:
        raise AccountsError(f"{name}: filen har ingen regnskapsrader.")
    return entries


@transaction.atomic
def import_accounts(stream, municipality, name: str) -> ImportResult:
    units = {u.name: u for u in ProviderUnit.objects.filter(municipality=municipality)}
    entries = parse(stream, name, units)
    existing = {(e.provider_unit_id, e.month, e.kostra_function): e
                for e in AccountEntry.objects.filter(
                    provider_unit__in=units.values(),
                    month__in={month for _, month, _ in entries})}
    now = timezone.now()
    new, changed = [], []
    for (unit_id, month, function), amount in entries.items():
        entry = existing.get((unit_id, month, function))
        if entry is None:
            new.append(AccountEntry(provider_unit_id=unit_id, month=month,
                                    kostra_function=function, amount=amount, imported_at=now,
                                    file_name=name[:255]))
        else:
            entry.amount, entry.imported_at, entry.file_name = amount, now, name[:255]
            changed.append(entry)
    AccountEntry.objects.bulk_create(new)
    AccountEntry.objects.bulk_update(changed, ["amount", "imported_at", "file_name"])
    return ImportResult(len(new), len(changed))


def year_from(value: str | None) -> int:
    today = timezone.localdate()
    if value and value.isdigit() and 2000 <= int(value) <= today.year + 1:
        return int(value)
    return today.year


@dataclass
class MonthRow:
    month: dt.date
    budget: Decimal
    accounts: Decimal | None
    users: int
    hours: Decimal

    @property
    def deviation(self) -> Decimal | None:
        return None if self.accounts is None else self.accounts - self.budget


@dataclass
class UnitTable:
    unit: ProviderUnit
    annual_budget: Decimal | None
    months: list[MonthRow] = field(default_factory=list)

    @property
    def accounts_total(self) -> Decimal:
        return sum((m.accounts for m in self.months if m.accounts is not None), Decimal(0))

    @property
    def budget_to_date(self) -> Decimal:
        return sum((m.budget for m in self.months if m.accounts is not None), Decimal(0))


@dataclass
class AccountsTable:
    budget_label: str | None
    units: list[UnitTable]


def budget_against_accounts(municipality, year: int, unit: ProviderUnit | None = None
                            ) -> AccountsTable:
    """Per unit and month: budget (annual / 12), accounts, deviation, users, decided hours."""
    stored = services.latest(municipality, FinancingModel.LEVELS, year)
    budgets = {}
    if stored is not None:
        budgets = {u.provider_unit_id: u.total for u in stored.units.all()}
    entries = AccountEntry.objects.filter(provider_unit__municipality=municipality,
                                          month__year=year)
    units = data.home_based_units(municipality)
    known = {u.pk for u in units}
    units += [u for u in ProviderUnit.objects.filter(
        pk__in=entries.values("provider_unit_id")).order_by("name") if u.pk not in known]
    if unit is not None:
        entries = entries.filter(provider_unit=unit)
        units = [u for u in units if u.pk == unit.pk] or [unit]
    booked: dict[tuple[int, dt.date], Decimal] = defaultdict(Decimal)
    for unit_id, month, amount in entries.values_list("provider_unit_id", "month", "amount"):
        booked[(unit_id, month)] += amount
    users: dict[tuple[str, dt.date], int] = defaultdict(int)
    hours: dict[tuple[str, dt.date], Decimal] = defaultdict(Decimal)
    months = months_of(year)
    for user in data.user_years(municipality, year, unit=unit):
        for index, value in enumerate(user.hours):
            if value > 0:
                users[(user.unit, months[index])] += 1
                hours[(user.unit, months[index])] += value
    tables = []
    for provider_unit in units:
        annual = budgets.get(provider_unit.pk)
        table = UnitTable(provider_unit, annual)
        for month in months_of(year):
            share = annual / 12 if annual else Decimal(0)
            table.months.append(MonthRow(month, round(share, 2),
                                         booked.get((provider_unit.pk, month)),
                                         users[(provider_unit.name, month)],
                                         round(hours[(provider_unit.name, month)], 1)))
        tables.append(table)
    return AccountsTable(str(stored) if stored else None, tables)


def workbook(table: AccountsTable, year: int):
    """Budget against accounts as one sheet an analyst can paste from."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = f"Budsjett og regnskap {year}"
    sheet.append(["Enhet", "Måned", "Budsjett", "Regnskap", "Avvik", "Brukere",
                  "Vedtakstimer"])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for unit in table.units:
        for row in unit.months:
            sheet.append([unit.unit.name, row.month.strftime("%Y-%m"), float(row.budget),
                          None if row.accounts is None else float(row.accounts),
                          None if row.deviation is None else float(row.deviation),
                          row.users, float(row.hours)])
    for letter in "CDE":
        for cell in sheet[letter][1:]:
            cell.number_format = '# ##0.00" kr"'
    sheet.column_dimensions["A"].width = 45
    sheet.freeze_panes = "A2"
    return book
