"""Stored key figures (insight.store, ADR 0012): the nightly run gives the same numbers as
computing from the cases, is served only when it is today's and only to whole-municipality
readers, resumes after an interruption, and never bypasses suppression."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tildel.casework.models import Case
from tildel.demo.generator import generate
from tildel.insight import services, store
from tildel.insight.facts import Scope, load
from tildel.insight.models import FigureRun, FigureSheet
from tildel.organisation.models import Municipality
from tildel.pathways.models import Pathway
from tildel.rules import indicators as ind
from tildel.rules.indicators.engine import without_empty_groups
from tildel.rules.indicators.periods import add_months

from .conftest import PATHWAY_MONTH, month_key

URL = "/nokkeltall/"
SHEETS_PER_RUN = len(ind.INDICATORS) * len(store.STORED_PERIODS) * len(ind.GROUPINGS)


def _plain(value: ind.Value) -> tuple:
    return (value.window.key, value.group, value.category, value.numerator_count,
            value.denominator_count, value.status, value.numerator, value.denominator,
            value.value)


def _same(stored: list[ind.Value], live: list[ind.Value]) -> None:
    assert [_plain(v)[:6] for v in stored] == [_plain(v)[:6] for v in live]
    for a, b in zip(stored, live, strict=True):
        for x, y in zip(_plain(a)[6:], _plain(b)[6:], strict=True):
            assert (x is None) == (y is None), (a.code, a.window.key, a.group)
            if x is not None:
                assert x == pytest.approx(y, rel=1e-9, abs=1e-9), (a.code, a.window.key,
                                                                   a.group)


@pytest.mark.slow
@pytest.mark.django_db
def test_stored_figures_equal_the_figures_computed_from_the_cases():
    """Every indicator, period kind and grouping of the small demo: the stored value of a
    request inside the run equals the value computed now from the cases for that request."""
    generate(size="small", seed=5)
    municipality = Municipality.objects.get()
    run = store.refresh(municipality)
    assert run.sheets.count() == SHEETS_PER_RUN
    scope = Scope(municipality.pk)
    this_month = timezone.localdate().replace(day=1)
    requests = {"month": (add_months(this_month, -23), this_month),
                "tertial": (add_months(this_month, -30), this_month),
                "year": (dt.date(this_month.year - 4, 1, 1), this_month)}
    compared = 0
    for kind, (first, last) in requests.items():
        windows = ind.windows(first, last, kind)
        facts = load(Scope(municipality.pk), {t for i in ind.INDICATORS for t in i.tables},
                     windows[0].start, windows[-1].end)
        found = store.stored(scope, ind.INDICATORS, windows, kind, "district")
        assert found is not None
        for by in ind.GROUPINGS:
            stored, _ = store.stored(scope, ind.INDICATORS, windows, kind, by)
            for indicator in ind.INDICATORS:
                live = without_empty_groups(ind.evaluate(indicator, facts, windows, by))
                _same(without_empty_groups(stored[indicator.code]), live)
                compared += len(live)
    assert compared > 10_000
    # Through services.compute as readers get them (suppressed, empty groups left out), for
    # requests that start and end inside a tertial or year.
    for kind, first, last in (("tertial", add_months(this_month, -13), this_month),
                              ("year", add_months(this_month, -20), add_months(this_month,
                                                                                -3))):
        request = services.parse_request(None, f"{first:%Y-%m}", f"{last:%Y-%m}", kind,
                                         "unit")
        stored = services.compute(scope, request, aggregate=True)
        fresh = services.compute(scope, request, aggregate=True, fresh=True)
        assert stored.stored and not fresh.stored
        for indicator in ind.INDICATORS:
            _same(stored.values[indicator.code], fresh.values[indicator.code])


@pytest.fixture
def stored_world(figures_world):
    municipality = Municipality.objects.get()
    figures_world.run = store.refresh(municipality)
    return figures_world


def _pathway_share(response) -> dict[str, float | None]:
    figures = response.context["figures"]
    values = figures.values["forlop-andel"]
    return {figures.label(v.group): v.value for v in values
            if v.window.key == month_key(PATHWAY_MONTH)}


def test_management_reads_todays_run_and_can_ask_for_todays_data(stored_world, client):
    w = stored_world
    client.force_login(w.management)
    before = _pathway_share(client.get(URL))
    assert before["Hele kommunen"] == pytest.approx(7 / 13 * 100)
    # A pathway registered after the run: the stored figure stays until the next run …
    person = w.west_persons[2]
    case = Case.objects.create(allocation_office=w.west_office, person=person,
                               subject="Forløp 1")
    Pathway.objects.create(case=case, person=person, provider_unit=w.west_unit, code=1,
                           start=PATHWAY_MONTH, deadline=PATHWAY_MONTH.replace(day=14))
    response = client.get(URL)
    html = response.content.decode()
    assert response.context["figures"].stored
    assert "Tallene er fra beregningen" in html and "fersk=1" in html
    assert _pathway_share(response)["Hele kommunen"] == pytest.approx(7 / 13 * 100)
    # … and "Beregn med dagens data" counts it now.
    fresh = client.get(URL, {"fersk": "1"})
    assert not fresh.context["figures"].stored
    assert _pathway_share(fresh)["Hele kommunen"] == pytest.approx(8 / 13 * 100)
    assert "Tallene er fra beregningen" not in fresh.content.decode()


def test_stored_figures_are_suppressed_for_analysts_as_live_ones(stored_world, client):
    client.force_login(stored_world.analyst)
    response = client.get(URL, {"from": month_key(PATHWAY_MONTH),
                                "to": month_key(PATHWAY_MONTH)})
    assert response.context["figures"].stored
    shares = _pathway_share(response)
    assert shares["Vest"] is None  # 1 of 3 persons: hidden
    assert shares["Øst"] is None  # the complement that would give Vest back
    assert shares["Hele kommunen"] == pytest.approx(7 / 13 * 100)


def test_office_readers_and_whole_period_ranges_are_computed_from_the_cases(stored_world,
                                                                            client):
    client.force_login(stored_world.leader)
    assert not client.get(URL).context["figures"].stored  # scope: the office's districts
    client.force_login(stored_world.management)
    response = client.get(URL, {"period": "range"})
    assert response.status_code == 200 and not response.context["figures"].stored


def test_a_run_from_yesterday_is_not_served(stored_world, client):
    tomorrow = timezone.localtime() + dt.timedelta(days=1)
    with time_machine.travel(tomorrow.replace(hour=9), tick=False):
        client.force_login(stored_world.management)
        response = client.get(URL)
    assert response.status_code == 200 and not response.context["figures"].stored


def test_a_request_before_the_stored_years_is_computed_from_the_cases(stored_world):
    scope = Scope(Municipality.objects.get().pk)
    first = dt.date(timezone.localdate().year - store.YEARS_BACK - 1, 12, 1)
    windows = ind.windows(first, add_months(first, 2), "month")
    assert store.stored(scope, (ind.get("forlop-andel"),), windows, "month", "district") is None


def test_stored_dashboard_costs_few_queries_whatever_the_data(stored_world, client):
    client.force_login(stored_world.management)
    client.get(URL)
    with CaptureQueriesContext(connection) as first:
        client.get(URL)
    from .conftest import add_users
    w = stored_world
    add_users(w, w.east, w.east_unit, 20, 10, w.east_office)
    store.refresh(Municipality.objects.get())
    with CaptureQueriesContext(connection) as second:
        response = client.get(URL)
    assert response.context["figures"].stored
    assert len(second) == len(first) <= 12


def test_an_interrupted_run_resumes_and_replaces_the_old_one(stored_world, monkeypatch):
    municipality = Municipality.objects.get()
    old = stored_world.run
    calls = []
    real = ind.evaluate_groupings

    def failing(*args, **kwargs):
        calls.append(args[0].code)
        if len(calls) == 5:
            raise RuntimeError("the process was stopped")
        return real(*args, **kwargs)

    monkeypatch.setattr(ind, "evaluate_groupings", failing)
    with pytest.raises(RuntimeError):
        store.refresh(municipality)
    unfinished = FigureRun.objects.get(finished_at__isnull=True)
    assert unfinished.sheets.count() == 4 * len(ind.GROUPINGS)
    # The old run is still the one served while the new one is unfinished.
    assert store.latest_run(municipality.pk) == old
    calls.clear()
    monkeypatch.setattr(ind, "evaluate_groupings", real)
    run = store.refresh(municipality)
    assert run.pk == unfinished.pk and run.finished_at is not None
    assert list(FigureRun.objects.values_list("pk", flat=True)) == [run.pk]
    assert FigureSheet.objects.count() == SHEETS_PER_RUN


def test_refresh_command_reports_what_it_stored(figures_world, capsys):
    call_command("figures", "--refresh")
    err = capsys.readouterr().err
    assert "nøkkeltall for" in err and f"{SHEETS_PER_RUN} tabeller" in err
    assert FigureRun.objects.get().finished_at is not None
    with pytest.raises(CommandError, match="kan ikke kombineres med --from"):
        call_command("figures", "--refresh", "--from", "2024-01")
    with pytest.raises(CommandError, match="kan ikke kombineres med --fresh, --by"):
        call_command("figures", "--refresh", "--fresh", "--by", "unit")


def test_a_second_refresh_while_one_runs_is_refused(figures_world):
    municipality = Municipality.objects.get()
    FigureRun.objects.create(municipality=municipality, started_at=timezone.now(),
                             heartbeat=timezone.now(),
                             first_month=store.span_for(timezone.localdate())[0],
                             last_month=timezone.localdate().replace(day=1),
                             covers_last=timezone.localdate(),
                             fingerprint=store.fingerprint())
    with pytest.raises(CommandError, match="pågår allerede"):
        call_command("figures", "--refresh")


def test_a_run_made_by_other_indicator_code_is_not_served(stored_world, client):
    FigureRun.objects.update(fingerprint="made-by-yesterdays-code")
    client.force_login(stored_world.management)
    response = client.get(URL)
    assert response.status_code == 200 and not response.context["figures"].stored


def test_figures_command_reads_the_run_unless_fresh(stored_world, capsys):
    import json

    Pathway.objects.filter(person__in=stored_world.east_persons).delete()
    month = month_key(PATHWAY_MONTH)
    call_command("figures", "--from", month, "--to", month, "--indicators", "forlop-andel",
                 "--format", "json")
    stored = json.loads(capsys.readouterr().out)
    call_command("figures", "--from", month, "--to", month, "--indicators", "forlop-andel",
                 "--format", "json", "--fresh")
    fresh = json.loads(capsys.readouterr().out)

    def total(document):
        return next(v["value"] for v in document["indicators"][0]["values"]
                    if v["group_label"] == "Hele kommunen")

    assert stored["stored"] and not fresh["stored"]
    assert total(stored) == pytest.approx(7 / 13 * 100, abs=0.05)  # one decimal
    assert total(fresh) == pytest.approx(1 / 13 * 100, abs=0.05)  # only West's pathway is left


def test_api_says_whether_figures_are_stored_and_computes_fresh_on_request(stored_world,
                                                                           client):
    client.force_login(stored_world.management)
    month = month_key(PATHWAY_MONTH)
    query = {"indicators": "forlop-andel", "from": month, "to": month}
    assert client.get("/api/v1/figures/", query).json()["stored"] is True
    fresh = client.get("/api/v1/figures/", {**query, "fresh": "true"})
    assert fresh.status_code == 200 and fresh.json()["stored"] is False
