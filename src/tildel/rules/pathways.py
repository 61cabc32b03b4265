"""Patient pathways (*pasientforløp*), report 000 § 8 (digest 000.md § 2.5).

- Forløp 0: the user manages alone; one follow-up conversation after a few days at home
  (L3053-3073). Local code; horizon configurable.
- Forløp 1: expected to master the activity within **2 weeks**, **no decision**; measures
  lasting more than 14 days must get one (L2948-2962, L3407-3409).
- Forløp 2: need lasting more than two weeks, **at most 2 months**; a new decision if services
  are needed beyond that (L2966-2978, L3021-3023).
- Forløp 3: palliative (L2985-2989). Local code; horizon configurable (none by default).

"Not closed in time" (report 000 L3278-3286, L5755-5759): forløp 1 open more than 2 weeks
after its start, forløp 2 more than 2 months. Closures must carry the real end date, apart
from when they were registered: the sample audit found one started 13.12.21, closed formally
27.04.22 and backdated to 22.12.21 (L3381-3387).
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta

#: A service in a pathway that lasts more than this needs a decision (L2958-2962).
DECISION_AFTER_DAYS = 14


class Code(enum.IntEnum):
    """Forløpskode, a local code set in the journal system (L627-629)."""

    ZERO = 0
    ONE = 1
    TWO = 2
    THREE = 3


class Outcome(enum.StrEnum):
    """How a pathway ends (MISSION.md § process 8)."""

    NO_FURTHER_SERVICES = "no_further_services"
    REDUCED_SERVICES = "reduced_services"
    NEW_DECISION = "new_decision"


@dataclass(frozen=True)
class Horizons:
    """How long each pathway may run. ``None`` months and days: no deadline."""

    zero_days: int | None = 7
    one_days: int = 14
    two_months: int = 2
    three_days: int | None = None

    def deadline(self, code: Code | int, start: dt.date) -> dt.date | None:
        """The last day the pathway may be open and still be closed in time."""
        code = Code(code)
        if code is Code.ONE:
            return start + dt.timedelta(days=self.one_days)
        if code is Code.TWO:
            return start + relativedelta(months=self.two_months)
        days = self.zero_days if code is Code.ZERO else self.three_days
        return None if days is None else start + dt.timedelta(days=days)


REPORT_HORIZONS = Horizons()


def is_overdue(deadline: dt.date | None, *, closed_on: dt.date | None, today: dt.date) -> bool:
    """Open past the deadline, or closed after it (report 000 L3278-3286)."""
    if deadline is None:
        return False
    return (closed_on or today) > deadline


def days_over(deadline: dt.date | None, *, closed_on: dt.date | None, today: dt.date) -> int:
    """How many days past the deadline; 0 when in time."""
    if not is_overdue(deadline, closed_on=closed_on, today=today):
        return 0
    return ((closed_on or today) - deadline).days


def needs_decision(start: dt.date, today: dt.date, *, end: dt.date | None = None,
                   has_decision: bool = False,
                   after_days: int = DECISION_AFTER_DAYS) -> bool:
    """A service given without a decision for more than 14 days needs one (L2958-2962)."""
    if has_decision:
        return False
    last_day = min(end, today) if end else today
    return (last_day - start).days > after_days


def decision_due(start: dt.date, after_days: int = DECISION_AFTER_DAYS) -> dt.date:
    """The first day the service has lasted more than ``after_days``."""
    return start + dt.timedelta(days=after_days + 1)


def closing_problem(start: dt.date, real_end: dt.date, today: dt.date) -> str:
    """Why a closing date is refused, in Norwegian; empty when it is accepted. The same
    rule ends rehabilitation courses."""
    if real_end > today:
        return "Sluttdatoen kan ikke være i framtiden. Avslutt forløpet når det er slutt."
    if real_end < start:
        return f"Sluttdatoen kan ikke være før forløpet startet ({start:%d.%m.%Y})."
    return ""


def registration_delay(real_end: dt.date, registered_on: dt.date) -> int:
    """Days between the real end and when the closure was registered."""
    return max((registered_on - real_end).days, 0)


def registered_late(real_end: dt.date, registered_on: dt.date, tolerance_days: int) -> bool:
    """A closure registered long after the real end (backdating, L3381-3387)."""
    return registration_delay(real_end, registered_on) > tolerance_days
