"""Data-quality alerts beyond pathways: unacknowledged orders, unanswered change requests,
decisions past revision, IPLOS not updated within 14 days of a change (report 001
l.3365-3368)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from tests.casework.conftest import drafted, informed, open_case
from tildel.casework.models import FunctionalScore, Order
from tildel.casework.services import decisions, routing
from tildel.provision import services as provision
from tildel.quality.alerts import alerts_for
from tildel.rules.iplos import FUNCTIONAL_VARIABLES

pytestmark = pytest.mark.django_db
VARIABLE = FUNCTIONAL_VARIABLES[0].code


def counts(user) -> dict[str, int]:
    return {a.key: a.count() for a in alerts_for(user)}


@pytest.fixture
def order(units):
    case = open_case(units)
    informed(case)
    decisions.sign(drafted(units, case), units.caseworker)
    return Order.objects.get(decision__case=case)


def test_order_not_acknowledged_after_two_days_is_flagged_for_both_sides(units, order):
    assert counts(units.caseworker)["bestilling-ikke-kvittert"] == 0
    with time_machine.travel(timezone.now() + dt.timedelta(days=3), tick=False):
        assert counts(units.caseworker)["bestilling-ikke-kvittert"] == 1
        assert counts(units.provider)["bestilling-ikke-kvittert"] == 1
        assert counts(units.west_provider)["bestilling-ikke-kvittert"] == 0


def test_iplos_not_updated_14_days_after_a_change_request_report_001(units, order, client):
    changed = timezone.now() + dt.timedelta(days=3)  # three days after the assessment
    with time_machine.travel(changed, tick=False):
        provision.request_change(order, kind="more", observation="Faller oftere",
                                 since=timezone.localdate(), need="Mer tilsyn",
                                 actor=units.provider)
        assert counts(units.caseworker)["endringsmelding-ubesvart"] == 1
    with time_machine.travel(changed + dt.timedelta(days=14), tick=False):
        assert counts(units.caseworker)["iplos-utdatert"] == 0
    with time_machine.travel(changed + dt.timedelta(days=15), tick=False):
        assert counts(units.caseworker)["iplos-utdatert"] == 1
        client.force_login(units.caseworker)
        page = client.get(reverse("quality-alert-list", args=["iplos-utdatert"]))
        assert reverse("case-detail", args=[order.decision.case_id]) in page.content.decode()
        # A new meeting without IPLOS scores does not clear it; a scored assessment does.
        case = open_case(units, person=order.decision.person)
        assessment = informed(case, held_on=timezone.localdate())
        assert counts(units.caseworker)["iplos-utdatert"] == 1
        FunctionalScore.objects.create(assessment=assessment, variable=VARIABLE, score=3)
        assert counts(units.caseworker)["iplos-utdatert"] == 0


def test_decision_past_its_revision_date_is_flagged(units, order):
    line = order.lines.get()
    line.revision_due = timezone.localdate() - dt.timedelta(days=1)
    line.save()
    assert counts(units.caseworker)["revurdering-forfalt"] == 1
    assert counts(units.provider)["revurdering-forfalt"] == 1
    assert counts(units.other_caseworker)["revurdering-forfalt"] == 0


def test_staff_without_leader_role_cannot_open_alerts(units, client):
    client.force_login(units.mastery_staff)
    assert client.get(reverse("quality-alerts")).status_code == 403
    client.force_login(units.caseworker)
    assert client.get(reverse("quality-alert-list", args=["finnes-ikke"])).status_code == 404


def test_alerts_leave_out_cases_with_a_declared_conflict_of_interest(units, order):
    line = order.lines.get()
    line.revision_due = timezone.localdate() - dt.timedelta(days=1)
    line.save()
    assert counts(units.caseworker2)["revurdering-forfalt"] == 1
    routing.declare_conflict(order.decision.case, units.caseworker2, "Nabo")
    assert counts(units.caseworker2)["revurdering-forfalt"] == 0
