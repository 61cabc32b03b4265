"""Case processing deadlines (saksbehandlingsfrister) as pure functions on dates.

Sources: report 004 (L2666-2667, L3994-3995: forvaltningsmelding within 3 working days;
L3104, L3995-3996: decision within 3 weeks, 4 on one website), forvaltningsloven § 11 a
(foreløpig svar), pasient- og brukerrettighetsloven § 7-5 and forvaltningsloven §§ 29-30
with domstolloven § 149 (klagefrist), MISSION.md step 10 (revurdering, fornyelse), and
docs/decisions/0005-computed-deadlines.md.

Working days (virkedager) are Monday to Friday except Norwegian public holidays
(helligdager and høytidsdager) as listed by the ``holidays`` package. Christmas Eve and
New Year's Eve are ordinary working days here; offices that close on them record that
locally, not in this rule.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import holidays

ONE_DAY = dt.timedelta(days=1)

#: Forvaltningsmelding: working days after receipt (report 004 L3994-3995).
ACKNOWLEDGEMENT_WORKING_DAYS = 3
#: Target processing time in weeks (report 004 L3104, L3995-3996); offices choose 3 or 4.
DECISION_TARGET_WEEKS = 3
#: Klagefrist: four weeks (pasient- og brukerrettighetsloven § 7-5).
COMPLAINT_WEEKS = 4
#: Revurdering: 6 months by default, configurable per service (MISSION.md step 10).
REVISION_MONTHS = 6
#: Fornyelse: flag a time-limited decision 2 months before it ends (MISSION.md step 10).
RENEWAL_MONTHS_BEFORE = 2


# --- Working days -------------------------------------------------------------------------


@lru_cache(maxsize=256)
def _public_holidays(year: int) -> frozenset[dt.date]:
    """Norwegian public holidays (helligdager) of one year, without the package's Sundays.

    ``holidays.Norway`` lists every Sunday as a holiday unless ``include_sundays=False``;
    Sundays are excluded as weekend days anyway.
    """
    return frozenset(holidays.Norway(years=year, include_sundays=False))


def is_public_holiday(day: dt.date) -> bool:
    """Whether ``day`` is a Norwegian public holiday (helligdag or 1 and 17 May)."""
    return day in _public_holidays(day.year)


def is_working_day(day: dt.date) -> bool:
    """Virkedag: Monday to Friday and not a public holiday."""
    return day.weekday() < 5 and not is_public_holiday(day)


def next_working_day_on_or_after(day: dt.date) -> dt.date:
    """``day`` itself if it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += ONE_DAY
    return day


