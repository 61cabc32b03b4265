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
#: Lower-case æ, ø and å are mapped too: UPPER leaves them as they are in a database whose
#: character type is "C".
_TRANSLATE = "TRANSLATE(UPPER({value}::text), 'ÆØÅæøå', '[\\][\\]')"
_KEY_SQL = _TRANSLATE.format(value='"people_person"."{column}"') + ' COLLATE "C"'
#: The typed word, made a key by the database the same way, then a prefix pattern. The
#: escape character is «!», because the keys use «\\» for Ø.
_PATTERN_SQL = "(" + _TRANSLATE.format(value="%s") + " || '%%') ESCAPE '!'"


def search(persons: QuerySet[Person], query: str, limit: int = 25) -> Results:
    """Find persons whose number matches, or whose names start with each word.

    - 11 digits: the exact fødselsnummer / D-nummer.
    - 6 digits: the birth date (ddmmyy), as written on paper forms; matches D-numbers
      and synthetic numbers too, since it compares the derived birth date.
    - One word: persons whose family name starts with it, in name order, then those whose
      given name does (a caseworker typing «Ha» most often means Hansen or Haugen), with
      room kept for the given names.
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
                return Results()
            hits = persons.filter(birth_date__in=days)  # uses the birth-date index
        else:
            return Results()
        return _ordered(hits, limit)
    words = query.split()
    if len(words) == 1:
        return _family_first(persons, words[0], limit)
    condition = Q()
    for word in words:
        condition &= Q(family_name__istartswith=word) | Q(given_name__istartswith=word)
    return _ordered(persons.filter(condition), limit)


#: The share of places kept for given-name matches when there are any, however many family
#: names match: «Hans» must find Hans Berg too, not only 25 named Hansen.
GIVEN_NAME_SHARE = 3  # a third


class Results(list):
    """The persons found, and whether there are more than shown (``more``)."""

    more = False


def _family_first(persons: QuerySet[Person], word: str, limit: int) -> Results:
    """Family-name matches, then given-name matches, each in name order; at least
    a third of the places go to given-name matches if there are that many.

    On PostgreSQL the family-name matches come from an ordered walk of the name-order
    index (``people_person_name_order``) that stops after ``limit`` rows, however many
    thousand share a two-letter prefix; only the given-name matches, fewer, are sorted.
    """
    pattern = _like_prefix(word)
    if not pattern:
        return Results()
    # Only the pattern comes from the user, and it goes as a parameter.
    if connection.vendor == "postgresql":
        starts = RawSQL(f"{_KEY_SQL.format(column='family_name')} LIKE {_PATTERN_SQL}",  # noqa: S611
                        (pattern,), output_field=BooleanField())
        given_starts = Q(given_name__istartswith=word)  # its own index
    else:  # SQLite's LIKE folds the case of ASCII letters only: compare keys
        starts, given_starts = (
            RawSQL(f"{_key(column).sql} LIKE %s ESCAPE '!'", (_sqlite_key(pattern) + "%",),  # noqa: S611
                   output_field=BooleanField()) for column in ("family_name", "given_name"))
    family = list(_with_district(persons.filter(starts)).order_by(
        _key("family_name"), _key("given_name"), "id")[:limit])
    # Sorted, not walked: the index walk would read every family name in order and test
    # its given name, half a second when the prefix is common among given names only
    # («Lu»). An expression that is not the index's keeps the planner off it.
    given = _ordered(persons.filter(given_starts).exclude(starts), limit)
    given_take = min(len(given), max(limit - len(family), limit // GIVEN_NAME_SHARE))
    family_take = min(len(family), limit - given_take)
    found = Results(family[:family_take] + given[:given_take])
    found.more = (family_take < len(family) or given_take < len(given)
                  or limit in (len(family), len(given)))
    return found


def _ordered(hits: QuerySet[Person], limit: int) -> Results:
    """At most ``limit`` of ``hits`` in name order (sorted, not walked from an index)."""
    found = Results(_with_district(hits).order_by(
        _key("family_name", unindexed=True), _key("given_name", unindexed=True),
        "id")[:limit + 1])
    found.more = len(found) > limit
    del found[limit:]
    return found


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


def _sqlite_key(text: str) -> str:
    """``text`` as SQLite's key expression (``_key``) makes a name."""
    text = text.upper()
    for letter, after_z in NORWEGIAN_ORDER.items():
        text = text.replace(letter, after_z)
    return text


def _like_prefix(word: str) -> str:
    """``word`` with LIKE's special characters escaped by «!», and the three characters that
    stand for Æ, Ø and Å in a key dropped (typing «[» must not find Æ)."""
    word = word.translate({ord(c): None for c in NORWEGIAN_ORDER.values()})
    for special in ("!", "%", "_"):
        word = word.replace(special, "!" + special)
    return word


def _birth_dates(ddmmyy: str) -> list[dt.date]:
    """The real dates ``ddmmyy`` can be, in the 1900s and 2000s (none for 31.02)."""
    day, month, year = int(ddmmyy[:2]), int(ddmmyy[2:4]), int(ddmmyy[4:])
    found = []
    for century in (1900, 2000):
        with contextlib.suppress(ValueError):
            found.append(dt.date(century + year, month, day))
    return found
