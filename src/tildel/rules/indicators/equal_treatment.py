"""Equal-treatment monitor (likebehandling): do comparable applicants get comparable
decisions, whichever district or caseworker they meet? (Report 004 L627-628, L3809-3812,
L2917-2921; feature 41 in its digest.)

Applicants are comparable when they applied for the same service, are in the same needs
group (IPLOS scores, versioned grouping) and the same age band. Each district or
caseworker is compared with *the others* in the same strata (indirect standardisation):
the expected number of grants is the sum, over the group's applications, of the grant rate
the other groups had in that stratum; its variance uses that rate smoothed by half a grant
in one more case, so a stratum where everyone else granted all still has a variance. A
group is flagged when the observed number is
further than ``z_limit`` standard deviations from the expected and it has at least
``min_cases`` comparable applications. A flag is a reason to read the cases, not a verdict.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from . import needs
from .facts import ApplicationFact

GRANTED = frozenset({"grant", "partial"})


def age_band(age: int | None) -> str | None:
    if age is None:
        return None
    return "0-66" if age <= 66 else "67-79" if age <= 79 else "80+"


@dataclass(frozen=True)
class Comparable:
    """One decided application with its stratum."""

    fact: ApplicationFact
    needs_group: str
    band: str

    @property
    def stratum(self) -> tuple[str, str, str]:
        return (self.fact.service or "", self.needs_group, self.band)

    @property
    def granted(self) -> bool:
        return self.fact.outcome in GRANTED


@dataclass
class GroupResult:
    """One district or caseworker against the others in the same strata."""

    group: object
    cases: int
    granted: int
    expected: float
    variance: float
    case_ids: tuple[int, ...] = ()
    hours_sum: float = 0.0
    expected_hours_sum: float = 0.0
    hours_n: int = 0
    flagged: bool = False

    @property
    def mean_hours(self) -> float | None:
        """Mean granted hours per week among this group's grants with hours."""
        return self.hours_sum / self.hours_n if self.hours_n else None

    @property
    def expected_hours(self) -> float | None:
        """What the others granted on average in the same strata."""
        return self.expected_hours_sum / self.hours_n if self.hours_n else None

    @property
    def rate(self) -> float:
        return self.granted / self.cases * 100 if self.cases else 0.0

    @property
    def expected_rate(self) -> float:
        return self.expected / self.cases * 100 if self.cases else 0.0

    @property
    def z(self) -> float | None:
        if self.variance <= 0:
            return None
        return (self.granted - self.expected) / math.sqrt(self.variance)

    @property
    def hours_difference(self) -> float | None:
        if self.mean_hours is None or self.expected_hours is None:
            return None
        return self.mean_hours - self.expected_hours


@dataclass
class Comparison:
    by: str
    groups: list[GroupResult]
    cases: int
    strata: int
    min_cases: int
    z_limit: float
    left_out: int  # decided applications without service, needs score or age

    @property
    def overall_rate(self) -> float | None:
        total = sum(g.cases for g in self.groups)
        return sum(g.granted for g in self.groups) / total * 100 if total else None

    @property
    def spread(self) -> float | None:
        """Highest minus lowest grant rate among groups with enough cases (points)."""
        rates = [g.rate for g in self.groups if g.cases >= self.min_cases]
        return max(rates) - min(rates) if len(rates) >= 2 else None


def comparable(applications: Iterable[ApplicationFact],
               versions: Sequence[needs.NeedsGrouping] = ()) -> tuple[list[Comparable], int]:
    """Decided applications that can be compared, and how many could not."""
    result, left_out = [], 0
    for a in applications:
        if a.decided is None or a.outcome is None:
            continue
        group = needs.grouping_on(a.received, versions).group(a.needs_score)
        band = age_band(a.age)
        if not a.service or group is None or band is None:
            left_out += 1
            continue
        result.append(Comparable(a, group, band))
    return result, left_out