def add_working_days(day: dt.date, n: int) -> dt.date:
    """The n-th working day after ``day`` (the day itself is not counted).

    ``n = 0`` returns ``day`` unchanged, even if it is not a working day: nothing is added.
    A deadline of "3 working days" from a Wednesday before Easter is thus counted as the
    third working day after it.
    """
    if n < 0:
        raise ValueError("n must be zero or positive")
    while n:
        day += ONE_DAY
        if is_working_day(day):
            n -= 1
    return day


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 if ``end <= start``).

    The inverse of :func:`add_working_days` for ``n >= 1``.
    """
    count = 0
    day = start + ONE_DAY
    while day <= end:
        if is_working_day(day):
            count += 1
        day += ONE_DAY
    return count


# --- Calendar months ----------------------------------------------------------------------


def add_months(day: dt.date, months: int) -> dt.date:
    """Same day of the month ``months`` later (or earlier if negative), clamped to month end.

    31 January + 1 month is 28 February (29 in a leap year).
    """
    index = day.year * 12 + day.month - 1 + months
    year, month0 = divmod(index, 12)
    month = month0 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# --- Suspension (stans / berostillelse) ---------------------------------------------------


@dataclass(frozen=True)
class Suspension:
    """Stans / berostillelse: the case clock stops at ``start`` and resumes at ``end``.

    ``end = None`` means the case is still suspended (e.g. waiting for documentation).
    A closed period counts ``(end - start).days`` calendar days; ``end == start`` counts 0.
    """

    start: dt.date
    end: dt.date | None = None
    reason: str = ""

    def __post_init__(self) -> None:
        if self.end is not None and self.end < self.start:
            raise ValueError("a suspension cannot end before it starts")


def suspended_days(suspensions: Iterable[Suspension], as_of: dt.date,
                   *, since: dt.date | None = None) -> int:
    """Calendar days the case clock has been stopped (stans), overlaps counted once.

    Each period is the half-open interval ``[start, end)``; an open period runs up to and
    including ``as_of`` (as if it resumed the day after), and counts nothing if it starts
    after ``as_of``. A closed period counts in full even if ``end`` lies after ``as_of``
    (the planned resumption is known). Days before ``since`` (the receipt) are ignored.
    """
    intervals: list[tuple[dt.date, dt.date]] = []
    for s in suspensions:
        stop = s.end if s.end is not None else as_of + ONE_DAY
        start = max(s.start, since) if since is not None else s.start
        if stop > start:
            intervals.append((start, stop))
    intervals.sort()
    total = 0
    current_start: dt.date | None = None
    current_stop: dt.date | None = None
    for start, stop in intervals:
        if current_stop is None or start > current_stop:
            if current_stop is not None:
                total += (current_stop - current_start).days
            current_start, current_stop = start, stop
        elif stop > current_stop:
            current_stop = stop
    if current_stop is not None:
        total += (current_stop - current_start).days
    return total


def move_deadline(due: dt.date, days: int) -> dt.date:
    """Move a deadline ``days`` calendar days later, then to the next working day.

    ``days`` is the sum of suspended days and extension days; it is never negative, so a
    deadline is never moved earlier (report complaint: other systems do not move it at all).
    """
    if days < 0:
        raise ValueError("a deadline is never moved earlier")
    return next_working_day_on_or_after(due + dt.timedelta(days=days))


# --- The deadlines of one case ------------------------------------------------------------


@dataclass(frozen=True)
class CaseDeadlines:
    """Saksbehandlingsfrister of one case, computed (never stored, ADR 0005)."""

    received: dt.date
    acknowledgement_due: dt.date
    preliminary_reply_due: dt.date
    decision_due: dt.date
    suspended_days: int
    extension_days: int

    def items(self) -> list[tuple[str, dt.date]]:
        """(name, due date) pairs in the order the case meets them."""
        return [("acknowledgement", self.acknowledgement_due),
                ("preliminary_reply", self.preliminary_reply_due),
                ("decision", self.decision_due)]

    def overdue(self, as_of: dt.date) -> list[str]:
        """Names of the deadlines that have passed on ``as_of`` (due date before it).

        Whether the step was done (e.g. the acknowledgement sent) is the caller's concern.
        """
        return [name for name, due in self.items() if due < as_of]


def case_deadlines(received: dt.date, *,
                   acknowledgement_working_days: int = ACKNOWLEDGEMENT_WORKING_DAYS,
                   decision_target_weeks: int = DECISION_TARGET_WEEKS,
                   suspensions: Iterable[Suspension] = (),
                   extension_days: int = 0,
                   as_of: dt.date) -> CaseDeadlines:
    """Compute a case's deadlines from its facts.

    - Forvaltningsmelding: ``received`` + N working days (report 004 L2666-2667,
      L3994-3995: 3 working days). It is about receipt, so later suspension or extension
      does NOT move it (decision, ADR 0005).
    - Vedtak (target): ``received`` + 3 or 4 weeks (report 004 L3104, L3995-3996), plus
      extension days (forlengelse) and suspended days, then the next working day.
    - Foreløpig svar (forvaltningsloven § 11 a: the case cannot be answered within one
      month): one calendar month after receipt, clamped to month end, moved by the same
      suspended and extension days, then the next working day.

    Product rule: suspension (stans) and extension (forlengelse) move every deadline that
    depends on the case clock by the same number of days; this is the users' loudest
    complaint about other systems.
    """
    if extension_days < 0:
        raise ValueError("extension_days must be zero or positive")
    if decision_target_weeks < 1:
        raise ValueError("decision_target_weeks must be at least 1")
    stopped = suspended_days(suspensions, as_of, since=received)
    moved = stopped + extension_days
    decision = received + dt.timedelta(weeks=decision_target_weeks)
    return CaseDeadlines(
        received=received,
        acknowledgement_due=add_working_days(received, acknowledgement_working_days),
        preliminary_reply_due=move_deadline(add_months(received, 1), moved),
        decision_due=move_deadline(decision, moved),
        suspended_days=stopped,
        extension_days=extension_days,
    )


# --- Complaint (klage) --------------------------------------------------------------------


def complaint_deadline(decision_reached_party: dt.date) -> dt.date:
    """Klagefrist: last day to complain.

    Four weeks from the day the decision reached the party (pasient- og
    brukerrettighetsloven § 7-5; forvaltningsloven § 29), that day not counted, so the same
    weekday four weeks later. If that is a Saturday, Sunday or public holiday the limit runs
    to the next working day (forvaltningsloven § 30 with domstolloven § 149 second
    paragraph).
    """
    return next_working_day_on_or_after(
        decision_reached_party + dt.timedelta(weeks=COMPLAINT_WEEKS))


def complaint_is_late(decision_reached_party: dt.date, complaint_received: dt.date) -> bool:
    """Whether a complaint came after the klagefrist (the last day itself is in time).

    ``complaint_received`` is the day it reached the office or was posted (fvl § 30 a-b).
    """
    return complaint_received > complaint_deadline(decision_reached_party)


# --- Revision and renewal -----------------------------------------------------------------


def revision_due(start: dt.date, months: int = REVISION_MONTHS) -> dt.date:
    """Revurdering: ``months`` after the service starts (MISSION.md step 10: 6 by default)."""
    if months < 1:
        raise ValueError("months must be at least 1")
    return add_months(start, months)


def renewal_flag_date(end: dt.date, months_before: int = RENEWAL_MONTHS_BEFORE) -> dt.date:
    """Fornyelse: when to flag a time-limited decision, ``months_before`` its end date
    (MISSION.md step 10: 2 months)."""
    if months_before < 0:
        raise ValueError("months_before must be zero or positive")
    return add_months(end, -months_before)
