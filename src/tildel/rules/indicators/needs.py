"""Needs groups from IPLOS functional scores (bistandsbehov: noe/avgrenset, middels til
stort, omfattende).

Report 003 (L542-555) reports the share of users with *omfattende bistandsbehov* but does
not define the grouping. Tildel groups on the mean of the relevant scores (1–5; 9, not
relevant, left out) with thresholds that are configurable and versioned: a figure always
says which version it used. The default version's thresholds (2.5 and 3.5) are ours.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

LIMITED, MEDIUM, EXTENSIVE = "limited", "medium", "extensive"
GROUP_LABELS = {LIMITED: "Noe/avgrenset bistandsbehov", MEDIUM: "Middels til stort",
                EXTENSIVE: "Omfattende bistandsbehov"}


@dataclass(frozen=True)
class NeedsGrouping:
    """One version of the thresholds on the mean functional score."""

    version: str
    valid_from: dt.date
    medium_from: float = 2.5
    extensive_from: float = 3.5

    def __post_init__(self):
        if not 1 <= self.medium_from < self.extensive_from <= 5:
            raise ValueError("thresholds must satisfy 1 ≤ middels < omfattende ≤ 5")

    def group(self, mean_score: float | None) -> str | None:
        if mean_score is None:
            return None
        if mean_score >= self.extensive_from:
            return EXTENSIVE
        return MEDIUM if mean_score >= self.medium_from else LIMITED


DEFAULT = NeedsGrouping("tildel-1", dt.date(2000, 1, 1))


def mean_score(scores: Iterable[int]) -> float | None:
    """Mean of the scores 1–5 (9 means not relevant and is left out); None if none."""
    relevant = [s for s in scores if 1 <= s <= 5]
    return sum(relevant) / len(relevant) if relevant else None


def grouping_on(day: dt.date, versions: Sequence[NeedsGrouping] = ()) -> NeedsGrouping:
    """The version in force on ``day``: the latest that started on or before it."""
    valid = [v for v in versions if v.valid_from <= day]
    return max(valid, key=lambda v: v.valid_from) if valid else DEFAULT
