"""The plain rows indicators are computed from (no Django).

The insight app reads them from the database in one query per table; the reference
tests build them by hand. Every row carries the keys it can be grouped by: ``district``
(the person's district), ``office`` (allocation office, tildelingskontor), ``unit``
(provider unit, utførende tjeneste) and ``caseworker`` (saksbehandler). A key a row does
not have is ``None``; such rows then fall under "Ikke angitt" in that grouping.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

#: The groupings a figure can be broken down by, with their Norwegian names.
GROUPINGS: dict[str, str] = {
    "municipality": "Hele kommunen",
    "district": "Bydel/distrikt",
    "office": "Tildelingskontor",
    "unit": "Tjenesteenhet",
    "caseworker": "Saksbehandler",
}


class ServiceSpell(NamedTuple):
    """One decided and granted service (tjeneste i vedtak) from start to end."""

    line: int
    decision: int
    person: int
    service: str  # catalogue code, e.g. "hjemmesykepleie"
    unit_kind: str  # the provider unit's kind, e.g. "home_nursing"; "" without a unit
    decided: dt.date | None
    start: dt.date
    end: dt.date | None
    weekly_hours: float | None  # decided hours per week; None if not measured in hours
    birth_date: dt.date
    intellectual_disability: bool
    district: int | None
    office: int | None
    unit: int | None
    caseworker: int | None


class PathwayFact(NamedTuple):
    """One patient pathway (pasientforløp 0–3)."""

    pathway: int
    person: int
    code: int
    start: dt.date
    deadline: dt.date | None
    end: dt.date | None  # the real end (reell sluttdato) once closed
    outcome: str  # "" while open; "no_further_services", "reduced_services", "new_decision"
    district: int | None
    office: int | None
    unit: int | None
    caseworker: int | None


class ApplicationFact(NamedTuple):
    """One application (søknad) and how it was decided."""

    case: int
    person: int | None
    received: dt.date
    decided: dt.date | None
    outcome: str | None  # "grant", "partial", "refusal"; None while undecided
    service: str | None  # the service applied for (the first, if several)
    granted_weekly_hours: float | None
    target_days: int  # the office's target for a decision, in days
    needs_score: float | None  # mean of the relevant IPLOS scores at the assessment
    age: int | None  # at reception
    next_of_kin: bool  # an enquiry on the case came from next of kin (or a guardian)
    lawyer: bool  # an enquiry came from a lawyer or an authorised representative
    district: int | None
    office: int | None
    caseworker: int | None
    unit: int | None = None


class ComplaintFact(NamedTuple):
    """One complaint (klage): the office's own reassessment (underinstans) and, if it
    upheld the decision, the county governor's (Statsforvalteren) outcome."""

    complaint: int
    person: int
    decision: int
    received: dt.date
    reassessed: dt.date | None  # when the office reassessed it
    office_reversed: bool | None  # the office changed its decision; None while pending
    authority_decided: dt.date | None  # when the county governor decided
    authority_changed: bool | None  # reversed or quashed (medhold helt eller delvis)
    district: int | None
    office: int | None
    caseworker: int | None
    unit: int | None = None


class DecisionFact(NamedTuple):
    """One decided decision (vedtak), for complaint rates."""

    decision: int
    person: int
    decided: dt.date
    district: int | None
    office: int | None
    caseworker: int | None
    unit: int | None = None


class RevisionFact(NamedTuple):
    """One revision (revurdering) with its deadline and when it was done."""

    revision: int
    person: int
    due: dt.date
    done: dt.date | None
    district: int | None
    office: int | None
    caseworker: int | None
    unit: int | None = None


class OrderFact(NamedTuple):
    """One order (bestilling) to a provider unit; waiting until the service starts."""

    order: int
    person: int
    unit_kind: str  # provider kind, e.g. "environmental"
    ordered: dt.date
    started: dt.date | None
    district: int | None
    office: int | None
    unit: int | None
    caseworker: int | None


class AssessmentFact(NamedTuple):
    """One needs assessment (kartlegging): when, whether a joint home visit, mean score."""

    assessment: int
    person: int
    held: dt.date
    joint_home_visit: bool
    needs_score: float | None
    district: int | None
    office: int | None
    caseworker: int | None
    unit: int | None = None


