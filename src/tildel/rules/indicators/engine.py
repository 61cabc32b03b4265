"""How an indicator is defined and computed (nøkkeltall med presis definisjon).

Each indicator names its numerator (teller) and denominator (nevner) as functions over
the plain fact rows. A function yields *items* ``(windows, row, subject, amount,
category)``: the period index (or range of indices) the item falls in, the fact row
(which carries the grouping keys), who or what it counts (a person id, a pathway id …;
also what a drill-down lists), an amount (1 for a count, hours for a sum) and a category
for distributions (or None).

One pass: every function walks its fact table once and yields, per row, the *range* of
periods it touches (``Timeline.overlapping``); distinct subjects are counted by merging
ranges into difference arrays. A computation costs about one step per row, whether the
periods are 60 months or 5 years.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import Enum

from .facts import GROUPINGS, Facts
from .periods import Timeline, Window

TOTAL = "*"  # the group key of the whole municipality
SUPPRESS_BELOW = 5  # counts 1–4 are hidden from aggregate-only readers (as SSB does)

Item = tuple  # (window index or range of indices, row, subject, amount, category)


class Unit(Enum):
    PERCENT = ("percent", "%", 100)
    PER_HUNDRED = ("per_hundred", "per 100", 100)
    PER_THOUSAND = ("per_thousand", "per 1 000", 1000)
    HOURS = ("hours", "timer", 1)
    DAYS = ("days", "dager", 1)
    COUNT = ("count", "antall", 1)
    RATIO = ("ratio", "forhold", 1)
    KRONER = ("kroner", "kr", 1)

    def __init__(self, key: str, label: str, scale: int):
        self.key, self.label, self.scale = key, label, scale


@dataclass(frozen=True)
class Source:
    """Where an indicator comes from: report number, lines and a short note."""

    report: str
    lines: str
    note: str = ""

    def __str__(self) -> str:
        text = f"Rapport {self.report}, {self.lines}"
        return f"{text} ({self.note})" if self.note else text


@dataclass(frozen=True)
class Indicator:
    """One key figure, defined once.

    ``numerator_mode`` / ``denominator_mode``: "count" counts distinct subjects, "sum" adds
    the amounts, "max" takes the largest amount. Without a denominator the value is the
    numerator (times the unit's scale).
    """

    code: str
    name: str
    definition: str
    unit: Unit
    sources: tuple[Source, ...]
    tables: tuple[str, ...]
    numerator: Callable[[Facts, Timeline], Iterable[Item]]
    numerator_name: str
    denominator: Callable[[Facts, Timeline], Iterable[Item]] | None = None
    denominator_name: str = ""
    numerator_mode: str = "count"
    denominator_mode: str = "count"
    subject: str = "person"  # what the numerator's subjects are, for drill-down
    groupings: tuple[str, ...] = tuple(GROUPINGS)
    categories: tuple[tuple[str, str], ...] = ()
    categorised_denominator: bool = False  # the denominator is split by category too
    dynamic_categories: bool = False  # categories are found in the data (e.g. services)
    snapshot: bool = False  # measured on the last day of each period
    topic: str = ""
    services: frozenset[str] | None = None  # the service spells it reads; None: all
    numerator_people: bool = True  # the numerator counts persons or cases (suppression)
    denominator_people: bool = True  # False for inhabitants, staffing

    @property
    def source_text(self) -> str:
        return "; ".join(str(s) for s in self.sources)

    def category_label(self, category: str | None) -> str:
        return dict(self.categories).get(category, "") if category else ""


class Status(Enum):
    OK = ("ok", "")
    NO_DATA = ("no_data", "Ingen data")
    ZERO_DENOMINATOR = ("zero_denominator", "Nevneren er null")
    SUPPRESSED = ("suppressed", "Skjult (færre enn 5)")
    NOT_GROUPABLE = ("not_groupable", "Kan ikke grupperes slik")

    def __init__(self, key: str, label: str):
        self.key, self.label = key, label


@dataclass
class Value:
    """One figure: an indicator for one period, one group and (for distributions) one
    category, with its numerator and denominator."""

    indicator: Indicator
    window: Window
    group: object  # a grouping key (id) or TOTAL
    category: str | None
    numerator: float | None
    denominator: float | None
    value: float | None
    numerator_count: int = 0
    denominator_count: int = 0
    status: Status = Status.OK
    subjects: frozenset | None = field(default=None, repr=False)

    @property
    def code(self) -> str:
        return self.indicator.code

    def suppressed(self, threshold: int = SUPPRESS_BELOW) -> Value:
        """This value as an aggregate-only reader may see it: small counts hidden.

        A count of 1–4 persons or cases in the numerator or denominator could point at
        someone, so the value and both counts are withheld (0 is shown: it points at no
        one). Sides that count no one (inhabitants, unit-months) are not a reason; a count
        indicator whose value is a formula on persons (report 001's "Andre") is hidden when
        the value itself is 1–4.
        """
        indicator = self.indicator
        counts = [self.numerator_count] if indicator.numerator_people else []
        if indicator.denominator is not None and indicator.denominator_people:
            counts.append(self.denominator_count)
        small = any(0 < c < threshold for c in counts)
        if (indicator.unit is Unit.COUNT and indicator.numerator_mode == "sum"
                and self.value is not None and 0 < abs(self.value) < threshold):
            small = True
        if self.status in (Status.NO_DATA, Status.NOT_GROUPABLE, Status.SUPPRESSED) \
                or not small:
            return Value(**{**self.__dict__, "subjects": None})
        return self.hidden()

    def hidden(self) -> Value:
        return Value(self.indicator, self.window, self.group, self.category, None, None, None,
                     0, 0, Status.SUPPRESSED, None)


def suppress(values: list[Value], threshold: int = SUPPRESS_BELOW) -> list[Value]:
    """Primary and complementary suppression for aggregate-only readers.

    Hiding one cell is not enough when the others and the total are shown: the total minus
    the visible groups gives the hidden one back. So wherever exactly one cell of a set is
    hidden (the groups of one period and category, or the categories of one period and
    group), the next-smallest cell of that set is hidden too, or the total if no other
    cell is left; repeated until no set has a single hidden cell.
    """
    result = [v.suppressed(threshold) for v in values]
    for _ in range(4):
        changed = False
        for key_of, total_of in ((lambda v: (v.window.key, v.category), lambda v: v.group),
                                 (lambda v: (v.window.key, v.group), lambda v: None)):
            sets: dict[tuple, list[int]] = {}
            for i, v in enumerate(result):
                sets.setdefault(key_of(v), []).append(i)
            for members in sets.values():
                if len(members) < 2:
                    continue
                changed |= _complement(result, members, total_of)
        if not changed:
            break
    return result


def _complement(result: list[Value], members: list[int], total_of) -> bool:
    """Hide one more cell of ``members`` if exactly one of its parts is hidden."""
    parts = [i for i in members if total_of(result[i]) != TOTAL]
    totals = [i for i in members if total_of(result[i]) == TOTAL]
    hidden = [i for i in parts if result[i].status is Status.SUPPRESSED]
    if len(hidden) != 1:
        return False
    shown = [i for i in parts if result[i].status is Status.OK]
    candidates = shown or [i for i in totals if result[i].status is Status.OK]
    if not candidates:
        return False
    smallest = min(candidates, key=lambda i: (result[i].numerator_count,
                                              result[i].denominator_count))
    result[smallest] = result[smallest].hidden()
    return True


class _Side:
    """Accumulates one side (numerator or denominator) per (group, category) over periods.

    Items carry a *range* of periods (or one period index). Each key keeps a flat list of
    (subject, first, stop, amount); ``finish`` sorts it (in C) and merges each subject's
    ranges before adding them once to a difference array, so a person in a pathway for
    30 months costs one entry, not thirty, and a person counts once per period.
    """

    __slots__ = ("mode", "size", "entries")

    def __init__(self, mode: str, size: int):
        self.mode, self.size = mode, size
        self.entries: dict[tuple, list[tuple]] = {}

    def finish(self, keep_subjects: bool) -> dict[tuple, tuple[list, list, list | None]]:
        """Per key: (value per period, distinct subjects per period, subject sets or None)."""
        result = {}
        size, mode = self.size, self.mode
        for key, entries in self.entries.items():
            try:
                entries.sort(key=_subject_first)
            except TypeError:  # subjects that do not compare, e.g. (None, "80+") and (1, …)
                entries.sort(key=_subject_text_first)
            counts_diff = [0] * (size + 1)
            sums_diff = [0.0] * (size + 1) if mode == "sum" else None
            peaks: dict[int, float] = {}
            sets = [set() for _ in range(size)] if keep_subjects else None
            previous, span_first, span_stop = _NOTHING, 0, 0
            for subject, first, stop, amount in entries:
                if sums_diff is not None:
                    sums_diff[first] += amount
                    sums_diff[stop] -= amount
                elif mode == "max":
                    for w in range(first, stop):
                        if amount > peaks.get(w, -math.inf):
                            peaks[w] = amount
                if subject == previous and first <= span_stop:
                    if stop > span_stop:
                        span_stop = stop
                    continue
                if previous is not _NOTHING:
                    counts_diff[span_first] += 1
                    counts_diff[span_stop] -= 1
                    if sets is not None:
                        for w in range(span_first, span_stop):
                            sets[w].add(previous)
                previous, span_first, span_stop = subject, first, stop
            if previous is not _NOTHING:
                counts_diff[span_first] += 1
                counts_diff[span_stop] -= 1
                if sets is not None:
                    for w in range(span_first, span_stop):
                        sets[w].add(previous)
            counts = list(itertools.accumulate(counts_diff[:size]))
            if mode == "count":
                values = [float(c) for c in counts]
            elif mode == "sum":
                # Where no subject is left the sum is 0, not the rounding left over from
                # adding and taking away the same amounts (5e-15 hours).
                values = [total if count else 0.0 for total, count in zip(
                    itertools.accumulate(sums_diff[:size]), counts, strict=True)]
            else:
                values = [peaks.get(w, 0.0) for w in range(size)]
            result[key] = (values, counts, sets)
        return result


_NOTHING = object()


def _subject_first(entry: tuple):
    return (entry[0], entry[1])


def _subject_text_first(entry: tuple):
    return (repr(entry[0]), entry[1])


def _accumulate(items: Iterable[Item], side: _Side, groupings: tuple[str, ...],
                categorised: bool) -> None:
    """Add each item to the whole municipality and to its group in each of ``groupings``.

    Keys are (grouping, group, category); the whole municipality's is (None, TOTAL, …).
    """
    entries = side.entries
    for w, row, subject, amount, category in items:
        if type(w) is int:
            first, stop = w, w + 1
        else:
            first, stop = w.start, w.stop
            if first >= stop:
                continue
        cat = category if categorised else None
        # A pair of amounts is (for the whole municipality, for the row's group): a
        # person's month counts once in the total but in each unit that served them.
        if type(amount) is tuple:
            total, group = amount
        else:
            total = group = amount
        key = (None, TOTAL, cat)
        found = entries.get(key)
        if found is None:
            found = entries[key] = []
        found.append((subject, first, stop, total))
        for by in groupings:
            key = (by, getattr(row, by), cat)
            found = entries.get(key)
            if found is None:
                found = entries[key] = []
            found.append((subject, first, stop, group))


def evaluate(indicator: Indicator, facts: Facts, periods: Sequence[Window],
             by: str = "municipality", keep_subjects: bool = False) -> list[Value]:
    """The indicator for every period, per group of ``by`` and for the whole municipality.

    Periods wholly outside the data (``facts.covers``, narrowed by ``facts.starts`` for the
    indicator's tables) are NO_DATA; a share with an empty denominator is NO_DATA too,
    never 0 %.
    """
    return evaluate_groupings(indicator, facts, periods, (by,), keep_subjects)[by]


def evaluate_groupings(indicator: Indicator, facts: Facts, periods: Sequence[Window],
                       groupings: Sequence[str], keep_subjects: bool = False
                       ) -> dict[str, list[Value]]:
    """``evaluate`` for several groupings in one pass over the facts (the stored figures
    are computed this way): grouping → values, each list as ``evaluate`` gives it."""
    unknown = [by for by in groupings if by not in GROUPINGS]
    if unknown:
        raise ValueError(f"unknown grouping {unknown[0]!r}")
    timeline = Timeline(periods)
    result: dict[str, list[Value]] = {}
    for by in groupings:
        if by != "municipality" and by not in indicator.groupings:
            result[by] = [Value(indicator, w, TOTAL, None, None, None, None,
                                status=Status.NOT_GROUPABLE) for w in timeline.windows]
    wanted = [by for by in dict.fromkeys(groupings) if by not in result]
    if not wanted:
        return result
    keyed = tuple(by for by in wanted if by != "municipality")
    size = len(timeline)
    numerator = _Side(indicator.numerator_mode, size)
    categorised = bool(indicator.categories) or indicator.dynamic_categories
    _accumulate(indicator.numerator(facts, timeline), numerator, keyed, categorised)
    denominator = None
    if indicator.denominator is not None:
        denominator = _Side(indicator.denominator_mode, size)
        _accumulate(indicator.denominator(facts, timeline), denominator, keyed,
                    indicator.categorised_denominator)
    categories = [c for c, _ in indicator.categories] or [None]
    if indicator.dynamic_categories:
        categories = sorted({key[2] for key in numerator.entries}, key=str) or [None]
    sides = [side for side in (numerator, denominator) if side is not None]
    num_totals = numerator.finish(keep_subjects)
    den_totals = denominator.finish(False) if denominator is not None else None
    first, last = facts.covers
    table_starts = [facts.starts[t] for t in indicator.tables if t in facts.starts]
    if table_starts:
        first = None if None in table_starts else max(first, *table_starts)
    for by in wanted:
        key_by = None if by == "municipality" else by
        groups = {key[1] for side in sides for key in side.entries if key[0] == key_by}
        groups.add(TOTAL)
        ordered = sorted(groups, key=_sort_key)
        values = []
        for w, window in enumerate(timeline.windows):
            covered = first is not None and window.end >= first and window.start <= last
            for group in ordered:
                prefix = None if group == TOTAL else key_by
                for category in categories:
                    values.append(_value(indicator, window, w, prefix, group, category,
                                         num_totals, den_totals, covered))
        result[by] = values
    return {by: result[by] for by in groupings}


def _sort_key(group) -> tuple:
    return (group != TOTAL, group is None, str(type(group)), group if group not in (
        TOTAL, None) else 0)


_EMPTY = (None, None, None)


def _value(indicator: Indicator, window: Window, w: int, prefix: str | None, group, category,
           numerator: dict, denominator: dict | None, covered: bool) -> Value:
    if not covered:
        return Value(indicator, window, group, category, None, None, None,
                     status=Status.NO_DATA)
    values, counts, sets = numerator.get((prefix, group, category), _EMPTY)
    num = values[w] if values else 0.0
    num_count = counts[w] if counts else 0
    subjects = frozenset(sets[w]) if sets else None
    scale = indicator.unit.scale
    if denominator is None:
        return Value(indicator, window, group, category, num, None, num * scale, num_count,
                     0, Status.OK, subjects)
    den_key = (prefix, group, category if indicator.categorised_denominator else None)
    den_values, den_counts, _ = denominator.get(den_key, _EMPTY)
    den = den_values[w] if den_values else 0.0
    den_count = den_counts[w] if den_counts else 0
    if den_count == 0 and (num_count == 0 or not indicator.denominator_people):
        # Nothing to count, or inhabitants / rostered hours not given for the period.
        return Value(indicator, window, group, category, num, den, None, 0, 0,
                     Status.NO_DATA, subjects)
    if den == 0:
        return Value(indicator, window, group, category, num, den, None, num_count, den_count,
                     Status.ZERO_DENOMINATOR, subjects)
    return Value(indicator, window, group, category, num, den, num / den * scale, num_count,
                 den_count, Status.OK, subjects)


def without_empty_groups(values: list[Value]) -> list[Value]:
    """The values without the groups that have nothing in any of the periods.

    Which groups the engine lists depends on the rows read, and so on the months asked for
    (a unit that closed two years ago shows up in a five-year read). A group with no
    person, case or other subject in the periods shown says nothing and is left out (an
    amount without a subject cannot happen; see ``_Side.finish``); the whole municipality
    is always kept.
    """
    kept = {v.group for v in values if v.group == TOTAL or v.numerator_count
            or v.denominator_count}
    return [v for v in values if v.group in kept]


def change(before: Value | None, after: Value) -> tuple[float | None, float | None]:
    """Change from ``before`` to ``after``: (difference, percent of ``before``).

    Report 001 T7 (L1112-1166) states change as Δ persons and Δ / value in the first year.
    None where either value is missing or the first is 0 (no percent of nothing).
    """
    if before is None or before.value is None or after.value is None:
        return None, None
    difference = after.value - before.value
    percent = difference / before.value * 100 if before.value else None
    return difference, percent
