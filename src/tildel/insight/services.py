"""Key figures for a reader: parse the request, load facts in scope, compute, label.

Used by the dashboard, the exports and ``tildel figures``; the indicators themselves live
in ``tildel.rules.indicators``.

Who sees what (accounts.models, Normen):
- management and analysts: the whole municipality, every grouping, aggregates only, with
  counts of 1–4 suppressed as national statistics do;
- office leader: the office's districts, every grouping, and the cases behind a number;
- caseworker: the office's districts, and the cases, but not colleagues one by one;
- provider leader: the own unit, by unit only, and the persons the unit serves.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.utils import timezone

from tildel.accounts.models import Role
from tildel.catalogue.models import Service
from tildel.organisation.models import AllocationOffice, District, Municipality, ProviderUnit
from tildel.rules import indicators as ind
from tildel.rules.indicators.engine import (
    TOTAL,
    Indicator,
    Value,
    suppress,
    without_empty_groups,
)

from . import facts as loader
from . import store

READERS = frozenset({Role.MANAGEMENT, Role.ANALYST, Role.OFFICE_LEADER, Role.CASEWORKER,
                     Role.PROVIDER_LEADER})
AGGREGATE_ONLY = frozenset({Role.MANAGEMENT, Role.ANALYST})
GROUPINGS_BY_ROLE = {
    Role.MANAGEMENT: tuple(ind.GROUPINGS),
    Role.ANALYST: tuple(ind.GROUPINGS),
    Role.OFFICE_LEADER: tuple(ind.GROUPINGS),
    Role.CASEWORKER: ("municipality", "district", "office", "unit"),
    Role.PROVIDER_LEADER: ("municipality", "unit"),
}
NOT_SET = "Ikke angitt"
#: Room for the whole catalogue monthly over five years (31 × 60 = 1 860); more in one
#: request would tie up a worker for minutes.
MAX_INDICATOR_PERIODS = 2400


class InsightError(ValueError):
    """Bad input or a request the reader may not make. ``field`` names the input at fault
    (for a form or an API error), ``message`` is Norwegian and safe to show."""

    def __init__(self, message: str, field: str = "", status: int = 400):
        super().__init__(message)
        self.message, self.field, self.status = message, field, status


@dataclass(frozen=True)
class FigureRequest:
    indicators: tuple[Indicator, ...]
    first: dt.date
    last: dt.date  # the last day of the last month
    period: str = "month"
    by: str = "district"

    @property
    def windows(self) -> list[ind.Window]:
        return ind.windows(self.first, self.last, self.period)

    @property
    def tables(self) -> set[str]:
        return {t for i in self.indicators for t in i.tables}

    @property
    def service_codes(self) -> frozenset[str] | None:
        """The services the indicators read, or None if any of them reads all."""
        return service_codes(self.indicators)


def service_codes(indicators) -> frozenset[str] | None:
    wanted: set[str] = set()
    for indicator in indicators:
        if "services" in indicator.tables:
            if indicator.services is None:
                return None
            wanted |= indicator.services
    return frozenset(wanted)


def parse_request(codes: str | Iterable[str] | None, first: str, last: str,
                  period: str = "month", by: str = "district") -> FigureRequest:
    """Check the inputs; every problem raises InsightError naming the field."""
    try:
        indicators = tuple(ind.parse_codes(codes))
    except ind.UnknownIndicator as error:
        raise InsightError(str(error), "indicators") from None
    if not indicators:
        raise InsightError("Velg minst én indikator.", "indicators")
    try:
        start = ind.parse_month(first)
    except ind.PeriodError as error:
        raise InsightError(str(error), "from") from None
    try:
        end = ind.parse_month(last)
    except ind.PeriodError as error:
        raise InsightError(str(error), "to") from None
    if end < start:
        raise InsightError("Til-måneden er før fra-måneden. Snu rekkefølgen.", "to")
    if period not in ind.PERIOD_KINDS:
        raise InsightError(f"Ukjent periodetype «{period}». Velg "
                           f"{', '.join(ind.PERIOD_KINDS)}.", "period")
    if by not in ind.GROUPINGS:
        raise InsightError(f"Ukjent gruppering «{by}». Velg {', '.join(ind.GROUPINGS)}.", "by")
    try:
        count = len(ind.windows(start, end, period))
    except ind.PeriodError as error:
        raise InsightError(str(error), "to") from None
    if count * len(indicators) > MAX_INDICATOR_PERIODS:
        raise InsightError(
            f"{len(indicators)} indikatorer × {count} perioder er for mye på én gang (høyst "
            f"{MAX_INDICATOR_PERIODS:_} indikatorperioder). Velg færre indikatorer, en "
            f"kortere periode eller tertial/år.".replace("_", " "), "indicators")
    return FigureRequest(indicators, start, ind.periods.month_end(end), period, by)


def municipality_of(user) -> Municipality:
    municipality = user.home_municipality()
    if municipality is None:
        raise InsightError("Brukeren er ikke knyttet til en kommune.", status=403)
    return municipality


def can_read(user) -> bool:
    return user.is_authenticated and user.is_active and user.role in READERS


def aggregate_only(user) -> bool:
    return user.role in AGGREGATE_ONLY


def groupings_for(user) -> tuple[str, ...]:
    return GROUPINGS_BY_ROLE.get(user.role, ())


def scope_for(user) -> loader.Scope:
    """The rows ``user`` may count; InsightError(403) if the role may not read figures."""
    if not can_read(user):
        raise InsightError("Du har ikke tilgang til nøkkeltall.", status=403)
    municipality = municipality_of(user)
    if user.is_office_role:
        return loader.Scope(municipality.pk, district_ids=frozenset(user.district_ids()))
    if user.role == Role.PROVIDER_LEADER:
        if not user.provider_unit_id:
            raise InsightError("Du er ikke knyttet til en tjenesteenhet.", status=403)
        return loader.Scope(municipality.pk, unit_id=user.provider_unit_id)
    return loader.Scope(municipality.pk)


def check_grouping(user, by: str) -> None:
    if by not in groupings_for(user):
        raise InsightError(f"Du har ikke tilgang til grupperingen «{ind.GROUPINGS[by]}».",
                           "by", status=403)


@dataclass
class Figures:
    """Computed values with the names a reader needs to read them."""

    request: FigureRequest
    values: dict[str, list[Value]]
    group_labels: dict[object, str]
    category_labels: dict[str, str]
    aggregate_only: bool
    covers: tuple[dt.date, dt.date]
    computed_at: dt.datetime = field(default_factory=timezone.now)
    stored: bool = False  # read from the nightly run (store.py), not computed now

    def label(self, group) -> str:
        if group == TOTAL:
            return ind.GROUPINGS["municipality"]
        return self.group_labels.get(group, NOT_SET)

    def category_label(self, indicator: Indicator, category: str | None) -> str:
        if category is None:
            return ""
        return indicator.category_label(category) or self.category_labels.get(category,
                                                                               category)

    def groups(self, code: str) -> list:
        """The groups of one indicator's values, in their order."""
        return list(dict.fromkeys(v.group for v in self.values[code]))


