"""Journey (c): management tries a financing model and reads the key figures."""

from __future__ import annotations

import re
from decimal import Decimal as D

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in_with_cookie
from tests.insight.conftest import LONG_AGO, build

pytestmark = [pytest.mark.e2e,
              pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_financing_simulator_and_key_figures(journey, world):
    w = build(world)  # home-nursing users in pathways in both districts, management
    for hours in (D(12), D(17), D(19), D(25)):
        w.grant(w.person(), w.east_unit, hours=hours, start=LONG_AGO)
    page = journey.page

    sign_in_with_cookie(journey, w.management)
    journey.goto("/", "home")

    # The simulator: lower the level 1 edge from 20 to 15 hours a month.
    page.get_by_role("navigation").get_by_role("link", name="Finansiering").click()
    expect(page.get_by_role("heading", name="Finansieringssimulator")).to_be_visible()
    journey.check("simulator")
    page.get_by_label("Nivå 1 fra (timer per måned)").fill("15")
    page.get_by_role("button", name="Beregn").click()
    expect(page).to_have_url(re.compile(r"edge_1=15"))
    expect(page.get_by_role("heading", name="Budsjett per enhet")).to_be_visible()
    expect(page.locator("#budget-table")).to_contain_text("Hjemmetjenesten Øst")
    journey.check("simulator-edge-15")

    # An invalid model: overlapping bands get a message at the field.
    page.get_by_label("Nivå 2 fra", exact=True).fill("10")
    page.get_by_role("button", name="Beregn").click()
    expect(page.get_by_role("alert")).to_be_visible()
    journey.check("simulator-error")

    # Key figures: the default indicator, then two indicators by tertial.
    page.get_by_role("navigation").get_by_role("link", name="Nøkkeltall").click()
    expect(page.get_by_role("heading", name="Nøkkeltall", exact=True)).to_be_visible()
    expect(page.get_by_role("region", name="Andel hjemmesykepleiemottakere i pasientforløp")
           ).to_be_visible()
    journey.check("key-figures")
    page.get_by_label("Indikatorer").select_option(["forlop-andel", "timer-per-bruker-mnd"])
    page.get_by_label("Periode").select_option(label="Tertial")
    page.get_by_role("button", name="Vis tall").click()
    expect(page.locator("section.indicator")).to_have_count(2)
    journey.check("key-figures-tertial")
