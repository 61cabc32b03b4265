"""docs/insight.md lists every indicator of the catalogue, so the documentation a reader
trusts cannot fall behind the code."""

from pathlib import Path

import pytest

from tildel.rules.indicators import INDICATORS

DOC = (Path(__file__).resolve().parents[2] / "docs" / "insight.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("indicator", INDICATORS, ids=lambda i: i.code)
def test_every_indicator_is_in_the_documentation_table(indicator):
    assert f"| `{indicator.code}` | {indicator.name} |" in DOC
