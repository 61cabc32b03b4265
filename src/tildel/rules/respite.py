"""Respite on a rotating schedule (avlastning med rullerende oppholdsplan), matched to the
rota of the respite home (report 001 l.1459-1461).

Report 001 finds that in Kristiansund the stay plan (oppholdsplan) of respite is not
coordinated with the rota (turnus), while Molde decides respite as fixed, time-set stays
that rotate over 12 weeks so that they agree with the rota. Here a respite decision gets a
stay plan of stays placed in the weeks of a cycle (12 weeks unless the home sets another
length). A plan is refused when a guest would be in the house at a time no shift of the
rota covers, or when a night would have more guests than the home has beds.

The decided extent of respite is given in døgn; the reports do not say per what period.
Tildel reads it as døgn per month (the usual wording of a respite decision) and compares
the plan's average per month with it.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from tildel.rules.housing import DAYS, MINUTES_PER_DAY, Shift

#: Molde's cycle (report 001 l.1459-1461).
CYCLE_WEEKS = 12
#: Average days in a month (365.25 / 12), to turn nights per cycle into nights per month.
DAYS_PER_MONTH = 30.4375
#: The longest single stay a plan accepts.
MAX_NIGHTS = 14


@dataclass(frozen=True)
class Stay:
    """One stay of a plan: arrival in week ``week`` (1 = the cycle's first) on ``weekday``
    (0 Monday) at ``arrive``, home ``nights`` later at ``leave``."""

    week: int
    weekday: int
    arrive: dt.time
    nights: int
    leave: dt.time

    def span(self) -> tuple[int, int]:
        """Minutes from the cycle's first Monday 00:00 to arrival and departure."""
        first = (((self.week - 1) * 7 + self.weekday) * MINUTES_PER_DAY
                 + self.arrive.hour * 60 + self.arrive.minute)
        last = (((self.week - 1) * 7 + self.weekday + self.nights) * MINUTES_PER_DAY
                + self.leave.hour * 60 + self.leave.minute)
        return first, last

    def night_indexes(self) -> list[int]:
        """The nights of the stay as day numbers in the cycle (0 the first Monday)."""
        first = (self.week - 1) * 7 + self.weekday
        return list(range(first, first + self.nights))


def describe(stay: Stay) -> str:
    """Norwegian, e.g. "uke 3: fredag 15:00 til søndag 18:00 (2 døgn)"."""
    home = DAYS[(stay.weekday + stay.nights) % 7]
    return (f"uke {stay.week}: {DAYS[stay.weekday]} {stay.arrive:%H:%M} til {home} "
            f"{stay.leave:%H:%M} ({stay.nights} døgn)")


def stay_problem(stay: Stay, cycle_weeks: int = CYCLE_WEEKS) -> str:
    """Why one stay cannot be in a plan, in Norwegian; empty when it can."""
    if not 1 <= stay.week <= cycle_weeks:
        return f"Uken må være fra 1 til {cycle_weeks}."
    if not 0 <= stay.weekday <= 6:
        return "Ukedagen er ugyldig."
    if not 1 <= stay.nights <= MAX_NIGHTS:
        return f"Et opphold må vare fra 1 til {MAX_NIGHTS} døgn."
    if stay.nights >= cycle_weeks * 7:
        return "Et opphold kan ikke vare like lenge som syklusen; gjør syklusen lengre."
    return ""


def clash(stays: Iterable[Stay], cycle_weeks: int = CYCLE_WEEKS) -> tuple[Stay, Stay] | None:
    """Two stays of the same plan that overlap (the cycle wraps: the last week runs into
    the first), or None."""
    cycle = cycle_weeks * 7 * MINUTES_PER_DAY
    ordered = sorted(stays, key=lambda s: s.span())
    for i, a in enumerate(ordered):
        for b in ordered[i + 1:]:
            (a1, a2), (b1, b2) = a.span(), b.span()
            if any(a1 < b2 + shift and b1 + shift < a2 for shift in (-cycle, 0, cycle)):
                return a, b
    return None


def _covered(shifts: Sequence[Shift]) -> list[tuple[int, int]]:
    """The minutes of a week that at least one shift covers, merged, unwrapped into
    [0, week) intervals."""
    week = 7 * MINUTES_PER_DAY
    pieces = []
    for shift in shifts:
        first, last = shift.span()
        if last <= week:
            pieces.append((first, last))
        else:
            pieces += [(first, week), (0, last - week)]
    merged: list[tuple[int, int]] = []
    for first, last in sorted(pieces):
        if merged and first <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], last))
        else:
            merged.append((first, last))
    return merged


def _clock(minute: int, cycle_weeks: int, week: bool = True) -> str:
    """Minutes from the cycle's start as "uke 2 søndag 20:00" (without the week when
    ``week`` is false)."""
    day, rest = divmod(minute, MINUTES_PER_DAY)
    text = f"{DAYS[day % 7]} {rest // 60:02d}:{rest % 60:02d}"
    return f"uke {day // 7 % cycle_weeks + 1} {text}" if week else text


