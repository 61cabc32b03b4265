"""The command line and production-safe settings, run as a new user would run them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def run(args, tmp_path, **env):
    environment = {**os.environ, "TILDEL_VAR_DIR": str(tmp_path),
                   "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", **env}
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run([sys.executable, "-m", "tildel", *args], cwd=tmp_path,
                          env=environment, capture_output=True, text=True, timeout=300,
                          check=False)


def test_python_m_tildel_runs_management_commands(tmp_path):
    result = run(["check"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout
    assert (tmp_path / "secret_key").exists()


def test_demo_command_on_a_fresh_database_then_refuses_without_reset(tmp_path):
    assert run(["migrate", "-v", "0"], tmp_path).returncode == 0
    first = run(["demo", "--size", "small", "--seed", "3"], tmp_path)
    assert first.returncode == 0, first.stderr
    assert "240 tjenestemottakere" in first.stdout and "saksbehandler" in first.stdout
    second = run(["demo", "--size", "small"], tmp_path)
    assert second.returncode != 0
    assert "Bruk --reset" in second.stderr
    again = run(["demo", "--if-empty"], tmp_path)
    assert again.returncode == 0 and "har allerede data" in again.stdout


def test_collectstatic_gathers_the_stylesheet_and_vendored_htmx(tmp_path):
    result = run(["collectstatic", "--no-input", "-v", "0"], tmp_path)
    assert result.returncode == 0, result.stderr
    static = tmp_path / "static"
    assert (static / "tildel" / "tildel.css").exists()
    assert (static / "vendor" / "htmx" / "htmx-2.0.11.min.js").exists()
    assert "tildel/tildel.css" in (static / "staticfiles.json").read_text()


def settings_value(tmp_path, expression, **env):
    code = ("import django, os; os.environ['DJANGO_SETTINGS_MODULE']='tildel.settings'; "
            f"django.setup(); from django.conf import settings as s; print({expression})")
    environment = {**os.environ, "TILDEL_VAR_DIR": str(tmp_path)}
    for inherited in ("TILDEL_DEBUG", "DATABASE_URL", "TILDEL_HTTPS", "TILDEL_ALLOWED_HOSTS"):
        environment.pop(inherited, None)
    environment.update(env)
    result = subprocess.run([sys.executable, "-c", code], env=environment, cwd=tmp_path,
                            capture_output=True, text=True, check=True)
    return result.stdout.strip()


def test_defaults_are_production_safe(tmp_path):
    assert settings_value(tmp_path, "s.DEBUG") == "False"
    assert settings_value(tmp_path, "s.ALLOWED_HOSTS") == "['127.0.0.1', 'localhost']"
    assert settings_value(tmp_path, "s.SESSION_COOKIE_HTTPONLY") == "True"
    assert settings_value(tmp_path, "s.DATABASES['default']['ENGINE']") == \
        "django.db.backends.sqlite3"


def test_https_turns_on_secure_cookies_and_hosts_come_from_the_environment(tmp_path):
    env = {"TILDEL_HTTPS": "1", "TILDEL_ALLOWED_HOSTS": "tildel.kommune.no"}
    assert settings_value(tmp_path, "s.SESSION_COOKIE_SECURE", **env) == "True"
    assert settings_value(tmp_path, "s.CSRF_COOKIE_SECURE", **env) == "True"
    assert settings_value(tmp_path, "s.ALLOWED_HOSTS", **env) == "['tildel.kommune.no']"


@pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"),
                    reason="runs when the suite itself runs on PostgreSQL")
def test_database_url_selects_postgresql(tmp_path):
    assert settings_value(tmp_path, "s.DATABASES['default']['ENGINE']",
                          DATABASE_URL=os.environ["DATABASE_URL"]) == \
        "django.db.backends.postgresql"


def test_postgresql_compiles_only_heavy_queries_and_the_operator_may_say_otherwise(tmp_path):
    """JIT from a planner cost of 1,000,000, not PostgreSQL's 100,000 (docs/performance.md:
    30 ms of compiling for a 30 ms screen query); options in DATABASE_URL come last."""
    expression = "s.DATABASES['default']['OPTIONS']['options']"
    url = "postgres://tildel@127.0.0.1:5432/tildel"
    assert settings_value(tmp_path, expression, DATABASE_URL=url) == \
        "-c jit_above_cost=1000000"
    assert settings_value(tmp_path, expression,
                          DATABASE_URL=url + "?options=-c%20jit%3Doff") == \
        "-c jit_above_cost=1000000 -c jit=off"


@pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"),
                    reason="runs when the suite itself runs on PostgreSQL")
def test_the_connection_uses_the_jit_threshold(db):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW jit_above_cost")
        assert float(cursor.fetchone()[0]) == 1_000_000
