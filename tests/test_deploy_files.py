"""The deployment files (issue "Trust", item 6) cannot drift from the code: every command
the systemd units, the Dockerfile and the operations guide name exists, the example
environment file lists exactly the variables settings read and passes Django's deployment
checks, the image installs what CI installs for the app, JSON logs are one object per
line, and the read replica gets only reads of the stored key figures."""

from __future__ import annotations

import ast
import io
import json
import logging
import os
import re
import secrets
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from django.core.management import get_commands

from tildel.db_routers import REPORTS, ReportsReplicaRouter
from tildel.logformat import JsonFormatter

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
UNITS = DEPLOY / "systemd"
ENV_EXAMPLE = DEPLOY / "tildel.env.example"
SETTINGS = ROOT / "src" / "tildel" / "settings.py"
OPERATIONS = ROOT / "docs" / "operations.md"

#: ``tildel <command>`` at the start of a line or code span, after a path's ``bin/``, or
#: after a space (not ``tildel.wsgi``, ``tildel-web`` or ``/opt/tildel``).
COMMAND = re.compile(r"(?:^|[\s`]|bin/)tildel ([a-z][a-z_]+)", re.MULTILINE)
VARIABLE = re.compile(r"^#?\s*([A-Z][A-Z0-9_]+)=(.*)$", re.MULTILINE)


def commands_in(text: str) -> set[str]:
    return set(COMMAND.findall(text))


def code_in(markdown: str) -> str:
    """Fenced blocks and inline code spans: where the guide names commands."""
    fenced = re.findall(r"^```[^\n]*\n(.*?)^```", markdown, re.MULTILINE | re.DOTALL)
    rest = re.sub(r"^```[^\n]*\n.*?^```", "", markdown, flags=re.MULTILINE | re.DOTALL)
    return "\n".join(fenced + re.findall(r"`([^`\n]+)`", rest))


def example_env(*, active_only: bool) -> dict[str, str]:
    found = {}
    for line in ENV_EXAMPLE.read_text().splitlines():
        match = VARIABLE.match(line)
        if match and (not active_only or not line.startswith("#")):
            found[match[1]] = match[2].strip()
    return found


def variables_settings_read() -> set[str]:
    """Every environment variable name settings.py reads: the string constants that look
    like one (os.environ.get("X"), os.environ["X"], env_flag("X"), lists of names)."""
    tree = ast.parse(SETTINGS.read_text())
    return {node.value for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
            and re.fullmatch(r"TILDEL_[A-Z0-9_]+|DATABASE_URL|SECRET_KEY", node.value)}


