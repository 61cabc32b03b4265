"""Screen load test (issue 9, item 2): the city-size demo on PostgreSQL behind the
production server (gunicorn, 2 workers), and 20 simulated users (locust, headless, on
loopback, for a bounded time): caseworkers (queue, person overview, case, decision draft
saved, search) and provider leaders (order inbox, adjustment saved, delivered time).

Budget: p95 under 150 ms for every screen and no errors, measured once all users have
started (five a second; the statistics are reset when the last has). Also printed: p50,
and the ratio of the person overview's p50 to a bare view that reads one row (/helse/):
how close the screen is to the framework's floor.

Run with ``make bench-load`` (PostgreSQL; TILDEL_BENCH_REUSE=1 keeps an existing city).
LOAD_USERS and LOAD_SECONDS change the defaults (20 users, 60 s).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

P95_MS = 150.0
USERS = int(os.environ.get("LOAD_USERS", "20"))
SECONDS = int(os.environ.get("LOAD_SECONDS", "60"))
#: Users start over a few seconds and the statistics start when all have: started in the
#: same instant, their first pages (the home page, 50 ms each) queued behind one another
#: on the two workers, and every screen's first requests waited 400-700 ms behind them.
#: That burst, 2 % of the requests, put one screen's p95 over budget in two of six runs.
SPAWN_RATE = 5
RAMP_SECONDS = -(-USERS // SPAWN_RATE)
BIN = Path(sys.executable).parent
HERE = Path(__file__).parent


def _drafts(caseworker, count: int) -> list[int]:
    """Draft decisions on open cases of the caseworker's office, one per simulated
    caseworker (made if the demo has too few), so no two users save the same draft."""
    from django.utils import timezone

    from tildel.accounts import access
    from tildel.casework.models import Assessment, Channel, Decision, SenderRole
    from tildel.casework.services import decisions, intake
    from tildel.catalogue.models import Service
    from tildel.organisation.models import ProviderKind, ProviderUnit

    found = list(Decision.objects.filter(
        status=Decision.Status.DRAFT, case__allocation_office=caseworker.allocation_office,
        case__status="open").order_by("pk").values_list("pk", flat=True)[:count])
    persons = access.persons_visible_to(caseworker).order_by("pk")[:count]
    unit = ProviderUnit.objects.filter(kind=ProviderKind.HOME_NURSING).order_by("pk").first()
    service = Service.objects.get(code="hjemmesykepleie")
    for person in persons[:max(0, count - len(found))]:
        case = intake.register_enquiry(
            office=caseworker.allocation_office, person=person, channel=Channel.PHONE,
            sender_name="Lasttest", sender_role=SenderRole.APPLICANT, text="Lasttest.",
            subject="Lasttest", services=Service.objects.filter(code="hjemmesykepleie"),
            actor=caseworker)
        Assessment.objects.create(
            case=case, held_on=timezone.localdate(), what_matters="Bo hjemme",
            goals="Klare seg selv", findings="Lasttest.", lower_levels_considered="Vurdert.",
            rehabilitation_screening=Assessment.Screening.NO, sufficiently_informed=True)
        draft = decisions.create_draft(case, caseworker)
        decisions.save_draft(draft, expected_version=draft.version, actor=caseworker, fields={
            "legal_basis": "hol § 3-2 første ledd nr. 6 bokstav a", "facts": "Lasttest.",
            "reasons": "Lasttest.", "alternative_offered": ""}, lines=[{
                "service_version": service.version_on(timezone.localdate()), "granted": True,
                "provider_unit": unit, "extent": 4, "extent_unit": "hours_week",
                "start": timezone.localdate()}])
        found.append(draft.pk)
    return found


def _sessions(user, count: int) -> list[str]:
    """Signed-in sessions made directly, so the measured run holds no logins (a login
    hashes the password on purpose slowly, and 20 at once would fill the first seconds)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    keys = []
    for _ in range(count):
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        keys.append(session.session_key)
    return keys


def write_load_data(path: Path) -> dict:
    """The ids the simulated users visit, from the demo: persons the caseworker may open,
    her office's open cases, drafts, the provider leader's orders and unit."""
    from tildel.accounts import access
    from tildel.accounts.models import User
    from tildel.casework.models import Case, Order

    caseworker = User.objects.get(username="saksbehandler")
    provider = User.objects.get(username="leder.hjemmetjeneste")
    persons = list(access.persons_visible_to(caseworker).order_by("?").values_list(
        "pk", "family_name")[:400])
    data = {
        "caseworker": caseworker.username,
        "provider": provider.username, "unit": provider.provider_unit_id,
        "caseworker_sessions": _sessions(caseworker, USERS),
        "provider_sessions": _sessions(provider, USERS),
        "persons": [pk for pk, _ in persons],
        "searches": sorted({name[:3] for _, name in persons if len(name) >= 3})[:100],
        "cases": list(Case.objects.filter(allocation_office=caseworker.allocation_office,
                                          status="open").order_by("?").values_list(
            "pk", flat=True)[:400]),
        "drafts": _drafts(caseworker, USERS),
        "orders": list(Order.objects.filter(
            provider_unit_id=provider.provider_unit_id).order_by("-pk").values_list(
            "pk", flat=True)[:USERS]),
    }
    path.write_text(json.dumps(data), encoding="utf-8")
    return data


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(url: str, seconds: float = 60) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"the server did not answer on {url}")


