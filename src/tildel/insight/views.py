"""Key-figure screens: the dashboard (nøkkeltall), the cases behind one number
(drill-down) and the equal-treatment monitor (likebehandling).

Access follows ``insight.services``: management and analysts see aggregates only, with
counts of 1–4 hidden; office and provider readers may open the cases behind a number,
and every person shown there is written to the access log.
"""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import OuterRef, Subquery
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from tildel.accounts import access_log
from tildel.accounts.models import Role
from tildel.casework.models import Case, Complaint, Decision, Revision, ServiceLine
from tildel.casework.models.assessment import Assessment
from tildel.casework.models.orders import Order
from tildel.hospital.models import HospitalStay
from tildel.insight.models import CoercionDecision
from tildel.organisation.models import ProviderUnit
from tildel.pathways.models import Pathway
from tildel.people.models import Person
from tildel.places.models import Deviation, WaitingListEntry
from tildel.rules import indicators as ind
from tildel.rules.indicators import equal_treatment, needs
from tildel.rules.indicators.catalogue import AGE_BANDS, OUTCOMES
from tildel.rules.indicators.engine import SUPPRESS_BELOW, TOTAL, Status
from tildel.rules.indicators.periods import MONTH_NAMES
from tildel.web.views import role_required

from . import exports, services
from . import facts as loader
from .forms import EQUAL_TREATMENT_ROLES, DashboardForm, EqualTreatmentForm, last_whole_months

PAGE_SIZE = 50
AGGREGATE_NOTE = "Tall med færre enn 5 personer vises ikke (som i offisiell statistikk)."
NO_GROUP = "none"  # the group key of rows without the grouping's key ("Ikke angitt")
GROUP_ID = re.compile(r"[0-9]{1,18}")  # fits a 64-bit primary key
HIDDEN = "Skjult"
STATUS_TEXT = {Status.NO_DATA: "Ingen data", Status.SUPPRESSED: HIDDEN}
SUBJECT_NAMES = {
    "person": "Personer", "pathway": "Forløp", "case": "Saker", "complaint": "Klager",
    "revision": "Revurderinger", "order": "Bestillinger", "line": "Vedtatte tjenester",
    "assessment": "Kartlegginger", "coercion": "Tvangsvedtak", "unit_month": "Enhetsmåneder",
    "stay": "Sykehusopphold", "waiting": "Ventelisteoppføringer", "deviation": "Avvik",
}


# -- formatting ---------------------------------------------------------------------------

def number(value: float | None, decimals: int = 1) -> str:
    """Norwegian style: comma as decimal mark, a space between thousands ("1 234,5")."""
    return "–" if value is None else exports.number_text(value, decimals)


def _cell_text(value: ind.Value) -> str:
    if value.status is Status.OK:
        return number(value.value)
    return STATUS_TEXT.get(value.status, "–")


def _amount(value: float | None) -> str:
    """A numerator or denominator: whole numbers without decimals."""
    if value is not None and float(value).is_integer():
        return number(value, 0)
    return number(value)


def _cell_title(value: ind.Value) -> str:
    indicator = value.indicator
    if value.status is not Status.OK and value.status is not Status.ZERO_DENOMINATOR:
        return value.status.label
    parts = [f"{indicator.numerator_name}: {_amount(value.numerator)}"]
    if indicator.denominator is not None:
        parts.append(f"{indicator.denominator_name}: {_amount(value.denominator)}")
    if value.status is Status.ZERO_DENOMINATOR:
        parts.append(value.status.label)
    return " · ".join(parts)


def _group_param(group) -> str:
    if group == TOTAL:
        return TOTAL
    return NO_GROUP if group is None else str(group)


# -- dashboard ----------------------------------------------------------------------------

def _drill_url(value: ind.Value, period: str, by: str) -> str:
    query = {"window": value.window.key, "period": period, "by": by,
             "group": _group_param(value.group), "category": value.category or ""}
    return reverse("insight:drilldown", args=[value.code]) + "?" + urlencode(query, safe="*")


