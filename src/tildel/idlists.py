"""Long lists of ids in a query, as one parameter on PostgreSQL.

``filter(pk__in=ids)`` writes one placeholder per id. With the thousands of users of a
home-care unit that query text alone cost the delivered-time page some 45 ms: psycopg
splits the text at every placeholder and Django prepares every value. ``any_of(ids)``
gives PostgreSQL the ids as one array (``IN (SELECT unnest(%s::bigint[]))``); SQLite has
no arrays and keeps the plain list.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection
from django.db.models.expressions import RawSQL


def any_of(ids: Iterable[int]):
    """``ids`` for an ``__in`` lookup on an integer key: one array parameter on
    PostgreSQL, a list elsewhere."""
    ids = [int(pk) for pk in ids]
    if connection.vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::bigint[])", (ids,))
    return ids
