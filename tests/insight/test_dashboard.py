"""The key-figure dashboard (/nokkeltall/) as management, analysts, caseworkers and provider
staff see it."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.web.assets import external_references
from tildel.insight import services

from .conftest import PATHWAY_MONTH, build, month_key

URL = "/nokkeltall/"


def chart(response, index=0) -> dict:
    block = response.context["blocks"][index]
    html = response.content.decode()
    assert f'id="{block["data_id"]}"' in html  # json_script element
    return block["chart"]


def test_url_name():
    assert reverse("insight:dashboard") == URL


def test_management_sees_pathway_share_per_district_by_month(figures_world, client):
    w = figures_world
    client.force_login(w.management)
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    block = response.context["blocks"][0]
    assert block["indicator"].code == "forlop-andel"
    for text in ("Andel hjemmesykepleiemottakere i pasientforløp", "Personer i forløp 1 eller 2",
                 "Mottakere av helsetjenester i hjemmet", "Rapport 000, L1064-1068"):
        assert text in html
    data = chart(response)
    assert data["type"] == "line"
    assert len(data["labels"]) == 12  # the last 12 whole months
    lines = {d["label"]: d["data"] for d in data["datasets"]}
    assert set(lines) == {"Hele kommunen", "Øst", "Vest"}
    pathway_index = [w.key for w in response.context["figures"].request.windows].index(
        month_key(PATHWAY_MONTH))
    # West (1 of 3) is hidden, so East (6 of 10) is hidden too: the total (7 of 13) minus
    # East would give West back (complementary suppression).
    assert lines["Hele kommunen"][pathway_index] == pytest.approx(7 / 13 * 100, abs=0.01)
    assert lines["Øst"][pathway_index] is None
    # Before the first pathway was registered the share is "no data", not 0 %.
    assert lines["Øst"][0] is None
    assert lines["Vest"][pathway_index] is None  # 1 of 3: suppressed for management
    # Norwegian number format with numerator and denominator in the title; no drill-down.
    assert 'title="Personer i forløp 1 eller 2: 7 · Mottakere av helsetjenester i hjemmet: 13"' \
        in html
    assert ">53,8<" in html
    assert "/saker/?" not in html
    assert "Tall med færre enn 5 personer vises ikke" in html
    assert "chart-4.6.1.umd.min.js" in html and "insight-chart.js" in html
    assert external_references(html) == []


def test_analyst_sees_suppressed_small_cells_and_no_links(figures_world, client):
    client.force_login(figures_world.analyst)
    response = client.get(URL, {"from": month_key(PATHWAY_MONTH),
                                "to": month_key(PATHWAY_MONTH)})
    assert response.status_code == 200
    html = response.content.decode()
    data = chart(response)
    assert data["type"] == "bar"  # one period: one bar per group
    assert data["labels"] == ["Hele kommunen", "Øst", "Vest"]
    # West (1 of 3) is hidden, and East with it (complementary suppression).
    assert data["datasets"][0]["data"] == [pytest.approx(7 / 13 * 100, abs=0.01), None, None]
    assert 'title="Skjult (færre enn 5)">Skjult<' in html
    assert "<a href=\"/nokkeltall/forlop-andel/saker/" not in html
    assert "Tall med færre enn 5 personer vises ikke (som i offisiell statistikk)." in html


def test_caseworker_gets_links_to_the_cases_behind_a_number(figures_world, client):
    client.force_login(figures_world.caseworker)
    response = client.get(URL, {"from": month_key(PATHWAY_MONTH),
                                "to": month_key(PATHWAY_MONTH)})
    html = response.content.decode()
    district = figures_world.east.pk
    expected = (f"/nokkeltall/forlop-andel/saker/?window={month_key(PATHWAY_MONTH)}"
                f"&amp;period=month&amp;by=district&amp;group={district}&amp;category=")
    assert expected in html
    assert "Vest" not in [r["label"] for r in response.context["blocks"][0]["rows"]]
    assert "Tall med færre enn 5" not in html


def test_distribution_gets_a_column_per_category_and_a_stacked_bar(figures_world, client):
    client.force_login(figures_world.management)
    response = client.get(URL, {"indicators": ["utfall", "forlop-andel"], "period": "range",
                                "by": "office"})
    assert response.status_code == 200
    blocks = response.context["blocks"]
    assert [b["indicator"].code for b in blocks] == ["utfall", "forlop-andel"]
    assert blocks[0]["categories"] == ["Innvilget", "Delvis innvilget", "Avslag"]
    assert blocks[0]["chart"]["stacked"] is True
    assert len(blocks[0]["columns"]) == 3
    assert "Ingen data" in response.content.decode() or "–" in response.content.decode()


@pytest.mark.parametrize("params, field, message", [
    ({"indicators": "finnes-ikke"}, "indicators", "Ukjent indikator «finnes-ikke»"),
    ({"from": "2024-13"}, "from", "er ikke en måned på formen ÅÅÅÅ-MM"),
    ({"from": "i fjor"}, "from", "er ikke en måned på formen ÅÅÅÅ-MM"),
    ({"from": "2025-06", "to": "2025-01"}, "to", "Til-måneden er før fra-måneden"),
    ({"period": "uke"}, "period", "Ukjent periodetype «uke»"),
    ({"by": "bydel"}, "by", "Ukjent gruppering «bydel»"),
    ({"from": ""}, "from", "Oppgi en måned"),
])
def test_bad_input_shows_norwegian_field_errors(figures_world, client, params, field,
                                                message):
    client.force_login(figures_world.management)
    response = client.get(URL, params)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert message in " ".join(errors[field])
    assert message.replace("«", "&laquo;").split("&laquo;")[0] in response.content.decode() \
        or message in response.content.decode()
    assert response.context["blocks"] == []


def test_forbidden_grouping_is_403_with_a_field_error(figures_world, client):
    client.force_login(figures_world.caseworker)
    response = client.get(URL, {"by": "caseworker"})
    assert response.status_code == 403
    assert "Du har ikke tilgang til grupperingen «Saksbehandler»" in " ".join(
        response.context["form"].errors["by"])
    client.force_login(figures_world.unit_leader)
    assert client.get(URL, {"by": "district"}).status_code == 403
    response = client.get(URL)  # the provider leader's default is by unit
    assert response.status_code == 200
    assert response.context["form"].cleaned_data["by"] == "unit"


def test_provider_staff_and_anonymous_are_refused(figures_world, client):
    assert client.get(URL).status_code == 302  # to the login page
    client.force_login(figures_world.staff)
    assert client.get(URL).status_code == 403
    assert client.get("/nokkeltall/forlop-andel/saker/").status_code == 403


def test_nav_has_key_figures_for_readers_only(figures_world, client):
    client.force_login(figures_world.management)
    html = client.get("/").content.decode()
    assert 'href="/nokkeltall/"' in html and 'href="/nokkeltall/likebehandling/"' in html
    client.force_login(figures_world.caseworker)
    html = client.get("/").content.decode()
    assert 'href="/nokkeltall/"' in html and "/nokkeltall/likebehandling/" not in html
    client.force_login(figures_world.staff)
    assert "/nokkeltall/" not in client.get("/").content.decode()


def count_queries(client, user, params=None) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, params or {"indicators": ["forlop-andel", "utfall",
                                                             "klager"]})
        assert response.status_code == 200
    return len(queries)


def test_query_count_does_not_grow_with_persons(world, client):
    w = build(world, east=4, east_pathways=2, west=2, west_pathways=1)
    few = count_queries(client, w.management)
    few_caseworker = count_queries(client, w.caseworker)
    from .conftest import add_users

    add_users(w, w.east, w.east_unit, 40, 20, w.east_office)
    add_users(w, w.west, w.west_unit, 30, 10, w.west_office)
    assert count_queries(client, w.management) == few
    assert count_queries(client, w.caseworker) == few_caseworker
    # Four fact tables, each with a first-day query; applications are read in seven queries
    # (cases, decisions, requested services, lines, scores, enquiries, office targets).
    assert few <= 23


def test_export_links_use_the_same_query(figures_world, client):
    client.force_login(figures_world.management)
    html = client.get(URL, {"indicators": "forlop-andel"}).content.decode()
    assert "/nokkeltall/nokkeltall.xlsx?indicators=forlop-andel" in html
    try:
        from tildel.insight import exports  # noqa: F401
    except ImportError:
        pytest.skip("insight.exports is not written yet")
    response = client.get("/nokkeltall/nokkeltall.csv", {"indicators": "forlop-andel"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    response = client.get("/nokkeltall/nokkeltall.json", {"indicators": "forlop-andel"})
    assert response.status_code == 200
    json.loads(response.content)
    response = client.get("/nokkeltall/nokkeltall.xlsx", {"indicators": "forlop-andel"})
    assert response.status_code == 200
    assert client.get("/nokkeltall/nokkeltall.pdf").status_code == 400


def test_dashboard_does_not_use_figures_groups(figures_world, client, monkeypatch):
    def slow(self, code):
        raise AssertionError("Figures.groups searches a list per value")

    monkeypatch.setattr(services.Figures, "groups", slow)
    client.force_login(figures_world.management)
    response = client.get(URL, {"indicators": ["forlop-andel", "utfall"]})
    assert response.status_code == 200
    labels = [r["label"] for r in response.context["blocks"][0]["rows"]]
    assert set(labels) == {"Hele kommunen", "Øst", "Vest"} and len(labels) == 3