def _indicator_block(figures: services.Figures, indicator: ind.Indicator, links: bool,
                     index: int) -> dict:
    """One indicator's table (group × period [× category]) and chart data."""
    request = figures.request
    values = figures.values[indicator.code]
    windows = request.windows
    # dict.fromkeys keeps first-seen order in one pass (Figures.groups searches a list).
    categories = list(dict.fromkeys(v.category for v in values))
    groups = list(dict.fromkeys(v.group for v in values))
    by_key = {(v.group, v.window.key, v.category): v for v in values}
    columns = [{"window": w, "category": c,
                "label": w.label if c is None else f"{w.label}: "
                                                   f"{figures.category_label(indicator, c)}"}
               for w in windows for c in categories]
    rows = []
    for group in groups:
        cells = []
        for column in columns:
            v = by_key.get((group, column["window"].key, column["category"]))
            if v is None:
                cells.append({"text": "–", "title": "", "url": ""})
                continue
            url = ""
            if links and v.status is Status.OK and v.numerator_count > 0:
                url = _drill_url(v, request.period, request.by)
            cells.append({"text": _cell_text(v), "title": _cell_title(v), "url": url,
                          "status": v.status.key})
        rows.append({"label": figures.label(group), "total": group == TOTAL, "cells": cells})
    return {"indicator": indicator, "columns": columns, "rows": rows,
            "categories": [figures.category_label(indicator, c) for c in categories
                           if c is not None],
            "chart_id": f"insight-chart-{index}", "data_id": f"insight-chart-data-{index}",
            "chart": _chart(figures, indicator, windows, groups, categories, by_key)}


def _plain(value: ind.Value | None) -> float | None:
    if value is None or value.status is not Status.OK or value.value is None:
        return None
    return round(value.value, 2)


def _chart(figures, indicator, windows, groups, categories, by_key) -> dict:
    """Chart.js data: lines per group over time, or bars per group (stacked by category)
    for a single period."""
    unit = indicator.unit.label
    if len(windows) > 1:
        datasets = []
        for group in groups:
            for category in categories:
                label = figures.label(group)
                if category is not None:
                    label = f"{label} – {figures.category_label(indicator, category)}"
                datasets.append({"label": label, "data": [
                    _plain(by_key.get((group, w.key, category))) for w in windows]})
        return {"type": "line", "labels": [w.label for w in windows], "datasets": datasets,
                "unit": unit, "title": indicator.name}
    window = windows[0]
    datasets = [{"label": figures.category_label(indicator, c) if c is not None
                 else indicator.name,
                 "data": [_plain(by_key.get((g, window.key, c))) for g in groups]}
                for c in categories]
    return {"type": "bar", "labels": [figures.label(g) for g in groups], "datasets": datasets,
            "stacked": categories != [None], "unit": unit,
            "title": f"{indicator.name}, {window.label}"}


def _fresh(request) -> bool:
    """?fersk=1: compute from the cases now instead of reading the nightly figures."""
    return request.GET.get("fersk") == "1"


def _dashboard_form(request) -> tuple[DashboardForm, int]:
    form = DashboardForm(request.GET, request.user)
    if form.is_valid():
        return form, 200
    return form, 403 if form.forbidden else 200


@role_required(*services.READERS)
def dashboard(request):
    """Nøkkeltall: the chosen indicators per group and period, as table and chart."""
    form, status = _dashboard_form(request)
    blocks, figures = [], None
    if form.is_valid():
        try:
            figures = services.figures_for(request.user, form.request,
                                           fresh=_fresh(request))
        except services.InsightError as error:
            if error.status == 403 and not error.field:
                return _forbidden(request, error.message)
            form.add_error(error.field if error.field in form.fields else None, error.message)
            status = error.status if error.status == 403 else 200
        else:
            links = not figures.aggregate_only
            blocks = [_indicator_block(figures, indicator, links, i)
                      for i, indicator in enumerate(figures.request.indicators)]
    return render(request, "insight/dashboard.html", {
        "form": form, "figures": figures, "blocks": blocks,
        "aggregate_only": services.aggregate_only(request.user),
        "by_label": ind.GROUPINGS[figures.request.by] if figures else "",
        "note": AGGREGATE_NOTE, "query": request.GET.urlencode(),
        "fresh_query": _with_fresh(request),
        "report_url": _report_url(request.user, form),
    }, status=status)


