"""Pages with several forms give each form its own id prefix (``auto_id``), so no id is
repeated and every label, help text and error message points at the right field.

The server-side twin of tests/e2e/test_unique_ids.py: no browser, just the HTML.
"""

from __future__ import annotations

from collections import Counter
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from tildel.casework.models import Order, ServicePause
from tildel.casework.services import decisions

from .conftest import drafted, granted_line, informed, open_case

pytestmark = pytest.mark.django_db


class _Ids(HTMLParser):
    """Every id on the page, and every reference to one (label for, aria-*)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []
        self.label_for: list[str] = []
        self.aria_refs: list[str] = []
        self.named_fields: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.append(attrs["id"])
        if tag == "label" and attrs.get("for"):
            self.label_for.append(attrs["for"])
        for attr in ("aria-describedby", "aria-labelledby", "aria-controls"):
            if attrs.get(attr):
                self.aria_refs.extend(attrs[attr].split())
        if tag in ("input", "select", "textarea") and attrs.get("name"):
            self.named_fields.append(attrs["name"])

    handle_startendtag = handle_starttag


def parse(html: str) -> _Ids:
    parser = _Ids()
    parser.feed(html)
    parser.close()
    return parser


def assert_ids_consistent(html: str) -> _Ids:
    page = parse(html)
    repeated = sorted(i for i, n in Counter(page.ids).items() if n > 1)
    assert repeated == [], f"ids used more than once: {repeated}"
    known = set(page.ids)
    assert sorted(set(page.label_for) - known) == [], "<label for> without a matching id"
    assert sorted(set(page.aria_refs) - known) == [], "aria reference without a matching id"
    return page


def order_for(office) -> Order:
    case = open_case(office)
    informed(case)
    decisions.sign(drafted(office, case), office.caseworker)
    return Order.objects.get(decision__case=case)


def test_case_page_ids_are_unique_and_labels_resolve(office, client):
    client.force_login(office.caseworker)
    response = client.get(reverse("case-detail", args=[open_case(office).pk]))
    assert response.status_code == 200
    page = assert_ids_consistent(response.content.decode())
    # Each form kept its field names (only the ids got a prefix), so posting still works.
    for name in ("urgency", "service", "provider_unit", "started_on", "start", "reason",
                 "days", "queue", "assigned_to", "code", "kind", "origin"):
        assert name in page.named_fields, name
    assert "id_reason" not in page.ids and "id_start" not in page.ids


def test_order_page_ids_are_unique_and_labels_resolve(office, client):
    order = order_for(office)
    client.force_login(office.provider)
    response = client.get(reverse("order-detail", args=[order.pk]))
    assert response.status_code == 200
    page = assert_ids_consistent(response.content.decode())
    for name in ("service_line", "effective_from", "change", "reason", "kind", "since",
                 "need", "start", "end", "provider_unit", "what_matters"):
        assert name in page.named_fields, name
    assert "id_service_line" not in page.ids


def test_order_forms_still_post_by_field_name(office, client):
    order = order_for(office)
    line = order.lines.get()
    client.force_login(office.provider)
    client.post(reverse("order-pause", args=[order.pk]), {
        "service_line": line.pk, "reason": ServicePause.Reason.HOSPITAL,
        "start": timezone.localdate().isoformat()})
    assert ServicePause.objects.filter(line=line).exists()


def test_decision_page_gives_each_line_its_own_close_form(office, client):
    case = open_case(office)
    informed(case)
    decision = decisions.sign(drafted(office, case, lines=[
        granted_line(office), granted_line(office, code="praktisk-bistand-opplaering")]),
        office.caseworker)
    client.force_login(office.leader)  # the leader also sees the annul form
    response = client.get(reverse("decision-detail", args=[decision.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    page = assert_ids_consistent(html)
    assert page.named_fields.count("end") == 2 and "Annuller vedtaket" in html
