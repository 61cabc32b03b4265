"""The monthly key-figure report for the council committee (månedsrapport), as PDF.

One month, compared with the same month the year before, per district; a line chart of
the last 12 months for the headline indicators; definitions and sources at the end. The
committee sees aggregates only, so counts of 1–4 are always suppressed (also when the
caller computed without suppression).

Tables: an indicator without categories gets a row for the whole municipality and one per
district; an indicator split into categories (outcomes, levels, services) gets a row per
category for the whole municipality only, so a table stays short.

Rendered like the letters (``letters.pdf``): WeasyPrint, PDF/A-2b, the system's DejaVu
Sans, inline CSS and inline SVG; nothing is fetched.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from weasyprint import HTML, URLFetcher

from tildel.organisation.models import Municipality
from tildel.rules.indicators.engine import (
    TOTAL,
    Indicator,
    Status,
    Unit,
    Value,
    change,
    suppress,
)
from tildel.rules.indicators.periods import MONTH_NAMES, PeriodError, add_months, parse_month

from . import services
from .exports import DECIMALS, SUPPRESSION_NOTE, cell_text, number_text
from .facts import Scope

log = logging.getLogger(__name__)

PDF_VARIANT = "pdf/a-2b"
HEADLINE = ("forlop-andel", "saksbehandlingstid", "innen-frist", "timer-per-bruker-mnd")
MONTHS = ["januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september",
          "oktober", "november", "desember"]
CHART_MONTHS = 12
PERCENT_UNITS = (Unit.PERCENT,)


class ReportError(services.InsightError):
    """The PDF could not be made (message in Norwegian)."""


def month_name(month: dt.date) -> str:
    return f"{MONTHS[month.month - 1]} {month.year}"


def as_month(month: dt.date | str) -> dt.date:
    """A date or "YYYY-MM" as the first day of its month (InsightError if neither)."""
    if isinstance(month, dt.date):
        return month.replace(day=1)
    try:
        return parse_month(month)
    except PeriodError as error:
        raise services.InsightError(str(error), "month") from None


def request_for(month: dt.date, codes=None) -> services.FigureRequest:
    """Monthly figures per district from the same month last year to ``month``."""
    return services.parse_request(codes, f"{add_months(month, -12):%Y-%m}", f"{month:%Y-%m}",
                                  "month", "district")


# -- numbers as text ---------------------------------------------------------------------------

def number(unit: Unit, value: float | None, decimals: int | None = None) -> str:
    """Norwegian notation: decimal comma, a space between thousands."""
    if value is None:
        return ""
    return number_text(value, DECIMALS.get(unit, 2) if decimals is None else decimals)


def shown(value: Value | None) -> str:
    if value is None:
        return "Ingen data"
    if value.status is not Status.OK:
        return cell_text(value)
    return number(value.indicator.unit, value.value)


def change_text(before: Value | None, after: Value | None) -> str:
    if before is None or after is None or after.status is not Status.OK:
        return ""
    difference, percent = change(before, after)
    if difference is None:
        return ""
    text = number(after.indicator.unit, difference)
    if difference > 0 and text.strip("0,"):
        text = "+" + text
    if after.indicator.unit in PERCENT_UNITS:
        return f"{text} p.p."
    if percent is not None:
        share = number(Unit.PERCENT, percent, 0)
        sign = "+" if percent > 0 and share != "0" else ""
        text += f" ({sign}{share} %)"
    return text


def unit_text(indicator: Indicator) -> str:
    """The unit after a name, unless the name says it already."""
    label = indicator.unit.label
    if indicator.unit is Unit.COUNT or label.lower() in indicator.name.lower():
        return ""
    return label


# -- tables ------------------------------------------------------------------------------------

def _index(values: list[Value]) -> dict[tuple, Value]:
    return {(v.window.key, v.group, v.category): v for v in values}


def _groups(figures: services.Figures, code: str) -> list:
    # One pass in first-seen order (Figures.groups searches a list for every value).
    others = [g for g in dict.fromkeys(v.group for v in figures.values[code]) if g != TOTAL]
    return [TOTAL, *sorted(others, key=lambda g: (g is None, figures.label(g)))]


def indicator_rows(figures: services.Figures, indicator: Indicator, month: dt.date) -> list[dict]:
    values = figures.values[indicator.code]
    index = _index(values)
    now, before = f"{month:%Y-%m}", f"{add_months(month, -12):%Y-%m}"
    categories = list(dict.fromkeys(v.category for v in values))
    if categories != [None]:
        keys = [(TOTAL, c, figures.category_label(indicator, c)) for c in categories]
    else:
        keys = [(g, None, figures.label(g)) for g in _groups(figures, indicator.code)]
    rows = []
    for group, category, label in keys:
        this, last = index.get((now, group, category)), index.get((before, group, category))
        rows.append({"label": label, "total": group == TOTAL and category is None,
                     "now": shown(this), "before": shown(last),
                     "change": change_text(last, this)})
    return rows


def topics(figures: services.Figures, month: dt.date) -> list[dict]:
    result: dict[str, list] = {}
    for indicator in figures.request.indicators:
        result.setdefault(indicator.topic or "Annet", []).append({
            "indicator": indicator, "unit": unit_text(indicator),
            "rows": indicator_rows(figures, indicator, month)})
    return [{"name": name, "indicators": items} for name, items in result.items()]


# -- charts ------------------------------------------------------------------------------------

def _nice_max(top: float) -> float:
    if top <= 0:
        return 1.0
    step = 10 ** (len(str(int(top))) - 1)
    for factor in (1, 2, 2.5, 5, 10):
        if step * factor >= top:
            return float(step * factor)
    return float(step * 10)


def line_chart(indicator: Indicator, points: list[tuple[str, float | None]]) -> str:
    """A small server-rendered SVG line chart; a missing month breaks the line."""
    width, height, left, right, top, bottom = 500, 170, 46, 12, 14, 30
    plot_w, plot_h = width - left - right, height - top - bottom
    known = [v for _, v in points if v is not None]
    ceiling = _nice_max(max(known) * 1.05) if known else 1.0
    if indicator.unit is Unit.PERCENT:
        ceiling = min(ceiling, 100.0) if known and max(known) <= 100 else ceiling
    step = plot_w / max(1, len(points) - 1)

    def x(i: int) -> float:
        return left + i * step

    def y(v: float) -> float:
        return top + plot_h - (v / ceiling) * plot_h

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" role="img">']
    for fraction in (0, 0.5, 1):
        level = ceiling * fraction
        parts.append(f'<line x1="{left}" y1="{y(level):.1f}" x2="{width - right}" '
                     f'y2="{y(level):.1f}" stroke="#cccccc" stroke-width="0.7"/>')
        parts.append(f'<text x="{left - 5}" y="{y(level) + 3:.1f}" text-anchor="end" '
                     f'font-size="9">{number(indicator.unit, level)}</text>')
    for i, (label, _) in enumerate(points):
        parts.append(f'<text x="{x(i):.1f}" y="{height - 12}" text-anchor="middle" '
                     f'font-size="9">{label}</text>')
    segment: list[str] = []
    segments = []
    for i, (_, v) in enumerate(points):
        if v is None:
            if segment:
                segments.append(segment)
            segment = []
        else:
            segment.append(f"{x(i):.1f},{y(v):.1f}")
    if segment:
        segments.append(segment)
    for seg in segments:
        if len(seg) > 1:
            parts.append(f'<polyline points="{" ".join(seg)}" fill="none" stroke="#1f5f8b" '
                         f'stroke-width="2"/>')
    for i, (_, v) in enumerate(points):
        if v is not None:
            parts.append(f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="2.6" fill="#1f5f8b"/>')
    last = [(i, v) for i, (_, v) in enumerate(points) if v is not None]
    if last:
        i, v = last[-1]
        parts.append(f'<text x="{x(i) - 4:.1f}" y="{y(v) - 6:.1f}" text-anchor="end" '
                     f'font-size="10" font-weight="bold">{number(indicator.unit, v)}</text>')
    if not known:
        parts.append(f'<text x="{left + plot_w / 2:.1f}" y="{top + plot_h / 2:.1f}" '
                     f'text-anchor="middle" font-size="11">Ingen tall å vise</text>')
    parts.append("</svg>")
    return "".join(parts)


def charts(figures: services.Figures, month: dt.date) -> list[dict]:
    result = []
    for code in HEADLINE:
        if code not in figures.values:
            continue
        indicator = next(i for i in figures.request.indicators if i.code == code)
        index = _index(figures.values[code])
        category = indicator.categories[0][0] if indicator.categories else None
        points = []
        for back in range(CHART_MONTHS - 1, -1, -1):
            day = add_months(month, -back)
            value = index.get((f"{day:%Y-%m}", TOTAL, category))
            ok = value is not None and value.status is Status.OK
            label = MONTH_NAMES[day.month - 1] + (f" {day:%y}" if day.month == 1 else "")
            points.append((label, value.value if ok else None))
        title = indicator.name
        if category is not None:
            title += f", {figures.category_label(indicator, category).lower()}"
        result.append({"indicator": indicator, "title": title, "unit": unit_text(indicator),
                       "svg": mark_safe(line_chart(indicator, points))})  # noqa: S308
    return result


# -- the report --------------------------------------------------------------------------------

def _suppressed(figures: services.Figures) -> services.Figures:
    if figures.aggregate_only:
        return figures
    values = {code: suppress(vs) for code, vs in figures.values.items()}
    return services.Figures(figures.request, values, figures.group_labels,
                            figures.category_labels, True, figures.covers,
                            figures.computed_at)


def report_html(figures: services.Figures, municipality: Municipality, *,
                note: str = "") -> str:
    figures = _suppressed(figures)
    month = figures.request.last.replace(day=1)
    first, last = figures.covers
    context = {
        "title": f"Nøkkeltall for {month_name(month)}",
        "municipality": municipality,
        "month": month_name(month),
        "last_year": month_name(add_months(month, -12)),
        "note": note,
        "topics": topics(figures, month),
        "charts": charts(figures, month),
        "indicators": figures.request.indicators,
        "suppression": SUPPRESSION_NOTE,
        "computed_at": timezone.localtime(figures.computed_at).strftime("%d.%m.%Y kl. %H.%M"),
        "covers": f"{first:%d.%m.%Y}–{last:%d.%m.%Y}",
    }
    return render_to_string("insight/monthly_report.html", context)


def monthly_report(figures: services.Figures, municipality: Municipality, *,
                   note: str = "") -> bytes:
    """The report as PDF bytes. ``figures``: monthly values per district from the same
    month last year to the report month (``request_for``); the last month is the report's.
    """
    html = report_html(figures, municipality, note=note)
    try:
        fetcher = URLFetcher(allowed_protocols=["data"])
        return HTML(string=html, base_url=None, url_fetcher=fetcher).write_pdf(
            pdf_variant=PDF_VARIANT)
    except Exception as error:  # WeasyPrint raises many kinds; none may escape as a 500.
        log.exception("Monthly report rendering failed")
        raise ReportError("Rapporten kunne ikke lages som PDF.", status=500) from error


def scope_note(scope: Scope) -> str:
    if scope.unit_id is not None:
        return "Utdrag: bare brukerne til én tjenesteenhet."
    if scope.district_ids is not None:
        return "Utdrag: bare distriktene brukeren har tilgang til."
    return ""


def build_monthly_report(scope: Scope, month: dt.date | str, codes=None,
                         progress=None, fresh: bool = False) -> bytes:
    """Compute the figures for ``month`` (aggregate only) and render the report."""
    month = as_month(month)
    figures = services.compute(scope, request_for(month, codes), aggregate=True,
                               fresh=fresh, progress=progress)
    municipality = Municipality.objects.get(pk=scope.municipality_id)
    return monthly_report(figures, municipality, note=scope_note(scope))


def report_filename(municipality: Municipality, month: dt.date) -> str:
    return f"nokkeltall-{municipality.number}-{month:%Y-%m}.pdf"


def report_response(user, month: dt.date | str) -> HttpResponse:
    """The report for the reader's municipality as a PDF download.

    Raises InsightError (status 403 for a reader without access to figures per district,
    400 for a bad month, 500 if the PDF could not be made).
    """
    scope = services.scope_for(user)
    services.check_grouping(user, "district")
    month = as_month(month)
    municipality = Municipality.objects.get(pk=scope.municipality_id)
    pdf = build_monthly_report(scope, month)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="{report_filename(municipality, month)}"')
    return response