def _with_fresh(request) -> str:
    query = request.GET.copy()
    query["fersk"] = "1"
    return query.urlencode()


def _report_url(user, form: DashboardForm) -> str:
    """The monthly PDF for the dashboard's last month, for readers who may see figures per
    district (``report.report_response`` refuses the others)."""
    if "district" not in services.groupings_for(user):
        return ""
    url = reverse("insight:monthly-report")
    month = form.cleaned_data.get("to") if form.is_valid() else None
    return f"{url}?{urlencode({'month': month})}" if month else url


@role_required(*services.READERS)
def monthly_report(request):
    """Månedsrapport: the monthly key-figure report as PDF (``insight.report``);
    ?month=ÅÅÅÅ-MM, by default the last whole month."""
    from tildel.insight import report  # WeasyPrint is loaded only when a PDF is asked for

    month = request.GET.get("month") or last_whole_months(1)[1]
    try:
        return report.report_response(request.user, month)
    except services.InsightError as error:
        if error.status == 403:
            return _forbidden(request, error.message)
        if error.status == 400:
            return _bad_request(request, error.message)
        # The PDF could not be made (logged by report.monthly_report): say so, no crash.
        return render(request, "insight/message.html", {
            "title": "Rapporten kunne ikke lages", "message": error.message}, status=503)


@role_required(*services.READERS)
def dashboard_export(request, fmt: str):
    """The dashboard's figures as Excel, CSV or JSON (writers in ``insight.exports``)."""
    if fmt not in ("xlsx", "csv", "json"):
        return _bad_request(request, "Ukjent format. Velg xlsx, csv eller json.")
    form, status = _dashboard_form(request)
    if not form.is_valid():
        if status == 403:
            return _forbidden(request, "Du har ikke tilgang til denne grupperingen.")
        return _bad_request(request, " ".join(e for errors in form.errors.values()
                                              for e in errors))
    try:
        figures = services.figures_for(request.user, form.request, fresh=_fresh(request))
    except services.InsightError as error:
        if error.status == 403:
            return _forbidden(request, error.message)
        return _bad_request(request, error.message)
    return exports.export_response(figures, fmt)


# -- error pages ----------------------------------------------------------------------------

def _forbidden(request, message: str):
    return render(request, "insight/message.html", {
        "title": "Ingen tilgang", "message": message}, status=403)


def _bad_request(request, message: str):
    return render(request, "insight/message.html", {
        "title": "Kan ikke vise tallene", "message": message}, status=400)


# -- drill-down -----------------------------------------------------------------------------

class BadCell(ValueError):
    """A drill-down address that does not name a cell (message in Norwegian)."""


def parse_window(key: str, period: str) -> ind.Window:
    """The window with ``key`` for a period kind, e.g. ("2024-T1", "tertial")."""
    key = (key or "").strip()
    try:
        if period == "month":
            start = end = ind.parse_month(key)
        elif period == "tertial":
            match = re.fullmatch(r"(\d{4})-T([1-3])", key)
            if not match:
                raise BadCell(f"«{key}» er ikke et tertial på formen ÅÅÅÅ-T1.")
            start = end = dt.date(int(match[1]), (int(match[2]) - 1) * 4 + 1, 1)
        elif period == "year":
            if not re.fullmatch(r"\d{4}", key):
                raise BadCell(f"«{key}» er ikke et årstall.")
            start = end = dt.date(int(key), 1, 1)
        elif period == "range":
            first, _, last = key.partition("..")
            start, end = ind.parse_month(first), ind.parse_month(last)
        else:
            raise BadCell(f"Ukjent periodetype «{period}».")
        found = ind.windows(start, end, period)
    except ind.PeriodError as error:
        raise BadCell(str(error)) from None
    if len(found) != 1 or found[0].key != key:
        raise BadCell(f"«{key}» er ikke en gyldig periode.")
    return found[0]


def parse_group(text: str, by: str):
    """A group key from a query: "*" (the total), "none" (no key) or an id of ASCII digits
    small enough for the database (not "²", which ``str.isdigit`` accepts)."""
    text = (text or "").strip()
    if text == TOTAL:
        return TOTAL
    if text == NO_GROUP and by != "municipality":
        return None
    if by != "municipality" and GROUP_ID.fullmatch(text):
        return int(text)
    raise BadCell(f"«{text}» er ikke en gyldig gruppe.")