class CoercionFact(NamedTuple):
    """One coercion decision (vedtak etter helse- og omsorgstjenesteloven kap. 9)."""

    coercion: int
    person: int
    start: dt.date
    end: dt.date | None
    district: int | None
    unit: int | None
    office: int | None = None
    caseworker: int | None = None


class PopulationFact(NamedTuple):
    """Inhabitants (innbyggere) on 1 January of ``year`` in one age band."""

    year: int
    age_band: str  # "0-66", "67-79", "80+"
    inhabitants: int
    district: int | None  # None: the municipality as a whole
    office: int | None = None
    unit: int | None = None
    caseworker: int | None = None


class StaffingFact(NamedTuple):
    """Rostered hours, FTEs and one-to-one measures of one unit in one month."""

    month: dt.date
    rostered_hours: float
    fte: float
    one_to_one_measures: int
    unit: int
    district: int | None = None
    office: int | None = None
    caseworker: int | None = None


class HospitalFact(NamedTuple):
    """One hospital stay of an inhabitant (sykehusopphold), in local dates; report 002."""

    stay: int
    person: int
    admitted: dt.date
    ready: dt.date | None  # utskrivningsklar
    discharged: dt.date | None
    destination: str  # "home", "institution", "elsewhere"; "" while in hospital
    died: bool
    district: int | None
    office: int | None = None
    unit: int | None = None  # the unit responsible for the way home
    caseworker: int | None = None


class DischargeRateFact(NamedTuple):
    """The daily rate the municipality pays per day a patient waits ready for discharge."""

    year: int
    rate: float
    district: int | None = None
    office: int | None = None
    unit: int | None = None
    caseworker: int | None = None


class DeviationFact(NamedTuple):
    """One deviation (avvik): a measure that could not be started, a corridor patient,
    overcrowding (report 002 L414-420)."""

    deviation: int
    kind: str  # places.Deviation.Kind value
    occurred: dt.date
    person: int | None
    district: int | None  # the person's district, else the institution's
    office: int | None = None
    unit: int | None = None
    caseworker: int | None = None


class WaitingFact(NamedTuple):
    """One person on a waiting list (venteliste) for a place or service."""

    entry: int
    person: int
    list: str  # rules.places.ListKind key
    qualified: dt.date
    left: dt.date | None  # the day given a place or taken off the list
    placed: bool
    district: int | None
    office: int | None = None
    unit: int | None = None
    caseworker: int | None = None


@dataclass
class Facts:
    """All rows one computation needs, and the span of dates the data covers.

    ``covers`` is (first, last) day with data: a period outside it has no data, which is
    shown as "Ingen data", never as 0. ``starts`` can narrow it per table: the first day each
    table has data (None: the table has none), e.g. pathways registered from February 2021
    only (report 000 L1058-1062); an indicator starts when all its tables do.
    """

    covers: tuple[dt.date, dt.date]
    starts: dict = field(default_factory=dict)
    services: Sequence[ServiceSpell] = ()
    pathways: Sequence[PathwayFact] = ()
    applications: Sequence[ApplicationFact] = ()
    decisions: Sequence[DecisionFact] = ()
    complaints: Sequence[ComplaintFact] = ()
    revisions: Sequence[RevisionFact] = ()
    orders: Sequence[OrderFact] = ()
    assessments: Sequence[AssessmentFact] = ()
    coercions: Sequence[CoercionFact] = ()
    population: Sequence[PopulationFact] = ()
    staffing: Sequence[StaffingFact] = ()
    hospital: Sequence[HospitalFact] = ()
    discharge_rates: Sequence[DischargeRateFact] = ()
    waiting_lists: Sequence[WaitingFact] = ()
    deviations: Sequence[DeviationFact] = ()
    needs_groupings: Sequence = ()  # needs.NeedsGrouping versions; default if empty
    cache: dict = field(default_factory=dict, repr=False)

    def memo(self, key, build):
        """``build()`` once per Facts: indicators share derived tables (e.g. user-months)."""
        if key not in self.cache:
            self.cache[key] = build()
        return self.cache[key]


TABLES = ("services", "pathways", "applications", "decisions", "complaints", "revisions",
          "orders", "assessments", "coercions", "population", "staffing", "hospital",
          "discharge_rates", "waiting_lists", "deviations")
