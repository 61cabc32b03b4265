"""The indicator catalogue: the reports' key figures, each defined once.

Every entry names its report and lines. Where a report leaves a choice open, the
definition says what Tildel chose:

- A *user* (bruker) of a service in a period is a person with a granted service line
  active on at least one day of the period.
- Decided hours per month are weekly hours × 4 (the IPLOS rule, MISSION.md), for every
  month the line is active; hours per month in a decision are divided by 4 for a week.
- *Home-nursing recipients* (mottakere av helsetjenester i hjemmet, report 000 footnotes
  8, 10, 11) are users of somatic home health services (national code 15 without the
  environmental service) and persons in pathway 1 or 2, who get home nursing without a
  decision (report 000 L1099-1103).
- Snapshots (open pathways, waiting lists, decisions not started) are taken on the last
  day of each period, or on the last day with data if the period has not ended.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import itertools
from collections.abc import Callable, Iterable, Iterator

from tildel.rules import discharge
from tildel.rules import places as places_rules
from tildel.rules.financing.levels import HOME_BASED_UNIT_KINDS, LEVELS_IN_ORDER, classify
from tildel.rules.places import ListKind

from . import needs
from .engine import Indicator, Item, Source, Unit
from .facts import Facts, HospitalFact, ServiceSpell
from .periods import Timeline, age_on

HOME_NURSING = frozenset({"hjemmesykepleie", "hverdagsrehabilitering", "sykepleieklinikk",
                          "fysioterapi", "ergoterapi"})
EVERYDAY_REHABILITATION = frozenset({"hverdagsrehabilitering"})
TRAINING = frozenset({"praktisk-bistand-opplaering"})
#: KOSTRA's home services (hjemmetjenester): practical help, BPA and home health care.
HOME_SERVICES = frozenset({"praktisk-bistand", "praktisk-bistand-opplaering", "bpa",
                           "hjemmesykepleie", "miljotjeneste", "hverdagsrehabilitering",
                           "sykepleieklinikk", "fysioterapi", "ergoterapi"})
LONG_TERM_STAY = frozenset({"langtidsopphold"})
#: Report 001 (bo og habilitering): the unit's own kinds and the services it allocates.
HABILITATION_UNITS = frozenset({"housing_habilitation", "respite"})
DAY_SERVICES = frozenset({"dagaktivitet", "dagopphold"})
CARE_WAGE = frozenset({"omsorgsstonad"})
SUPPORT_CONTACT = frozenset({"stottekontakt"})
HABILITATION_SERVICES = DAY_SERVICES | CARE_WAGE | SUPPORT_CONTACT | frozenset(
    {"bpa", "avlastning-hjemme", "avlastning-institusjon"})
AGE_BANDS = (("0-66", "0–66 år"), ("67-79", "67–79 år"), ("80+", "80 år og eldre"))
PATHWAYS_WITH_DEADLINE = (1, 2)
NO_FURTHER_SERVICES = "no_further_services"

R000, R001, R002, R003, R004 = "000", "001", "002", "003", "004"
PLACES = ("district", "office", "unit", "caseworker")


# -- shared building blocks -----------------------------------------------------------

def _month_index(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


class _Months:
    """The timeline on a month axis: which window each month falls in and how many months
    each window has, so per-month amounts can be summed per window in a few steps."""

    def __init__(self, timeline: Timeline):
        self.first = _month_index(timeline.windows[0].start)
        self.last = _month_index(timeline.windows[-1].end)
        self.window = [timeline.at(dt.date(m // 12, m % 12 + 1, 1))
                       for m in range(self.first, self.last + 1)]
        self.first_month = [_month_index(w.start) for w in timeline.windows]
        self.last_month = [_month_index(w.end) for w in timeline.windows]

    def clip(self, start: dt.date, end: dt.date | None) -> tuple[int, int] | None:
        a = max(_month_index(start), self.first)
        b = self.last if end is None else min(_month_index(end), self.last)
        return (a, b) if a <= b else None

    def chunks(self, a: int, b: int) -> Iterator[tuple[range, int]]:
        """(range of windows, months of [a, b] in each) for months a..b, in ≤ 3 runs: the
        first and last window may be partly covered, the ones between wholly."""
        wa, wb = self.window[a - self.first], self.window[b - self.first]
        if wa == wb:
            yield range(wa, wa + 1), b - a + 1
            return
        head = self.last_month[wa] - a + 1
        tail = b - self.first_month[wb] + 1
        whole = self.last_month[wa + 1] - self.first_month[wa + 1] + 1
        runs = [(wa, wa + 1, head), (wa + 1, wb, whole), (wb, wb + 1, tail)]
        merged: list[list[int]] = []
        for start, stop, months in runs:
            if start >= stop:
                continue
            if merged and merged[-1][2] == months and merged[-1][1] == start:
                merged[-1][1] = stop
            else:
                merged.append([start, stop, months])
        for start, stop, months in merged:
            yield range(start, stop), months


def _months(facts: Facts, timeline: Timeline) -> _Months:
    key = ("months", timeline.windows[0].start, timeline.windows[-1].end, len(timeline))
    return facts.memo(key, lambda: _Months(timeline))


def _snapshots(facts: Facts, timeline: Timeline) -> Timeline:
    """The windows with each end moved back to the last day with data, if later."""
    last = facts.covers[1]
    return Timeline([w._replace(end=min(w.end, last)) for w in timeline.windows])


def _users(facts: Facts, timeline: Timeline, keep: Callable[[ServiceSpell], bool]
           ) -> Iterator[Item]:
    overlapping = timeline.overlapping
    for spell in facts.services:
        if keep(spell):
            yield (overlapping(spell.start, spell.end), spell, spell.person, 1.0, None)


def _any(spell: ServiceSpell) -> bool:
    return True


def _by_service(services: frozenset[str]) -> Callable[[ServiceSpell], bool]:
    return lambda spell: spell.service in services


def _hour_spans(facts: Facts, timeline: Timeline, keep: Callable[[ServiceSpell], bool],
                name: str, per_service: bool = False) -> dict[tuple, list]:
    """Each person's (and service's) months with decided hours, on the month axis:
    {(person[, service]): [(first month, last month, hours per month, row), ...]}.
    Shared between the indicators that need it."""
    months = _months(facts, timeline)

    def build():
        table: dict[tuple, list] = {}
        for spell in facts.services:
            if spell.weekly_hours is None or not keep(spell):
                continue
            span = months.clip(spell.start, spell.end)
            if span is None:
                continue
            key = (spell.person, spell.service) if per_service else (spell.person,)
            table.setdefault(key, []).append((span[0], span[1], spell.weekly_hours * 4, spell))
        return table

    return facts.memo(("hour_spans", name, per_service, months.first, months.last), build)


def _hours(facts, timeline, keep, name, per_service=False, weekly=False) -> Iterator[Item]:
    """Decided hours summed per period (per month: weekly × 4; ``weekly``: per week)."""
    months = _months(facts, timeline)
    divisor = 4.0 if weekly else 1.0
    for key, spans in _hour_spans(facts, timeline, keep, name, per_service).items():
        category = key[1] if per_service else None
        for a, b, hours, row in spans:
            for windows, count in months.chunks(a, b):
                yield (windows, row, key[0], hours * count / divisor, category)


def _user_months(facts, timeline, keep, name, per_service=False) -> Iterator[Item]:
    """Months with decided hours per person. In the whole municipality a month counts once
    however many lines; in a group (district, office, unit, caseworker) it counts once for
    each group whose lines were active, like a user does."""
    months = _months(facts, timeline)
    for key, spans in _hour_spans(facts, timeline, keep, name, per_service).items():
        category = key[1] if per_service else None
        person = key[0]
        if len(spans) == 1:
            a, b, _, row = spans[0]
            for windows, count in months.chunks(a, b):
                yield (windows, row, person, float(count), category)
            continue
        for a, b, row in _owned_months(spans):  # the total: each month once
            for windows, count in months.chunks(a, b):
                yield (windows, row, person, (float(count), 0.0), category)
        by_place: dict[tuple, list] = {}
        for span in spans:  # the groups: each month once per place
            row = span[3]
            by_place.setdefault((row.district, row.office, row.unit, row.caseworker),
                                []).append(span)
        for place_spans in by_place.values():
            row = place_spans[0][3]
            for a, b in _merge_months([(s[0], s[1]) for s in place_spans]):
                for windows, count in months.chunks(a, b):
                    yield (windows, row, person, (0.0, float(count)), category)


def _merge_months(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    spans.sort()
    merged = [spans[0]]
    for a, b in spans[1:]:
        if a <= merged[-1][1] + 1:
            if b > merged[-1][1]:
                merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    return merged


def _earliest(span: tuple) -> tuple:
    """Order spans by their spell's real start, then line: the same owner whatever months
    were asked for (a start clipped to the first month asked for would not be)."""
    return (span[3].start, span[3].line)


def _owned_months(spans: list) -> list[tuple[int, int, object]]:
    """[(first month, last month, row)] covering each month of ``spans`` exactly once."""
    if len(spans) == 1:
        a, b, _, row = spans[0]
        return [(a, b, row)]
    ordered = sorted(spans, key=_earliest)
    cuts = sorted({s[0] for s in spans} | {s[1] + 1 for s in spans})
    result: list[list] = []
    for start, stop in itertools.pairwise(cuts):
        owner = next((s[3] for s in ordered if s[0] <= start <= s[1]), None)
        if owner is None:
            continue
        if result and result[-1][2] is owner and result[-1][1] == start - 1:
            result[-1][1] = stop - 1
        else:
            result.append([start, stop - 1, owner])
    return [tuple(r) for r in result]


def _recipients(facts: Facts, timeline: Timeline) -> Iterator[Item]:
    """Home-nursing recipients: somatic home health users and persons in pathway 1 or 2."""
    yield from _users(facts, timeline, _by_service(HOME_NURSING))
    yield from _in_pathway(facts, timeline)


def _in_pathway(facts: Facts, timeline: Timeline) -> Iterator[Item]:
    for p in facts.pathways:
        if p.code in PATHWAYS_WITH_DEADLINE:
            yield (timeline.overlapping(p.start, p.end), p, p.person, 1.0, None)


def _closed(facts: Facts, timeline: Timeline, only_without_services: bool, subject: str
            ) -> Iterator[Item]:
    for p in facts.pathways:
        if p.code not in PATHWAYS_WITH_DEADLINE or p.end is None or not p.outcome:
            continue
        if only_without_services and p.outcome != NO_FURTHER_SERVICES:
            continue
        w = timeline.at(p.end)
        if w is not None:
            yield (w, p, p.person if subject == "person" else p.pathway, 1.0, str(p.code))


def _open_pathways(facts: Facts, timeline: Timeline, overdue_only: bool) -> Iterator[Item]:
    snaps = _snapshots(facts, timeline)
    for p in facts.pathways:
        if p.code not in PATHWAYS_WITH_DEADLINE:
            continue
        indices = snaps.ending_in(p.start, p.end)  # open on the snapshot day
        if overdue_only:
            if p.deadline is None:
                continue
            after = bisect.bisect_right(snaps.ends, p.deadline)
            indices = range(max(indices.start, after), indices.stop)
        yield (indices, p, p.pathway, 1.0, str(p.code))


# -- report 000: pathways, hours and levels --------------------------------------------

def _rehab_or_training(facts, timeline):
    return _users(facts, timeline, _by_service(EVERYDAY_REHABILITATION | TRAINING))


def _home_nursing_users(facts, timeline):
    return _users(facts, timeline, _by_service(HOME_NURSING))


@functools.lru_cache(maxsize=4096)
def _level(hours_per_month: float) -> str:
    return classify(round(hours_per_month, 2)).value


def _levels(facts: Facts, timeline: Timeline) -> Iterator[Item]:
    """Each home-based user's financing level in the period, from the mean decided hours
    per month over the months they were a user (report 000 table 2). The person is counted
    in the group (unit, office …) of the earliest of the lines active in the period."""
    months = _months(facts, timeline)
    table = _hour_spans(facts, timeline, lambda s: s.unit_kind in HOME_BASED_UNIT_KINDS,
                        "home_based")
    monthly = all(a == b for a, b in zip(months.first_month, months.last_month, strict=True))
    for (person,), spans in table.items():
        segments = _segments(spans)
        if monthly:  # each segment of equal hours is one range of periods
            for a, b, hours, row in segments:
                yield (range(months.window[a - months.first], months.window[b - months.first]
                             + 1), row, person, 1.0, _level(hours))
            continue
        per_window: dict[int, list] = {}
        for a, b, hours, row in segments:
            for windows, count in months.chunks(a, b):
                for w in windows:
                    entry = per_window.setdefault(w, [0.0, 0, row])
                    entry[0] += hours * count
                    entry[1] += count
        for w, (total, count, row) in per_window.items():
            yield (w, row, person, 1.0, _level(total / count))


def _segments(spans: list) -> list[tuple[int, int, float, object]]:
    """Split a person's overlapping spans into months of constant total hours, each with
    the row of its earliest active span (``_earliest``)."""
    cuts = sorted({s[0] for s in spans} | {s[1] + 1 for s in spans})
    result = []
    for start, stop in itertools.pairwise(cuts):
        active = [s for s in spans if s[0] <= start <= s[1]]
        if active:
            result.append((start, stop - 1, sum(s[2] for s in active),
                           min(active, key=_earliest)[3]))
    return result


def _level_users(facts, timeline):
    for w, row, person, amount, _ in _levels(facts, timeline):
        yield (w, row, person, amount, None)


def _joint_visits(facts, timeline):
    for a in facts.assessments:
        if a.joint_home_visit:
            w = timeline.at(a.held)
            if w is not None:
                yield (w, a, a.assessment, 1.0, None)


def _waiting(facts: Facts, timeline: Timeline, kind: str, longest: bool) -> Iterator[Item]:
    snaps = _snapshots(facts, timeline)
    for o in facts.orders:
        if o.unit_kind != kind:
            continue
        waiting = snaps.ending_in(o.ordered, o.started)
        if not longest:
            yield (waiting, o, o.order, 1.0, None)
            continue
        for w in waiting:
            yield (w, o, o.order, float((snaps.windows[w].end - o.ordered).days), None)


# -- report 001: habilitation ------------------------------------------------------------

def _service_users(facts, timeline):
    for windows, spell, person, amount, _ in _users(facts, timeline, _any):
        yield (windows, spell, person, amount, spell.service)


def _in_habilitation(spell: ServiceSpell) -> bool:
    return spell.unit_kind in HABILITATION_UNITS or spell.service in HABILITATION_SERVICES


def _other_users(facts: Facts, timeline: Timeline) -> Iterator[Item]:
    """Report 001 L1319-1322: Andre = brukere alle tjenester − (dagtilbud + omsorgsstønad
    + støttekontakt) − (PU under 16 år + PU over 16 år), each a count of persons."""
    seen: dict[tuple, set] = {}
    rows: dict[tuple, ServiceSpell] = {}
    for windows, spell, person, _, _ in _users(facts, timeline, _in_habilitation):
        found = {name for name, services in (("day", DAY_SERVICES), ("wage", CARE_WAGE),
                                             ("support", SUPPORT_CONTACT))
                 if spell.service in services}
        if spell.intellectual_disability:
            found.add("pu")
        for w in windows:
            known = rows.get((w, person))
            if known is None or (spell.start, spell.line) < (known.start, known.line):
                rows[(w, person)] = spell  # the earliest line, whatever the load order
            seen.setdefault((w, person), set()).update(found)
    for (w, person), marks in seen.items():
        yield (w, rows[(w, person)], person, 1.0 - len(marks), None)


def _staffed_hours(facts: Facts, timeline: Timeline) -> Iterator[Item]:
    """Decided hours per month of lines at units, in the months the unit has staffing."""
    staffed = {(s.unit, _month_index(s.month)) for s in facts.staffing}
    months = _months(facts, timeline)
    for spell in facts.services:
        if spell.weekly_hours is None or spell.unit is None:
            continue
        span = months.clip(spell.start, spell.end)
        if span is None:
            continue
        for m in range(span[0], span[1] + 1):
            if (spell.unit, m) in staffed:
                yield (months.window[m - months.first], spell, spell.person,
                       spell.weekly_hours * 4, None)


def _staffing(facts: Facts, timeline: Timeline, field: str) -> Iterator[Item]:
    for s in facts.staffing:
        w = timeline.at(s.month)
        if w is not None:
            yield (w, s, (s.unit, s.month), float(getattr(s, field)), None)


def _coercions(facts, timeline):
    for c in facts.coercions:
        yield (timeline.overlapping(c.start, c.end), c, c.coercion, 1.0, None)


def _habilitation_users(facts, timeline):
    return _users(facts, timeline, lambda s: s.unit_kind == "housing_habilitation")


def _not_started(facts: Facts, timeline: Timeline, include_active: bool) -> Iterator[Item]:
    snaps = _snapshots(facts, timeline)
    for spell in facts.services:
        decided = spell.decided or spell.start
        yield (snaps.ending_in(decided, spell.start), spell, spell.line, 1.0, None)
        if include_active:
            stop = None if spell.end is None else spell.end + dt.timedelta(days=1)
            yield (snaps.ending_in(max(decided, spell.start), stop), spell, spell.line, 1.0,
                   None)


# -- report 003: coverage and needs ------------------------------------------------------

def _population(facts: Facts, timeline: Timeline, by_band: bool) -> Iterator[Item]:
    for row in facts.population:
        lo = bisect.bisect_left(timeline.starts, dt.date(row.year, 1, 1))
        hi = bisect.bisect_right(timeline.starts, dt.date(row.year, 12, 31))
        yield (range(lo, hi), row, (row.district, row.age_band), float(row.inhabitants),
               row.age_band if by_band else None)


def _band(age: int) -> str:
    return "0-66" if age <= 66 else "67-79" if age <= 79 else "80+"


def _users_by_band(facts: Facts, timeline: Timeline, services: frozenset[str]
                   ) -> Iterator[Item]:
    ends = _snapshots(facts, timeline).ends
    for windows, spell, person, amount, _ in _users(facts, timeline, _by_service(services)):
        if not windows:
            continue
        first = _band(age_on(spell.birth_date, ends[windows.start]))
        if first == _band(age_on(spell.birth_date, ends[windows.stop - 1])):
            yield (windows, spell, person, amount, first)
            continue
        for w in windows:  # the person moves into an older band inside the range
            yield (w, spell, person, amount, _band(age_on(spell.birth_date, ends[w])))


def _needs_groups(facts: Facts, timeline: Timeline) -> Iterator[Item]:
    """(windows, row, person, 1, group) for home-service users with a scored assessment,
    from their latest assessment on or before each period's snapshot day."""
    snaps = _snapshots(facts, timeline)
    ends = snaps.ends
    scored: dict[int, list[tuple[dt.date, float]]] = {}
    for a in facts.assessments:
        if a.needs_score is not None:
            scored.setdefault(a.person, []).append((a.held, a.needs_score))
    for history in scored.values():
        history.sort()
    groupings = [needs.grouping_on(end, facts.needs_groupings) for end in ends]
    one_version = len(set(groupings)) == 1
    for windows, spell, person, _, _ in _users(facts, timeline, _by_service(HOME_SERVICES)):
        history = scored.get(person)
        if not history or not windows:
            continue
        for k, (held, score) in enumerate(history):
            # The windows whose snapshot day falls between this and the next assessment.
            lo = bisect.bisect_left(ends, held)
            hi = (bisect.bisect_left(ends, history[k + 1][0]) if k + 1 < len(history)
                  else len(ends))
            lo, hi = max(lo, windows.start), min(hi, windows.stop)
            if lo >= hi:
                continue
            if one_version:
                yield (range(lo, hi), spell, person, 1.0, groupings[lo].group(score))
            else:
                for w in range(lo, hi):
                    yield (w, spell, person, 1.0, groupings[w].group(score))