def parse_category(text: str, indicator: ind.Indicator) -> str | None:
    text = (text or "").strip()
    if indicator.dynamic_categories:
        if not re.fullmatch(r"[a-z0-9-]{1,40}", text):
            raise BadCell("Velg en kategori (tjeneste).")
        return text
    if indicator.categories:
        if text not in dict(indicator.categories):
            raise BadCell(f"Ukjent kategori «{text}». Velg "
                          f"{', '.join(c for c, _ in indicator.categories)}.")
        return text
    if text:
        raise BadCell("Denne indikatoren har ingen kategorier.")
    return None


def _links_for(user) -> set[str]:
    """Which detail pages the reader's role may open."""
    if user.is_office_role:
        return {"person", "case", "decision", "complaint", "pathway", "stay"}
    if user.is_provider_role:
        return {"person", "order", "pathway"}
    return set()


def _link(allowed: set[str], kind: str, name: str, pk) -> str:
    return reverse(name, args=[pk]) if kind in allowed and pk is not None else ""


def _first_decision(field: str):
    return Subquery(Decision.objects.filter(
        case=OuterRef("pk"), status=Decision.Status.DECIDED).order_by(
        "decided_on", "pk").values(field)[:1])


def _text(cell) -> str:
    if isinstance(cell, dt.date):
        return f"{cell:%d.%m.%Y}"
    return str(cell)


def subject_rows(subject: str, ids: list, allowed: set[str]) -> tuple[list, list, list]:
    """(column headings, rows, persons shown) for one page of subject ids. Each row is
    {"cells": [...], "url": ..., "person": ...}; cells are text."""
    headings, rows, persons = _subject_rows(subject, ids, allowed)
    for row in rows:
        row["cells"] = [_text(cell) for cell in row["cells"]]
    return headings, rows, persons


