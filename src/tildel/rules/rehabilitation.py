"""Everyday rehabilitation (*hverdagsrehabilitering*), everyday mastery (*hverdagsmestring*)
and reablement after hospital.

- A course is time-limited, about **four weeks**, with an interdisciplinary evaluation after
  **two weeks** and the user's goals scored before and after (report 000 § 4, MISSION.md
  § process 8). Goals come from "what matters to you?" (*Hva er viktig for deg?*).
- Each goal is scored on a patient-specific functional scale from **0 to 10** (0 = cannot do
  it at all, 10 = does it as before), at the start, at the two-week evaluation and at the end.
- Reablement after hospital (report 002 l.528-536, 557-574): an episode opened on discharge,
  or on a decline referral from home nursing or a safety alarm, goal-based, with **no fixed end
  date** (l.534-535), ending in a structured handover to ordinary home nursing once stable.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

COURSE_WEEKS = 4
EVALUATION_DAYS = 14
SCORE_MIN, SCORE_MAX = 0, 10


@dataclass(frozen=True)
class CoursePlan:
    """When a course's evaluation and end fall."""

    start: dt.date
    evaluation_on: dt.date
    planned_end: dt.date | None


def plan(start: dt.date, *, weeks: int | None = COURSE_WEEKS,
         evaluation_days: int = EVALUATION_DAYS) -> CoursePlan:
    """A course of ``weeks`` (None: reablement, no fixed end) with its midway evaluation."""
    end = None if weeks is None else start + dt.timedelta(weeks=weeks)
    return CoursePlan(start, start + dt.timedelta(days=evaluation_days), end)


def score_problem(score: int | None) -> str:
    """Why a functional score is refused, in Norwegian; empty when it is accepted."""
    if score is None:
        return ""
    if not SCORE_MIN <= score <= SCORE_MAX:
        return f"Skåren må være et helt tall fra {SCORE_MIN} til {SCORE_MAX}."
    return ""


def change(before: int | None, after: int | None) -> int | None:
    """Points gained on the 0-10 scale (negative: lost), or None when not both scored."""
    if before is None or after is None:
        return None
    return after - before


def mean_change(pairs: list[tuple[int | None, int | None]]) -> float | None:
    """The average change over the goals scored both before and after."""
    changes = [c for c in (change(a, b) for a, b in pairs) if c is not None]
    return sum(changes) / len(changes) if changes else None