def _extensive(facts, timeline):
    for item in _needs_groups(facts, timeline):
        if item[4] == needs.EXTENSIVE:
            yield item[:4] + (None,)


def _with_needs(facts, timeline):
    for item in _needs_groups(facts, timeline):
        yield item[:4] + (None,)


# -- report 004 and complaints: casework -------------------------------------------------

def _decided(facts: Facts, timeline: Timeline, keep=lambda a: True, amount=None,
             category=False) -> Iterator[Item]:
    for a in facts.applications:
        if a.decided is None or a.outcome is None or not keep(a):
            continue
        w = timeline.at(a.decided)
        if w is not None:
            yield (w, a, a.case, float(amount(a)) if amount else 1.0,
                   a.outcome if category else None)


def _processing_days(a) -> int:
    return (a.decided - a.received).days


def _within_target(a) -> bool:
    return _processing_days(a) <= a.target_days


def _complaints_received(facts, timeline):
    for c in facts.complaints:
        w = timeline.at(c.received)
        if w is not None:
            yield (w, c, c.complaint, 1.0, None)


def _complaints_decided(facts, timeline, day: str, changed: str, changed_only: bool):
    """Complaints decided in the period, by the office (``reassessed``/``office_reversed``)
    or by the county governor (``authority_decided``/``authority_changed``)."""
    for c in facts.complaints:
        on, outcome = getattr(c, day), getattr(c, changed)
        if on is None or outcome is None or (changed_only and not outcome):
            continue
        w = timeline.at(on)
        if w is not None:
            yield (w, c, c.complaint, 1.0, None)