def _subject_rows(subject: str, ids: list, allowed: set[str]) -> tuple[list, list, list]:
    outcome_names = dict(Decision.Outcome.choices)
    rows = []
    if subject == "person":
        items = Person.objects.filter(pk__in=ids).select_related("district").order_by(
            "family_name", "given_name", "pk")
        for p in items:
            rows.append({"cells": [p.full_name, p.birth_date.year,
                                   p.district.name if p.district else "–"],
                         "url": _link(allowed, "person", "person-overview", p.pk),
                         "person": p})
        return ["Navn", "Fødselsår", "Distrikt"], rows, [r["person"] for r in rows]
    if subject == "pathway":
        items = Pathway.objects.filter(pk__in=ids).select_related("person").order_by(
            "start", "pk")
        for p in items:
            rows.append({"cells": [p.person.full_name, p.get_code_display(), p.start,
                                   p.deadline or "–", p.get_status_display()],
                         "url": _link(allowed, "pathway", "pathway-detail", p.pk),
                         "person": p.person})
        headings = ["Person", "Forløp", "Start", "Frist", "Status"]
    elif subject == "case":
        items = Case.objects.filter(pk__in=ids).select_related("person").annotate(
            outcome=_first_decision("outcome")).order_by("received_at", "pk")
        for c in items:
            rows.append({"cells": [c.person.full_name if c.person else "–",
                                   c.received_at.date(), c.decided_on or "–",
                                   outcome_names.get(c.outcome, c.outcome or "–")],
                         "url": _link(allowed, "case", "case-detail", c.pk),
                         "person": c.person})
        headings = ["Person", "Mottatt", "Avgjort", "Utfall"]
    elif subject == "complaint":
        items = Complaint.objects.filter(pk__in=ids).select_related(
            "decision__person").order_by("received_on", "pk")
        for c in items:
            result = (c.get_authority_outcome_display() if c.authority_outcome
                      else c.get_reassessment_display() if c.reassessment else "Ikke avgjort")
            rows.append({"cells": [c.decision.person.full_name, c.received_on,
                                   c.decision.decided_on or "–", result],
                         "url": _link(allowed, "complaint", "complaint-detail", c.pk),
                         "person": c.decision.person})
        headings = ["Person", "Mottatt", "Vedtaksdato", "Resultat"]
    elif subject == "revision":
        items = Revision.objects.filter(pk__in=ids).select_related(
            "decision__person", "case").order_by("due_on", "pk")
        for r in items:
            done = r.case.decided_on if r.case_id else None
            url = (_link(allowed, "case", "case-detail", r.case_id) if r.case_id
                   else _link(allowed, "decision", "decision-detail", r.decision_id))
            rows.append({"cells": [r.decision.person.full_name, r.get_trigger_display(),
                                   r.due_on, done or "–"],
                         "url": url, "person": r.decision.person})
        headings = ["Person", "Årsak", "Frist", "Avgjort"]
    elif subject == "order":
        items = Order.objects.filter(pk__in=ids).select_related(
            "decision__person", "provider_unit").order_by("created_at", "pk")
        for o in items:
            rows.append({"cells": [o.decision.person.full_name, o.created_at.date(),
                                   o.provider_unit.name if o.provider_unit else "–",
                                   o.acknowledged_at.date() if o.acknowledged_at else "–"],
                         "url": _link(allowed, "order", "order-detail", o.pk),
                         "person": o.decision.person})
        headings = ["Person", "Bestilt", "Enhet", "Kvittert"]
    elif subject == "line":
        items = ServiceLine.objects.filter(pk__in=ids).select_related(
            "decision__person", "service_version", "provider_unit").order_by("start", "pk")
        for line in items:
            rows.append({"cells": [line.decision.person.full_name, line.service_version.name,
                                   line.decision.decided_on or "–", line.start or "–",
                                   line.end or "–"],
                         "url": _link(allowed, "decision", "decision-detail",
                                      line.decision_id),
                         "person": line.decision.person})
        headings = ["Person", "Tjeneste", "Vedtaksdato", "Fra", "Til"]
    elif subject == "assessment":
        items = Assessment.objects.filter(pk__in=ids).select_related("case__person").order_by(
            "held_on", "pk")
        for a in items:
            person = a.case.person
            rows.append({"cells": [person.full_name if person else "–", a.held_on or "–",
                                   "Ja" if a.joint_home_visit else "Nei"],
                         "url": _link(allowed, "case", "case-detail", a.case_id),
                         "person": person})
        headings = ["Person", "Gjennomført", "Felles hjemmebesøk"]
    elif subject == "coercion":
        items = CoercionDecision.objects.filter(pk__in=ids).select_related(
            "person", "provider_unit").order_by("valid_from", "pk")
        for c in items:
            rows.append({"cells": [c.person.full_name, c.decided_on, c.valid_from,
                                   c.valid_to or "–",
                                   c.provider_unit.name if c.provider_unit else "–"],
                         "url": _link(allowed, "person", "person-overview", c.person_id),
                         "person": c.person})
        headings = ["Person", "Vedtaksdato", "Gjelder fra", "Gjelder til", "Enhet"]
    elif subject == "stay":
        items = HospitalStay.objects.filter(pk__in=ids).select_related("person").order_by(
            "admitted_at", "pk")
        for h in items:
            rows.append({"cells": [h.person.full_name, h.hospital,
                                   timezone.localdate(h.admitted_at), h.ready_on or "–",
                                   timezone.localdate(h.discharged_at) if h.discharged_at
                                   else "–"],
                         "url": _link(allowed, "stay", "hospital:stay", h.pk),
                         "person": h.person})
        headings = ["Person", "Sykehus", "Innlagt", "Utskrivningsklar", "Utskrevet"]
    elif subject == "waiting":
        items = WaitingListEntry.objects.filter(pk__in=ids).select_related("person").order_by(
            "list", "priority", "qualified_on", "pk")
        for e in items:
            rows.append({"cells": [e.person.full_name, e.get_list_display(),
                                   e.get_priority_display(), e.qualified_on,
                                   e.placed_on or "–"],
                         "url": _link(allowed, "person", "person-overview", e.person_id),
                         "person": e.person})
        headings = ["Person", "Venteliste", "Behov", "Kvalifisert", "Fikk plass"]
    elif subject == "deviation":
        items = Deviation.objects.filter(pk__in=ids).select_related(
            "person", "institution").order_by("occurred_on", "pk")
        for d in items:
            rows.append({"cells": [d.person.full_name if d.person else "–",
                                   d.get_kind_display(), d.occurred_on,
                                   d.institution.name if d.institution else "–"],
                         "url": _link(allowed, "person", "person-overview", d.person_id),
                         "person": d.person})
        headings = ["Person", "Avvik", "Dato", "Institusjon"]
    elif subject == "unit_month":
        names = dict(ProviderUnit.objects.filter(
            pk__in={unit for unit, _ in ids}).values_list("pk", "name"))
        for unit, month in ids:
            rows.append({"cells": [names.get(unit, "–"),
                                   f"{MONTH_NAMES[month.month - 1]} {month.year}"],
                         "url": "", "person": None})
        return ["Enhet", "Måned"], rows, []
    else:
        return ["Id"], [{"cells": [i], "url": "", "person": None} for i in ids], []
    return headings, rows, [r["person"] for r in rows if r["person"] is not None]


