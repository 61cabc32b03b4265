"""The demo municipality comes with a start-of-year budget, accounts and stays, so the
tertial review and budget against accounts can be tried at once."""

import datetime as dt

import pytest

from tildel.casework.models import ServicePause
from tildel.demo.generator import generate
from tildel.financing import services
from tildel.financing.models import AccountEntry, Budget

AS_OF = dt.date(2026, 10, 15)


@pytest.mark.django_db
def test_demo_budget_then_tertial_review_says_what_changed():
    result = generate(size="small", seed=7, as_of=AS_OF)
    first = Budget.objects.get(model="levels")  # the houses have a frame of their own
    assert Budget.objects.filter(model="frame").count() == 1
    assert (first.year, first.tertial, first.version) == (2026, 1, 1)
    assert first.units.count() >= 3
    budgeted = first.units.values("provider_unit_id")
    assert AccountEntry.objects.filter(month__year=2026, provider_unit__in=budgeted
                                       ).count() == first.units.count() * 9
    assert ServicePause.objects.exists()
    stored, review = services.run_budget(result.municipality, "levels", 2026, 3)
    assert stored.version == 2 and review is not None
    reasons = [r for unit in stored.units.all() for r in unit.reasons]
    assert any("nye brukere" in r or "ny bruker" in r for r in reasons)
    assert all(unit.previous_total is not None for unit in stored.units.all()
               if unit.provider_unit_id in {u.provider_unit_id for u in first.units.all()})
