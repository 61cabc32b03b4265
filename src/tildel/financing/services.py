"""Compute budgets from the data in Tildel, store them in versions, review per tertial.

``compute`` returns a ``rules.financing`` budget without saving (the simulator);
``run_budget`` stores a new version (the ``tildel budget`` command). A tertial run on a year
that already has a budget is a review of the latest version (report 000 L1959-1963).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.db.models import F, FloatField, Func, Max, Sum
from django.utils import timezone

from tildel.delivery.models import Visit
from tildel.financing import data
from tildel.financing.models import Budget, BudgetUnit, FinancingModel
from tildel.financing.textfiles import gc_paused
from tildel.organisation.models import ProviderUnit
from tildel.rules.financing.abi import Delivery, abi_budget
from tildel.rules.financing.budget import Budget as RulesBudget
from tildel.rules.financing.budget import ParameterError, UnitBudget
from tildel.rules.financing.frame import frame_budget, price_budget
from tildel.rules.financing.level_model import (
    DEFAULT_PARAMETERS,
    LevelParameters,
    Review,
    level_budget,
    level_review,
)

DELIVERED_TIME = "Dokumentert utført tid (besøkslogg)"
FRAME_KEYS = {"users": "brukere", "hours": "vedtakstimer"}


def compute(municipality, model: str, year: int, tertial: int = 1,
            params: LevelParameters = DEFAULT_PARAMETERS, *, price: Decimal | None = None,
            frame_total: Decimal | None = None, frame_key: str = "users",
            rows=None) -> RulesBudget:
    """The budget per unit under ``model`` for ``year`` from the decisions in Tildel."""
    if model == FinancingModel.LEVELS:
        if rows is None:
            rows = data.user_years(municipality, year)
        with gc_paused():
            return level_budget(rows, year, tertial, params)
    if model == FinancingModel.ABI:
        budget = abi_budget(delivered_time(municipality, year), {}, price or params.rate, year)
        if not budget.units:
            budget.lines.append(f"Besøksloggen har ingen dokumentert tid i {year}.")
        return budget
    if model == FinancingModel.PRICE:
        services = data.service_months(municipality, year)
        prices = dict.fromkeys({row.service for row in services}, price or params.rate)
        return price_budget(services, prices, year)
    if model == FinancingModel.FRAME:
        if rows is None:
            rows = data.user_years(municipality, year)
        if frame_key not in FRAME_KEYS:
            raise ParameterError("key", "fordelingsnøkkelen må være brukere eller vedtakstimer")
        if frame_total is None:
            frame_total = level_budget(rows, year, 1, params).total
        return frame_budget(year, total=frame_total, key=_frame_key(rows, frame_key),
                            key_name=FRAME_KEYS[frame_key])
    raise ParameterError("model", f"ukjent modell «{model}»")


def _frame_key(years, key: str) -> dict[str, Decimal]:
    """Users or decided hours per unit in January."""
    values: dict[str, Decimal] = defaultdict(Decimal)
    for user in years:
        if user.hours[0] > 0:
            values[user.unit] += 1 if key == "users" else user.hours[0]
    return dict(values)


class VisitMinutes(Func):
    """Minutes from ``start`` to ``end``, summed in the database: Django's own duration
    arithmetic on SQLite calls Python once per row (2 s for 390,000 visits)."""

    output_field = FloatField()

    def __init__(self):
        super().__init__(F("end"), F("start"))

    def as_sql(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, arg_joiner=" - ",
                              template="EXTRACT(EPOCH FROM (%(expressions)s)) / 60", **extra)

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, arg_joiner=") - julianday(",
                              template="(julianday(%(expressions)s)) * 1440", **extra)


def delivered_time(municipality, year: int) -> list[Delivery]:
    """Documented delivered minutes per unit in ``year``: what ABI paid for (L1826-1834)."""
    tz = timezone.get_current_timezone()
    first = dt.datetime(year, 1, 1, tzinfo=tz)
    totals = (Visit.objects.filter(provider_unit__municipality=municipality,
                                   start__gte=first, start__lt=first.replace(year=year + 1))
              .values("provider_unit__name").annotate(minutes=Sum(VisitMinutes())))
    return [Delivery(row["provider_unit__name"], DELIVERED_TIME, round(row["minutes"]),
                     Decimal(1))
            for row in totals if row["minutes"]]


def latest(municipality, model: str, year: int) -> Budget | None:
    return (Budget.objects.filter(municipality=municipality, model=model, year=year)
            .order_by("-version").first())


def as_rules_budget(stored: Budget) -> RulesBudget:
    """A stored version back as plain values, for the tertial review."""
    budget = RulesBudget(model=stored.model, year=stored.year, tertial=stored.tertial,
                         units={}, lines=list(stored.lines), parameters=stored.parameters,
                         held_back={k: Decimal(v) for k, v in stored.held_back.items()})
    for unit in stored.units.select_related("provider_unit"):
        budget.units[unit.provider_unit.name] = UnitBudget(
            unit=unit.provider_unit.name, users=unit.users,
            financed_hours=unit.financed_hours,
            parts={k: Decimal(v) for k, v in unit.parts.items()}, lines=unit.lines,
            persons=unit.persons)
    return budget


def run_budget(municipality, model: str, year: int, tertial: int | None = None,
               params: LevelParameters = DEFAULT_PARAMETERS, actor=None, **options
               ) -> tuple[Budget, Review | None]:
    """Compute and store a new version; a later tertial of the level model is a review."""
    previous = latest(municipality, model, year)
    review = None
    if model == FinancingModel.LEVELS and tertial and tertial > 1 and previous is not None:
        rows = data.user_years(municipality, year)
        review = level_review(as_rules_budget(previous), rows, tertial, params)
        budget = review.budget
    else:
        budget = compute(municipality, model, year, tertial or 1, params, **options)
    return store(municipality, budget, actor, previous, review), review


@transaction.atomic
def store(municipality, budget: RulesBudget, actor=None, previous: Budget | None = None,
          review: Review | None = None) -> Budget:
    units = {u.name: u for u in ProviderUnit.objects.filter(municipality=municipality)}
    unknown = sorted(set(budget.units) - set(units))
    if unknown:
        raise ParameterError("unit", f"ukjente enheter: {', '.join(unknown)}")
    version = (Budget.objects.select_for_update()
               .filter(municipality=municipality, model=budget.model, year=budget.year)
               .aggregate(v=Max("version"))["v"] or 0) + 1
    stored = Budget.objects.create(
        municipality=municipality, model=budget.model, year=budget.year,
        tertial=budget.tertial, version=version, parameters=budget.parameters,
        lines=budget.lines,
        held_back={k: str(v) for k, v in budget.held_back.items()}, total=budget.total,
        created_by=actor)
    before = ({u.provider_unit_id: u.total for u in previous.units.all()}
              if previous else {})
    BudgetUnit.objects.bulk_create([
        BudgetUnit(budget=stored, provider_unit=units[name], users=ub.users,
                   financed_hours=round(ub.financed_hours, 2),
                   parts={k: str(v) for k, v in ub.parts.items()}, total=ub.total,
                   lines=ub.lines, persons=ub.persons,
                   previous_total=before.get(units[name].pk) if previous else None,
                   reasons=review.units[name].reasons if review and name in review.units
                   else [])
        for name, ub in sorted(budget.units.items())])
    return stored