def _office_reassessed(facts, timeline, reversed_only: bool):
    return _complaints_decided(facts, timeline, "reassessed", "office_reversed", reversed_only)


def _authority_decided(facts, timeline, changed_only: bool):
    return _complaints_decided(facts, timeline, "authority_decided", "authority_changed",
                               changed_only)


def _decisions(facts, timeline):
    for d in facts.decisions:
        w = timeline.at(d.decided)
        if w is not None:
            yield (w, d, d.decision, 1.0, None)


def _revisions_due(facts: Facts, timeline: Timeline, on_time_only: bool):
    last = facts.covers[1]
    for r in facts.revisions:
        if r.due > last:
            continue  # not due yet
        if on_time_only and (r.done is None or r.done > r.due):
            continue
        w = timeline.at(r.due)
        if w is not None:
            yield (w, r, r.revision, 1.0, None)


# -- report 002: hospital discharge ------------------------------------------------------

def _as_stay(h: HospitalFact) -> discharge.Stay:
    destination = discharge.Destination(h.destination) if h.destination else None
    return discharge.Stay(h.admitted, h.ready, h.discharged, destination, h.died)


def _waiting_spans(facts: Facts, timeline: Timeline):
    """(window index, row, days ready for discharge in it, its first and last day) for
    every stay and window it waited in; never past the last day with data (today)."""
    today = facts.covers[1]
    for h in facts.hospital:
        if h.ready is None:
            continue
        stay = _as_stay(h)
        last = None if h.discharged is None else h.discharged - dt.timedelta(days=1)
        for w in timeline.overlapping(h.ready, last):
            window = timeline.windows[w]
            end = min(window.end, today)
            days = discharge.waiting_days(stay, window.start, end)
            if days:
                yield w, h, stay, days, window.start, end