def _sorted_ids(subjects) -> list:
    return sorted(subjects, key=lambda s: (str(type(s)), s))


@role_required(*services.READERS)
def drilldown(request, code: str):
    """The subjects behind one number's numerator (one cell of the dashboard)."""
    user = request.user
    if services.aggregate_only(user):
        return _forbidden(request, "Analytikere og ledelse ser bare tall, ikke sakene bak "
                                   "dem.")
    try:
        indicator = ind.get(code)
    except ind.UnknownIndicator as error:
        return _bad_request(request, str(error))
    period = request.GET.get("period", "month")
    by = request.GET.get("by", "district")
    try:
        if period not in ind.PERIOD_KINDS:
            raise BadCell(f"Ukjent periodetype «{period}».")
        if by not in ind.GROUPINGS:
            raise BadCell(f"Ukjent gruppering «{by}».")
        window = parse_window(request.GET.get("window", ""), period)
        group = parse_group(request.GET.get("group", TOTAL), by)
        category = parse_category(request.GET.get("category", ""), indicator)
    except BadCell as error:
        return _bad_request(request, str(error))
    try:
        subjects = services.subjects_behind(user, indicator, window, by, group, category)
    except services.InsightError as error:
        if error.status == 403:
            return _forbidden(request, error.message)
        return _bad_request(request, error.message)
    page = Paginator(_sorted_ids(subjects), PAGE_SIZE).get_page(request.GET.get("side"))
    headings, rows, persons = subject_rows(indicator.subject, list(page.object_list),
                                           _links_for(user))
    if persons:
        access_log.record_many(user, {p for p in persons},
                               what=f"Nøkkeltall: {indicator.name}")
    group_label = services.group_label(by, group)
    query = request.GET.copy()
    query.pop("side", None)
    return render(request, "insight/drilldown.html", {
        "indicator": indicator, "window": window, "by_label": ind.GROUPINGS[by],
        "group_label": group_label,
        "category_label": indicator.category_label(category) or (category or ""),
        "subject_name": SUBJECT_NAMES.get(indicator.subject, "Saker"),
        "headings": headings, "rows": rows, "page": page, "count": len(subjects),
        "query": query.urlencode(),
        "back": reverse("insight:dashboard") + "?" + urlencode({
            "indicators": indicator.code, "from": f"{window.start:%Y-%m}",
            "to": f"{window.end:%Y-%m}", "period": period, "by": by}),
    })


# -- equal treatment --------------------------------------------------------------------------

METHOD = (
    "Søknadene sammenlignes bare med søknader om samme tjeneste fra søkere i samme "
    "behovsgruppe (gjennomsnittlig IPLOS-skår) og samme aldersgruppe.",
    "For hver saksbehandler eller hvert distrikt regner vi ut hvor mange innvilgelser vi "
    "ville ventet om sakene var avgjort slik kollegene avgjorde like saker (indirekte "
    "standardisering), og z viser hvor mange standardavvik det faktiske tallet ligger fra "
    "det ventede.",
    "Grupper med minst det valgte antallet saker og |z| på 2 eller mer merkes «Se nærmere "
    "på sakene»; det er en grunn til å lese sakene, ikke en konklusjon om "
    "forskjellsbehandling.",
)
OUTCOME_LABELS = dict(OUTCOMES)


