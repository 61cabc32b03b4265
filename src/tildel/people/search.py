"""Person search by name prefix or number, within what the user may see."""

from __future__ import annotations

from django.db.models import Q, QuerySet

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
            day, month, year = int(compact[:2]), int(compact[2:4]), int(compact[4:])
            if not (1 <= day <= 31 and 1 <= month <= 12):
                return []
            hits = persons.filter(birth_date__day=day, birth_date__month=month,
                                  birth_date__year__in=[1900 + year, 2000 + year])
        else:
            return []
    else:
        condition = Q()
        for word in query.split():
            condition &= Q(family_name__istartswith=word) | Q(given_name__istartswith=word)
        hits = persons.filter(condition)
    return list(hits.select_related("district").order_by("family_name", "given_name", "id")
                [:limit])
