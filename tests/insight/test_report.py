"""The monthly key-figure report for the council committee (insight/report)."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from tildel.insight import report, services
from tildel.insight.facts import Scope
from tildel.rules.indicators.engine import Unit
from tildel.rules.indicators.periods import add_months

from .conftest import PATHWAY_MONTH, THIS_MONTH, month_key


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.mark.django_db
def test_report_is_a_pdf_with_the_month_districts_and_definitions(figures_world):
    w = figures_world
    pdf = report.build_monthly_report(Scope(w.municipality.pk), PATHWAY_MONTH)
    assert pdf.startswith(b"%PDF")
    text = text_of(pdf)
    month = report.month_name(PATHWAY_MONTH)
    assert f"Nøkkeltall for {month}" in text
    assert "Testkommune" in text
    assert "Øst" in text and "Vest" in text
    assert "Definisjoner og kilder" in text
    assert "Skjult" in text  # the 3 users in the west are hidden
    assert "Person0" not in text  # no names of persons


@pytest.mark.django_db
def test_report_html_has_charts_and_suppresses_even_unsuppressed_figures(figures_world):
    w = figures_world
    request = report.request_for(PATHWAY_MONTH, "forlop-andel,innen-frist")
    figures = services.compute(Scope(w.municipality.pk), request, aggregate=False)
    html = report.report_html(figures, w.municipality)
    assert html.count("<svg") == 2
    assert "Skjult" in html  # west: 1 of 3 in a pathway, and east with it
    assert "60,0" not in html  # east: 6 of 10, hidden so the total cannot reveal west
    assert "53,8" in html  # the whole municipality: 7 of 13


@pytest.mark.django_db
def test_report_response_for_management_and_refusal_for_provider_leader(figures_world):
    w = figures_world
    response = report.report_response(w.management, month_key(PATHWAY_MONTH))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="nokkeltall-1103-{month_key(PATHWAY_MONTH)}.pdf"')
    assert response.content.startswith(b"%PDF")
    with pytest.raises(services.InsightError) as error:
        report.report_response(w.unit_leader, PATHWAY_MONTH)
    assert error.value.status == 403
    with pytest.raises(services.InsightError, match="ikke en måned"):
        report.report_response(w.management, "2024-13")


@pytest.mark.django_db
def test_command_writes_the_report(figures_world, tmp_path):
    path = tmp_path / "rapport.pdf"
    err = io.StringIO()
    call_command("figures", "--monthly-report", month_key(PATHWAY_MONTH), "--out", str(path),
                 "--indicators", "forlop-andel", stdout=io.StringIO(), stderr=err)
    assert path.read_bytes().startswith(b"%PDF")
    assert "skrevet til" in err.getvalue()


def test_numbers_are_norwegian():
    assert report.number(Unit.PERCENT, 1234.56) == "1\u00a0234,6"
    assert report.number(Unit.COUNT, -3) == "−3"
    assert report.number(Unit.PERCENT, -0.01) == "0,0"


# -- the PDF from the web (/nokkeltall/rapport.pdf) --------------------------------------------

REPORT_URL = "/nokkeltall/rapport.pdf"


@pytest.mark.django_db
def test_management_downloads_the_monthly_pdf_for_the_last_whole_month(figures_world, client):
    assert reverse("insight:monthly-report") == REPORT_URL
    client.force_login(figures_world.management)
    response = client.get(REPORT_URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    last_month = add_months(THIS_MONTH, -1)
    assert f'-{month_key(last_month)}.pdf"' in response["Content-Disposition"]


@pytest.mark.django_db
@pytest.mark.parametrize("month", ["garbage", "2024-13", "1900-01", "²"])
def test_a_bad_month_is_400_with_a_norwegian_message(figures_world, client, month):
    client.force_login(figures_world.management)
    response = client.get(REPORT_URL, {"month": month})
    assert response.status_code == 400
    assert "ikke en måned" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["staff", "unit_leader"])
def test_provider_roles_get_403(figures_world, client, role):
    client.force_login(getattr(figures_world, role))
    assert client.get(REPORT_URL, {"month": month_key(PATHWAY_MONTH)}).status_code == 403


@pytest.mark.django_db
def test_a_pdf_that_cannot_be_made_is_a_message_not_a_500(figures_world, client, monkeypatch):
    def broken(*args, **kwargs):
        raise report.ReportError("Rapporten kunne ikke lages som PDF.", status=500)

    monkeypatch.setattr(report, "build_monthly_report", broken)
    client.force_login(figures_world.management)
    response = client.get(REPORT_URL)
    assert response.status_code == 503
    assert "Rapporten kunne ikke lages som PDF." in response.content.decode()


@pytest.mark.django_db
def test_dashboard_links_the_pdf_for_readers_by_district_only(figures_world, client):
    w = figures_world
    for user in (w.management, w.caseworker):
        client.force_login(user)
        html = client.get("/nokkeltall/", {"to": month_key(PATHWAY_MONTH)}).content.decode()
        assert "Månedsrapport (PDF)" in html
        assert f'href="{REPORT_URL}?month={month_key(PATHWAY_MONTH)}"' in html
    client.force_login(w.unit_leader)
    assert "Månedsrapport (PDF)" not in client.get("/nokkeltall/").content.decode()


@pytest.mark.django_db
def test_report_rows_do_not_use_figures_groups(figures_world, monkeypatch):
    def slow(self, code):
        raise AssertionError("Figures.groups searches a list per value")

    w = figures_world
    figures = services.compute(Scope(w.municipality.pk), report.request_for(
        PATHWAY_MONTH, "forlop-andel"), aggregate=True)
    monkeypatch.setattr(services.Figures, "groups", slow)
    rows = report.indicator_rows(figures, figures.request.indicators[0], PATHWAY_MONTH)
    assert [r["label"] for r in rows] == ["Hele kommunen", "Vest", "Øst"]
