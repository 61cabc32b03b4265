"""Stored key figures (lagrede nøkkeltall): compute the catalogue once, read it many times.

A city's whole catalogue takes half a minute to compute from the cases (bench/
insight_bench.py), and management opens the dashboard many times a day. So
``refresh`` computes every indicator for every grouping, for months, tertials and years
from January five years back to the current month, in one read of the facts, and keeps
the raw values (before suppression) in ``FigureSheet`` rows. ``stored`` gives them back
as the same ``Value`` objects the engine gives, for a whole-municipality reader, if a run
finished today covers the request; otherwise the caller computes from the cases (ADR 0012).

Run nightly (``tildel figures --refresh``, docs/operations.md). An interrupted run is
resumed the same day: each (indicator, period kind) is written in one transaction and
skipped when found. A second refresh while one is running is refused. A run made by other
indicator code (a deploy during the day) is not served: its fingerprint differs.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from functools import cache
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from tildel.organisation.models import Municipality
from tildel.rules import indicators as ind
from tildel.rules.indicators.engine import Indicator, Status, Value

from . import facts as loader
from .models import FigureRun, FigureSheet

STORED_PERIODS = ("month", "tertial", "year")
YEARS_BACK = 5
BUSY_AFTER = dt.timedelta(minutes=10)  # a run that wrote nothing for this long has stopped
_STATUS = {status.key: status for status in Status}


class StoreBusy(RuntimeError):
    """Another refresh of the same municipality is running (Norwegian message)."""


@cache
def fingerprint() -> str:
    """A hash of the code that decides the figures: the rules' indicator package and the
    fact loader. A run with another fingerprint was made by other code."""
    digest = hashlib.sha256()
    for path in sorted(Path(ind.__file__).parent.glob("*.py")) + [Path(loader.__file__)]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()

Progress = Callable[[str, int, int | None], None]


def span_for(today: dt.date) -> tuple[dt.date, dt.date]:
    """The months a run covers: January five years back to the end of this month."""
    return dt.date(today.year - YEARS_BACK, 1, 1), ind.periods.month_end(today.replace(day=1))


def _cell(value: Value) -> list:
    return [value.window.key, value.group, value.category, value.numerator, value.denominator,
            value.value, value.numerator_count, value.denominator_count, value.status.key]


def _value(indicator: Indicator, window: ind.Window, cell: list) -> Value:
    _, group, category, numerator, denominator, value, num_count, den_count, status = cell
    return Value(indicator, window, group, category, numerator, denominator, value, num_count,
                 den_count, _STATUS[status])


def _run_for(municipality: Municipality, today: dt.date) -> FigureRun:
    """Today's unfinished run with the same span and code (to resume), or a new one.
    Raises StoreBusy if that run is still being written by another process."""
    first, last = span_for(today)
    now = timezone.now()
    with transaction.atomic():
        Municipality.objects.select_for_update().get(pk=municipality.pk)
        run = FigureRun.objects.filter(
            municipality=municipality, finished_at__isnull=True, first_month=first,
            last_month=last.replace(day=1), fingerprint=fingerprint()).first()
        if run is not None and timezone.localdate(run.started_at) == today:
            if run.heartbeat and now - run.heartbeat < BUSY_AFTER:
                started = timezone.localtime(run.started_at).strftime("%H.%M")
                raise StoreBusy(f"En beregning av nøkkeltallene pågår allerede (startet kl. "
                                f"{started}). Vent til den er ferdig.")
            run.heartbeat = now
            run.save(update_fields=["heartbeat"])
            return run
        return FigureRun.objects.create(municipality=municipality, started_at=now,
                                        heartbeat=now, first_month=first,
                                        last_month=last.replace(day=1), covers_last=today,
                                        fingerprint=fingerprint())


def refresh(municipality: Municipality, *, progress: Progress | None = None) -> FigureRun:
    """Compute and store the whole catalogue for ``municipality``; older runs are removed
    once the new one is complete."""
    today = timezone.localdate()
    run = _run_for(municipality, today)
    try:
        _compute_into(run, municipality, today, progress)
    except BaseException:
        # Stopped (an error, Ctrl+C): the next refresh may resume at once. A killed process
        # leaves its heartbeat, and the run can be resumed after BUSY_AFTER.
        FigureRun.objects.filter(pk=run.pk).update(heartbeat=None)
        raise
    with transaction.atomic():
        run.save(update_fields=["table_starts", "covers_last", "finished_at"])
        FigureRun.objects.filter(municipality=municipality).exclude(pk=run.pk).delete()
    return run


def _compute_into(run: FigureRun, municipality: Municipality, today: dt.date,
                  progress: Progress | None) -> None:
    done = set(run.sheets.values_list("indicator", "period").distinct())
    first, last = span_for(today)
    indicators = list(ind.INDICATORS)
    tables = sorted({t for indicator in indicators for t in indicator.tables})
    read_at = timezone.now()
    facts = loader.load(loader.Scope(municipality.pk), tables, first, last)
    if run.read_at is None:  # a resumed run keeps the first reading: the oldest data in it
        run.read_at = read_at
        run.save(update_fields=["read_at"])
    if progress is not None:
        progress("Leser data", 1, 1)
    groupings = tuple(ind.GROUPINGS)
    for kind in STORED_PERIODS:
        periods = ind.windows(first, last, kind)
        for indicator in indicators:
            if (indicator.code, kind) not in done:
                computed = ind.evaluate_groupings(indicator, facts, periods, groupings)
                with transaction.atomic():
                    FigureSheet.objects.bulk_create(
                        FigureSheet(run=run, indicator=indicator.code, period=kind,
                                    grouping=by, cells=[_cell(v) for v in values])
                        for by, values in computed.items())
                    FigureRun.objects.filter(pk=run.pk).update(heartbeat=timezone.now())
            if progress is not None:
                progress("Beregner og lagrer nøkkeltall", 1,
                         len(indicators) * len(STORED_PERIODS))
    run.table_starts = {table: day.isoformat() if day else None
                        for table, day in facts.starts.items()}
    run.covers_last = facts.covers[1]
    run.finished_at = timezone.now()


def latest_run(municipality_id: int) -> FigureRun | None:
    """The run finished today by the code now running, if any: figures from an older run
    or from other indicator code are not served."""
    run = FigureRun.objects.filter(municipality_id=municipality_id, finished_at__isnull=False,
                                   fingerprint=fingerprint()).order_by("-finished_at").first()
    if run is None or timezone.localdate(run.finished_at) != timezone.localdate():
        return None
    return run


def covers(run: FigureRun, tables) -> tuple[dt.date, dt.date]:
    """The data span the live loader would give for ``tables`` (facts.load)."""
    known = [dt.date.fromisoformat(day) for table, day in run.table_starts.items()
             if table in tables and day]
    return (min(known) if known else run.covers_last + dt.timedelta(days=1)), run.covers_last


def stored(scope: loader.Scope, indicators: tuple[Indicator, ...],
           windows: list[ind.Window], period: str, by: str
           ) -> tuple[dict[str, list[Value]], FigureRun] | None:
    """The values of today's run for a whole-municipality reader, unsuppressed, or None
    when no run covers the request (then compute from the cases)."""
    if scope.district_ids is not None or scope.unit_id is not None:
        return None
    if period not in STORED_PERIODS or by not in ind.GROUPINGS:
        return None
    run = latest_run(scope.municipality_id)
    if run is None or windows[0].start < run.first_month or windows[-1].start > run.last_month:
        return None
    codes = [indicator.code for indicator in indicators]
    sheets = dict(FigureSheet.objects.filter(run=run, period=period, grouping=by,
                                             indicator__in=codes).values_list(
        "indicator", "cells"))
    if len(sheets) != len(set(codes)):
        return None
    by_key = {window.key: window for window in windows}
    try:
        values = {indicator.code: [_value(indicator, by_key[cell[0]], cell)
                                   for cell in sheets[indicator.code] if cell[0] in by_key]
                  for indicator in indicators}
    except (KeyError, ValueError, TypeError):  # a sheet this code cannot read: compute
        return None
    return values, run


