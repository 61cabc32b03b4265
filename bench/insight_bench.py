"""Key-figure benchmark (issue 6): the city-size demo without visit logs, then

- the nightly run that stores the whole catalogue (``tildel figures --refresh``, ADR 0012):
  time and the process's peak memory;
- every indicator of the catalogue, per district, per month over five years as management
  gets them (today's stored run; target on PostgreSQL: under 3 s), the same computed from
  the cases (``fresh``, no target), and per year;
- the dashboard's first view for the management login (target: under 300 ms), and the
  same with "Beregn med dagens data";
- the pathway share (forlop-andel) from the catalogue against one hand-written SQL query
  that counts the same figure per district and month; the ratio says what the catalogue's
  generality costs (1.0 would be as fast as the hand-written query).

Run with ``make bench-insight`` (PostgreSQL; the city build takes about 15 minutes).
"""

from __future__ import annotations

import datetime as dt
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ALL_SECONDS = 3.0
DASHBOARD_MS = 300


def _timed(function, repeat: int = 3):
    timings, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings), result


def build_city(*, visits: bool = False) -> tuple[float, int]:
    """The city-size demo (with a year of visit logs if ``visits``); returns the seconds it
    took (0 if found) and its persons. A city is reused when TILDEL_BENCH_REUSE=1, or when
    ``make bench`` finished building it in the kept database (the mark in TILDEL_BENCH_CACHE);
    a build cut short is started over. The build takes about 15 minutes."""
    from tildel.delivery.demo import generate_visits
    from tildel.delivery.models import Visit
    from tildel.demo.generator import generate
    from tildel.people.models import Person

    cache = os.environ.get("TILDEL_BENCH_CACHE")
    mark = Path(cache) / "city.built" if cache else None
    reuse = os.environ.get("TILDEL_BENCH_REUSE") == "1" or (mark is not None and mark.exists())
    start = time.perf_counter()
    if reuse and Person.objects.exists():
        if not visits or Visit.objects.exists():
            return 0.0, Person.objects.filter(municipality=city()).count()
        generate_visits(dt.date.today(), 2022)
        return time.perf_counter() - start, Person.objects.filter(municipality=city()).count()
    if mark is not None:
        mark.unlink(missing_ok=True)
    result = generate(size="city", seed=2022, reset=True, visits=visits)
    if mark is not None:
        mark.parent.mkdir(parents=True, exist_ok=True)
        mark.write_text(f"{dt.date.today()}\n", encoding="utf-8")
    return time.perf_counter() - start, result.persons


def city():
    """The city demo's municipality (the search benchmark adds a second, national one)."""
    from tildel.organisation.models import Municipality

    return Municipality.objects.order_by("pk").first()


PATHWAY_SQL = """
WITH months(first, last) AS (VALUES {values}),
pw AS (SELECT p.person_id, pe.district_id, p.start, p.real_end AS stop
       FROM pathways_pathway p JOIN people_person pe ON pe.id = p.person_id
       WHERE p.code IN (1, 2) AND pe.municipality_id = %s),
hn AS (SELECT d.person_id, pe.district_id, l.start, l."end" AS stop
       FROM casework_serviceline l
       JOIN casework_decision d ON d.id = l.decision_id
       JOIN catalogue_serviceversion v ON v.id = l.service_version_id
       JOIN catalogue_service s ON s.id = v.service_id
       JOIN people_person pe ON pe.id = d.person_id
       WHERE l.granted AND l.start IS NOT NULL AND d.status = 'decided'
         AND s.code IN ({marks}) AND pe.municipality_id = %s),
num AS (SELECT m.first, pw.district_id, COUNT(DISTINCT pw.person_id) AS n
        FROM months m JOIN pw ON pw.start <= m.last AND (pw.stop IS NULL OR pw.stop >= m.first)
        GROUP BY m.first, pw.district_id),
den AS (SELECT m.first, x.district_id, COUNT(DISTINCT x.person_id) AS n
        FROM months m JOIN (SELECT * FROM hn UNION ALL SELECT * FROM pw) x
          ON x.start <= m.last AND (x.stop IS NULL OR x.stop >= m.first)
        GROUP BY m.first, x.district_id)
SELECT den.first, den.district_id, COALESCE(num.n, 0), den.n
FROM den LEFT JOIN num ON num.first = den.first AND num.district_id = den.district_id
"""


def _pathway_sql(municipality_id: int, months: list[tuple[dt.date, dt.date]]
                 ) -> tuple[str, list]:
    """The pathway share per district and month in one query, and its parameters."""
    from tildel.rules.indicators.catalogue import HOME_NURSING

    codes = sorted(HOME_NURSING)
    values = ", ".join(["(%s, %s)"] * len(months))
    marks = ", ".join(["%s"] * len(codes))
    params = [day for month in months for day in month]
    params += [municipality_id, *codes, municipality_id]
    # Only placeholders go into the text; every value is a parameter.
    return PATHWAY_SQL.format(values=values, marks=marks), params


