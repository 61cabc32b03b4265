"""The case's timeline (saksjournal)."""

from __future__ import annotations

from tildel.casework.models import Case, CaseEvent


def log(case: Case, text: str, actor=None, *, problem: bool = False) -> CaseEvent:
    return CaseEvent.objects.create(case=case, text=text[:300], actor=actor, is_problem=problem)
