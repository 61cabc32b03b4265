"""The what-if simulator: the current budget beside a model with changed parameters.

Management picks a year and a model, changes the numbers, and sees each unit's budget next
to the current one, the users near each band edge, what one user crossing an edge is
worth, and what closing users after a pathway costs next year (report 000 L2248-2358).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from tildel.financing import data, services
from tildel.financing.models import FinancingModel
from tildel.pathways.models import Pathway
from tildel.rules.financing.budget import Budget
from tildel.rules.financing.incentives import (
    ClosingEffect,
    EdgeCount,
    EdgeEffect,
    edge_effects,
    near_edges,
    self_reliance_effect,
)
from tildel.rules.financing.level_model import DEFAULT_PARAMETERS, LevelParameters


@dataclass
class Column:
    label: str
    budget: Budget


@dataclass
class UnitRow:
    unit: str
    users: int
    totals: list[Decimal]

    @property
    def difference(self) -> Decimal:
        return self.totals[1] - self.totals[0]

    @property
    def percent(self) -> Decimal | None:
        return (100 * self.difference / self.totals[0]) if self.totals[0] else None


@dataclass
class Simulation:
    year: int
    columns: list[Column]
    rows: list[UnitRow]
    near: dict[str, list[EdgeCount]] = field(default_factory=dict)
    effects: list[EdgeEffect] = field(default_factory=list)
    closed: dict[str, ClosingEffect] = field(default_factory=dict)
    open_pathways: dict[str, ClosingEffect] = field(default_factory=dict)

    @property
    def totals(self) -> list[Decimal]:
        return [column.budget.total for column in self.columns]

    @property
    def closing_rows(self) -> list[tuple[str, ClosingEffect, ClosingEffect | None]]:
        """Per unit: closed this year without further services, and in an open pathway."""
        return [(unit, effect, self.open_pathways.get(unit))
                for unit, effect in sorted(self.closed.items())]

    def chart(self) -> dict:
        """Data for the bar chart: one series per column, one bar group per unit."""
        return {"labels": [row.unit for row in self.rows],
                "series": [{"label": column.label,
                            "values": [float(row.totals[i]) for row in self.rows]}
                           for i, column in enumerate(self.columns)]}


def current_budget(municipality, year: int, rows) -> Column:
    stored = services.latest(municipality, FinancingModel.LEVELS, year)
    if stored is not None:
        return Column(f"Gjeldende: {stored} ({stored.created_at:%d.%m.%Y})",
                      services.as_rules_budget(stored))
    return Column("Gjeldende: nivåmodell med standardparametre (ikke lagret)",
                  services.compute(municipality, FinancingModel.LEVELS, year, rows=rows))


def simulate(municipality, year: int, model: str, params: LevelParameters = DEFAULT_PARAMETERS,
             *, compare: str = "", price: Decimal | None = None, frame_key: str = "users",
             frame_total: Decimal | None = None) -> Simulation:
    rows = data.user_years(municipality, year)
    options = {"price": price, "frame_key": frame_key, "frame_total": frame_total}
    columns = [current_budget(municipality, year, rows),
               Column(f"Simulert: {FinancingModel(model).label}",
                      services.compute(municipality, model, year, 1, params, rows=rows,
                                       **options))]
    if compare:
        columns.append(Column(f"Sammenlignet: {FinancingModel(compare).label}",
                              services.compute(municipality, compare, year, 1, params,
                                               rows=rows, **options)))
    names = sorted(set().union(*(column.budget.units for column in columns)))
    table = [UnitRow(name, _users(columns, name),
                     [c.budget.units[name].total if name in c.budget.units else Decimal(0)
                      for c in columns]) for name in names]
    simulation = Simulation(year, columns, table)
    levels = next((c.budget for c in columns[1:] if c.budget.model == FinancingModel.LEVELS),
                  columns[0].budget)
    simulation.near = near_edges(((user.unit, user.hours[0]) for user in rows
                                  if user.hours[0] > 0), params)
    simulation.effects = edge_effects(params)
    categories = {name: unit.persons for name, unit in levels.units.items()}
    closed = _by_unit(categories, _closed(municipality, year))
    simulation.closed = self_reliance_effect(categories, closed, params)
    simulation.open_pathways = self_reliance_effect(
        categories, _by_unit(categories, _in_open_pathway(municipality)), params)
    return simulation


def _users(columns: list[Column], name: str) -> int:
    for column in columns:
        unit = column.budget.units.get(name)
        if unit is not None and column.budget.model == FinancingModel.LEVELS:
            return unit.user_count
    return 0


def _closed(municipality, year: int) -> set[str]:
    """Persons whose pathway ended this year with no further services (self-reliant)."""
    return {str(p) for p in Pathway.objects.filter(
        person__district__municipality=municipality, real_end__year=year,
        outcome=Pathway.Outcome.NO_FURTHER_SERVICES,
    ).values_list("person_id", flat=True)}


def _in_open_pathway(municipality) -> set[str]:
    return {str(p) for p in Pathway.objects.filter(
        person__district__municipality=municipality, real_end__isnull=True,
    ).values_list("person_id", flat=True)}


def _by_unit(categories: dict[str, dict[str, str]], persons: set[str]) -> dict[str, list[str]]:
    return {unit: [p for p in members if p in persons] for unit, members in categories.items()}
