"""``tildel.idlists.any_of``: thousands of ids in a query, as one value on PostgreSQL."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tildel.idlists import any_of
from tildel.people.models import Person


def test_the_same_persons_are_found_as_with_a_plain_list(world):
    kari, ola, _other = world.person(), world.person(given="Ola"), world.person(given="Per")
    wanted = [kari.pk, ola.pk, 10**9]  # an id no one has is simply not found
    found = set(Person.objects.filter(pk__in=any_of(wanted)).values_list("pk", flat=True))
    assert found == {kari.pk, ola.pk}
    assert not Person.objects.filter(pk__in=any_of([])).exists()


def test_on_postgresql_the_ids_are_one_parameter_not_one_each(world):
    people = [world.person(given=f"Navn{i}", birth=dt.date(1940, 1, 1) + dt.timedelta(days=i))
              for i in range(30)]
    with CaptureQueriesContext(connection) as queries:
        found = list(Person.objects.filter(pk__in=any_of(p.pk for p in people)).values_list(
            "pk", flat=True))
    assert sorted(found) == sorted(p.pk for p in people)
    sql = queries.captured_queries[0]["sql"]
    if connection.vendor == "postgresql":
        assert "unnest" in sql and sql.count(str(people[-1].pk)) == 1
    else:  # SQLite has no arrays: the plain list
        assert "unnest" not in sql
