"""The equal-treatment monitor (/nokkeltall/likebehandling/)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tildel.accounts.models import AccessLogEntry
from tildel.insight.views import comparison_summary, hidden_groups, involvement_rows
from tildel.rules.indicators.equal_treatment import Comparison, GroupResult, Involvement

from .conftest import application, build, caseworker

URL = "/nokkeltall/likebehandling/"


def rows_by_label(response) -> dict:
    return {r["label"]: r for r in response.context["rows"]}


def test_url_names():
    assert reverse("insight:equal-treatment") == URL


def test_office_leader_sees_the_outlier_flagged_with_a_link_to_the_cases(equal_world, client):
    w = equal_world
    client.force_login(w.leader)
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    rows = rows_by_label(response)
    outlier = rows["Ola Avviker"]
    assert outlier["flagged"] and outlier["cases"] == 15 and outlier["granted"] == 1
    assert outlier["rate"] == "6,7" and outlier["expected_rate"] == "80,0"
    assert outlier["z"].startswith("−7")
    others = [r for label, r in rows.items() if label != "Ola Avviker"]
    assert len(others) == 4 and not any(r["flagged"] for r in others)
    assert "Se nærmere på sakene" in html
    assert "73,3 prosentpoeng" in html  # 80,0 − 6,7
    assert "indirekte standardisering" in html  # the method is explained
    assert outlier["url"].startswith("/nokkeltall/likebehandling/saker/?")
    # Involvement: next of kin on 12 of 49 grants, a lawyer on 5; none on the refusals.
    involvement = {r["outcome"]: r for r in response.context["involvement"]}
    assert involvement["Innvilget"]["cases"] == 49
    assert involvement["Innvilget"]["kin"] == "24,5"
    assert involvement["Innvilget"]["lawyer"] == "10,2"
    assert involvement["Avslag"]["cases"] == 26 and involvement["Avslag"]["kin"] == "0,0"
    assert involvement["Delvis innvilget"]["kin"] == "–"

    cases = client.get(outlier["url"])
    assert cases.status_code == 200
    assert cases.context["count"] == 15
    page = cases.content.decode()
    for case in w.cases[w.outlier.pk]:
        assert reverse("case-detail", args=[case.pk]) in page
    logged = AccessLogEntry.objects.filter(user=w.leader)
    assert logged.count() == 15
    assert {e.what for e in logged} == {"Likebehandling: sakene bak tallet"}


def test_filters_narrow_the_comparison(equal_world, client):
    client.force_login(equal_world.leader)
    response = client.get(URL, {"needs_group": "limited"})
    assert response.status_code == 200
    assert response.context["rows"] == []
    assert "Ingen sammenlignbare søknader" in response.content.decode()
    response = client.get(URL, {"band": "0-66"})
    assert response.context["rows"] == []
    response = client.get(URL, {"by": "district", "min_cases": "5"})
    assert [r["label"] for r in response.context["rows"]] == []  # nobody else to compare


def test_aggregate_readers_see_numbers_only_and_small_groups_suppressed(equal_world, client):
    w = equal_world
    tiny = caseworker(w, "ny", "Ny Kollega")
    for _ in range(3):
        application(w, tiny, granted=True)
    client.force_login(w.analyst)
    response = client.get(URL)
    assert response.status_code == 200
    rows = rows_by_label(response)
    # Every row has a count of 1–4: the newcomer 3 cases, the outlier 1 grant, each
    # colleague 3 refusals; so every row is hidden and nothing is flagged or linked.
    assert rows["Ny Kollega"]["hidden"] and rows["Ola Avviker"]["hidden"]
    assert rows["Kollega Nr1"]["hidden"]
    assert not any(r["flagged"] or r["url"] for r in rows.values())
    html = response.content.decode()
    assert "Skjult" in html and "badge warn" not in html
    assert "/nokkeltall/likebehandling/saker/" not in html
    assert client.get(reverse("insight:equal-treatment-cases")).status_code == 403


def test_bad_input_shows_norwegian_field_errors(equal_world, client):
    client.force_login(equal_world.leader)
    response = client.get(URL, {"min_cases": "mange", "from": "2025-99",
                                "needs_group": "stor", "service": "finnes-ikke"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "Oppgi et helt tall." in errors["min_cases"]
    assert "er ikke en måned" in errors["from"][0]
    assert "Ukjent behovsgruppe «stor»." in errors["needs_group"]
    assert "Ukjent tjeneste «finnes-ikke»." in errors["service"]
    response = client.get(URL, {"from": "2025-06", "to": "2025-01"})
    assert "Til-måneden er før fra-måneden" in response.context["form"].errors["to"][0]
    response = client.get(URL, {"by": "unit"})
    assert response.status_code == 200
    assert "Kan ikke sammenligne etter «unit»" in response.content.decode()


@pytest.mark.parametrize("role", ["caseworker", "staff", "unit_leader"])
def test_caseworker_and_provider_roles_get_403(equal_world, client, role):
    client.force_login(getattr(equal_world, role))
    assert client.get(URL).status_code == 403
    assert client.get(reverse("insight:equal-treatment-cases")).status_code == 403


def test_provider_staff_gets_403_on_all_three_pages(figures_world, client):
    client.force_login(figures_world.staff)
    for url in ("/nokkeltall/", URL, "/nokkeltall/forlop-andel/saker/?window=2025-01"):
        assert client.get(url).status_code == 403, url


def test_query_count_does_not_grow_with_applications(equal_world, client):
    w = equal_world
    client.force_login(w.leader)
    with CaptureQueriesContext(connection) as before:
        assert client.get(URL).status_code == 200
    for colleague in w.colleagues:
        for _ in range(5):
            application(w, colleague, granted=True, kin=True)
    with CaptureQueriesContext(connection) as after:
        assert client.get(URL).status_code == 200
    assert len(after) == len(before)
    assert len(before) <= 20  # applications: seven queries, whatever their number


# -- suppression for aggregate-only readers ----------------------------------------------------

def group(key, cases, granted):
    return GroupResult(key, cases, granted, expected=cases / 2, variance=cases / 4)


def test_a_row_with_one_to_four_grants_or_refusals_is_hidden():
    groups = [group("many", 10, 0), group("all", 10, 10), group("two-refused", 10, 8),
              group("one-granted", 10, 1), group("few", 4, 0)]
    assert hidden_groups(groups) == {"two-refused", "one-granted", "few"}


def test_one_hidden_group_hides_the_next_smallest_too():
    groups = [group("large", 30, 15), group("small", 20, 10), group("tiny", 3, 3)]
    assert hidden_groups(groups) == {"tiny", "small"}
    # Two hidden already: nothing more to hide.
    groups.append(group("tiny2", 2, 0))
    assert hidden_groups(groups) == {"tiny", "tiny2"}
    assert hidden_groups([group("large", 30, 15), group("medium", 20, 10)]) == set()


def test_summary_for_aggregate_readers_counts_shown_groups_only():
    groups = [group("a", 10, 5), group("b", 11, 5), group("c", 12, 12), group("d", 2, 0)]
    comparison = Comparison("caseworker", groups, 35, 1, 5, 2.0, 0)
    hidden = hidden_groups(groups)
    assert hidden == {"d", "a"}
    summary = comparison_summary(comparison, hidden, aggregate=True)
    assert summary["cases"] == 23 and round(summary["overall"], 1) == 73.9
    assert round(summary["spread"], 1) == 54.5  # 100 − 45,5; not 100 − 0 with "d"
    assert summary["show_overall"]
    readers_choice = Comparison("caseworker", groups, 35, 1, 1, 2.0, 0)  # min_cases=1
    full = comparison_summary(readers_choice, set(), aggregate=False)
    assert full["cases"] == 35 and full["spread"] == 100.0  # "d" (0 %) counts here
    # A lone group that is hidden: no totals at all.
    alone = Comparison("caseworker", [group("d", 2, 0)], 2, 1, 5, 2.0, 0)
    assert not comparison_summary(alone, hidden_groups(alone.groups), True)["show_overall"]


def test_involvement_hides_small_counts_and_their_shares():
    rows = [Involvement("grant", 22, 3, 0), Involvement("refusal", 4, 0, 0),
            Involvement("partial", 0, 0, 0), Involvement("grant", 20, 5, 10)]
    shown = involvement_rows(rows, aggregate=True)
    assert [(r["cases"], r["kin"], r["lawyer"]) for r in shown] == [
        (22, "Skjult", "0,0"), ("Skjult", "Skjult", "Skjult"), (0, "–", "–"),
        (20, "25,0", "50,0")]
    full = involvement_rows(rows, aggregate=False)
    assert [(r["cases"], r["kin"]) for r in full[:2]] == [(22, "13,6"), (4, "0,0")]


def test_analyst_with_min_cases_1_sees_no_trace_of_hidden_groups(world, client):
    w = build(world, east=0, east_pathways=0, west=0, west_pathways=0)
    plan = {"Anne Aa": (10, 5), "Bjørn Bø": (11, 5), "Cato Ce": (12, 12), "Dina De": (2, 0)}
    for n, (name, (cases, granted)) in enumerate(plan.items()):
        worker = caseworker(w, f"sb{n}", name)
        for i in range(cases):
            application(w, worker, granted=i < granted, kin=name == "Cato Ce" and i < 3)
    client.force_login(w.analyst)
    response = client.get(URL, {"min_cases": "1"})
    assert response.status_code == 200
    rows = rows_by_label(response)
    assert rows["Dina De"]["hidden"]  # 2 cases
    assert "cases" not in rows["Dina De"] and "rate" not in rows["Dina De"]
    assert rows["Anne Aa"]["hidden"]  # the next-smallest, so "Dina De" cannot be recovered
    assert not rows["Bjørn Bø"]["hidden"] and not rows["Cato Ce"]["hidden"]
    html = response.content.decode()
    assert "23 sammenlignbare søknader" in html and "35 sammenlignbare" not in html
    assert "Samlet innvilgelsesandel 73,9 %" in html  # 17 of 23
    assert "54,5 prosentpoeng" in html  # over the shown groups, not 100 with "Dina De"
    assert "minst 5 saker" in html  # min_cases is at least 5 for aggregate readers
    involvement = {r["outcome"]: r for r in response.context["involvement"]}
    assert involvement["Innvilget"]["cases"] == 22
    assert involvement["Innvilget"]["kin"] == "Skjult"  # 3 with next of kin
    assert involvement["Innvilget"]["lawyer"] == "0,0"
    # The office leader sees every group and the spread over all with min_cases.
    client.force_login(w.leader)
    response = client.get(URL, {"min_cases": "1"})
    assert not any(r["hidden"] for r in response.context["rows"])
    assert "100,0 prosentpoeng" in response.content.decode()


# -- input limits --------------------------------------------------------------------------------

def test_range_longer_than_20_years_or_beyond_2200_is_a_field_error(figures_world, client):
    client.force_login(figures_world.leader)
    response = client.get(URL, {"from": "1990-01", "to": "2020-01"})
    assert response.status_code == 200
    assert "comparison" not in response.context
    assert "20 år" in response.context["form"].errors["to"][0]
    response = client.get(URL, {"from": "2201-01", "to": "2201-02"})
    assert "from" in response.context["form"].errors
    assert "to" in response.context["form"].errors
    response = client.get(URL, {"from": "2190-01", "to": "2200-12"})
    assert not response.context["form"].errors


@pytest.mark.parametrize("value", ["²", "99999999999999999999999", "-1", "1.0", "١٢"])
def test_case_list_refuses_a_group_that_is_not_an_id(figures_world, client, value):
    client.force_login(figures_world.leader)
    response = client.get(reverse("insight:equal-treatment-cases"), {"group": value})
    assert response.status_code == 400
    assert "er ikke en gyldig gruppe" in response.content.decode()
