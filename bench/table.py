"""One benchmark table: a row per measurement, with its budget where the issues name one."""

from __future__ import annotations

import operator
from collections.abc import Iterable
from dataclasses import asdict, dataclass

_COMPARE = {"<": operator.lt, "≤": operator.le, "≥": operator.ge, ">": operator.gt,
            "=": operator.eq}


@dataclass(frozen=True)
class Row:
    """``budget`` is a comparison and a limit in the row's unit: ``("<", 50)`` says the value
    must stay under 50, ``("≥", 20000)`` at or over 20,000. None: measured, no budget."""

    name: str
    what: str
    value: float
    unit: str
    budget: tuple[str, float] | None = None

    @property
    def met(self) -> bool | None:
        if self.budget is None:
            return None
        sign, limit = self.budget
        return _COMPARE[sign](self.value, limit)

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Row:
        budget = data.get("budget")
        return cls(data["name"], data["what"], data["value"], data["unit"],
                   tuple(budget) if budget else None)


def _number(value: float) -> str:
    if value >= 1000:
        return f"{value:,.0f}".replace(",", " ")
    return f"{value:.1f}" if value >= 10 else f"{value:.2f}"


def print_table(rows: Iterable[Row]) -> None:
    print(f"{'benchmark':<30}{'measured':<58}{'value':>12}  budget")
    for row in rows:
        budget = ""
        if row.budget is not None:
            sign, limit = row.budget
            budget = f"{sign} {_number(limit)} {'ok' if row.met else 'MISSED'}"
        print(f"{row.name:<30}{row.what[:57]:<58}{_number(row.value):>9} {row.unit:<3} {budget}")


def missed(rows: Iterable[Row]) -> list[Row]:
    return [row for row in rows if row.met is False]