def group_labels(by: str, keys: Iterable) -> dict[object, str]:
    ids = [k for k in keys if k not in (TOTAL, None)]
    if by == "district":
        return dict(District.objects.filter(pk__in=ids).values_list("pk", "name"))
    if by == "office":
        return dict(AllocationOffice.objects.filter(pk__in=ids).values_list("pk", "name"))
    if by == "unit":
        return dict(ProviderUnit.objects.filter(pk__in=ids).values_list("pk", "name"))
    if by == "caseworker":
        return {pk: f"{first} {last}".strip() or username for pk, first, last, username
                in get_user_model().objects.filter(pk__in=ids).values_list(
                    "pk", "first_name", "last_name", "username")}
    return {}


def group_label(by: str, group) -> str:
    """The name of one group (one query), e.g. for a drill-down heading."""
    if group == TOTAL:
        return ind.GROUPINGS["municipality"]
    if group is None:
        return NOT_SET
    return group_labels(by, [group]).get(group, NOT_SET)


def service_names() -> dict[str, str]:
    """Service code → name, for distributions by service."""
    from tildel.catalogue.models import ServiceVersion

    names = dict(Service.objects.values_list("code", "code"))
    for code, name in ServiceVersion.objects.filter(valid_to__isnull=True).values_list(
            "service__code", "name"):
        names[code] = name
    return names


