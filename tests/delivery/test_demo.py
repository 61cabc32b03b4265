"""The demo municipality has a year of delivered visits, with deviations, imported through
the bulk path; a reset removes them."""

from __future__ import annotations

import datetime as dt

import pytest

from tildel.delivery import services
from tildel.delivery.models import Visit, VisitImport
from tildel.demo.generator import generate
from tildel.organisation.models import ProviderKind, ProviderUnit
from tildel.people.models import Person

AS_OF = dt.date(2026, 11, 23)


@pytest.mark.django_db
def test_a_year_of_visits_with_deviations_and_help_without_decision():
    generate(size="small", seed=5, as_of=AS_OF)
    run = VisitImport.objects.get()
    assert run.status == VisitImport.Status.DONE and run.rows_bad == 0
    assert run.rows_imported == Visit.objects.count() > 10_000
    first, last = Visit.objects.order_by("start").first(), Visit.objects.order_by("start").last()
    assert first.start.date() >= AS_OF - dt.timedelta(days=366)
    assert last.end.date() < AS_OF
    unit = ProviderUnit.objects.filter(kind=ProviderKind.HOME_NURSING).order_by("name")[1]
    data = services.unit_month(unit, Person.objects.all(), 2026, 10)
    rows = data["rows"]
    assert len(rows) > 20
    flagged = sum(r.month.flagged for r in rows)
    assert 0 < flagged < len(rows) / 2
    # Some help without a decision somewhere in the municipality over the year.
    assert any(services.unit_month(u, Person.objects.all(), AS_OF.year, m)["without_decision"]
               for u in ProviderUnit.objects.filter(kind=ProviderKind.HOME_NURSING)
               for m in range(1, 11))
    generate(size="small", seed=5, as_of=AS_OF, reset=True)
    assert VisitImport.objects.count() == 1
