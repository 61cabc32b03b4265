"""Incentives of the level model made visible (report 000 §6.4, L2248-2358).

- Users just below and just above each band edge: "Forskjellen på brukere med 19 og 20
  timer gir store ressursmessige utslag" (L2352-2358).
- What moving one user across an edge does to a unit's budget.
- "Brukerne genererer penger. Avslutter man, blir det mindre midler til neste år"
  (L2252-2256): what a unit loses next year when users become self-reliant.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from tildel.rules.financing.level_model import DEFAULT_PARAMETERS, LevelParameters
from tildel.rules.financing.levels import LEVELS_IN_ORDER, Level


@dataclass(frozen=True)
class EdgeCount:
    edge: Decimal
    below: int  # users in [edge − margin, edge)
    above: int  # users in [edge, edge + margin)


def near_edges(hours: Iterable[tuple[str, Decimal]], params: LevelParameters = DEFAULT_PARAMETERS,
               margin: Decimal = Decimal(2)) -> dict[str, list[EdgeCount]]:
    """Per unit, users within ``margin`` hours below and above each band edge.

    The focus edge counts "above" as over 100 h and "below" as up to 100 h, as the
    classification does.
    """
    edges = params.bands.edges
    counts: dict[str, list[list[int]]] = defaultdict(lambda: [[0, 0] for _ in edges])
    for unit, value in hours:
        entry = counts[unit]
        for index, edge in enumerate(edges):
            focus = index == len(edges) - 1
            if (edge - margin <= value < edge) or (focus and value == edge):
                entry[index][0] += 1
            elif (edge <= value < edge + margin) if not focus else (edge < value <= edge + margin):
                entry[index][1] += 1
    return {unit: [EdgeCount(edges[i], below, above) for i, (below, above) in enumerate(rows)]
            for unit, rows in sorted(counts.items())}


@dataclass(frozen=True)
class EdgeEffect:
    edge: Decimal
    below: Level
    above: Level
    user_part: Decimal  # change in the annual user part for one user crossing upwards
    with_general: Decimal  # the same including the general part that scales with it


def edge_effects(params: LevelParameters = DEFAULT_PARAMETERS) -> list[EdgeEffect]:
    """The budget effect of one user moving from just below to just above each edge."""
    effects = []
    for index, edge in enumerate(params.bands.edges):
        below, above = LEVELS_IN_ORDER[index], LEVELS_IN_ORDER[index + 1]
        change = params.annual(above) - params.annual(below)
        effects.append(EdgeEffect(edge, below, above, change,
                                  change / (1 - params.general_share)))
    return effects


@dataclass(frozen=True)
class ClosingEffect:
    users: int
    user_part: Decimal
    with_general: Decimal


def self_reliance_effect(categories: Mapping[str, Mapping[str, str]],
                         closed: Mapping[str, Iterable[str]],
                         params: LevelParameters = DEFAULT_PARAMETERS
                         ) -> dict[str, ClosingEffect]:
    """Per unit, what next year's budget loses when the ``closed`` users (self-reliant
    after a pathway) leave it: their category's annual amount each.

    ``categories`` is a budget's persons per unit (person -> level value).
    """
    levels = {level.value: level for level in LEVELS_IN_ORDER}
    effects = {}
    for unit, persons in closed.items():
        unit_categories = categories.get(unit, {})
        lost = [levels[unit_categories[p]] for p in set(persons) if p in unit_categories]
        amount = sum((params.annual(level) for level in lost), Decimal(0))
        effects[unit] = ClosingEffect(len(lost), amount, amount / (1 - params.general_share))
    return effects

