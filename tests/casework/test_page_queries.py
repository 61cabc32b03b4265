"""Pages stay within a fixed number of queries as a case or a unit's inbox grows."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tildel.casework.services import decisions, intake, letters

from .conftest import drafted, informed, open_case

pytestmark = pytest.mark.django_db


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def signed_and_sent(w):
    case = open_case(w)
    informed(case)
    decision = decisions.sign(drafted(w, case), w.caseworker)
    letters.send_decision(decision, w.caseworker)
    return case


def test_case_page_does_not_grow_with_its_history(office, client):
    case = signed_and_sent(office)
    client.force_login(office.caseworker)
    url = reverse("case-detail", args=[case.pk])
    queries(client, url)
    few = queries(client, url)
    for _ in range(5):
        letters.create_and_send(case, "acknowledgement", office.caseworker)
        intake.extend(case, 3, "Venter", office.caseworker)
    assert queries(client, url) == few


def test_order_inbox_does_not_grow_with_orders(office, client):
    signed_and_sent(office)
    client.force_login(office.provider)
    url = reverse("orders-inbox")
    few = queries(client, url)
    for _ in range(4):
        signed_and_sent(office)
    assert queries(client, url) == few
