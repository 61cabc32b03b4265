"""Expand the hand-checked reference datasets in ``data/`` into fact rows.

Each CSV row stands for ``count`` persons with the same history, so a dataset of a few
lines gives the reports' published shares exactly; the comments at the top of each file
show the arithmetic.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from tildel.rules.indicators.facts import PathwayFact, ServiceSpell
from tildel.rules.pathways import REPORT_HORIZONS

DATA = Path(__file__).parent / "data"
BIRTH = dt.date(1940, 6, 1)


def rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    return list(csv.DictReader(lines))


def day(text: str) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


class Ids:
    def __init__(self):
        self.value = 0

    def __call__(self) -> int:
        self.value += 1
        return self.value


def spell(ids: Ids, person: int, service: str, start: dt.date, end: dt.date | None, *,
          weekly_hours: float | None = 2.0, district: int | None = 1,
          unit_kind: str = "home_nursing") -> ServiceSpell:
    line = ids()
    return ServiceSpell(line, line, person, service, unit_kind, start, start, end,
                        weekly_hours, BIRTH, False, district, 1, 1, 1)


def pathway(ids: Ids, person: int, code: int, start: dt.date, end: dt.date | None,
            outcome: str, district: int | None = 1) -> PathwayFact:
    return PathwayFact(ids(), person, code, start, REPORT_HORIZONS.deadline(code, start), end,
                       outcome, district, 1, 1, 1)