def insight_benchmarks() -> list[tuple[str, str, float, str]]:
    from django.db import connection
    from django.test import Client

    from tildel.accounts.models import User
    from tildel.insight import services, store
    from tildel.insight.facts import Scope, load
    from tildel.rules import indicators as ind

    build_seconds, persons = build_city()
    municipality = city()
    scope = Scope(municipality.pk)
    start = time.perf_counter()
    run = store.refresh(municipality)
    refresh_seconds = time.perf_counter() - start
    refresh_peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    today = dt.date.today()
    first = ind.periods.add_months(today.replace(day=1), -59)
    five_years = services.parse_request(None, f"{first:%Y-%m}", f"{today:%Y-%m}", "month",
                                        "district")
    all_monthly, figures = _timed(lambda: services.compute(scope, five_years, aggregate=True))
    if not figures.stored:
        raise AssertionError("the monthly figures were not read from the stored run")
    all_live, _ = _timed(lambda: services.compute(scope, five_years, aggregate=True,
                                                  fresh=True), repeat=1)
    per_year = services.parse_request(None, f"{first:%Y-%m}", f"{today:%Y-%m}", "year",
                                      "district")
    all_yearly, _ = _timed(lambda: services.compute(scope, per_year, aggregate=True))

    pathway = ind.get("forlop-andel")
    windows = five_years.windows

    def catalogue_pathway_share():
        facts = load(scope, pathway.tables, five_years.first, five_years.last)
        return ind.evaluate(pathway, facts, windows, "district")

    catalogue_seconds, values = _timed(catalogue_pathway_share)
    sql, params = _pathway_sql(municipality.pk, [(w.start, w.end) for w in windows])

    def hand_written():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    sql_seconds, rows = _timed(hand_written)
    # The two must agree before the times mean anything. Months before the first pathway
    # are "Ingen data" in the catalogue (the SQL query counts 0 there) and are skipped.
    shown = {(v.window.start, v.group): (v.numerator, v.denominator) for v in values
             if v.group != ind.TOTAL and v.status is ind.Status.OK}
    compared = 0
    for month, district, numerator, denominator in rows:
        month = month if isinstance(month, dt.date) else dt.date.fromisoformat(month)
        if (month, district) not in shown:
            continue
        compared += 1
        if shown[(month, district)] != (numerator, denominator):
            raise AssertionError(f"catalogue and SQL disagree for {month} {district}: "
                                 f"{shown[(month, district)]} != {(numerator, denominator)}")
    if compared < len(shown) or not compared:
        raise AssertionError(f"compared {compared} of the catalogue's {len(shown)} cells")

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(username="ledelse"))

    def dashboard_views(query: dict, repeat: int) -> float:
        timings = []
        for _ in range(repeat):
            start = time.perf_counter()
            response = client.get("/nokkeltall/", query)
            timings.append(time.perf_counter() - start)
        if response.status_code != 200:
            raise AssertionError(f"dashboard answered {response.status_code}")
        return statistics.median(timings) * 1000

    first_view = dashboard_views({}, 5)
    fresh_view = dashboard_views({"fersk": "1"}, 3)
    values_count = sum(len(v) for v in figures.values.values())
    engine = connection.vendor
    return [
        ("insight_city_build", f"{persons} persons, no visits ({engine})", build_seconds, "s"),
        ("insight_refresh", f"nightly run: {run.sheets.count()} sheets stored", refresh_seconds,
         "s"),
        ("insight_refresh_memory", "peak memory of the process after the run",
         refresh_peak_mb, "MB"),
        ("insight_all_monthly", f"{len(ind.INDICATORS)} indicators × 60 months, stored, "
         f"median of 3", all_monthly, "s"),
        ("insight_all_monthly_live", "the same computed from the cases, one run", all_live,
         "s"),
        ("insight_all_yearly", "the same per year, stored, median of 3", all_yearly, "s"),
        ("insight_values", "values computed (monthly run)", values_count, ""),
        ("insight_dashboard_first", "/nokkeltall/ as ledelse, median of 5", first_view, "ms"),
        ("insight_dashboard_fresh", "the same with fersk=1 (from the cases), median of 3",
         fresh_view, "ms"),
        ("insight_pathway_catalogue", "forlop-andel × district × 60 months", catalogue_seconds,
         "s"),
        ("insight_pathway_sql", "the same, one hand-written SQL query", sql_seconds, "s"),
        ("insight_pathway_ratio", "catalogue ÷ SQL (1.0 = as fast)",
         catalogue_seconds / sql_seconds, "×"),
    ]


def main() -> int:
    from run import prepare_django

    with tempfile.TemporaryDirectory() as tmp:
        prepare_django(tmp)
        rows = insight_benchmarks()
    print(f"{'benchmark':<28}{'measured':<56}{'value':>12}")
    for name, what, value, unit in rows:
        print(f"{name:<28}{what:<56}{value:>10.2f} {unit}")
    monthly = next(r[2] for r in rows if r[0] == "insight_all_monthly")
    dashboard = next(r[2] for r in rows if r[0] == "insight_dashboard_first")
    verdict = {True: "met", False: "NOT met"}
    print(f"targets: all indicators < {ALL_SECONDS} s: {verdict[monthly < ALL_SECONDS]}; "
          f"dashboard < {DASHBOARD_MS} ms: {verdict[dashboard < DASHBOARD_MS]}")
    return 0 if monthly < ALL_SECONDS and dashboard < DASHBOARD_MS else 1


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    sys.exit(main())
