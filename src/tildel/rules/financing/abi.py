"""Activity-based income (aktivitetsbaserte inntekter, ABI), Stavanger 2003–2019.

Income per unit = Σ over delivered measures of time norm (minutes) × count / 60 × hourly
price (report 000 L1769-1771, L1815-1834; norms in table 1, L1773-1811). The report gives
no ABI price, so the price is a parameter.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import NamedTuple

from tildel.rules.financing.budget import Budget, ParameterError, kr, number

ABI_PART = "ABI-inntekt"


class Delivery(NamedTuple):
    """A delivered and documented measure: ``count`` performances in a unit.

    ``minutes`` overrides the norm, e.g. for documented time that has no measure.
    """

    unit: str
    measure: str
    count: int
    minutes: Decimal | None = None


def abi_budget(deliveries: Iterable[Delivery], norms: Mapping[str, int], price: Decimal,
               year: int) -> Budget:
    """Income per unit from delivered measures under their time norms."""
    if price <= 0:
        raise ParameterError("price", "timeprisen må være større enn 0")
    minutes: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(lambda: [0, None]))
    for delivery in deliveries:
        norm = delivery.minutes if delivery.minutes is not None else norms.get(delivery.measure)
        if norm is None:
            raise ParameterError("norms", f"tiltaket «{delivery.measure}» har ingen tidsnorm")
        if delivery.count < 0:
            raise ParameterError("count", f"antall for «{delivery.measure}» kan ikke være "
                                          f"negativt")
        entry = minutes[delivery.unit][delivery.measure]
        entry[0] += delivery.count
        entry[1] = Decimal(norm)
    budget = Budget(model="abi", year=year, tertial=None, units={},
                    parameters={"price": str(price)})
    budget.lines.append(f"ABI: normtid × antall / 60 × {number(price)} kr per time.")
    for unit in sorted(minutes):
        ub = budget.unit(unit)
        for measure, (count, norm) in sorted(minutes[unit].items()):
            hours = norm * count / 60
            ub.financed_hours += hours / 12
            amount = hours * price
            ub.add(ABI_PART, amount, f"{measure}: {number(norm)} min × {count} = "
                                     f"{number(hours, 1)} t × {number(price)} kr = {kr(amount)}")
        ub.users["Tiltak"] = sum(count for count, _ in minutes[unit].values())
    return budget
