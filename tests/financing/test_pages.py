"""The simulator, the stored budgets and budget against accounts, as management sees them."""

import datetime as dt
import io
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from tildel.accounts.models import Role
from tildel.financing import services
from tildel.financing.models import AccountEntry

YEAR = 2025
LONG_AGO = dt.date(2024, 6, 1)


@pytest.fixture
def finance(world, client):
    w = world
    for hours in (D(12), D(17), D(19), D(25)):
        w.grant(w.person(), w.east_unit, hours=hours, start=LONG_AGO)
    w.grant(w.person(w.west), w.west_unit, hours=D(45), start=LONG_AGO)
    w.boss = w.user(Role.MANAGEMENT, username="ledelse")
    client.force_login(w.boss)
    return w


def page(client, **params):
    query = {"year": YEAR, **params}
    return client.get("/finansiering/", query)


def test_lowering_the_level_1_edge_to_15_hours_shows_each_unit_change(finance, client):
    """The issue's walk-through: edge 20 → 15 h moves east's 17 h and 19 h users to level 1,
    each worth (30 − 3.56) × 799 × 12 = 253 506,72 kr more in the user part."""
    response = page(client, edge_1="15")
    assert response.status_code == 200
    simulation = response.context["simulation"]
    east = next(r for r in simulation.rows if r.unit == finance.east_unit.name)
    west = next(r for r in simulation.rows if r.unit == finance.west_unit.name)
    assert round(east.difference * (1 - D("0.26")), 2) == 2 * D("253506.72")
    assert west.difference == 0
    html = response.content.decode()
    assert "Grensene mellom nivå 1 og 4 står ikke i rapporten" in html
    assert "budget-chart-data" in html
    near = page(client).context["simulation"].near[finance.east_unit.name][0]
    assert (near.below, near.above) == (1, 0)  # 19 h is within 2 h below the 20 h edge


def test_overlapping_bands_get_a_field_message_and_nothing_is_computed(finance, client):
    response = page(client, edge_2="10")
    assert response.status_code == 200
    assert response.context["simulation"] is None
    assert "båndene kan ikke overlappe" in response.content.decode()
    response = page(client, rate="mange")
    assert "Oppgi et tall" in response.content.decode() or "tall" in str(
        response.context["form"].errors["rate"])


def test_compare_two_models_and_export_to_excel(finance, client):
    response = client.get("/finansiering/simulering.xlsx",
                          {"year": YEAR, "model": "levels", "compare": "frame"})
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    values = [row for sheet in workbook for row in sheet.iter_rows(values_only=True)]
    names = {cell for row in values for cell in row if isinstance(cell, str)}
    assert finance.east_unit.name in names
    page_response = page(client, compare="frame")
    columns = page_response.context["simulation"].columns
    assert len(columns) == 3
    # The frame model splits the levels total by users: same sum, another split.
    assert columns[2].budget.total == pytest.approx(columns[1].budget.total, abs=1)


def test_simulator_query_count_does_not_grow_with_users(finance, client):
    with CaptureQueriesContext(connection) as few:
        page(client)
    for i in range(20):
        finance.grant(finance.person(birth=dt.date(1945, 1, 1) + dt.timedelta(days=i)),
                      finance.east_unit, hours=D(30), start=LONG_AGO)
    with CaptureQueriesContext(connection) as many:
        page(client)
    assert len(many) == len(few) <= 20


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.PROVIDER_STAFF])
def test_simulator_is_for_management_and_analysts(world, client, role):
    user = world.user(role, office=world.east_office if role == Role.CASEWORKER else None,
                      unit=world.east_unit if role == Role.PROVIDER_STAFF else None)
    client.force_login(user)
    assert client.get("/finansiering/").status_code == 403
    assert client.get("/finansiering/regnskap/").status_code == 403


def test_accounts_import_and_budget_against_accounts(finance, client):
    services.run_budget(finance.municipality, "levels", YEAR)
    good = (f"unit;month;amount;function\n{finance.east_unit.name};{YEAR}-01;90000,50;254\n"
            f"{finance.east_unit.name};{YEAR}-02;80000;254\n").encode()
    upload = io.BytesIO(good)
    upload.name = "regnskap.csv"
    response = client.post("/finansiering/regnskap/", {"file": upload}, follow=True)
    assert response.status_code == 200
    assert AccountEntry.objects.count() == 2
    response = client.get("/finansiering/regnskap/", {"aar": YEAR})
    table = response.context["table"]
    east = next(t for t in table.units if t.unit == finance.east_unit)
    january = east.months[0]
    assert january.accounts == D("90000.50")
    assert january.deviation == D("90000.50") - january.budget
    assert january.users == 4
    assert january.hours == D("73.0")
    # Rerun with a corrected January: replaced, not added.
    upload = io.BytesIO(good.replace(b"90000,50", b"95000"))
    upload.name = "regnskap.csv"
    client.post("/finansiering/regnskap/", {"file": upload})
    assert AccountEntry.objects.count() == 2
    assert AccountEntry.objects.get(month=dt.date(YEAR, 1, 1)).amount == 95000


