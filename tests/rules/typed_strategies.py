"""Hypothesis strategies built from type hints, for the property run over every function in
``tildel.rules`` (test_every_rule.py). Values stay inside what a municipality meets: dates
1990–2060, money and hours of everyday size, short lists; a parameter's name narrows it
further (``year``, ``month``, ``week``, ``extent_unit``…)."""

from __future__ import annotations

import collections
import collections.abc as abc
import dataclasses
import datetime as dt
import enum
import inspect
import random
import types
import typing
from decimal import Decimal
from zoneinfo import ZoneInfo

from hypothesis import strategies as st

OSLO = ZoneInfo("Europe/Oslo")
FIRST_DAY, LAST_DAY = dt.date(2015, 1, 1), dt.date(2035, 12, 31)
MAX_ITEMS = 4

DATES = st.dates(FIRST_DAY, LAST_DAY)
MOMENTS = st.datetimes(dt.datetime(2015, 1, 1), dt.datetime(2035, 12, 31),
                       timezones=st.just(OSLO))
AMOUNTS = st.decimals(-1000, 100_000, places=2, allow_nan=False, allow_infinity=False)
TEXTS = st.one_of(st.text(max_size=12), st.sampled_from(
    ["", "hjemmesykepleie", "praktisk-bistand", "timer_per_uke", "timer_per_maaned",
     "vedtak", "SPL", "hjelpepleier", "kommune", "bydel", "enhet", "municipality",
     "month", "tertial", "year", "level", "price", "frame", "abi", "trust"]))

#: Narrower whole numbers by parameter or field name.
INTS_BY_NAME: dict[str, st.SearchStrategy] = {
    "year": st.integers(1990, 2060),
    "month": st.integers(1, 12),
    "week": st.integers(1, 53),
    "tertial": st.integers(1, 3),
    "cycle_weeks": st.integers(1, 52),
    "weeks": st.integers(0, 52),
    "beds": st.integers(-2, 40),
    "count": st.integers(-5, 10_000),
    "decimals": st.integers(0, 4),
    "threshold": st.integers(0, 20),
    "min_cases": st.integers(0, 30),
    "per_week": st.integers(0, 600),
    "days_in_period": st.integers(0, 366),
    "weekday": st.integers(0, 6),
}
#: Text fields that hold one of a fixed set of values.
STRINGS_BY_NAME: dict[str, st.SearchStrategy] = {}
#: Fields typed ``object`` (any comparable) get what the callers put there.
OBJECTS_BY_NAME: dict[str, st.SearchStrategy] = {
    "month": DATES.map(lambda day: day.replace(day=1)),
    "start": MOMENTS,
    "end": MOMENTS,
}
#: Classes that are better drawn from real values than built field by field.
REGISTERED: dict[type, st.SearchStrategy] = {}
#: Returned by a record whose class refuses the drawn values (its own precondition).
_REFUSED = object()


def _is_namedtuple(cls) -> bool:
    return isinstance(cls, type) and issubclass(cls, tuple) and hasattr(cls, "_fields")


def _record(cls, depth: int) -> st.SearchStrategy:
    """A dataclass or named tuple with each field drawn from its own hint."""
    hints = typing.get_type_hints(cls)
    if dataclasses.is_dataclass(cls):
        names = [f.name for f in dataclasses.fields(cls) if f.init]
        optional = {f.name for f in dataclasses.fields(cls) if f.init and (
            f.default is not dataclasses.MISSING
            or f.default_factory is not dataclasses.MISSING)}
    else:
        names, optional = list(cls._fields), set(cls._field_defaults)
    required = {n: for_hint(hints[n], n, depth + 1) for n in names if n not in optional}
    extra = {n: for_hint(hints[n], n, depth + 1) for n in optional if n in hints}

    def build(values):
        try:
            return cls(**values)
        except ValueError:  # e.g. a suspension that ends before it starts
            return _REFUSED

    return st.fixed_dictionaries(required, optional=extra).map(build).filter(
        lambda made: made is not _REFUSED)


def for_hint(hint, name: str = "", depth: int = 0) -> st.SearchStrategy:
    """A strategy for a value of type ``hint`` for a parameter or field called ``name``."""
    if hint is int and name in INTS_BY_NAME:
        return INTS_BY_NAME[name]
    if hint is str and name in STRINGS_BY_NAME:
        return STRINGS_BY_NAME[name]
    if hint is object and name in OBJECTS_BY_NAME:
        return OBJECTS_BY_NAME[name]
    if hint in REGISTERED:
        return REGISTERED[hint]
    if depth > 8:
        return st.nothing()
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        return st.one_of(*(for_hint(a, name, depth) for a in args))
    if hint is type(None) or hint is None:
        return st.none()
    if hint is bool:
        return st.booleans()
    if hint is int:
        return st.integers(-400, 400)
    if hint is float:
        return st.floats(-1e6, 1e6, allow_nan=False)
    if hint is str:
        return TEXTS
    if hint is Decimal:
        return AMOUNTS
    if hint is dt.datetime:
        return MOMENTS
    if hint is dt.date:
        return DATES
    if hint is dt.tzinfo:
        return st.just(OSLO)
    if hint is dt.time:
        return st.times()
    if hint is dict:
        return st.dictionaries(TEXTS, st.integers(0, 5), max_size=3)
    if hint is tuple:
        return st.tuples()
    if hint is object:
        return st.one_of(DATES, st.integers(-5, 20), TEXTS)
    if hint is random.Random:
        return st.randoms(use_true_random=False)
    if hint is collections.Counter or origin is collections.Counter:
        return st.dictionaries(DATES, st.integers(0, 30), max_size=MAX_ITEMS).map(
            collections.Counter)
    if inspect.isclass(hint) and issubclass(hint, enum.Enum):
        return st.sampled_from(list(hint))
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return st.lists(for_hint(args[0], name, depth + 1), max_size=MAX_ITEMS).map(tuple)
        return st.tuples(*(for_hint(a, name, depth + 1) for a in args))
    if hint in (abc.Sequence, abc.Iterable, list):
        return st.just(())
    if hint in (frozenset, set):
        return st.just(hint())
    if origin in (list, abc.Iterable, abc.Sequence, abc.Collection, abc.Iterator):
        if depth > 3:
            return st.just([])
        return st.lists(for_hint(args[0], name, depth + 1), max_size=MAX_ITEMS)
    if origin in (set, frozenset, abc.Set):
        return st.frozensets(for_hint(args[0], name, depth + 1), max_size=MAX_ITEMS).map(
            origin if origin in (set, frozenset) else frozenset)
    if origin in (dict, abc.Mapping):
        return st.dictionaries(for_hint(args[0], name, depth + 1),
                               for_hint(args[1], name, depth + 1), max_size=MAX_ITEMS)
    if dataclasses.is_dataclass(hint) or _is_namedtuple(hint):
        return _record(hint, depth)
    raise TypeError(f"no strategy for {hint!r} ({name})")


def for_function(function, overrides: dict[str, st.SearchStrategy]) -> st.SearchStrategy:
    """Keyword arguments for ``function``: every parameter, defaults sometimes left out."""
    hints = typing.get_type_hints(function)
    required, optional = {}, {}
    for name, parameter in inspect.signature(function).parameters.items():
        strategy = overrides[name] if name in overrides else for_hint(hints[name], name)
        (optional if parameter.default is not inspect.Parameter.empty else required)[name] = \
            strategy
    return st.fixed_dictionaries(required, optional=optional)