def uncovered(stay: Stay, shifts: Sequence[Shift], cycle_weeks: int = CYCLE_WEEKS
              ) -> list[str]:
    """The times of a stay when no shift of the rota is on duty, in Norwegian (e.g.
    "uke 2 søndag 18:00–20:00"); empty when the rota covers the whole stay."""
    week = 7 * MINUTES_PER_DAY
    covered = _covered(shifts)
    first, last = stay.span()
    gaps = []
    cursor = first
    while cursor < last:
        offset = cursor - cursor % week
        inside = cursor - offset
        interval = next(((a, b) for a, b in covered if a <= inside < b), None)
        if interval is not None:
            cursor = offset + interval[1]
            continue
        following = next((a for a, _ in covered if a > inside), week)
        gap_end = min(last, offset + following)
        if gaps and gaps[-1][1] == cursor:  # a gap that runs over Sunday midnight
            gaps[-1] = (gaps[-1][0], gap_end)
        else:
            gaps.append((cursor, gap_end))
        cursor = gap_end
    texts = []
    for a, b in gaps:
        same_week = a // (7 * MINUTES_PER_DAY) == (b - 1) // (7 * MINUTES_PER_DAY)
        same_day = a // MINUTES_PER_DAY == (b - 1) // MINUTES_PER_DAY
        end = (f"{b % MINUTES_PER_DAY // 60:02d}:{b % 60:02d}" if same_day and
               b % MINUTES_PER_DAY else _clock(b, cycle_weeks, week=not same_week))
        texts.append(f"{_clock(a, cycle_weeks)}–{end}")
    return texts


def nights_per_cycle(stays: Iterable[Stay]) -> int:
    return sum(stay.nights for stay in stays)


def nights_per_month(stays: Iterable[Stay], cycle_weeks: int = CYCLE_WEEKS) -> float:
    """The plan's average nights per month."""
    return nights_per_cycle(stays) * DAYS_PER_MONTH / (cycle_weeks * 7)


def guests_per_night(plans: Iterable[Iterable[Stay]],
                     cycle_weeks: int = CYCLE_WEEKS) -> list[int]:
    """Guests each night of the cycle (index 0 is the first Monday), over all plans of a
    home; a stay running past the cycle's end continues into its first week."""
    days = cycle_weeks * 7
    counts: Counter[int] = Counter()
    for stays in plans:
        for stay in stays:
            for night in stay.night_indexes():
                counts[night % days] += 1
    return [counts[day] for day in range(days)]


def beds_text(beds: int) -> str:
    return "1 seng" if beds == 1 else f"{beds} senger"


def over_beds(guests: Sequence[int], beds: int) -> list[str]:
    """The nights of the cycle with more guests than beds, in Norwegian (e.g. "uke 2
    fredag (5 gjester, 4 senger)")."""
    return [f"uke {day // 7 + 1} {DAYS[day % 7]} ({count} gjester, {beds_text(beds)})"
            for day, count in enumerate(guests) if count > beds]


def nights_between(stay: Stay, cycle_start: dt.date, first: dt.date, last: dt.date,
                   cycle_weeks: int = CYCLE_WEEKS) -> list[dt.date]:
    """The nights (by the date the night begins) of the stay's repetitions that fall in
    [first, last]."""
    nights = []
    for arrive, _ in dates_of(stay, cycle_start, first - dt.timedelta(days=stay.nights),
                              last, cycle_weeks):
        nights += [night for night in (arrive + dt.timedelta(days=k)
                                       for k in range(stay.nights)) if first <= night <= last]
    return nights


def crowded_dates(guests: Counter, beds: int) -> list[str]:
    """The dates with more guests than beds, in Norwegian (e.g. "fredag 04.12.2026 (3
    gjester, 2 senger)")."""
    return [f"{DAYS[day.weekday()]} {day:%d.%m.%Y} ({guests[day]} gjester, {beds_text(beds)})"
            for day in sorted(guests) if guests[day] > beds]


def week_of_cycle(day: dt.date, cycle_start: dt.date, cycle_weeks: int = CYCLE_WEEKS) -> int:
    """Which week of the cycle a date falls in (1-based); the cycle starts on
    ``cycle_start`` and repeats before and after it."""
    return (day - cycle_start).days // 7 % cycle_weeks + 1


def dates_of(stay: Stay, cycle_start: dt.date, first: dt.date, last: dt.date,
             cycle_weeks: int = CYCLE_WEEKS) -> list[tuple[dt.date, dt.date]]:
    """Arrival and departure dates of a stay's repetitions that arrive in [first, last]."""
    period = cycle_weeks * 7
    offset = (stay.week - 1) * 7 + stay.weekday
    # The first repetition at or after ``first``.
    index = -((cycle_start + dt.timedelta(days=offset) - first).days // period)
    found = []
    while True:
        arrive = cycle_start + dt.timedelta(days=offset + index * period)
        if arrive > last:
            return found
        if arrive >= first:
            found.append((arrive, arrive + dt.timedelta(days=stay.nights)))
        index += 1
