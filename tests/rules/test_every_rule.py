"""A property run over every public function in ``tildel.rules`` (issue 10, item 4):
each is called with ``EXAMPLES`` sets of arguments generated from its type hints
(typed_strategies.py), narrowed where a rule has a precondition its callers keep (OVERRIDES,
STRATEGIES: e.g. the register's services are found from the same lines). A rule may refuse
its input with one of the rules' own errors (a message for the caseworker) or a ValueError
it raises itself (a stated precondition); any other exception is a crash the screen would
show as a 500. The result has the type the function promises. The test id names the
function and its number of cases; the run asserts that all ran. Rule-specific properties
(deadlines, delivered time, levels...) live in the other test modules here."""

from __future__ import annotations

import collections.abc as abc
import dataclasses
import datetime as dt
import importlib
import inspect
import linecache
import pkgutil
import typing
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tildel.rules
from tildel.rules import delivered_time, discharge, kpr
from tildel.rules.financing import level_model
from tildel.rules.financing.budget import UserYear
from tildel.rules.financing.levels import Level
from tildel.rules.indicators import catalogue, periods
from tildel.rules.indicators.engine import Indicator

from .typed_strategies import (
    AMOUNTS,
    DATES,
    MOMENTS,
    REGISTERED,
    STRINGS_BY_NAME,
    for_function,
    for_hint,
)

EXAMPLES = 40
#: Rules whose generated inputs take long to build or run (nested lines, twelve-month
#: rows): fewer cases, named in the test id.
FEWER = {"kpr.events": 10, "kpr.held_services": 10, "kpr.problems": 10,
         "financing.level_model.level_review": 10}


def public_functions() -> dict[str, typing.Callable]:
    found = {}
    for info in pkgutil.walk_packages(tildel.rules.__path__, "tildel.rules."):
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if (not name.startswith("_") and inspect.isfunction(value)
                    and value.__module__ == module.__name__):
                found[f"{module.__name__.removeprefix('tildel.rules.')}.{name}"] = value
    return found


FUNCTIONS = public_functions()
MINUTES = st.one_of(st.integers(-100, 100_000), AMOUNTS)

#: Parameters without a type hint (values the callers pass).
OVERRIDES: dict[str, dict[str, st.SearchStrategy]] = {
    "delivered_time.check_interval": {"start": MOMENTS, "end": MOMENTS,
                                      "now": st.one_of(st.none(), MOMENTS)},
    "delivered_time.overlaps": {name: MOMENTS for name in ("a_start", "a_end", "b_start",
                                                            "b_end")},
    "delivered_time.first_overlap": {"start": MOMENTS, "end": MOMENTS,
                                     "others": st.lists(st.tuples(MOMENTS, MOMENTS),
                                                        max_size=5)},
    "delivered_time.is_deviation": {"delivered_minutes": MINUTES,
                                    "expected_minutes": MINUTES},
    "delivered_time.hours_text": {"minutes_value": MINUTES},
    "hours.weekly_hours": {"extent": st.one_of(st.none(), AMOUNTS)},
    "financing.level_model.as_years": {"rows": st.just([])},
    "delivered_time.days": {"first": DATES, "last": DATES},
}


REGISTERED[Indicator] = st.sampled_from(catalogue.INDICATORS)
# A year of a user's hours is twelve months (index 0 is January).
REGISTERED[UserYear] = st.builds(
    UserYear, unit=st.sampled_from(["Nord", "Sør"]), person=st.sampled_from("ABCDE"),
    hours=st.tuples(*[st.decimals(0, 400, places=1)] * 12),
    in_stay=st.frozensets(st.integers(0, 11)), paused=st.frozensets(st.integers(0, 11)))
OVERRIDES["financing.incentives.self_reliance_effect"] = {"categories": st.dictionaries(
    st.sampled_from(["Nord", "Sør"]), st.dictionaries(
        st.sampled_from("ABCDE"), st.sampled_from([level.value for level in Level])))}
OVERRIDES["financing.budget.months_of"] = {"first": st.integers(1, 12),
                                           "last": st.integers(1, 12)}
OVERRIDES["delivered_time.classify"] = {"intervals": st.lists(st.builds(
    delivered_time.Interval, key=st.tuples(st.integers(1, 3), st.integers(1, 2)),
    start=MOMENTS, end=MOMENTS, line=st.one_of(st.none(), st.integers(1, 100))),
    max_size=8)}


@st.composite
def _iso_week(draw):
    """A week the year has (week 53 only in years with 53 ISO weeks)."""
    year = draw(st.integers(2015, 2035))
    return {"year": year,
            "week": draw(st.integers(1, dt.date(year, 12, 28).isocalendar().week))}


@st.composite
def _reconcile_arguments(draw):
    """Every event's person is among the persons (the caller reads them together)."""
    arguments = draw(for_function(kpr.reconcile, {"persons": st.just({})}))
    events = list(arguments["desired"])
    person = for_hint(kpr.Person)
    arguments["persons"] = {e.person_id: draw(person) for e in events}
    arguments["desired"] = events
    return arguments


@st.composite
def _review_arguments(draw):
    """A tertial review of a budget the level model made (as the budgets page does)."""
    years = st.lists(REGISTERED[UserYear], max_size=6)
    year = draw(st.integers(2015, 2035))
    previous = level_model.level_budget(draw(years), year)
    return {"previous": previous, "rows": draw(years), "tertial": draw(st.integers(1, 3))}


@st.composite
def _windows(draw):
    """Periods as the dashboard makes them: at least one month, tertial or year."""
    first = draw(DATES)
    last = draw(st.dates(first, first + dt.timedelta(days=800)))
    return periods.windows(first, last, draw(st.sampled_from(["month", "tertial", "year"])))