def compare(applications: Iterable[ApplicationFact], by: str = "caseworker", *,
            service: str | None = None, needs_group: str | None = None,
            band: str | None = None, versions: Sequence[needs.NeedsGrouping] = (),
            min_cases: int = 10, z_limit: float = 2.0) -> Comparison:
    """Grant rates and granted hours per ``by`` ("caseworker", "district", "office"),
    among comparable applicants, optionally for one service, needs group or age band."""
    rows, left_out = comparable(applications, versions)
    rows = [r for r in rows if (service is None or r.fact.service == service)
            and (needs_group is None or r.needs_group == needs_group)
            and (band is None or r.band == band)]
    # Per stratum and group, and per stratum in all: applications, grants, granted hours.
    cells: dict[tuple, dict[object, list]] = defaultdict(lambda: defaultdict(
        lambda: [0, 0, 0.0, 0]))
    strata: dict[tuple, list] = defaultdict(lambda: [0, 0, 0.0, 0])
    for r in rows:
        for cell in (cells[r.stratum][getattr(r.fact, by)], strata[r.stratum]):
            cell[0] += 1
            if r.granted:
                cell[1] += 1
                if r.fact.granted_weekly_hours is not None:
                    cell[2] += r.fact.granted_weekly_hours
                    cell[3] += 1
    results: dict[object, GroupResult] = {}
    case_ids: dict[object, list[int]] = defaultdict(list)
    for r in rows:
        key = getattr(r.fact, by)
        result = results.get(key)
        if result is None:
            result = results[key] = GroupResult(key, 0, 0, 0.0, 0.0)
        # The others in the stratum: the stratum's totals less this group's own cell.
        n, granted, hours, hours_n = (a - b for a, b in zip(
            strata[r.stratum], cells[r.stratum][key], strict=True))
        if n == 0:
            continue  # nobody else decided this kind of case: not comparable
        p = granted / n
        # The variance uses a smoothed rate (+0.5 grant in one more case): where the others
        # granted everything, a group that refused still gets a z, not "undefined".
        smoothed = (granted + 0.5) / (n + 1)
        result.cases += 1
        result.granted += r.granted
        result.expected += p
        result.variance += smoothed * (1 - smoothed)
        case_ids[key].append(r.fact.case)
        if r.granted and r.fact.granted_weekly_hours is not None and hours_n:
            result.hours_sum += r.fact.granted_weekly_hours
            result.expected_hours_sum += hours / hours_n
            result.hours_n += 1
    for key, ids in case_ids.items():
        results[key].case_ids = tuple(ids)
    groups = [g for g in results.values() if g.cases]
    for g in groups:
        z = g.z
        g.flagged = g.cases >= min_cases and z is not None and abs(z) >= z_limit
    groups.sort(key=lambda g: (g.z is None, g.z if g.z is not None else 0))
    return Comparison(by, groups, sum(g.cases for g in groups), len(cells), min_cases,
                      z_limit, left_out)


@dataclass
class Involvement:
    """Decided applications by outcome, with the share where next of kin or a lawyer was
    involved (report 004 L2917-2921: "de som roper høyest, de får jo ofte mest")."""

    outcome: str
    cases: int
    next_of_kin: int
    lawyer: int

    @property
    def next_of_kin_share(self) -> float | None:
        return self.next_of_kin / self.cases * 100 if self.cases else None

    @property
    def lawyer_share(self) -> float | None:
        return self.lawyer / self.cases * 100 if self.cases else None


def involvement(applications: Iterable[ApplicationFact]) -> list[Involvement]:
    rows = {o: Involvement(o, 0, 0, 0) for o in ("grant", "partial", "refusal")}
    for a in applications:
        if a.decided is None or a.outcome not in rows:
            continue
        row = rows[a.outcome]
        row.cases += 1
        row.next_of_kin += a.next_of_kin
        row.lawyer += a.lawyer
    return list(rows.values())
