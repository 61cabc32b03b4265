"""What a lawful decision (enkeltvedtak) must contain before it can be signed.

Forvaltningsloven §§ 24–27 (reasons, legal basis, facts, complaint information), MISSION.md
§ process 4–5 (sufficiently informed, care staircase, alternative offered on refusal) and
the IPLOS maximum of 168 hours per week on one service (reference/standards.md).

The checks take plain values and return Norwegian messages per field, so the screens and
the API show the same words.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from . import hours

GRANT, PARTIAL, REFUSAL = "grant", "partial", "refusal"

#: From this level of the care staircase (3 = health services at home) a grant must record
#: which lower levels were tried or considered (LEON, MISSION.md § process 4).
CARE_STAIRCASE_CHECK_FROM_LEVEL = 3


@dataclass(frozen=True)
class LineDraft:
    """One service line as drafted."""

    service_name: str
    granted: bool
    care_level: int
    extent: Decimal | None = None
    extent_unit: str = "none"
    start: dt.date | None = None
    end: dt.date | None = None
    has_provider_unit: bool = False
    alternative_offered: str = ""


@dataclass(frozen=True)
class DecisionDraft:
    """A decision as drafted, with what the assessment says about the case."""

    legal_basis: str
    facts: str
    reasons: str
    alternative_offered: str
    lines: tuple[LineDraft, ...] = field(default_factory=tuple)
    sufficiently_informed: bool = False
    rehabilitation_screened: bool = False
    lower_levels_considered: str = ""


def outcome_for(lines: tuple[LineDraft, ...] | list[LineDraft]) -> str:
    """Innvilget, delvis innvilget or avslag, from which lines are granted."""
    granted = [line.granted for line in lines]
    if granted and all(granted):
        return GRANT
    if any(granted):
        return PARTIAL
    return REFUSAL


def weekly_hours(extent: Decimal, extent_unit: str) -> Decimal | None:
    if extent_unit == "hours_week":
        return Decimal(extent)
    if extent_unit == "hours_month":
        return hours.weekly_from_monthly(extent)
    return None


def line_problems(line: LineDraft) -> list[str]:
    """What is wrong with one line (empty when it is fine)."""
    problems: list[str] = []
    name = line.service_name
    if line.start and line.end and line.end < line.start:
        problems.append(f"{name}: sluttdato kan ikke være før startdato.")
    if line.extent is not None and line.extent < 0:
        problems.append(f"{name}: omfanget kan ikke være negativt.")
    if line.extent is not None:
        weekly = weekly_hours(line.extent, line.extent_unit)
        if weekly is not None and hours.exceeds_weekly_maximum(weekly):
            problems.append(f"{name}: mer enn 168 timer per uke på én tjeneste er ikke mulig.")
    if line.granted:
        if line.start is None:
            problems.append(f"{name}: innvilget tjeneste må ha startdato.")
        if not line.has_provider_unit:
            problems.append(f"{name}: innvilget tjeneste må ha en tjenesteenhet som yter den.")
        if line.extent_unit != "none" and line.extent is None:
            problems.append(f"{name}: innvilget tjeneste må ha omfang.")
    return problems


def draft_problems(draft: DecisionDraft) -> dict[str, list[str]]:
    """Problems that block saving a draft: impossible values, not missing text."""
    problems: dict[str, list[str]] = {}
    for line in draft.lines:
        for message in line_problems(line):
            problems.setdefault("lines", []).append(message)
    return problems


def signing_problems(draft: DecisionDraft) -> dict[str, list[str]]:
    """Everything that must be in place before the decision can be signed."""
    problems = draft_problems(draft)

    def add(key: str, message: str) -> None:
        problems.setdefault(key, []).append(message)

    if not draft.lines:
        add("lines", "Vedtaket må gjelde minst én tjeneste.")
    if not draft.legal_basis.strip():
        add("legal_basis", "Vedtaket må ha hjemmel (forvaltningsloven § 25).")
    if not draft.facts.strip():
        add("facts", "Vedtaket må gjengi de faktiske forholdene (forvaltningsloven § 25).")
    if not draft.reasons.strip():
        add("reasons", "Vedtaket må begrunnes (forvaltningsloven § 24).")
    refused = [line for line in draft.lines if not line.granted]
    if refused and not draft.alternative_offered.strip() and not all(
            line.alternative_offered.strip() for line in refused):
        add("alternative_offered",
            "Et avslag eller delvis avslag må opplyse om hvilket alternativt tilbud "
            "som gis.")
    if not draft.sufficiently_informed:
        add("sufficiently_informed",
            "Saken må være bekreftet tilstrekkelig opplyst før vedtaket kan signeres "
            "(forvaltningsloven § 17).")
    if not draft.rehabilitation_screened:
        add("rehabilitation_screening",
            "Spørsmålet om behov for habilitering eller rehabilitering må være besvart.")
    high = [line for line in draft.lines
            if line.granted and line.care_level >= CARE_STAIRCASE_CHECK_FROM_LEVEL]
    if high and not draft.lower_levels_considered.strip():
        add("lower_levels_considered",
            "Før et høyere nivå i omsorgstrappen innvilges, må det stå hvilke lavere "
            "tiltak som er prøvd eller vurdert.")
    return problems
