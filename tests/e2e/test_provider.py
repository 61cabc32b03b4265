"""Journey (b): a unit leader takes an order, adjusts it within the frame and asks the
office for more (endringsmelding); the office sees the request."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.casework.conftest import drafted, informed, open_case
from tests.e2e.conftest import sign_in_with_cookie
from tildel.casework.models import Order
from tildel.casework.services import decisions
from tildel.provision.models import Adjustment, ChangeRequest

pytestmark = [pytest.mark.e2e,
              pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def form_with_heading(page, heading: str):
    return page.locator("form").filter(has=page.get_by_role("heading", name=heading))


def test_order_to_adjustment_and_change_request(journey, office):
    w = office
    case = open_case(w)
    informed(case)
    decisions.sign(drafted(w, case), w.caseworker)  # 6 hours a week of home nursing
    order = Order.objects.get(decision__case=case)
    today = timezone.localdate().isoformat()
    page = journey.page

    sign_in_with_cookie(journey, w.provider)
    journey.goto("/", "home")
    page.get_by_role("navigation").get_by_role("link", name="Bestillinger").click()
    expect(page.get_by_role("heading", name="Bestillinger til enheten")).to_be_visible()
    row = page.get_by_role("row").filter(has_text="Arne Hansen")
    expect(row).to_contain_text("Ny")
    journey.check("orders")
    row.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bestilling til")
    journey.check("order")

    page.get_by_role("button", name="Kvitter for bestillingen").click()
    expect(page.get_by_text("Bestillingen er kvittert.")).to_be_visible()
    journey.check("order-acknowledged")
    order.refresh_from_db()
    assert order.acknowledged_by == w.provider

    # Within the frame: move the shower to the evening, 5 of the 6 hours planned.
    adjust = form_with_heading(page, "Juster innenfor rammen")
    adjust.get_by_label("Gjelder fra").fill(today)
    adjust.get_by_label("Planlagt tid (timer per uke)").fill("5")
    adjust.get_by_label("Hva endres").fill("Dusj flyttes til kveld")
    adjust.get_by_label("Begrunnelse").fill("Sover dårlig om morgenen")
    adjust.get_by_role("button", name="Registrer justering").click()
    expect(page.get_by_text("Justeringen er registrert.")).to_be_visible()
    expect(page.get_by_text("Dusj flyttes til kveld")).to_be_visible()
    journey.check("order-adjusted")
    assert Adjustment.objects.get(order=order).planned_weekly_hours == 5

    # Outside the frame: ask the office for more (endringsmelding).
    change = form_with_heading(page, "Endringsmelding (utenfor rammen)")
    change.get_by_label("Gjelder").select_option(value="more")
    change.get_by_label("Ønsket tid (timer per uke)").fill("9")
    change.get_by_label("Hva er endret hos brukeren").fill("Trenger hjelp midt på dagen")
    change.get_by_label("Siden").fill(today)
    change.get_by_label("Hva trengs").fill("Tre besøk daglig")
    change.get_by_label("Konsekvens hvis ikke").fill("Risiko for fall")
    change.get_by_role("button", name="Send endringsmelding").click()
    expect(page.get_by_text("Endringsmeldingen er sendt til tildelingskontoret.")).to_be_visible()
    journey.check("order-change-requested")
    assert ChangeRequest.objects.get(order=order).status == ChangeRequest.Status.OPEN

    # The office sees the request in its list.
    page.context.clear_cookies()
    sign_in_with_cookie(journey, w.caseworker)
    journey.goto("/endringsmeldinger/", "office-change-requests")
    expect(page.get_by_text("Tre besøk daglig")).to_be_visible()
