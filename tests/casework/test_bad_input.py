"""Every bad input the issue names: a Norwegian message on screen and a structured 4xx."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tildel.casework.models import Decision, Letter, LetterTemplate

from .conftest import drafted, granted_line, informed, open_case, refused_line

pytestmark = pytest.mark.django_db


def api_put(client, decision, **body):
    payload = {"version": decision.version, "legal_basis": "hol § 3-2",
               "facts": "Bor alene.", "reasons": "Trenger hjelp.", "alternative_offered": "",
               "lines": [{"service": "hjemmesykepleie", "granted": True,
                          "provider_unit": decision.person.district.provider_units.first().pk
                          if decision.person.district.provider_units.exists() else None,
                          "extent": "6", "extent_unit": "hours_week",
                          "start": timezone.localdate().isoformat()}]}
    payload.update(body)
    return client.put(reverse("api-decision-detail", args=[decision.pk]), payload,
                      content_type="application/json")


@pytest.fixture
def draft(office):
    case = open_case(office)
    informed(case)
    return drafted(office, case)


def test_decision_without_legal_basis_is_refused_on_screen_and_in_api(office, draft, client):
    client.force_login(office.caseworker)
    decision = drafted(office, draft.case, legal_basis="")
    response = client.post(reverse("decision-sign", args=[decision.pk]), follow=True)
    assert "Vedtaket må ha hjemmel" in response.content.decode()
    decision.refresh_from_db()
    assert decision.status == Decision.Status.DRAFT
    api = client.post(reverse("api-decision-sign", args=[decision.pk]))
    assert api.status_code == 400
    assert "hjemmel" in api.json()["felt"]["legal_basis"][0]


def test_refusal_without_alternative_cannot_be_signed(office, client):
    case = open_case(office, codes=("hjemmesykepleie", "langtidsopphold"))
    informed(case)
    decision = drafted(office, case, lines=[granted_line(office),
                                            refused_line(alternative="")])
    client.force_login(office.caseworker)
    api = client.post(reverse("api-decision-sign", args=[decision.pk]))
    assert api.status_code == 400
    assert "alternativt tilbud" in api.json()["felt"]["alternative_offered"][0]


def test_end_before_start_is_refused_with_field_message(office, draft, client):
    client.force_login(office.caseworker)
    today = timezone.localdate()
    data = _form(draft, office, **{"lines-0-start": today.isoformat(),
                                   "lines-0-end": (today - dt.timedelta(days=1)).isoformat()})
    response = client.post(reverse("decision-edit", args=[draft.pk]), data)
    assert response.status_code == 400
    assert "Sluttdato kan ikke være før startdato" in response.content.decode()
    api = api_put(client, draft, lines=[{
        "service": "hjemmesykepleie", "granted": True, "provider_unit": office.east_unit.pk,
        "extent": "6", "extent_unit": "hours_week", "start": today.isoformat(),
        "end": (today - dt.timedelta(days=1)).isoformat()}])
    assert api.status_code == 400
    assert "sluttdato" in api.json()["felt"]["lines"][0]


def test_more_than_168_hours_a_week_is_refused(office, draft, client):
    client.force_login(office.caseworker)
    response = client.post(reverse("decision-edit", args=[draft.pk]),
                           _form(draft, office, **{"lines-0-extent": "169"}))
    assert response.status_code == 400
    assert "168 timer" in response.content.decode()
    api = api_put(client, draft, lines=[{
        "service": "hjemmesykepleie", "granted": True, "provider_unit": office.east_unit.pk,
        "extent": "169", "extent_unit": "hours_week",
        "start": timezone.localdate().isoformat()}])
    assert api.status_code == 400
    assert "168 timer" in api.json()["felt"]["lines"][0]
    draft.refresh_from_db()
    assert draft.lines.get().extent == 6


def test_signing_without_sufficiently_informed_is_refused(office, client):
    case = open_case(office)
    assessment = informed(case)
    decision = drafted(office, case)
    assessment.sufficiently_informed = False
    assessment.save()
    client.force_login(office.caseworker)
    api = client.post(reverse("api-decision-sign", args=[decision.pk]))
    assert api.status_code == 400
    assert "tilstrekkelig opplyst" in api.json()["felt"]["sufficiently_informed"][0]
    # And no draft can even be started on a case that is not sufficiently informed.
    other = open_case(office)
    response = client.post(reverse("decision-new", args=[other.pk]), follow=True)
    assert "tilstrekkelig opplyst" in response.content.decode()
    assert not Decision.objects.filter(case=other).exists()


def test_two_people_editing_the_same_draft(office, draft, client):
    """The second save, based on the version both opened, is refused; nothing overwritten."""
    first, second = client, client.__class__()
    first.force_login(office.caseworker)
    second.force_login(office.caseworker2)
    opened = draft.version
    saved = first.post(reverse("decision-edit", args=[draft.pk]),
                       _form(draft, office, reasons="Første saksbehandlers begrunnelse"))
    assert saved.status_code == 302
    refused = second.post(reverse("decision-edit", args=[draft.pk]),
                          _form(draft, office, version=opened, reasons="Andres begrunnelse"))
    assert refused.status_code == 409
    assert "etter at du åpnet det" in refused.content.decode()
    draft.refresh_from_db()
    assert draft.reasons == "Første saksbehandlers begrunnelse"
    api = api_put(second, draft, version=opened, reasons="API-begrunnelse")
    assert api.status_code == 409
    assert "etter at du åpnet det" in api.json()["feil"]
    draft.refresh_from_db()
    assert draft.reasons == "Første saksbehandlers begrunnelse"


def test_complaint_on_a_decision_that_does_not_exist(office, client):
    client.force_login(office.caseworker)
    api = client.post(reverse("api-complaint-list"), {
        "decision": 999999, "received_on": timezone.localdate().isoformat(),
        "complainant": "Ingrid", "text": "Uenig"}, content_type="application/json")
    assert api.status_code == 400
    assert "finnes ikke" in api.json()["felt"]["decision"][0]
    assert client.get(reverse("complaint-new", args=[999999])).status_code == 404


def test_broken_letter_template_stops_the_letter_and_the_case_says_why(office, client):
    from tildel.casework.services import letters

    LetterTemplate.objects.create(kind="acknowledgement", body="<p>{% if %}</p>")
    case = open_case(office)
    letter = letters.create_and_send(case, "acknowledgement", office.caseworker)
    assert letter.status == Letter.Status.FAILED
    assert not letter.dispatches.exists()
    case.refresh_from_db()
    assert case.acknowledgement_sent_on is None
    client.force_login(office.caseworker)
    page = client.get(reverse("case-detail", args=[case.pk])).content.decode()
    assert "kunne ikke lages og er ikke sendt" in page
    assert not list(office.outbox.glob("*.pdf")) if office.outbox.exists() else True


def test_letter_template_with_error_is_refused_in_admin_form():
    from django.core.exceptions import ValidationError

    template = LetterTemplate(kind="decision", body="{% for x in %}")
    with pytest.raises(ValidationError) as raised:
        template.full_clean()
    assert "linje" in str(raised.value).lower()


def test_api_rejects_unknown_fields_values_with_structured_errors(office, client):
    client.force_login(office.caseworker)
    api = client.post(reverse("api-case-list"), {"channel": "pigeon"},
                      content_type="application/json")
    assert api.status_code == 400
    body = api.json()
    assert set(body) == {"feil", "felt"}
    assert "channel" in body["felt"] and "subject" in body["felt"]


def _form(decision, w, version=None, **overrides):
    line = decision.lines.first()
    data = {"version": version if version is not None else decision.version,
            "legal_basis": decision.legal_basis, "facts": decision.facts,
            "reasons": decision.reasons, "alternative_offered": "",
            "lines-TOTAL_FORMS": "1", "lines-INITIAL_FORMS": "1",
            "lines-MIN_NUM_FORMS": "0", "lines-MAX_NUM_FORMS": "1000",
            "lines-0-id": line.pk, "lines-0-service_version": line.service_version_id,
            "lines-0-granted": "1", "lines-0-provider_unit": w.east_unit.pk,
            "lines-0-extent": "6", "lines-0-extent_unit": "hours_week",
            "lines-0-start": line.start.isoformat()}
    data.update(overrides)
    return data


def test_the_empty_row_for_a_new_service_is_ignored_when_untouched(office, draft, client):
    client.force_login(office.caseworker)
    page = client.get(reverse("decision-edit", args=[draft.pk])).content.decode()
    assert 'name="lines-TOTAL_FORMS" value="2"' in page
    data = _form(draft, office, **{"lines-TOTAL_FORMS": "2", "lines-1-granted": "1",
                                   "lines-1-extent_unit": ""})
    response = client.post(reverse("decision-edit", args=[draft.pk]), data)
    assert response.status_code == 302
    assert draft.lines.count() == 1