def test_accounts_file_with_errors_names_row_and_column_and_imports_nothing(finance, client):
    bad = (f"unit;month;amount;function\n{finance.east_unit.name};{YEAR}-13;1;254\n"
           f"Ukjent enhet;{YEAR}-01;1;254\n{finance.east_unit.name};{YEAR}-02;tusen;254\n"
           f"{finance.east_unit.name};{YEAR}-02;1;999\n").encode()
    upload = io.BytesIO(bad)
    upload.name = "regnskap.csv"
    response = client.post("/finansiering/regnskap/", {"file": upload})
    assert response.status_code == 400
    text = response.content.decode()
    assert "rad 2, kolonne month" in text
    assert "rad 3, kolonne unit" in text
    assert "rad 4, kolonne amount" in text
    assert "rad 5, kolonne function" in text
    assert AccountEntry.objects.count() == 0


def test_provider_leader_sees_only_the_own_unit(finance, client):
    leader = finance.user(Role.PROVIDER_LEADER, unit=finance.west_unit)
    services.run_budget(finance.municipality, "levels", YEAR)
    client.force_login(leader)
    response = client.get("/finansiering/regnskap/", {"aar": YEAR})
    assert [t.unit for t in response.context["table"].units] == [finance.west_unit]
    budget = services.latest(finance.municipality, "levels", YEAR)
    response = client.get(f"/finansiering/budsjetter/{budget.pk}/")
    assert [u.provider_unit for u in response.context["units"]] == [finance.west_unit]
    book = load_workbook(io.BytesIO(client.get(
        f"/finansiering/budsjetter/{budget.pk}/budsjett.xlsx").content))
    names = {row[0] for row in book["Sammenligning"].iter_rows(values_only=True)}
    assert finance.west_unit.name in names and finance.east_unit.name not in names
    upload = io.BytesIO(b"unit;month;amount;function\n")
    upload.name = "x.csv"
    assert client.post("/finansiering/regnskap/", {"file": upload}).status_code == 403


def test_budget_detail_shows_the_review_reasons(finance, client):
    services.run_budget(finance.municipality, "levels", YEAR)
    finance.grant(finance.person(), finance.east_unit, hours=D(22),
                  start=dt.date(YEAR, 3, 1))
    stored, review = services.run_budget(finance.municipality, "levels", YEAR, 2)
    assert review is not None
    html = client.get(f"/finansiering/budsjetter/{stored.pk}/").content.decode()
    assert "1 ny bruker på nivå 1" in html
    listing = client.get("/finansiering/budsjetter/").content.decode()
    assert "T2 v2" in listing


def test_budget_and_accounts_pages_cost_the_same_queries_for_more_users(finance, client):
    services.run_budget(finance.municipality, "levels", YEAR)
    budget = services.latest(finance.municipality, "levels", YEAR)
    pages = ["/finansiering/regnskap/?aar=2025", f"/finansiering/budsjetter/{budget.pk}/",
             "/finansiering/budsjetter/"]
    counts = []
    for _ in range(2):
        row = []
        for url in pages:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            row.append(len(queries))
        counts.append(row)
        for i in range(15):
            born = dt.date(1950, 1, 1) + dt.timedelta(days=i + 20 * len(counts))
            finance.grant(finance.person(birth=born), finance.east_unit, hours=D(30),
                          start=LONG_AGO)
    assert counts[0] == counts[1]
    assert max(counts[0]) <= 15


def test_budget_and_accounts_as_excel(finance, client):
    stored, _ = services.run_budget(finance.municipality, "levels", YEAR)
    AccountEntry.objects.create(provider_unit=finance.east_unit, month=dt.date(YEAR, 1, 1),
                                kostra_function="254", amount=D(1000))
    book = load_workbook(io.BytesIO(client.get(
        f"/finansiering/budsjetter/{stored.pk}/budsjett.xlsx").content))
    names = {row[0] for row in book["Sammenligning"].iter_rows(values_only=True)}
    assert {finance.east_unit.name, finance.west_unit.name, "Sum"} <= names
    sheet = load_workbook(io.BytesIO(client.get(
        "/finansiering/regnskap.xlsx", {"aar": YEAR}).content)).active
    rows = list(sheet.iter_rows(values_only=True))
    january = next(r for r in rows if r[0] == finance.east_unit.name and r[1] == f"{YEAR}-01")
    assert january[3] == 1000 and january[5] == 4


def test_absurd_numbers_get_field_messages_not_a_crash(finance, client):
    for params in ({"rate": "1E+30"}, {"frame": "1E+40"}, {"base_hours": "1E+25"}):
        response = page(client, **params)
        assert response.status_code == 200
        assert response.context["simulation"] is None


def test_accounts_amounts_that_are_not_money_are_refused(finance, client):
    bad = (f"unit;month;amount;function\n{finance.east_unit.name};{YEAR}-01;NaN;254\n"
           f"{finance.east_unit.name};{YEAR}-02;123456789012345;254\n").encode()
    upload = io.BytesIO(bad)
    upload.name = "regnskap.csv"
    text = client.post("/finansiering/regnskap/", {"file": upload}).content.decode()
    assert "rad 2, kolonne amount" in text and "rad 3, kolonne amount" in text
    assert AccountEntry.objects.count() == 0