def _decided_between(applications, first: dt.date, last: dt.date) -> list:
    return [a for a in applications if a.decided is not None and first <= a.decided <= last]


def _comparison(user, form: EqualTreatmentForm):
    data = form.cleaned_data
    scope = services.scope_for(user)
    facts = loader.load(scope, {"applications"}, data["first"], data["last"])
    applications = _decided_between(facts.applications, data["first"], data["last"])
    kwargs = form.compare_kwargs()
    if services.aggregate_only(user):
        # Nobody reading aggregates may flag or compare a group smaller than the threshold.
        kwargs["min_cases"] = max(kwargs["min_cases"], SUPPRESS_BELOW)
    comparison = equal_treatment.compare(applications, data["by"],
                                         versions=loader.needs_groupings(), **kwargs)
    return comparison, applications


def _small(count: int) -> bool:
    """A count of 1–4: hidden from aggregate-only readers (0 is shown)."""
    return 0 < count < SUPPRESS_BELOW


def hidden_groups(groups: list[equal_treatment.GroupResult]) -> set:
    """The keys of the groups an aggregate-only reader may not see.

    Primary: fewer than 5 cases, or 1–4 granted or refused. Complementary: if that hides
    exactly one group, the next-smallest group is hidden too, so the hidden one cannot be
    worked out from the others and a total.
    """
    hidden = {g.group for g in groups
              if _small(g.cases) or _small(g.granted) or _small(g.cases - g.granted)}
    if len(hidden) == 1:
        rest = [g for g in groups if g.group not in hidden]
        if rest:
            hidden.add(min(rest, key=lambda g: g.cases).group)
    return hidden


def comparison_summary(comparison: equal_treatment.Comparison, hidden: set,
                       aggregate: bool) -> dict:
    """The totals above the table: comparable cases, overall grant rate and the spread.

    For aggregate-only readers they are computed over the shown groups only, and shown only
    when no group or at least two groups are hidden (one hidden group could otherwise be
    recovered by subtraction).
    """
    if not aggregate:
        return {"cases": comparison.cases, "overall": comparison.overall_rate,
                "spread": comparison.spread, "show_overall": True,
                "min_cases": comparison.min_cases}
    shown = [g for g in comparison.groups if g.group not in hidden]
    cases = sum(g.cases for g in shown)
    granted = sum(g.granted for g in shown)
    rates = [g.rate for g in shown if g.cases >= comparison.min_cases]
    return {"cases": cases, "overall": granted / cases * 100 if cases else None,
            "spread": max(rates) - min(rates) if len(rates) >= 2 else None,
            "show_overall": len(hidden) != 1, "min_cases": comparison.min_cases}


def involvement_rows(rows: list[equal_treatment.Involvement], aggregate: bool) -> list[dict]:
    """The next-of-kin/lawyer table. For aggregate-only readers a count of 1–4 is hidden,
    and so is a share whose count or whose row's count is 1–4."""
    result = []
    for row in rows:
        cases_hidden = aggregate and _small(row.cases)
        kin_hidden = aggregate and (cases_hidden or _small(row.next_of_kin))
        lawyer_hidden = aggregate and (cases_hidden or _small(row.lawyer))
        result.append({
            "outcome": OUTCOME_LABELS.get(row.outcome, row.outcome), "hidden": cases_hidden,
            "cases": HIDDEN if cases_hidden else row.cases,
            "kin": HIDDEN if kin_hidden else number(row.next_of_kin_share),
            "lawyer": HIDDEN if lawyer_hidden else number(row.lawyer_share)})
    return result


def _equal_treatment_form(request):
    form = EqualTreatmentForm(request.GET, request.user)
    valid = form.is_valid()
    return form, valid, 403 if form.forbidden else 200


