"""What a decision must hold before signing (tildel.rules.decisions), with plain values."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from tildel.rules import decisions as r

START = dt.date(2027, 4, 1)


def line(**kw) -> r.LineDraft:
    base = {"service_name": "Hjemmesykepleie", "granted": True, "care_level": 3,
            "extent": Decimal(6), "extent_unit": "hours_week", "start": START,
            "has_provider_unit": True}
    return r.LineDraft(**{**base, **kw})


def draft(*lines, **kw) -> r.DecisionDraft:
    base = {"legal_basis": "hol § 3-2 første ledd nr. 6 bokstav a",
            "facts": "Bor alene, trenger hjelp med medisiner.",
            "reasons": "Behovet dekkes ikke av lavere tiltak.", "alternative_offered": "",
            "lines": lines or (line(),), "sufficiently_informed": True,
            "rehabilitation_screened": True,
            "lower_levels_considered": "Trygghetsalarm og praktisk bistand er prøvd."}
    return r.DecisionDraft(**{**base, **kw})


def test_a_complete_grant_has_no_problems():
    assert r.signing_problems(draft()) == {}


def test_outcome_follows_the_lines():
    refused = line(service_name="Langtidsopphold", granted=False, care_level=6)
    assert r.outcome_for([line()]) == r.GRANT
    assert r.outcome_for([line(), refused]) == r.PARTIAL
    assert r.outcome_for([refused]) == r.REFUSAL


def test_decision_without_legal_basis_cannot_be_signed():
    """Forvaltningsloven § 25: the decision names the rules it is based on."""
    problems = r.signing_problems(draft(legal_basis="  "))
    assert "hjemmel" in problems["legal_basis"][0]


def test_decision_without_reasons_or_facts_cannot_be_signed():
    problems = r.signing_problems(draft(reasons="", facts=""))
    assert "begrunnes" in problems["reasons"][0]
    assert "faktiske" in problems["facts"][0]


def test_refusal_without_alternative_is_refused():
    """MISSION.md § process 5: refusals and partial grants state the alternative offered."""
    refused = line(service_name="Langtidsopphold", granted=False, care_level=6)
    problems = r.signing_problems(draft(line(), refused))
    assert "alternativt tilbud" in problems["alternative_offered"][0]
    with_alternative = line(service_name="Langtidsopphold", granted=False, care_level=6,
                            alternative_offered="Korttidsopphold i fire uker")
    assert "alternative_offered" not in r.signing_problems(draft(line(), with_alternative))
    assert "alternative_offered" not in r.signing_problems(
        draft(line(), refused, alternative_offered="Korttidsopphold"))


def test_end_before_start_is_a_problem_already_in_the_draft():
    problems = r.draft_problems(draft(line(end=START - dt.timedelta(days=1))))
    assert "sluttdato kan ikke være før startdato" in problems["lines"][0]


def test_more_than_168_hours_a_week_is_impossible():
    """reference/standards.md (IPLOS): one service never exceeds 168 hours per week."""
    assert r.draft_problems(draft(line(extent=Decimal(168)))) == {}
    assert "168 timer" in r.draft_problems(draft(line(extent=Decimal("168.5"))))["lines"][0]
    # Monthly hours divide by 4 (IPLOS): 673 a month is more than 168 a week.
    assert r.draft_problems(draft(line(extent=Decimal(672), extent_unit="hours_month"))) == {}
    assert r.draft_problems(draft(line(extent=Decimal(673), extent_unit="hours_month")))


def test_signing_needs_the_sufficiently_informed_confirmation():
    """Forvaltningsloven § 17 and MISSION.md § process 4."""
    problems = r.signing_problems(draft(sufficiently_informed=False))
    assert "tilstrekkelig opplyst" in problems["sufficiently_informed"][0]


def test_rehabilitation_screening_must_be_answered():
    assert "rehabilitation_screening" in r.signing_problems(
        draft(rehabilitation_screened=False))


def test_care_staircase_check_from_home_health_upwards():
    """LEON: before a higher level is granted, lower alternatives tried are recorded."""
    assert "lower_levels_considered" in r.signing_problems(draft(lower_levels_considered=""))
    low = line(service_name="Matombringing", care_level=1, extent=None, extent_unit="none")
    assert "lower_levels_considered" not in r.signing_problems(
        draft(low, lower_levels_considered=""))


def test_granted_line_needs_unit_start_and_extent():
    problems = r.draft_problems(draft(line(has_provider_unit=False, start=None, extent=None)))
    text = " ".join(problems["lines"])
    assert "tjenesteenhet" in text and "startdato" in text and "omfang" in text


def test_refused_line_needs_no_unit():
    refused = line(granted=False, has_provider_unit=False, start=None, extent=None,
                   alternative_offered="Praktisk bistand")
    assert r.draft_problems(draft(refused)) == {}
