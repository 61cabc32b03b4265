"""Benchmark runner. The benchmark suite (city-size data, load test, budgets) is built in
its own issue; until then this prints what is measured so far: the medium demo build."""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        os.environ.setdefault("DATABASE_URL", f"sqlite:///{Path(tmp) / 'bench.sqlite3'}")
        os.environ.setdefault("TILDEL_VAR_DIR", tmp)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tildel.settings")
        import django
        from django.core.management import call_command

        django.setup()
        from django.conf import settings

        # Pages are rendered without a collectstatic run.
        settings.STORAGES = {**settings.STORAGES, "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
        call_command("migrate", verbosity=0)
        from tildel.demo.generator import generate

        start = time.perf_counter()
        result = generate(size="medium", seed=2022)
        seconds = time.perf_counter() - start
        rows = [("demo_medium_build", f"{result.persons} persons, one run", seconds, "s")]
        rows += casework_benchmarks()
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


if __name__ == "__main__":
    sys.exit(main())
