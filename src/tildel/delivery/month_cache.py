"""The delivered-time overview's computed month per unit, kept in the process between
views (ADR 0021).

A unit of 2,700 users took 170–200 ms to compute on every view, to show 100 of them. The
month is kept under the unit's *revision*: the number of ``UnitChange`` rows for the unit
(and for every unit) and the newest of them. Database triggers add such a row whenever a
visit, a decided line, a decision's status, planned hours or a pathway service changes,
whatever writes it, so a view after any change finds a new revision and computes again.
The count, not only the newest id, is in the revision: a transaction that began earlier
may commit a row with a smaller id after a view has read the newest.

The revision is read before the month is computed: a change committed in between is in
the month kept under the older revision, and the next view computes again.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import TypeVar

from django.db import connection, transaction
from django.db.models import Count, Max, Q

from .models import UnitChange

T = TypeVar("T")

#: months kept per process: a few units' leaders and the office looking at the same
#: months; one month of a 2,700-user unit is a few MB
KEEP = 8

_kept: OrderedDict[tuple, object] = OrderedDict()
_lock = threading.Lock()


def revision(unit_id: int) -> tuple[int, int | None]:
    """(rows, newest row) of the unit's changes and every unit's. One index query."""
    found = UnitChange.objects.filter(Q(unit_id=unit_id) | Q(unit_id__isnull=True)).aggregate(
        rows=Count("id"), newest=Max("id"))
    return found["rows"], found["newest"]


def facts(unit_id: int, year: int, month: int, threshold: int, compute: Callable[[], T]) -> T:
    """The unit's month from the process if nothing changed at the unit since it was
    computed, else ``compute()``, kept for the next view."""
    key = (connection.settings_dict["NAME"], unit_id, year, month, threshold,
           revision(unit_id))
    with _lock:
        if key in _kept:
            _kept.move_to_end(key)
            return _kept[key]
    value = compute()
    with _lock:
        _kept[key] = value
        while len(_kept) > KEEP:
            _kept.popitem(last=False)
    return value


def prune() -> int:
    """Remove every change row and add one for every unit, in one transaction; returns the
    number removed. The new row is newer than any before, so every kept month is computed
    again: a revision can never come back to one a month was kept under. Raises
    OperationalError if writers held the table for 10 s (PostgreSQL)."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Wait for transactions that have written change rows, and hold off new ones,
            # so none commits an older row after the prune: the count could then come back
            # to a value a month was kept under. An import may run for long; then the
            # prune gives up, to run again the next day, rather than make every writer wait.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '10s'")
                cursor.execute(f"LOCK TABLE {UnitChange._meta.db_table} "
                               f"IN SHARE ROW EXCLUSIVE MODE")
        removed, _ = UnitChange.objects.all().delete()
        UnitChange.objects.create(unit_id=None)
    return removed


def forget() -> None:
    """Drop every kept month (tests: a rolled-back database reuses the same revisions)."""
    with _lock:
        _kept.clear()