def run_load(tmp: Path) -> list[dict]:
    """Serve with gunicorn, run locust, return the rows of its statistics."""
    from django.conf import settings

    # The server signs and reads sessions with this process's secret: the sessions made
    # here beforehand must be valid there.
    env = {**os.environ, "TILDEL_VAR_DIR": str(tmp), "TILDEL_LOG_LEVEL": "WARNING",
           "SECRET_KEY": settings.SECRET_KEY,
           "LOAD_DATA": str(tmp / "load.json")}
    subprocess.run(  # noqa: S603 - our own program, fixed arguments
        [BIN / "tildel", "collectstatic", "--no-input", "-v", "0"], env=env, check=True)
    port = _free_port()
    log = open(tmp / "server.log", "w", encoding="utf-8")  # noqa: SIM115 - closed below
    server = subprocess.Popen(  # noqa: S603 - our own programs, fixed arguments
        [BIN / "gunicorn", "-c", "python:tildel.gunicorn_conf", "tildel.wsgi:application",
         "--workers", "2", "--bind", f"127.0.0.1:{port}",
         "--log-level", "warning"], env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait(f"http://127.0.0.1:{port}/helse/")
        subprocess.run(  # noqa: S603 - our own programs, fixed arguments
            [BIN / "locust", "-f", HERE / "locustfile.py", "--headless", "--users", str(USERS),
             "--spawn-rate", str(SPAWN_RATE), "--reset-stats",
             "--run-time", f"{SECONDS + RAMP_SECONDS}s", "--host",
             f"http://127.0.0.1:{port}", "--csv", tmp / "load", "--only-summary",
             "--loglevel", "WARNING"], env=env, check=False)
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    text = (tmp / "server.log").read_text(encoding="utf-8")
    if "Traceback" in text:  # a 500: show the first one (the log holds no personal data)
        first = text[text.index("Traceback"):].splitlines()
        print("Server error during the run:", *first[:40], sep="\n")
    with open(tmp / "load_stats.csv", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def load_test() -> list[tuple[str, int, int, float, float]]:
    """The city (built or reused), the users' data, the run: per screen (name, requests,
    errors, p50 ms, p95 ms), then "all requests". Django must be set up on PostgreSQL."""
    from django.db import connection
    from insight_bench import build_city

    build_city()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        write_load_data(tmp / "load.json")
        connection.close()
        rows = run_load(tmp)
    found = [(r["Name"], int(r["Request Count"]), int(r["Failure Count"]), float(r["50%"]),
              float(r["95%"])) for r in rows if r["Name"] != "Aggregated"
             and not r["Name"].endswith("(vis)") and not r["Name"].startswith("innlogging")]
    found += [("all requests", int(r["Request Count"]), int(r["Failure Count"]),
               float(r["50%"]), float(r["95%"])) for r in rows if r["Name"] == "Aggregated"]
    return found


def main() -> int:
    sys.path.insert(0, str(HERE))
    from run import prepare_django

    with tempfile.TemporaryDirectory() as tmp_name:
        prepare_django(tmp_name)
        from django.db import connection

        if connection.vendor != "postgresql":
            print("The load test runs on PostgreSQL (make bench-load).")
            return 1
        started = dt.datetime.now()
        rows = load_test()
    by_name = {row[0]: row for row in rows}
    missed = 0
    print(f"Load test {started:%Y-%m-%d %H:%M}: {USERS} users, {SECONDS} s, gunicorn 2 workers")
    print(f"{'screen':<36}{'requests':>9}{'errors':>7}{'p50 ms':>8}{'p95 ms':>8}  budget")
    for name, requests, errors, p50, p95 in rows:
        ok = errors == 0 and (name.startswith("gulv") or name == "all requests"
                              or p95 <= P95_MS)
        missed += not ok
        print(f"{name:<36}{requests:>9}{errors:>7}{p50:>8.0f}{p95:>8.0f}  "
              f"{'ok' if ok else 'MISSED'}")
    person, floor = by_name.get("saksbehandler: personoversikt"), by_name.get("gulv: én rad")
    if person and floor and floor[3]:
        print(f"person overview p50 ÷ one-row view p50: {person[3] / floor[3]:.1f}")
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
