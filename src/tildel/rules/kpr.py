"""Continuous reporting to the municipal patient and user register (KPR, formerly IPLOS).

XPR(ipl) 56.0.0 (reference/kpr-iplos-56.0.0, standards.md § KPR continuous event message):
a service (tjeneste) is reported as events: start (TjenesteStart), temporary stop from and
to (MidlertidigStoppFra / MidlertidigStoppTil), change of provider (TjenesteutforerEndret)
and end (TjenesteSlutt). Each event is sent once; a later correction is a notification
with status M (replace), T (supplement) or C (cancel) of the original, never a duplicate.

This module decides, from plain values, which events the services give (``events``) and
what must be sent for the register to agree with them (``reconcile``), and which services
the register would reject (``problems``). It knows nothing of Django.

A *service* for the register is one person's uninterrupted use of one service type (code
9151): a revised decision that replaces the old one the next day continues the service, it
does not end and restart it. Its ``tjenesteID`` is the id of its first line.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum

MAX_WEEKLY_HOURS = 168  # IPLOS: more than 168 hours a week on one service is not allowed

#: Volven 9151 codes still in use in XPR(ipl) 56.0.0 (the retired ones are 6, 14, 23, 24,
#: 26, 27 and 28; standards.md § 9151).
ACTIVE_SERVICE_TYPES = frozenset({"1", "2", "3", "4", "5", "7", "8", "9", "11", "15", "17",
                                  "18", "19", "20", "21", "22", "25", "29"})
RETIRED_SERVICE_TYPES = frozenset({"6", "14", "23", "24", "26", "27", "28"})


class EventKind(Enum):
    """The event elements of a Notifikasjon, in the order the schema's sequence has them."""

    START = ("TjenesteStart", "Tjenesten starter")
    STOP_TO = ("MidlertidigStoppTil", "Midlertidig stans slutter")
    STOP_FROM = ("MidlertidigStoppFra", "Midlertidig stans")
    PROVIDER_CHANGED = ("TjenesteutforerEndret", "Ny tjenesteutfører")
    END = ("TjenesteSlutt", "Tjenesten avsluttes")

    def __init__(self, element: str, label: str):
        self.element, self.label = element, label


KIND_ORDER = {EventKind.START: 0, EventKind.PROVIDER_CHANGED: 1, EventKind.STOP_FROM: 2,
              EventKind.STOP_TO: 3, EventKind.END: 4}


class Status(Enum):
    """Status notifikasjon (code list 7316)."""

    ORIGINAL = "N"
    REPLACE = "M"  # KorrigerErstatt
    SUPPLEMENT = "T"  # KorrigerSuppler
    CANCEL = "C"  # KorrigerAnnuller


class IdType(Enum):
    """Type personidentifikasjon (code list 9032)."""

    FODSELSNUMMER = "1"
    D_NUMMER = "2"
    H_NUMMER = "3"


@dataclass(frozen=True)
class Pause:
    pause_id: int
    start: dt.date
    end: dt.date | None  # the last day of the stop; None while it lasts
    registered: dt.datetime | None = None


@dataclass(frozen=True)
class Line:
    """A granted service line in a decided decision, as the register sees it."""

    line_id: int
    decision_id: int
    person_id: int
    service_type: str | None  # 9151 code; None for a local service (not reported)
    start: dt.date
    end: dt.date | None
    org_number: str = ""  # the provider unit's organisation number
    weekly_hours: float | None = None
    pauses: tuple[Pause, ...] = ()
    registered: dt.datetime | None = None  # when the decision was signed
    unit_id: int | None = None  # the provider unit (its organisation number may be empty)


@dataclass(frozen=True)
class Person:
    """Who the events are about: what the Bruker element carries."""

    person_id: int
    id_number: str
    id_type: IdType | None
    district_code: str = ""  # bydel, where the municipality has them


