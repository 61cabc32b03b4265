"""Delivered time (levert tid): visit-log rows, overlapping visits, and decided vs. planned
vs. delivered time per week and month.

Report 004 (Blådal, L4049–4051, L4064): home-nursing staff log in and out on their mobile
phones at each visit, and the office compares the logged time with the decision. The
office leader's threshold (L4089–4090): "Jeg tenker ikke på fem-ti minutter, men hvis det
blir en halvtime til en time, så bør de gjøre det" – a deviation of half an hour to an hour
should be reported, five or ten minutes should not. The default here is the upper end,
60 minutes per week, and it is configurable.

Periods: a visit belongs to the local day (and so the ISO week and calendar month) it
starts on. The decided and planned amounts of a period are the weekly hours × days / 7,
counted day by day over the days the service line is in force; the IPLOS rule "monthly
hours / 4" (``hours.py``) only converts a monthly decision to weekly hours.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple
from zoneinfo import ZoneInfo

from . import trust_model

DEFAULT_THRESHOLD_MINUTES = 60
"""Report 004 L4089–4090: 'en halvtime til en time', not 'fem-ti minutter'."""

MAX_VISIT = dt.timedelta(hours=24)
"""A logged visit longer than a day is a forgotten check-out, not a visit."""
MAX_VISIT_SECONDS = int(MAX_VISIT.total_seconds())

OSLO = ZoneInfo("Europe/Oslo")

# Staff roles in the visit log (short codes as the mobile export writes them).
STAFF_ROLES: dict[str, str] = {
    "SPL": "Sykepleier",
    "VPL": "Vernepleier",
    "HFA": "Helsefagarbeider",
    "ASS": "Assistent",
    "FYS": "Fysioterapeut",
    "ERG": "Ergoterapeut",
    "ANN": "Annet",
}
_ROLE_LOOKUP = {**{code.casefold(): code for code in STAFF_ROLES},
                **{label.casefold(): code for code, label in STAFF_ROLES.items()}}

# Column names in the header (case-insensitive), with the names exports commonly use.
COLUMNS: dict[str, tuple[str, ...]] = {
    "unit": ("enhet", "enhetsnummer", "orgnr", "organisasjonsnummer"),
    "person": ("person", "fødselsnummer", "fodselsnummer", "fnr"),
    "start": ("start", "inn", "fra"),
    "end": ("slutt", "ut", "til"),
    "role": ("rolle", "yrkesrolle"),
}

# Reasons for a refused row, in Norwegian. None names a person or repeats the reference.
WRONG_COLUMN_COUNT = "feil antall kolonner (fant {found}, ventet {expected})"
UNKNOWN_PERSON = "ukjent person"
INVALID_PERSON = "ugyldig personreferanse (skal være 11 sifre)"
UNKNOWN_UNIT = "ukjent enhet"
OTHER_UNIT = "enheten er ikke din"
INVALID_START = "ugyldig tidspunkt i start (bruk ÅÅÅÅ-MM-DD TT:MM eller DD.MM.ÅÅÅÅ TT:MM)"
INVALID_END = "ugyldig tidspunkt i slutt (bruk ÅÅÅÅ-MM-DD TT:MM eller DD.MM.ÅÅÅÅ TT:MM)"
END_BEFORE_START = "slutt før start"
ZERO_LENGTH = "besøket varer null minutter"
TOO_LONG = "besøket varer mer enn 24 timer"
IN_FUTURE = "besøket slutter i framtiden"
UNKNOWN_ROLE = "ukjent yrkesrolle"
MISSING_ROLE = "mangler yrkesrolle"
OVERLAPS_STORED = "overlapper et annet besøk som alt er registrert"
OVERLAPS_LINE = "overlapper et annet besøk (linje {line})"
REPEATED_LINE = "samme besøk står også på linje {line}"


class FileProblem(ValueError):
    """The whole file is refused (wrong encoding, no header): a Norwegian message."""


class VisitRow(NamedTuple):
    """One good row: who, where, when (epoch seconds) and the staff role's code."""

    line: int
    person_id: int
    unit_id: int
    start: int
    end: int
    role: str

    def times(self, tz: dt.tzinfo = OSLO) -> tuple[dt.datetime, dt.datetime]:
        return (dt.datetime.fromtimestamp(self.start, tz),
                dt.datetime.fromtimestamp(self.end, tz))


