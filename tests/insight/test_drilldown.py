"""The cases behind one number: who may see them, what is listed and what is logged."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.urls import reverse

from tildel.accounts.models import AccessLogEntry
from tildel.insight.views import BadCell, parse_group

from .conftest import DECIDED_MONTH, PATHWAY_MONTH, month_key


def drill(code="forlop-andel", **params):
    query = {"window": month_key(PATHWAY_MONTH), "period": "month", "by": "district",
             "group": "*", "category": "", **params}
    return reverse("insight:drilldown", args=[code]) + "?" + urlencode(query)


def test_caseworker_lists_the_persons_in_a_pathway_and_each_is_logged(figures_world, client):
    w = figures_world
    client.force_login(w.caseworker)
    response = client.get(drill(group=w.east.pk))
    assert response.status_code == 200
    html = response.content.decode()
    in_pathway = w.east_persons[:6]
    for person in in_pathway:
        assert person.full_name in html
        assert reverse("person-overview", args=[person.pk]) in html
    assert w.east_persons[7].full_name not in html
    assert str(in_pathway[0].birth_date.year) in html
    assert in_pathway[0].id_number not in html  # birth year only, never the number
    entries = AccessLogEntry.objects.filter(user=w.caseworker)
    assert {e.person_id for e in entries} == {p.pk for p in in_pathway}
    assert {e.what for e in entries} == {
        "Nøkkeltall: Andel hjemmesykepleiemottakere i pasientforløp"}


def test_caseworker_lists_the_cases_behind_a_share_of_decisions(equal_world, client):
    w = equal_world
    client.force_login(w.caseworker)
    url = drill("utfall", window=month_key(DECIDED_MONTH), by="office",
                group=w.east_office.pk, category="refusal")
    response = client.get(url)
    assert response.status_code == 200
    assert response.context["count"] == 14 + 4 * 3
    html = response.content.decode()
    first_case = w.cases[w.outlier.pk][1]  # the outlier's second case is a refusal
    assert reverse("case-detail", args=[first_case.pk]) in html
    assert "Avslag" in html
    assert AccessLogEntry.objects.filter(user=w.caseworker).count() == 26


def test_pages_of_fifty(world, client):
    from .conftest import add_users, build

    w = build(world, east=0, east_pathways=0, west=0, west_pathways=0)
    add_users(w, w.east, w.east_unit, 60, 0, w.east_office)
    client.force_login(w.caseworker)
    url = reverse("insight:drilldown", args=["brukere-per-tjeneste"]) + "?" + urlencode({
        "window": month_key(PATHWAY_MONTH), "period": "month", "by": "district",
        "group": w.east.pk, "category": "hjemmesykepleie"})
    first = client.get(url)
    assert first.status_code == 200
    assert len(first.context["rows"]) == 50
    assert first.context["count"] == 60
    assert "side=2" in first.content.decode()
    second = client.get(url + "&side=2")
    assert len(second.context["rows"]) == 10
    assert AccessLogEntry.objects.filter(user=w.caseworker).count() == 60


@pytest.mark.parametrize("role", ["analyst", "management"])
def test_aggregate_readers_get_403_with_a_norwegian_message(figures_world, client, role):
    client.force_login(getattr(figures_world, role))
    response = client.get(drill(group=figures_world.east.pk))
    assert response.status_code == 403
    assert "ser bare tall, ikke sakene bak dem" in response.content.decode()
    assert not AccessLogEntry.objects.exists()


@pytest.mark.parametrize("params, message", [
    ({"window": "2024-13"}, "er ikke en måned"),
    ({"window": "2024-T4", "period": "tertial"}, "er ikke et tertial"),
    ({"window": "2024-T1", "period": "month"}, "er ikke en måned"),
    ({"window": "2024", "period": "uke"}, "Ukjent periodetype"),
    ({"window": "2024-03..2024-01", "period": "range"}, "før"),
    ({"group": "Øst"}, "er ikke en gyldig gruppe"),
    ({"group": "²"}, "er ikke en gyldig gruppe"),  # str.isdigit() accepts it, int() not
    ({"group": "99999999999999999999999"}, "er ikke en gyldig gruppe"),  # overflows the db
    ({"by": "bydel"}, "Ukjent gruppering"),
    ({"category": "innvilget"}, "ingen kategorier"),
])
def test_bad_cell_addresses_are_400_not_500(figures_world, client, params, message):
    client.force_login(figures_world.caseworker)
    response = client.get(drill(**params))
    assert response.status_code == 400
    assert message in response.content.decode()


def test_unknown_indicator_and_category_are_400(figures_world, client):
    client.force_login(figures_world.caseworker)
    assert client.get(drill("finnes-ikke")).status_code == 400
    response = client.get(drill("utfall", category="kanskje"))
    assert response.status_code == 400
    assert "Ukjent kategori «kanskje»" in response.content.decode()


def test_forbidden_grouping_is_403(figures_world, client):
    client.force_login(figures_world.caseworker)
    response = client.get(drill(by="caseworker", group=figures_world.caseworker.pk))
    assert response.status_code == 403
    assert "Saksbehandler" in response.content.decode()


def test_other_period_kinds_parse(figures_world, client):
    client.force_login(figures_world.caseworker)
    year = str(PATHWAY_MONTH.year)
    tertial = f"{year}-T{(PATHWAY_MONTH.month - 1) // 4 + 1}"
    for period, window in (("year", year), ("tertial", tertial),
                           ("range", f"{month_key(PATHWAY_MONTH)}..{month_key(PATHWAY_MONTH)}")):
        response = client.get(drill(period=period, window=window,
                                     group=figures_world.east.pk))
        assert response.status_code == 200, (period, window)
        assert response.context["count"] == 6


def test_parse_group_accepts_ascii_ids_of_at_most_18_digits():
    assert parse_group("*", "district") == "*"
    assert parse_group("none", "district") is None
    assert parse_group(" 0012 ", "district") == 12
    assert parse_group("9" * 18, "unit") == int("9" * 18)
    for bad in ("²", "9" * 19, "-1", "+1", "1_000", "١٢", "", "none\n1"):
        with pytest.raises(BadCell):
            parse_group(bad, "district")
    with pytest.raises(BadCell):
        parse_group("1", "municipality")
