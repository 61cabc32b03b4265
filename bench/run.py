"""Benchmark runner. The benchmark suite (city-size data, load test, budgets) is built in
its own issue; until then this prints what is measured so far: the medium demo build, the
caseworker's queue, the visit import and the financing budgets (bench/financing_bench.py)."""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path


def prepare_django(tmp: str) -> None:
    """Django on ``DATABASE_URL`` (default: a SQLite file in ``tmp``), migrated, with pages
    rendered without a collectstatic run."""
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{Path(tmp) / 'bench.sqlite3'}")
    os.environ.setdefault("TILDEL_VAR_DIR", tmp)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tildel.settings")
    import django
    from django.core.management import call_command

    django.setup()
    from django.conf import settings

    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    call_command("migrate", verbosity=0)


def empty_database(url: str, name: str) -> str:
    """Drop and create database ``name`` on the server of ``url``; returns its URL."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name}")
        connection.execute(f"CREATE DATABASE {name}")
    return f"{url.rsplit('/', 1)[0]}/{name}"


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        prepare_django(tmp)
        from tildel.demo.generator import generate

        start = time.perf_counter()
        result = generate(size="medium", seed=2022)
        seconds = time.perf_counter() - start
        rows = [("demo_medium_build", f"{result.persons} persons, one run", seconds, "s")]
        rows += casework_benchmarks()
        rows += delivery_benchmarks(Path(tmp))
        from financing_bench import financing_benchmarks, spreadsheet_benchmark

        rows += financing_benchmarks()  # on the city delivery_benchmarks built
        rows += spreadsheet_benchmark(Path(tmp))
    print(f"{'benchmark':<28}{'measured':<40}{'value':>12}")
    for name, what, value, unit in rows:
        print(f"{name:<28}{what:<40}{value:>10.2f} {unit}")
    return 0


def casework_benchmarks() -> list[tuple[str, str, float, str]]:
    """Deadline computation and the caseworker's queue page at 500 open cases."""
    import datetime as dt

    from django.test import Client
    from django.utils import timezone

    from tildel.accounts.models import User
    from tildel.casework.models import Case, Channel, SenderRole
    from tildel.casework.services import intake
    from tildel.people.models import Person
    from tildel.rules import deadlines

    start = time.perf_counter()
    n = 20000
    day = dt.date(2027, 1, 1)
    for i in range(n):
        stop = deadlines.Suspension(day, day + dt.timedelta(days=5))
        deadlines.case_deadlines(day + dt.timedelta(days=i % 730), suspensions=[stop],
                                 as_of=day + dt.timedelta(days=800))
    per_second = n / (time.perf_counter() - start)

    worker = User.objects.get(username="saksbehandler")
    persons = list(Person.objects.filter(district_id__in=worker.district_ids())[:500])
    for person in persons:
        case = intake.register_enquiry(
            office=worker.allocation_office, person=person, channel=Channel.PHONE,
            sender_name="Bench", sender_role=SenderRole.APPLICANT, text="x", subject="x",
            received_at=timezone.now() - dt.timedelta(days=person.pk % 40), actor=worker)
        Case.objects.filter(pk=case.pk).update(assigned_to=worker, queue=None)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(worker)
    client.get("/saker/")
    timings = []
    for _ in range(5):
        start = time.perf_counter()
        client.get("/saker/")
        timings.append(time.perf_counter() - start)
    open_cases = Case.objects.filter(assigned_to=worker, status=Case.Status.OPEN).count()
    return [("case_deadlines", "computations per second", per_second, "/s"),
            ("queue_page", f"{open_cases} open cases, median of 5", sorted(timings)[2] * 1000,
             "ms")]


def delivery_benchmarks(tmp: Path) -> list[tuple[str, str, float, str]]:
    """A year of visit logs for a city-size municipality through `tildel import_visits`
    (COPY on PostgreSQL, batched inserts on SQLite). 5 million rows on PostgreSQL (target:
    50,000 rows/s or better), 500,000 on SQLite; TILDEL_BENCH_VISITS overrides."""
    import datetime as dt
    import random

    from django.core.management import call_command
    from django.db import connection

    from tildel.delivery.models import VisitImport
    from tildel.organisation.models import District, Municipality, ProviderKind, ProviderUnit
    from tildel.people.models import Person
    from tildel.rules import identity

    vendor = connection.vendor
    wanted = int(os.environ.get("TILDEL_BENCH_VISITS") or
                 (5_000_000 if vendor == "postgresql" else 500_000))
    rng = random.Random(4601)
    city = Municipality.objects.create(number="4601", name="Benkeby")
    districts = District.objects.bulk_create(
        District(municipality=city, number=n, name=f"Bydel {n}") for n in range(1, 16))
    units = ProviderUnit.objects.bulk_create(
        ProviderUnit(municipality=city, name=f"Hjemmetjenesten bydel {n}",
                     kind=ProviderKind.HOME_NURSING, organisation_number=f"98{n:07d}")
        for n in range(1, 16))
    taken = set(Person.objects.values_list("id_number", flat=True))  # the medium demo's
    numbers: set[str] = set()
    while len(numbers) < 60_000:
        number = identity.synthetic_number(
            dt.date(1930, 1, 1) + dt.timedelta(days=rng.randrange(30_000)),
            rng.choice(list(identity.LegalSex)), rng)
        if number not in taken:
            numbers.add(number)
    persons = []
    for i, number in enumerate(sorted(numbers)):
        parsed = identity.parse(number)
        persons.append(Person(id_number=number, id_type=parsed.id_type.value,
                              birth_date=parsed.birth_date, legal_sex=parsed.legal_sex.value,
                              synthetic_id=True, given_name="Benk", family_name=f"Bruker {i}",
                              municipality=city, district=districts[i % 15]))
    Person.objects.bulk_create(persons, batch_size=5000)
    # One year, up to yesterday; five visit slots a day, three hours apart: no overlaps.
    first = dt.date.today() - dt.timedelta(days=365)
    dates = [f"{first + dt.timedelta(days=d):%Y-%m-%d}" for d in range(365)]
    per_person, path, written = wanted // len(persons), tmp / "besokslogg.csv", 0
    with path.open("w", encoding="utf-8") as out:
        out.write("enhet;fødselsnummer;start;slutt;rolle\n")
        for i, number in enumerate(sorted(numbers)):
            unit = units[i % 15].organisation_number
            count = per_person + (1 if i < wanted - per_person * len(persons) else 0)
            lines = []
            for slot in rng.sample(range(365 * 5), count):
                day, hour = dates[slot // 5], 7 + 3 * (slot % 5)
                minute, length = rng.randrange(30), rng.randrange(15, 90)
                end = hour * 60 + minute + length
                lines.append(f"{unit};{number};{day} {hour:02d}:{minute:02d};"
                             f"{day} {end // 60:02d}:{end % 60:02d};SPL\n")
            out.writelines(lines)
            written += count
    start = time.perf_counter()
    call_command("import_visits", str(path))
    seconds = time.perf_counter() - start
    run = VisitImport.objects.latest("id")
    return [("visit_import", f"{run.rows_imported:,} of {written:,} rows, {vendor}",
             written / seconds, "/s"),
            ("visit_import_time", f"{written:,} rows, {vendor}", seconds, "s")]


if __name__ == "__main__":
    sys.exit(main())