class BadRow(NamedTuple):
    line: int
    reason: str


def column_positions(header: list[str]) -> dict[str, int]:
    """Where each required column is; ``FileProblem`` names the missing ones."""
    names = [name.strip().strip('"').strip().casefold() for name in header]
    positions, missing = {}, []
    for key, aliases in COLUMNS.items():
        found = next((i for i, name in enumerate(names) if name in aliases), None)
        if found is None:
            missing.append(aliases[0])
        else:
            positions[key] = found
    if missing:
        raise FileProblem(
            "Første linje må være en overskrift med kolonnene "
            f"{', '.join(a[0] for a in COLUMNS.values())}. Mangler: {', '.join(missing)}.")
    return positions


def parse_time(text: str, tz: dt.tzinfo = OSLO) -> dt.datetime | None:
    """``YYYY-MM-DD HH:MM`` (ISO, also with ``T`` or seconds) or ``DD.MM.YYYY HH:MM``,
    local time; None when it is neither."""
    seconds = TimeParser(tz).epoch(text)
    return None if seconds is None else dt.datetime.fromtimestamp(seconds, tz)


class TimeParser:
    """Local date-times in the two formats to epoch seconds, fast: the offset from UTC is
    looked up once per local date and hour (a year has 8,760), not once per row, so
    summer time is right and millions of rows parse quickly. In the hour that occurs twice
    when summer time ends, the first (summer-time) occurrence is taken."""

    def __init__(self, tz: dt.tzinfo = OSLO):
        self.tz = tz
        self._hours: dict[str, int | None] = {}

    def epoch(self, text: str) -> int | None:
        text = text.strip()
        if text[:1] == '"':
            text = text.strip('"').strip()
        if len(text) != 16 or text[13] != ":":
            return self._other(text)
        prefix = text[:13]
        hour = self._hours.get(prefix, -1)
        if hour == -1:
            hour = self._hours[prefix] = self._hour(prefix)
        minute = text[14:16]
        if hour is None or not minute.isdigit() or int(minute) > 59:
            return None
        return hour + int(minute) * 60

    def _hour(self, prefix: str) -> int | None:
        if not (prefix[11:13].isdigit() and prefix[10] in " T"):
            return None
        if prefix[2] == "." and prefix[5] == "." and prefix[10] == " ":
            day, month, year = prefix[0:2], prefix[3:5], prefix[6:10]
        elif prefix[4] == "-" and prefix[7] == "-":
            year, month, day = prefix[0:4], prefix[5:7], prefix[8:10]
        else:
            return None
        if not (year.isdigit() and month.isdigit() and day.isdigit()):
            return None
        try:
            local = dt.datetime(int(year), int(month), int(day), int(prefix[11:13]))
        except ValueError:
            return None
        return int(local.replace(tzinfo=self.tz).timestamp())

    def _other(self, text: str) -> int | None:
        """ISO with seconds or an explicit offset (rare in exports)."""
        if len(text) < 16 or text[4] != "-":
            return None
        try:
            value = dt.datetime.fromisoformat(text)
        except ValueError:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=self.tz)
        return int(value.timestamp())


def staff_role(text: str) -> str | None:
    return _ROLE_LOOKUP.get(text.strip().casefold())


