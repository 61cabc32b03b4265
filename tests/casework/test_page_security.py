"""Web hardening as a browser meets it (issue 10, item 2): every main screen answers with a
Content-Security-Policy that allows no inline code, and no page holds inline code the
policy would have to allow; production settings pass Django's deployment checks."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys

import pytest
from django.urls import reverse

from .test_query_budgets import SCREENS as MAIN_SCREENS
from .test_query_budgets import city  # noqa: F401 - the fixture is used below

#: The main screens, and the pages with charts (their data in json_script elements).
SCREENS = {**MAIN_SCREENS,
           "nøkkeltall": ("analyst", lambda w: "/nokkeltall/"),
           "finansiering": ("analyst", lambda w: reverse("financing-simulator")),
           "søk (htmx)": ("caseworker", lambda w: reverse("person-search"))}

pytestmark = pytest.mark.django_db

INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>",
                           re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=", re.IGNORECASE)
HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)


def policy(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part for part in (p.strip() for p in header.split(";")) if part}


def test_every_main_screen_has_a_policy_without_inline_code_and_obeys_it(city, client):  # noqa: F811
    checked = 0
    for name, (role, url) in SCREENS.items():
        client.force_login(getattr(city, role))
        response = client.get(url(city))
        assert response.status_code == 200, name
        found = policy(response)
        assert found["script-src"] == "script-src 'self'", name
        assert found["style-src"] == "style-src 'self'", name
        assert found["frame-ancestors"] == "frame-ancestors 'none'", name
        assert "unsafe" not in response["Content-Security-Policy"], name
        if response["Content-Type"].startswith("text/html"):
            page = response.content.decode()
            assert not INLINE_SCRIPT.findall(page), (name, INLINE_SCRIPT.findall(page))
            assert not INLINE_STYLE.search(page), name
            assert not HANDLER.search(page), (name, HANDLER.findall(page))
            checked += 1
    assert checked == sum(1 for name in SCREENS if not name.startswith("API"))


def test_login_page_has_the_policy_and_no_inline_code(client):
    response = client.get("/logg-inn/")
    assert response.status_code == 200
    assert policy(response)["script-src"] == "script-src 'self'"
    page = response.content.decode()
    assert not INLINE_SCRIPT.findall(page) and not INLINE_STYLE.search(page)
    # htmx is told not to inject its indicator styles or evaluate code.
    assert '"includeIndicatorStyles": false' in page and '"allowEval": false' in page


def test_production_settings_pass_the_deployment_checks(tmp_path):
    """``manage.py check --deploy`` with what docs/operations.md tells a municipality to
    set: HTTPS on, a long random SECRET_KEY, debug off, a host name."""
    env = {**os.environ, "TILDEL_HTTPS": "1", "SECRET_KEY": secrets.token_urlsafe(64),
           "TILDEL_ALLOWED_HOSTS": "tildel.kommune.no", "TILDEL_DEBUG": "0",
           "TILDEL_SYNTHETIC_IDS": "0", "TILDEL_VAR_DIR": str(tmp_path),
           "DJANGO_SETTINGS_MODULE": "tildel.settings"}
    done = subprocess.run([sys.executable, "-m", "django", "check", "--deploy",  # noqa: S603
                           "--fail-level", "WARNING"], env=env, capture_output=True,
                          text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout
