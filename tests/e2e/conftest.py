"""Browser tests: Playwright drives Debian's Chromium against pytest-django's live server.

Every page a journey visits is checked with axe-core (WCAG 2.0/2.1 A and AA) and saved as
a full-page screenshot under var/e2e/<test>/. Run them with `make e2e`.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import warnings
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.casework.conftest import office  # noqa: F401  (the casework fixture)
from tildel.accounts.models import User

ROOT = Path(__file__).resolve().parents[2]
ARTEFACTS = ROOT / "var" / "e2e"
AXE = Path(__file__).parent / "vendor" / "axe-core-4.14.1" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}
CHROMIUM = os.environ.get("TILDEL_E2E_CHROMIUM", "/usr/bin/chromium")


def pytest_collection_modifyitems(config, items):
    """Browser tests run only when asked for by marker (`make e2e` passes -m e2e).

    addopts has -m "not e2e", but any other -m (such as -m "not slow") replaces it.
    """
    if "e2e" in (config.option.markexpr or ""):
        return
    browser_tests = [item for item in items if item.get_closest_marker("e2e")]
    if browser_tests:
        config.hook.pytest_deselected(items=browser_tests)
        items[:] = [item for item in items if not item.get_closest_marker("e2e")]


@pytest.fixture(scope="session")
def browser() -> Browser:
    """One headless Chromium for the session.

    Playwright's sync API runs an asyncio event loop in this thread (in a greenlet), so
    Django sees a running loop and refuses ORM calls from the test body with
    SynchronousOnlyOperation. The test body never runs inside that loop's coroutines, so
    it is safe to allow: set only for the e2e session, never for `make test`.
    """
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            # chromium_sandbox=False (Playwright's default) passes --no-sandbox, which
            # Chromium needs when CI runs it as root.
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                                 chromium_sandbox=False)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


class Journey:
    """A browser tab on the live server that checks and photographs each page."""

    def __init__(self, page: Page, base_url: str, folder: Path):
        self.page = page
        self.base_url = base_url
        self.folder = folder
        self.checked: list[str] = []
        self.problems: list[str] = []
        page.on("console", self._console)
        page.on("response", self._response)
        page.on("pageerror", lambda error: self.problems.append(f"JavaScript error: {error}"))

    def _console(self, message):
        # A CSP refusal or a script error is a bug on the page, not noise. Failed loads
        # are reported by _response, with their address.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.problems.append(f"console: {message.text}")

    def _response(self, response):
        if response.status >= 400 and not response.url.endswith("/favicon.ico"):
            self.problems.append(f"HTTP {response.status}: {response.url}")

    def goto(self, path: str, name: str) -> Page:
        self.page.goto(self.base_url + path)
        self.check(name)
        return self.page

    def check(self, name: str) -> None:
        """Screenshot the page; fail on console errors, failed requests, sideways overflow
        and serious or critical axe violations."""
        self.page.wait_for_load_state("load")
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        number = len(self.checked) + 1
        self.page.screenshot(path=self.folder / f"{number:02d}-{slug}.png", full_page=True)
        self.checked.append(f"{number:02d} {name}: {self.page.url}")
        # Nothing may stick out sideways (WCAG 1.4.10 reflow; axe skips what is off-screen).
        width = self.page.evaluate(
            "() => [document.documentElement.scrollWidth, window.innerWidth]")
        if width[0] > width[1]:
            self.problems.append(f"the page is {width[0]} px wide in a {width[1]} px window")
        problems, self.problems = self.problems, []
        assert not problems, f"{name} ({self.page.url}):\n" + "\n".join(problems)
        result = self.axe_result()
        violations = result["violations"]
        # Every finding, minor ones and those axe could not decide too, is kept next to
        # the screenshot.
        (self.folder / f"{number:02d}-{slug}.axe.json").write_text(json.dumps(
            {key: result[key] for key in ("violations", "incomplete")}, indent=1,
            ensure_ascii=False), encoding="utf-8")
        blocking = [v for v in violations if v["impact"] in BLOCKING]
        unsure = [v for v in result["incomplete"] if v["impact"] in BLOCKING]
        if unsure:  # axe could not decide: for a person to look at, so not a failure
            warnings.warn(f"axe needs review on {name} ({self.page.url}):\n"
                          + describe(unsure), stacklevel=2)
        assert not blocking, f"axe on {name} ({self.page.url}):\n" + describe(blocking)

    def axe(self) -> list[dict]:
        """axe's violations on the current page."""
        return self.axe_result()["violations"]

    def axe_result(self) -> dict:
        """axe's full result (violations and undecided checks) for the current page."""
        # Evaluated over the DevTools protocol, which the page's Content-Security-Policy
        # does not govern (add_script_tag inserts an inline script, which the CSP refuses).
        # The CSP stays on, so the test sees the page as a user's browser does.
        if not self.page.evaluate("() => typeof window.axe === 'object'"):
            self.page.evaluate(AXE.read_text(encoding="utf-8"))
        result = self.page.evaluate(
            "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags},"
            " resultTypes: ['violations', 'incomplete']})", AXE_TAGS)
        return result


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} <{v['helpUrl']}>")
        for node in v["nodes"][:10]:
            lines.append(f"    {json.dumps(node['target'])}: {node['failureSummary']}")
    return "\n".join(lines)


@pytest.fixture
def journey(browser, live_server, request) -> Journey:
    """A fresh browser context (no cookies) and a Journey on the live server."""
    folder = ARTEFACTS / re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    context = browser.new_context(locale="nb-NO", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    journey = Journey(context.new_page(), live_server.url, folder)
    yield journey
    context.close()


def sign_in_with_cookie(journey: Journey, user: User) -> None:
    """Sign in without the login form: a session from Django's test client."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    journey.page.context.add_cookies([{
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": journey.base_url}])
