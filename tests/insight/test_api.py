"""/api/v1/indicators/ and /api/v1/figures/: the catalogue and computed figures, with
structured 4xx errors naming the field at fault."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tildel.rules.indicators import INDICATORS

from .conftest import PATHWAY_MONTH, month_key


@pytest.fixture
def api():
    return APIClient()


def test_the_catalogue_lists_every_indicator_with_its_source(api, figures_world):
    api.force_authenticate(figures_world.analyst)
    body = api.get("/api/v1/indicators/").json()
    codes = [i["code"] for i in body["indicators"]]
    assert codes == [i.code for i in INDICATORS]
    pathway = next(i for i in body["indicators"] if i["code"] == "forlop-andel")
    assert pathway["sources"][0] == {"report": "000", "lines": "L1064-1068",
                                     "note": "fotnote 11"}


def test_figures_give_numerator_denominator_and_code_per_value(api, figures_world):
    """East district: 6 of 10 home-nursing users in a pathway that month (60 %), as the
    east office's leader sees it (management would see it suppressed: west is small)."""
    api.force_authenticate(figures_world.leader)
    month = month_key(PATHWAY_MONTH)
    response = api.get("/api/v1/figures/", {"indicators": "forlop-andel", "from": month,
                                            "to": month, "by": "district"})
    assert response.status_code == 200
    values = [v for indicator in response.json()["indicators"] for v in indicator["values"]]
    east = next(v for v in values if v["group_label"] == figures_world.east.name)
    assert east["indicator"] == "forlop-andel"
    assert (east["numerator"], east["denominator"]) == (6, 10)
    assert east["value"] == pytest.approx(60.0)


@pytest.mark.parametrize(("query", "field"), [
    ({"indicators": "finnes-ikke", "from": "2024-01", "to": "2024-02"}, "indicators"),
    ({"from": "2024-05", "to": "2024-01"}, "to"),
    ({"from": "januar", "to": "2024-01"}, "from"),
    ({"from": "2024-01", "to": "2024-02", "by": "fylke"}, "by"),
    ({"from": "2024-01", "to": "2024-02", "period": "uke"}, "period"),
])
def test_bad_input_is_a_400_naming_the_field_in_norwegian(api, figures_world, query, field):
    api.force_authenticate(figures_world.management)
    response = api.get("/api/v1/figures/", query)
    assert response.status_code == 400
    body = response.json()
    assert field in body["felt"]
    assert body["feil"] and body["feil"] == body["felt"][field][0]


def test_a_grouping_the_role_may_not_use_is_403(api, figures_world):
    api.force_authenticate(figures_world.caseworker)
    response = api.get("/api/v1/figures/", {"from": "2024-01", "to": "2024-02",
                                            "by": "caseworker"})
    assert response.status_code == 403
    assert "by" in response.json()["felt"]


def test_provider_staff_get_no_figures(api, figures_world):
    api.force_authenticate(figures_world.staff)
    response = api.get("/api/v1/figures/", {"from": "2024-01", "to": "2024-02"})
    assert response.status_code == 403
