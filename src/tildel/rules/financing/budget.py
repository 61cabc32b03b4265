"""What every financing model returns: a budget per provider unit with its explanation.

A budget (*budsjett*) holds, per unit, the users per category, the financed hours, the
amounts by part (user part, general part, focus above level 4, ...) and the lines that say
how each amount was reached, so a unit leader can check the arithmetic by hand.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

CENT = Decimal("0.01")


def money(amount: Decimal) -> Decimal:
    return Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)


def kr(amount: Decimal) -> str:
    """Norwegian money format: 34 133,28 kr."""
    text = f"{money(amount):,.2f}".replace(",", " ").replace(".", ",")
    return f"{text} kr"


def number(value: Decimal | int | float, decimals: int = 2) -> str:
    """Norwegian number format without trailing zeros: 3,56 or 30."""
    text = f"{Decimal(value):,.{decimals}f}".replace(",", " ").replace(".", ",")
    if "," in text:
        text = text.rstrip("0").rstrip(",")
    return text


def users_text(count: int, new: bool = False) -> str:
    """"1 bruker", "3 brukere", "1 ny bruker", "3 nye brukere"."""
    if count == 1:
        return "1 ny bruker" if new else "1 bruker"
    return f"{count} nye brukere" if new else f"{count} brukere"


class UserMonth(NamedTuple):
    """Decided hours (vedtakstimer) of one user in one unit in one calendar month.

    ``in_stay``: the user was in hospital or a short-term stay that month; ``paused``: the
    services were temporarily stopped (report 000 footnote 33, L2071-2075).
    """

    unit: str
    person: str
    month: dt.date  # first day of the month
    hours: Decimal
    in_stay: bool = False
    paused: bool = False


class UserYear(NamedTuple):
    """One user's decided hours in one unit for the twelve months of a year (index 0 is
    January), and the month indexes with a stay or a pause: the compact form of twelve
    ``UserMonth`` rows."""

    unit: str
    person: str
    hours: tuple[Decimal, ...]
    in_stay: frozenset[int] = frozenset()
    paused: frozenset[int] = frozenset()


NO_MONTHS: frozenset[int] = frozenset()
ZERO = Decimal(0)


def user_years(rows: Iterable[UserMonth], year: int) -> list[UserYear]:
    """Group month rows of ``year`` by unit and user (a missing month has no hours)."""
    hours: dict[tuple[str, str], list[Decimal]] = {}
    stays: dict[tuple[str, str], set[int]] = {}
    pauses: dict[tuple[str, str], set[int]] = {}
    for unit, person, month, value, in_stay, paused in rows:
        if month.year != year:
            continue
        key = (unit, person)
        months = hours.get(key)
        if months is None:
            months = hours[key] = [ZERO] * 12
        months[month.month - 1] = value
        if in_stay:
            stays.setdefault(key, set()).add(month.month - 1)
        if paused:
            pauses.setdefault(key, set()).add(month.month - 1)
    return [UserYear(unit, person, tuple(months), frozenset(stays.get((unit, person), ())),
                     frozenset(pauses.get((unit, person), ())))
            for (unit, person), months in hours.items()]


@dataclass
class UnitBudget:
    """One provider unit's budget under one model."""

    unit: str
    users: dict[str, int] = field(default_factory=dict)  # category label -> users
    financed_hours: Decimal = Decimal(0)  # per month, in the user part
    parts: dict[str, Decimal] = field(default_factory=dict)  # part label -> amount per year
    lines: list[str] = field(default_factory=list)
    persons: dict[str, str] = field(default_factory=dict)  # person -> category key

    @property
    def total(self) -> Decimal:
        return money(sum(self.parts.values(), Decimal(0)))

    @property
    def user_count(self) -> int:
        return sum(self.users.values())

    def add(self, part: str, amount: Decimal, line: str) -> None:
        self.parts[part] = money(self.parts.get(part, Decimal(0)) + amount)
        self.lines.append(line)


@dataclass
class Budget:
    """A model's result for a year (and tertial): per unit, plus municipality-level lines."""

    model: str
    year: int
    tertial: int | None
    units: dict[str, UnitBudget]
    lines: list[str] = field(default_factory=list)
    parameters: dict = field(default_factory=dict)
    held_back: dict[str, Decimal] = field(default_factory=dict)  # e.g. the buffer

    @property
    def total(self) -> Decimal:
        return money(sum((u.total for u in self.units.values()), Decimal(0)))

    def unit(self, name: str) -> UnitBudget:
        found = self.units.get(name)
        if found is None:
            found = self.units[name] = UnitBudget(unit=name)
        return found


class ParameterError(ValueError):
    """A model parameter out of range; ``parameter`` names it as the config file does."""

    def __init__(self, parameter: str, message: str):
        super().__init__(f"{parameter}: {message}")
        self.parameter = parameter
        self.message = message


def first_of_month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def months_of(year: int, first: int = 1, last: int = 12) -> list[dt.date]:
    return [dt.date(year, month, 1) for month in range(first, last + 1)]


TERTIAL_MONTHS = {1: (1, 4), 2: (5, 8), 3: (9, 12)}


def tertial_of(month: dt.date) -> int:
    return (month.month - 1) // 4 + 1