@dataclass
class RowParser:
    """Checks one row of the visit log at a time.

    ``persons`` maps fødselsnummer to person id and ``units`` the unit's identifier
    (organisation number) to unit id, both limited to what the importer may register
    (so a person outside the importer's scope is simply unknown). ``allowed_units``
    narrows the units further (a provider leader imports for their own unit only).
    """

    columns: Mapping[str, int]
    persons: Mapping[str, int]
    units: Mapping[str, int]
    now: dt.datetime
    allowed_units: frozenset[int] | None = None
    tz: dt.tzinfo = OSLO
    width: int = field(init=False)

    def __post_init__(self):
        self.width = max(self.columns.values()) + 1
        self._person, self._unit = self.columns["person"], self.columns["unit"]
        self._start, self._end = self.columns["start"], self.columns["end"]
        self._role = self.columns["role"]
        self._times = TimeParser(self.tz)
        self._now = int(self.now.timestamp())

    def parse(self, fields: list[str], line: int, expected_width: int | None = None
              ) -> VisitRow | BadRow | None:
        """A good row, the reason a row is bad, or None for an empty row."""
        expected = expected_width or self.width
        if len(fields) != expected:
            if not any(f.strip() for f in fields):
                return None
            return BadRow(line, WRONG_COLUMN_COUNT.format(found=len(fields), expected=expected))
        reference = fields[self._person].strip().strip('"').replace(" ", "")
        unit_ref = fields[self._unit].strip().strip('"').replace(" ", "")
        if not (reference or unit_ref or fields[self._start].strip()):
            return None
        unit_id = self.units.get(unit_ref)
        if unit_id is None:
            return BadRow(line, UNKNOWN_UNIT)
        if self.allowed_units is not None and unit_id not in self.allowed_units:
            return BadRow(line, OTHER_UNIT)
        person_id = self.persons.get(reference)
        if person_id is None:
            valid = len(reference) == 11 and reference.isdigit()
            return BadRow(line, UNKNOWN_PERSON if valid else INVALID_PERSON)
        start = self._times.epoch(fields[self._start])
        if start is None:
            return BadRow(line, INVALID_START)
        end = self._times.epoch(fields[self._end])
        if end is None:
            return BadRow(line, INVALID_END)
        problem = check_interval(start, end, self._now)
        if problem:
            return BadRow(line, problem)
        role_text = fields[self._role].strip().strip('"')
        if not role_text:
            return BadRow(line, MISSING_ROLE)
        role = _ROLE_LOOKUP.get(role_text.casefold())
        if role is None:
            return BadRow(line, UNKNOWN_ROLE)
        return VisitRow(line, person_id, unit_id, start, end, role)


def check_interval(start, end, now=None) -> str:
    """Why a visit's times are impossible, in Norwegian; empty when they are fine. Takes
    aware datetimes or epoch seconds."""
    if end < start:
        return END_BEFORE_START
    if end == start:
        return ZERO_LENGTH
    if end - start > (MAX_VISIT if isinstance(start, dt.datetime) else MAX_VISIT_SECONDS):
        return TOO_LONG
    if now is not None and end > now:
        return IN_FUTURE
    return ""


# -- overlapping visits ---------------------------------------------------------------


class Interval(NamedTuple):
    """A visit in the overlap check: ``line`` is None for a visit already stored."""

    key: tuple  # (person, unit): visits overlap only for the same person at the same unit
    start: object  # comparable: datetimes or epoch seconds
    end: object
    line: int | None


def overlaps(a_start, a_end, b_start, b_end) -> bool:
    """Half-open intervals: one visit may end the minute the next begins."""
    return a_start < b_end and b_start < a_end


