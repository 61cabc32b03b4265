"""National exchange benchmark (issue 7), on the city-size demo without visit logs:

- KPR: every person's events of five years derived and kept (the first refresh), planning
  (the kept events reconciled with the ledger) and the export of one year of events as one
  message, planning included (targets: 20,000 events a second, under 300 MB peak);
- JSONL: the city exported in Tildel's exchange format (about 320,000 records), topped up to
  a million records with delivered visits (what a migration carries most of), then imported
  into an empty database (target: 20,000 records a second on PostgreSQL).

Run with ``make bench-exchange`` (PostgreSQL; the city is built first, about 7 minutes, or
reused with TILDEL_BENCH_REUSE=1). Prints a table; exits non-zero if a target is missed.
"""

from __future__ import annotations

import datetime as dt
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

EVENTS_PER_SECOND = 20_000
PEAK_MB = 300
EXPORT_RUNS = 3
RECORDS_PER_SECOND = 20_000
IMPORT_RECORDS = 1_000_000


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def kpr_benchmarks(tmp: Path) -> list[tuple[str, str, float, str]]:
    from insight_bench import build_city, city

    from tildel.exchange import kpr, kpr_store
    from tildel.exchange.models import (
        KprBatch,
        KprDerivation,
        KprEvent,
        KprNotification,
        RegisterContact,
    )

    build_city()
    municipality = city()
    RegisterContact.objects.get_or_create(municipality=municipality, name="Benk",
                                          email="benk@kommune.invalid")
    for model in (KprNotification, KprEvent, KprBatch, KprDerivation):
        model.objects.all().delete()
    # Every person's events derived, as the first refresh after the move to Tildel does
    # (then the nightly refresh and each export derive only the persons changed since).
    start = time.perf_counter()
    refreshed = kpr_store.refresh(municipality)
    refresh_seconds = time.perf_counter() - start
    since = dt.date.today() - dt.timedelta(days=365)
    start = time.perf_counter()
    planned = kpr.plan(municipality, since=since)
    plan_seconds = time.perf_counter() - start
    timings = []
    for run in range(EXPORT_RUNS):  # each time the first message, with nothing reported
        if run:
            for model in (KprNotification, KprEvent, KprBatch):
                model.objects.all().delete()
        start = time.perf_counter()
        batch = kpr.export(municipality, tmp / "kpr.xml", since=since)
        timings.append(time.perf_counter() - start)
    export_seconds = statistics.median(timings)
    rate = batch.notifications / export_seconds
    return [
        ("kpr_refresh_everyone", f"{refreshed.persons} persons' events of five years "
         f"derived and kept", refresh_seconds, "s"),
        ("kpr_plan", f"{planned.events} events of five years reconciled", plan_seconds, "s"),
        ("kpr_export_year", f"{batch.notifications} notifications, one message, median of "
         f"{EXPORT_RUNS}",
         export_seconds, "s"),
        ("kpr_export_rate", "notifications a second, planning included", rate, "/s"),
        ("kpr_export_after_plan", "the same without planning",
         batch.notifications / max(export_seconds - plan_seconds, 1e-9), "/s"),
        ("kpr_peak_memory", "peak memory of the process", _peak_mb(), "MB"),
    ]


