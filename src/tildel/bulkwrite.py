"""Bulk writers tell the change triggers to name everything (ADR 0021, ADR 0022).

The triggers that keep the delivered-time overview's months (``UnitChange``) and the KPR
expected events (``KprChange``) find, for each statement, the units or persons its rows
touch. For the JSONL import, tens of thousands of rows a statement into tables still
without statistics, finding them cost more than the rest of the statement. In a session
that has turned on ``SETTING`` each statement instead names every unit and everyone, in
one row per municipality; the next view and the next KPR refresh work it all out again.

PostgreSQL only: SQLite's row triggers name each row's unit or person at little cost.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DatabaseError, connection

#: the session setting the triggers read (``current_setting(SETTING, true)``); the
#: migrations that make the triggers spell it out themselves
SETTING = "tildel.bulk_write"


@contextmanager
def bulk_write() -> Iterator[None]:
    """Within: every statement on the tables the triggers watch names everything."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(f"SET {SETTING} = 'on'")
    try:
        yield
    except BaseException:
        # In a transaction the failure aborted, RESET would fail and hide the failure; the
        # rollback of that transaction takes the setting back anyway (SET is transactional).
        with contextlib.suppress(DatabaseError):
            _reset()
        raise
    _reset()


def _reset() -> None:
    if connection.connection is not None:  # a broken connection took the setting along
        with connection.cursor() as cursor:
            cursor.execute(f"RESET {SETTING}")