def _waiting_days(facts: Facts, timeline: Timeline) -> Iterator[Item]:
    for w, h, _, days, _, _ in _waiting_spans(facts, timeline):
        yield (w, h, h.stay, float(days), None)


def _waiting_cost(facts: Facts, timeline: Timeline) -> Iterator[Item]:
    """Each year's part of the waiting days at that year's rate; a year without a rate
    adds nothing (the table starts with the first year that has one)."""
    rates = {r.year: r.rate for r in facts.discharge_rates}
    for w, h, stay, _, start, end in _waiting_spans(facts, timeline):
        cost = 0.0
        for year in range(start.year, end.year + 1):
            days = discharge.waiting_days(stay, max(start, dt.date(year, 1, 1)),
                                          min(end, dt.date(year, 12, 31)))
            cost += days * rates.get(year, 0.0)
        if cost:
            yield (w, h, h.stay, cost, None)


def _calendar_days(facts: Facts, timeline: Timeline) -> Iterator[Item]:
    """The days of each period up to today, once for the whole municipality and once for
    each district with stays (Fig 3's "Gj sn/døgn" divides by these)."""
    today = facts.covers[1]
    districts = sorted({h.district for h in facts.hospital}, key=str)
    for w, window in enumerate(timeline.windows):
        days = float((min(window.end, today) - window.start).days + 1)
        if days <= 0:
            continue
        for i, district in enumerate(districts):
            row = HospitalFact(0, 0, window.start, None, None, "", False, district)
            yield (w, row, (w, district), (days if i == 0 else 0.0, days), None)


FLOW = (("admitted", "Innlagt"), ("home", "Utskrevet til hjemmet"),
        ("institution", "Utskrevet til institusjon"), ("elsewhere", "Overført annet"),
        ("died", "Død"), ("residual", "Rest: innlagt minus utskrevet"))


def _flow(facts: Facts, timeline: Timeline) -> Iterator[Item]:
    """Admissions and discharges counted in the period they happened, and the residual that
    makes each period add up: admitted less every way out, the change in how many lie in
    hospital (report 002's columns do not add up, l.348-361)."""
    for h in facts.hospital:
        admitted = timeline.at(h.admitted)
        if admitted is not None:
            yield (admitted, h, h.stay, 1.0, "admitted")
            yield (admitted, h, h.stay, 1.0, "residual")
        out = timeline.at(h.discharged) if h.discharged else None
        if out is not None:
            yield (out, h, h.stay, 1.0, "died" if h.died else h.destination or "elsewhere")
            yield (out, h, h.stay, -1.0, "residual")


# -- waiting lists (report 002 l.414, report 004) -----------------------------------------

WAITING_LISTS = tuple((kind.key, kind.label) for kind in ListKind)


def _placed_waits(facts: Facts, timeline: Timeline, days: bool) -> Iterator[Item]:
    """Those given a place in the period: the days they waited, or one each."""
    for e in facts.waiting_lists:
        if e.placed and e.left is not None:
            w = timeline.at(e.left)
            if w is not None:
                amount = float(places_rules.waiting_days(e.qualified, e.left, e.left))
                yield (w, e, e.entry, amount if days else 1.0, e.list)


def _on_list(facts: Facts, timeline: Timeline) -> Iterator[Item]:
    """On the list on the period's last day (a snapshot)."""
    snaps = _snapshots(facts, timeline)
    for e in facts.waiting_lists:
        yield (snaps.ending_in(e.qualified, e.left), e, e.entry, 1.0, e.list)


def _deviations(facts: Facts, timeline: Timeline) -> Iterator[Item]:
    """Deviations registered in the period, one each, by kind."""
    for d in facts.deviations:
        w = timeline.at(d.occurred)
        if w is not None:
            yield (w, d, d.deviation, 1.0, d.kind)


