"""Every benchmark in one table (issue 9): ``make bench``.

Runs on PostgreSQL (``bench/with-postgres`` keeps its server under ``var/bench/pg``). The
city-size demo (60,000 recipients, 15 districts, five years, a year of visit logs) is built
the first time and kept: later runs reuse it (``make bench-clean`` starts over). Each group
of benchmarks runs in a process of its own, so its peak memory is its own. Prints one table
and exits non-zero if any budget is missed.

    bench/with-postgres --keep var/bench/pg .venv/bin/python bench/suite.py [GROUP ...]
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from table import Row, missed, print_table

HERE = Path(__file__).parent
#: In the order they run; the city is built (or found) first, the load test comes last.
GROUPS = ("city", "search", "insight", "exchange", "medium", "load")


def peak_mb() -> float:
    """The largest resident size of this process or any process it waited for, in MB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def city_rows() -> list[Row]:
    from insight_bench import build_city, city

    from tildel.delivery.models import Visit
    from tildel.people.models import Person

    seconds, persons = build_city(visits=True)
    municipality = city()
    visits = Visit.objects.filter(person__municipality=municipality).count()
    built = "reused" if not seconds else "built"
    return [Row("city_build", f"city demo {built}", seconds, "s"),
            Row("city_persons", "persons in the city", Person.objects.filter(
                municipality=municipality).count(), ""),
            Row("city_visits", "visit rows in the city (a year)", visits, "")]


def search_rows() -> list[Row]:
    from search_bench import P95_MS, search_benchmarks

    return [Row(name, what, value, unit, ("<", P95_MS) if budget else None)
            for name, what, value, unit, budget in search_benchmarks()]


def insight_rows() -> list[Row]:
    from insight_bench import ALL_SECONDS, DASHBOARD_MS, insight_benchmarks

    budgets = {"insight_all_monthly": ("<", ALL_SECONDS),
               "insight_dashboard_first": ("<", DASHBOARD_MS)}
    return [Row(*row, budgets.get(row[0])) for row in insight_benchmarks()
            if row[0] != "insight_city_build"]


def exchange_rows() -> list[Row]:
    from exchange_bench import (
        EVENTS_PER_SECOND,
        PEAK_MB,
        RECORDS_PER_SECOND,
        jsonl_benchmarks,
        kpr_benchmarks,
    )

    budgets = {"kpr_export_rate": ("≥", EVENTS_PER_SECOND), "kpr_peak_memory": ("<", PEAK_MB),
               "jsonl_import_rate": ("≥", RECORDS_PER_SECOND)}
    with tempfile.TemporaryDirectory() as tmp:
        rows = kpr_benchmarks(Path(tmp)) + jsonl_benchmarks(Path(tmp))
    return [Row(*row, budgets.get(row[0])) for row in rows]


def medium_rows() -> list[Row]:
    """The medium demo's build, the caseworker's queue, the visit import (5 million rows)
    and the financing budgets, in a database of their own on the same server."""
    from financing_bench import (
        BUDGET_SECONDS,
        CSV_BUDGET_SECONDS,
        financing_benchmarks,
        spreadsheet_benchmark,
    )
    from run import casework_benchmarks, delivery_benchmarks

    from tildel.demo.generator import generate

    start = time.perf_counter()
    result = generate(size="medium", seed=2022)
    rows = [("demo_medium_build", f"{result.persons} persons, one run",
             time.perf_counter() - start, "s")]
    rows += casework_benchmarks()
    with tempfile.TemporaryDirectory() as tmp:
        rows += delivery_benchmarks(Path(tmp))
        rows += financing_benchmarks()
        rows += spreadsheet_benchmark(Path(tmp))
    budgets = {"visit_import": ("≥", 50_000), "budget_year_from_db": ("<", BUDGET_SECONDS),
               "budget_year_from_csv": ("<", CSV_BUDGET_SECONDS)}
    return [Row(*row, budgets.get(row[0])) for row in rows]


def load_rows() -> list[Row]:
    from load_bench import P95_MS, SECONDS, USERS, load_test

    rows = []
    for name, requests, errors, p50, p95 in load_test():
        floor = name.startswith("gulv") or name == "all requests"  # as bench-load
        rows.append(Row(f"load: {name}", f"p95 of {requests} requests, {USERS} users, "
                        f"{SECONDS} s", p95, "ms", None if floor else ("<", P95_MS)))
        rows.append(Row(f"load: {name}", "p50", p50, "ms"))
        rows.append(Row(f"load: {name}", "errors", errors, "", ("=", 0)))
    return rows


def _run_group(group: str, out: Path) -> None:
    """In the child process: Django on the right database, the group's rows as JSON."""
    sys.path.insert(0, str(HERE))
    from run import empty_database, prepare_django

    if group == "medium":
        os.environ["DATABASE_URL"] = empty_database(os.environ["DATABASE_URL"],
                                                    "tildel_medium")

    with tempfile.TemporaryDirectory() as tmp:
        prepare_django(tmp)
        rows = globals()[f"{group}_rows"]()
    rows.append(Row(f"{group}_peak_memory", "peak memory of the group's processes",
                    peak_mb(), "MB"))
    out.write_text(json.dumps([row.as_dict() for row in rows]), encoding="utf-8")


def main(argv: list[str]) -> int:
    if argv[:1] == ["--group"]:
        _run_group(argv[1], Path(argv[2]))
        return 0
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        print("make bench runs on PostgreSQL: bench/with-postgres sets DATABASE_URL.")
        return 1
    wanted = [group for group in GROUPS if not argv or group in argv]
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as tmp:
        for group in wanted:
            print(f"== {group}", flush=True)
            out = Path(tmp) / f"{group}.json"
            started = time.perf_counter()
            done = subprocess.run([sys.executable, __file__, "--group", group,  # noqa: S603
                                   str(out)], check=False)
            if done.returncode or not out.exists():
                rows.append(Row(f"{group}_failed", "the group stopped with an error",
                                done.returncode, "", ("=", 0)))
                continue
            rows += [Row.from_dict(row) for row in json.loads(out.read_text("utf-8"))]
            print(f"   {time.perf_counter() - started:.0f} s", flush=True)
    print()
    print_table(rows)
    failed = missed(rows)
    print(f"\n{len(rows)} rows; budgets missed: {len(failed)}"
          + "".join(f"\n  {row.name} {row.what}" for row in failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    sys.exit(main(sys.argv[1:]))