@dataclass(frozen=True)
class Event:
    """One event to report. ``key`` is stable across runs: it names what happened to which
    service, not when, so a changed date is a correction of the same event."""

    key: str
    kind: EventKind
    service_id: str
    service_type: str
    person_id: int
    day: dt.date
    org_number: str = ""
    stop_id: str = ""
    line_id: int = 0  # the line it comes from (to point a person at it)
    decision_id: int = 0
    registered: dt.datetime | None = None  # hendelseRegTid; not part of the content

    #: the names in ``content``, in its order
    CONTENT = ("kind", "service_type", "service_id", "day", "org_number", "stop_id",
               "person_id", "id_number", "id_type", "district_code")

    def content(self, person: Person) -> dict[str, str]:
        """Everything a message says about the event, as text: two runs compare equal
        exactly when the register would be told the same."""
        return {"kind": self.kind.element, "service_type": self.service_type,
                "service_id": self.service_id, "day": self.day.isoformat(),
                "org_number": self.org_number, "stop_id": self.stop_id,
                "person_id": str(self.person_id), "id_number": person.id_number,
                "id_type": person.id_type.value if person.id_type else "",
                "district_code": person.district_code}


@dataclass(frozen=True, slots=True)
class Episode:
    """One person's uninterrupted use of one service type: the register's service.

    ``service_id`` (tjenesteID, from its first line), ``start`` and ``end`` (None while a
    line is open) are worked out once, when the service is found."""

    person_id: int
    service_type: str
    lines: tuple[Line, ...]
    service_id: str
    start: dt.date
    end: dt.date | None


def _episode(person: int, service_type: str, chain: list[Line], reach: dt.date | None):
    first = chain[0]
    return Episode(person, service_type, tuple(chain), f"T{first.line_id}", first.start, reach)


def episodes(lines: Iterable[Line]) -> list[Episode]:
    """The register's services: one person's use of one service type from one provider,
    continued by a line that starts the day after (a revision; from another unit it is a
    change of provider).

    A line joins the service whose lines it overlaps or follows on the next day from the
    same unit; otherwise a service whose last line ended the day before (another unit takes
    over); otherwise it starts a new service. Two units serving the same person with the
    same type at the same time (home nursing and everyday rehabilitation are both 15) are
    two services, each with its own start, stops and end. Local services (no 9151 code)
    are left out.
    """
    by_type: dict[tuple[int, str], list[Line]] = {}
    for line in lines:
        if line.service_type:
            by_type.setdefault((line.person_id, line.service_type), []).append(line)
    result = []
    for (person, service_type), found in by_type.items():
        if len(found) == 1:  # most people have one line of a type: nothing to chain
            result.append(_episode(person, service_type, found, found[0].end))
            continue
        found.sort(key=lambda line: (line.start, line.line_id))
        chains: list[list[Line]] = []
        reaches: list[dt.date | None] = []  # the last day each chain covers; None while open
        for line in found:
            index = _same_unit(chains, reaches, line)
            if index is None:
                index = _successor(reaches, line)
            if index is None:
                chains.append([line])
                reaches.append(line.end)
            else:
                chains[index].append(line)
                reach = reaches[index]
                reaches[index] = (None if reach is None or line.end is None
                                  else max(reach, line.end))
        result += [_episode(person, service_type, chain, reach)
                   for chain, reach in zip(chains, reaches, strict=True)]
    result.sort(key=lambda e: (e.start, e.lines[0].line_id))
    return result


def _next_day(day: dt.date) -> dt.date:
    """The day after; the last representable day stays itself (an open end written as
    9999-12-31 by another system must not crash the report)."""
    return day if day == dt.date.max else day + dt.timedelta(days=1)


def _same_unit(chains: list[list[Line]], reaches: list[dt.date | None],
               line: Line) -> int | None:
    for index, (chain, reach) in enumerate(zip(chains, reaches, strict=True)):
        if (chain[-1].unit_id, chain[-1].org_number) == (line.unit_id, line.org_number) and (
                reach is None or line.start <= _next_day(reach)):
            return index
    return None