def classify(intervals: Iterable[Interval]) -> Iterator[tuple[int, str]]:
    """Sweep over intervals sorted by (key, start, stored first, line) and yield
    ``(line, verdict)`` for each new row that is not simply new:

    - ``"duplicate"``: the same person, unit and start as a stored visit (a rerun);
    - a Norwegian reason for a bad row: the same visit twice in the file, or a visit
      overlapping a stored visit or an earlier accepted row of the file.

    Stored visits always stand. A new row accepted earlier in the sweep is withdrawn if a
    stored visit that starts later overlaps it. Memory is bounded by the visits open at
    one time for one person, so millions of rows stream through.
    """
    key = None
    active: list[Interval] = []  # accepted or stored, still open at the current start
    first_line: dict[object, int] = {}  # start -> first line with it (current key)
    stored_starts: set[object] = set()
    for iv in intervals:
        if iv.key != key:
            key, active, first_line, stored_starts = iv.key, [], {}, set()
        if active:
            active = [a for a in active if a.end > iv.start]
        if iv.line is None:
            stored_starts.add(iv.start)
            kept = []
            for a in active:
                if a.line is not None and overlaps(a.start, a.end, iv.start, iv.end):
                    yield a.line, OVERLAPS_STORED
                else:
                    kept.append(a)
            active = kept
            active.append(iv)
            continue
        earlier = first_line.get(iv.start)
        if earlier is not None:
            yield iv.line, REPEATED_LINE.format(line=earlier)
            continue
        first_line[iv.start] = iv.line
        if iv.start in stored_starts:
            yield iv.line, "duplicate"
            continue
        clash = next((a for a in active if overlaps(a.start, a.end, iv.start, iv.end)), None)
        if clash is None:
            active.append(iv)
        elif clash.line is None:
            yield iv.line, OVERLAPS_STORED
        else:
            yield iv.line, OVERLAPS_LINE.format(line=clash.line)


def first_overlap(start, end, others: Iterable[tuple]) -> tuple | None:
    """The first of ``others`` (each starting with start, end) that overlaps, if any."""
    return next((o for o in others if overlaps(start, end, o[0], o[1])), None)


# -- aggregation ----------------------------------------------------------------------


