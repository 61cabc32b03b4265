"""Known finding: pages with several forms repeat Django's default field ids.

axe reports it as "needs review" (duplicate-id-aria), and Chromium then labels only the
first of the fields: the endringsmelding's Tjeneste has no accessible name. The fix is a
distinct ``auto_id`` per form in the views (casework.views.case_detail and order_detail).
Strict xfail: once fixed, this fails and should become a plain test.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest
from django.urls import reverse

from tests.casework.conftest import drafted, informed, open_case
from tildel.casework.models import Order
from tildel.casework.services import decisions

pytestmark = [pytest.mark.e2e,
              pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def repeated_ids(html: str) -> list[str]:
    return [i for i, n in Counter(re.findall(r'\sid="([^"]+)"', html)).items() if n > 1]


@pytest.mark.xfail(strict=True, reason="several forms per page share Django's default ids")
def test_case_and_order_pages_have_unique_ids(office, client):
    case = open_case(office)
    informed(case)
    decisions.sign(drafted(office, case), office.caseworker)
    order = Order.objects.get(decision__case=case)
    client.force_login(office.provider)
    order_page = client.get(reverse("order-detail", args=[order.pk])).content.decode()
    client.force_login(office.caseworker)
    case_page = client.get(reverse("case-detail", args=[open_case(office).pk])).content.decode()
    assert repeated_ids(order_page) == []
    assert repeated_ids(case_page) == []
