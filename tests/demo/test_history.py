"""The demo's application history: cases behind decisions, refusals, the deliberate
equal-treatment outlier, population and staffing (tildel.demo.history)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pytest
from django.db.models import Sum
from django.utils import timezone

from tildel.accounts.models import Role, User
from tildel.casework.models import (
    Case,
    Complaint,
    Decision,
    Enquiry,
    FunctionalScore,
    Revision,
    ServiceLine,
)
from tildel.demo.generator import generate
from tildel.demo.history import HIGH_NEED
from tildel.insight.models import CoercionDecision, Population, UnitStaffing
from tildel.organisation.models import AllocationOffice
from tildel.people.models import Person

AS_OF = dt.date(2026, 11, 23)


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in (
        Case, Decision, ServiceLine, Enquiry, FunctionalScore, Complaint, Revision,
        Population, UnitStaffing, CoercionDecision, User)} | {
        "refusals": Decision.objects.filter(outcome=Decision.Outcome.REFUSAL).count(),
        "pu": Person.objects.filter(intellectual_disability=True).count()}


@pytest.mark.django_db
def test_every_generated_decision_has_a_case_a_caseworker_and_an_earlier_receipt():
    generate(size="small", seed=5, as_of=AS_OF)
    decided = Decision.objects.filter(status=Decision.Status.DECIDED).select_related("case")
    assert decided.count() > 200
    for decision in decided:
        case = decision.case
        assert case is not None, decision.pk
        assert case.assigned_to.role == Role.CASEWORKER
        assert decision.decided_by_id is not None
        assert timezone.localtime(case.received_at).date() < decision.decided_on
        assert case.decided_on == decision.decided_on
    # Three new caseworkers per office, none of whom can log in; the demo logins remain.
    for office in AllocationOffice.objects.all():
        new = User.objects.filter(username__startswith=f"sb.{office.id}.")
        assert new.count() == 3
        assert not any(user.has_usable_password() for user in new)
    assert User.objects.filter(username__in=["saksbehandler", "saksbehandler2"]).count() == 2


@pytest.mark.django_db
def test_refusals_have_no_granted_line_and_the_outlier_refuses_high_needs_more():
    generate(size="small", seed=5, as_of=AS_OF)
    refusals = Decision.objects.filter(outcome=Decision.Outcome.REFUSAL)
    assert refusals.count() > 10
    assert not ServiceLine.objects.filter(decision__in=refusals, granted=True).exists()
    assert not ServiceLine.objects.filter(decision__in=refusals, start__isnull=False).exists()
    assert Decision.objects.filter(outcome=Decision.Outcome.PARTIAL).exists()

    means: dict[int, list[int]] = defaultdict(list)
    for case_id, score in FunctionalScore.objects.exclude(score=9).values_list(
            "assessment__case_id", "score"):
        means[case_id].append(score)
    handled: dict[str, list[bool]] = defaultdict(list)
    for case_id, username, outcome in Decision.objects.filter(
            case__kind=Case.Kind.APPLICATION,
            lines__service_version__service__code="hjemmesykepleie").values_list(
            "case_id", "case__assigned_to__username", "outcome"):
        scores = means.get(case_id)
        if scores and sum(scores) / len(scores) >= HIGH_NEED:
            handled[username].append(outcome == Decision.Outcome.REFUSAL)
    # The outlier works in the office of the demo's office leader (leder.tildeling).
    first = User.objects.get(username="leder.tildeling").allocation_office
    outlier = handled.pop(f"sb.{first.id}.1")
    others = [refused for cases in handled.values() for refused in cases]
    assert len(outlier) >= 3 and len(others) >= 5
    outlier_rate = sum(outlier) / len(outlier)
    others_rate = sum(others) / len(others)
    assert outlier_rate >= 2 * others_rate, (outlier_rate, others_rate)


@pytest.mark.django_db
def test_population_totals_and_staffing():
    generate(size="small", seed=5, as_of=AS_OF)
    years = set(Population.objects.values_list("year", flat=True))
    assert AS_OF.year in years and len(years) >= 3
    for year, band in Population.objects.values_list("year", "age_band").distinct():
        rows = Population.objects.filter(year=year, age_band=band)
        total = rows.get(district__isnull=True).inhabitants
        assert total == rows.filter(district__isnull=False).aggregate(
            n=Sum("inhabitants"))["n"]
    assert UnitStaffing.objects.exists()
    assert not UnitStaffing.objects.exclude(month__day=1).exists()
    assert not UnitStaffing.objects.exclude(one_to_one_measures__range=(2, 8)).exists()


@pytest.mark.django_db
def test_same_seed_gives_the_same_history():
    generate(size="small", seed=5, as_of=AS_OF)
    first = counts()
    generate(size="small", seed=5, as_of=AS_OF, reset=True)
    assert counts() == first
