"""The accessibility check itself: axe runs, and a bad page fails it."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import BLOCKING, Journey

pytestmark = pytest.mark.e2e

BAD_PAGE = """<!doctype html><html><head><title>Feil</title></head><body><main>
<h1>Skjema</h1><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="><input type="text">
</main></body></html>"""


def test_axe_reports_a_missing_label_and_alt_text(browser, tmp_path):
    page = browser.new_page()
    try:
        page.set_content(BAD_PAGE)
        found = {v["id"]: v["impact"] for v in Journey(page, "", tmp_path).axe()}
    finally:
        page.close()
    assert found.get("image-alt") in BLOCKING
    assert found.get("label") in BLOCKING
    assert "html-has-lang" in found
