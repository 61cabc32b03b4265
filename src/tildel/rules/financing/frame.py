"""Frame funding (rammefinansiering) and a fixed price per service (report 004, digest §5).

Most municipalities give each unit a fixed frame, set by hand or split from a total by a
key (inhabitants 67+, users, decided hours); some pay a fixed price per service hour.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import NamedTuple

from tildel.rules.financing.budget import Budget, ParameterError, kr, number

FRAME_PART = "Ramme"
PRICE_PART = "Pris per tjeneste"


def frame_budget(year: int, *, fixed: Mapping[str, Decimal] | None = None,
                 total: Decimal | None = None, key: Mapping[str, Decimal] | None = None,
                 key_name: str = "fordelingsnøkkel") -> Budget:
    """Each unit's frame: a fixed amount, or ``total`` split in proportion to ``key``."""
    budget = Budget(model="frame", year=year, tertial=None, units={},
                    parameters={"total": str(total) if total is not None else None,
                                "key": key_name})
    if fixed:
        budget.lines.append("Rammefinansiering: fast beløp per enhet.")
        for unit, amount in sorted(fixed.items()):
            if amount < 0:
                raise ParameterError(f"frame.{unit}", "rammen kan ikke være negativ")
            budget.unit(unit).add(FRAME_PART, Decimal(amount), f"Fast ramme = {kr(amount)}")
        return budget
    if total is None or total <= 0:
        raise ParameterError("total", "oppgi en samlet ramme større enn 0, eller faste beløp")
    if not key or sum(key.values()) <= 0:
        raise ParameterError("key", "fordelingsnøkkelen er tom")
    key_sum = sum(Decimal(v) for v in key.values())
    budget.lines.append(f"Rammefinansiering: {kr(total)} fordelt etter {key_name} "
                        f"({number(key_sum)} i alt).")
    for unit, value in sorted(key.items()):
        amount = Decimal(total) * Decimal(value) / key_sum
        budget.unit(unit).add(FRAME_PART, amount,
                              f"{kr(total)} × {number(value)}/{number(key_sum)} {key_name} "
                              f"= {kr(amount)}")
        budget.unit(unit).users[key_name] = int(value)
    return budget


class ServiceMonth(NamedTuple):
    """Decided hours of one service for one user in one unit in one month."""

    unit: str
    person: str
    service: str
    month: object  # datetime.date, first of month
    hours: Decimal


def price_budget(rows: Iterable[ServiceMonth], prices: Mapping[str, Decimal], year: int
                 ) -> Budget:
    """Fixed price per service hour: Σ decided hours × the service's price."""
    hours: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    users: dict[str, set] = defaultdict(set)
    for row in rows:
        if row.month.year != year:
            continue
        hours[row.unit][row.service] += row.hours
        users[row.unit].add(row.person)
    budget = Budget(model="price", year=year, tertial=None, units={},
                    parameters={"prices": {k: str(v) for k, v in prices.items()}})
    budget.lines.append("Fast pris per tjeneste: vedtakstimer i året × pris per time.")
    for unit in sorted(hours):
        ub = budget.unit(unit)
        ub.users["Brukere"] = len(users[unit])
        for service, total in sorted(hours[unit].items()):
            if service not in prices:
                raise ParameterError(f"prices.{service}", "tjenesten har ingen pris")
            amount = total * Decimal(prices[service])
            ub.financed_hours += total / 12
            ub.add(PRICE_PART, amount, f"{service}: {number(total, 1)} t × "
                                       f"{number(prices[service])} kr = {kr(amount)}")
    return budget