def run_tildel(args, tmp_path, env) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items()
                   if not key.startswith("TILDEL_") or key == "TILDEL_TEST_LOG_DIR"}
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    environment.update({"TILDEL_VAR_DIR": str(tmp_path),
                        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", **env})
    return subprocess.run([sys.executable, "-m", "tildel", *args], cwd=tmp_path,
                          env=environment, capture_output=True, text=True, timeout=120,
                          check=False)


# --- Commands ---------------------------------------------------------------------------

def test_every_command_in_the_units_dockerfile_and_guide_exists():
    known = set(get_commands())
    units = {path.name: commands_in("\n".join(
        line for line in path.read_text().splitlines() if line.startswith("ExecStart")))
        for path in UNITS.glob("*.service") if path.name != "tildel-web.service"}
    assert units and all(units.values()), f"a job unit runs no tildel command: {units}"
    named = set().union(*units.values())
    named |= commands_in((ROOT / "Dockerfile").read_text())
    guide = commands_in(code_in(OPERATIONS.read_text()))
    # The install steps name these; the guide as a whole names many more.
    assert {"migrate", "collectstatic", "createsuperuser", "check"} <= guide
    unknown = sorted((named | guide) - known)
    assert not unknown, f"not management commands: {unknown}"


def test_every_job_has_a_timer_and_the_units_are_hardened():
    services = {p.stem for p in UNITS.glob("*.service")}
    timers = {p.stem for p in UNITS.glob("*.timer")}
    assert timers == services - {"tildel-web"}
    assert {"tildel-dispatch", "tildel-figures", "tildel-backup", "tildel-kpr",
            "tildel-pathway-check", "tildel-clearsessions"} <= timers
    assert "OnUnitActiveSec=5min" in (UNITS / "tildel-dispatch.timer").read_text()
    for path in UNITS.glob("*.service"):
        text = path.read_text()
        for line in ("User=tildel", "EnvironmentFile=/etc/tildel/tildel.env",
                     "NoNewPrivileges=yes", "ProtectSystem=strict",
                     "ReadWritePaths=/var/lib/tildel", "PrivateTmp=yes"):
            assert line in text.splitlines(), f"{path.name}: {line}"
        kind = "Type=notify" if path.stem == "tildel-web" else "Type=oneshot"
        assert kind in text.splitlines(), path.name
    web = (UNITS / "tildel-web.service").read_text()
    assert "--bind 127.0.0.1:8000" in web and "/opt/tildel/venv/bin/gunicorn" in web
    assert "-c python:tildel.gunicorn_conf tildel.wsgi:application" in web


def test_every_server_and_the_load_test_use_the_shared_gunicorn_settings():
    """The load test measures the production setup (issue 9): the same settings module."""
    load = (ROOT / "bench" / "load_bench.py").read_text()
    assert '"-c", "python:tildel.gunicorn_conf", "tildel.wsgi:application"' in load


def test_a_worker_sets_aside_what_it_loaded_at_start():
    import gc

    from tildel import gunicorn_conf

    assert gc.get_freeze_count() == 0
    try:
        gunicorn_conf.post_worker_init(worker=None)
        assert gc.get_freeze_count() > 10_000  # Django, the views and models, not a handful
    finally:
        gc.unfreeze()


# --- Environment ------------------------------------------------------------------------

def test_example_env_lists_exactly_the_variables_settings_read():
    example = set(example_env(active_only=False))
    read = variables_settings_read()
    assert {"DATABASE_URL", "SECRET_KEY", "TILDEL_LOG_FORMAT",
            "TILDEL_REPORTS_DATABASE_URL"} <= read
    assert not example - read, f"in the example, never read: {sorted(example - read)}"
    assert not read - example, f"read, missing from the example: {sorted(read - example)}"


def test_example_env_production_values_pass_the_deployment_checks(tmp_path):
    env = example_env(active_only=True)
    assert env["TILDEL_HTTPS"] == "1" and env["TILDEL_DEBUG"] == "0"
    assert env["TILDEL_SYNTHETIC_IDS"] == "0" and env["TILDEL_LOG_FORMAT"] == "json"
    # The example's placeholder key is refused, so a forgotten one is noticed ...
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    env["TILDEL_VAR_DIR"] = str(tmp_path)
    placeholder = run_tildel(["check", "--deploy", "--fail-level", "WARNING"], tmp_path, env)
    assert placeholder.returncode != 0 and "security.W009" in placeholder.stderr
    # ... and with a real one everything else is clean.
    env["SECRET_KEY"] = secrets.token_urlsafe(64)
    done = run_tildel(["check", "--deploy", "--fail-level", "WARNING"], tmp_path, env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


# --- Container and proxy ----------------------------------------------------------------

def test_dockerfile_installs_what_ci_installs_for_the_app_and_the_prod_extra():
    ci = (ROOT / ".ci" / "run").read_text()
    packages = re.search(r"for pkg in ([^;]+);", ci)[1].split()
    assert {"libpango-1.0-0", "fonts-dejavu-core"} <= set(packages)
    dockerfile = (ROOT / "Dockerfile").read_text()
    apt = re.search(r"apt-get install ([^&]+)&&", dockerfile, re.DOTALL)[1].split()
    assert set(packages) | {"postgresql-client"} <= set(apt)
    assert dockerfile.startswith("#") and "FROM python:3.11-slim-bookworm" in dockerfile
    assert 'pip install ".[prod]"' in dockerfile and "\nUSER tildel\n" in dockerfile
    assert "collectstatic" in dockerfile and ('"gunicorn", "-c", "python:tildel.gunicorn_conf", '
                                              '"tildel.wsgi:application"') in dockerfile
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
        "optional-dependencies"]
    gunicorn = [d for d in extras["bench"] if d.startswith("gunicorn==")]
    assert gunicorn and gunicorn[0] in extras["prod"]


def test_proxy_accepts_the_largest_upload():
    from tildel.casework.forms import MAX_SCAN_BYTES
    from tildel.delivery.forms import MAX_UPLOAD_MB

    conf = (DEPLOY / "nginx" / "tildel.conf").read_text()
    limit_mb = int(re.search(r"client_max_body_size (\d+)m;", conf)[1])
    assert limit_mb > max(MAX_UPLOAD_MB, MAX_SCAN_BYTES // (1024 * 1024))
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in conf
    assert "$request_uri\" $status" not in conf  # the access log leaves out query strings


# --- Structured logs --------------------------------------------------------------------

def _record(message, *args, exc_info=None, **extra):
    record = logging.LogRecord("tildel.test", logging.ERROR, __file__, 1, message, args,
                               exc_info)
    record.__dict__.update(extra)
    return record


def test_json_log_line_has_the_fixed_keys_and_nothing_from_extra():
    line = JsonFormatter().format(_record("Sendt %s brev\nlinje to", 3,
                                          request="GET /personer/?q=hemmelig"))
    assert "\n" not in line
    entry = json.loads(line)
    assert set(entry) == {"time", "level", "logger", "message"}
    assert entry["level"] == "ERROR" and entry["logger"] == "tildel.test"
    assert entry["message"] == "Sendt 3 brev\nlinje to"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d", entry["time"])
    assert "hemmelig" not in line


def test_json_log_line_carries_the_exception_as_text():
    try:
        raise ValueError("feil i «tildel»")
    except ValueError:
        line = JsonFormatter().format(_record("Feilet", exc_info=sys.exc_info()))
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["message"] == "Feilet"
    assert entry["exception"].startswith("Traceback") and "ValueError: feil i «tildel»" in (
        entry["exception"])


def test_settings_write_one_json_object_per_line(tmp_path):
    code = ("import logging\n"
            "log = logging.getLogger('tildel.ops')\n"
            "log.warning('første\\nandre')\n"
            "try:\n    1 / 0\nexcept ZeroDivisionError:\n    log.exception('deling')\n")
    done = run_tildel(["shell", "-c", code], tmp_path, {"TILDEL_LOG_FORMAT": "json"})
    assert done.returncode == 0, done.stderr
    entries = [json.loads(line) for line in done.stderr.splitlines() if line.strip()]
    ours = [e for e in entries if e["logger"] == "tildel.ops"]
    assert [e["message"] for e in ours] == ["første\nandre", "deling"]
    assert "ZeroDivisionError" in ours[1]["exception"] and "exception" not in ours[0]
    plain = run_tildel(["shell", "-c", code], tmp_path, {})
    assert "WARNING tildel.ops første" in plain.stderr
    wrong = run_tildel(["check"], tmp_path, {"TILDEL_LOG_FORMAT": "xml"})
    assert wrong.returncode != 0 and "TILDEL_LOG_FORMAT" in wrong.stderr


def test_json_formatter_logs_through_a_handler():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("tildel.test.handler")
    logger.addHandler(handler)
    try:
        logger.warning("én")
        logger.warning("to")
    finally:
        logger.removeHandler(handler)
    assert [json.loads(line)["message"] for line in stream.getvalue().splitlines()] == [
        "én", "to"]


# --- Read replica for reports -----------------------------------------------------------

class _State:
    def __init__(self, db):
        self.db = db


class _Row:
    def __init__(self, db):
        self._state = _State(db)


def test_replica_router_sends_only_reads_of_the_stored_figures_outside_transactions():
    from django.db import transaction

    from tildel.casework.models import Case
    from tildel.insight.models import FigureRun, FigureSheet

    router = ReportsReplicaRouter()
    assert not transaction.get_connection("default").in_atomic_block
    assert router.db_for_read(FigureRun) == REPORTS
    assert router.db_for_read(FigureSheet) == REPORTS
    assert router.db_for_read(Case) is None  # Django's default: "default"
    assert router.db_for_write(FigureSheet) == "default"
    # A run's sheets are read where the run was read (the refresh resumes on the primary).
    assert router.db_for_read(FigureSheet, instance=_Row("default")) == "default"
    assert router.allow_relation(_Row("default"), _Row(REPORTS)) is True
    assert router.allow_migrate(REPORTS, "insight") is False
    assert router.allow_migrate("default", "insight") is True


@pytest.mark.django_db
def test_replica_router_keeps_reads_in_a_transaction_on_the_primary():
    from django.db import transaction

    from tildel.insight.models import FigureRun

    with transaction.atomic():
        assert ReportsReplicaRouter().db_for_read(FigureRun) == "default"


def test_replica_is_configured_only_by_its_variable(tmp_path):
    code = ("from django.conf import settings as s; from django.db import router; "
            "from tildel.insight.models import FigureSheet as F; "
            "print(sorted(s.DATABASES), s.DATABASE_ROUTERS, router.db_for_read(F), "
            "router.db_for_write(F), s.DATABASES.get('reports', {}).get('HOST'))")
    replica = run_tildel(["shell", "-v", "0", "-c", code], tmp_path, {
        "TILDEL_REPORTS_DATABASE_URL": "postgres://r:pw@replica.kommune.no:5432/tildel"})
    assert replica.returncode == 0, replica.stderr
    assert replica.stdout.split() == ["['default',", "'reports']",
                                      "['tildel.db_routers.ReportsReplicaRouter']",
                                      "reports", "default", "replica.kommune.no"]
    without = run_tildel(["shell", "-v", "0", "-c", "from django.conf import settings as s; "
                          "print(sorted(s.DATABASES), s.DATABASE_ROUTERS)"], tmp_path, {})
    assert without.stdout.split() == ["['default']", "[]"]
