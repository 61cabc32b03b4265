"""Journey (a): a caseworker takes a phone enquiry all the way to a sent decision letter."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.casework.conftest import father
from tildel.casework.models import Decision, Dispatch, Letter

pytestmark = [pytest.mark.e2e,
              pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_enquiry_to_sent_decision(journey, office):
    w = office
    person = father(w)
    page = journey.page
    today = timezone.localdate().isoformat()

    # Sign in through the real login form.
    journey.goto("/", "login")
    expect(page.get_by_role("heading", name="Logg inn")).to_be_visible()
    page.get_by_label("Brukernavn").fill("sara")
    page.get_by_label("Passord").fill("rett-passord-123")
    page.get_by_role("button", name="Logg inn").click()
    expect(page.get_by_role("navigation", name="Hovedmeny")).to_be_visible()
    journey.check("home")

    # Find the person.
    page.get_by_role("navigation").get_by_role("link", name="Personsøk").click()
    journey.check("person-search")
    page.get_by_label("Navn eller fødselsnummer").fill("Hansen")
    page.get_by_role("button", name="Søk", exact=True).click()
    expect(page.get_by_role("heading", name="Treff (1)")).to_be_visible()
    journey.check("person-search-hits")
    page.get_by_role("link", name="Hansen, Arne").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Arne Hansen")
    journey.check("person-overview")

    # Register the daughter's phone call.
    journey.goto(f"/saker/ny/?person={person.pk}", "enquiry-form")
    page.get_by_label("Kanal").select_option(label="Telefon")
    page.get_by_role("textbox", name="Avsender", exact=True).fill("Ingrid Hansen")
    page.get_by_label("Avsenders rolle").select_option(label="Pårørende")
    page.get_by_label("Avsenders telefon").fill("41234567")
    page.get_by_label("Hva gjelder henvendelsen?").fill("Far klarer ikke medisinene.")
    page.get_by_label("Notat fra samtalen eller brevet").fill("Ringte kl. 10.")
    page.get_by_label("Hjemmesykepleie").check()
    page.get_by_role("button", name="Registrer").click()
    expect(page.get_by_text("Saken er registrert med saksnummer")).to_be_visible()
    journey.check("case")

    # Acknowledge, then assess at a home visit.
    page.get_by_role("button", name="Send forvaltningsmelding").click()
    expect(page.get_by_role("table").filter(has_text="Forvaltningsmelding").first).to_be_visible()
    journey.check("case-acknowledged")
    page.get_by_role("link", name="Start kartlegging").click()
    journey.check("assessment")
    page.get_by_label("Type").select_option(label="Hjemmebesøk")
    page.get_by_label("Gjennomført").fill(today)
    page.get_by_label("Deltakere").fill("Arne, datteren Ingrid")
    page.get_by_label("Hva er viktig for deg?").fill("Å bo hjemme med katten.")
    page.get_by_label("Mål", exact=True).fill("Ta medisinene riktig hver dag.")
    page.get_by_label("Faktiske forhold").fill("Bor alene, glemmer medisiner.")
    page.get_by_label("Behov for habilitering eller rehabilitering?").select_option(
        label="Nei")
    page.get_by_label("Lavere nivå i omsorgstrappen").fill("Medisindispenser er prøvd.")
    page.get_by_label("Hvorfor lavere nivå ikke er nok").fill("Glemmer fortsatt doser.")
    page.get_by_label("Saken er tilstrekkelig opplyst").check()
    page.get_by_role("button", name="Lagre kartlegging").click()
    expect(page.get_by_text("Kartleggingen er lagret.")).to_be_visible()
    journey.check("case-assessed")

    # Draft and sign: 6 hours a week of home nursing.
    page.get_by_role("button", name="Skriv vedtak").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Vedtaksutkast")
    journey.check("decision-draft")
    page.get_by_label("Hjemmel").fill("hol. § 3-2 første ledd nr. 6 bokstav a")
    page.get_by_label("Faktiske forhold").fill("Bor alene og glemmer medisiner.")
    page.get_by_label("Begrunnelse").fill("Behovet kan dekkes hjemme.")
    line = page.get_by_role("group", name="Tjeneste 1")
    # The draft starts with the service the enquiry asked for.
    expect(line.get_by_role("combobox", name="Tjeneste", exact=True)).to_contain_text(
        "hjemmesykepleie")
    line.get_by_role("combobox", name="Utfall").select_option(label="Innvilget")
    line.get_by_label("Tjenesteenhet").select_option(label="Hjemmetjenesten Øst")
    line.get_by_label("Omfang").fill("6")
    line.get_by_label("Enhet", exact=True).select_option(value="hours_week")
    line.get_by_label("Fra", exact=True).fill(today)
    line.get_by_label("Mål").fill("Riktige medisiner hver dag")
    page.get_by_role("button", name="Lagre og signer").click()
    expect(page.get_by_role("button", name="Send vedtaket")).to_be_visible()
    journey.check("decision-signed")
    decision = Decision.objects.get(case__person=person)
    assert decision.status == Decision.Status.DECIDED

    # Send the letter; the case shows it and how it went out.
    page.get_by_role("button", name="Send vedtaket").click()
    expect(page.get_by_text("Vedtaksbrevet er laget og sendt.")).to_be_visible()
    journey.check("decision-sent")
    letter = Letter.objects.get(decision=decision)
    assert letter.status == Letter.Status.RENDERED
    assert letter.dispatches.get().status in (Dispatch.Status.DELIVERED, Dispatch.Status.SENT)
    page.get_by_role("link", name=f"Sak {decision.case.reference}").click()
    letters = page.get_by_role("region", name="Brev og utsending")
    expect(letters.get_by_role("link", name=letter.title)).to_be_visible()
    journey.check("case-decided")