def _successor(reaches: list[dt.date | None], line: Line) -> int | None:
    for index, reach in enumerate(reaches):
        if reach is not None and reach != dt.date.max and line.start == _next_day(reach):
            return index
    return None


def events(lines: Iterable[Line], today: dt.date,
           services: list[Episode] | None = None) -> list[Event]:
    """The events the lines give up to and including ``today`` (a decided end in the
    future is reported when the day comes)."""
    services = episodes(lines) if services is None else services
    return [event for episode in services for event in _episode_events(episode)
            if event.day <= today]


def _episode_events(episode: Episode) -> list[Event]:
    sid, code, person = episode.service_id, episode.service_type, episode.person_id
    first = episode.lines[0]
    result = [Event(f"{sid}:start", EventKind.START, sid, code, person, episode.start,
                    first.org_number, "", first.line_id, first.decision_id, first.registered)]
    if len(episode.lines) == 1 and not first.pauses:  # the usual service: start, maybe end
        if episode.end is not None:
            result.append(Event(f"{sid}:end", EventKind.END, sid, code, person, episode.end,
                                first.org_number, "", first.line_id, first.decision_id,
                                first.registered))
        return result

    def event(key: str, kind: EventKind, day: dt.date, line: Line, org: str = "",
              stop_id: str = "", registered: dt.datetime | None = None) -> None:
        result.append(Event(f"{sid}:{key}", kind, sid, code, person, day, org, stop_id,
                            line.line_id, line.decision_id, registered or line.registered))

    provider = first.org_number
    for line in episode.lines[1:]:
        if line.org_number and line.org_number != provider:
            event(f"provider:{line.line_id}", EventKind.PROVIDER_CHANGED, line.start, line,
                  line.org_number)
        provider = line.org_number or provider
    end = episode.end
    for line in episode.lines:
        for pause in line.pauses:
            # A stop counts only while its line runs: a stop left open on a line that was
            # replaced ends with the line, and the service goes on under the next one.
            start = max(pause.start, line.start)
            last = pause.end if line.end is None else min(pause.end or line.end, line.end)
            if start > (line.end or start) or (last is not None and last < start):
                continue
            stop_id = f"S{pause.pause_id}"
            event(f"stop:{pause.pause_id}:from", EventKind.STOP_FROM, start, line,
                  line.org_number, stop_id, pause.registered)
            # The service resumes the day after the stop's last day, unless it ends then.
            if last is not None and (end is None or last < end) and last != dt.date.max:
                event(f"stop:{pause.pause_id}:to", EventKind.STOP_TO,
                      _next_day(last), line, line.org_number, stop_id,
                      pause.registered)
    if end is not None:
        last = max(episode.lines, key=lambda line: (line.end, line.line_id))
        event("end", EventKind.END, end, last, last.org_number)
    return result


@dataclass(frozen=True)
class Reported:
    """What the register has been told about one event (the ledger's row)."""

    key: str
    content: Mapping[str, str]
    active: bool = True  # False once cancelled


@dataclass(frozen=True)
class Change:
    """One notification to send: the event (for C, the one reported) and its status."""

    status: Status
    key: str
    event: Event | None  # None for a cancellation: the ledger has what was sent
    content: Mapping[str, str] = field(default_factory=dict)


#: Fields that may be added later as a supplement (T) rather than a replacement (M). The
#: district (bydel) is not filled yet: only the largest cities have official numbers.
SUPPLEMENT_FIELDS = ("org_number", "district_code")


def reconcile(desired: Iterable[Event], persons: Mapping[int, Person],
              reported: Mapping[str, Reported], since: dt.date | None = None) -> list[Change]:
    """What to send so the register agrees with ``desired``.

    - an event never reported (or cancelled earlier): N, if on or after ``since``;
    - reported with other content: T where only empty optional fields got a value,
      otherwise M;
    - reported but no longer there (an annulled decision, a removed stop): C;
    - reported and unchanged: nothing, so a rerun sends nothing.
    """
    return reconcile_contents(((event, event.content(persons[event.person_id]))
                               for event in desired), reported, since)


