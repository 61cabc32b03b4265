"""Pages with several forms give each form its own id prefix, so no id is repeated.

axe reported repeated ids as "needs review" (duplicate-id-aria), and Chromium then labelled
only the first of the fields: the endringsmelding's Tjeneste had no accessible name. Each
form on the case and order pages now gets a distinct ``auto_id`` (casework.views.AUTO_ID).
The browser-free twin is tests/casework/test_unique_ids.py.
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
