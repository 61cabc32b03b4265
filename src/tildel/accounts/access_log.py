"""Writing to and reading from the access log (tilgangslogg)."""

from __future__ import annotations

from collections.abc import Iterable

from .models import AccessLogEntry, AccessOutcome, Role

DEFAULT_PURPOSE = {
    Role.CASEWORKER: "Saksbehandling",
    Role.OFFICE_LEADER: "Saksbehandling og ledelse",
    Role.PROVIDER_LEADER: "Tjenesteyting",
    Role.PROVIDER_STAFF: "Tjenesteyting",
    Role.MANAGEMENT: "Styring",
    Role.ANALYST: "Analyse",
    Role.ADMINISTRATOR: "Innsyn i logg",
}


def emergency_purpose(reason: str) -> str:
    """The access log's purpose for a read under emergency access (nødrett)."""
    return f"Nødrett: {' '.join(reason.split())}"[:200]


def purpose_for(user) -> str:
    return DEFAULT_PURPOSE.get(user.role, "Annet")


def record(user, person, what: str, *, purpose: str | None = None,
           outcome: str = AccessOutcome.SHOWN) -> AccessLogEntry:
    """Append one entry: ``user`` was shown (or refused) ``what`` of ``person``."""
    return AccessLogEntry.objects.create(
        user=user, person=person, what=what, purpose=purpose or purpose_for(user),
        outcome=outcome, role=user.role)


def record_many(user, persons: Iterable, what: str, *, purpose: str | None = None) -> None:
    """One entry per person shown in a list (e.g. search hits), in one insert. ``persons``:
    anything with the person's id as ``pk``."""
    purpose = purpose or purpose_for(user)
    AccessLogEntry.objects.bulk_create(
        AccessLogEntry(user=user, person_id=p.pk, what=what, purpose=purpose, role=user.role)
        for p in persons)