def reconcile_contents(desired: Iterable[tuple[Event, Mapping[str, str]]],
                       reported: Mapping[str, Reported],
                       since: dt.date | None = None) -> list[Change]:
    """``reconcile`` of events whose content is already made (kept between exports).

    Each key is decided on its own, so the caller may leave out any key whose event is
    reported with the same content (the event and its ledger row both), and the result is
    the same as for the whole; an event passed without its ledger row counts as new.
    """
    changes: list[Change] = []
    wanted = set()
    for event, content in desired:
        wanted.add(event.key)
        known = reported.get(event.key)
        if known is None or not known.active:
            if since is None or event.day >= since:
                changes.append(Change(Status.ORIGINAL, event.key, event, content))
            continue
        if dict(known.content) == content:
            continue
        differs = {k for k in content if known.content.get(k, "") != content[k]}
        supplement = all(k in SUPPLEMENT_FIELDS and not known.content.get(k)
                         for k in differs)
        changes.append(Change(Status.SUPPLEMENT if supplement else Status.REPLACE,
                              event.key, event, content))
    cancels = [Change(Status.CANCEL, key, None, dict(known.content))
               for key, known in reported.items() if known.active and key not in wanted]
    # Cancellations first (a moved start must not leave two open services in between),
    # then the events in the order they happened.
    cancels.sort(key=lambda c: (c.content.get("day", ""), c.key))
    changes.sort(key=lambda c: (c.event.day, KIND_ORDER[c.event.kind], c.key))
    return cancels + changes


@dataclass(frozen=True)
class Problem:
    """A reason the register would reject an event; shown before anything is sent."""

    line_id: int
    decision_id: int
    person_id: int
    message: str


def held_services(lines: list[Line], found: list[Problem],
                  services: list[Episode] | None = None) -> set[str]:
    """The services (tjenesteID) with a problem on any of their lines: all their events
    wait, so the register never gets an end or a stop of a service it did not see start."""
    blocked = {problem.line_id for problem in found}
    services = episodes(lines) if services is None else services
    return {episode.service_id for episode in services
            if any(line.line_id in blocked for line in episode.lines)}


def problems(lines: list[Line], persons: Mapping[int, Person],
             retired: frozenset[str] = RETIRED_SERVICE_TYPES,
             services: list[Episode] | None = None) -> list[Problem]:
    """Lines the register would reject: a retired service code, a person without a usable
    identification, more than 168 hours a week (IPLOS), a change of provider to a unit
    without an organisation number (required in TjenesteutforerEndret)."""
    found: list[Problem] = []
    for line in lines:
        if not line.service_type:
            continue

        def problem(message: str, line: Line = line) -> None:
            found.append(Problem(line.line_id, line.decision_id, line.person_id, message))

        if line.service_type in retired:
            problem(f"Tjenestetype {line.service_type} er utgått i kodeverk 9151 og avvises "
                    f"av KPR. Velg en gjeldende tjeneste.")
        elif line.service_type not in ACTIVE_SERVICE_TYPES:
            problem(f"Tjenestetype {line.service_type} finnes ikke i kodeverk 9151.")
        person = persons.get(line.person_id)
        if person is None or not person.id_number or person.id_type is None:
            problem("Personen mangler fødselsnummer eller D-nummer.")
        if line.weekly_hours is not None and line.weekly_hours > MAX_WEEKLY_HOURS:
            hours = f"{line.weekly_hours:g}".replace(".", ",")
            problem(f"{hours} timer per uke er mer enn {MAX_WEEKLY_HOURS}, som IPLOS ikke "
                    f"tillater for én tjeneste.")
    for episode in episodes(lines) if services is None else services:
        for previous, line in itertools.pairwise(episode.lines):
            if not line.org_number and previous.org_number:
                found.append(Problem(line.line_id, line.decision_id, line.person_id,
                                     "Tjenesteenheten mangler organisasjonsnummer; bytte av "
                                     "tjenesteutfører kan ikke meldes."))
    return found