def jsonl_benchmarks(tmp: Path) -> list[tuple[str, str, float, str]]:
    from insight_bench import city

    from tildel.exchange import jsonl

    path = tmp / "city.jsonl"
    start = time.perf_counter()
    with path.open("w", encoding="utf-8") as out:
        capped = _Capped(out, IMPORT_RECORDS)
        try:
            counts = jsonl.export_file(city(), capped)
        except _Capped.Full:  # a city with visit logs has more; visits come last
            counts = {"records": capped.lines - 1}  # the header is not a record
    export_seconds = time.perf_counter() - start
    exported = sum(counts.values())
    records = exported + add_visits(path, IMPORT_RECORDS - exported)
    # Import into an empty database on the same server, in a process of its own.
    from run import empty_database

    env = {**os.environ,
           "DATABASE_URL": empty_database(os.environ["DATABASE_URL"], "tildel_import")}
    tildel = str(Path(sys.executable).parent / "tildel")
    subprocess.run([tildel, "migrate", "-v", "0"], env=env, check=True)  # noqa: S603
    start = time.perf_counter()
    subprocess.run([tildel, "import", str(path), "-v", "0"], env=env,  # noqa: S603
                   check=True,
                   stdout=subprocess.DEVNULL)
    import_seconds = time.perf_counter() - start
    return [
        ("jsonl_export", f"{exported} records of the city", export_seconds, "s"),
        ("jsonl_import", f"{records} records (with visits) into an empty database",
         import_seconds, "s"),
        ("jsonl_import_rate", "records a second", records / import_seconds, "/s"),
    ]


class _Capped:
    """A file that takes at most ``limit`` lines, then raises ``Full``."""

    class Full(Exception):
        pass

    def __init__(self, out, limit: int):
        self.out, self.limit, self.lines = out, limit, 0

    def write(self, text: str) -> None:
        if self.lines >= self.limit:
            raise self.Full
        self.lines += text.count("\n")
        self.out.write(text)


def add_visits(path: Path, wanted: int) -> int:
    """Append ``wanted`` visit records for the file's persons and units: the last year, a
    few slots a day, none overlapping. Returns how many were written."""
    import json
    import random

    persons, units = [], []
    with path.open(encoding="utf-8") as source:
        for line in source:
            if line.startswith('{"') and '"type":"person"' in line:
                persons.append(json.loads(line)["id"])
            elif '"type":"unit"' in line:
                units.append(json.loads(line)["id"])
    if wanted <= 0 or not persons:
        return 0
    rng = random.Random(7)
    first = dt.date.today() - dt.timedelta(days=365)
    written = 0
    with path.open("a", encoding="utf-8") as out:
        for turn in range(365):  # one visit per person and turn, each turn on another day
            if written == wanted:
                break
            for index, person in enumerate(persons):
                if written == wanted:
                    break
                day = first + dt.timedelta(days=(turn * 31 + index) % 365)
                hour = 7 + 3 * rng.randrange(5)
                start = dt.datetime.combine(day, dt.time(hour, rng.randrange(30)),
                                            tzinfo=dt.timezone(dt.timedelta(hours=1)))
                end = start + dt.timedelta(minutes=rng.randrange(15, 90))
                written += 1
                out.write(json.dumps({
                    "type": "visit", "id": f"BENK{written}", "person": person,
                    "unit": units[written % len(units)], "start": start.isoformat(),
                    "end": end.isoformat(), "staff_role": "SPL"}) + "\n")
    return written


def main() -> int:
    from run import prepare_django

    with tempfile.TemporaryDirectory() as tmp:
        prepare_django(tmp)
        rows = kpr_benchmarks(Path(tmp)) + jsonl_benchmarks(Path(tmp))
    print(f"{'benchmark':<24}{'measured':<52}{'value':>12}")
    for name, what, value, unit in rows:
        print(f"{name:<24}{what:<52}{value:>10.1f} {unit}")
    values = {name: value for name, _, value, _ in rows}
    checks = {f"KPR ≥ {EVENTS_PER_SECOND} events/s": values["kpr_export_rate"]
              >= EVENTS_PER_SECOND,
              f"KPR peak < {PEAK_MB} MB": values["kpr_peak_memory"] < PEAK_MB,
              f"import ≥ {RECORDS_PER_SECOND} records/s": values["jsonl_import_rate"]
              >= RECORDS_PER_SECOND}
    print("targets: " + "; ".join(f"{name}: {'met' if ok else 'NOT met'}"
                                  for name, ok in checks.items()))
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    sys.exit(main())