@role_required(*EQUAL_TREATMENT_ROLES)
def equal_treatment_page(request):
    """Likebehandling: grant rates per caseworker or district among comparable applicants."""
    user = request.user
    form, valid, status = _equal_treatment_form(request)
    context = {"form": form, "method": METHOD, "note": AGGREGATE_NOTE,
               "aggregate_only": services.aggregate_only(user)}
    if valid:
        try:
            comparison, applications = _comparison(user, form)
        except services.InsightError as error:
            return _forbidden(request, error.message)
        aggregate = services.aggregate_only(user)
        labels = services.group_labels(form.cleaned_data["by"],
                                       [g.group for g in comparison.groups])
        suppressed = hidden_groups(comparison.groups) if aggregate else set()
        summary = comparison_summary(comparison, suppressed, aggregate)
        rows = []
        for g in comparison.groups:
            hidden = g.group in suppressed
            url = ""
            if not aggregate and user.role == Role.OFFICE_LEADER:
                query = request.GET.copy()
                query["group"] = _group_param(g.group)
                url = reverse("insight:equal-treatment-cases") + "?" + query.urlencode()
            label = labels.get(g.group, services.NOT_SET)
            if hidden:  # no numbers at all, so none can reach the page
                rows.append({"label": label, "hidden": True, "flagged": False, "url": ""})
                continue
            rows.append({
                "label": label, "hidden": False,
                "cases": g.cases, "granted": g.granted, "rate": number(g.rate),
                "expected_rate": number(g.expected_rate),
                "z": number(g.z, 2) if g.z is not None else "–",
                "hours": number(g.mean_hours), "expected_hours": number(g.expected_hours),
                "flagged": g.flagged, "url": url})
        involvement = involvement_rows(equal_treatment.involvement(applications), aggregate)
        context.update(
            comparison=comparison, rows=rows, involvement=involvement,
            any_hidden=bool(suppressed), total_cases=summary["cases"],
            show_overall=summary["show_overall"], min_cases=summary["min_cases"],
            spread=number(summary["spread"]) if summary["spread"] is not None else None,
            overall=number(summary["overall"]),
            needs_label=needs.GROUP_LABELS[form.cleaned_data["needs_group"]],
            band_label=dict(AGE_BANDS).get(form.cleaned_data["band"], "alle aldre"),
            by_label={"caseworker": "Saksbehandler",
                      "district": "Distrikt"}[form.cleaned_data["by"]])
    return render(request, "insight/equal_treatment.html", context, status=status)


@role_required(Role.OFFICE_LEADER)
def equal_treatment_cases(request):
    """The cases behind one row of the equal-treatment table, for the office leader."""
    user = request.user
    form, valid, status = _equal_treatment_form(request)
    if not valid:
        if status == 403:
            return _forbidden(request, "Du har ikke tilgang til denne grupperingen.")
        return _bad_request(request, " ".join(e for errors in form.errors.values()
                                              for e in errors))
    try:
        group = parse_group(request.GET.get("group", ""), form.cleaned_data["by"])
    except BadCell as error:
        return _bad_request(request, str(error))
    if group == TOTAL:
        return _bad_request(request, "Velg én saksbehandler eller ett distrikt.")
    try:
        comparison, _ = _comparison(user, form)
    except services.InsightError as error:
        return _forbidden(request, error.message)
    found = next((g for g in comparison.groups if g.group == group), None)
    ids = sorted(found.case_ids) if found else []
    page = Paginator(ids, PAGE_SIZE).get_page(request.GET.get("side"))
    headings, rows, persons = subject_rows("case", list(page.object_list), _links_for(user))
    if persons:
        access_log.record_many(user, set(persons), what="Likebehandling: sakene bak tallet")
    query = request.GET.copy()
    query.pop("side", None)
    back = request.GET.copy()
    back.pop("group", None)
    back.pop("side", None)
    return render(request, "insight/equal_treatment_cases.html", {
        "group_label": services.group_label(form.cleaned_data["by"], group),
        "needs_label": needs.GROUP_LABELS[form.cleaned_data["needs_group"]],
        "service": dict(form.fields["service"].choices).get(form.cleaned_data["service"]),
        "headings": headings, "rows": rows, "page": page, "count": len(ids),
        "query": query.urlencode(),
        "back": reverse("insight:equal-treatment") + "?" + back.urlencode()})