# -- the catalogue -----------------------------------------------------------------------

def _d(**kwargs) -> Indicator:
    return Indicator(**kwargs)


OUTCOMES = (("grant", "Innvilget"), ("partial", "Delvis innvilget"), ("refusal", "Avslag"))
PATHWAY_CODES = (("1", "Forløp 1"), ("2", "Forløp 2"))

INDICATORS: tuple[Indicator, ...] = (
    # Report 000 (Stavanger): pathways, everyday rehabilitation, hours, levels.
    _d(code="hrh-andel", services=HOME_NURSING | TRAINING, topic="Forløp og rehabilitering",
       name="Andel med hverdagsrehabilitering eller opplæringsvedtak",
       definition="Personer med hverdagsrehabilitering eller opplæringsvedtak i perioden, "
                  "delt på personer med helsetjenester i hjemmet satt i verk (fotnote 8 "
                  "teller vedtak; Tildel teller personer, så ingen telles to ganger).",
       unit=Unit.PERCENT, sources=(Source(R000, "L946-948", "fotnote 8"),),
       tables=("services",), numerator=_rehab_or_training,
       numerator_name="Personer med hverdagsrehabilitering eller opplæring",
       denominator=_home_nursing_users,
       denominator_name="Personer med helsetjenester i hjemmet"),
    _d(code="forlop-andel", services=HOME_NURSING, topic="Forløp og rehabilitering",
       name="Andel hjemmesykepleiemottakere i pasientforløp",
       definition="Personer i forløp 1 eller 2 en gang i perioden, delt på mottakere av "
                  "helsetjenester i hjemmet (med vedtak eller i forløp).",
       unit=Unit.PERCENT,
       sources=(Source(R000, "L1064-1068", "fotnote 11"), Source(R000, "L1046", "35 %")),
       tables=("services", "pathways"), numerator=_in_pathway,
       numerator_name="Personer i forløp 1 eller 2", denominator=_recipients,
       denominator_name="Mottakere av helsetjenester i hjemmet"),
    _d(code="uten-tjenester", topic="Forløp og rehabilitering",
       name="Andel avsluttet uten videre tjenester etter forløp",
       definition="Forløp 1 og 2 avsluttet i perioden med utfall «ingen videre tjenester», "
                  "delt på alle forløp 1 og 2 avsluttet i perioden.",
       unit=Unit.PERCENT, sources=(Source(R000, "L1046-1048", "48 %"),
                                   Source(R000, "L3241-3243")),
       tables=("pathways",), subject="pathway",
       numerator=lambda f, t: ((w, r, s, a, None) for w, r, s, a, _ in _closed(f, t, True,
                                                                                "pathway")),
       numerator_name="Forløp avsluttet uten videre tjenester",
       denominator=lambda f, t: ((w, r, s, a, None) for w, r, s, a, _ in _closed(f, t, False,
                                                                                  "pathway")),
       denominator_name="Avsluttede forløp 1 og 2"),
    _d(code="uten-tjenester-forlop", topic="Forløp og rehabilitering",
       name="Andel avsluttet uten videre tjenester, per forløp",
       definition="Som «uten-tjenester», delt på forløp 1 og forløp 2.",
       unit=Unit.PERCENT, sources=(Source(R000, "L3083-3106", "forløp 1 om lag halvparten"),
                                   Source(R000, "L3241-3243", "forløp 2 40–60 %")),
       tables=("pathways",), subject="pathway",
       numerator=lambda f, t: _closed(f, t, True, "pathway"),
       numerator_name="Forløp avsluttet uten videre tjenester",
       denominator=lambda f, t: _closed(f, t, False, "pathway"),
       denominator_name="Avsluttede forløp", categories=PATHWAY_CODES,
       categorised_denominator=True),
    _d(code="selvhjulpne", services=HOME_NURSING, topic="Forløp og rehabilitering",
       name="Andel helt selvhjulpne etter endt forløp",
       definition="Personer med forløp 1 eller 2 avsluttet i perioden uten videre tjenester, "
                  "delt på mottakere av helsetjenester i hjemmet i perioden.",
       unit=Unit.PERCENT, sources=(Source(R000, "L1056-1062", "fotnote 10"),
                                   Source(R000, "L1046-1050", "17 %")),
       tables=("services", "pathways"),
       numerator=lambda f, t: ((w, r, s, a, None) for w, r, s, a, _ in _closed(f, t, True,
                                                                                "person")),
       numerator_name="Personer avsluttet uten videre tjenester",
       denominator=_recipients, denominator_name="Mottakere av helsetjenester i hjemmet"),
    _d(code="forlop-over-frist", topic="Forløp og rehabilitering",
       name="Åpne forløp som har passert fristen",
       definition="Forløp 1 og 2 som er åpne på periodens siste dag og har passert fristen "
                  "(2 uker / 2 måneder), delt på alle åpne forløp av samme type.",
       unit=Unit.PERCENT, sources=(Source(R000, "L3288-3311", "64 % og 51 %"),),
       tables=("pathways",), subject="pathway", snapshot=True,
       numerator=lambda f, t: _open_pathways(f, t, True), numerator_name="Forløp over frist",
       denominator=lambda f, t: _open_pathways(f, t, False), denominator_name="Åpne forløp",
       categories=PATHWAY_CODES, categorised_denominator=True),
    _d(code="timer-per-bruker-mnd", services=HOME_NURSING, topic="Timer og nivåer",
       name="Hjemmesykepleietimer per bruker per måned",
       definition="Vedtatte timer i helsetjenester i hjemmet per måned (timer per uke × 4), "
                  "summert over brukermånedene i perioden og delt på antall brukermåneder.",
       unit=Unit.HOURS, sources=(Source(R000, "L1118-1124"),), tables=("services",),
       numerator=lambda f, t: _hours(f, t, _by_service(HOME_NURSING), "home_nursing"),
       numerator_name="Vedtatte timer", numerator_mode="sum",
       denominator=lambda f, t: _user_months(f, t, _by_service(HOME_NURSING), "home_nursing"),
       denominator_name="Brukermåneder", denominator_mode="sum"),
    _d(code="vedtakstimer-per-bruker", topic="Timer og nivåer",
       name="Vedtakstimer per bruker per uke",
       definition="Vedtatte timer per uke i alle tjenester målt i timer, i gjennomsnitt per "
                  "bruker og måned i perioden.",
       unit=Unit.HOURS, sources=(Source(R000, "L1146-1151"), Source(R001, "L1345-1358"),
                                 Source(R003, "L3558-3564",
                                        "9 timer bistand og 5 timer hjemmesykepleie per uke")),
       tables=("services",),
       numerator=lambda f, t: _hours(f, t, _any, "all", weekly=True),
       numerator_name="Vedtatte timer per uke", numerator_mode="sum",
       denominator=lambda f, t: _user_months(f, t, _any, "all"),
       denominator_name="Brukermåneder", denominator_mode="sum"),
    _d(code="nivafordeling", topic="Timer og nivåer",
       name="Fordeling av brukere på finansieringsnivåer",
       definition="Hjemmebaserte brukere etter nivå (grunnfinansiering, nivå 1–4, fokus) ut "
                  "fra gjennomsnittlige vedtakstimer per måned i perioden, delt på alle.",
       unit=Unit.PERCENT, sources=(Source(R000, "L2082-2116", "tabell 2"),),
       tables=("services",), numerator=_levels, numerator_name="Brukere på nivået",
       denominator=_level_users, denominator_name="Hjemmebaserte brukere",
       categories=tuple((level.value, level.label) for level in LEVELS_IN_ORDER)),
    _d(code="felles-hjemmebesok", services=HOME_NURSING, topic="Samhandling",
       name="Felles hjemmebesøk per 100 hjemmesykepleiebrukere",
       definition="Kartlegginger gjort som felles hjemmebesøk med tjenesteenheten i perioden, "
                  "per 100 mottakere av helsetjenester i hjemmet.",
       unit=Unit.PER_HUNDRED, sources=(Source(R000, "L4419-4423", "6–7 av 750"),),
       tables=("assessments", "services", "pathways"), subject="assessment",
       numerator=_joint_visits, numerator_name="Felles hjemmebesøk",
       denominator=_recipients, denominator_name="Mottakere av helsetjenester i hjemmet"),
    _d(code="venteliste-miljo", topic="Samhandling",
       name="Venteliste i miljøtjenesten",
       definition="Bestillinger til miljøtjenesten som ikke er startet på periodens siste dag.",
       unit=Unit.COUNT, sources=(Source(R000, "L4914-4928"),), tables=("orders",),
       subject="order", snapshot=True, groupings=PLACES,
       numerator=lambda f, t: _waiting(f, t, "environmental", False),
       numerator_name="Ventende bestillinger"),
    _d(code="venteliste-miljo-lengst", topic="Samhandling",
       name="Lengste ventetid i miljøtjenesten",
       definition="Dager siden bestilling for den som har ventet lengst på periodens siste "
                  "dag.",
       unit=Unit.DAYS, sources=(Source(R000, "L4914-4928"),), tables=("orders",),
       subject="order", snapshot=True, numerator_mode="max",
       numerator=lambda f, t: _waiting(f, t, "environmental", True),
       numerator_name="Dager ventet"),
    # Report 001 (Kristiansund and Molde): housing and habilitation.
    _d(code="brukere-per-tjeneste", topic="Tjenester og brukere",
       name="Brukere per tjenestetype",
       definition="Personer med tjenesten i perioden; endringen vises mot forrige periode.",
       unit=Unit.COUNT, sources=(Source(R001, "L1112-1166", "T7"),), tables=("services",),
       numerator=_service_users, numerator_name="Brukere", dynamic_categories=True),
    _d(code="andre-brukere", topic="Tjenester og brukere",
       name="Andre brukere i bo og habilitering (restledd)",
       definition="Brukere av alle tjenester − (dagtilbud + omsorgsstønad + støttekontakt) − "
                  "(PU under 16 år + PU 16 år og over), hver som antall personer.",
       unit=Unit.COUNT, sources=(Source(R001, "L1319-1322", "K3"),), tables=("services",),
       numerator=_other_users, numerator_name="Andre brukere (restledd)",
       numerator_mode="sum"),
    _d(code="vedtakstimer-per-tjeneste", topic="Timer og nivåer",
       name="Vedtakstimer per bruker per uke, per tjeneste",
       definition="Som «vedtakstimer-per-bruker», for hver tjeneste.",
       unit=Unit.HOURS, sources=(Source(R001, "L1345-1358", "K5"),), tables=("services",),
       numerator=lambda f, t: _hours(f, t, _any, "all", per_service=True, weekly=True),
       numerator_name="Vedtatte timer per uke", numerator_mode="sum",
       denominator=lambda f, t: _user_months(f, t, _any, "all", per_service=True),
       denominator_name="Brukermåneder", denominator_mode="sum", dynamic_categories=True,
       categorised_denominator=True),
    _d(code="vedtakstimer-per-turnustime", denominator_people=False, topic="Bemanning",
       name="Vedtakstimer per turnustime",
       definition="Vedtatte timer per måned (timer per uke × 4) i enheter med "
                  "bemanningstall, delt på turnustimer samme måned.",
       unit=Unit.RATIO, sources=(Source(R001, "L2203", "K14"),),
       tables=("services", "staffing"), groupings=("unit",),
       numerator=_staffed_hours, numerator_name="Vedtatte timer", numerator_mode="sum",
       denominator=lambda f, t: _staffing(f, t, "rostered_hours"),
       denominator_name="Turnustimer", denominator_mode="sum"),
    _d(code="arsverk-per-enetiltak", numerator_people=False, denominator_people=False,
       topic="Bemanning",
       name="Årsverk per enetiltak",
       definition="Årsverk delt på antall enetiltak, summert over enhetsmånedene med "
                  "bemanningstall.",
       unit=Unit.RATIO, sources=(Source(R001, "L1377-1380", "K7"),), tables=("staffing",),
       groupings=("unit",), subject="unit_month",
       numerator=lambda f, t: _staffing(f, t, "fte"), numerator_name="Årsverk",
       numerator_mode="sum", denominator=lambda f, t: _staffing(f, t, "one_to_one_measures"),
       denominator_name="Enetiltak", denominator_mode="sum"),
    _d(code="tvang-per-bruker", topic="Tjenester og brukere",
       name="Tvangsvedtak per bruker i bo og habilitering",
       definition="Gyldige vedtak etter helse- og omsorgstjenesteloven kap. 9 i perioden, "
                  "delt på brukere i bo og habilitering.",
       unit=Unit.RATIO, sources=(Source(R001, "L1384-1387", "K8"),),
       tables=("coercions", "services"), subject="coercion",
       groupings=("district", "unit"), numerator=_coercions,
       numerator_name="Tvangsvedtak", denominator=_habilitation_users,
       denominator_name="Brukere i bo og habilitering"),
    _d(code="ikke-startet", topic="Tjenester og brukere",
       name="Vedtak som ikke er satt i gang",
       definition="Innvilgede tjenester som er vedtatt, men ikke startet på periodens siste "
                  "dag, delt på vedtatte tjenester som er startet eller venter.",
       unit=Unit.PERCENT, sources=(Source(R001, "L1398-1416", "aktive og inaktive vedtak"),),
       tables=("services",), subject="line", snapshot=True,
       numerator=lambda f, t: _not_started(f, t, False), numerator_name="Ikke startet",
       denominator=lambda f, t: _not_started(f, t, True),
       denominator_name="Aktive eller ventende tjenester"),
    # Report 002 (Kristiansund): hospital discharge.
    _d(code="utskrivningsklare-dogn", topic="Sykehus og utskrivning",
       name="Døgn med utskrivningsklare pasienter",
       definition="Døgn innbyggere lå på sykehus etter at de var meldt utskrivningsklare: "
                  "fra og med dagen de ble meldt klare, til dagen før de ble utskrevet.",
       unit=Unit.DAYS, sources=(Source(R002, "L398-408", "Fig 3"),), tables=("hospital",),
       groupings=("district", "unit"), subject="stay", numerator=_waiting_days,
       numerator_name="Døgn", numerator_mode="sum"),
    _d(code="utskrivningsklare-per-dogn", topic="Sykehus og utskrivning",
       name="Utskrivningsklare pasienter per døgn", denominator_people=False,
       definition="Døgn med utskrivningsklare pasienter delt på kalenderdøgn i perioden "
                  "(til og med i dag): hvor mange som lå og ventet en gjennomsnittlig dag.",
       unit=Unit.RATIO, sources=(Source(R002, "L405-408", "Fig 3, Gj sn/døgn"),),
       tables=("hospital",), groupings=("district",), subject="stay",
       numerator=_waiting_days, numerator_name="Døgn", numerator_mode="sum",
       denominator=_calendar_days, denominator_name="Kalenderdøgn",
       denominator_mode="sum"),
    _d(code="utskrivningsklare-kostnad", topic="Sykehus og utskrivning",
       name="Kostnad for utskrivningsklare pasienter (kr)",
       definition="Døgn med utskrivningsklare pasienter ganger døgnprisen for året "
                  "(satt under Administrasjon → Døgnpriser for utskrivningsklare). År uten "
                  "døgnpris teller ikke med.",
       unit=Unit.KRONER,
       sources=(Source(R002, "L318-320"), Source(R002, "L391", "dyrt for kommunen")),
       tables=("hospital", "discharge_rates"), groupings=("district", "unit"),
       subject="stay", numerator=_waiting_cost, numerator_name="Kroner",
       numerator_mode="sum"),
    _d(code="pasientflyt", topic="Sykehus og utskrivning",
       name="Pasientflyt: innlagt og utskrevet",
       definition="Innleggelser og utskrivninger i perioden de skjedde, etter hvor "
                  "pasienten ble utskrevet til. Resten er innlagte minus alle utskrevne i "
                  "perioden (endringen i hvor mange som ligger inne), slik at tallene går "
                  "opp; den kan være negativ.",
       unit=Unit.COUNT, sources=(Source(R002, "L323-364", "Fig 1"),), tables=("hospital",),
       groupings=("district",), subject="stay", numerator=_flow,
       numerator_name="Pasienter", numerator_mode="sum", categories=FLOW),
    _d(code="ventetid-venteliste", topic="Plasser og ventelister",
       name="Ventetid på venteliste (dager)",
       definition="Gjennomsnittlig antall dager fra personen ble funnet kvalifisert til "
                  "plassen ble gitt, for dem som fikk plass i perioden, per venteliste.",
       unit=Unit.DAYS, sources=(Source(R002, "L414", "ventelister for sykehjemsplass"),
                                Source(R002, "L481-491", "hol. § 3-2 a fjerde ledd")),
       tables=("waiting_lists",), groupings=("district",), subject="waiting",
       numerator=lambda f, t: _placed_waits(f, t, True), numerator_name="Dager ventet",
       numerator_mode="sum", denominator=lambda f, t: _placed_waits(f, t, False),
       denominator_name="Fikk plass", denominator_mode="sum", categories=WAITING_LISTS,
       categorised_denominator=True),
    _d(code="pa-venteliste", topic="Plasser og ventelister", snapshot=True,
       name="Personer på venteliste",
       definition="Personer som står på ventelisten på periodens siste dag, per "
                  "venteliste.",
       unit=Unit.COUNT, sources=(Source(R002, "L414-420", "ventelister og avvik"),),
       tables=("waiting_lists",), groupings=("district",), subject="waiting",
       numerator=_on_list, numerator_name="På venteliste", categories=WAITING_LISTS),
    _d(code="avvik-plasser", topic="Plasser og ventelister",
       name="Avvik: tiltak som ikke kan settes i gang, korridorpasienter og overbelegg",
       definition="Registrerte avvik med dato i perioden, per type avvik.",
       unit=Unit.COUNT, sources=(Source(R002, "L414-420", "ventelister og avvik"),),
       tables=("deviations",), groupings=("district",), subject="deviation",
       numerator=_deviations, numerator_name="Avvik", categories=places_rules.DEVIATION_KINDS),
    # Report 003 (Helsedirektoratet): coverage and needs.
    _d(code="brukere-per-1000", denominator_people=False, topic="Dekning",
       name="Tjenestemottakere per 1 000 innbyggere",
       definition="Personer med minst én tjeneste i perioden per 1 000 innbyggere "
                  "(innbyggere 1. januar i periodens første år).",
       unit=Unit.PER_THOUSAND, sources=(Source(R003, "L391-393"), Source(R003, "L3171-3175")),
       tables=("services", "population"), groupings=("district",),
       numerator=lambda f, t: _users(f, t, _any), numerator_name="Mottakere",
       denominator=lambda f, t: _population(f, t, False), denominator_name="Innbyggere",
       denominator_mode="sum"),
    _d(code="dekning-hjemmetjenester", services=HOME_SERVICES, denominator_people=False,
       topic="Dekning",
       name="Dekningsgrad hjemmetjenester etter alder",
       definition="Mottakere av hjemmetjenester (praktisk bistand, BPA, helsetjenester i "
                  "hjemmet) i aldersgruppen, delt på innbyggere i aldersgruppen.",
       unit=Unit.PERCENT, sources=(Source(R003, "L500-504"), Source(R003, "L639-652")),
       tables=("services", "population"), groupings=("district",),
       numerator=lambda f, t: _users_by_band(f, t, HOME_SERVICES),
       numerator_name="Mottakere i aldersgruppen",
       denominator=lambda f, t: _population(f, t, True),
       denominator_name="Innbyggere i aldersgruppen", denominator_mode="sum",
       categories=AGE_BANDS, categorised_denominator=True),
    _d(code="dekning-langtid", services=LONG_TERM_STAY, denominator_people=False,
       topic="Dekning",
       name="Dekningsgrad langtidsopphold etter alder",
       definition="Beboere på langtidsopphold i aldersgruppen, delt på innbyggere i "
                  "aldersgruppen.",
       unit=Unit.PERCENT, sources=(Source(R003, "L756-762"),),
       tables=("services", "population"), groupings=("district",),
       numerator=lambda f, t: _users_by_band(f, t, LONG_TERM_STAY),
       numerator_name="Beboere i aldersgruppen",
       denominator=lambda f, t: _population(f, t, True),
       denominator_name="Innbyggere i aldersgruppen", denominator_mode="sum",
       categories=AGE_BANDS, categorised_denominator=True),
    _d(code="omfattende-behov", services=HOME_SERVICES, topic="Dekning",
       name="Andel hjemmetjenestebrukere med omfattende bistandsbehov",
       definition="Brukere av hjemmetjenester med siste kartlegging i gruppen «omfattende» "
                  "(gjennomsnittlig funksjonsskår over terskelen i gjeldende versjon av "
                  "behovsgrupperingen), delt på brukere med kartlegging.",
       unit=Unit.PERCENT, sources=(Source(R003, "L542-555", "grupperingen er ikke definert"),),
       tables=("services", "assessments"), numerator=_extensive,
       numerator_name="Brukere med omfattende behov", denominator=_with_needs,
       denominator_name="Brukere med kartlegging"),
    _d(code="klager", topic="Klager",
       name="Klager mottatt", definition="Klager på vedtak mottatt i perioden.",
       unit=Unit.COUNT, sources=(Source(R003, "L2526-2538"), Source(R001, "L1398-1416")),
       tables=("complaints",), subject="complaint", numerator=_complaints_received,
       numerator_name="Klager"),
    _d(code="klagerate", topic="Klager",
       name="Klager per 100 vedtak",
       definition="Klager mottatt i perioden per 100 vedtak fattet i perioden.",
       unit=Unit.PER_HUNDRED, sources=(Source(R004, "L2697-2699", "flere klager skrevet av "
                                                               "advokat"),
                                       Source(R004, "L3504-3506", "få formelle klager")),
       tables=("complaints", "decisions"), subject="complaint",
       numerator=_complaints_received, numerator_name="Klager",
       denominator=_decisions, denominator_name="Vedtak fattet"),
    _d(code="omgjoring-kontor", topic="Klager",
       name="Andel klager kontoret selv omgjorde",
       definition="Klager kontoret vurderte på nytt i perioden og der det selv endret "
                  "vedtaket (helt eller delvis), delt på klager kontoret vurderte i perioden.",
       unit=Unit.PERCENT, sources=(Source(R004, "L855-856", "klage behandles av annen "
                                                             "instans"),
                                   Source(R004, "L881-884")),
       tables=("complaints",), subject="complaint",
       numerator=lambda f, t: _office_reassessed(f, t, True),
       numerator_name="Omgjort av kontoret",
       denominator=lambda f, t: _office_reassessed(f, t, False),
       denominator_name="Klager vurdert av kontoret"),
    _d(code="omgjoring-statsforvalter", topic="Klager",
       name="Andel klager Statsforvalteren ga medhold",
       definition="Klager Statsforvalteren avgjorde i perioden med vedtaket omgjort eller "
                  "opphevet (medhold helt eller delvis), delt på klager Statsforvalteren "
                  "avgjorde i perioden.",
       unit=Unit.PERCENT, sources=(Source(R003, "L2526-2538", "25 % i 2015"),),
       tables=("complaints",), subject="complaint",
       numerator=lambda f, t: _authority_decided(f, t, True),
       numerator_name="Medhold helt eller delvis",
       denominator=lambda f, t: _authority_decided(f, t, False),
       denominator_name="Klager avgjort av Statsforvalteren"),
    # Report 004 (allocation offices): processing.
    _d(code="saksbehandlingstid", topic="Saksbehandling",
       name="Saksbehandlingstid (dager fra mottatt til vedtak)",
       definition="Dager fra søknaden kom inn til vedtak, i gjennomsnitt for søknader avgjort "
                  "i perioden.",
       unit=Unit.DAYS, sources=(Source(R004, "L3104", "tre uker"), Source(R004, "L3995-3996")),
       tables=("applications",), subject="case",
       numerator=lambda f, t: _decided(f, t, amount=_processing_days),
       numerator_name="Sum dager", numerator_mode="sum",
       denominator=lambda f, t: _decided(f, t), denominator_name="Søknader avgjort"),
    _d(code="innen-frist", topic="Saksbehandling",
       name="Andel søknader avgjort innen kontorets mål",
       definition="Søknader avgjort i perioden innen kontorets mål for saksbehandlingstid "
                  "(standard 3 uker), delt på søknader avgjort i perioden.",
       unit=Unit.PERCENT, sources=(Source(R004, "L3104"), Source(R004, "L3995-3996")),
       tables=("applications",), subject="case",
       numerator=lambda f, t: _decided(f, t, keep=_within_target),
       numerator_name="Avgjort innen målet",
       denominator=lambda f, t: _decided(f, t), denominator_name="Søknader avgjort"),
    _d(code="utfall", topic="Saksbehandling",
       name="Innvilget, delvis innvilget og avslag",
       definition="Søknader avgjort i perioden etter utfall, delt på alle avgjorte søknader.",
       unit=Unit.PERCENT, sources=(Source(R004, "L3463-3468", "kriterier og avslag"),
                                   Source(R004, "L3809-3812", "lik behandling")),
       tables=("applications",),
       subject="case", numerator=lambda f, t: _decided(f, t, category=True),
       numerator_name="Søknader med utfallet",
       denominator=lambda f, t: _decided(f, t), denominator_name="Søknader avgjort",
       categories=OUTCOMES),
    _d(code="revisjon-i-tide", topic="Saksbehandling",
       name="Andel revurderinger gjort innen fristen",
       definition="Revurderinger med frist i perioden (og fristen passert) som var avgjort "
                  "innen fristen, delt på alle med frist i perioden.",
       unit=Unit.PERCENT, sources=(Source(R004, "L2269", "revurdering etter 6 måneder"),
                                   Source(R004, "L4006-4009")),
       tables=("revisions",), subject="revision",
       numerator=lambda f, t: _revisions_due(f, t, True), numerator_name="Gjort innen fristen",
       denominator=lambda f, t: _revisions_due(f, t, False),
       denominator_name="Revurderinger med frist i perioden"),
)

BY_CODE: dict[str, Indicator] = {i.code: i for i in INDICATORS}


class UnknownIndicator(ValueError):
    """An indicator code that is not in the catalogue (message in Norwegian)."""


def get(code: str) -> Indicator:
    try:
        return BY_CODE[code.strip()]
    except KeyError:
        raise UnknownIndicator(f"Ukjent indikator «{code.strip()}». Gyldige koder: "
                               f"{', '.join(BY_CODE)}.") from None


def parse_codes(text: str | Iterable[str] | None) -> list[Indicator]:
    """Indicators from "a,b" (or a list); None or empty gives the whole catalogue."""
    if not text:
        return list(INDICATORS)
    codes = text.split(",") if isinstance(text, str) else list(text)
    found = [get(code) for code in codes if code.strip()]
    return list(dict.fromkeys(found))  # each indicator once, in the order asked