for _name in ("indicators.engine.evaluate", "indicators.engine.evaluate_groupings"):
    OVERRIDES[_name] = {"periods": _windows()}
# The register's services are always found from the same lines (kpr.episodes).
for _name in ("kpr.events", "kpr.held_services", "kpr.problems"):
    OVERRIDES[_name] = {"services": st.none()}
# A discharge fact's destination is one of the hospital message's values, or none.
STRINGS_BY_NAME["destination"] = st.sampled_from(
    ["", *(place.value for place in discharge.Destination)])

STRATEGIES = {"financing.level_model.level_review": _review_arguments(),
              "kpr.reconcile": _reconcile_arguments(), "delivered_time.week_days": _iso_week()}


def rule_errors() -> tuple[type[BaseException], ...]:
    """The exceptions the rules define: refusals with a message, not crashes."""
    errors = set()
    for info in pkgutil.walk_packages(tildel.rules.__path__, "tildel.rules."):
        for value in vars(importlib.import_module(info.name)).values():
            if (inspect.isclass(value) and issubclass(value, Exception)
                    and value.__module__.startswith("tildel.rules")):
                errors.add(value)
    return tuple(errors)


RULE_ERRORS = rule_errors()
RULES_FOLDER = str(Path(tildel.rules.__file__).parent)


def deliberate(error: ValueError) -> bool:
    """A ValueError the rule raises itself (``raise ValueError("months must be at least
    1")``) states a precondition of its callers; one from inside the standard library
    (a date out of range, a failed conversion) is a crash."""
    frame = error.__traceback__
    while frame.tb_next is not None:
        frame = frame.tb_next
    filename = frame.tb_frame.f_code.co_filename
    line = linecache.getline(filename, frame.tb_lineno).strip()
    return filename.startswith(RULES_FOLDER) and line.startswith("raise ")
SIMPLE = {bool, int, float, str, Decimal, dt.date, dt.datetime, list, dict, tuple, set,
          frozenset, type(None)}


def promised(function) -> tuple[type, ...] | None:
    """The plain classes the return hint allows, or None when it is not that plain."""
    hint = typing.get_type_hints(function).get("return")
    options = typing.get_args(hint) if typing.get_origin(hint) in (
        typing.Union, __import__("types").UnionType) else (hint,)
    classes = []
    for option in options:
        option = typing.get_origin(option) or option
        if option is None:
            option = type(None)
        if option in (abc.Iterator, abc.Iterable):
            return None
        if not inspect.isclass(option):
            return None
        classes.append(option)
    return tuple(classes) or None


@pytest.mark.parametrize(("name", "examples"), [
    pytest.param(name, FEWER.get(name, EXAMPLES), id=f"{name}-{FEWER.get(name, EXAMPLES)}")
    for name in sorted(FUNCTIONS)])
def test_every_rule_takes_generated_inputs_without_crashing(name, examples):
    function = FUNCTIONS[name]
    classes = promised(function)
    tried = []

    @settings(max_examples=examples, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(STRATEGIES[name] if name in STRATEGIES
           else for_function(function, OVERRIDES.get(name, {})))
    def run(arguments):
        tried.append(1)
        try:
            result = function(**arguments)
        except RULE_ERRORS as refusal:
            assert str(refusal).strip(), f"{type(refusal).__name__} without a message"
            return
        except ValueError as error:
            if not deliberate(error):
                raise
            return
        if inspect.isgenerator(result):
            result = list(result)
        elif classes is not None:
            assert isinstance(result, classes), f"{name} gave {type(result).__name__}"

    run()
    assert len(tried) >= (examples if inspect.signature(function).parameters else 1)


def test_the_run_covers_every_public_rule():
    """A new rule is in the run by itself; the count guards against finding none."""
    assert len(FUNCTIONS) >= 140
    assert {"deadlines.add_working_days", "identity.parse", "kpr.events",
            "financing.level_model.level_budget"} <= set(FUNCTIONS)


def test_a_precondition_is_told_from_a_crash():
    """The run's judge: the rule's own ``raise ValueError`` is a precondition, a
    ValueError from the standard library inside a rule is a crash."""
    with pytest.raises(ValueError) as stated:
        FUNCTIONS["deadlines.add_working_days"](dt.date(2026, 1, 5), -1)
    assert deliberate(stated.value)
    with pytest.raises(ValueError) as crash:
        FUNCTIONS["financing.budget.months_of"](2026, 1, 13)
    assert not deliberate(crash.value)


def test_the_level_share_without_base_financing_is_refused_with_a_message():
    """Found by the run: base financing of 0 hours divided by zero."""
    from tildel.rules.financing.budget import ParameterError
    from tildel.rules.financing.level_model import DEFAULT_PARAMETERS

    no_base = dataclasses.replace(DEFAULT_PARAMETERS, base_hours=Decimal(0))
    with pytest.raises(ParameterError, match="uten grunnfinansiering"):
        level_model.level_increase_over_base(Level.LEVEL_1, no_base)


def test_a_frame_without_a_held_buffer_is_not_a_crash():
    """Found by the run in CI: a budget with a frame but no buffer held back
    (``hold_buffer=False``) looked the buffer up and raised KeyError."""
    from tildel.rules.financing.budget import UserYear as Year
    from tildel.rules.financing.level_model import DEFAULT_PARAMETERS

    framed = dataclasses.replace(DEFAULT_PARAMETERS, frame=Decimal(1000))
    rows = [Year("Nord", "A", (Decimal(50),) * 12)]
    budget = level_model.level_budget(rows, 2026, params=framed, hold_buffer=False)
    assert budget.year == 2026 and budget.total > 0