def minutes(start: dt.datetime, end: dt.datetime) -> int:
    """Whole minutes that passed (on the night summer time starts, 01:30-03:30 is 60)."""
    if start.tzinfo is not None and end.tzinfo is not None:
        # Python subtracts two times of one zone by the clock; elapsed time is wanted.
        start, end = start.astimezone(dt.UTC), end.astimezone(dt.UTC)
    return int((end - start).total_seconds() // 60)


def delivered_by_day(visits: Iterable[tuple[dt.datetime, dt.datetime]]
                     ) -> dict[dt.date, int]:
    """Minutes delivered per local day; a visit counts on the day it starts. Pass local
    (or naive local) datetimes."""
    days: dict[dt.date, int] = {}
    for start, end in visits:
        day = start.date()
        days[day] = days.get(day, 0) + minutes(start, end)
    return days


def week_of(day: dt.date) -> tuple[int, int]:
    """ISO year and week (uke), as Norwegian calendars number them."""
    iso = day.isocalendar()
    return iso.year, iso.week


def month_of(day: dt.date) -> tuple[int, int]:
    return day.year, day.month


def days(first: dt.date, last: dt.date) -> Iterator[dt.date]:
    for n in range((last - first).days + 1):
        yield first + dt.timedelta(days=n)


def weeks_in_month(year: int, month: int) -> list[tuple[int, int]]:
    """The ISO weeks whose Thursday falls in the month, so each week belongs to one month."""
    first = dt.date(year, month, 1)
    last = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    return sorted({week_of(d) for d in days(first, last) if d.isoweekday() == 4})


def week_days(year: int, week: int) -> tuple[dt.date, dt.date]:
    monday = dt.date.fromisocalendar(year, week, 1)
    return monday, monday + dt.timedelta(days=6)


@dataclass(frozen=True)
class LineTerms:
    """A decided service line as the comparison needs it: period, decided weekly hours
    (None when the decision sets no hours) and the provider's planned hours from each
    adjustment within the frame, as ``(effective_from, planned_weekly_hours)``."""

    start: dt.date
    end: dt.date | None
    decided_weekly: Decimal | None
    planned: tuple[tuple[dt.date, Decimal], ...] = ()

    @classmethod
    def of(cls, start, end, extent, extent_unit, planned=()) -> LineTerms:
        # Stable sort: of two adjustments from the same day, the one made last wins.
        return cls(start, end, trust_model.decided_weekly_hours(extent, extent_unit),
                   tuple(sorted(planned, key=lambda p: p[0])))

    def in_force(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)

    def planned_over(self, first: dt.date, last: dt.date) -> Decimal:
        """``planned_on`` summed over the days from ``first`` to ``last`` (inclusive), the
        days between two adjustments counted at once instead of one by one."""
        total, hours, since = Decimal(0), self.decided_weekly, first
        for effective_from, planned in self.planned:
            if effective_from > last:
                break
            if effective_from > since:
                total += (hours or 0) * (effective_from - since).days
                since = effective_from
            hours = planned
        return total + (hours or 0) * ((last - since).days + 1)

    def planned_on(self, day: dt.date) -> Decimal | None:
        """The latest adjustment in force on ``day``, else the decided hours."""
        hours = self.decided_weekly
        for effective_from, planned in self.planned:
            if effective_from > day:
                break
            hours = planned
        return hours


def days_without_line(lines: Iterable[LineTerms], delivered: Mapping[dt.date, int],
                      first: dt.date, last: dt.date,
                      covered: Collection[dt.date] = ()) -> list[dt.date]:
    """The days in [first, last] with minutes delivered and no decided line in force (nor
    in ``covered``, days counted as covered otherwise), in date order."""
    lines = list(lines)
    if any(line.start <= first and (line.end is None or last <= line.end) for line in lines):
        return []  # one line covers the whole period (most users): no day to look at
    return sorted(day for day, minutes in delivered.items()
                  if minutes and first <= day <= last and day not in covered
                  and not any(line.in_force(day) for line in lines))


@dataclass
class Comparison:
    """Decided, planned and delivered minutes over a period of ``days`` days."""

    days: int = 0
    decided: Decimal | None = None
    planned: Decimal | None = None
    delivered: int = 0

    @property
    def deviation(self) -> Decimal | None:
        """Delivered minus planned (planned is the decided amount unless adjusted)."""
        if self.planned is None:
            return None
        return Decimal(self.delivered) - self.planned

    def flagged(self, threshold_minutes_per_week: int = DEFAULT_THRESHOLD_MINUTES) -> bool:
        return is_deviation(self.delivered, self.planned, threshold_minutes_per_week,
                            self.days)


def threshold_for(days_in_period: int, per_week: int = DEFAULT_THRESHOLD_MINUTES) -> Decimal:
    """The weekly threshold, pro rata for a period of another length (a month: × days/7)."""
    return Decimal(per_week) * days_in_period / 7


def is_deviation(delivered_minutes, expected_minutes, per_week: int = DEFAULT_THRESHOLD_MINUTES,
                 days_in_period: int = 7) -> bool:
    """|delivered − expected| above the threshold (report 004 L4089–4090). Nothing to
    compare with (no hours decided) is no deviation."""
    if expected_minutes is None:
        return False
    difference = abs(Decimal(delivered_minutes) - Decimal(expected_minutes))
    return difference > threshold_for(days_in_period, per_week)


def compare(lines: Iterable[LineTerms], delivered: Mapping[dt.date, int], first: dt.date,
            last: dt.date) -> Comparison:
    """Decided, planned and delivered minutes from ``first`` to ``last`` (inclusive)."""
    result = Comparison(days=(last - first).days + 1)
    decided_hour_days = planned_hour_days = Decimal(0)  # weekly hours summed over days
    has_hours = False
    for line in lines:
        start, end = max(first, line.start), min(last, line.end) if line.end else last
        if line.decided_weekly is None or start > end:
            continue
        has_hours = True
        decided_hour_days += line.decided_weekly * ((end - start).days + 1)
        planned_hour_days += line.planned_over(start, end)
    result.delivered = sum(minutes for day, minutes in delivered.items() if first <= day <= last)
    if has_hours:
        result.decided = decided_hour_days * 60 / 7
        result.planned = planned_hour_days * 60 / 7
    return result


def hours_text(minutes_value) -> str:
    """Minutes as hours with one decimal and a decimal comma: 90 -> '1,5'."""
    if minutes_value is None:
        return "–"
    value = (Decimal(minutes_value) / 60).quantize(Decimal("0.1"))
    return f"{value:f}".replace(".", ",").replace("-", "−")
