"""Provider adjusts within the frame, asks for more outside it; the office answers."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.casework.conftest import drafted, informed, open_case
from tildel.casework.models import Case, Order, Revision
from tildel.casework.services import decisions
from tildel.provision.models import Adjustment, ChangeRequest

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(office):
    case = open_case(office)
    informed(case)
    decisions.sign(drafted(office, case), office.caseworker)  # 6 hours a week
    return Order.objects.get(decision__case=case)


def adjust(client, order, hours, **extra):
    line = order.lines.get()
    return client.post(reverse("order-adjust", args=[order.pk]), {
        "service_line": line.pk, "effective_from": timezone.localdate().isoformat(),
        "planned_weekly_hours": hours, "change": "Dusj flyttes til kveld",
        "reason": "Sover dårlig om morgenen", **extra}, follow=True)


def test_adjustment_inside_the_frame_is_logged_for_the_office(office, order, client):
    client.force_login(office.provider)
    page = adjust(client, order, "5").content.decode()
    assert "Justeringen er registrert" in page
    assert Adjustment.objects.get(order=order).planned_weekly_hours == 5
    client.force_login(office.caseworker)
    detail = client.get(reverse("decision-detail", args=[order.decision_id])).content.decode()
    assert "Dusj flyttes til kveld" in detail and "Sover dårlig om morgenen" in detail


def test_adjustment_outside_the_frame_is_refused_and_offered_as_change_request(
        office, order, client):
    client.force_login(office.provider)
    page = adjust(client, order, "8").content.decode()
    assert "mer enn vedtatt" in page and "endringsmelding" in page
    assert not Adjustment.objects.exists()


def test_change_request_answered_with_a_new_decision(office, order, client):
    client.force_login(office.provider)
    client.post(reverse("order-change-request", args=[order.pk]), {
        "kind": "more", "service_line": order.lines.get().pk, "requested_weekly_hours": "9",
        "observation": "Trenger hjelp også midt på dagen", "since": timezone.localdate(),
        "need": "Tre besøk daglig", "if_not": "Risiko for fall"})
    request = ChangeRequest.objects.get()
    assert request.status == ChangeRequest.Status.OPEN and request.age_days() == 0
    client.force_login(office.caseworker)
    listing = client.get(reverse("change-requests")).content.decode()
    assert "Tre besøk daglig" in listing and "0 d" in listing
    response = client.post(reverse("change-request-answer", args=[request.pk, "revurder"]),
                           {"answer": "Vi vurderer behovet på nytt"})
    request.refresh_from_db()
    assert request.status == ChangeRequest.Status.NEW_DECISION
    assert request.revision.trigger == Revision.Trigger.PROVIDER_REQUEST
    assert response.url == reverse("case-detail", args=[request.revision.case_id])
    revision_case = Case.objects.get(pk=request.revision.case_id)
    informed(revision_case)
    assert decisions.create_draft(revision_case, office.caseworker).replaces == order.decision


def test_rejection_needs_a_reason(office, order, client):
    from tildel.provision import services

    request = services.request_change(order, kind="more", observation="x",
                                      since=timezone.localdate(), need="y",
                                      actor=office.provider)
    client.force_login(office.caseworker)
    page = client.post(reverse("change-request-answer", args=[request.pk, "avslå"]),
                       {"answer": ""}, follow=True).content.decode()
    assert "må begrunnes" in page
    client.post(reverse("change-request-answer", args=[request.pk, "avslå"]),
                {"answer": "Behovet dekkes innenfor dagens ramme"})
    request.refresh_from_db()
    assert request.status == ChangeRequest.Status.REJECTED


def test_other_units_and_offices_cannot_touch_the_order(office, order, client):
    from tildel.accounts.models import Role

    stranger = office.user(Role.PROVIDER_STAFF, unit=office.west_unit, username="vest-ansatt")
    client.force_login(stranger)
    assert adjust(client, order, "5").status_code == 404
    client.force_login(office.other_caseworker)
    assert "Ingen endringsmeldinger" in client.get(reverse("change-requests")).content.decode()


def test_decision_without_a_case_is_followed_up_the_same_way(office, client):
    """Decisions migrated from the old system have no case: the office still sees their
    adjustments and change requests and answers with a revision."""
    w = office
    line = w.grant(w.person(given="Migrert", family="Bruker"), w.east_unit, hours=40)
    order = Order.objects.create(decision=line.decision, provider_unit=w.east_unit)
    order.lines.add(line)
    client.force_login(w.provider)
    adjust(client, order, "6")
    client.post(reverse("order-change-request", args=[order.pk]), {
        "kind": "more", "service_line": line.pk, "requested_weekly_hours": "10",
        "observation": "Har falt", "since": timezone.localdate(), "need": "Kveldsbesøk"})
    client.force_login(w.caseworker)
    detail = client.get(reverse("decision-detail", args=[line.decision_id]))
    assert detail.status_code == 200 and "Dusj flyttes til kveld" in detail.content.decode()
    assert "Migrert Bruker" in client.get(reverse("change-requests")).content.decode()
    client.post(reverse("change-request-answer",
                        args=[ChangeRequest.objects.get().pk, "revurder"]),
                {"answer": "Vi kartlegger på nytt"})
    assert ChangeRequest.objects.get().status == ChangeRequest.Status.NEW_DECISION
    assert Revision.objects.get().case.person == line.decision.person
    client.force_login(w.other_caseworker)
    assert client.get(reverse("decision-detail", args=[line.decision_id])).status_code == 403
    assert "Migrert Bruker" not in client.get(reverse("change-requests")).content.decode()


def test_purchaser_provider_model_is_configuration_report_000_section_6(office, order, client):
    """Under bestiller-utfører the order shows the minute norms (report 000 table 1,
    morning care 25 minutes) and every change goes through the office."""
    from tildel.casework.models import OfficeSettings

    settings = OfficeSettings.for_office(office.east_office.pk)
    settings.provision_model = "purchaser_provider"
    settings.save()
    client.force_login(office.provider)
    page = client.get(reverse("order-detail", args=[order.pk])).content.decode()
    assert "Morgenstell" in page and ">25<" in page
    assert "Registrer justering" not in page
    refused = adjust(client, order, "5").content.decode()
    assert "bestiller–utfører" in refused and not Adjustment.objects.exists()
