"""Person search by name prefix or number, within what the user may see."""

from __future__ import annotations

import contextlib
import datetime as dt

from django.db.models import Q, QuerySet
from django.db.models.functions import Upper

from .models import Person


def search(persons: QuerySet[Person], query: str, limit: int = 25) -> list[Person]:
    """Find persons whose number matches, or whose names start with each word.

    - 11 digits: the exact fødselsnummer / D-nummer.
    - 6 digits: the birth date (ddmmyy), as written on paper forms; matches D-numbers
      and synthetic numbers too, since it compares the derived birth date.
    - Words: every word must start the given or family name (case-insensitive), so
      "ola nor" finds Ola Nordmann.
    """
    compact = query.replace(" ", "")
    if compact.isdigit():
        if len(compact) == 11:
            hits = persons.filter(id_number=compact)
        elif len(compact) == 6:
            days = _birth_dates(compact)
            if not days:
                return []
            hits = persons.filter(birth_date__in=days)  # uses the birth-date index
        else:
            return []
    else:
        condition = Q()
        for word in query.split():
            condition &= Q(family_name__istartswith=word) | Q(given_name__istartswith=word)
        hits = persons.filter(condition)
    # Ordered by the upper-cased names: PostgreSQL then finds the matches through the
    # prefix indexes and sorts only those, instead of walking the name index in order and
    # filtering (half a second over 500,000 persons when the prefix is rare).
    return list(hits.select_related("district").order_by(
        Upper("family_name"), Upper("given_name"), "id")[:limit])


def _birth_dates(ddmmyy: str) -> list[dt.date]:
    """The real dates ``ddmmyy`` can be, in the 1900s and 2000s (none for 31.02)."""
    day, month, year = int(ddmmyy[:2]), int(ddmmyy[2:4]), int(ddmmyy[4:])
    found = []
    for century in (1900, 2000):
        with contextlib.suppress(ValueError):
            found.append(dt.date(century + year, month, day))
    return found
