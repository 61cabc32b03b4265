"""Person search by name prefix or number, within what the user may see."""

from __future__ import annotations

import contextlib
import datetime as dt

from django.db import connection
from django.db.models import BooleanField, CharField, Q, QuerySet
from django.db.models.expressions import RawSQL

from .models import Person

#: Æ, Ø and Å mapped to the three characters after Z in byte order, so a sort in the "C"
#: collation gives the Norwegian alphabet (… Z Æ Ø Å) whatever the database's collation.
NORWEGIAN_ORDER = {"Æ": "[", "Ø": "\\", "Å": "]"}
_KEY_SQL = ("TRANSLATE(UPPER(\"people_person\".\"{column}\"::text), 'ÆØÅ', '[\\]') "
            "COLLATE \"C\"")


def search(persons: QuerySet[Person], query: str, limit: int = 25) -> list[Person]:
    """Find persons whose number matches, or whose names start with each word.

    - 11 digits: the exact fødselsnummer / D-nummer.
    - 6 digits: the birth date (ddmmyy), as written on paper forms; matches D-numbers
      and synthetic numbers too, since it compares the derived birth date.
    - One word: persons whose family name starts with it, in name order, then those whose
      given name does (a caseworker typing «Ha» most often means Hansen or Haugen).
    - Several words: every word must start the given or family name (case-insensitive),
      so "ola nor" finds Ola Nordmann.
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
        return _ordered(hits, limit)
    words = query.split()
    if len(words) == 1:
        return _family_first(persons, words[0], limit)
    condition = Q()
    for word in words:
        condition &= Q(family_name__istartswith=word) | Q(given_name__istartswith=word)
    return _ordered(persons.filter(condition), limit)


def _family_first(persons: QuerySet[Person], word: str, limit: int) -> list[Person]:
    """Family-name matches, then given-name matches, each in name order.

    On PostgreSQL the family-name matches come from an ordered walk of the name-order
    index (``people_person_name_order``) that stops after ``limit`` rows, however many
    thousand share a two-letter prefix; only the given-name matches, fewer, are sorted.
    """
    if connection.vendor != "postgresql":
        found = _ordered(persons.filter(family_name__istartswith=word), limit)
        if len(found) < limit:
            found += _ordered(persons.filter(given_name__istartswith=word).exclude(
                family_name__istartswith=word), limit - len(found))
        return found
    family = _key("family_name")
    pattern = _like_prefix(word)
    # Only the pattern comes from the user, and it goes as a parameter.
    starts = RawSQL(f"{_KEY_SQL.format(column='family_name')} LIKE %s",  # noqa: S611
                    (pattern,), output_field=BooleanField())
    found = list(_with_district(persons.filter(starts)).order_by(
        family, _key("given_name"), "id")[:limit])
    if len(found) < limit:
        # Sorted, not walked: the index walk would read every family name in order and
        # test its given name, half a second when the prefix is common among given names
        # only («Lu»). An expression that is not the index's keeps the planner off it.
        rest = persons.filter(given_name__istartswith=word).exclude(starts)
        found += list(_with_district(rest).order_by(
            _key("family_name", unindexed=True), _key("given_name", unindexed=True),
            "id")[:limit - len(found)])
    return found


def _ordered(hits: QuerySet[Person], limit: int) -> list[Person]:
    """At most ``limit`` of ``hits`` in name order (sorted, not walked from an index)."""
    return list(_with_district(hits).order_by(
        _key("family_name", unindexed=True), _key("given_name", unindexed=True),
        "id")[:limit])


def _with_district(hits: QuerySet[Person]) -> QuerySet[Person]:
    # Fetched separately for the page's rows: joining the district made PostgreSQL scan
    # every person in district order (0.25-0.5 s over 500,000 persons).
    return hits.prefetch_related("district")


def _key(column: str, *, unindexed: bool = False) -> RawSQL:
    """A name as a key in Norwegian alphabetical order, upper-cased."""
    if connection.vendor != "postgresql":
        # SQLite's UPPER leaves letters outside ASCII as they are, and it compares bytes.
        sql = f'UPPER("people_person"."{column}")'
        for letter, after_z in NORWEGIAN_ORDER.items():
            for case in (letter, letter.lower()):
                sql = f"REPLACE({sql}, '{case}', '{after_z}')"
        return RawSQL(sql, (), output_field=CharField())  # noqa: S611 (constants only)
    sql = _KEY_SQL.format(column=column)
    return RawSQL(f"({sql} || '')" if unindexed else sql, (),  # noqa: S611 (constants only)
                  output_field=CharField())


def _like_prefix(word: str) -> str:
    """``word`` as a LIKE pattern for the start of a key made by ``_key``."""
    key = word.upper().translate(str.maketrans(NORWEGIAN_ORDER))
    for special in ("\\", "%", "_"):
        key = key.replace(special, "\\" + special)
    return key + "%"


def _birth_dates(ddmmyy: str) -> list[dt.date]:
    """The real dates ``ddmmyy`` can be, in the 1900s and 2000s (none for 31.02)."""
    day, month, year = int(ddmmyy[:2]), int(ddmmyy[2:4]), int(ddmmyy[4:])
    found = []
    for century in (1900, 2000):
        with contextlib.suppress(ValueError):
            found.append(dt.date(century + year, month, day))
    return found