def compute(scope: loader.Scope, request: FigureRequest, *, aggregate: bool,
            span: tuple[dt.date, dt.date] | None = None, fresh: bool = False,
            progress: Callable[[str, int, int | None], None] | None = None) -> Figures:
    """Every requested indicator for every period and group.

    From today's stored run when it covers the request (``store.stored``; whole
    municipality, months/tertials/years), unless ``fresh``; otherwise from one load of the
    facts. ``progress(step, advance, total)`` (see ``tildel.console.progress_bar``) is told
    when the facts are read and after each indicator.
    """
    if not fresh and span is None:
        found = store.stored(scope, request.indicators, request.windows, request.period,
                             request.by)
        if found is not None:
            values, run = found
            return _figures(request, values, aggregate, store.covers(run, request.tables),
                            run.read_at or run.finished_at, stored=True)
    windows = request.windows
    # Whole tertials and years are read whole, even when the months asked for start or
    # end inside one: the figure for "2025" is the figure for all of 2025.
    facts = loader.load(scope, request.tables, windows[0].start, windows[-1].end, span,
                        request.service_codes)
    if progress is not None:
        progress("Leser data", 1, 1)
    values = {}
    for indicator in request.indicators:
        values[indicator.code] = ind.evaluate(indicator, facts, windows, request.by)
        if progress is not None:
            progress("Beregner nøkkeltall", 1, len(request.indicators))
    return _figures(request, values, aggregate, facts.covers, timezone.now(), stored=False)


def _figures(request: FigureRequest, values: dict[str, list[Value]], aggregate: bool,
             covers: tuple[dt.date, dt.date], computed_at: dt.datetime, *,
             stored: bool) -> Figures:
    """Leave out empty groups, suppress for aggregate-only readers, name the groups and
    categories."""
    values = {code: without_empty_groups(computed) for code, computed in values.items()}
    if aggregate:
        values = {code: suppress(computed) for code, computed in values.items()}
    keys = {v.group for vs in values.values() for v in vs}
    dynamic = any(i.dynamic_categories for i in request.indicators)
    return Figures(request, values, group_labels(request.by, keys),
                   service_names() if dynamic else {}, aggregate, covers, computed_at,
                   stored)


def figures_for(user, request: FigureRequest, *, fresh: bool = False) -> Figures:
    scope = scope_for(user)
    check_grouping(user, request.by)
    return compute(scope, request, aggregate=aggregate_only(user), fresh=fresh)


def subjects_behind(user, indicator: Indicator, window: ind.Window, by: str, group,
                    category: str | None) -> frozenset:
    """The ids behind one number's numerator, for a reader allowed to see cases.

    Raises InsightError(403) for aggregate-only readers: they never see who is behind a
    number.
    """
    scope = scope_for(user)
    if aggregate_only(user):
        raise InsightError("Analytikere og ledelse ser bare tall, ikke sakene bak dem.",
                           status=403)
    check_grouping(user, by)
    facts = loader.load(scope, indicator.tables, window.start, window.end,
                        service_codes=service_codes([indicator]))
    for value in ind.evaluate(indicator, facts, [window], by, keep_subjects=True):
        if value.group == group and value.category == category:
            return value.subjects or frozenset()
    return frozenset()
